//! The handler trait: one async method per command, each answering OK unless overridden.
//!
//! Implement the methods for the commands you care about; the others answer OK, as
//! Tencent expects of every after-callback. Return `Err(HandlerError)` to answer FAIL
//! with your own code and message, or use `?` on any error: it becomes a FAIL with
//! [`ErrorCode::HANDLER_FAILED`] and the fixed message "the callback handler failed",
//! and the error itself is logged, never sent to Tencent. A panic is caught and answered
//! with HTTP 500 and [`ErrorCode::HANDLER_PANICKED`]; the server and its other
//! connections carry on.
//!
//! The methods are written with `async fn` in the impl; the trait itself names their
//! futures as `impl Future + Send`, so the layer calls them with static dispatch and
//! no boxing of your code; a test can call them directly.
//!
//! ```
//! use tencent_room_webhook::handler::{HandlerError, HandlerResult, RoomHandler};
//! use tencent_room_webhook::event::MemberLeft;
//! use tencent_room_webhook::CallbackContext;
//!
//! struct Presence;
//!
//! impl RoomHandler for Presence {
//!     async fn on_member_left(&self, event: MemberLeft, context: &CallbackContext) -> HandlerResult {
//!         // Your own code and message: answered as they are.
//!         let room = event.room_id.ok_or_else(|| HandlerError::new(1, "no RoomId"))?;
//!         // Any error: FAIL 50001 "the callback handler failed", the error logged.
//!         save(room.as_str(), event.member_list_account.len())?;
//!         // Any error, with a code of yours.
//!         save(room.as_str(), 0).map_err(|error| HandlerError::from(error).with_code(1002))?;
//!         println!("app {}: someone left {room}", context.sdk_app_id);
//!         Ok(())
//!     }
//! }
//!
//! fn save(room: &str, left: usize) -> std::io::Result<()> {
//!     let _ = (room, left);
//!     Ok(())
//! }
//! ```

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use http::StatusCode;

use crate::answer::{Answer, ErrorCode};
use crate::event::{
    Event, MemberEntered, MemberLeft, RoomCreated, RoomDestroyed, RoomInfoUpdated, SeatListChanged,
    UndecodableEvent, UnknownEvent,
};
use crate::query::{CallbackContext, SdkAppId};
use crate::BoxError;

