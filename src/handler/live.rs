//! [`LiveHandler`]: the callbacks of the Live family (TUILiveKit's `Live.*`, and the
//! `Group.*` and `Follow.*` callbacks it shares with Chat), apart from [`RoomHandler`]
//! so that a Room-only backend never sees them.
//!
//! Give it to the layer with
//! [`RoomWebhookBuilder::live_handler`](crate::RoomWebhookBuilder::live_handler), beside
//! (or without) a [`RoomHandler`]: one layer, one path, both families. Each after-callback
//! has a method answering OK by default; the two before-callbacks return a
//! [decision](crate::decision), allow by default.
//!
//! ```
//! use tencent_room_webhook::decision::{GiftDecision, GiftRejectionCode};
//! use tencent_room_webhook::event::live::GiftSending;
//! use tencent_room_webhook::handler::{HandlerError, LiveHandler};
//! use tencent_room_webhook::{CallbackContext, RoomWebhookLayer};
//!
//! struct Wallet;
//!
//! impl LiveHandler for Wallet {
//!     async fn on_gift_sending(
//!         &self,
//!         gift: GiftSending,
//!         _: &CallbackContext,
//!     ) -> Result<GiftDecision, HandlerError> {
//!         let coins = gift.gift_water.as_ref().and_then(|water| water.coins).unwrap_or(0);
//!         if coins > 100 {
//!             let code = GiftRejectionCode::new(102100).expect("in range");
//!             return Ok(GiftDecision::reject_with(code, "not enough coins"));
//!         }
//!         Ok(GiftDecision::Allow)
//!     }
//! }
//!
//! let layer = RoomWebhookLayer::builder()
//!     .sdk_app_id(1400000000)
//!     .live_handler(Wallet)
//!     .build()?;
//! # Ok::<(), tencent_room_webhook::ConfigError>(())
//! ```

use std::future::Future;
use std::sync::Arc;

use super::{HandlerError, HandlerResult};
use crate::decision::{GiftDecision, MessageDecision};
use crate::event::live::{
    AdminsModified, BattleCreated, BattleEnded, BattleStarted, FollowAdded, FollowDeleted,
    GiftSending, LiveRoomCreated, LiveRoomDestroyed, LiveRoomInfoUpdated, MemberStateChanged,
    MessageSending, MessageSent, MetadataDeleted, MetadataSet, OwnerChanged,
    RoomCountThresholdReached,
};
use crate::event::LiveEvent;
use crate::query::CallbackContext;

/// What a [`LiveHandler`] answers: an after-callback handled, or a before-callback's
/// decision.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum LiveReply {
    /// Handled: OK. For a before-callback, the default decision: allow.
    #[default]
    Done,
    /// The decision on a gift (`Live.CallbackBeforeSendGift` only).
    Gift(GiftDecision),
    /// The decision on a message (`Group.CallbackBeforeSendMsg` only).
    Message(MessageDecision),
}

impl From<GiftDecision> for LiveReply {
    fn from(decision: GiftDecision) -> Self {
        Self::Gift(decision)
    }
}

impl From<MessageDecision> for LiveReply {
    fn from(decision: MessageDecision) -> Self {
        Self::Message(decision)
    }
}

