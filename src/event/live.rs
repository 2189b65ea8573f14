//! The Live family: the callbacks of Tencent's Live backend (TUILiveKit: live streaming and
//! voice chat rooms), `Live.*`, and the Chat callbacks it shares, `Group.*` and `Follow.*`.
//!
//! They arrive as [`Event::Live`](super::Event::Live), one [`LiveEvent`](super::LiveEvent)
//! each; `Mic.CallbackAfterSeatInfoChanged`, sent by both families, is
//! [`Event::SeatListChanged`](super::Event::SeatListChanged). The rules are the Room
//! events': Tencent's names through serde, every member optional, unnamed members kept in
//! `extra`, lenient reading (IDs sent as integers larger than 2^53 are kept exactly, and
//! written back as integers; `EventTime` may be a decimal string, and is written back as
//! one).
//!
//! ```
//! use tencent_room_webhook::event::{Event, LiveEvent};
//!
//! let body = br#"{
//!     "CallbackCommand": "Live.CallbackAfterEndBattle",
//!     "BattleId": "4siHsNsWN/T3aub9zKraqPfGQAimPhdFoe6VWhtz9lY=",
//!     "OpType": 0,
//!     "FromRoomInfo": {"RoomId": "pk-3", "Score": 0, "Owner_Account": 144115245353757792},
//!     "EventTime": 1739956146119
//! }"#;
//! let Event::Live(LiveEvent::BattleEnded(ended)) = Event::from_json(body)? else { unreachable!() };
//! let caller = ended.from_room_info.as_ref().unwrap();
//! assert_eq!(caller.owner_account.as_ref().unwrap(), "144115245353757792");
//! assert_eq!(ended.op_type, Some(0));
//! # Ok::<(), tencent_room_webhook::event::DecodeError>(())
//! ```
//!
//! Source: Tencent's pages trtc.io/document/64412 and the per-command pages it lists.

use serde::{Deserialize, Serialize};

use super::{body_members, EventTime, Extra, RoomId, RoomInfo, RoomStatistic, UserId};
use crate::lenient;

pub use super::message::{ImageInfo, MsgElement, RelayMessage};

open_enum! {
    /// `EventType` of `Live.CallbackAfterDestroyRoom` (and of a Room destroy that carries
    /// one): who dissolved the room.
    pub enum DestroyType {
        /// `DestroyByUser`: a user or the REST API dissolved it.
        ByUser = "DestroyByUser",
        /// `DestroyBySystem`: the system dissolved it, the room being empty.
        BySystem = "DestroyBySystem",
    }
}

open_enum! {
    /// `EventType` of `Live.CallbackAfterMemberStateChanged`: the members' new state.
    pub enum MemberState {
        /// `Online`.
        Online = "Online",
        /// `Offline`.
        Offline = "Offline",
    }
}

open_enum! {
    /// `EventCause` of `Live.CallbackAfterMemberStateChanged`: why the state changed.
    pub enum MemberStateCause {
        /// `Enter`: the members entered the room.
        Enter = "Enter",
        /// `Leave`: the members left the room.
        Leave = "Leave",
        /// `HeartbeatInterrupt`: the members' heartbeat stopped (90 to 110 s before).
        HeartbeatInterrupt = "HeartbeatInterrupt",
        /// `HeartbeatRecover`: the members' heartbeat came back.
        HeartbeatRecover = "HeartbeatRecover",
        /// `Kicked`: an admin or the owner removed the members (one Chinese copy only).
        Kicked = "Kicked",
    }
}

open_enum! {
    /// `opType` of `Live.CallbackAfterModifyAdmin`.
    pub enum AdminOperation {
        /// `add`: the users became admins.
        Add = "add",
        /// `delete`: the users are no longer admins.
        Delete = "delete",
    }
}

/// `Live.CallbackAfterCreateRoom`: a live room was created, by a client or the REST API.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct LiveRoomCreated {
    /// `Operator_Account`: who created the room.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `RoomInfo`: the new room's settings. One Chinese copy of the page puts `EventTime`
    /// in here; [`event_time`](Self::event_time) looks there too.
    pub room_info: Option<Box<RoomInfo>>,
    /// `EventTime`: when the event happened (absent from the English page's sample).
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Live.CallbackAfterDestroyRoom`: a live room was dissolved, with its statistics.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct LiveRoomDestroyed {
    /// `Operator_Account`: who dissolved the room.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `RoomId` (the `RoomInfo` of this callback has none).
    pub room_id: Option<RoomId>,
    /// `EventType`: dissolved by a user or by the system.
    pub event_type: Option<DestroyType>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// `RoomInfo`: the room's settings when it was dissolved.
    pub room_info: Option<Box<RoomInfo>>,
    /// `Statistic`: the room's totals (absent from older copies of the page).
    pub statistic: Option<RoomStatistic>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Live.CallbackAfterUpdateRoomInfo`: a live room's settings were updated.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct LiveRoomInfoUpdated {
    /// `Operator_Account`: who updated the room.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `RoomInfo`: the room ID and the settings sent (the page does not say whether only
    /// the changed ones).
    pub room_info: Option<Box<RoomInfo>>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// One entry of `Metadata`: a key and its value.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MetadataEntry {
    /// `Key`.
    pub key: Option<String>,
    /// `Value`.
    pub value: Option<String>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(MetadataEntry {});

