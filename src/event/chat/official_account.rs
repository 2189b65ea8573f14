//! Official accounts (`OfficialAccount.*`): accounts that broadcast to their subscribers,
//! created, changed, full and destroyed; subscribers added and removed; broadcasts sent and
//! recalled.
//!
//! Tencent switches these callbacks on through a ticket, once the callback URL is set. The
//! before callbacks are [`OfficialAccountCreating`], [`SubscribersAdding`] and
//! [`OfficialAccountMessageSending`]: the answer decides whether the account, the
//! subscription or the broadcast comes to be. The others report what happened, and their
//! answer is ignored. The account is `Official_Account` (`@TOA#_...`), a [`UserId`]: the
//! events name no room.
//!
//! ```
//! use tencent_room_webhook::event::chat::official_account::SubscribersAdding;
//! use tencent_room_webhook::event::{ChatEvent, Event};
//!
//! let body = br#"{
//!     "CallbackCommand": "OfficialAccount.CallbackBeforeAddSubscriber",
//!     "Official_Account": "@TOA#_test_for_penn",
//!     "Operator_Account": "107867",
//!     "SubscribeAccountList": [{"Subscriber_Account": "jared"}, {"Subscriber_Account": "leckie"}],
//!     "EventTime": 1670574414123
//! }"#;
//! let Event::Chat(ChatEvent::SubscribersAdding(adding)) = Event::from_json(body)? else {
//!     unreachable!()
//! };
//! assert_eq!(adding.official_account.as_ref().unwrap(), "@TOA#_test_for_penn");
//! let users: Vec<&str> = adding.subscribers().map(|user| user.as_str()).collect();
//! assert_eq!(users, ["jared", "leckie"]);
//! assert_eq!(SubscribersAdding::COMMAND, "OfficialAccount.CallbackBeforeAddSubscriber");
//! # Ok::<(), tencent_room_webhook::event::DecodeError>(())
//! ```
//!
//! Source: the official-account callback pages trtc.io/document/60795 to 60805 (Chinese
//! cloud.tencent.com/document/product/269/102314 and the pages it lists), each type naming
//! its own.

use serde::{Deserialize, Serialize};

use crate::event::live::MsgElement;
use crate::event::{body_members, EventTime, Extra, UserId};
use crate::lenient;

/// `OfficialAccount.CallbackBeforeCreateOfficialAccount`: an official account is about to
/// be created, through the REST API (the only way) (page trtc.io/document/60795).
///
/// A before callback: the answer decides. `ErrorCode` 0 lets the account be created, 1
/// refuses it (the REST caller gets error 20006), and a code of [120001, 130000] refuses
/// it with the code and `ErrorInfo` passed to the caller: a
/// `decision::OfficialAccountCreationDecision`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct OfficialAccountCreating {
    /// `Operator_Account`: who asked to create it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `Owner_Account`: its creator, who owns it.
    #[serde(rename = "Owner_Account")]
    pub owner_account: Option<UserId>,
    /// `Name`: the account's name.
    pub name: Option<String>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `OfficialAccount.CallbackAfterCreateOfficialAccount`: an official account was created,
/// through the REST API (page trtc.io/document/60796).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct OfficialAccountCreated {
    /// `Official_Account`: the new account.
    #[serde(rename = "Official_Account")]
    pub official_account: Option<UserId>,
    /// `Operator_Account`: who created it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `Owner_Account`: its creator, who owns it.
    #[serde(rename = "Owner_Account")]
    pub owner_account: Option<UserId>,
    /// `Name`: the account's name.
    pub name: Option<String>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `OfficialAccount.CallbackAfterOfficialAccountInfoChanged`: an official account's profile
/// was changed, through the REST API (page trtc.io/document/60797). Only the members that
/// changed are sent.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct OfficialAccountInfoChanged {
    /// `Official_Account`: the account.
    #[serde(rename = "Official_Account")]
    pub official_account: Option<UserId>,
    /// `Operator_Account`: who changed it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `Introduction`: the new introduction.
    pub introduction: Option<String>,
    /// `Name`: the new name.
    pub name: Option<String>,
    /// `FaceUrl`: the new avatar URL.
    pub face_url: Option<String>,
    /// `Organization`: the new organization.
    pub organization: Option<String>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `OfficialAccount.CallbackAfterOfficialAccountDestroyed`: an official account was
/// destroyed, through the REST API (page trtc.io/document/60798).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct OfficialAccountDestroyed {
    /// `Official_Account`: the account.
    #[serde(rename = "Official_Account")]
    pub official_account: Option<UserId>,
    /// `Owner_Account`: its owner.
    #[serde(rename = "Owner_Account")]
    pub owner_account: Option<UserId>,
    /// `Name`: its name.
    pub name: Option<String>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// One entry of `SubscribeAccountList`: a subscriber.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Subscriber {
    /// `Subscriber_Account`: the user.
    #[serde(rename = "Subscriber_Account")]
    pub subscriber_account: Option<UserId>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(Subscriber {});

/// The users of a `SubscribeAccountList`, skipping entries without one.
fn subscribers(list: &[Subscriber]) -> impl Iterator<Item = &UserId> {
    list.iter()
        .filter_map(|subscriber| subscriber.subscriber_account.as_ref())
}

