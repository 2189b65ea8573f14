//! The whole decode path of the layer, in handler mode and in extension mode.
//!
//! The input is a 24-byte control header followed by an extra query string and the body
//! (see `Input::parse`). A header of 24 zero bytes means "a well-formed, signed callback
//! whose query command is the body's own", so the fixtures, prefixed with 24 zero bytes,
//! are seeds that reach the handler (see `fuzz/seed-corpus.sh`). The three bodies without a
//! top-level `CallbackCommand` (`Push.OfflinePush`, `Push.AllMemberPush`,
//! `ContentCallback.ResultNotify`) take their command from the query: their seeds pick it
//! from `COMMANDS` with bytes 8 and 11 (`QUERY_DECIDED_AT`).
//!
//! Invariants checked on every input (see FUZZING.md):
//! - no panic, and the response future is ready without I/O and without tokio (see
//!   `block_on`);
//! - off the callback path the inner service answers, untouched, and nothing is delivered;
//! - on the callback path the status is one of 200, 400, 401, 403, 405, 413, 415 (500 is
//!   documented for a panicking handler, which this harness does not have, 408 for a body
//!   not whole in time and 503 for a full buffered limit, which a `Full` body of at most
//!   8 KiB read alone cannot give, so each is a finding here), every answer is
//!   `application/json` with ActionStatus, ErrorInfo and ErrorCode, and besides them only
//!   the members of a decision its command documents (`ResultItem`, `RspData`, `MsgBody`,
//!   `CloudCustomData`, `RefusedMembers_Account`, `RefusedSubscribers_Account`: see
//!   `decision_members`); OK only with status 200, an empty ErrorInfo and code 0 (1 for the
//!   chatbot's default reply), FAIL with a non-zero code, 405 with `Allow: POST`;
//! - in handler mode, whose handlers decide nothing, the answer to a 200 is the default
//!   decision (`default_answer`): OK with nothing more, but one `ResultItem` a requested
//!   `To_Account` for the two Sns friend callbacks, and `ErrorCode` 1 with `"RspData":""`
//!   for `Chatbot.OnC2CSignalMessage`; in extension mode, the application's OK;
//! - the status is the one the oracle computes from the request (see `expected`): the
//!   protocol's rules applied in the layer's documented order, by this file's own query
//!   reader and JSON check, not the crate's;
//! - on 200 the event delivered is `Event::decode(query's command, body)`, of the body's
//!   command (which decides, whatever the query's; for a body without one, the query's
//!   when it is one of `QUERY_DECIDES`), and the context holds the query's command (an
//!   alias read as the command it stands for), app,
//!   `RequestTime`, `ClientIP` and `OptPlatform`;
//! - ErrorInfo never contains the token, the `Sign` value or the body (see `leaks`);
//! - the handler (or the inner service, in extension mode) saw the event exactly once
//!   when the status is 200 and never otherwise;
//! - both modes give the same status, and the same code but for the chatbot's default
//!   reply (1 in handler mode, the application's OK in extension mode).
#![no_main]

use std::convert::Infallible;
use std::future::Future;
use std::net::IpAddr;
use std::pin::pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use tencent_room_webhook::event::{ChatEvent, LiveEvent};
use tencent_room_webhook::handler::{ChatHandler, ChatReply, LiveHandler, LiveReply};
use tencent_room_webhook::verify::sign;
use tencent_room_webhook::{
    Answer, CallbackContext, Event, HandlerError, HandlerResult, OptPlatform, RoomHandler,
    RoomWebhookLayer, WebhookBody,
};
use tower_layer::Layer;
use tower_service::Service;

const APP: u64 = 1400000000;
const TOKEN: &str = "fuzz-TOKEN-7f3e!#";
const NOW: u64 = 1_700_000_000;
/// The layer's default time window for `RequestTime`, in seconds, either way.
const WINDOW: u64 = 60;
const LIMIT: usize = 4096;
const PATH: &str = "/callback";
const HEADER: usize = 24;
/// The inner service's own status, off the callback path.
const INNER_STATUS: u16 = 418;

