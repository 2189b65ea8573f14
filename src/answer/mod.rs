//! Tencent's answer: `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`.
//!
//! Every response the layer produces on the callback path carries this body with
//! `Content-Type: application/json`. In extension mode the application's own handler
//! returns an [`Answer`] too: with the `axum` feature, return it directly, as it
//! implements `IntoResponse`; without it, convert it with [`Answer::into_http_response`].
//!
//! ```
//! use tencent_room_webhook::{Answer, ErrorCode};
//!
//! let ok = Answer::ok().into_http_response();
//! assert_eq!(ok.status(), 200);
//!
//! let fail = Answer::fail(ErrorCode::new(1001), "room not found");
//! assert_eq!(fail.action_status(), "FAIL");
//! assert_eq!(
//!     fail.to_json(),
//!     r#"{"ActionStatus":"FAIL","ErrorInfo":"room not found","ErrorCode":1001}"#
//! );
//! ```
//!
//! # Error codes
//!
//! The layer's own refusals use the codes below; they are stable across releases. The
//! hundreds of each code are the HTTP status it comes with.
//!
//! | situation | HTTP status | `ErrorCode` |
//! | --- | --- | --- |
//! | handled, handler succeeded | 200 | [`ErrorCode::OK`] (0) |
//! | handled, handler returned an error | 200, or the status it set with [`HandlerError::with_status`](crate::HandlerError::with_status) | the handler's code ([`ErrorCode::HANDLER_FAILED`] if it gave 0) |
//! | body is not a JSON object, or `CallbackCommand` missing from it (a body whose command differs from the query's is delivered: the body's decides; the bodies of `Push.OfflinePush`, `Push.AllMemberPush` and `ContentCallback.ResultNotify`, which have none, take the query's) | 400 | [`ErrorCode::BAD_REQUEST`] (40000) |
//! | `Sign` / `RequestTime` missing, wrong or outside the window | 401 | [`ErrorCode::UNAUTHORIZED`] (40100) |
//! | `SdkAppid` missing, malformed or not configured | 403 | [`ErrorCode::UNKNOWN_APP`] (40300) |
//! | method is not `POST` | 405 | [`ErrorCode::METHOD_NOT_ALLOWED`] (40500) |
//! | body larger than the limit | 413 | [`ErrorCode::PAYLOAD_TOO_LARGE`] (41300) |
//! | the body did not arrive whole within the body timeout | 408 | [`ErrorCode::BODY_TIMEOUT`] (40800) |
//! | `contenttype` not `json`, or a refused `Content-Type` | 415 | [`ErrorCode::UNSUPPORTED_MEDIA_TYPE`] (41500) |
//! | handler panicked (in extension mode: the inner service panicked) | 500 | [`ErrorCode::HANDLER_PANICKED`] (50000) |
//! | extension mode: the inner service answered 404 or 405 on the callback path | 500 | [`ErrorCode::NO_ROUTE`] (50002) |
//! | extension mode: the `RoomCallback` extractor found no callback (no layer in front, or the route off its path) | 500 | [`ErrorCode::NO_CALLBACK`] (50003) |
//! | the Live or Chat handler answered a decision of another callback's kind | 500 | [`ErrorCode::WRONG_DECISION`] (50004) |
//! | answer-first mode: the queue is full | 503 | [`ErrorCode::QUEUE_FULL`] (50300) |
//! | answer-first mode: draining for a shutdown | 503 | [`ErrorCode::SHUTTING_DOWN`] (50301) |
//! | the bodies being read hold the buffered limit already | 503 | [`ErrorCode::BUSY`] (50302) |
//! | a sink could not record the event (write or flush failed, broker down or refusing, a Redis stream's backlog at its high-water mark) | 503 | [`ErrorCode::NOT_RECORDED`] (50303) |
//! | a sink did not confirm the event within its wait (output stalled, broker slow) | 503 | [`ErrorCode::RECORD_TIMEOUT`] (50304) |
//! | de-duplication: another delivery of the callback is being handled | 503 | [`ErrorCode::DELIVERY_PENDING`] (50305) |
//! | the handler passed its deadline, or the callback's time to answer within, and was cancelled | 504 | [`ErrorCode::HANDLER_TIMEOUT`] (50400) |
//! | the time to answer within ran out before the handler could run | 504 | [`ErrorCode::OUT_OF_TIME`] (50401) |
//!
//! # Observability
//!
//! Each callback that passes the checks made before reading gets a `room_callback` span
//! (`debug`) with `sdk_app_id`, `command`, `room_id` and `outcome`. Nothing logged holds
//! the body, a token or a `Sign`. What is logged, by level, so that `info` shows what
//! needs acting on:
//!
//! - `error`: a handler panicked (500), in the background too; in extension mode, no
//!   route took the callback path (500, [`ErrorCode::NO_ROUTE`]) or the `RoomCallback`
//!   extractor found no callback (500, [`ErrorCode::NO_CALLBACK`]).
//! - `warn`, at most one line per kind every 10 seconds, with `suppressed` counting the
//!   refusals of that kind since the last line (logged at `debug` only): refusals that
//!   mean misconfiguration or an attack: a wrong or missing `SdkAppid` (403), a missing
//!   or bad `Sign` (401), a refused content type (415), a body over the limit (413), a
//!   body not whole within the body timeout (408), the buffered limit full (503); a
//!   Redis stream's backlog at its high-water mark (503, `sink::RedisStream`).
//! - `warn`: a handler's FAIL, with its code, its message and, for an error converted by
//!   `?`, the error; a handler cancelled at its deadline; a callback not taken by a full
//!   or draining queue (503); in extension mode, the first response on the callback path
//!   not made from an [`Answer`]; the first time an unknown command or field arrives
//!   (that is how Tencent's protocol drift shows up); an undecodable body left to the
//!   default `on_undecodable`; a de-duplication store that failed.
//! - `info`: a handler that went on in the background after its deadline; a Redis
//!   connection replaced because it stopped answering; a Redis stream appending again
//!   after its high-water mark.
//! - `debug`: every other refusal (a method other than `POST`, a body that is no
//!   callback), a repeated delivery answered without handling it.
//!
//! With the `metrics` feature, the layer counts callbacks by command and outcome,
//! refusals and handler failures by code, times handlers, and gauges the callbacks in
//! flight and queued and a Redis stream's backlog, through the [`metrics`](https://docs.rs/metrics) facade: install
//! the recorder of your choice (the reference server serves Prometheus text on
//! `GET /metrics`). The names and labels are in the README, under Features.
//!

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Response, StatusCode};
use http_body_util::Full;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::decision::{
    C2cMessageDecision, ChatbotReply, FriendDecision, GiftDecision, GroupRequestDecision,
    InviteDecision, MessageDecision, OfficialAccountCreationDecision, PassedCode, RefusedUsers,
    SendDecision, SubscriberDecision,
};
use crate::event::UserId;

