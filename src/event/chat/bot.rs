//! Chatbots: a one-to-one message delivered to a chatbot account (`Bot.OnC2CMessage`), a
//! chatbot @-mentioned in a group (`Bot.OnGroupMessage`), and a user's pass-through
//! content for a smart chatbot (`Chatbot.OnC2CSignalMessage`, whose answer carries data
//! back to the bot).
//!
//! Chatbot accounts are user IDs starting with `@RBT#`.
//!
//! ```
//! use tencent_room_webhook::event::live::MsgElement;
//! use tencent_room_webhook::event::{ChatEvent, Event};
//!
//! let body = br#"{
//!     "CallbackCommand": "Bot.OnGroupMessage",
//!     "GroupId": "@TGS#2J4SZEAEL",
//!     "From_Account": "jared",
//!     "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "@@RBT#001 hello"}}],
//!     "AtRobots_Account": ["@RBT#001"],
//!     "EventTime": 1670574414123
//! }"#;
//! let event = Event::from_json(body)?;
//! assert_eq!(event.room_id().unwrap(), "@TGS#2J4SZEAEL");
//! let Event::Chat(ChatEvent::BotGroupMessageReceived(message)) = event else {
//!     unreachable!()
//! };
//! assert_eq!(message.at_robots_account[0], "@RBT#001");
//! assert_eq!(message.msg_body[0], MsgElement::text("@@RBT#001 hello"));
//! # Ok::<(), tencent_room_webhook::event::DecodeError>(())
//! ```

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::event::live::MsgElement;
use crate::event::{body_members, EventTime, Extra, RoomId, UserId};
use crate::lenient;

/// `Bot.OnC2CMessage`: a one-to-one message, from a client or the REST API, was delivered
/// to a chatbot account (page trtc.io/document/68952; Chinese cloud.tencent.com
/// 269/90407). Between users, not about a room.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct BotMessageReceived {
    /// `From_Account`: the sender.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `To_Account`: the chatbot.
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// `MsgSeq`: the message's sequence number (32 bits).
    #[serde(deserialize_with = "lenient::number")]
    pub msg_seq: Option<u64>,
    /// `MsgRandom`: the message's random number (32 bits).
    #[serde(deserialize_with = "lenient::number")]
    pub msg_random: Option<u64>,
    /// `MsgTime`: when it was sent, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_time: Option<u64>,
    /// `MsgKey`: the message's unique key (for recalling it through the REST API).
    pub msg_key: Option<String>,
    /// `MsgId`: the message's ID on the client (in the Chinese copy of the page only).
    pub msg_id: Option<String>,
    /// `OnlineOnlyFlag`: `1` for an online-only message, `0` otherwise.
    #[serde(deserialize_with = "lenient::number")]
    pub online_only_flag: Option<u32>,
    /// `SendMsgResult`: `0` delivered, otherwise a Chat error code.
    #[serde(deserialize_with = "lenient::number")]
    pub send_msg_result: Option<u32>,
    /// `ErrorInfo`: why delivery failed, or `send msg succeed` (the message's, not an
    /// answer's).
    pub error_info: Option<String>,
    /// `MsgBody`: the message's elements.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub msg_body: Vec<MsgElement>,
    /// `CloudCustomData`: the app's data stored with the message.
    pub cloud_custom_data: Option<String>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Bot.OnGroupMessage`: a user @-mentioned one or more chatbots in a group (not with
/// @all) (page trtc.io/document/68953; Chinese cloud.tencent.com 269/89994). Needs the
/// console's "chatbot event callback". The room: the group.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct BotGroupMessageReceived {
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `Type`: the group type (`Public`, `Community`, ...).
    #[serde(rename = "Type")]
    pub group_type: Option<String>,
    /// `From_Account`: the sender.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `Operator_Account`: who asked to send it (an admin, through the REST API).
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `Random`: the request's random number (32 bits).
    #[serde(deserialize_with = "lenient::number")]
    pub random: Option<u64>,
    /// `MsgSeq`: the message's sequence number in the group.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_seq: Option<u64>,
    /// `MsgTime`: when it was sent, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_time: Option<u64>,
    /// `OnlineOnlyFlag`: `1` for an online-only message, `0` otherwise (always `0` in
    /// live-streaming groups).
    #[serde(deserialize_with = "lenient::number")]
    pub online_only_flag: Option<u32>,
    /// `MsgBody`: the message's elements (its text starts with the mention).
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub msg_body: Vec<MsgElement>,
    /// `AtRobots_Account`: the chatbots mentioned. (A third-party SDK names it
    /// `AtRobotAccount`: read too, and written back as `AtRobots_Account`.)
    #[serde(
        rename = "AtRobots_Account",
        alias = "AtRobotAccount",
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub at_robots_account: Vec<UserId>,
    /// `CloudCustomData`: the app's data stored with the message.
    pub cloud_custom_data: Option<String>,
    /// `TopicId`: the topic, for a message in a community topic.
    pub topic_id: Option<String>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Chatbot.OnC2CSignalMessage`: a user sent custom pass-through content to a smart
/// chatbot (page tencentcloud.com/document/product/1047/59057; Chinese cloud.tencent.com
/// 269/103730). The answer carries data: its `RspData` goes back to the chatbot (with
/// `ErrorCode` 0). Between users, not about a room.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SignalMessage {
    /// `From_Account`: the user.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `To_Account`: the chatbot (`@RBT#...`).
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// `MsgSeq`: the message's sequence number.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_seq: Option<u64>,
    /// `MsgRandom`: the message's random number.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_random: Option<u64>,
    /// `MsgKey`: the message's unique key.
    pub msg_key: Option<String>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// `Data`: the pass-through content, JSON inside a string, kept as the text sent; read
    /// it with [`parse_data`](Self::parse_data).
    pub data: Option<String>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl SignalMessage {
    /// `Data` read as JSON, as `T` (a [`serde_json::Value`], or the app's own type);
    /// `None` when the body has no `Data`.
    ///
    /// ```
    /// use serde_json::Value;
    /// use tencent_room_webhook::event::chat::bot::SignalMessage;
    ///
    /// let mut message = SignalMessage::default();
    /// message.data = Some(r#"{"msg":"hello"}"#.to_owned());
    /// let data: Value = message.parse_data().unwrap()?;
    /// assert_eq!(data["msg"], "hello");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn parse_data<T: DeserializeOwned>(&self) -> Option<serde_json::Result<T>> {
        self.data.as_deref().map(serde_json::from_str)
    }
}