/// The commands the query may name (byte 8, 2..=9, picks one of eight; byte 11 the group of
/// eight: see `query_command`). The first eight are the harness's original list, in their
/// original places (a header with byte 11 at 0 means what it meant before), then the three
/// query-decided ones at `QUERY_DECIDED_AT`, then the Live family and the other Chat
/// commands. All known to the crate but `Room.CallbackAfterSomethingNew`.
const COMMANDS: [&str; 85] = [
    "Room.CallbackAfterCreateRoom",
    "Room.CallbackAfterDestroyRoom",
    "Room.CallbackAfterUpdateRoomInfo",
    "Room.CallbackAfterMemberEnter",
    "Room.CallbackAfterMemberLeave",
    "Mic.CallbackAfterSeatInfoChanged",
    "Room.CallbackAfterSomethingNew",
    "Group.CallbackAfterSendMsg",
    // 8, 9, 10: byte 11 = 1 and byte 8 = 2, 3, 4 (`fuzz/seed-corpus.sh` relies on it).
    "Push.OfflinePush",
    "Push.AllMemberPush",
    "ContentCallback.ResultNotify",
    // The alias of the Chinese command list.
    "Room.CallbackUpdateRoomInfo",
    // Live.
    "Live.CallbackAfterCreateRoom",
    "Live.CallbackAfterDestroyRoom",
    "Live.CallbackAfterUpdateRoomInfo",
    "Live.CallbackAfterSetMetadata",
    "Live.CallbackAfterDelMetadata",
    "Live.CallbackAfterCreateRoomReachingThreshold",
    "Live.CallbackAfterMemberStateChanged",
    "Live.CallbackAfterChangeOwner",
    "Live.CallbackAfterModifyAdmin",
    "Live.CallbackAfterCreateBattle",
    "Live.CallbackAfterStartBattle",
    "Live.CallbackAfterEndBattle",
    "Live.CallbackBeforeSendGift",
    "Group.CallbackBeforeSendMsg",
    "Follow.CallbackAfterFollowAdd",
    "Follow.CallbackAfterFollowDelete",
    // Chat: the 57 others.
    "Alert.RequestOverLimit",
    "State.StateChange",
    "Profile.CallbackPortraitSet",
    "Sns.CallbackPrevFriendAdd",
    "Sns.CallbackPrevFriendResponse",
    "Sns.CallbackFriendAdd",
    "Sns.CallbackFriendDelete",
    "Sns.CallbackBlackListAdd",
    "Sns.CallbackBlackListDelete",
    "Bot.OnC2CMessage",
    "Bot.OnGroupMessage",
    "Chatbot.OnC2CSignalMessage",
    "Call.CallbackAfterStartCall",
    "Call.CallbackAfterEndCall",
    "Call.CallbackAfterMemberChanged",
    "C2C.CallbackBeforeSendMsg",
    "C2C.CallbackAfterSendMsg",
    "C2C.CallbackAfterMsgReport",
    "C2C.CallbackAfterMsgWithDraw",
    "C2C.CallbackAfterC2CMsgExtension",
    "C2C.CallbackAfterMsgReadReceipt",
    "C2C.CallbackAfterModifyMsg",
    "C2C.CallbackAfterMsgReadAll",
    "Group.CallbackBeforeCreateGroup",
    "Group.CallbackAfterCreateGroup",
    "Group.CallbackBeforeApplyJoinGroup",
    "Group.CallbackBeforeInviteJoinGroup",
    "Group.CallbackAfterNewMemberJoin",
    "Group.CallbackAfterMemberExit",
    "Group.CallbackAfterGroupFull",
    "Group.CallbackAfterGroupDestroyed",
    "Group.CallbackAfterGroupInfoChanged",
    "Group.CallbackAfterRecallMsg",
    "Group.CallbackOnMemberStateChange",
    "Group.CallbackSendMsgException",
    "Group.CallbackBeforeCreateTopic",
    "Group.CallbackAfterCreateTopic",
    "Group.CallbackAfterTopicDestroyed",
    "Group.CallbackAfterTopicInfoChanged",
    "Group.CallbackAfterMemberFieldChanged",
    "Group.CallbackAfterGroupAttrChanged",
    "Group.CallbackAfterReadReceipt",
    "Group.CallbackAfterChangeGroupOwner",
    "Group.CallbackOnDailyGroupQuotaAlarm",
    "Group.CallbackAfterGroupMsgExtension",
    "Group.CallbackAfterModifyMsg",
    "OfficialAccount.CallbackBeforeCreateOfficialAccount",
    "OfficialAccount.CallbackAfterCreateOfficialAccount",
    "OfficialAccount.CallbackAfterOfficialAccountInfoChanged",
    "OfficialAccount.CallbackAfterOfficialAccountDestroyed",
    "OfficialAccount.CallbackBeforeAddSubscriber",
    "OfficialAccount.CallbackAfterAddSubscriber",
    "OfficialAccount.CallbackAfterOfficialAccountFull",
    "OfficialAccount.CallbackAfterDeleteSubscriber",
    "OfficialAccount.CallbackBeforeSendMsg",
    "OfficialAccount.CallbackAfterSendMsg",
    "OfficialAccount.CallbackAfterMsgWithDraw",
];

/// The one command of `COMMANDS` the crate does not know.
const UNKNOWN_COMMAND: &str = "Room.CallbackAfterSomethingNew";

/// The commands whose bodies carry no top-level `CallbackCommand` (the crate's documented
/// rule, `Event::decode`): for a body without one, the query's command decides when it is
/// exactly one of these; any other body without one is refused 400.
const QUERY_DECIDES: [&str; 3] = [
    "Push.OfflinePush",
    "Push.AllMemberPush",
    "ContentCallback.ResultNotify",
];

/// Where `QUERY_DECIDES` are in `COMMANDS`: the seeds of their fixtures pick them so.
const QUERY_DECIDED_AT: usize = 8;

const _: () = {
    // `COMMANDS[QUERY_DECIDED_AT..][..3] == QUERY_DECIDES`, checked at compile time.
    const fn same(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
    let mut i = 0;
    while i < QUERY_DECIDES.len() {
        assert!(same(COMMANDS[QUERY_DECIDED_AT + i], QUERY_DECIDES[i]));
        i += 1;
    }
};

/// The query's command of byte 8's arms 2..=9: `COMMANDS[8 * h[11] + (h[8] % 12 - 2)]`,
/// modulo the list's length (byte 11 at 0: the first eight, as before).
fn query_command(arm: u8, group: u8) -> &'static str {
    let index = usize::from(group) * 8 + usize::from(arm - 2);
    COMMANDS[index % COMMANDS.len()]
}

fn clock() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW)
}

// The executor: the layer's futures complete without I/O on a `Full` body.
//
// No tokio runtime, on purpose. The layer reaches tokio only for a body not whole at its
// first poll (the body timeout's timer, `src/read.rs`), a handler deadline and the
// answer-first queue or a detached handler (`src/deliver/handler.rs`, `src/state.rs`);
// this harness configures neither and sends `Full` bodies. Outside a runtime, a tokio
// timer or spawn panics, so a request that reached one would be a finding, not a wait.
// A harness that configures `deadline` or `answer_first`, or sends bodies in pieces,
// needs a runtime: a current-thread one (tokio's `rt` and `time`), built once, its clock
// paused, and `runtime.block_on` in place of this.

fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..64 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("a future stayed pending with no I/O to wait for");
}

// What the layer delivered.

type Seen = Arc<Mutex<Vec<(Event, CallbackContext)>>>;

#[derive(Clone)]
struct Recorder(Seen);

impl RoomHandler for Recorder {
    async fn handle(&self, event: Event, context: &CallbackContext) -> HandlerResult {
        self.0.lock().unwrap().push((event, context.clone()));
        Ok(())
    }
}

// The Live family reaches the layer's Live handler: recorded the same way, allowed.
impl LiveHandler for Recorder {
    async fn handle(
        &self,
        event: LiveEvent,
        context: &CallbackContext,
    ) -> Result<LiveReply, HandlerError> {
        self.0
            .lock()
            .unwrap()
            .push((Event::Live(event), context.clone()));
        Ok(LiveReply::Done)
    }
}

// The other Chat families reach the layer's Chat handler: recorded the same way, and
// `Done`, which decides nothing (the layer answers each command's default decision).
impl ChatHandler for Recorder {
    async fn handle(
        &self,
        event: ChatEvent,
        context: &CallbackContext,
    ) -> Result<ChatReply, HandlerError> {
        self.0
            .lock()
            .unwrap()
            .push((Event::Chat(event), context.clone()));
        Ok(ChatReply::Done)
    }
}

fn inner_response() -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(b"inner")));
    *response.status_mut() = StatusCode::from_u16(INNER_STATUS).unwrap();
    response
}

