//! A kit for testing your own callback handling without Tencent (feature `testing`).
//!
//! Add it for your tests only:
//!
//! ```sh
//! cargo add --dev tencent-room-webhook --features testing
//! ```
//!
//! [`CallbackRequest`] builds the `http::Request` Tencent would send for any command,
//! signed when asked, with sample bodies from Tencent's documentation; [`send`] runs it
//! through any tower service and reads the answer; [`TestAnswer`] asserts on it, and says
//! what was expected and what came. [`service`] is the layer in handler mode around
//! [`NotFound`], configured for [`DEMO_SDK_APP_ID`], the app the requests are sent for;
//! [`service_with`] puts a layer of your own configuration around [`NotFound`].
//!
//! ```
//! use tencent_room_webhook::testing::{self, CallbackRequest};
//! use tencent_room_webhook::RoomHandler;
//!
//! struct MyHandler;
//! impl RoomHandler for MyHandler {}
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let service = testing::service(MyHandler);
//! testing::send(service, CallbackRequest::member_left()).await.assert_ok();
//! # }
//! ```
//!
//! A handler's tests, in your crate. Through the layer, a request is sent as Tencent
//! sends it; a handler can also be called directly, with an event built from a sample
//! (`MemberLeft::sample()`, and so on for every event; or `Default::default()`) and
//! [`context`]. The events are `#[non_exhaustive]`: build one that way, then set its
//! fields.
//!
//! ```
//! use tencent_room_webhook::event::{MemberChangeType, MemberLeft};
//! use tencent_room_webhook::testing::{self, CallbackRequest};
//! use tencent_room_webhook::{CallbackContext, HandlerError, HandlerResult, RoomHandler};
//!
//! struct RefusesKicks;
//!
//! impl RoomHandler for RefusesKicks {
//!     async fn on_member_left(&self, event: MemberLeft, _: &CallbackContext) -> HandlerResult {
//!         match event.change_type {
//!             Some(MemberChangeType::Kicked) => Err(HandlerError::new(7, "no kicks here")),
//!             _ => Ok(()),
//!         }
//!     }
//! }
//!
//! #[tokio::test]
//! async fn a_member_leaving_is_answered_ok() {
//!     let service = testing::service(RefusesKicks);
//!     testing::send(service, CallbackRequest::member_left()).await.assert_ok();
//! }
//!
//! #[tokio::test]
//! async fn a_kick_is_refused() {
//!     let mut event = MemberLeft::sample();
//!     event.change_type = Some(MemberChangeType::Kicked);
//!     let context = testing::context(MemberLeft::COMMAND);
//!     let error = RefusesKicks.on_member_left(event, &context).await.unwrap_err();
//!     assert_eq!(error.code().get(), 7);
//! }
//! # fn main() {}
//! ```
//!
//! With a configuration of your own (a token, say), [`service_with`] takes the layer:
//!
//! ```
//! use tencent_room_webhook::testing::{self, CallbackRequest};
//! use tencent_room_webhook::{RoomHandler, RoomWebhookLayer};
//!
//! struct MyHandler;
//! impl RoomHandler for MyHandler {}
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tencent_room_webhook::ConfigError> {
//! let layer = RoomWebhookLayer::builder()
//!     .sdk_app_id(testing::DEMO_SDK_APP_ID)
//!     .token("the token")
//!     .handler(MyHandler)
//!     .build()?;
//! let signed = CallbackRequest::room_destroyed().signed_now("the token");
//! testing::send(testing::service_with(&layer), signed).await.assert_ok();
//! let unsigned = CallbackRequest::room_destroyed();
//! testing::send(testing::service_with(&layer), unsigned).await.assert_fail(401, 40100);
//! # Ok(())
//! # }
//! ```
//!
//! The bad cases have builders too:
//!
//! ```
//! use tencent_room_webhook::testing::CallbackRequest;
//!
//! let unknown_app = CallbackRequest::room_destroyed().sdk_app_id(1400000009).build();
//! let stale = CallbackRequest::room_destroyed().stale_signature("token", 1_700_000_000).build();
//! let oversize = CallbackRequest::room_destroyed().oversize(1024 * 1024);
//! assert_eq!(oversize.body_bytes().len(), 1024 * 1024 + 1);
//! ```

use std::borrow::Cow;
use std::convert::Infallible;
use std::fmt::{self, Write as _};
use std::future::poll_fn;
use std::task::{Context, Poll};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body::Body;
use http_body_util::{BodyExt, Full};
use serde_json::Value;
use tower_layer::Layer;
use tower_service::Service;

use crate::answer::{Answer, ErrorCode};
use crate::deliver::ToHandler;
// The Chat types by family, as `with_events!` names them.
#[cfg(feature = "chat")]
use crate::event::chat::{
    account::*, bot::*, c2c::*, call::*, group::*, moderation::*, official_account::*, push::*,
    sns::*,
};
use crate::event::live::{
    AdminsModified, BattleCreated, BattleEnded, BattleStarted, FollowAdded, FollowDeleted,
    GiftSending, LiveRoomCreated, LiveRoomDestroyed, LiveRoomInfoUpdated, MemberStateChanged,
    MessageSending, MessageSent, MetadataDeleted, MetadataSet, OwnerChanged,
    RoomCountThresholdReached,
};
use crate::event::{
    Event, LiveEvent, MemberEntered, MemberLeft, RoomCreated, RoomDestroyed, RoomInfoUpdated,
    SeatListChanged,
};
use crate::handler::{Defaults, LiveHandler, RoomHandler};
use crate::layer::RoomWebhookLayer;
use crate::query::{CallbackContext, OptPlatform, SdkAppId};
use crate::service::RoomWebhook;
use crate::verify::sign;

/// The SDKAppID requests carry unless told otherwise: the demo value of Tencent's pages.
pub const DEMO_SDK_APP_ID: u64 = 1400000000;

/// A callback request as Tencent sends it: `POST` to the callback path with `SdkAppid`,
/// `CallbackCommand`, `contenttype=json`, `ClientIP` and `OptPlatform` in the query, a
/// JSON body, and `Sign` / `RequestTime` when signed.
#[derive(Debug, Clone)]
pub struct CallbackRequest {
    path: String,
    sdk_app_id: u64,
    command: String,
    body: Bytes,
    client_ip: Option<String>,
    platform: Option<String>,
    content_type_header: Option<String>,
    signature: Option<(String, u64)>,
    extra_query: Vec<(String, String)>,
}

impl CallbackRequest {
    /// A request for `command` with `body` as sent (not checked, so that bad bodies can be
    /// built too).
    pub fn new(command: impl Into<String>, body: impl Into<Bytes>) -> Self {
        Self {
            path: crate::config::DEFAULT_PATH.to_owned(),
            sdk_app_id: DEMO_SDK_APP_ID,
            command: command.into(),
            body: body.into(),
            client_ip: Some("127.0.0.1".to_owned()),
            platform: Some("RESTAPI".to_owned()),
            content_type_header: Some("application/json".to_owned()),
            signature: None,
            extra_query: Vec::new(),
        }
    }

    /// A request carrying `event`, encoded with Tencent's field names.
    pub fn event(event: &Event) -> Self {
        let body = serde_json::to_vec(event).expect("an event always encodes");
        Self::new(event.command(), body)
    }

    /// The sample request of a known command (Room, Live or Chat), or a minimal body
    /// (`CallbackCommand` only) for any other.
    pub fn sample(command: &str) -> Self {
        match SAMPLES
            .iter()
            .chain(&LIVE_SAMPLES)
            .chain(CHAT_SAMPLES.iter())
            .find(|(known, _)| *known == command)
        {
            Some((known, body)) => Self::new(*known, *body),
            None => {
                let body = serde_json::json!({ "CallbackCommand": command }).to_string();
                Self::new(command, body)
            }
        }
    }

    /// The six Room commands, each with its sample body ([`live_samples`](Self::live_samples)
    /// has the Live family's).
    pub fn all_samples() -> [Self; 6] {
        SAMPLES.map(|(command, body)| Self::new(command, body))
    }

    /// Sent for this app (default [`DEMO_SDK_APP_ID`]).
    pub fn sdk_app_id(mut self, sdk_app_id: impl Into<SdkAppId>) -> Self {
        self.sdk_app_id = sdk_app_id.into().get();
        self
    }

    /// Sent to this path (default `/callback`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// With this body instead of the sample.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// With this `ClientIP` (default `127.0.0.1`).
    pub fn client_ip(mut self, client_ip: impl Into<String>) -> Self {
        self.client_ip = Some(client_ip.into());
        self
    }

    /// With this `OptPlatform` (default `RESTAPI`).
    pub fn platform(mut self, platform: impl Into<String>) -> Self {
        self.platform = Some(platform.into());
        self
    }

    /// With this `Content-Type` header, or none (default `application/json`).
    pub fn content_type(mut self, content_type: Option<&str>) -> Self {
        self.content_type_header = content_type.map(str::to_owned);
        self
    }

    /// With one more query parameter, appended as given (already percent-encoded).
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_query.push((name.into(), value.into()));
        self
    }

    /// Signed with `token` at `request_time` (Unix seconds), as Tencent signs.
    pub fn signed(mut self, token: impl Into<String>, request_time: u64) -> Self {
        self.signature = Some((token.into(), request_time));
        self
    }

    /// Signed with `token` at the system clock's current time.
    pub fn signed_now(self, token: impl Into<String>) -> Self {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        self.signed(token, now)
    }

    /// Signed with `token` an hour before `now` (Unix seconds): outside any sensible window.
    pub fn stale_signature(self, token: impl Into<String>, now: u64) -> Self {
        self.signed(token, now.saturating_sub(3600))
    }

    /// With the body padded with trailing spaces (still valid JSON) to `limit + 1` bytes.
    pub fn oversize(mut self, limit: usize) -> Self {
        let mut body = self.body.to_vec();
        body.resize(limit.max(body.len()) + 1, b' ');
        self.body = body.into();
        self
    }

    /// The path and query, as the request line carries them.
    pub fn path_and_query(&self) -> String {
        let mut uri = format!(
            "{}?SdkAppid={}&CallbackCommand={}&contenttype=json",
            self.path,
            self.sdk_app_id,
            encode(&self.command)
        );
        if let Some(client_ip) = &self.client_ip {
            let _ = write!(uri, "&ClientIP={}", encode(client_ip));
        }
        if let Some(platform) = &self.platform {
            let _ = write!(uri, "&OptPlatform={}", encode(platform));
        }
        if let Some((token, time)) = &self.signature {
            let _ = write!(
                uri,
                "&Sign={}&RequestTime={time}",
                sign(token.as_bytes(), *time)
            );
        }
        for (name, value) in &self.extra_query {
            let _ = write!(uri, "&{name}={value}");
        }
        uri
    }

    /// The `CallbackCommand` of the query.
    pub fn command(&self) -> &str {
        &self.command
    }

    /// The body.
    pub fn body_bytes(&self) -> &Bytes {
        &self.body
    }

    /// The request.
    pub fn build(self) -> Request<Full<Bytes>> {
        let mut request = Request::post(self.path_and_query());
        if let Some(content_type) = &self.content_type_header {
            request = request.header(http::header::CONTENT_TYPE, content_type);
        }
        request
            .header(http::header::CONTENT_LENGTH, self.body.len())
            .body(Full::new(self.body))
            .expect("a callback request is a valid request")
    }
}

