//! [`ChatHandler`]: the callbacks of Chat's other families (online state, profiles,
//! friends, one-to-one and group messages, groups and topics, official accounts, chatbots,
//! push results, moderation, calls), apart from the Room and Live handlers, so that a
//! Room-only backend never sees them.
//!
//! Feature `chat`. Give it to the layer with
//! [`RoomWebhookBuilder::chat_handler`](crate::RoomWebhookBuilder::chat_handler), beside
//! (or without) the others: one layer, one path, every family. Each notification has a
//! method answering OK by default; each before-callback a method returning its
//! [decision](crate::decision), allow by default; `Chatbot.OnC2CSignalMessage` a
//! [`ChatbotReply`], ignore by default. Implement the methods of the callbacks switched on
//! in the console, and nothing else.
//!
//! `Group.CallbackBeforeSendMsg`, `Group.CallbackAfterSendMsg` and `Follow.*` are the
//! [`LiveHandler`](super::LiveHandler)'s, whichever group they are about (a live room is a
//! group): one type a command, one handler deciding it.
//!
//! ```
//! use tencent_room_webhook::decision::{FriendDecision, FriendRefusalCode};
//! use tencent_room_webhook::event::chat::sns::FriendRequest;
//! use tencent_room_webhook::handler::{ChatHandler, HandlerError};
//! use tencent_room_webhook::{CallbackContext, RoomWebhookLayer};
//!
//! struct Friends;
//!
//! impl ChatHandler for Friends {
//!     async fn on_friend_request(
//!         &self,
//!         request: FriendRequest,
//!         _: &CallbackContext,
//!     ) -> Result<FriendDecision, HandlerError> {
//!         let blocked = FriendRefusalCode::new(38001).expect("in range");
//!         let mut decision = FriendDecision::default();
//!         for item in &request.friend_item {
//!             if let Some(user) = item.to_account.as_ref().filter(|user| user.as_str() == "spammer") {
//!                 decision = decision.refuse(user.clone(), blocked, "not accepting requests");
//!             }
//!         }
//!         Ok(decision)
//!     }
//! }
//!
//! let layer = RoomWebhookLayer::builder()
//!     .sdk_app_id(1400000000)
//!     .chat_handler(Friends)
//!     .build()?;
//! # Ok::<(), tencent_room_webhook::ConfigError>(())
//! ```

#[cfg(feature = "chat")]
use std::future::Future;
use std::sync::Arc;

use super::Defaults;
#[cfg(feature = "chat")]
use super::{HandlerError, HandlerResult};
#[cfg(feature = "chat")]
use crate::decision::OfficialAccountMessageDecision;
use crate::decision::{
    C2cMessageDecision, ChatbotReply, FriendDecision, GroupRequestDecision, InviteDecision,
    OfficialAccountCreationDecision, SubscriberDecision,
};
#[cfg(feature = "chat")]
use crate::event::chat::{
    account::*, bot::*, c2c::*, call::*, group::*, moderation::*, official_account::*, push::*,
    sns::*,
};
#[cfg(feature = "chat")]
use crate::event::ChatEvent;
#[cfg(feature = "chat")]
use crate::query::CallbackContext;

/// What a [`ChatHandler`] answers: a notification handled, or a before-callback's
/// decision.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum ChatReply {
    /// Handled: OK. For a before-callback, the default decision: allow (for
    /// `Chatbot.OnC2CSignalMessage`, ignore).
    #[default]
    Done,
    /// The decision on a one-to-one or official-account message
    /// (`C2C.CallbackBeforeSendMsg`, `OfficialAccount.CallbackBeforeSendMsg`).
    Message(C2cMessageDecision),
    /// The decision on a group's creation, an application to join, a topic's creation.
    GroupRequest(GroupRequestDecision),
    /// The decision on an invitation to a group.
    Invite(InviteDecision),
    /// The decision on an official account's creation.
    OfficialAccountCreation(OfficialAccountCreationDecision),
    /// The decision on new subscribers of an official account.
    Subscribers(SubscriberDecision),
    /// The decision on friend requests or on the answers to them.
    Friends(FriendDecision),
    /// The reply to a chatbot's signal.
    Chatbot(ChatbotReply),
}