struct Harness {
    handler_seen: Seen,
    extension_seen: Seen,
    handler_layer: RoomWebhookLayer<tencent_room_webhook::ToHandler<Recorder, Recorder, Recorder>>,
    extension_layer: RoomWebhookLayer,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        for command in COMMANDS {
            assert_eq!(
                Event::known_command(command).is_some(),
                command != UNKNOWN_COMMAND,
                "{command}: the list's commands are the crate's, but one"
            );
        }
        let handler_seen = Seen::default();
        let handler_layer = RoomWebhookLayer::builder()
            .sdk_app_id(APP)
            .token(TOKEN)
            .clock(clock)
            .body_limit(LIMIT)
            .handler(Recorder(handler_seen.clone()))
            .live_handler(Recorder(handler_seen.clone()))
            .chat_handler(Recorder(handler_seen.clone()))
            .build()
            .unwrap();
        let extension_layer = RoomWebhookLayer::builder()
            .sdk_app_id(APP)
            .token(TOKEN)
            .clock(clock)
            .body_limit(LIMIT)
            .build()
            .unwrap();
        Harness {
            handler_seen,
            extension_seen: Seen::default(),
            handler_layer,
            extension_layer,
        }
    })
}

// The request, derived from the input.

struct Input<'a> {
    h: [u8; HEADER],
    extra_query: &'a [u8],
    body: &'a [u8],
}

impl<'a> Input<'a> {
    /// `[0..24)` control bytes (missing bytes read as 0), then `h[10]` bytes of extra
    /// query, then the body.
    fn parse(data: &'a [u8]) -> Self {
        let mut h = [0u8; HEADER];
        let split = data.len().min(HEADER);
        h[..split].copy_from_slice(&data[..split]);
        let rest = &data[split..];
        let extra = usize::from(h[10]).min(rest.len());
        Self {
            h,
            extra_query: &rest[..extra],
            body: &rest[extra..],
        }
    }

    fn time(&self) -> u64 {
        u64::from_le_bytes(self.h[12..20].try_into().unwrap())
    }

    fn aux(&self) -> u32 {
        u32::from_le_bytes(self.h[20..24].try_into().unwrap())
    }
}

/// Keeps what `http::Uri` takes in a query as is (`%`, `&`, `=` and `+` included, so that
/// broken escapes and repeated parameters get through), escapes the rest.
fn push_query_bytes(out: &mut String, bytes: &[u8]) {
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"!$&'()*+,-./:;=?@_~%".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

struct Built {
    request: Request<Full<Bytes>>,
    /// The `Sign` values sent, for the leak check.
    signs: Vec<String>,
    /// Whether the request is on the callback path.
    on_path: bool,
    /// What each structured choice must give, for the oracle's self-check.
    planned: Planned,
}

/// Whether each check passes, as the control header's choices say, written down beside
/// the choices rather than derived: `expected` derives the same from the request it
/// reads, and the two must agree when no extra query text can interfere (`run`). This
/// keeps the oracle's query reader honest on the parts the header generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Planned {
    app: bool,
    auth: bool,
    /// The `contenttype` parameter.
    query_type: bool,
    /// The `Content-Type` header.
    header_type: bool,
    /// `CallbackCommand` in the query; `None` when it is the body's own, which is left to
    /// the reader (a body's command may hold `&`, `+` or `%`, which the query reads).
    command: Option<bool>,
}

fn body_command(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    value.get("CallbackCommand")?.as_str().map(str::to_owned)
}