impl From<CallbackRequest> for Request<Full<Bytes>> {
    fn from(request: CallbackRequest) -> Self {
        request.build()
    }
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// An answer read back from a response, checked for Tencent's form.
///
/// Shown (`Display`) as the assertions show it: `200 OK`, or `200 FAIL 50001 "message"`.
#[derive(Debug, Clone)]
pub struct TestAnswer {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The answer.
    pub answer: Answer,
}

impl TestAnswer {
    /// Panics unless this is the OK answer with status 200.
    #[track_caller]
    pub fn assert_ok(&self) {
        assert!(
            self.status == StatusCode::OK && self.answer.is_ok(),
            "expected 200 OK, got {self}"
        );
    }

    /// Panics unless this is a FAIL answer with `status` and `code`.
    #[track_caller]
    pub fn assert_fail(&self, status: u16, code: impl Into<ErrorCode>) {
        let code = code.into();
        assert!(
            self.status.as_u16() == status
                && !self.answer.is_ok()
                && self.answer.error_code() == code,
            "expected {status} FAIL {code}, got {self}"
        );
    }
}

impl fmt::Display for TestAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The status as a number: `StatusCode`'s own text, "200 OK", would read like the
        // answer's `ActionStatus`.
        let status = self.status.as_u16();
        if self.answer.is_ok() {
            write!(f, "{status} OK")
        } else {
            write!(
                f,
                "{status} FAIL {} {:?}",
                self.answer.error_code(),
                self.answer.error_info()
            )
        }
    }
}

