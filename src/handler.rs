//! The handler trait: one async method per command, each answering OK unless overridden.
//!
//! Implement the methods for the commands you care about; the others answer OK, as
//! Tencent expects of every after-callback. Return `Err(HandlerError)` to answer FAIL
//! with your own code and message. A panic is caught and answered with HTTP 500 and
//! [`ErrorCode::HANDLER_PANICKED`]; the server and its other connections carry on.
//!
//! The methods are written with `async fn` in the impl; the trait itself names their
//! futures as `impl Future + Send`, so the layer calls them with static dispatch and
//! no boxing of your code, and any runtime can drive them.
//!
//! ```
//! use tencent_room_webhook::handler::{HandlerError, RoomHandler};
//! use tencent_room_webhook::event::MemberLeft;
//! use tencent_room_webhook::CallbackContext;
//!
//! struct Presence;
//!
//! impl RoomHandler for Presence {
//!     async fn on_member_left(
//!         &self,
//!         event: MemberLeft,
//!         context: &CallbackContext,
//!     ) -> Result<(), HandlerError> {
//!         let room = event.room_id.ok_or_else(|| HandlerError::new(1, "no RoomId"))?;
//!         println!("app {}: {} left {room}", context.sdk_app_id, event.member_list_account.len());
//!         Ok(())
//!     }
//! }
//! ```

use std::borrow::Cow;
use std::fmt;
use std::future::Future;

use crate::answer::ErrorCode;
use crate::event::{
    Event, MemberEntered, MemberLeft, RoomCreated, RoomDestroyed, RoomInfoUpdated, SeatListChanged,
    UndecodableEvent, UnknownEvent,
};
use crate::query::CallbackContext;

/// What a handler method returns: `Ok(())` answers OK, `Err` answers FAIL.
pub type HandlerResult = Result<(), HandlerError>;

/// A handler's failure, answered to Tencent as `FAIL` with HTTP 200 and this code and
/// message.
///
/// Tencent ignores the `ErrorCode` of after-callbacks, so a failure does not undo or
/// retry anything; it shows in Tencent's callback logs. Keep secrets and the body out of
/// the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerError {
    code: ErrorCode,
    info: Cow<'static, str>,
}

impl HandlerError {
    /// A failure with `code` (0 is replaced by [`ErrorCode::HANDLER_FAILED`], since 0 means
    /// success) and the message `info`.
    pub fn new(code: impl Into<ErrorCode>, info: impl Into<Cow<'static, str>>) -> Self {
        let code = code.into();
        Self {
            code: if code == ErrorCode::OK {
                ErrorCode::HANDLER_FAILED
            } else {
                code
            },
            info: info.into(),
        }
    }

    /// The `ErrorCode` answered.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The `ErrorInfo` answered.
    pub fn info(&self) -> &str {
        &self.info
    }

    pub(crate) fn into_parts(self) -> (ErrorCode, Cow<'static, str>) {
        (self.code, self.info)
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "callback handler failed with code {}: {}",
            self.code, self.info
        )
    }
}

impl std::error::Error for HandlerError {}

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
                Event::Unknown(event) => self.on_unknown_command(event, context).await,
                Event::Undecodable(event) => self.on_undecodable(event, context).await,
            }
        }
    }

    /// `Room.CallbackAfterCreateRoom`.
    fn on_room_created(
        &self,
        event: RoomCreated,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Room.CallbackAfterDestroyRoom`.
    fn on_room_destroyed(
        &self,
        event: RoomDestroyed,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Room.CallbackAfterUpdateRoomInfo`.
    fn on_room_info_updated(
        &self,
        event: RoomInfoUpdated,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Room.CallbackAfterMemberEnter`.
    fn on_member_entered(
        &self,
        event: MemberEntered,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Room.CallbackAfterMemberLeave`.
    fn on_member_left(
        &self,
        event: MemberLeft,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Mic.CallbackAfterSeatInfoChanged`.
    fn on_seat_list_changed(
        &self,
        event: SeatListChanged,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// A command this crate does not know (a future Room command, or another Chat
    /// command sent to the same URL). The default answers OK.
    fn on_unknown_command(
        &self,
        event: UnknownEvent,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
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