fn build(input: &Input<'_>) -> Option<Built> {
    let h = &input.h;
    let method = match h[0] {
        0..=199 => Method::POST,
        b => {
            let names: [&[u8]; 10] = [
                b"GET", b"PUT", b"HEAD", b"DELETE", b"OPTIONS", b"PATCH", b"post", b"PoSt",
                b"TRACE", b"CONNECT",
            ];
            Method::from_bytes(names[usize::from(b) % names.len()]).unwrap()
        }
    };
    let path = match h[1] {
        0..=199 => PATH,
        b => {
            let paths = [
                "/callback/",
                "/Callback",
                "/callback;x",
                "//callback",
                "/%63allback",
                "/callbacks",
                "/",
                "/callback/..",
                "/api/callback",
            ];
            paths[usize::from(b) % paths.len()]
        }
    };

    // Each arm pushes its parameters and says whether the check passes (`true`).
    let mut params: Vec<String> = Vec::new();
    let app = APP.to_string();
    let app_ok = match h[2] % 10 {
        0 => {
            params.push(format!("SdkAppid={app}"));
            true
        }
        1 => false,
        2 => {
            params.push("SdkAppid=1400000001".into());
            false
        }
        3 => {
            params.push(format!("SdkAppid={app}"));
            params.push(format!("SdkAppid={app}"));
            false // repeated, even with the same value
        }
        4 => {
            params.push(format!("sdkappid={app}"));
            true // names in any case
        }
        5 => {
            params.push("SdkAppid=%31400000000".into());
            true
        }
        6 => {
            params.push(format!("SdkAppid={app}"));
            params.push(format!("%53dkAppid={app}"));
            false // an escaped name is still the name: repeated
        }
        7 => {
            params.push(format!("SdkAppid=0{app}"));
            true // the same number
        }
        8 => {
            params.push(format!("SdkAppid={}", input.aux()));
            u64::from(input.aux()) == APP
        }
        _ => {
            params.push(format!("SdkAppid={app}%00"));
            false
        }
    };
    let query_type_ok = match h[3] % 8 {
        0 => {
            params.push("contenttype=json".into());
            true
        }
        1 => true, // optional
        2 => {
            params.push("contenttype=JSON".into());
            true
        }
        3 => {
            params.push("contenttype=xml".into());
            false
        }
        4 => {
            params.push("contenttype=json".into());
            params.push("contenttype=json".into());
            true // the same value twice says one thing
        }
        5 => {
            params.push("contenttype=json%00".into());
            false
        }
        6 => {
            params.push("contenttype=".into());
            false
        }
        _ => {
            params.push("contenttype=%6Aso%6E".into());
            true
        }
    };

    let mut signs = Vec::new();
    let mut signed = |time: u64, token: &str, upper: bool| {
        let mut s = sign(token.as_bytes(), time);
        if upper {
            s = s.to_uppercase();
        }
        signs.push(s.clone());
        s
    };
    // `NOW ± h[5]` seconds, with the window's edges a byte away: coverage does not lead
    // the fuzzer to 60 and 61, and the oracle is exact there.
    let window = WINDOW as i64;
    let offset = match h[5] {
        0..=3 => [window, window + 1, -window, -window - 1][usize::from(h[5])],
        b => i64::from(b as i8),
    };
    let auth_ok = match h[4] % 11 {
        0 => {
            let s = signed(NOW, TOKEN, false);
            params.push(format!("Sign={s}&RequestTime={NOW}"));
            true
        }
        1 => false,
        2 => {
            let time = NOW.saturating_add_signed(offset);
            let s = signed(time, TOKEN, false);
            params.push(format!("Sign={s}&RequestTime={time}"));
            offset.unsigned_abs() <= WINDOW
        }
        3 => {
            let time = input.time();
            let s = signed(time, TOKEN, false);
            params.push(format!("Sign={s}&RequestTime={time}"));
            time.abs_diff(NOW) <= WINDOW
        }
        4 => {
            let s = signed(NOW, "another-token", false);
            params.push(format!("Sign={s}&RequestTime={NOW}"));
            false
        }
        5 => {
            let s = signed(NOW, TOKEN, true);
            params.push(format!("Sign={s}&RequestTime={NOW}"));
            true
        }
        6 => {
            let s = signed(NOW, TOKEN, false);
            params.push(format!("Sign={s}"));
            false
        }
        7 => {
            params.push(format!("RequestTime={NOW}"));
            false
        }
        8 => {
            let s = signed(NOW, TOKEN, false);
            params.push(format!("Sign={s}&sign={s}&RequestTime={NOW}"));
            false
        }
        9 => {
            // `decimal(RequestTime)` of the protocol is the number's decimal: a leading
            // zero spells the same time, signed the same (as `SdkAppid`'s leading zero).
            let s = signed(NOW, TOKEN, false);
            params.push(format!("Sign={s}&RequestTime=0{NOW}"));
            true
        }
        _ => {
            // The right Sign for the time, sent as a time of another spelling.
            let s = signed(NOW, TOKEN, false);
            params.push(format!("Sign={s}&RequestTime={NOW}%00"));
            false
        }
    };

    let body_cmd = body_command(input.body);
    let command_ok = match h[8] % 12 {
        0 => {
            let command = body_cmd.clone().unwrap_or_else(|| COMMANDS[1].to_owned());
            let mut value = String::new();
            push_query_bytes(&mut value, command.as_bytes());
            params.push(format!("CallbackCommand={value}"));
            None
        }
        1 => Some(false),
        arm @ 2..=9 => {
            params.push(format!("CallbackCommand={}", query_command(arm, h[11])));
            Some(true)
        }
        10 => {
            params.push("CallbackCommand=".into());
            Some(false)
        }
        _ => {
            params.push(format!("CallbackCommand={}", COMMANDS[1]));
            params.push(format!("callbackcommand={}", COMMANDS[1]));
            Some(false)
        }
    };

    let misc = h[9];
    if misc & 1 != 0 {
        params.push("ClientIP=127.0.0.1".into());
    }
    if misc & 2 != 0 {
        params.push("OptPlatform=Web".into());
    }
    if misc & 4 != 0 {
        params.reverse();
    }
    if misc & 8 != 0 {
        params.insert(0, "own=1&&=&".into());
    }
    let mut query = params.join("&");
    if !input.extra_query.is_empty() {
        if !query.is_empty() {
            query.push('&');
        }
        push_query_bytes(&mut query, input.extra_query);
    }
    let uri = if query.is_empty() && misc & 16 != 0 {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    };

    let mut builder = Request::builder().method(method).uri(uri);
    let aux = input.aux();
    let content_types: [&[u8]; 9] = [
        b"application/json",
        b"",
        b"text/plain",
        b"application/x-www-form-urlencoded",
        b"multipart/form-data; boundary=x",
        b"APPLICATION/JSON; charset=UTF-8",
        b"application/octet-stream",
        b"application/problem+json",
        b"\tmultipart/mixed ",
    ];
    // The default policy (Lenient) refuses form and multipart types only.
    let header_type_ok = match h[6] % 11 {
        1 => true, // absent
        9 => {
            builder = builder
                .header("content-type", "application/json")
                .header("content-type", "multipart/form-data");
            false // two headers: readers of the first and of the last disagree
        }
        10 => {
            let raw = aux.to_le_bytes();
            if let Ok(value) = HeaderValue::from_bytes(&raw) {
                builder = builder.header("content-type", value);
            }
            true // 4 bytes are too short for a refused type
        }
        i => {
            builder = builder.header(
                "content-type",
                HeaderValue::from_bytes(content_types[usize::from(i)]).unwrap(),
            );
            ![3, 4, 8].contains(&i)
        }
    };
    let len = input.body.len() as u64;
    let content_length: Option<String> = match h[7] % 10 {
        0 => Some(len.to_string()),
        1 => None,
        2 => Some(len.saturating_add(u64::from(aux)).to_string()),
        3 => Some(len.saturating_sub(u64::from(aux)).to_string()),
        4 => Some(u64::MAX.to_string()),
        5 => Some("abc".into()),
        6 => Some(format!("+{len}")),
        7 => Some(aux.to_string()),
        8 => {
            builder = builder.header("content-length", len);
            Some(len.to_string())
        }
        _ => Some("99999999999999999999999".into()),
    };
    if let Some(value) = content_length {
        builder = builder.header("content-length", value);
    }
    let request = builder
        .body(Full::new(Bytes::copy_from_slice(input.body)))
        .ok()?;
    let on_path = request.uri().path() == PATH;
    Some(Built {
        request,
        signs,
        on_path,
        planned: Planned {
            app: app_ok,
            auth: auth_ok,
            query_type: query_type_ok,
            header_type: header_type_ok,
            command: command_ok,
        },
    })
}

// The oracle: the answer the request must get, from the protocol's rules (and the layer's
// documented order of checks), computed apart from the crate: its own query reader, its
// own JSON check. Only `verify::sign` and `Event::decode` are borrowed, as the reference
// for a signature and for the event a 200 delivers.

/// Turns the oracle's demands on `Content-Length` down to what the layer does today, so
/// that the run goes on past these known findings (FUZZING.md, Findings): a numeral past
/// `u64` is answered 400 (not 413), and `+N` is read as N (not 400). Set to `false` once
/// fixed.
const TOLERATE_CONTENT_LENGTH_FINDINGS: bool = false;

/// Each occurrence of one parameter, in order: the value percent-decoded (always `Some`
/// since values are read as form readers read them).
type Occurrences = Vec<Option<String>>;

