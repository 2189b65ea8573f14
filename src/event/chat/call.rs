//! Calls (`Call.*`, TUICallKit): a call started, a call ended, call members' states
//! changed.
//!
//! Sent by the Call backend and configured through the Call REST API, possibly to
//! another URL than the Chat callbacks'. The older TUICallKit callback with lower-case
//! parameters (`command=caller_start_call`, ...) is another protocol, not typed here.
//!
//! ```
//! use tencent_room_webhook::event::chat::call::{CallMediaType, CallUserStatus};
//! use tencent_room_webhook::event::{ChatEvent, Event};
//!
//! let body = br#"{
//!     "CallbackCommand": "Call.CallbackAfterStartCall",
//!     "CallInfo": {"CallId": "055662e1", "CallMediaType": "Audio", "RoomId": "", "RoomIdType": 1},
//!     "UserList": [{"User_Account": "user1", "Status": "Calling"}],
//!     "EventTime": 1740464128807
//! }"#;
//! let Event::Chat(ChatEvent::CallStarted(started)) = Event::from_json(body)? else {
//!     unreachable!()
//! };
//! let info = started.call_info.as_ref().unwrap();
//! assert_eq!(info.media_type, Some(CallMediaType::Audio));
//! assert_eq!(started.user_list[0].status, Some(CallUserStatus::Calling));
//! assert_eq!(started.event_time.unwrap().as_millis(), 1740464128807);
//! # Ok::<(), tencent_room_webhook::event::DecodeError>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::event::{body_members, EventTime, Extra, RoomId, UserId};
use crate::lenient;

open_enum! {
    /// `CallMediaType` / `MediaType`: an audio or a video call.
    pub enum CallMediaType {
        /// `Audio`.
        Audio = "Audio",
        /// `Video`.
        Video = "Video",
    }
}

open_enum! {
    /// `CallType` of `Call.CallbackAfterEndCall`: a one-to-one or a group call.
    pub enum CallType {
        /// `SingleCall`: one-to-one.
        SingleCall = "SingleCall",
        /// `MultiCall`: a group call.
        MultiCall = "MultiCall",
    }
}

open_enum! {
    /// `UserList[].Status`: a member's state in the call.
    pub enum CallUserStatus {
        /// `Calling`: in the call.
        Calling = "Calling",
        /// `Waiting`: not answered yet.
        Waiting = "Waiting",
    }
}

open_enum! {
    /// `ChangedUserList[].ActionType` of `Call.CallbackAfterMemberChanged`: what a member
    /// did.
    pub enum CallAction {
        /// `Accept`: answered.
        Accept = "Accept",
        /// `Reject`: declined.
        Reject = "Reject",
        /// `NotAnswer`: did not answer in time.
        NotAnswer = "NotAnswer",
        /// `Hangup` (the table writes `HangUp`): hung up.
        Hangup = "Hangup",
        /// `Join`: joined by themselves.
        Join = "Join",
        /// `Offline`: went offline (heartbeat expired).
        Offline = "Offline",
        /// `Invite`: was invited.
        Invite = "Invite",
        /// `Cancel_Invite`: the invitation was cancelled.
        CancelInvite = "Cancel_Invite",
    }
}

open_enum! {
    /// A `CallResult` given as text: how the call ended (the page's list of values was not
    /// read past the sample's).
    pub enum CallOutcome {
        /// `NotAnswer`: nobody answered.
        NotAnswer = "NotAnswer",
    }
}

/// `CallRecord.CallResult`: how the call ended. The page's sample sends text
/// (`"NotAnswer"`), its table says Integer: both are read, and written back as they came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum CallResult {
    /// Text, as in the sample.
    Outcome(CallOutcome),
    /// An integer, as the table says.
    Code(u64),
}