/// Reads a response as Tencent would, panicking unless it is a well-formed answer:
/// `Content-Type: application/json`, a body with `ActionStatus`, `ErrorInfo` and
/// `ErrorCode` and no other member than a decision's (`MsgBody`, `CloudCustomData`,
/// `RefusedMembers_Account`, `RefusedSubscribers_Account`, `ResultItem`, `RspData`), OK or
/// FAIL with a non-zero code. The panic says what came instead.
pub async fn read_answer<B>(response: Response<B>) -> TestAnswer
where
    B: Body,
    B::Error: std::fmt::Debug,
{
    let (parts, body) = response.into_parts();
    let status = parts.status.as_u16();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            panic!("expected an answer, got status {status} and a body that failed: {error:?}")
        }
    };
    let got = || format!("status {status}, body {}", excerpt(&bytes));
    let content_type = parts.headers.get(http::header::CONTENT_TYPE);
    assert!(
        content_type.is_some_and(|value| value == "application/json"),
        "an answer is JSON: expected Content-Type: application/json, got {content_type:?}, {}",
        got()
    );
    let value: Value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|error| panic!("expected a JSON answer, got {} ({error})", got()));
    let fields: Vec<&str> = value
        .as_object()
        .map(|object| object.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let required = ["ActionStatus", "ErrorCode", "ErrorInfo"];
    assert!(
        required.iter().all(|field| fields.contains(field))
            && fields
                .iter()
                .all(|field| required.contains(field) || DECIDED.contains(field)),
        "expected an object with ActionStatus, ErrorCode and ErrorInfo, and no other member \
         than a decision's, got {}",
        got()
    );
    let answer = serde_json::from_value(value).unwrap_or_else(|error| {
        panic!(
            "expected OK with ErrorCode 0, or FAIL with another, got {} ({error})",
            got()
        )
    });
    TestAnswer {
        status: parts.status,
        headers: parts.headers,
        answer,
    }
}