/// The query's known parameters.
#[derive(Default)]
struct Params {
    app: Occurrences,
    command: Occurrences,
    content_type: Occurrences,
    client_ip: Occurrences,
    platform: Occurrences,
    sign: Occurrences,
    request_time: Occurrences,
}

/// `%XX` and `+` (a space) decoded as every form-urlencoded reader does (WHATWG URL,
/// `form_urlencoded`, axum's `Query`): a broken escape stays as written, bytes that are
/// not UTF-8 become U+FFFD. Always `Some`: a value any reader reads; the check it is for
/// then refuses it or not.
fn percent_decode(raw: &str) -> Option<String> {
    let raw = raw.as_bytes();
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let hex = |at: usize| raw.get(at).and_then(|&b| char::from(b).to_digit(16));
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(high), Some(low)) => {
                    out.push((high << 4 | low) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// The query as any reader splits it: pairs at `&`, name and value at the first `=`,
/// both percent-decoded, names in any case. A name that does not decode is no known name
/// whatever a reader makes of it (known names are ASCII letters; a broken escape keeps a
/// `%`, a lossy decode a U+FFFD), so it is skipped.
fn read_query(query: &str) -> Params {
    let mut params = Params::default();
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let Some(name) = percent_decode(name) else {
            continue;
        };
        let slot = match name.to_ascii_lowercase().as_str() {
            "sdkappid" => &mut params.app,
            "callbackcommand" => &mut params.command,
            "contenttype" => &mut params.content_type,
            "clientip" => &mut params.client_ip,
            "optplatform" => &mut params.platform,
            "sign" => &mut params.sign,
            "requesttime" => &mut params.request_time,
            _ => continue,
        };
        slot.push(percent_decode(value));
    }
    params
}

/// The value of a parameter that must appear exactly once, readable.
fn single(occurrences: &Occurrences) -> Option<&str> {
    match occurrences.as_slice() {
        [Some(value)] => Some(value),
        _ => None,
    }
}

/// An informational parameter (`ClientIP`, `OptPlatform`): one non-empty value, or none.
fn informational(occurrences: &Occurrences) -> Option<&str> {
    single(occurrences).filter(|value| !value.is_empty())
}

/// Decimal digits only, as a number: leading zeros allowed, no sign, not past `u64`.
fn decimal(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The Lenient policy (the default): form and multipart types refused, all else taken.
fn refused_content_type(value: &[u8]) -> bool {
    let essence = value.split(|&b| b == b';').next().unwrap_or_default();
    let essence = essence.trim_ascii().to_ascii_lowercase();
    essence == b"application/x-www-form-urlencoded" || essence.starts_with(b"multipart/")
}

/// The `Content-Length` check: `Err(status)` to refuse. RFC 9110 §8.6: `1*DIGIT`, which
/// may be longer than any integer type (still a length, past the limit); the same value
/// twice reads as one.
fn content_length(request: &Request<Full<Bytes>>) -> Result<(), u16> {
    let values: Vec<&[u8]> = request
        .headers()
        .get_all(CONTENT_LENGTH)
        .iter()
        .map(HeaderValue::as_bytes)
        .collect();
    let Some(&first) = values.first() else {
        return Ok(());
    };
    let mut digits = first;
    if TOLERATE_CONTENT_LENGTH_FINDINGS {
        digits = digits.strip_prefix(b"+").unwrap_or(digits);
        let numeral = !digits.is_empty() && digits.iter().all(u8::is_ascii_digit);
        if numeral && std::str::from_utf8(digits).unwrap().parse::<u64>().is_err() {
            return Err(400);
        }
    }
    if values.iter().any(|&value| value != first)
        || digits.is_empty()
        || !digits.iter().all(u8::is_ascii_digit)
    {
        return Err(400);
    }
    // Digits only: the parse fails only past `u64`, which is past the limit too.
    let length = std::str::from_utf8(digits).unwrap().parse::<u64>();
    if length.unwrap_or(u64::MAX) > LIMIT as u64 {
        Err(413)
    } else {
        Ok(())
    }
}

/// Every `CallbackCommand` member of a JSON object, in order, duplicates included (a map
/// would keep only one). Any other JSON is refused like invalid JSON.
struct TopCommands(Vec<Value>);

impl<'de> serde::Deserialize<'de> for TopCommands {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = TopCommands;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut commands = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value: Value = map.next_value()?;
                    if key == "CallbackCommand" {
                        commands.push(value);
                    }
                }
                Ok(TopCommands(commands))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// Whether the body is a callback sent with the query's `command`: a JSON object (UTF-8)
/// with a textual `CallbackCommand`, given once or repeated with the same value (its
/// command decides the event, whatever the query's is); or a JSON object with no
/// `CallbackCommand` at all when the query's command is one of `QUERY_DECIDES` (which
/// then decides). Any other body without one is refused, as before.
/// `None` where JSON is valid but past what serde_json reads (nesting deeper than 128, a
/// number past `f64`, a lone surrogate): RFC 8259 §9 lets a receiver set such limits, so
/// the layer may take the body or refuse it.
fn body_is_callback(body: &[u8], command: &str) -> Option<bool> {
    if std::str::from_utf8(body).is_err() {
        return Some(false);
    }
    match serde_json::from_slice::<TopCommands>(body) {
        Ok(TopCommands(commands)) if commands.is_empty() => Some(QUERY_DECIDES.contains(&command)),
        Ok(TopCommands(commands)) => {
            let first = commands.first().and_then(Value::as_str);
            Some(first.is_some() && commands.iter().all(|c| c.as_str() == first))
        }
        Err(error) => {
            let message = error.to_string();
            let beyond = [
                "recursion limit",
                "number out of range",
                "surrogate",
                "unicode code point",
            ];
            if beyond.iter().any(|limit| message.contains(limit)) {
                None
            } else {
                Some(false)
            }
        }
    }
}

/// What a delivered callback must carry.
#[derive(Debug)]
struct Delivery {
    command: String,
    request_time: u64,
    client_ip: Option<IpAddr>,
    platform: Option<OptPlatform>,
}

/// The answer a request on the callback path must get.
#[derive(Debug)]
enum Verdict {
    /// Refused with this status; nothing delivered.
    Refused(u16),
    /// 200, with the event `Event::decode(command, body)` (the body's command's) delivered
    /// once.
    Delivered(Delivery),
    /// The body is beyond serde_json's limits (`body_is_callback`): 400, or delivered.
    DeliveredOr400(Delivery),
}

/// The result of each check, each worked out on its own; `expected` orders them.
struct Checks {
    method: bool,
    app: bool,
    /// `RequestTime`, when `Sign` and it pass.
    auth: Option<u64>,
    query_type: bool,
    header_type: bool,
    /// The query's command, when once and not empty.
    command: Option<String>,
    /// `Content-Length` first, then the body's size.
    length: Result<(), u16>,
}

fn read_checks(request: &Request<Full<Bytes>>, body: &[u8]) -> (Checks, Params) {
    let params = read_query(request.uri().query().unwrap_or_default());
    // Once, decimal, configured.
    let app = single(&params.app).and_then(decimal) == Some(APP);
    // Each once; `Sign` (hex in either case) is the token's for that time, which is
    // within the window of the clock.
    let auth = single(&params.request_time)
        .and_then(decimal)
        .filter(|&time| {
            time.abs_diff(NOW) <= WINDOW
                && single(&params.sign)
                    .is_some_and(|s| s.to_ascii_lowercase() == sign(TOKEN.as_bytes(), time))
        });
    // Optional; every occurrence `json` in any case (Tencent may append it to a URL
    // that carries it already: the same value twice is not ambiguous).
    let query_type = params.content_type.iter().all(|value| {
        value
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case("json"))
    });
    let mut types = request.headers().get_all(CONTENT_TYPE).iter();
    let header_type = match (types.next(), types.next()) {
        (None, _) => true,
        (Some(value), None) => !refused_content_type(value.as_bytes()),
        (Some(_), Some(_)) => false,
    };
    let command = single(&params.command)
        .filter(|command| !command.is_empty())
        .map(str::to_owned);
    let body_size = if body.len() > LIMIT { Err(413) } else { Ok(()) };
    let length = content_length(request).and(body_size);
    let checks = Checks {
        method: request.method() == Method::POST,
        app,
        auth,
        query_type,
        header_type,
        command,
        length,
    };
    (checks, params)
}

/// The first failing check decides, in the order of `src/check.rs`'s module doc (then
/// `src/read.rs` and the decode):
/// method 405, `SdkAppid` 403, `Sign`/`RequestTime` 401, content type 415,
/// `CallbackCommand` in the query 400, length 413 (malformed `Content-Length` 400), then
/// the body 400.
fn expected(checks: Checks, params: &Params, body: &[u8]) -> Verdict {
    use Verdict::Refused;
    if !checks.method {
        return Refused(405);
    }
    if !checks.app {
        return Refused(403);
    }
    let Some(request_time) = checks.auth else {
        return Refused(401);
    };
    if !(checks.query_type && checks.header_type) {
        return Refused(415);
    }
    let Some(command) = checks.command else {
        return Refused(400);
    };
    if let Err(status) = checks.length {
        return Refused(status);
    }
    let callback = body_is_callback(body, &command);
    let delivery = Delivery {
        command,
        request_time,
        client_ip: informational(&params.client_ip).and_then(|ip| ip.parse().ok()),
        platform: informational(&params.platform).map(OptPlatform::from),
    };
    match callback {
        Some(true) => Verdict::Delivered(delivery),
        Some(false) => Refused(400),
        None => Verdict::DeliveredOr400(delivery),
    }
}

/// The structured choices' plan agrees with what the oracle reads from the request.
/// Only without extra query text, which may add any parameter.
fn check_plan(planned: &Planned, checks: &Checks) {
    let read = Planned {
        app: checks.app,
        auth: checks.auth.is_some(),
        query_type: checks.query_type,
        header_type: checks.header_type,
        command: planned.command.map(|_| checks.command.is_some()),
    };
    assert_eq!(
        &read, planned,
        "the oracle's reader and the control header disagree"
    );
}

// The assertions on an answer.

#[derive(Debug, PartialEq, Eq)]
struct Checked {
    status: u16,
    code: Option<i64>,
}

/// Whether `needle` appearing in an ErrorInfo can only have been copied there. The
/// layer's own messages are English words, digits and a little punctuation; a needle
/// that is short, or made only of such characters, may appear in them by chance (a body
/// `callbacks` in "callbacks are sent with POST").
fn distinctive(needle: &str) -> bool {
    needle.len() >= 8
        && needle
            .bytes()
            .any(|b| !(b.is_ascii_alphanumeric() || b" ,.'():;/-_".contains(&b)))
}

fn leaks(info: &str, input: &Input<'_>, signs: &[String], query_sign: &[String]) -> Option<String> {
    if info.contains(TOKEN) {
        return Some("the token".into());
    }
    for sign in signs.iter().chain(query_sign) {
        // A Sign is 64 hex digits when well formed: no message has such a run.
        let hexy = sign.len() >= 16 && sign.bytes().all(|b| b.is_ascii_hexdigit());
        if (hexy || distinctive(sign)) && info.contains(sign.as_str()) {
            return Some(format!("the Sign {sign:?}"));
        }
    }
    let body = String::from_utf8_lossy(input.body);
    let body = body.trim();
    if distinctive(body) && info.contains(body) {
        return Some("the body".into());
    }
    // Also every string of the body (serde's messages quote values they refuse).
    if let Ok(value) = serde_json::from_slice::<Value>(input.body) {
        let mut stack = vec![&value];
        while let Some(value) = stack.pop() {
            match value {
                Value::String(s) if distinctive(s) && info.contains(s.as_str()) => {
                    return Some(format!("the body's string {s:?}"));
                }
                Value::Array(items) => stack.extend(items),
                Value::Object(map) => {
                    for (key, item) in map {
                        if distinctive(key) && info.contains(key.as_str()) {
                            return Some(format!("the body's key {key:?}"));
                        }
                        stack.push(item);
                    }
                }
                _ => {}
            }
        }
    }
    None
}

/// The `Sign` values of the query as written (the extra query may carry its own).
fn query_signs(request: &Request<Full<Bytes>>) -> Vec<String> {
    request
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(name, _)| name.eq_ignore_ascii_case("Sign"))
        .map(|(_, value)| value.to_owned())
        .collect()
}