mod refusal;

pub(crate) use self::refusal::Refusal;

/// The `ErrorCode` of an answer: 0 for success, anything else for failure.
///
/// The constants are the codes the layer itself answers with; a handler may use any
/// other value for its own failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ErrorCode(i32);

impl ErrorCode {
    /// Success.
    pub const OK: Self = Self(0);
    /// The body is not a JSON object, or has no `CallbackCommand` (or several, different);
    /// but for the three commands whose bodies have none (`Push.*`,
    /// `ContentCallback.ResultNotify`), decided by the query's.
    pub const BAD_REQUEST: Self = Self(40000);
    /// Authentication is on and `Sign` / `RequestTime` are missing, wrong or outside the window.
    pub const UNAUTHORIZED: Self = Self(40100);
    /// `SdkAppid` is missing, malformed or not one of the configured SDKAppIDs.
    pub const UNKNOWN_APP: Self = Self(40300);
    /// The method is not `POST`.
    pub const METHOD_NOT_ALLOWED: Self = Self(40500);
    /// The body did not arrive whole within the body timeout: the client stalled.
    pub const BODY_TIMEOUT: Self = Self(40800);
    /// The body is larger than the configured limit.
    pub const PAYLOAD_TOO_LARGE: Self = Self(41300);
    /// `contenttype` is not `json`, or the `Content-Type` header is refused by the policy.
    pub const UNSUPPORTED_MEDIA_TYPE: Self = Self(41500);
    /// The handler panicked; the panic was caught and the server carries on.
    pub const HANDLER_PANICKED: Self = Self(50000);
    /// The handler failed with code 0, which would read as success: this code replaces it.
    pub const HANDLER_FAILED: Self = Self(50001);
    /// Extension mode: the inner service answered 404 or 405 on the callback path, so no
    /// route received the event.
    pub const NO_ROUTE: Self = Self(50002);
    /// Extension mode, feature `axum`: the application's `extract::RoomCallback` extractor
    /// found no callback in the request (the layer is not in front of the route, or the
    /// route is not on the layer's path).
    pub const NO_CALLBACK: Self = Self(50003);
    /// Answer-first mode: the queue is full; the callback was not taken.
    pub const QUEUE_FULL: Self = Self(50300);
    /// Answer-first mode: the layer is draining for a shutdown; the callback was not taken.
    pub const SHUTTING_DOWN: Self = Self(50301);
    /// The bodies being read at once hold the layer's buffered limit already: the
    /// callback was not read. Stalled clients free their share at the body timeout.
    pub const BUSY: Self = Self(50302);
    /// A [sink](crate::sink) could not record the event: its write or flush failed, or
    /// its broker is down or refused it (a Redis stream whose backlog is at its
    /// high-water mark). Nothing was acknowledged.
    pub const NOT_RECORDED: Self = Self(50303);
    /// A [sink](crate::sink) did not confirm the event within its wait (the output is
    /// stalled, the broker slow). The event may still be recorded later, never answered OK.
    pub const RECORD_TIMEOUT: Self = Self(50304);
    /// De-duplication: another delivery of the same callback (same app, command and body)
    /// is being handled and may still fail, so this one is neither handled again nor
    /// answered OK.
    pub const DELIVERY_PENDING: Self = Self(50305);
    /// The Live or Chat handler answered a decision of another callback's kind: a gift's for a
    /// message, or a decision for an after-callback.
    pub const WRONG_DECISION: Self = Self(50004);
    /// The handler did not finish by its deadline and was cancelled.
    pub const HANDLER_TIMEOUT: Self = Self(50400);
    /// The callback's time to answer within ran out before its handler could run (a slow
    /// de-duplication store, say): answered before Tencent gives up.
    pub const OUT_OF_TIME: Self = Self(50401);