/// `OfficialAccount.CallbackBeforeAddSubscriber`: users are about to subscribe to an
/// official account, from a client or added through the REST API (page
/// trtc.io/document/60799).
///
/// A before callback: the answer decides. `ErrorCode` 0 goes on, possibly with some users
/// refused (`RefusedSubscribers_Account`), and 1 refuses the whole request: a
/// `decision::SubscriberDecision`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SubscribersAdding {
    /// `Official_Account`: the account.
    #[serde(rename = "Official_Account")]
    pub official_account: Option<UserId>,
    /// `Operator_Account`: who asked.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `SubscribeAccountList`: the users to be added.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub subscribe_account_list: Vec<Subscriber>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl SubscribersAdding {
    /// The users to be added: the `Subscriber_Account` of each of `SubscribeAccountList`.
    pub fn subscribers(&self) -> impl Iterator<Item = &UserId> {
        subscribers(&self.subscribe_account_list)
    }
}

/// `OfficialAccount.CallbackAfterAddSubscriber`: users subscribed to an official account
/// (page trtc.io/document/60800).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SubscribersAdded {
    /// `Official_Account`: the account.
    #[serde(rename = "Official_Account")]
    pub official_account: Option<UserId>,
    /// `Operator_Account`: who asked.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `SubscribeAccountList`: the users added.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub subscribe_account_list: Vec<Subscriber>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl SubscribersAdded {
    /// The users added: the `Subscriber_Account` of each of `SubscribeAccountList`.
    pub fn subscribers(&self) -> impl Iterator<Item = &UserId> {
        subscribers(&self.subscribe_account_list)
    }
}

/// `OfficialAccount.CallbackAfterOfficialAccountFull`: an official account reached its
/// subscriber limit (page trtc.io/document/60801).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct OfficialAccountFull {
    /// `Official_Account`: the full account.
    #[serde(rename = "Official_Account")]
    pub official_account: Option<UserId>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `OfficialAccount.CallbackAfterDeleteSubscriber`: users unsubscribed from an official
/// account, from a client, or were removed through the REST API (page
/// trtc.io/document/60802).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SubscribersDeleted {
    /// `Official_Account`: the account.
    #[serde(rename = "Official_Account")]
    pub official_account: Option<UserId>,
    /// `Operator_Account`: who did it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `SubscribeAccountList`: the users removed.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub subscribe_account_list: Vec<Subscriber>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl SubscribersDeleted {
    /// The users removed: the `Subscriber_Account` of each of `SubscribeAccountList`.
    pub fn subscribers(&self) -> impl Iterator<Item = &UserId> {
        subscribers(&self.subscribe_account_list)
    }
}

/// `OfficialAccount.CallbackBeforeSendMsg`: a broadcast of an official account, from a
/// client or the REST API, is about to be delivered to its subscribers (page
/// trtc.io/document/60803). The body names no sender and no message key yet.
///
/// A before callback: the answer decides, a `decision::OfficialAccountMessageDecision`
/// (the shape of [`MessageDecision`](crate::decision::MessageDecision)): `ErrorCode` 0
/// delivers it (the answer's `MsgBody` and `CloudCustomData` instead, when it has them), 1
/// forbids it (the sender gets error 10016), 2 discards it silently, and a code of
/// [120001, 130000] forbids it with the code and `ErrorInfo` passed to the sender (the
/// one-to-one range, not the group one). Tencent waits 2 s (not adjustable).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct OfficialAccountMessageSending {
    /// `Official_Account`: the account.
    #[serde(rename = "Official_Account")]
    pub official_account: Option<UserId>,
    /// `OnlineOnlyFlag`: `1` for an online-only message, `0` otherwise.
    #[serde(deserialize_with = "lenient::number")]
    pub online_only_flag: Option<u32>,
    /// `MsgBody`: the broadcast's elements.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub msg_body: Vec<MsgElement>,
    /// `CloudCustomData`: the app's data stored with the broadcast.
    pub cloud_custom_data: Option<String>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `OfficialAccount.CallbackAfterSendMsg`: a broadcast of an official account was
/// delivered to its subscribers (page trtc.io/document/60804).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct OfficialAccountMessageSent {
    /// `Official_Account`: the account.
    #[serde(rename = "Official_Account")]
    pub official_account: Option<UserId>,
    /// `MsgKey`: the broadcast's key, which the REST API recalls it by.
    pub msg_key: Option<String>,
    /// `MsgTime`: the broadcast's server time, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_time: Option<u64>,
    /// `OnlineOnlyFlag`: `1` for an online-only message, `0` otherwise.
    #[serde(deserialize_with = "lenient::number")]
    pub online_only_flag: Option<u32>,
    /// `MsgBody`: the broadcast's elements.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub msg_body: Vec<MsgElement>,
    /// `CloudCustomData`: the app's data stored with the broadcast.
    pub cloud_custom_data: Option<String>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// One entry of `WithdrawMsgList`: a recalled broadcast.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct WithdrawnMessage {
    /// `MsgKey`: the broadcast's key.
    pub msg_key: Option<String>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(WithdrawnMessage {});

/// `OfficialAccount.CallbackAfterMsgWithDraw`: broadcasts of an official account were
/// recalled, from a client or through the REST API (page trtc.io/document/60805). (The
/// page's sample spells the account `#TOA#_123`, kept as sent.)
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct OfficialAccountMessagesRecalled {
    /// `Official_Account`: the account.
    #[serde(rename = "Official_Account")]
    pub official_account: Option<UserId>,
    /// `WithdrawMsgList`: the recalled broadcasts.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub withdraw_msg_list: Vec<WithdrawnMessage>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}