/// Which delivery mode answered: the handler mode's answer is the layer's default
/// decision, the extension mode's the application's OK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Handler,
    Extension,
}

/// The members a decision may add to the answer of `command`, as the crate documents them
/// (`Answer`, the decision module): none for every other command.
fn decision_members(command: &str) -> &'static [&'static str] {
    match command {
        "Sns.CallbackPrevFriendAdd" | "Sns.CallbackPrevFriendResponse" => &["ResultItem"],
        "Chatbot.OnC2CSignalMessage" => &["RspData"],
        "C2C.CallbackBeforeSendMsg"
        | "OfficialAccount.CallbackBeforeSendMsg"
        | "Group.CallbackBeforeSendMsg" => &["MsgBody", "CloudCustomData"],
        "Group.CallbackBeforeInviteJoinGroup" => &["RefusedMembers_Account"],
        "OfficialAccount.CallbackBeforeAddSubscriber" => &["RefusedSubscribers_Account"],
        _ => &[],
    }
}

/// The users a friend request names, by the harness's own reading of the body: the
/// `To_Account` of each entry of `list`, in order, entries without one (or `null`) left
/// out; a missing or `null` list is empty. `None` where the crate's lenient reading may
/// differ (an entry that is no object, a `To_Account` that is no string, a list that is no
/// list): the event decides then.
fn requested_in_body(body: &[u8], list: &str) -> Option<Vec<String>> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let items = match value.get(list) {
        None | Some(Value::Null) => return Some(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return None,
    };
    let mut users = Vec::new();
    for item in items {
        match item.as_object()?.get("To_Account") {
            None | Some(Value::Null) => {}
            Some(Value::String(user)) => users.push(user.clone()),
            Some(_) => return None,
        }
    }
    Some(users)
}