/// Methods of a handler trait that answer OK unless overridden: one line a command.
macro_rules! ok_by_default {
    ($( $(#[$doc:meta])* fn $method:ident($event:ty); )+) => {$(
        $(#[$doc])*
        fn $method(
            &self,
            event: $event,
            context: &CallbackContext,
        ) -> impl Future<Output = HandlerResult> + Send {
            let _ = (event, context);
            async { Ok(()) }
        }
    )+};
}

/// A handler trait's methods, each forwarded to the handler behind an `Arc`.
macro_rules! forward {
    ($( fn $method:ident($event:ty) -> $output:ty; )+) => {$(
        fn $method(
            &self,
            event: $event,
            context: &CallbackContext,
        ) -> impl Future<Output = $output> + Send {
            (**self).$method(event, context)
        }
    )+};
}

mod chat;
mod live;

pub use self::chat::{ChatHandler, ChatReply};
pub use self::live::{Defaults, LiveHandler, LiveReply};

/// What a handler method returns: `Ok(())` answers OK, `Err` answers FAIL.
pub type HandlerResult = Result<(), HandlerError>;

/// A handler's failure, answered to Tencent as `FAIL` with this code and message, with
/// HTTP 200 unless [`with_status`](Self::with_status) says otherwise.
///
/// Made by [`HandlerError::new`] with a code and a message of yours, or converted by `?`
/// (or `From`) from any error: then the code is [`ErrorCode::HANDLER_FAILED`] (change it
/// with [`with_code`](Self::with_code)) and the message a fixed "the callback handler
/// failed" (change it with [`with_info`](Self::with_info)), so that the error's own text,
/// which may say more than Tencent should see, is only logged, at `warn`.
///
/// Like `anyhow::Error`, it does not implement `std::error::Error` itself: that is what
/// lets it convert from every error.
///
/// Tencent ignores the `ErrorCode` of after-callbacks, so a failure does not undo or
/// retry anything; it shows in Tencent's callback logs. Keep secrets and the body out of
/// the message.
#[derive(Debug)]
pub struct HandlerError {
    code: ErrorCode,
    info: Cow<'static, str>,
    status: StatusCode,
    source: Option<BoxError>,
}

/// The `ErrorInfo` of an error converted with `?`: the error's own text stays in the logs.
const CONVERTED_INFO: &str = "the callback handler failed";

impl HandlerError {
    /// A failure with `code` (0 is replaced by [`ErrorCode::HANDLER_FAILED`], since 0 means
    /// success) and the message `info`.
    pub fn new(code: impl Into<ErrorCode>, info: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code: failure_code(code.into()),
            info: info.into(),
            status: StatusCode::OK,
            source: None,
        }
    }

    /// With `code` answered instead (0 is replaced by [`ErrorCode::HANDLER_FAILED`]).
    pub fn with_code(mut self, code: impl Into<ErrorCode>) -> Self {
        self.code = failure_code(code.into());
        self
    }

    /// With `info` answered as `ErrorInfo` instead.
    pub fn with_info(mut self, info: impl Into<Cow<'static, str>>) -> Self {
        self.info = info.into();
        self
    }

    /// Answered with the HTTP `status` instead of 200: a 5xx says the callback was not
    /// taken (the sinks answer 503 when the event was not recorded), so that monitoring
    /// and a proxy in front see it. Tencent reads the body's FAIL either way.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// The `ErrorCode` answered.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The `ErrorInfo` answered.
    pub fn info(&self) -> &str {
        &self.info
    }

    /// The HTTP status answered: 200 unless set with [`with_status`](Self::with_status).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The error this one was converted from, if any: logged, never answered.
    pub fn source(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.source.as_deref()
    }

    pub(crate) fn into_answer(self) -> Answer {
        Answer::fail(self.code, self.info)
    }
}

fn failure_code(code: ErrorCode) -> ErrorCode {
    if code == ErrorCode::OK {
        ErrorCode::HANDLER_FAILED
    } else {
        code
    }
}

/// `?` on any error in a handler: FAIL [`ErrorCode::HANDLER_FAILED`], "the callback handler
/// failed", the error kept for the logs.
impl<E: Into<BoxError>> From<E> for HandlerError {
    fn from(error: E) -> Self {
        Self {
            code: ErrorCode::HANDLER_FAILED,
            info: Cow::Borrowed(CONVERTED_INFO),
            status: StatusCode::OK,
            source: Some(error.into()),
        }
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "callback handler failed with code {}: {}",
            self.code, self.info
        )?;
        match &self.source {
            Some(source) => write!(f, " (caused by: {source})"),
            None => Ok(()),
        }
    }
}

/// Receives decoded Room callbacks.
///
/// Each method has a default that answers OK. [`handle`](Self::handle) is the single
/// entry point the layer calls; its default dispatches to the per-command methods, and
/// overriding it gives one place to see every event.
pub trait RoomHandler: Send + Sync + 'static {
    /// Every callback enters here. The default calls the method for the event's command.
    fn handle(
        &self,
        event: Event,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        async move {
            match event {
                Event::RoomCreated(event) => self.on_room_created(event, context).await,
                Event::RoomDestroyed(event) => self.on_room_destroyed(event, context).await,
                Event::RoomInfoUpdated(event) => self.on_room_info_updated(event, context).await,
                Event::MemberEntered(event) => self.on_member_entered(event, context).await,
                Event::MemberLeft(event) => self.on_member_left(event, context).await,
                Event::SeatListChanged(event) => self.on_seat_list_changed(event, context).await,
                // The layer gives these to the `LiveHandler`: a Room handler answers OK.
                Event::Live(_) => Ok(()),
                #[cfg(feature = "chat")]
                Event::Chat(_) => Ok(()),
                Event::Unknown(event) => self.on_unknown_command(event, context).await,
                Event::Undecodable(event) => self.on_undecodable(event, context).await,
            }
        }
    }

    ok_by_default! {
        /// `Room.CallbackAfterCreateRoom`.
        fn on_room_created(RoomCreated);
        /// `Room.CallbackAfterDestroyRoom`.
        fn on_room_destroyed(RoomDestroyed);
        /// `Room.CallbackAfterUpdateRoomInfo`.
        fn on_room_info_updated(RoomInfoUpdated);
        /// `Room.CallbackAfterMemberEnter`.
        fn on_member_entered(MemberEntered);
        /// `Room.CallbackAfterMemberLeave`.
        fn on_member_left(MemberLeft);
        /// `Mic.CallbackAfterSeatInfoChanged`.
        fn on_seat_list_changed(SeatListChanged);
        /// A command this crate does not know (a future Room command, or another Chat
        /// command sent to the same URL). The default answers OK.
        fn on_unknown_command(UnknownEvent);
    }

    /// A known command whose body could not be read even leniently. The default logs a
    /// warning (without the body) and answers OK, since Tencent would not act on a FAIL.
    fn on_undecodable(
        &self,
        event: UndecodableEvent,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        tracing::warn!(
            sdk_app_id = %context.sdk_app_id,
            command = %event.command,
            "a callback body could not be read as its command's event; \
             override RoomHandler::on_undecodable to see it"
        );
        async { Ok(()) }
    }
}