/// `Live.CallbackAfterSetMetadata`: room metadata was set.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MetadataSet {
    /// `Operator_Account`: who set it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `RoomId`.
    pub room_id: Option<RoomId>,
    /// `Metadata`: the keys set and their values.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub metadata: Vec<MetadataEntry>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Live.CallbackAfterDelMetadata`: room metadata keys were deleted.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MetadataDeleted {
    /// `Operator_Account`: who deleted them.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `RoomId`.
    pub room_id: Option<RoomId>,
    /// `Keys`: the keys deleted.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub keys: Vec<String>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Live.CallbackAfterCreateRoomReachingThreshold`: the app's live rooms reached 70% of
/// the number it may create.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RoomCountThresholdReached {
    /// `Operator_Account`: whose room creation crossed the threshold.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `CurRoomCount`: the rooms now (the page's table says String, its sample an
    /// integer: both are read).
    #[serde(deserialize_with = "lenient::number")]
    pub cur_room_count: Option<u64>,
    /// `MaxRoomCount`: the rooms the app may create (the table says Array, the sample an
    /// integer: an integer or a decimal string is read).
    #[serde(deserialize_with = "lenient::number")]
    pub max_room_count: Option<u64>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// One entry of a member list, `{"Member_Account": ...}`: the `MemberList` of a member
/// state change, and the member lists of the Chat groups
/// ([`chat::group`](super::chat::group)).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Member {
    /// `Member_Account`: the user.
    #[serde(rename = "Member_Account")]
    pub member_account: Option<UserId>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(Member {});

/// `Live.CallbackAfterMemberStateChanged`: members went online or offline in a room
/// (entered, left, lost or recovered their heartbeat).
///
/// Tencent's pages give its query command as `Live.CallbackMemberStateChanged`: the body's
/// command decides, so it is delivered as this event either way.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MemberStateChanged {
    /// `RoomId`.
    pub room_id: Option<RoomId>,
    /// `EventType`: `Online` or `Offline`.
    pub event_type: Option<MemberState>,
    /// `EventCause`: `Enter`, `Leave`, `HeartbeatInterrupt`, `HeartbeatRecover` (or `Kicked`).
    pub event_cause: Option<MemberStateCause>,
    /// `MemberList`: the members concerned.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub member_list: Vec<Member>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Live.CallbackAfterChangeOwner`: a live room got a new owner.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct OwnerChanged {
    /// `RoomId`.
    pub room_id: Option<RoomId>,
    /// `CurrentOwner_Account`: the new owner.
    #[serde(rename = "CurrentOwner_Account")]
    pub current_owner_account: Option<UserId>,
    /// `OriginalOwner_Account`: the owner before.
    #[serde(rename = "OriginalOwner_Account")]
    pub original_owner_account: Option<UserId>,
    /// `Operator_Account`: who changed it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Live.CallbackAfterModifyAdmin`: users were made admins of a live room, or no longer are.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AdminsModified {
    /// `RoomId`.
    pub room_id: Option<RoomId>,
    /// `Admin_Account`: the users concerned.
    #[serde(
        rename = "Admin_Account",
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub admin_account: Vec<UserId>,
    /// `opType` (lower-case `o`, as the page spells it; `OpType` is read too, and written
    /// back as `opType`): `add` or `delete`.
    #[serde(rename = "opType", alias = "OpType")]
    pub op_type: Option<AdminOperation>,
    /// `Operator_Account`: who changed them.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// A room in a battle: `FromRoomInfo`, or an entry of `ToRoomList`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct BattleRoom {
    /// `RoomId`.
    pub room_id: Option<RoomId>,
    /// `Owner_Account`: the room's owner (a string on one page, an integer on another).
    #[serde(rename = "Owner_Account")]
    pub owner_account: Option<UserId>,
    /// `Score`: the room's score in the battle (when it ended).
    #[serde(deserialize_with = "lenient::number")]
    pub score: Option<u64>,
    /// Members of the room this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(BattleRoom {});