/// The answer of a handler that decides nothing (`Done`) to `event`: its `ErrorCode` and
/// the members the default decision adds. After-callbacks and every other before-callback:
/// OK, nothing more (allow). The Sns friend callbacks: one `ResultItem` a requested
/// `To_Account`, in the request's order, allowed. The chatbot's signal: ignored, `ErrorCode`
/// 1 and `"RspData":""`. An undecodable event reaches the Room handler, and is answered OK.
fn default_answer(event: &Event, body: &[u8]) -> (i64, Map<String, Value>) {
    let mut members = Map::new();
    let requested = |list: &str, users: Vec<Option<&str>>| {
        let users: Vec<String> = users.into_iter().flatten().map(str::to_owned).collect();
        if let Some(read) = requested_in_body(body, list) {
            assert_eq!(
                read, users,
                "the users of {list}: the harness's reading and the event's"
            );
        }
        let items = users
            .into_iter()
            .map(|user| serde_json::json!({"To_Account": user, "ResultCode": 0, "ResultInfo": ""}))
            .collect();
        Value::Array(items)
    };
    match event {
        Event::Chat(ChatEvent::FriendRequest(request)) => {
            let users = request.friend_item.iter();
            let users = users.map(|item| item.to_account.as_ref().map(|u| u.as_str()));
            members.insert(
                "ResultItem".into(),
                requested("FriendItem", users.collect()),
            );
            (0, members)
        }
        Event::Chat(ChatEvent::FriendRequestAnswered(answered)) => {
            let users = answered.response_friend_item.iter();
            let users = users.map(|item| item.to_account.as_ref().map(|u| u.as_str()));
            members.insert(
                "ResultItem".into(),
                requested("ResponseFriendItem", users.collect()),
            );
            (0, members)
        }
        Event::Chat(ChatEvent::SignalMessage(_)) => {
            members.insert("RspData".into(), Value::from(""));
            (1, members)
        }
        _ => (0, members),
    }
}