/// The handler in an `Arc`, so that the application can keep a handle on it.
impl<H: RoomHandler> RoomHandler for std::sync::Arc<H> {
    forward! {
        fn handle(Event) -> HandlerResult;
        fn on_room_created(RoomCreated) -> HandlerResult;
        fn on_room_destroyed(RoomDestroyed) -> HandlerResult;
        fn on_room_info_updated(RoomInfoUpdated) -> HandlerResult;
        fn on_member_entered(MemberEntered) -> HandlerResult;
        fn on_member_left(MemberLeft) -> HandlerResult;
        fn on_seat_list_changed(SeatListChanged) -> HandlerResult;
        fn on_unknown_command(UnknownEvent) -> HandlerResult;
        fn on_undecodable(UndecodableEvent) -> HandlerResult;
    }
}

/// The object-safe form of [`RoomHandler`], so that [`PerApp`] can hold handlers of
/// different types.
trait DynHandler: Send + Sync + 'static {
    fn handle_boxed<'a>(
        &'a self,
        event: Event,
        context: &'a CallbackContext,
    ) -> Pin<Box<dyn Future<Output = HandlerResult> + Send + 'a>>;
}

impl<H: RoomHandler> DynHandler for H {
    fn handle_boxed<'a>(
        &'a self,
        event: Event,
        context: &'a CallbackContext,
    ) -> Pin<Box<dyn Future<Output = HandlerResult> + Send + 'a>> {
        Box::pin(self.handle(event, context))
    }
}

/// A handler per app, for one endpoint serving several SDKAppIDs: each callback goes to
/// the handler of its `SdkAppid`, or to the fallback.
///
/// The handlers may be of different types; each call costs one allocation to erase the
/// type. A callback of an app with neither a handler nor a fallback is answered OK, as if
/// no handler cared.
///
/// ```
/// use tencent_room_webhook::handler::{PerApp, RoomHandler};
/// use tencent_room_webhook::{AppConfig, RoomWebhookLayer};
///
/// struct Production;
/// impl RoomHandler for Production {}
/// struct Staging;
/// impl RoomHandler for Staging {}
///
/// let layer = RoomWebhookLayer::builder()
///     .app(AppConfig::new(1400000001).token("production token"))
///     .app(AppConfig::new(1400000002).token("staging token"))
///     .handler(PerApp::new().app(1400000001, Production).app(1400000002, Staging))
///     .build()?;
/// # Ok::<(), tencent_room_webhook::ConfigError>(())
/// ```
#[derive(Default)]
pub struct PerApp {
    apps: Vec<(SdkAppId, Box<dyn DynHandler>)>,
    fallback: Option<Box<dyn DynHandler>>,
}

impl PerApp {
    /// No handler yet: every callback is answered OK until handlers are added.
    pub fn new() -> Self {
        Self::default()
    }

    /// Callbacks of `sdk_app_id` go to `handler` (a later call for the same app replaces
    /// the handler).
    pub fn app(mut self, sdk_app_id: impl Into<SdkAppId>, handler: impl RoomHandler) -> Self {
        let id = sdk_app_id.into();
        self.apps.retain(|(known, _)| *known != id);
        self.apps.push((id, Box::new(handler)));
        self
    }

    /// Callbacks of apps without a handler of their own go to `handler`.
    pub fn fallback(mut self, handler: impl RoomHandler) -> Self {
        self.fallback = Some(Box::new(handler));
        self
    }
}

impl fmt::Debug for PerApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PerApp")
            .field(
                "apps",
                &self.apps.iter().map(|(id, _)| id).collect::<Vec<_>>(),
            )
            .field("fallback", &self.fallback.is_some())
            .finish()
    }
}

impl RoomHandler for PerApp {
    fn handle(
        &self,
        event: Event,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let handler = self
            .apps
            .iter()
            .find(|(id, _)| *id == context.sdk_app_id)
            .map(|(_, handler)| handler)
            .or(self.fallback.as_ref());
        async move {
            match handler {
                Some(handler) => handler.handle_boxed(event, context).await,
                None => Ok(()),
            }
        }
    }
}
