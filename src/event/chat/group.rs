//! Groups (`Group.*`): groups created, joined, left, changed and dissolved; topics of
//! communities; group messages recalled, edited, receipted, extended or not delivered.
//!
//! A Live room is a group too: `Group.CallbackBeforeSendMsg` and
//! `Group.CallbackAfterSendMsg` are typed once, for every group, as
//! [`MessageSending`](crate::event::live::MessageSending) and
//! [`MessageSent`](crate::event::live::MessageSent). The group of each
//! event is its `GroupId`, which [`room_id`](crate::event::Event::room_id) reads.
//!
//! The before callbacks are [`GroupCreating`], [`JoinApplying`], [`MembersInviting`] and
//! [`TopicCreating`]: the answer decides whether the group, the member or the topic comes to
//! be. The others report what happened, and their answer is ignored. The English pages send
//! `EventTime` as a decimal string, the Chinese ones as an integer: both are read, and
//! written back as they came.
//!
//! ```
//! use tencent_room_webhook::event::chat::group::{ExitType, MembersExited};
//! use tencent_room_webhook::event::{ChatEvent, Event};
//!
//! let body = br#"{
//!     "CallbackCommand": "Group.CallbackAfterMemberExit",
//!     "GroupId": "@TGS#2J4SZEAEL",
//!     "Type": "Public",
//!     "ExitType": "Kicked",
//!     "Operator_Account": "leckie",
//!     "ExitMemberList": [{"Member_Account": "jared"}, {"Member_Account": 42}],
//!     "EventTime": "1670574414123"
//! }"#;
//! let event = Event::from_json(body)?;
//! assert_eq!(event.room_id().unwrap(), "@TGS#2J4SZEAEL");
//! let Event::Chat(ChatEvent::MembersExited(exited)) = event else { unreachable!() };
//! assert_eq!(exited.exit_type, Some(ExitType::Kicked));
//! let members: Vec<&str> = exited.members().map(|member| member.as_str()).collect();
//! assert_eq!(members, ["jared", "42"]);
//! assert_eq!(exited.event_time.unwrap().as_millis(), 1670574414123);
//! assert_eq!(MembersExited::COMMAND, "Group.CallbackAfterMemberExit");
//! # Ok::<(), tencent_room_webhook::event::DecodeError>(())
//! ```
//!
//! Source: the group callback pages of trtc.io (34368 to 34378, 46979, 48734, 49462 to
//! 49466, 57455, 60393 to 60396, 76007) and cloud.tencent.com (269/129193, Chinese only),
//! each type naming its own.

use serde::{Deserialize, Serialize};

use super::c2c::MessageExtension;
use crate::event::live::{Member, MemberState, MsgElement};
use crate::event::{body_members, EventTime, Extra, RoomId, UserId};
use crate::lenient;

open_enum! {
    /// `JoinType` of `Group.CallbackAfterNewMemberJoin`: how the members joined.
    pub enum JoinType {
        /// `Apply`: their request to join was granted.
        Apply = "Apply",
        /// `Invited`: they were invited (or added through the REST API).
        Invited = "Invited",
    }
}

open_enum! {
    /// `ExitType` of `Group.CallbackAfterMemberExit`: how the members left.
    pub enum ExitType {
        /// `Kicked`: they were removed.
        Kicked = "Kicked",
        /// `Quit`: they left by themselves.
        Quit = "Quit",
    }
}

open_enum! {
    /// `EventCause` of `Group.CallbackOnMemberStateChange`: why the members' online state
    /// changed.
    pub enum GroupMemberStateCause {
        /// `HeartbeatInterrupt`: their heartbeat stopped (for over 30 s).
        HeartbeatInterrupt = "HeartbeatInterrupt",
        /// `HeartbeatRecover`: their heartbeat came back.
        HeartbeatRecover = "HeartbeatRecover",
        /// `Join`: a user entered the group the first time, from any device.
        Join = "Join",
        /// `Quit`: a user's last device left the group.
        Quit = "Quit",
    }
}

