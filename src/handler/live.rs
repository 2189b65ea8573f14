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
            let c = context;
            match event {
                LiveEvent::RoomCreated(e) => done(self.on_room_created(e, c).await),
                LiveEvent::RoomDestroyed(e) => done(self.on_room_destroyed(e, c).await),
                LiveEvent::RoomInfoUpdated(e) => done(self.on_room_info_updated(e, c).await),
                LiveEvent::MetadataSet(e) => done(self.on_metadata_set(e, c).await),
                LiveEvent::MetadataDeleted(e) => done(self.on_metadata_deleted(e, c).await),
                LiveEvent::RoomCountThresholdReached(e) => {
                    done(self.on_room_count_threshold_reached(e, c).await)
                }
                LiveEvent::MemberStateChanged(e) => done(self.on_member_state_changed(e, c).await),
                LiveEvent::OwnerChanged(e) => done(self.on_owner_changed(e, c).await),
                LiveEvent::AdminsModified(e) => done(self.on_admins_modified(e, c).await),
                LiveEvent::BattleCreated(e) => done(self.on_battle_created(e, c).await),
                LiveEvent::BattleStarted(e) => done(self.on_battle_started(e, c).await),
                LiveEvent::BattleEnded(e) => done(self.on_battle_ended(e, c).await),
                LiveEvent::MessageSent(e) => done(self.on_message_sent(e, c).await),
                LiveEvent::FollowAdded(e) => done(self.on_follow_added(e, c).await),
                LiveEvent::FollowDeleted(e) => done(self.on_follow_deleted(e, c).await),
                LiveEvent::GiftSending(e) => self.on_gift_sending(e, c).await.map(LiveReply::Gift),
                LiveEvent::MessageSending(e) => {
                    self.on_message_sending(e, c).await.map(LiveReply::Message)
                }
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

    ok_by_default! {
        /// `Live.CallbackAfterCreateRoom`.
        fn on_room_created(LiveRoomCreated);
        /// `Live.CallbackAfterDestroyRoom`.
        fn on_room_destroyed(LiveRoomDestroyed);
        /// `Live.CallbackAfterUpdateRoomInfo`.
        fn on_room_info_updated(LiveRoomInfoUpdated);
        /// `Live.CallbackAfterSetMetadata`.
        fn on_metadata_set(MetadataSet);
        /// `Live.CallbackAfterDelMetadata`.
        fn on_metadata_deleted(MetadataDeleted);
        /// `Live.CallbackAfterCreateRoomReachingThreshold`.
        fn on_room_count_threshold_reached(RoomCountThresholdReached);
        /// `Live.CallbackAfterMemberStateChanged`.
        fn on_member_state_changed(MemberStateChanged);
        /// `Live.CallbackAfterChangeOwner`.
        fn on_owner_changed(OwnerChanged);
        /// `Live.CallbackAfterModifyAdmin`.
        fn on_admins_modified(AdminsModified);
        /// `Live.CallbackAfterCreateBattle`.
        fn on_battle_created(BattleCreated);
        /// `Live.CallbackAfterStartBattle`.
        fn on_battle_started(BattleStarted);
        /// `Live.CallbackAfterEndBattle`.
        fn on_battle_ended(BattleEnded);
        /// `Group.CallbackAfterSendMsg`.
        fn on_message_sent(MessageSent);
        /// `Follow.CallbackAfterFollowAdd`.
        fn on_follow_added(FollowAdded);
        /// `Follow.CallbackAfterFollowDelete`.
        fn on_follow_deleted(FollowDeleted);
    }
}

/// The handler in an `Arc`, so that one value can be both the
/// [`RoomHandler`](super::RoomHandler) and the [`LiveHandler`] of the layer.
impl<L: LiveHandler> LiveHandler for Arc<L> {
    forward! {
        fn handle(LiveEvent) -> Result<LiveReply, HandlerError>;
        fn on_gift_sending(GiftSending) -> Result<GiftDecision, HandlerError>;
        fn on_message_sending(MessageSending) -> Result<MessageDecision, HandlerError>;
        fn on_room_created(LiveRoomCreated) -> HandlerResult;
        fn on_room_destroyed(LiveRoomDestroyed) -> HandlerResult;
        fn on_room_info_updated(LiveRoomInfoUpdated) -> HandlerResult;
        fn on_metadata_set(MetadataSet) -> HandlerResult;
        fn on_metadata_deleted(MetadataDeleted) -> HandlerResult;
        fn on_room_count_threshold_reached(RoomCountThresholdReached) -> HandlerResult;
        fn on_member_state_changed(MemberStateChanged) -> HandlerResult;
        fn on_owner_changed(OwnerChanged) -> HandlerResult;
        fn on_admins_modified(AdminsModified) -> HandlerResult;
        fn on_battle_created(BattleCreated) -> HandlerResult;
        fn on_battle_started(BattleStarted) -> HandlerResult;
        fn on_battle_ended(BattleEnded) -> HandlerResult;
        fn on_message_sent(MessageSent) -> HandlerResult;
        fn on_follow_added(FollowAdded) -> HandlerResult;
        fn on_follow_deleted(FollowDeleted) -> HandlerResult;
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