    /// An error code with the given value.
    pub const fn new(code: i32) -> Self {
        Self(code)
    }

    /// The numeric value sent as `ErrorCode`.
    pub const fn get(self) -> i32 {
        self.0
    }
}

impl From<i32> for ErrorCode {
    fn from(code: i32) -> Self {
        Self(code)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// The JSON answer Tencent expects to every callback.
///
/// To return it from an axum route, turn on the `axum` feature
/// (`cargo add tencent-room-webhook --features axum`), which makes it axum's
/// `IntoResponse`. Without it, axum's only complaint is that the route function does not
/// implement `Handler<_, _>`; return [`into_http_response`](Self::into_http_response)
/// then, an `http::Response` that axum and hyper take as is.
///
/// The answer to a before-callback is a [decision](crate::decision) (`Answer::from(decision)`,
/// a friend request's [`FriendDecision::answer`]): `ActionStatus` `OK` with the code that
/// decides (1 rejects a gift, 2 discards a message) and the members the decision adds: a
/// rewritten message's `MsgBody` and `CloudCustomData`, the users refused
/// (`RefusedMembers_Account`, `RefusedSubscribers_Account`), a friend request's
/// `ResultItem`, a chatbot's `RspData`.
///
/// It deserializes too (to read what a receiver answered, as the test kit and the
/// simulator do), refusing an `ActionStatus` other than `OK` / `FAIL` and a FAIL with
/// code 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "WireAnswer")]
pub struct Answer {
    #[serde(rename = "ActionStatus")]
    action_status: Cow<'static, str>,
    #[serde(rename = "ErrorInfo")]
    error_info: Cow<'static, str>,
    #[serde(rename = "ErrorCode")]
    error_code: ErrorCode,
    /// What a decision adds after the three fields (`MsgBody`, `ResultItem`, ...).
    #[serde(flatten)]
    decided: Option<Box<Map<String, Value>>>,
}

/// An answer as read, before its fields are checked against each other.
#[derive(Deserialize)]
struct WireAnswer {
    #[serde(rename = "ActionStatus")]
    action_status: String,
    #[serde(rename = "ErrorInfo")]
    error_info: String,
    #[serde(rename = "ErrorCode")]
    error_code: ErrorCode,
    #[serde(flatten)]
    decided: Map<String, Value>,
}

impl TryFrom<WireAnswer> for Answer {
    type Error = &'static str;

    fn try_from(wire: WireAnswer) -> Result<Self, Self::Error> {
        // A before-callback's decision is OK with a non-zero code: only FAIL is checked.
        let action_status = match (wire.action_status.as_str(), wire.error_code) {
            ("OK", _) => "OK",
            ("FAIL", ErrorCode::OK) => return Err("a FAIL answer has a non-zero ErrorCode"),
            ("FAIL", _) => "FAIL",
            _ => return Err("ActionStatus is OK or FAIL"),
        };
        Ok(Self {
            action_status: Cow::Borrowed(action_status),
            error_info: Cow::Owned(wire.error_info),
            error_code: wire.error_code,
            decided: (!wire.decided.is_empty()).then(|| Box::new(wire.decided)),
        })
    }
}

/// The OK answer, byte for byte: sent without serializing anything.
const OK_BODY: &[u8] = br#"{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}"#;

impl Answer {
    /// The OK answer: `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`.
    pub const fn ok() -> Self {
        Self {
            action_status: Cow::Borrowed("OK"),
            error_info: Cow::Borrowed(""),
            error_code: ErrorCode::OK,
            decided: None,
        }
    }

    /// A FAIL answer with the given code and message.
    ///
    /// A code of 0 would read as success to anyone looking at the code alone, so it is
    /// replaced by [`ErrorCode::HANDLER_FAILED`]. Never put a token, a `Sign` or the
    /// request body in `info`: Tencent may log it.
    pub fn fail(code: impl Into<ErrorCode>, info: impl Into<Cow<'static, str>>) -> Self {
        let code = code.into();
        Self {
            action_status: Cow::Borrowed("FAIL"),
            error_info: info.into(),
            error_code: if code == ErrorCode::OK {
                ErrorCode::HANDLER_FAILED
            } else {
                code
            },
            decided: None,
        }
    }

    /// `"OK"` or `"FAIL"`.
    pub fn action_status(&self) -> &str {
        &self.action_status
    }

    /// Whether `ActionStatus` is `OK`. For a before-callback, whether the gift or message
    /// goes through is the code's to say: see [`decision`](crate::decision).
    pub fn is_ok(&self) -> bool {
        self.action_status == "OK"
    }

    /// A member a decision adds after the three fields (`MsgBody`, `CloudCustomData`,
    /// `RefusedMembers_Account`, `RefusedSubscribers_Account`, `ResultItem`, `RspData`).
    pub fn decided(&self, member: &str) -> Option<&Value> {
        self.decided.as_ref()?.get(member)
    }

    /// The `ErrorCode`.
    pub fn error_code(&self) -> ErrorCode {
        self.error_code
    }

    /// The `ErrorInfo`.
    pub fn error_info(&self) -> &str {
        &self.error_info
    }

    /// The answer as JSON text, fields in Tencent's order.
    pub fn to_json(&self) -> String {
        String::from_utf8(self.to_bytes().to_vec()).expect("serde_json writes UTF-8")
    }

    fn to_bytes(&self) -> Bytes {
        if *self == Self::ok() {
            return Bytes::from_static(OK_BODY);
        }
        // Serializing three plain fields cannot fail.
        Bytes::from(serde_json::to_vec(self).expect("an answer always serializes"))
    }

    /// The HTTP response Tencent expects: status 200, `Content-Type: application/json`,
    /// this answer as the body.
    ///
    /// Named apart from axum's `IntoResponse::into_response`, which `Answer` also
    /// implements with the `axum` feature.
    pub fn into_http_response(self) -> Response<Full<Bytes>> {
        let mark = AnswerMark { ok: self.is_ok() };
        let mut response = self.into_response_with_status(StatusCode::OK);
        response.extensions_mut().insert(mark);
        response
    }

    pub(crate) fn into_response_with_status(self, status: StatusCode) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(self.to_bytes()));
        *response.status_mut() = status;
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response
    }
}