/// Receives the callbacks of Chat's other families (feature `chat`; without it, the trait
/// has no methods and the layer never calls it: those callbacks are `Event::Unknown`).
///
/// [`handle`](Self::handle) is the one entry point the layer calls; its default calls the
/// method of the event's command, and overriding it gives one place to see every Chat
/// event (then return a before-callback's decision as a [`ChatReply`]: a decision of
/// another kind is answered 500, [`ErrorCode::WRONG_DECISION`](crate::ErrorCode::WRONG_DECISION)).
/// A handler's error, a panic or a deadline on a before-callback is answered as the
/// [decision module](crate::decision) tabulates, command by command: a FAIL, which
/// Tencent handles by the console's policy for a failed before-callback (by default, the
/// request goes ahead).
pub trait ChatHandler: Send + Sync + 'static {
    #[cfg(feature = "chat")]
    /// Every Chat callback enters here. The default calls the method for the event's
    /// command (for a push batch, the method of its events, for each in turn).
    fn handle(
        &self,
        event: ChatEvent,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<ChatReply, HandlerError>> + Send {
        async move {
            let done = |result: HandlerResult| result.map(|()| ChatReply::Done);
            let c = context;
            match event {
                ChatEvent::RequestOverLimit(e) => done(self.on_request_over_limit(e, c).await),
                ChatEvent::StateChanged(e) => done(self.on_state_changed(e, c).await),
                ChatEvent::ProfileUpdated(e) => done(self.on_profile_updated(e, c).await),
                ChatEvent::FriendRequest(e) => {
                    self.on_friend_request(e, c).await.map(ChatReply::Friends)
                }
                ChatEvent::FriendRequestAnswered(e) => self
                    .on_friend_request_answered(e, c)
                    .await
                    .map(ChatReply::Friends),
                ChatEvent::FriendsAdded(e) => done(self.on_friends_added(e, c).await),
                ChatEvent::FriendsDeleted(e) => done(self.on_friends_deleted(e, c).await),
                ChatEvent::BlocklistAdded(e) => done(self.on_blocklist_added(e, c).await),
                ChatEvent::BlocklistRemoved(e) => done(self.on_blocklist_removed(e, c).await),
                ChatEvent::BotMessageReceived(e) => done(self.on_bot_message_received(e, c).await),
                ChatEvent::BotGroupMessageReceived(e) => {
                    done(self.on_bot_group_message_received(e, c).await)
                }
                ChatEvent::SignalMessage(e) => {
                    self.on_signal_message(e, c).await.map(ChatReply::Chatbot)
                }
                ChatEvent::ModerationResult(e) => done(self.on_moderation_result(e, c).await),
                ChatEvent::OfflinePushResults(batch) => {
                    for e in batch.events {
                        self.on_offline_push(e, c).await?;
                    }
                    Ok(ChatReply::Done)
                }
                ChatEvent::AllMemberPushResults(batch) => {
                    for e in batch.events {
                        self.on_all_member_push(e, c).await?;
                    }
                    Ok(ChatReply::Done)
                }
                ChatEvent::CallStarted(e) => done(self.on_call_started(e, c).await),
                ChatEvent::CallEnded(e) => done(self.on_call_ended(e, c).await),
                ChatEvent::CallMembersChanged(e) => done(self.on_call_members_changed(e, c).await),
                ChatEvent::C2cMessageSending(e) => self
                    .on_c2c_message_sending(e, c)
                    .await
                    .map(ChatReply::Message),
                ChatEvent::C2cMessageSent(e) => done(self.on_c2c_message_sent(e, c).await),
                ChatEvent::C2cReadReported(e) => done(self.on_c2c_read_reported(e, c).await),
                ChatEvent::C2cMessageRecalled(e) => done(self.on_c2c_message_recalled(e, c).await),
                ChatEvent::C2cMessageExtensionChanged(e) => {
                    done(self.on_c2c_message_extension_changed(e, c).await)
                }
                ChatEvent::C2cReadReceiptsSent(e) => {
                    done(self.on_c2c_read_receipts_sent(e, c).await)
                }
                ChatEvent::C2cMessageModified(e) => done(self.on_c2c_message_modified(e, c).await),
                ChatEvent::AllMessagesRead(e) => done(self.on_all_messages_read(e, c).await),
                ChatEvent::GroupCreating(e) => self
                    .on_group_creating(e, c)
                    .await
                    .map(ChatReply::GroupRequest),
                ChatEvent::GroupCreated(e) => done(self.on_group_created(e, c).await),
                ChatEvent::JoinApplying(e) => self
                    .on_join_applying(e, c)
                    .await
                    .map(ChatReply::GroupRequest),
                ChatEvent::MembersInviting(e) => {
                    self.on_members_inviting(e, c).await.map(ChatReply::Invite)
                }
                ChatEvent::MembersJoined(e) => done(self.on_members_joined(e, c).await),
                ChatEvent::MembersExited(e) => done(self.on_members_exited(e, c).await),
                ChatEvent::GroupFull(e) => done(self.on_group_full(e, c).await),
                ChatEvent::GroupDestroyed(e) => done(self.on_group_destroyed(e, c).await),
                ChatEvent::GroupInfoChanged(e) => done(self.on_group_info_changed(e, c).await),
                ChatEvent::GroupMessagesRecalled(e) => {
                    done(self.on_group_messages_recalled(e, c).await)
                }
                ChatEvent::GroupMemberStateChanged(e) => {
                    done(self.on_group_member_state_changed(e, c).await)
                }
                ChatEvent::GroupMessageFailed(e) => done(self.on_group_message_failed(e, c).await),
                ChatEvent::TopicCreating(e) => self
                    .on_topic_creating(e, c)
                    .await
                    .map(ChatReply::GroupRequest),
                ChatEvent::TopicCreated(e) => done(self.on_topic_created(e, c).await),
                ChatEvent::TopicsDestroyed(e) => done(self.on_topics_destroyed(e, c).await),
                ChatEvent::TopicInfoChanged(e) => done(self.on_topic_info_changed(e, c).await),
                ChatEvent::MemberFieldChanged(e) => done(self.on_member_field_changed(e, c).await),
                ChatEvent::GroupAttrChanged(e) => done(self.on_group_attr_changed(e, c).await),
                ChatEvent::GroupReadReceiptsSent(e) => {
                    done(self.on_group_read_receipts_sent(e, c).await)
                }
                ChatEvent::GroupOwnerChanged(e) => done(self.on_group_owner_changed(e, c).await),
                ChatEvent::DailyGroupQuotaAlarm(e) => {
                    done(self.on_daily_group_quota_alarm(e, c).await)
                }
                ChatEvent::GroupMessageExtensionChanged(e) => {
                    done(self.on_group_message_extension_changed(e, c).await)
                }
                ChatEvent::GroupMessageModified(e) => {
                    done(self.on_group_message_modified(e, c).await)
                }
                ChatEvent::OfficialAccountCreating(e) => self
                    .on_official_account_creating(e, c)
                    .await
                    .map(ChatReply::OfficialAccountCreation),
                ChatEvent::OfficialAccountCreated(e) => {
                    done(self.on_official_account_created(e, c).await)
                }
                ChatEvent::OfficialAccountInfoChanged(e) => {
                    done(self.on_official_account_info_changed(e, c).await)
                }
                ChatEvent::OfficialAccountDestroyed(e) => {
                    done(self.on_official_account_destroyed(e, c).await)
                }
                ChatEvent::SubscribersAdding(e) => self
                    .on_subscribers_adding(e, c)
                    .await
                    .map(ChatReply::Subscribers),
                ChatEvent::SubscribersAdded(e) => done(self.on_subscribers_added(e, c).await),
                ChatEvent::OfficialAccountFull(e) => {
                    done(self.on_official_account_full(e, c).await)
                }
                ChatEvent::SubscribersDeleted(e) => done(self.on_subscribers_deleted(e, c).await),
                ChatEvent::OfficialAccountMessageSending(e) => self
                    .on_official_account_message_sending(e, c)
                    .await
                    .map(ChatReply::Message),
                ChatEvent::OfficialAccountMessageSent(e) => {
                    done(self.on_official_account_message_sent(e, c).await)
                }
                ChatEvent::OfficialAccountMessagesRecalled(e) => {
                    done(self.on_official_account_messages_recalled(e, c).await)
                }
            }
        }
    }

    #[cfg(feature = "chat")]
    /// `Sns.CallbackPrevFriendAdd`: the decision. The default: everyone requested is allowed.
    fn on_friend_request(
        &self,
        event: FriendRequest,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<FriendDecision, HandlerError>> + Send {
        let _ = (event, context);
        async { Ok(FriendDecision::default()) }
    }

    #[cfg(feature = "chat")]
    /// `Sns.CallbackPrevFriendResponse`: the decision. The default: everyone requested is allowed.
    fn on_friend_request_answered(
        &self,
        event: FriendRequestAnswered,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<FriendDecision, HandlerError>> + Send {
        let _ = (event, context);
        async { Ok(FriendDecision::default()) }
    }

    #[cfg(feature = "chat")]
    /// `Chatbot.OnC2CSignalMessage`: the decision. The default: the signal is ignored (`ErrorCode` 1, no data for the bot).
    fn on_signal_message(
        &self,
        event: SignalMessage,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<ChatbotReply, HandlerError>> + Send {
        let _ = (event, context);
        async { Ok(ChatbotReply::default()) }
    }

    #[cfg(feature = "chat")]
    /// `C2C.CallbackBeforeSendMsg`: the decision. The default: the message is sent as it is.
    fn on_c2c_message_sending(
        &self,
        event: C2cMessageSending,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<C2cMessageDecision, HandlerError>> + Send {
        let _ = (event, context);
        async { Ok(C2cMessageDecision::default()) }
    }

    #[cfg(feature = "chat")]
    /// `Group.CallbackBeforeCreateGroup`: the decision. The default: the request goes ahead.
    fn on_group_creating(
        &self,
        event: GroupCreating,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<GroupRequestDecision, HandlerError>> + Send {
        let _ = (event, context);
        async { Ok(GroupRequestDecision::default()) }
    }

    #[cfg(feature = "chat")]
    /// `Group.CallbackBeforeApplyJoinGroup`: the decision. The default: the request goes ahead.
    fn on_join_applying(
        &self,
        event: JoinApplying,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<GroupRequestDecision, HandlerError>> + Send {
        let _ = (event, context);
        async { Ok(GroupRequestDecision::default()) }
    }

    #[cfg(feature = "chat")]
    /// `Group.CallbackBeforeInviteJoinGroup`: the decision. The default: every member invited is added.
    fn on_members_inviting(
        &self,
        event: MembersInviting,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<InviteDecision, HandlerError>> + Send {
        let _ = (event, context);
        async { Ok(InviteDecision::default()) }
    }

    #[cfg(feature = "chat")]
    /// `Group.CallbackBeforeCreateTopic`: the decision. The default: the request goes ahead.
    fn on_topic_creating(
        &self,
        event: TopicCreating,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<GroupRequestDecision, HandlerError>> + Send {
        let _ = (event, context);
        async { Ok(GroupRequestDecision::default()) }
    }

    #[cfg(feature = "chat")]
    /// `OfficialAccount.CallbackBeforeCreateOfficialAccount`: the decision. The default: the account is created.
    fn on_official_account_creating(
        &self,
        event: OfficialAccountCreating,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<OfficialAccountCreationDecision, HandlerError>> + Send {
        let _ = (event, context);
        async { Ok(OfficialAccountCreationDecision::default()) }
    }

    #[cfg(feature = "chat")]
    /// `OfficialAccount.CallbackBeforeAddSubscriber`: the decision. The default: every user subscribes.
    fn on_subscribers_adding(
        &self,
        event: SubscribersAdding,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<SubscriberDecision, HandlerError>> + Send {
        let _ = (event, context);
        async { Ok(SubscriberDecision::default()) }
    }

    #[cfg(feature = "chat")]
    /// `OfficialAccount.CallbackBeforeSendMsg`: the decision. The default: the message is sent as it is.
    fn on_official_account_message_sending(
        &self,
        event: OfficialAccountMessageSending,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<OfficialAccountMessageDecision, HandlerError>> + Send {
        let _ = (event, context);
        async { Ok(OfficialAccountMessageDecision::default()) }
    }

    #[cfg(feature = "chat")]
    ok_by_default! {
        /// `Alert.RequestOverLimit`.
        fn on_request_over_limit(RequestOverLimit);
        /// `State.StateChange`.
        fn on_state_changed(StateChanged);
        /// `Profile.CallbackPortraitSet`.
        fn on_profile_updated(ProfileUpdated);
        /// `Sns.CallbackFriendAdd`.
        fn on_friends_added(FriendsAdded);
        /// `Sns.CallbackFriendDelete`.
        fn on_friends_deleted(FriendsDeleted);
        /// `Sns.CallbackBlackListAdd`.
        fn on_blocklist_added(BlocklistAdded);
        /// `Sns.CallbackBlackListDelete`.
        fn on_blocklist_removed(BlocklistRemoved);
        /// `Bot.OnC2CMessage`.
        fn on_bot_message_received(BotMessageReceived);
        /// `Bot.OnGroupMessage`.
        fn on_bot_group_message_received(BotGroupMessageReceived);
        /// `ContentCallback.ResultNotify`.
        fn on_moderation_result(ModerationResult);
        /// `Push.OfflinePush`: one event of the batch (the default `handle` calls it for each, in order,
        /// and answers FAIL at the first error).
        fn on_offline_push(OfflinePushResult);
        /// `Push.AllMemberPush`: one event of the batch (the default `handle` calls it for each, in order,
        /// and answers FAIL at the first error).
        fn on_all_member_push(AllMemberPushResult);
        /// `Call.CallbackAfterStartCall`.
        fn on_call_started(CallStarted);
        /// `Call.CallbackAfterEndCall`.
        fn on_call_ended(CallEnded);
        /// `Call.CallbackAfterMemberChanged`.
        fn on_call_members_changed(CallMembersChanged);
        /// `C2C.CallbackAfterSendMsg`.
        fn on_c2c_message_sent(C2cMessageSent);
        /// `C2C.CallbackAfterMsgReport`.
        fn on_c2c_read_reported(C2cReadReported);
        /// `C2C.CallbackAfterMsgWithDraw`.
        fn on_c2c_message_recalled(C2cMessageRecalled);
        /// `C2C.CallbackAfterC2CMsgExtension`.
        fn on_c2c_message_extension_changed(C2cMessageExtensionChanged);
        /// `C2C.CallbackAfterMsgReadReceipt`.
        fn on_c2c_read_receipts_sent(C2cReadReceiptsSent);
        /// `C2C.CallbackAfterModifyMsg`.
        fn on_c2c_message_modified(C2cMessageModified);
        /// `C2C.CallbackAfterMsgReadAll`.
        fn on_all_messages_read(AllMessagesRead);
        /// `Group.CallbackAfterCreateGroup`.
        fn on_group_created(GroupCreated);
        /// `Group.CallbackAfterNewMemberJoin`.
        fn on_members_joined(MembersJoined);
        /// `Group.CallbackAfterMemberExit`.
        fn on_members_exited(MembersExited);
        /// `Group.CallbackAfterGroupFull`.
        fn on_group_full(GroupFull);
        /// `Group.CallbackAfterGroupDestroyed`.
        fn on_group_destroyed(GroupDestroyed);
        /// `Group.CallbackAfterGroupInfoChanged`.
        fn on_group_info_changed(GroupInfoChanged);
        /// `Group.CallbackAfterRecallMsg`.
        fn on_group_messages_recalled(GroupMessagesRecalled);
        /// `Group.CallbackOnMemberStateChange`.
        fn on_group_member_state_changed(GroupMemberStateChanged);
        /// `Group.CallbackSendMsgException`.
        fn on_group_message_failed(GroupMessageFailed);
        /// `Group.CallbackAfterCreateTopic`.
        fn on_topic_created(TopicCreated);
        /// `Group.CallbackAfterTopicDestroyed`.
        fn on_topics_destroyed(TopicsDestroyed);
        /// `Group.CallbackAfterTopicInfoChanged`.
        fn on_topic_info_changed(TopicInfoChanged);
        /// `Group.CallbackAfterMemberFieldChanged`.
        fn on_member_field_changed(MemberFieldChanged);
        /// `Group.CallbackAfterGroupAttrChanged`.
        fn on_group_attr_changed(GroupAttrChanged);
        /// `Group.CallbackAfterReadReceipt`.
        fn on_group_read_receipts_sent(GroupReadReceiptsSent);
        /// `Group.CallbackAfterChangeGroupOwner`.
        fn on_group_owner_changed(GroupOwnerChanged);
        /// `Group.CallbackOnDailyGroupQuotaAlarm`.
        fn on_daily_group_quota_alarm(DailyGroupQuotaAlarm);
        /// `Group.CallbackAfterGroupMsgExtension`.
        fn on_group_message_extension_changed(GroupMessageExtensionChanged);
        /// `Group.CallbackAfterModifyMsg`.
        fn on_group_message_modified(GroupMessageModified);
        /// `OfficialAccount.CallbackAfterCreateOfficialAccount`.
        fn on_official_account_created(OfficialAccountCreated);
        /// `OfficialAccount.CallbackAfterOfficialAccountInfoChanged`.
        fn on_official_account_info_changed(OfficialAccountInfoChanged);
        /// `OfficialAccount.CallbackAfterOfficialAccountDestroyed`.
        fn on_official_account_destroyed(OfficialAccountDestroyed);
        /// `OfficialAccount.CallbackAfterAddSubscriber`.
        fn on_subscribers_added(SubscribersAdded);
        /// `OfficialAccount.CallbackAfterOfficialAccountFull`.
        fn on_official_account_full(OfficialAccountFull);
        /// `OfficialAccount.CallbackAfterDeleteSubscriber`.
        fn on_subscribers_deleted(SubscribersDeleted);
        /// `OfficialAccount.CallbackAfterSendMsg`.
        fn on_official_account_message_sent(OfficialAccountMessageSent);
        /// `OfficialAccount.CallbackAfterMsgWithDraw`.
        fn on_official_account_messages_recalled(OfficialAccountMessagesRecalled);
    }
}

/// The handler in an `Arc`, so that one value can be the handler of several families.
impl<C: ChatHandler> ChatHandler for Arc<C> {
    #[cfg(feature = "chat")]
    forward! {
        fn handle(ChatEvent) -> Result<ChatReply, HandlerError>;
        fn on_request_over_limit(RequestOverLimit) -> HandlerResult;
        fn on_state_changed(StateChanged) -> HandlerResult;
        fn on_profile_updated(ProfileUpdated) -> HandlerResult;
        fn on_friend_request(FriendRequest) -> Result<FriendDecision, HandlerError>;
        fn on_friend_request_answered(FriendRequestAnswered) -> Result<FriendDecision, HandlerError>;
        fn on_friends_added(FriendsAdded) -> HandlerResult;
        fn on_friends_deleted(FriendsDeleted) -> HandlerResult;
        fn on_blocklist_added(BlocklistAdded) -> HandlerResult;
        fn on_blocklist_removed(BlocklistRemoved) -> HandlerResult;
        fn on_bot_message_received(BotMessageReceived) -> HandlerResult;
        fn on_bot_group_message_received(BotGroupMessageReceived) -> HandlerResult;
        fn on_signal_message(SignalMessage) -> Result<ChatbotReply, HandlerError>;
        fn on_moderation_result(ModerationResult) -> HandlerResult;
        fn on_offline_push(OfflinePushResult) -> HandlerResult;
        fn on_all_member_push(AllMemberPushResult) -> HandlerResult;
        fn on_call_started(CallStarted) -> HandlerResult;
        fn on_call_ended(CallEnded) -> HandlerResult;
        fn on_call_members_changed(CallMembersChanged) -> HandlerResult;
        fn on_c2c_message_sending(C2cMessageSending) -> Result<C2cMessageDecision, HandlerError>;
        fn on_c2c_message_sent(C2cMessageSent) -> HandlerResult;
        fn on_c2c_read_reported(C2cReadReported) -> HandlerResult;
        fn on_c2c_message_recalled(C2cMessageRecalled) -> HandlerResult;
        fn on_c2c_message_extension_changed(C2cMessageExtensionChanged) -> HandlerResult;
        fn on_c2c_read_receipts_sent(C2cReadReceiptsSent) -> HandlerResult;
        fn on_c2c_message_modified(C2cMessageModified) -> HandlerResult;
        fn on_all_messages_read(AllMessagesRead) -> HandlerResult;
        fn on_group_creating(GroupCreating) -> Result<GroupRequestDecision, HandlerError>;
        fn on_group_created(GroupCreated) -> HandlerResult;
        fn on_join_applying(JoinApplying) -> Result<GroupRequestDecision, HandlerError>;
        fn on_members_inviting(MembersInviting) -> Result<InviteDecision, HandlerError>;
        fn on_members_joined(MembersJoined) -> HandlerResult;
        fn on_members_exited(MembersExited) -> HandlerResult;
        fn on_group_full(GroupFull) -> HandlerResult;
        fn on_group_destroyed(GroupDestroyed) -> HandlerResult;
        fn on_group_info_changed(GroupInfoChanged) -> HandlerResult;
        fn on_group_messages_recalled(GroupMessagesRecalled) -> HandlerResult;
        fn on_group_member_state_changed(GroupMemberStateChanged) -> HandlerResult;
        fn on_group_message_failed(GroupMessageFailed) -> HandlerResult;
        fn on_topic_creating(TopicCreating) -> Result<GroupRequestDecision, HandlerError>;
        fn on_topic_created(TopicCreated) -> HandlerResult;
        fn on_topics_destroyed(TopicsDestroyed) -> HandlerResult;
        fn on_topic_info_changed(TopicInfoChanged) -> HandlerResult;
        fn on_member_field_changed(MemberFieldChanged) -> HandlerResult;
        fn on_group_attr_changed(GroupAttrChanged) -> HandlerResult;
        fn on_group_read_receipts_sent(GroupReadReceiptsSent) -> HandlerResult;
        fn on_group_owner_changed(GroupOwnerChanged) -> HandlerResult;
        fn on_daily_group_quota_alarm(DailyGroupQuotaAlarm) -> HandlerResult;
        fn on_group_message_extension_changed(GroupMessageExtensionChanged) -> HandlerResult;
        fn on_group_message_modified(GroupMessageModified) -> HandlerResult;
        fn on_official_account_creating(OfficialAccountCreating) -> Result<OfficialAccountCreationDecision, HandlerError>;
        fn on_official_account_created(OfficialAccountCreated) -> HandlerResult;
        fn on_official_account_info_changed(OfficialAccountInfoChanged) -> HandlerResult;
        fn on_official_account_destroyed(OfficialAccountDestroyed) -> HandlerResult;
        fn on_subscribers_adding(SubscribersAdding) -> Result<SubscriberDecision, HandlerError>;
        fn on_subscribers_added(SubscribersAdded) -> HandlerResult;
        fn on_official_account_full(OfficialAccountFull) -> HandlerResult;
        fn on_subscribers_deleted(SubscribersDeleted) -> HandlerResult;
        fn on_official_account_message_sending(OfficialAccountMessageSending) -> Result<OfficialAccountMessageDecision, HandlerError>;
        fn on_official_account_message_sent(OfficialAccountMessageSent) -> HandlerResult;
        fn on_official_account_messages_recalled(OfficialAccountMessagesRecalled) -> HandlerResult;
    }
}

impl ChatHandler for Defaults {
    #[cfg(feature = "chat")]
    fn handle(
        &self,
        event: ChatEvent,
        context: &CallbackContext,
    ) -> impl Future<Output = Result<ChatReply, HandlerError>> + Send {
        let _ = (event, context);
        std::future::ready(Ok(ChatReply::Done))
    }
}

/// Each decision as the reply that carries it, for `?` and `.into()` in `handle`.
macro_rules! reply_from {
    ($($decision:ty => $variant:ident),+ $(,)?) => {$(
        impl From<$decision> for ChatReply {
            fn from(decision: $decision) -> Self {
                Self::$variant(decision)
            }
        }
    )+};
}

reply_from! {
    C2cMessageDecision => Message,
    GroupRequestDecision => GroupRequest,
    InviteDecision => Invite,
    OfficialAccountCreationDecision => OfficialAccountCreation,
    SubscriberDecision => Subscribers,
    FriendDecision => Friends,
    ChatbotReply => Chatbot,
}