open_enum! {
    /// `Role` of `Group.CallbackAfterMemberFieldChanged`: the member's role after the change.
    pub enum GroupMemberRole {
        /// `Admin`: the member was made an admin.
        Admin = "Admin",
        /// `Member`: the member is no longer an admin.
        Member = "Member",
    }
}

open_enum! {
    /// `OptionType` of `Group.CallbackAfterGroupAttrChanged`: what was done to the group's
    /// custom attributes.
    pub enum GroupAttrOperation {
        /// `set`: every attribute was reset to the ones given.
        Set = "set",
        /// `modify`: the attributes given were modified.
        Modify = "modify",
        /// `clear`: every attribute was cleared.
        Clear = "clear",
        /// `delete`: the attributes given were deleted.
        Delete = "delete",
    }
}

/// The users of a member list (`{"Member_Account": ...}` entries), skipping entries
/// without one.
fn accounts(members: &[Member]) -> impl Iterator<Item = &UserId> {
    members
        .iter()
        .filter_map(|member| member.member_account.as_ref())
}

/// One entry of `UserDefinedDataList`: a custom group (or topic) field given at creation.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct UserDefinedData {
    /// `Key`: the field's name.
    pub key: Option<String>,
    /// `Value`: its value.
    pub value: Option<String>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(UserDefinedData {});