/// The members a decision adds to the answer, as Tencent's pages document them: a rewritten
/// message, refused users, friend results, a chatbot's reply.
const DECIDED: [&str; 6] = [
    "MsgBody",
    "CloudCustomData",
    "RefusedMembers_Account",
    "RefusedSubscribers_Account",
    "ResultItem",
    "RspData",
];

/// A body as a panic message shows it: quoted, cut after 200 bytes.
fn excerpt(bytes: &[u8]) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX)]);
    if bytes.len() > MAX {
        format!("{text:?}... ({} bytes)", bytes.len())
    } else {
        format!("{text:?}")
    }
}

/// Drives `service` to readiness and calls it with `request`.
pub async fn call<S, R>(mut service: S, request: R) -> Result<S::Response, S::Error>
where
    S: Service<R>,
{
    poll_fn(|cx| service.poll_ready(cx)).await?;
    service.call(request).await
}

/// Sends `request` through `service` and reads the answer; panics on a service error or
/// a response that is not a well-formed answer.
pub async fn send<S, B>(service: S, request: impl Into<Request<Full<Bytes>>>) -> TestAnswer
where
    S: Service<Request<Full<Bytes>>, Response = Response<B>>,
    S::Error: std::fmt::Debug,
    B: Body,
    B::Error: std::fmt::Debug,
{
    match call(service, request.into()).await {
        Ok(response) => read_answer(response).await,
        Err(error) => panic!("expected the service to answer, got the error {error:?}"),
    }
}

/// The layer in handler mode, with `handler`, around [`NotFound`]: what a handler test
/// sends [`CallbackRequest`]s to. It accepts [`DEMO_SDK_APP_ID`], the app the requests
/// are sent for, without authentication, and is otherwise configured by default.
pub fn service<H: RoomHandler>(handler: H) -> RoomWebhook<NotFound, ToHandler<H>> {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(DEMO_SDK_APP_ID)
        .handler(handler)
        .build()
        .expect("the default configuration builds");
    service_with(&layer)
}

