//! Relationships (`Sns.*`): friend requests and their answers (two before callbacks),
//! friends added and deleted, users added to and removed from a blocklist.
//!
//! Between users, never about a room. The follow callbacks (`Follow.*`) are typed once,
//! in [`live`](crate::event::live). Relationships changed through the REST API give the
//! after callbacks, not the two before ones.
//!
//! ```
//! use tencent_room_webhook::event::chat::sns::FriendAddType;
//! use tencent_room_webhook::event::{ChatEvent, Event};
//!
//! let body = br#"{
//!     "CallbackCommand": "Sns.CallbackPrevFriendAdd",
//!     "Requester_Account": "id",
//!     "From_Account": "id",
//!     "FriendItem": [{"To_Account": "id1", "Remark": "remark1", "AddWording": "hi!"}],
//!     "AddType": "Add_Type_Both",
//!     "ForceAddFlags": 0,
//!     "EventTime": 1631777344870
//! }"#;
//! let Event::Chat(ChatEvent::FriendRequest(request)) = Event::from_json(body)? else {
//!     unreachable!()
//! };
//! assert_eq!(request.add_type, Some(FriendAddType::Both));
//! assert_eq!(request.friend_item[0].to_account.as_ref().unwrap(), "id1");
//! # Ok::<(), tencent_room_webhook::event::DecodeError>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::event::{body_members, EventTime, Extra, UserId};
use crate::lenient;

open_enum! {
    /// `AddType` of `Sns.CallbackPrevFriendAdd`: one-way or two-way friendship.
    pub enum FriendAddType {
        /// `Add_Type_Single`: one-way (only the requester's list gains the friend).
        Single = "Add_Type_Single",
        /// `Add_Type_Both`: two-way (the default).
        Both = "Add_Type_Both",
    }
}

open_enum! {
    /// `ResponseAction` of `Sns.CallbackPrevFriendResponse`: how a request was answered.
    pub enum FriendResponseAction {
        /// `Response_Action_AgreeAndAdd`: accept, and add the requester back.
        AgreeAndAdd = "Response_Action_AgreeAndAdd",
        /// `Response_Action_Agree`: let the requester add me.
        Agree = "Response_Action_Agree",
        /// `Response_Action_Reject`: reject.
        Reject = "Response_Action_Reject",
    }
}

open_enum! {
    /// `ClientCmd` of `Sns.CallbackFriendAdd`: what added the friends. Tencent spells each
    /// in two ways; [`normalized`](Self::normalized) treats them alike.
    pub enum FriendAddCommand {
        /// `friend_add` (or `FriendAdd`): a friend request.
        FriendAdd = "friend_add" | "FriendAdd",
        /// `friend_response` (or `FriendResponse`): an answer to a friend request.
        FriendResponse = "friend_response" | "FriendResponse",
    }
}

/// An entry of `FriendItem` of `Sns.CallbackPrevFriendAdd`: one user asked for.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FriendRequestItem {
    /// `To_Account`: the user to be added.
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// `Remark`: the remark the requester gives the friend.
    pub remark: Option<String>,
    /// `GroupName`: the friend list the requester puts the friend in.
    pub group_name: Option<String>,
    /// `AddSource`: where the request comes from (`AddSource_Type_...`, the app's own).
    pub add_source: Option<String>,
    /// `AddWording`: the request's message.
    pub add_wording: Option<String>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(FriendRequestItem {});

/// `Sns.CallbackPrevFriendAdd`: a client asks to add friends (page
/// trtc.io/document/43468). A before callback: the answer decides, user by user
/// (`ResultItem`), which friendships are made. Requests made through the REST API do not
/// trigger it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FriendRequest {
    /// `Requester_Account`: who sent the request.
    #[serde(rename = "Requester_Account")]
    pub requester_account: Option<UserId>,
    /// `From_Account`: who wants to add friends.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `FriendItem`: the users asked for, one entry each.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub friend_item: Vec<FriendRequestItem>,
    /// `AddType`: `Add_Type_Single` or `Add_Type_Both`.
    pub add_type: Option<FriendAddType>,
    /// `ForceAddFlags`: `1` forced by an admin, `0` a normal request.
    #[serde(deserialize_with = "lenient::number")]
    pub force_add_flags: Option<u32>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// An entry of `ResponseFriendItem` of `Sns.CallbackPrevFriendResponse`: one request
/// answered.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FriendResponseItem {
    /// `To_Account`: the user who had asked.
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// `Remark`: the remark given to that user.
    pub remark: Option<String>,
    /// `TagName`: the friend list the user is put in (`GroupName` in a request).
    pub tag_name: Option<String>,
    /// `ResponseAction`: accept and add back, accept, or reject.
    pub response_action: Option<FriendResponseAction>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(FriendResponseItem {});

/// `Sns.CallbackPrevFriendResponse`: a client answers friend requests (page
/// trtc.io/document/43467). A before callback: the answer decides, user by user
/// (`ResultItem`), which friendships are made. Answers made through the REST API do not
/// trigger it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FriendRequestAnswered {
    /// `Requester_Account`: who sent the answer.
    #[serde(rename = "Requester_Account")]
    pub requester_account: Option<UserId>,
    /// `From_Account`: who answers.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `ResponseFriendItem`: the requests answered, one entry each.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub response_friend_item: Vec<FriendResponseItem>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// An entry of `PairList`: one relationship changed.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FriendPair {
    /// `From_Account`: whose friend list (or blocklist) changed.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `To_Account`: the user added to or removed from it.
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// `Initiator_Account`: who initiated the add (`Sns.CallbackFriendAdd` only).
    #[serde(rename = "Initiator_Account")]
    pub initiator_account: Option<UserId>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(FriendPair {});

/// `Sns.CallbackFriendAdd`: friends were added (page trtc.io/document/34359): a request
/// accepted or needing no approval, a one-way add, or a forced add through the REST API
/// (not a REST import). No `EventTime`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FriendsAdded {
    /// `PairList`: the friendships added.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub pair_list: Vec<FriendPair>,
    /// `ClientCmd`: what added them, a request or an answer to one.
    pub client_cmd: Option<FriendAddCommand>,
    /// `Admin_Account`: the admin who added them through the REST API; empty (`""`, kept
    /// as sent) otherwise.
    #[serde(rename = "Admin_Account")]
    pub admin_account: Option<UserId>,
    /// `ForceFlag`: `1` forced by an admin, `0` a normal add.
    #[serde(deserialize_with = "lenient::number")]
    pub force_flag: Option<u32>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Sns.CallbackFriendDelete`: friends were deleted, from a client or through the REST
/// API (page trtc.io/document/34360). No `EventTime`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FriendsDeleted {
    /// `PairList`: whose friend list lost whom.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub pair_list: Vec<FriendPair>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Sns.CallbackBlackListAdd`: users were added to a blocklist, from a client or through
/// the REST API (page trtc.io/document/34361). No `EventTime`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct BlocklistAdded {
    /// `PairList`: whose blocklist gained whom.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub pair_list: Vec<FriendPair>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Sns.CallbackBlackListDelete`: users were removed from a blocklist, from a client or
/// through the REST API (page trtc.io/document/34362). No `EventTime`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct BlocklistRemoved {
    /// `PairList`: whose blocklist lost whom.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub pair_list: Vec<FriendPair>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}