/// Receives the callbacks of the Live family.
///
/// Each after-callback has a method answering OK by default; the before-callbacks,
/// [`on_gift_sending`](Self::on_gift_sending) and
/// [`on_message_sending`](Self::on_message_sending), return a decision, allow by default.
/// [`handle`](Self::handle) is the one entry point the layer calls; its default calls the
/// method of the event's command, and overriding it gives one place to see every Live
/// event (then return the decision of a before-callback as a [`LiveReply`]: a decision of
/// the other kind is answered 500, [`ErrorCode::WRONG_DECISION`](crate::ErrorCode::WRONG_DECISION)).
/// Errors and panics are answered as for [`RoomHandler`](super::RoomHandler): for a gift,
/// any FAIL blocks it.
pub trait LiveHandler: Send + Sync + 'static {
    /// Every Live callback enters here. The default calls the method for the event's
    /// command.
    fn handle(
        &self,
        event: LiveEvent,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<LiveReply, HandlerError>> + Send {
        async move {
            let done = |result: HandlerResult| result.map(|()| LiveReply::Done);
            match event {
                LiveEvent::RoomCreated(event) => done(self.on_room_created(event, context).await),
                LiveEvent::RoomDestroyed(event) => {
                    done(self.on_room_destroyed(event, context).await)
                }
                LiveEvent::RoomInfoUpdated(event) => {
                    done(self.on_room_info_updated(event, context).await)
                }
                LiveEvent::MetadataSet(event) => done(self.on_metadata_set(event, context).await),
                LiveEvent::MetadataDeleted(event) => {
                    done(self.on_metadata_deleted(event, context).await)
                }
                LiveEvent::RoomCountThresholdReached(event) => {
                    done(self.on_room_count_threshold_reached(event, context).await)
                }
                LiveEvent::MemberStateChanged(event) => {
                    done(self.on_member_state_changed(event, context).await)
                }
                LiveEvent::OwnerChanged(event) => done(self.on_owner_changed(event, context).await),
                LiveEvent::AdminsModified(event) => {
                    done(self.on_admins_modified(event, context).await)
                }
                LiveEvent::BattleCreated(event) => {
                    done(self.on_battle_created(event, context).await)
                }
                LiveEvent::BattleStarted(event) => {
                    done(self.on_battle_started(event, context).await)
                }
                LiveEvent::BattleEnded(event) => done(self.on_battle_ended(event, context).await),
                LiveEvent::MessageSent(event) => done(self.on_message_sent(event, context).await),
                LiveEvent::FollowAdded(event) => done(self.on_follow_added(event, context).await),
                LiveEvent::FollowDeleted(event) => {
                    done(self.on_follow_deleted(event, context).await)
                }
                LiveEvent::GiftSending(event) => self
                    .on_gift_sending(event, context)
                    .await
                    .map(LiveReply::Gift),
                LiveEvent::MessageSending(event) => self
                    .on_message_sending(event, context)
                    .await
                    .map(LiveReply::Message),
            }
        }
    }

    /// `Live.CallbackBeforeSendGift`: whether the gift is sent. The default allows it.
    fn on_gift_sending(
        &self,
        event: GiftSending,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<GiftDecision, HandlerError>> + Send {
        let _ = (event, context);
        async { Ok(GiftDecision::Allow) }
    }

    /// `Group.CallbackBeforeSendMsg`: what becomes of the message. The default allows it
    /// as it is.
    fn on_message_sending(
        &self,
        event: MessageSending,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<MessageDecision, HandlerError>> + Send {
        let _ = (event, context);
        async { Ok(MessageDecision::Allow) }
    }

    /// `Live.CallbackAfterCreateRoom`.
    fn on_room_created(
        &self,
        event: LiveRoomCreated,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Live.CallbackAfterDestroyRoom`.
    fn on_room_destroyed(
        &self,
        event: LiveRoomDestroyed,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Live.CallbackAfterUpdateRoomInfo`.
    fn on_room_info_updated(
        &self,
        event: LiveRoomInfoUpdated,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Live.CallbackAfterSetMetadata`.
    fn on_metadata_set(
        &self,
        event: MetadataSet,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Live.CallbackAfterDelMetadata`.
    fn on_metadata_deleted(
        &self,
        event: MetadataDeleted,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Live.CallbackAfterCreateRoomReachingThreshold`.
    fn on_room_count_threshold_reached(
        &self,
        event: RoomCountThresholdReached,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Live.CallbackAfterMemberStateChanged`.
    fn on_member_state_changed(
        &self,
        event: MemberStateChanged,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Live.CallbackAfterChangeOwner`.
    fn on_owner_changed(
        &self,
        event: OwnerChanged,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Live.CallbackAfterModifyAdmin`.
    fn on_admins_modified(
        &self,
        event: AdminsModified,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Live.CallbackAfterCreateBattle`.
    fn on_battle_created(
        &self,
        event: BattleCreated,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Live.CallbackAfterStartBattle`.
    fn on_battle_started(
        &self,
        event: BattleStarted,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Live.CallbackAfterEndBattle`.
    fn on_battle_ended(
        &self,
        event: BattleEnded,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Group.CallbackAfterSendMsg`.
    fn on_message_sent(
        &self,
        event: MessageSent,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Follow.CallbackAfterFollowAdd`.
    fn on_follow_added(
        &self,
        event: FollowAdded,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }

    /// `Follow.CallbackAfterFollowDelete`.
    fn on_follow_deleted(
        &self,
        event: FollowDeleted,
        context: &CallbackContext,
    ) -> impl Future<Output = HandlerResult> + Send {
        let _ = (event, context);
        async { Ok(()) }
    }
}

/// The handler in an `Arc`, so that one value can be both the
/// [`RoomHandler`](super::RoomHandler) and the [`LiveHandler`] of the layer. It forwards
/// [`handle`](LiveHandler::handle), the one method the layer calls.
impl<L: LiveHandler> LiveHandler for Arc<L> {
    fn handle(
        &self,
        event: LiveEvent,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<LiveReply, HandlerError>> + Send {
        L::handle(self, event, context)
    }
}

/// The handler of the family nobody handles: OK to every after-callback, allow to every
/// before-callback. What the layer uses for the family it was given no handler for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Defaults;

impl LiveHandler for Defaults {
    fn handle(
        &self,
        event: LiveEvent,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<LiveReply, HandlerError>> + Send {
        let _ = (event, context);
        std::future::ready(Ok(LiveReply::Done))
    }
}

impl super::RoomHandler for Defaults {}