fn check(
    mode: Mode,
    response: Response<WebhookBody<Full<Bytes>>>,
    built: &Built,
    input: &Input<'_>,
    query_sign: &[String],
    verdict: &Verdict,
    seen: Vec<(Event, CallbackContext)>,
) -> Checked {
    let (parts, body) = response.into_parts();
    let bytes = block_on(body.collect())
        .unwrap_or_else(|never| match never {})
        .to_bytes();
    let status = parts.status.as_u16();
    if !built.on_path {
        assert_eq!(
            status, INNER_STATUS,
            "{mode:?}: off the path, the inner service answers"
        );
        assert_eq!(
            &bytes[..],
            b"inner",
            "{mode:?}: the inner answer, untouched"
        );
        assert!(seen.is_empty(), "{mode:?}: nothing delivered off the path");
        return Checked { status, code: None };
    }
    assert!(
        [200, 400, 401, 403, 405, 413, 415].contains(&status),
        "{mode:?}: undocumented status {status}"
    );
    assert_eq!(
        parts.headers.get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/json"[..]),
        "{mode:?}: every answer is JSON"
    );
    let value: Value = serde_json::from_slice(&bytes).expect("the answer is JSON");
    let object = value.as_object().expect("the answer is an object");
    for key in ["ActionStatus", "ErrorCode", "ErrorInfo"] {
        assert!(object.contains_key(key), "{mode:?}: the answer has {key}");
    }
    // What a decision adds, checked against the delivered event's command below.
    let mut added: Map<String, Value> = object.clone();
    for key in ["ActionStatus", "ErrorCode", "ErrorInfo"] {
        added.remove(key);
    }
    let action = object["ActionStatus"]
        .as_str()
        .expect("ActionStatus is text");
    let code = object["ErrorCode"]
        .as_i64()
        .expect("ErrorCode is an integer");
    let info = object["ErrorInfo"].as_str().expect("ErrorInfo is text");
    match action {
        "OK" => {
            assert_eq!(status, 200, "{mode:?}: OK has status 200");
            assert!(info.is_empty(), "{mode:?}: OK has no ErrorInfo");
            // Its code, 0 or the chatbot's 1, is checked with the delivery below.
        }
        "FAIL" => {
            assert_ne!(code, 0, "{mode:?}: FAIL has a non-zero code");
            assert_ne!(status, 200, "{mode:?}: this harness's receivers never fail");
            assert_eq!(
                i64::from(status) * 100,
                code,
                "{mode:?}: the code of the status"
            );
            assert!(
                added.is_empty(),
                "{mode:?}: a FAIL carries no decision: {added:?}"
            );
        }
        other => panic!("{mode:?}: ActionStatus {other:?}"),
    }
    if status == 405 {
        assert_eq!(parts.headers.get("allow").unwrap(), "POST", "{mode:?}");
    }
    if let Some(what) = leaks(info, input, &built.signs, query_sign) {
        panic!("{mode:?}: ErrorInfo {info:?} leaks {what}");
    }
    let delivery = match verdict {
        Verdict::Refused(expected) => {
            assert_eq!(
                status, *expected,
                "{mode:?}: the oracle's status ({verdict:?})"
            );
            None
        }
        Verdict::Delivered(delivery) => {
            assert_eq!(status, 200, "{mode:?}: the oracle's status ({verdict:?})");
            Some(delivery)
        }
        Verdict::DeliveredOr400(delivery) => {
            assert!(
                status == 200 || status == 400,
                "{mode:?}: a body past serde_json's limits gets 200 or 400, not {status}"
            );
            (status == 200).then_some(delivery)
        }
    };
    let mut chatbot_default = false;
    if let Some(delivery) = delivery {
        assert_eq!(
            seen.len(),
            1,
            "{mode:?}: a 200 delivers the event exactly once"
        );
        let (event, context) = &seen[0];
        let reference = Event::decode(&delivery.command, input.body)
            .expect("a delivered body decodes with the public API");
        assert_eq!(event, &reference, "{mode:?}: the event is Event::decode's");
        match body_command(input.body) {
            Some(sent) => assert_eq!(
                event.command(),
                Event::known_command(&sent).unwrap_or(&sent),
                "{mode:?}: the event's command is the body's"
            ),
            None => {
                assert!(
                    QUERY_DECIDES.contains(&delivery.command.as_str()),
                    "{mode:?}: a body without CallbackCommand delivered under the query's {:?}",
                    delivery.command
                );
                assert_eq!(
                    event.command(),
                    delivery.command,
                    "{mode:?}: a body without CallbackCommand is the query's command's"
                );
            }
        }
        // The query's command, an alias read as the command it stands for.
        assert_eq!(
            context.command,
            Event::known_command(&delivery.command).unwrap_or(&delivery.command),
            "{mode:?}: the query's command"
        );
        assert_eq!(context.sdk_app_id.get(), APP, "{mode:?}");
        assert_eq!(
            context.request_time,
            Some(delivery.request_time),
            "{mode:?}"
        );
        assert_eq!(context.client_ip, delivery.client_ip, "{mode:?}: ClientIP");
        assert_eq!(context.platform, delivery.platform, "{mode:?}: OptPlatform");

        // The answer: only the members the command's decision documents, and, of a
        // handler that decides nothing, exactly the default decision.
        assert_eq!(
            action, "OK",
            "{mode:?}: a delivered callback is answered OK"
        );
        let documented = decision_members(event.command());
        for key in added.keys() {
            assert!(
                documented.contains(&key.as_str()),
                "{mode:?}: {key} in the answer to {}, which documents {documented:?}",
                event.command()
            );
        }
        let (expected_code, expected_members) = match mode {
            Mode::Handler => default_answer(event, input.body),
            Mode::Extension => (0, Map::new()),
        };
        assert_eq!(
            code,
            expected_code,
            "{mode:?}: the ErrorCode of the answer to {}",
            event.command()
        );
        assert_eq!(
            added,
            expected_members,
            "{mode:?}: the decision's members in the answer to {}",
            event.command()
        );
        chatbot_default = mode == Mode::Handler && expected_code == 1;
    } else {
        assert!(seen.is_empty(), "{mode:?}: a refusal delivers nothing");
        assert_eq!(action, "FAIL", "{mode:?}: a refusal is a FAIL");
    }
    Checked {
        status,
        // The chatbot's default reply, 1, is handler mode's own: compared as the OK it is.
        code: Some(if chatbot_default { 0 } else { code }),
    }
}

fn run(data: &[u8]) {
    let input = Input::parse(data);
    let Some(built) = build(&input) else {
        return;
    };
    let harness = harness();
    let query_sign = query_signs(&built.request);
    let (checks, params) = read_checks(&built.request, input.body);
    if input.extra_query.is_empty() {
        check_plan(&built.planned, &checks);
    }
    let verdict = expected(checks, &params, input.body);

    // Handler mode.
    harness.handler_seen.lock().unwrap().clear();
    let mut service = harness
        .handler_layer
        .layer(tower_service_fn(|_: Request<Full<Bytes>>| {
            std::future::ready(Ok::<_, Infallible>(inner_response()))
        }));
    let request = clone_request(&built.request);
    let response = block_on(service.call(request)).unwrap_or_else(|never| match never {});
    let seen = std::mem::take(&mut *harness.handler_seen.lock().unwrap());
    let by_handler = check(
        Mode::Handler,
        response,
        &built,
        &input,
        &query_sign,
        &verdict,
        seen,
    );

    // Extension mode: the inner service answers OK to a callback and records it.
    harness.extension_seen.lock().unwrap().clear();
    let seen_by_inner = harness.extension_seen.clone();
    let mut service = harness.extension_layer.layer(tower_service_fn(
        move |request: Request<WebhookBody<Full<Bytes>>>| {
            let event = request.extensions().get::<Event>().cloned();
            let context = request.extensions().get::<CallbackContext>().cloned();
            let response = match (event, context) {
                (Some(event), Some(context)) => {
                    seen_by_inner.lock().unwrap().push((event, context));
                    Answer::ok().into_http_response()
                }
                (None, None) => inner_response(),
                _ => panic!("the event and the context come together"),
            };
            std::future::ready(Ok::<_, Infallible>(response))
        },
    ));
    let response = block_on(service.call(clone_request(&built.request)))
        .unwrap_or_else(|never| match never {});
    let seen = std::mem::take(&mut *harness.extension_seen.lock().unwrap());
    let by_extension = check(
        Mode::Extension,
        response,
        &built,
        &input,
        &query_sign,
        &verdict,
        seen,
    );

    // The same status and code, but for the chatbot's default reply (see `check`).
    assert_eq!(by_handler, by_extension, "both modes answer alike");
}

fn clone_request(request: &Request<Full<Bytes>>) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(request.method().clone())
        .uri(request.uri().clone());
    for (name, value) in request.headers() {
        builder = builder.header(name, value);
    }
    // Full is Clone.
    builder.body(request.body().clone()).unwrap()
}

/// `tower::service_fn` without tower.
#[derive(Clone)]
struct ServiceFn<F>(F);

fn tower_service_fn<F>(f: F) -> ServiceFn<F> {
    ServiceFn(f)
}

impl<F, Req, Fut, Res> Service<Req> for ServiceFn<F>
where
    F: FnMut(Req) -> Fut,
    Fut: Future<Output = Result<Res, Infallible>>,
{
    type Response = Res;
    type Error = Infallible;
    type Future = Fut;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Req) -> Fut {
        (self.0)(request)
    }
}

fuzz_target!(|data: &[u8]| run(data));