/// The answer that gives `decision`.
impl From<GiftDecision> for Answer {
    fn from(decision: GiftDecision) -> Self {
        let (code, info) = decision.code_and_info();
        decided(code, info, None)
    }
}

/// The answer that gives `decision` (`Group.CallbackBeforeSendMsg`).
impl From<MessageDecision> for Answer {
    fn from(decision: MessageDecision) -> Self {
        sent(&decision)
    }
}

/// The answer that gives `decision` (`C2C.CallbackBeforeSendMsg`,
/// `OfficialAccount.CallbackBeforeSendMsg`).
impl From<C2cMessageDecision> for Answer {
    fn from(decision: C2cMessageDecision) -> Self {
        sent(&decision)
    }
}

/// The answer that gives `decision` (`Group.CallbackBeforeCreateGroup`,
/// `Group.CallbackBeforeApplyJoinGroup`, `Group.CallbackBeforeCreateTopic`).
impl From<GroupRequestDecision> for Answer {
    fn from(decision: GroupRequestDecision) -> Self {
        let (code, info) = decision.code_and_info();
        decided(code, info, None)
    }
}

/// The answer that gives `decision` (`OfficialAccount.CallbackBeforeCreateOfficialAccount`).
impl From<OfficialAccountCreationDecision> for Answer {
    fn from(decision: OfficialAccountCreationDecision) -> Self {
        let (code, info) = decision.code_and_info();
        decided(code, info, None)
    }
}