/// `Live.CallbackAfterCreateBattle`: a battle (host PK) between live rooms was created.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct BattleCreated {
    /// `Operator_Account`: who created the battle.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `BattleId`.
    pub battle_id: Option<String>,
    /// `FromRoomId`: the caller's room.
    pub from_room_id: Option<RoomId>,
    /// `ToRoomIdList`: the rooms called.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to_room_id_list: Vec<RoomId>,
    /// `Timeout`: how long the rooms called may take to answer, in milliseconds.
    #[serde(deserialize_with = "lenient::number")]
    pub timeout: Option<u64>,
    /// `Duration`: how long the battle lasts once started, in milliseconds.
    #[serde(deserialize_with = "lenient::number")]
    pub duration: Option<u64>,
    /// `NeedResponse`: whether the rooms called must accept before it starts.
    #[serde(deserialize_with = "lenient::flag")]
    pub need_response: Option<bool>,
    /// `ExtensionInfo`: the app's own text.
    pub extension_info: Option<String>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Live.CallbackAfterStartBattle`: a battle started.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct BattleStarted {
    /// `BattleId`.
    pub battle_id: Option<String>,
    /// `Duration`: how long the battle lasts, in milliseconds.
    #[serde(deserialize_with = "lenient::number")]
    pub duration: Option<u64>,
    /// `CreateTime`: when the battle was created, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub create_time: Option<u64>,
    /// `StartTime`: when it started, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub start_time: Option<u64>,
    /// `FromRoomInfo`: the caller's room (an object, as the sample has it; the table's
    /// String is kept as sent in `extra`).
    pub from_room_info: Option<BattleRoom>,
    /// `ToRoomList`: the rooms called.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to_room_list: Vec<BattleRoom>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Live.CallbackAfterEndBattle`: a battle ended, with the rooms' scores.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct BattleEnded {
    /// `BattleId`.
    pub battle_id: Option<String>,
    /// `Duration`: how long the battle lasted, in milliseconds.
    #[serde(deserialize_with = "lenient::number")]
    pub duration: Option<u64>,
    /// `CreateTime`: when the battle was created, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub create_time: Option<u64>,
    /// `StartTime`: when it started, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub start_time: Option<u64>,
    /// `EndTime`: when it ended, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub end_time: Option<u64>,
    /// `OpType` (capital `O`; `opType` is read too, and written back as `OpType`): why it
    /// ended. `0` the time was up, `1` every owner left after the start, `2` it never
    /// started, no owner having joined; other values are kept.
    #[serde(
        rename = "OpType",
        alias = "opType",
        deserialize_with = "lenient::number"
    )]
    pub op_type: Option<u32>,
    /// `FromRoomInfo`: the caller's room and its score.
    pub from_room_info: Option<BattleRoom>,
    /// `ToRoomList`: the rooms called and their scores.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to_room_list: Vec<BattleRoom>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `GiftWater` of a gift callback: the gift being sent.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GiftWater {
    /// `From_Account`: who sends the gift.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `To_Account`: who receives it.
    #[serde(
        rename = "To_Account",
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to_account: Vec<UserId>,
    /// `Time`: when, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub time: Option<u64>,
    /// `GiftId`.
    pub gift_id: Option<String>,
    /// `Count`: how many.
    #[serde(deserialize_with = "lenient::number")]
    pub count: Option<u64>,
    /// `Coins`: the value (of one gift, the Chinese page says).
    #[serde(deserialize_with = "lenient::number")]
    pub coins: Option<u64>,
    /// Members of `GiftWater` this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(GiftWater {});

/// `Live.CallbackBeforeSendGift`: a gift is about to be sent; the answer decides whether
/// it is (a before callback: Tencent blocks the gift on a non-zero `ErrorCode`, and when no
/// answer comes within 2 s).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GiftSending {
    /// `Operator_Account`: who sends it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `RoomId`.
    pub room_id: Option<RoomId>,
    /// `GiftWater`: the gift.
    pub gift_water: Option<GiftWater>,
    /// `EventTime` (not in the page's sample: `GiftWater.Time` is its time).
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// One entry of `GroupAtInfo`: a user mentioned in a group message, or everyone.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GroupAt {
    /// `GroupAtAllFlag`: `1` the message mentions everyone (@all), `0` one user.
    #[serde(deserialize_with = "lenient::number")]
    pub group_at_all_flag: Option<u32>,
    /// `GroupAt_Account`: the user mentioned, when `GroupAtAllFlag` is `0`.
    #[serde(rename = "GroupAt_Account")]
    pub group_at_account: Option<UserId>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(GroupAt {});

impl GroupAt {
    /// Whether the entry mentions everyone (`GroupAtAllFlag` is `1`).
    pub fn is_all(&self) -> bool {
        self.group_at_all_flag == Some(1)
    }
}