/// A layer recording every event in `sink` (its record stage), with the default handlers
/// (OK, allow), around [`NotFound`], configured as [`service`] is: what a test of a
/// [`Sink`](crate::sink::Sink) sends to.
pub fn recording<S: crate::sink::Sink>(sink: S) -> RoomWebhook<NotFound, ToHandler<Defaults>> {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(DEMO_SDK_APP_ID)
        .record(sink)
        .handler(Defaults)
        .build()
        .expect("the default configuration builds");
    service_with(&layer)
}

/// The layer in handler mode with `handler` for the Live family (the Room family answered
/// OK), around [`NotFound`], configured as [`service`] is: what a [`LiveHandler`] test
/// sends [`CallbackRequest`]s to.
pub fn live_service<L: LiveHandler>(handler: L) -> RoomWebhook<NotFound, ToHandler<Defaults, L>> {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(DEMO_SDK_APP_ID)
        .live_handler(handler)
        .build()
        .expect("the default configuration builds");
    service_with(&layer)
}

/// The layer in handler mode with `handler` for Chat's other families (the Room and Live
/// families answered OK), around [`NotFound`], configured as [`service`] is: what a
/// [`ChatHandler`](crate::handler::ChatHandler) test sends [`CallbackRequest`]s to.
#[cfg(feature = "chat")]
#[cfg_attr(docsrs, doc(cfg(feature = "chat")))]
pub fn chat_service<C: crate::handler::ChatHandler>(
    handler: C,
) -> RoomWebhook<NotFound, ToHandler<Defaults, Defaults, C>> {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(DEMO_SDK_APP_ID)
        .chat_handler(handler)
        .build()
        .expect("the default configuration builds");
    service_with(&layer)
}

/// `layer` around [`NotFound`], for a test of a configuration of your own.
pub fn service_with<M: Clone>(layer: &RoomWebhookLayer<M>) -> RoomWebhook<NotFound, M> {
    layer.layer(NotFound)
}

/// The context of a callback for `command` as [`CallbackRequest`] sends it ([`DEMO_SDK_APP_ID`],
/// `ClientIP` 127.0.0.1, `OptPlatform` `RESTAPI`, unsigned): for calling a handler
/// directly.
pub fn context(command: impl Into<Cow<'static, str>>) -> CallbackContext {
    CallbackContext::new(SdkAppId::new(DEMO_SDK_APP_ID), command)
        .with_client_ip([127, 0, 0, 1])
        .with_platform(OptPlatform::from("RESTAPI"))
}

/// An inner service that answers 404 to everything: what a layer in handler mode needs
/// behind it in a test.
#[derive(Debug, Clone, Copy, Default)]
pub struct NotFound;

impl<B> Service<Request<B>> for NotFound {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<B>) -> Self::Future {
        let mut response = Response::new(Full::new(Bytes::from_static(b"not found")));
        *response.status_mut() = StatusCode::NOT_FOUND;
        std::future::ready(Ok(response))
    }
}