/// `Group.CallbackBeforeCreateGroup`: a group is about to be created, at a client's or the
/// REST API's request (page trtc.io/document/34368).
///
/// A before callback: the answer decides. `ErrorCode` 0 lets the group be created, 1
/// refuses it (the caller gets error 10016), and a code of [10100, 10200] refuses it with
/// the code and `ErrorInfo` passed to the caller. The answer is a
/// `decision::GroupRequestDecision`, as [`JoinApplying`]'s and [`TopicCreating`]'s are.
/// On a timeout or a failed answer, the console's policy for failed before callbacks
/// applies.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GroupCreating {
    /// `Operator_Account`: who asked to create it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `Owner_Account`: the owner of the group to be.
    #[serde(rename = "Owner_Account")]
    pub owner_account: Option<UserId>,
    /// `Type`: the group type (`Public`, `Community`, ...; kept as text, since the pages
    /// do not list the spellings callbacks use).
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `Name`: the group's name.
    pub name: Option<String>,
    /// `CreateGroupNum`: groups of the same type the owner already created (the 2023
    /// English page; the 2025 Chinese one no longer has it).
    #[serde(deserialize_with = "lenient::number")]
    pub create_group_num: Option<u64>,
    /// `MemberList`: the initial members.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub member_list: Vec<Member>,
    /// `EventTime`: when the event happened (a decimal string on the English page).
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Group.CallbackAfterCreateGroup`: a group was created, by a client or the REST API (page
/// trtc.io/document/34369). For a community, Tencent sends it 3 s late.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GroupCreated {
    /// `GroupId`: the new group.
    pub group_id: Option<RoomId>,
    /// `Operator_Account`: who created it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `Owner_Account`: its owner.
    #[serde(rename = "Owner_Account")]
    pub owner_account: Option<UserId>,
    /// `Type`: the group type (kept as text).
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `Name`: the group's name.
    pub name: Option<String>,
    /// `MemberList`: the initial members.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub member_list: Vec<Member>,
    /// `UserDefinedDataList`: the custom group fields given (when the feature is on).
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub user_defined_data_list: Vec<UserDefinedData>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Group.CallbackBeforeApplyJoinGroup`: a user asks to join a group, from a client (page
/// trtc.io/document/34370). Sent before the user is added, or before the admins are asked
/// when joining needs their approval.
///
/// A before callback: the answer decides, a `decision::GroupRequestDecision` as
/// [`GroupCreating`]'s (0 go on, 1 refuse, or refuse with a code of [10100, 10200]). Going
/// on does not skip the admins' approval when the group needs it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct JoinApplying {
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `Type`: the group type (kept as text).
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `Requestor_Account`: the user asking to join (Tencent's spelling).
    #[serde(rename = "Requestor_Account")]
    pub requestor_account: Option<UserId>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Group.CallbackBeforeInviteJoinGroup`: users are about to be added to a group, invited
/// by a member from a client or added through the REST API (page trtc.io/document/34371).
///
/// A before callback: the answer decides, a `decision::InviteDecision`: 0 adds them, 1
/// refuses the whole request, a code of [10100, 10200] refuses it with the code passed to
/// the caller; besides, an answer of 0 may name users refused while the others are added
/// (`RefusedMembers_Account`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MembersInviting {
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `Type`: the group type (kept as text).
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `Operator_Account`: who invites them.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `DestinationMembers`: the users to be added.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub destination_members: Vec<Member>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl MembersInviting {
    /// The users to be added: the `Member_Account` of each of `DestinationMembers`.
    pub fn members(&self) -> impl Iterator<Item = &UserId> {
        accounts(&self.destination_members)
    }
}

/// `Group.CallbackAfterNewMemberJoin`: users joined a group, their request granted, invited,
/// or added through the REST API (page trtc.io/document/34372).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MembersJoined {
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `Type`: the group type (kept as text).
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `JoinType`: `Apply` or `Invited`.
    pub join_type: Option<JoinType>,
    /// `Operator_Account`: who made the request.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `NewMemberList`: the new members.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub new_member_list: Vec<Member>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl MembersJoined {
    /// The new members: the `Member_Account` of each of `NewMemberList`.
    pub fn members(&self) -> impl Iterator<Item = &UserId> {
        accounts(&self.new_member_list)
    }
}

/// `Group.CallbackAfterMemberExit`: members left a group by themselves or were removed, from
/// a client or through the REST API (page trtc.io/document/34373).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MembersExited {
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `Type`: the group type (kept as text).
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `ExitType`: `Kicked` or `Quit`.
    pub exit_type: Option<ExitType>,
    /// `Operator_Account`: who did it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `ExitMemberList`: the members who left.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub exit_member_list: Vec<Member>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl MembersExited {
    /// The members who left: the `Member_Account` of each of `ExitMemberList`.
    pub fn members(&self) -> impl Iterator<Item = &UserId> {
        accounts(&self.exit_member_list)
    }
}

/// `Group.CallbackAfterGroupFull`: a group became full, or a user could not join it because
/// it is (page trtc.io/document/34376).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GroupFull {
    /// `GroupId`: the full group.
    pub group_id: Option<RoomId>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Group.CallbackAfterGroupDestroyed`: a group was dissolved, by a client or the REST API
/// (page trtc.io/document/34377).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GroupDestroyed {
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `Type`: the group type (kept as text).
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `Owner_Account`: its owner.
    #[serde(rename = "Owner_Account")]
    pub owner_account: Option<UserId>,
    /// `Name`: its name.
    pub name: Option<String>,
    /// `MemberList`: the members when it was dissolved (not sent for a community).
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub member_list: Vec<Member>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Group.CallbackAfterGroupInfoChanged`: a group's name, introduction, notice or face URL
/// changed, by a client or the REST API (page trtc.io/document/34378). Only the members that
/// changed are sent.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GroupInfoChanged {
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `Type`: the group type (kept as text).
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `Operator_Account`: who changed it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `Name`: the new name.
    pub name: Option<String>,
    /// `Introduction`: the new introduction.
    pub introduction: Option<String>,
    /// `Notification`: the new notice.
    pub notification: Option<String>,
    /// `FaceUrl`: the new face (avatar) URL.
    pub face_url: Option<String>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// One entry of `MsgSeqList`: a recalled group message.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RecalledGroupMessage {
    /// `MsgSeq`: the message's sequence number in the group.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_seq: Option<u64>,
    /// `MsgId`: the message's ID on the client (the newer copy of the page only).
    pub msg_id: Option<String>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(RecalledGroupMessage {});

/// `Group.CallbackAfterRecallMsg`: group messages were recalled, by a client or the REST API
/// (page trtc.io/document/46979).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GroupMessagesRecalled {
    /// `Operator_Account`: who recalled them.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `Type`: the group type (kept as text).
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `MsgSeqList`: the recalled messages.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub msg_seq_list: Vec<RecalledGroupMessage>,
    /// `TopicId`: the topic, for messages of a topic of a community.
    pub topic_id: Option<String>,
    /// `EventTime`: when the event happened (not in the older copies of the page).
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Group.CallbackOnMemberStateChange`: members of an audio-video group went offline or
/// came back online (page trtc.io/document/48734). Not joins and exits
/// ([`MembersJoined`], [`MembersExited`]): a member's heartbeat stopping for over 30 s, or
/// coming back, and a user's first device entering or last device leaving. Needs the Pro
/// edition or above and the console's "online audio-video group member list" feature.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GroupMemberStateChanged {
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `Type`: the group type (not on the page: a third-party SDK lists it).
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `EventType`: `Online` or `Offline`.
    pub event_type: Option<MemberState>,
    /// `EventCause`: `HeartbeatInterrupt`, `HeartbeatRecover`, `Join` or `Quit` (in the
    /// 2025 page's table, not in its sample).
    pub event_cause: Option<GroupMemberStateCause>,
    /// `MemberList`: the members concerned.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub member_list: Vec<Member>,
    /// `EventTime`: when the event happened (not in the 2023 copy of the page).
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl GroupMemberStateChanged {
    /// The members concerned: the `Member_Account` of each of `MemberList`.
    pub fn members(&self) -> impl Iterator<Item = &UserId> {
        accounts(&self.member_list)
    }
}

/// `Group.CallbackSendMsgException`: a group message could not be delivered: a bad
/// parameter (no such group), a rate limit, a content filter, a muted sender (page
/// trtc.io/document/49462).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GroupMessageFailed {
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `Type`: the group type (kept as text).
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `From_Account`: the sender.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `Operator_Account`: who asked to send it (an admin, through the REST API).
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `Random`: the request's 32-bit random number.
    #[serde(deserialize_with = "lenient::number")]
    pub random: Option<u64>,
    /// `OnlineOnlyFlag`: `1` for an online-only message, `0` otherwise.
    #[serde(deserialize_with = "lenient::number")]
    pub online_only_flag: Option<u32>,
    /// `MsgBody`: the message's elements.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub msg_body: Vec<MsgElement>,
    /// `CloudCustomData`: the app's data sent with the message.
    pub cloud_custom_data: Option<String>,
    /// `ErrorCode`: the Chat error code of the failure (`10023`: too many messages). About
    /// the message, not the answer.
    #[serde(deserialize_with = "lenient::number")]
    pub error_code: Option<u32>,
    /// `ErrorInfo`: the failure's text.
    pub error_info: Option<String>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Group.CallbackBeforeCreateTopic`: a topic is about to be created in a community, by a
/// client or the REST API (page trtc.io/document/49463). The page's body names no community
/// (no `GroupId`), so [`room_id`](Self::room_id) has none.
///
/// A before callback: the answer decides, a `decision::GroupRequestDecision` as
/// [`GroupCreating`]'s (0 create it, 1 refuse, or refuse with a code of [10100, 10200]).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct TopicCreating {
    /// `Operator_Account`: who asked to create it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `Type`: the type of the topic's group, `Community`.
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `Name`: the topic's name.
    pub name: Option<String>,
    /// `EventTime`: when the event happened (not on the page).
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Group.CallbackAfterCreateTopic`: a topic was created in a community (page
/// trtc.io/document/49464).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct TopicCreated {
    /// `GroupId`: the community.
    pub group_id: Option<RoomId>,
    /// `TopicId`: the new topic (`@TGS#_...@TOPIC#_...`).
    pub topic_id: Option<String>,
    /// `Operator_Account`: who created it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `Owner_Account`: the community's owner.
    #[serde(rename = "Owner_Account")]
    pub owner_account: Option<UserId>,
    /// `Type`: the group type, `Community`.
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `Name`: the topic's name.
    pub name: Option<String>,
    /// `UserDefinedDataList`: the custom topic fields given (when the feature is on).
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub user_defined_data_list: Vec<UserDefinedData>,
    /// `EventTime`: when the event happened (not on the page).
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Group.CallbackAfterTopicDestroyed`: topics of a community were dissolved (page
/// trtc.io/document/49465).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct TopicsDestroyed {
    /// `GroupId`: the community.
    pub group_id: Option<RoomId>,
    /// `Type`: the group type, `Community`.
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `TopicIdList`: the topics dissolved (a list, as the page's sample has it; a single
    /// string, as its table says, is kept as sent in `extra`).
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub topic_id_list: Vec<String>,
    /// `EventTime`: when the event happened (not on the page).
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Group.CallbackAfterTopicInfoChanged`: a topic's name, introduction, notice or face URL
/// changed, by a client or the REST API (page trtc.io/document/49466). Only the members
/// that changed are sent; the page's body does not say which topic (no `TopicId`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct TopicInfoChanged {
    /// `GroupId`: the community.
    pub group_id: Option<RoomId>,
    /// `Type`: the group type, `Community`.
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `Operator_Account`: who changed it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `Name`: the new name.
    pub name: Option<String>,
    /// `Introduction`: the new introduction.
    pub introduction: Option<String>,
    /// `Notification`: the new notice.
    pub notification: Option<String>,
    /// `FaceUrl`: the new face (avatar) URL.
    pub face_url: Option<String>,
    /// `EventTime`: when the event happened (not on the page).
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Group.CallbackAfterMemberFieldChanged`: a member was made an admin or no longer is, or
/// their name card changed, by a client or the REST API (page trtc.io/document/60393).
///
/// The member is `Member_Account` on the trtc.io and tencentcloud.com pages,
/// `Modified_Account` on cloud.tencent.com/document/product/269/105353: each is read into
/// its own field and written back under its own name; [`member`](Self::member) gives
/// whichever came.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MemberFieldChanged {
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `Type`: the group type (kept as text).
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `Operator_Account`: who changed it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `Member_Account`: the member changed (trtc.io's name).
    #[serde(rename = "Member_Account")]
    pub member_account: Option<UserId>,
    /// `Modified_Account`: the member changed (cloud.tencent.com's name).
    #[serde(rename = "Modified_Account")]
    pub modified_account: Option<UserId>,
    /// `Role`: the member's role after the change, when it changed.
    pub role: Option<GroupMemberRole>,
    /// `NameCard`: the member's new name card, when it changed.
    pub name_card: Option<String>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl MemberFieldChanged {
    /// The member changed: `Member_Account`, or else `Modified_Account`.
    pub fn member(&self) -> Option<&UserId> {
        self.member_account
            .as_ref()
            .or(self.modified_account.as_ref())
    }
}

/// One entry of `GroupAttr`: a custom group attribute. Its members are lower-case, `key`
/// and `value`, unlike every other list of the Chat pages.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct GroupAttribute {
    /// `key`: the attribute's name.
    pub key: Option<String>,
    /// `value`: its value.
    pub value: Option<String>,
    /// Members of the entry this crate does not name (`Key` and `Value` among them).
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(GroupAttribute {});

/// `Group.CallbackAfterGroupAttrChanged`: a group's custom attributes were reset, modified,
/// cleared or deleted, by a client or the REST API (page trtc.io/document/60394). The page
/// does not say whether `GroupAttr` holds every attribute or the ones touched.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GroupAttrChanged {
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `Type`: the group type (kept as text).
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `Operator_Account`: who changed them.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `OptionType`: `set`, `modify`, `clear` or `delete` (in the sample, not the table).
    pub option_type: Option<GroupAttrOperation>,
    /// `GroupAttr`: the attributes (an `Option`, so that an empty list, as a clear may
    /// send, is written back).
    pub group_attr: Option<Vec<GroupAttribute>>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// One entry of `GroupMsgReceiptList`: the read receipts of one group message.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GroupMessageReceipt {
    /// `MsgSeq`: the message's sequence number in the group.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_seq: Option<u64>,
    /// `ReadNum`: members who read it.
    #[serde(deserialize_with = "lenient::number")]
    pub read_num: Option<u64>,
    /// `UnreadNum`: members who did not.
    #[serde(deserialize_with = "lenient::number")]
    pub unread_num: Option<u64>,
    /// `ReadReceiptMembers`: members who read it (the page does not say whether all of
    /// them or the new ones).
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub read_receipt_members: Vec<Member>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(GroupMessageReceipt {
    "ReadReceiptMembers" => read_receipt_members
});

/// `Group.CallbackAfterReadReceipt`: read receipts were sent for group messages, by clients
/// or through the REST API (page trtc.io/document/60395). Not for communities.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GroupReadReceiptsSent {
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `Type`: the group type (kept as text).
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `GroupMsgReceiptList`: the receipts, a message each.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub group_msg_receipt_list: Vec<GroupMessageReceipt>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Group.CallbackAfterChangeGroupOwner`: a group's ownership was transferred, by a client
/// or the REST API (page trtc.io/document/60396).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GroupOwnerChanged {
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `Type`: the group type (kept as text).
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `Operator_Account`: who transferred it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `OldOwner_Account`: the owner before.
    #[serde(rename = "OldOwner_Account")]
    pub old_owner_account: Option<UserId>,
    /// `NewOwner_Account`: the new owner.
    #[serde(rename = "NewOwner_Account")]
    pub new_owner_account: Option<UserId>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Group.CallbackOnDailyGroupQuotaAlarm`: the day's net group creations (created minus
/// dissolved) passed 70 % of the app's daily quota (page trtc.io/document/57455). About the
/// app, not a group; sent after a creation, switched on with
/// `Group.CallbackAfterGroupInfoChanged`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DailyGroupQuotaAlarm {
    /// `QuotaUsed`: the groups created today, net.
    #[serde(deserialize_with = "lenient::number")]
    pub quota_used: Option<u64>,
    /// `Quota`: the daily quota.
    #[serde(deserialize_with = "lenient::number")]
    pub quota: Option<u64>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Group.CallbackAfterGroupMsgExtension`: a group message's extensions (key/values) were
/// set, deleted or cleared, by a client or the REST API (page trtc.io/document/76007).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GroupMessageExtensionChanged {
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `MsgSeq`: the message's sequence number in the group.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_seq: Option<u64>,
    /// `OperateType`: `1` keys set, `2` keys deleted, `3` every key cleared; other values
    /// are kept.
    #[serde(deserialize_with = "lenient::number")]
    pub operate_type: Option<u32>,
    /// `ExtensionList`: the keys concerned (`[]` on a clear, kept as sent: an `Option`
    /// so that an empty list is written back).
    pub extension_list: Option<Vec<MessageExtension>>,
    /// `Seq`: the version of the message's extensions as a whole, after the change.
    #[serde(deserialize_with = "lenient::number")]
    pub seq: Option<u64>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Group.CallbackAfterModifyMsg`: a group message was edited, by a client or the REST API
/// (page cloud.tencent.com/document/product/269/129193, Chinese only). The body holds the
/// message after the edit (its sample puts `MsgBody` before `CallbackCommand`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GroupMessageModified {
    /// `Operator_Account`: who edited it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `TopicId`: the message's topic; `""` outside topics (kept as sent).
    pub topic_id: Option<String>,
    /// `MsgSeq`: the message's sequence number in the group.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_seq: Option<u64>,
    /// `MsgBody`: the message's elements after the edit.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub msg_body: Vec<MsgElement>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}