/// The answer that gives `decision` (`Group.CallbackBeforeInviteJoinGroup`).
impl From<InviteDecision> for Answer {
    fn from(decision: InviteDecision) -> Self {
        let (code, info) = decision.code_and_info();
        let refused = match &decision {
            InviteDecision::RefuseSome(users) => Some(refused("RefusedMembers_Account", users)),
            _ => None,
        };
        decided(code, info, refused)
    }
}

/// The answer that gives `decision` (`OfficialAccount.CallbackBeforeAddSubscriber`).
impl From<SubscriberDecision> for Answer {
    fn from(decision: SubscriberDecision) -> Self {
        let refused = match &decision {
            SubscriberDecision::RefuseSome(users) => {
                Some(refused("RefusedSubscribers_Account", users))
            }
            _ => None,
        };
        decided(decision.code(), "", refused)
    }
}

/// The answer that gives `reply` (`Chatbot.OnC2CSignalMessage`), with `RspData` always, as
/// the page marks it required.
impl From<ChatbotReply> for Answer {
    fn from(reply: ChatbotReply) -> Self {
        let (code, data) = reply.code_and_data();
        let mut members = Map::new();
        members.insert("RspData".to_owned(), Value::from(data));
        decided(code, "", Some(Box::new(members)))
    }
}

impl FriendDecision {
    /// The answer to the request for `requested` (`Sns.CallbackPrevFriendAdd`: the users to
    /// add; `Sns.CallbackPrevFriendResponse`: the users who asked), `ErrorCode` 0 with one
    /// `ResultItem` a user requested, in that order, as Tencent wants: `ResultCode` 0 unless
    /// refused. Refusals of users not in `requested` are left out. `To_Account` is written
    /// as a JSON string, the page's type, however the ID arrived.
    pub fn answer<'a>(&self, requested: impl IntoIterator<Item = &'a UserId>) -> Answer {
        let items: Vec<Value> = requested
            .into_iter()
            .map(|user| {
                let (code, info) = self.result_of(user.as_str());
                let mut item = Map::new();
                item.insert("To_Account".to_owned(), Value::from(user.as_str()));
                item.insert("ResultCode".to_owned(), Value::from(code));
                item.insert("ResultInfo".to_owned(), Value::from(info));
                Value::Object(item)
            })
            .collect();
        let mut members = Map::new();
        members.insert("ResultItem".to_owned(), Value::Array(items));
        decided(0, "", Some(Box::new(members)))
    }
}