/// `CallInfo` of `Call.CallbackAfterStartCall`: the call.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CallInfo {
    /// `CallId`: the call's ID.
    pub call_id: Option<String>,
    /// `CallMediaType`, as the sample spells it (the table says `MediaType`: read too,
    /// and written back as `CallMediaType`): `Audio` or `Video`.
    #[serde(rename = "CallMediaType", alias = "MediaType")]
    pub media_type: Option<CallMediaType>,
    /// `ChatGroupId`: the Chat group of a group call; empty (`""`, kept as sent)
    /// otherwise.
    pub chat_group_id: Option<String>,
    /// `RoomId`: the TRTC room of the call (empty in the sample).
    pub room_id: Option<RoomId>,
    /// `RoomIdType`: `1` a numeric room ID, `2` a string room ID.
    #[serde(deserialize_with = "lenient::number")]
    pub room_id_type: Option<u32>,
    /// Members of `CallInfo` this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(CallInfo {});

/// An entry of `UserList`: a call member and its state.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CallUser {
    /// `User_Account`: the member.
    #[serde(rename = "User_Account")]
    pub user_account: Option<UserId>,
    /// `Status`: `Calling` or `Waiting`.
    pub status: Option<CallUserStatus>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(CallUser {});

/// `Call.CallbackAfterStartCall`: a client started a call (page trtc.io/document/68941;
/// Chinese cloud.tencent.com 647/116423). Not about a Room room.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CallStarted {
    /// `CallInfo`: the call.
    pub call_info: Option<CallInfo>,
    /// `UserList`: the call's members and their states.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub user_list: Vec<CallUser>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `CallRecord` of `Call.CallbackAfterEndCall`: the call, as it ended.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CallRecord {
    /// `CallId`: the call's ID.
    pub call_id: Option<String>,
    /// `Caller_Account`: the caller.
    #[serde(rename = "Caller_Account")]
    pub caller_account: Option<UserId>,
    /// `MediaType` (`CallMediaType` is read too, and written back as `MediaType`):
    /// `Audio` or `Video`.
    #[serde(rename = "MediaType", alias = "CallMediaType")]
    pub media_type: Option<CallMediaType>,
    /// `CallType`: `SingleCall` or `MultiCall`.
    pub call_type: Option<CallType>,
    /// `StartTime`: when the call started, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub start_time: Option<u64>,
    /// `EndTime`: when it ended, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub end_time: Option<u64>,
    /// `AcceptTime`: when it was answered, in seconds since the Unix epoch (`0`: never).
    #[serde(deserialize_with = "lenient::number")]
    pub accept_time: Option<u64>,
    /// `CallResult`: how it ended, text (`NotAnswer`) or an integer.
    pub call_result: Option<CallResult>,
    /// `CalleeList_Account`: the users called.
    #[serde(
        rename = "CalleeList_Account",
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub callee_list_account: Vec<UserId>,
    /// `RoomId`: the TRTC room of the call.
    pub room_id: Option<RoomId>,
    /// `RoomIdType`: `1` a numeric room ID, `2` a string room ID.
    #[serde(deserialize_with = "lenient::number")]
    pub room_id_type: Option<u32>,
    /// Members of `CallRecord` this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(CallRecord {});

/// `Call.CallbackAfterEndCall`: a call ended, one member or none being left (page
/// trtc.io/document/68940; Chinese cloud.tencent.com 647/116424). Its details can be
/// queried through the call-record API 5 s later. Not about a Room room.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CallEnded {
    /// `CallRecord`: the call. In a `Box`, as [`RoomInfo`](crate::event::RoomInfo) is, to
    /// keep [`Event`](crate::event::Event) small.
    pub call_record: Option<Box<CallRecord>>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// An entry of `ChangedUserList`: a member whose state changed, and how.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CallMemberChange {
    /// `User_Account`: the member.
    #[serde(rename = "User_Account")]
    pub user_account: Option<UserId>,
    /// `ActionType`: what the member did.
    pub action_type: Option<CallAction>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(CallMemberChange {});

/// `Call.CallbackAfterMemberChanged`: call members' states changed: answered, declined,
/// hung up, joined, went offline, were invited... (page trtc.io/document/69215; Chinese
/// cloud.tencent.com 647/117872). Not about a Room room.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CallMembersChanged {
    /// `CallId`: the call's ID (at the top here, inside `CallInfo` at the start).
    pub call_id: Option<String>,
    /// `UserList`: every member and its state.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub user_list: Vec<CallUser>,
    /// `ChangedUserList`: the members whose state changed.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub changed_user_list: Vec<CallMemberChange>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}