/// `Group.CallbackAfterSendMsg`: a message was delivered in a group, any group: a Live room
/// is a Chat group, and so is every group of the Chat families (pages
/// trtc.io/document/34375 and, for Live rooms, tencentcloud.com/document/product/647/74348).
/// One type for the command, whichever group it is about; the Chat pages add `TopicId`
/// and `GroupAtInfo` to the Live page's members.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MessageSent {
    /// `GroupId`: the group (for a live room, the room's ID).
    pub group_id: Option<RoomId>,
    /// `Type`: the group type (`Live` for a live room; `Public`, `Community`, ... for the
    /// Chat groups), kept as text.
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `From_Account`: who sent the message.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `Operator_Account`: who asked to send it (an admin, through the REST API).
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `Random`: the request's 32-bit random number.
    #[serde(deserialize_with = "lenient::number")]
    pub random: Option<u64>,
    /// `MsgId`: the message's ID on the client (the Live page and the newer Chinese copy of
    /// the Chat page).
    pub msg_id: Option<String>,
    /// `MsgSeq`: the message's sequence number in the group, which orders its messages.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_seq: Option<u64>,
    /// `MsgTime`: when it was sent, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_time: Option<u64>,
    /// `OnlineOnlyFlag`: `1` for an online-only message, `0` otherwise (always `0` in an
    /// audio-video group; in the sample of tencentcloud.com/document/product/647/74348, not
    /// in the trtc.io copy).
    #[serde(deserialize_with = "lenient::number")]
    pub online_only_flag: Option<u32>,
    /// `MsgBody`: the message's elements.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub msg_body: Vec<MsgElement>,
    /// `CloudCustomData`: the app's data stored with the message.
    pub cloud_custom_data: Option<String>,
    /// `TopicId`: the topic, for a message of a topic of a community.
    pub topic_id: Option<String>,
    /// `EventTime`: when the event happened (a decimal string on the English pages, an
    /// integer on the Chinese ones).
    pub event_time: Option<EventTime>,
    /// `GroupAtInfo`: the mentions in the message (@all, @user; the Chinese page,
    /// cloud.tencent.com/document/product/269/2661).
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub group_at_info: Vec<GroupAt>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Group.CallbackBeforeSendMsg`: a message is about to be delivered in a group, any group:
/// a Live room is a Chat group, and so is every group of the Chat families (pages
/// trtc.io/document/34374 and, for Live rooms, the Live copy). One type for the command,
/// whichever group it is about; the Chat page adds `OnlineOnlyFlag` and `TopicId` to the
/// Live page's members.
///
/// A before callback: the answer decides whether the message is delivered, and may
/// replace it: a [`MessageDecision`](crate::decision::MessageDecision).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MessageSending {
    /// `GroupId`: the group (for a live room, the room's ID).
    pub group_id: Option<RoomId>,
    /// `Type`: the group type (`Live` for a live room; `Public`, `Community`, ... for the
    /// Chat groups), kept as text.
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `From_Account`: who sends the message.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `Operator_Account`: who asked to send it (an admin, through the REST API).
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `Random`: the request's 32-bit random number.
    #[serde(deserialize_with = "lenient::number")]
    pub random: Option<u64>,
    /// `MsgId`: the message's ID on the client (the Live page).
    pub msg_id: Option<String>,
    /// `OnlineOnlyFlag`: `1` for an online-only message, `0` otherwise (always `0` in an
    /// audio-video group; the Chat page).
    #[serde(deserialize_with = "lenient::number")]
    pub online_only_flag: Option<u32>,
    /// `MsgBody`: the message's elements.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub msg_body: Vec<MsgElement>,
    /// `CloudCustomData`: the app's data stored with the message.
    pub cloud_custom_data: Option<String>,
    /// `TopicId`: the topic, for a message of a topic of a community (the Chat page).
    pub topic_id: Option<String>,
    /// `EventTime`: when the event happened (a decimal string on the English pages, an
    /// integer on the Chinese ones).
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// One entry of `FollowList`: a user followed.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Followed {
    /// `To_Account`: the user followed.
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(Followed {});

/// `Follow.CallbackAfterFollowAdd`: a user followed others.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FollowAdded {
    /// `From_Account`: who followed.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `FollowList`: the users followed.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub follow_list: Vec<Followed>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Follow.CallbackAfterFollowDelete`: a user unfollowed others. (Unlike the follow, the
/// users are a plain list of IDs, `To_Account`.)
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FollowDeleted {
    /// `From_Account`: who unfollowed.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `To_Account`: the users unfollowed.
    #[serde(
        rename = "To_Account",
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to_account: Vec<UserId>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](super::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}