/// A message decision's answer, whichever range its code is of.
fn sent<C: PassedCode>(decision: &SendDecision<C>) -> Answer {
    let (code, info) = decision.code_and_info();
    let rewritten = match decision {
        SendDecision::Rewrite(rewrite) => {
            let mut members = Map::new();
            let body = serde_json::to_value(rewrite.msg_body())
                .expect("message elements always serialize");
            members.insert("MsgBody".to_owned(), body);
            if let Some(data) = rewrite.cloud_custom_data() {
                members.insert("CloudCustomData".to_owned(), Value::from(data));
            }
            Some(Box::new(members))
        }
        _ => None,
    };
    decided(code, info, rewritten)
}

/// The member `key` listing `users`, as JSON strings (the page's type, however an ID arrived).
fn refused(key: &str, users: &RefusedUsers) -> Box<Map<String, Value>> {
    let users = users.users().iter().map(|user| Value::from(user.as_str()));
    let mut members = Map::new();
    members.insert(key.to_owned(), Value::Array(users.collect()));
    Box::new(members)
}

/// A decision's answer: `OK`, with the code that decides.
fn decided(code: i32, info: &str, members: Option<Box<Map<String, Value>>>) -> Answer {
    Answer {
        action_status: Cow::Borrowed("OK"),
        error_info: Cow::Owned(info.to_owned()),
        error_code: ErrorCode::new(code),
        decided: members,
    }
}

impl Default for Answer {
    fn default() -> Self {
        Self::ok()
    }
}

impl From<Answer> for Response<Full<Bytes>> {
    fn from(answer: Answer) -> Self {
        answer.into_http_response()
    }
}

#[cfg(feature = "axum")]
impl axum_core::response::IntoResponse for Answer {
    fn into_response(self) -> axum_core::response::Response {
        self.into_http_response().map(axum_core::body::Body::new)
    }
}

/// Marks a response made from an [`Answer`] by the application, so that extension mode can
/// tell it from any other response on the callback path, and whether it says OK. The
/// layer's own answers go without it: nothing inspects them, and the mark costs two
/// allocations (the extensions' map).
#[derive(Debug, Clone, Copy)]
pub(crate) struct AnswerMark {
    /// `ActionStatus` is `OK`: the application took the callback.
    pub(crate) ok: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ok_answer_is_the_documented_bytes() {
        assert_eq!(
            Answer::ok().to_json(),
            r#"{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}"#
        );
    }

    #[test]
    fn fail_with_code_zero_becomes_handler_failed() {
        assert_eq!(Answer::fail(0, "x").error_code(), ErrorCode::HANDLER_FAILED);
    }

    #[test]
    fn reading_an_answer_checks_status_against_code() {
        for bad in [
            r#"{"ActionStatus":"FAIL","ErrorInfo":"","ErrorCode":0}"#,
            r#"{"ActionStatus":"maybe","ErrorInfo":"","ErrorCode":3}"#,
            r#"{"ActionStatus":"OK","ErrorCode":0}"#,
        ] {
            assert!(serde_json::from_str::<Answer>(bad).is_err(), "{bad}");
        }
        let ok: Answer =
            serde_json::from_str(r#"{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}"#).unwrap();
        assert_eq!(ok, Answer::ok());
        // A before-callback's decision: OK with the code that decides.
        let rejected: Answer =
            serde_json::from_str(r#"{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":1}"#).unwrap();
        assert!(rejected.is_ok());
        assert_eq!(rejected.error_code(), ErrorCode::new(1));
    }

    #[test]
    fn fail_answer_escapes_its_message() {
        let json = Answer::fail(7, "a \"quoted\" word").to_json();
        let back: Answer = serde_json::from_str(&json).unwrap();
        assert_eq!(back.error_info(), "a \"quoted\" word");
        assert_eq!(back.error_code().get(), 7);
    }
}