/// The test kit's part of each event of the one list (`crate::event::with_events!`): the
/// sample bodies of Tencent's documentation, as kept in the crate's fixtures (`SAMPLES`,
/// `LIVE_SAMPLES`), each event's `sample()`, and its `CallbackRequest` constructor.
macro_rules! samples {
    (
        room { $(
            $(#[$meta:meta])* $variant:ident = $command:literal $(| $alias:literal)*,
            $constructor:ident($fixture:literal), $($spec:ident $args:tt),+;
        )+ }
        live { $(
            $(#[$lmeta:meta])* $lvariant:ident($ltype:ident) = $lcommand:literal,
            $lconstructor:ident($lfixture:literal), $($lspec:ident $largs:tt),+;
        )+ }
        chat { $(
            $(#[$cmeta:meta])* $cvariant:ident($ctype:ident) = $ccommand:literal,
            $cconstructor:ident($cfixture:literal), $($cspec:ident $cargs:tt),+;
        )+ }
    ) => {
        const SAMPLES: [(&str, &str); 6] =
            [$(($command, include_str!(concat!("../tests/fixtures/", $fixture)))),+];

        const LIVE_SAMPLES: [(&str, &str); 17] =
            [$(($lcommand, include_str!(concat!("../tests/fixtures/", $lfixture)))),+];

        $(
            impl $variant {
                /// The sample of Tencent's documentation, as [`CallbackRequest::sample`]
                /// sends it, decoded (feature `testing`): a start for a test that calls a
                /// handler directly. Set fields on it to vary it.
                pub fn sample() -> Self {
                    match sample_event($command) {
                        Event::$variant(event) => event,
                        other => unreachable!("the sample of {} decodes as {other:?}", $command),
                    }
                }
            }
        )+

        /// Every command of the Chat families, with its sample body.
        #[cfg(feature = "chat")]
        const CHAT_SAMPLES: &[(&str, &str)] =
            &[$(($ccommand, include_str!(concat!("../tests/fixtures/", $cfixture)))),+];

        /// Without the `chat` feature, no Chat command has a sample.
        #[cfg(not(feature = "chat"))]
        const CHAT_SAMPLES: &[(&str, &str)] = &[];

        $(
            #[cfg(feature = "chat")]
            impl $ctype {
                /// The sample of Tencent's documentation, as [`CallbackRequest::sample`]
                /// sends it, decoded (feature `testing`): a start for a test that calls a
                /// handler directly. Set fields on it to vary it.
                pub fn sample() -> Self {
                    match sample_event($ccommand) {
                        Event::Chat(crate::event::ChatEvent::$cvariant(event)) => event,
                        other => unreachable!("the sample of {} decodes as {other:?}", $ccommand),
                    }
                }
            }
        )+

        $(
            impl $ltype {
                /// The sample of Tencent's documentation, as [`CallbackRequest::sample`]
                /// sends it, decoded (feature `testing`): a start for a test that calls a
                /// handler directly. Set fields on it to vary it.
                pub fn sample() -> Self {
                    match sample_event($lcommand) {
                        Event::Live(LiveEvent::$lvariant(event)) => event,
                        other => unreachable!("the sample of {} decodes as {other:?}", $lcommand),
                    }
                }
            }
        )+

        /// Each command with the sample body of Tencent's documentation.
        impl CallbackRequest {
            $(
                #[doc = concat!("`", $command, "` with the sample body of Tencent's documentation.")]
                pub fn $constructor() -> Self {
                    Self::sample($command)
                }
            )+

            $(
                #[doc = concat!("`", $lcommand, "` ([`", stringify!($ltype), "`](crate::event::live::", stringify!($ltype), ")) with the sample body of Tencent's documentation.")]
                pub fn $lconstructor() -> Self {
                    Self::sample($lcommand)
                }
            )+

            $(
                #[doc = concat!("`", $ccommand, "` with the sample body of Tencent's documentation.")]
                #[cfg(feature = "chat")]
                #[cfg_attr(docsrs, doc(cfg(feature = "chat")))]
                pub fn $cconstructor() -> Self {
                    Self::sample($ccommand)
                }
            )+

            /// Every command of the Chat families, each with its sample body.
            #[cfg(feature = "chat")]
            #[cfg_attr(docsrs, doc(cfg(feature = "chat")))]
            pub fn chat_samples() -> Vec<Self> {
                CHAT_SAMPLES.iter().map(|&(command, body)| Self::new(command, body)).collect()
            }

            /// The 17 commands of the Live family, each with its sample body
            /// (`Mic.CallbackAfterSeatInfoChanged`, shared with Room, is among
            /// [`all_samples`](Self::all_samples)).
            pub fn live_samples() -> [Self; 17] {
                LIVE_SAMPLES.map(|(command, body)| Self::new(command, body))
            }
        }
    };
}

crate::event::with_events!(samples);

/// The members of `event` that no field of its types names, each as `owner.Member` (the
/// owner: the command for the body's own members, the member holding a struct for that
/// struct's): what a decoder kept in the `extra`s. Empty for an event typed to the last
/// member.
pub fn unnamed_members(event: &Event) -> Vec<String> {
    let mut unnamed = Vec::new();
    event.visit_extras(&mut |owner, extra| {
        unnamed.extend(extra.keys().map(|member| format!("{owner}.{member}")));
    });
    unnamed
}

fn sample_event(command: &str) -> Event {
    let request = CallbackRequest::sample(command);
    Event::decode(command, request.body_bytes()).expect("the samples are callbacks")
}
