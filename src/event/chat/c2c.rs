//! One-to-one messages (`C2C.*`): a message about to be delivered and delivered, read
//! reports and receipts, recalls, edits and message extensions between two users.
//!
//! `C2C.CallbackBeforeSendMsg` ([`C2cMessageSending`]) is the family's before callback: the
//! answer decides whether the message is delivered. The others report what happened, and
//! their answer is ignored. Times are seconds (`MsgTime`, `LastReadTime`) but `EventTime`,
//! in milliseconds; `UnreadMsgNum` may be `-1`.
//!
//! ```
//! use tencent_room_webhook::event::chat::c2c::C2cMessageSent;
//! use tencent_room_webhook::event::live::MsgElement;
//! use tencent_room_webhook::event::{ChatEvent, Event};
//!
//! let body = br#"{
//!     "CallbackCommand": "C2C.CallbackAfterSendMsg",
//!     "From_Account": "jared",
//!     "To_Account": 144115245353757792,
//!     "MsgSeq": 48374,
//!     "MsgRandom": 2837546,
//!     "MsgTime": 1557481126,
//!     "MsgKey": "48374_2837546_1557481126",
//!     "SendMsgResult": 80001,
//!     "ErrorInfo": "dirty words",
//!     "UnreadMsgNum": -1,
//!     "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "red packet"}}]
//! }"#;
//! let Event::Chat(ChatEvent::C2cMessageSent(sent)) = Event::from_json(body)? else { unreachable!() };
//! assert_eq!(sent.to_account.as_ref().unwrap(), "144115245353757792");
//! assert_eq!(sent.msg_time, Some(1557481126));
//! assert!(!sent.delivered());
//! assert_eq!(sent.unread_msg_num, Some(-1));
//! assert_eq!(sent.msg_body, [MsgElement::text("red packet")]);
//! assert_eq!(C2cMessageSent::COMMAND, "C2C.CallbackAfterSendMsg");
//! # Ok::<(), tencent_room_webhook::event::DecodeError>(())
//! ```
//!
//! Source: the one-to-one callback pages of trtc.io (34364, 34365, 43465, 43466, 76006) and
//! cloud.tencent.com (269/128223, 269/128224, 269/128225, Chinese only), each type naming
//! its own.

use std::fmt;

use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::{Deserialize, Serialize};

use crate::event::live::MsgElement;
use crate::event::{body_members, EventTime, Extra, RoomId, UserId};
use crate::lenient;

/// `C2C.CallbackBeforeSendMsg`: a one-to-one message, from a client or the REST API
/// (`sendmsg`), is about to be delivered (page trtc.io/document/34364).
///
/// A before callback: the answer decides. Tencent delivers the message on `ErrorCode` 0,
/// delivers the answer's `MsgBody` and `CloudCustomData` instead when it has them, forbids
/// it on 1 (the sender gets error 20006), discards it silently on 2 (the sender is told it
/// was sent), and forbids it with a code of [120001, 130000] passed to the sender with
/// `ErrorInfo`. The answer is a `decision::C2cMessageDecision`: the shape of a group's
/// [`MessageDecision`](crate::decision::MessageDecision), with the one-to-one range of
/// codes. Tencent waits 2 s (not adjustable); on a timeout or a failed answer it delivers
/// the message by default.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct C2cMessageSending {
    /// `From_Account`: the sender.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `To_Account`: the recipient.
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// `MsgSeq`: the message's sequence number (a random 32-bit number).
    #[serde(deserialize_with = "lenient::number")]
    pub msg_seq: Option<u64>,
    /// `MsgRandom`: the message's random number (32 bits).
    #[serde(deserialize_with = "lenient::number")]
    pub msg_random: Option<u64>,
    /// `MsgTime`: when it was sent, in seconds since the Unix epoch. One-to-one messages
    /// are ordered by `MsgTime`, then `MsgSeq`.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_time: Option<u64>,
    /// `MsgKey`: the message's key (`MsgSeq_MsgRandom_MsgTime`), which the REST API
    /// recalls it by.
    pub msg_key: Option<String>,
    /// `MsgId`: the message's ID on the client (not on the pages read: newer copies of the
    /// after-send pages of other families have it).
    pub msg_id: Option<String>,
    /// `OnlineOnlyFlag`: `1` for an online-only message, `0` otherwise.
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
    /// `EventTime`: when the event happened (not in the page's sample).
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `C2C.CallbackAfterSendMsg`: a one-to-one message was delivered, or failed to be (a
/// dirty-word filter, ...) (page trtc.io/document/34365). When a before callback forbade
/// it, none comes; when it rewrote it, this carries the rewritten message.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct C2cMessageSent {
    /// `From_Account`: the sender.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `To_Account`: the recipient.
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// `MsgSeq`: the message's sequence number (a random 32-bit number).
    #[serde(deserialize_with = "lenient::number")]
    pub msg_seq: Option<u64>,
    /// `MsgRandom`: the message's random number (32 bits).
    #[serde(deserialize_with = "lenient::number")]
    pub msg_random: Option<u64>,
    /// `MsgTime`: when it was sent, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_time: Option<u64>,
    /// `MsgKey`: the message's key (`MsgSeq_MsgRandom_MsgTime`), which the REST API
    /// recalls it by.
    pub msg_key: Option<String>,
    /// `MsgId`: the message's ID on the client (not on the pages read: newer copies of the
    /// after-send pages of other families have it).
    pub msg_id: Option<String>,
    /// `OnlineOnlyFlag`: `1` for an online-only message, `0` otherwise.
    #[serde(deserialize_with = "lenient::number")]
    pub online_only_flag: Option<u32>,
    /// `SendMsgResult`: `0` delivered, otherwise the Chat error code of the failure.
    #[serde(deserialize_with = "lenient::number")]
    pub send_msg_result: Option<u32>,
    /// `ErrorInfo`: the failure's text, or `send msg succeed` (about the message, not
    /// the answer).
    pub error_info: Option<String>,
    /// `UnreadMsgNum`: the recipient's unread one-to-one messages in all, `-1` when the
    /// message was not delivered.
    #[serde(deserialize_with = "signed")]
    pub unread_msg_num: Option<i64>,
    /// `MsgBody`: the message's elements.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub msg_body: Vec<MsgElement>,
    /// `CloudCustomData`: the app's data stored with the message.
    pub cloud_custom_data: Option<String>,
    /// `EventTime`: when the event happened (not in the page's sample).
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl C2cMessageSent {
    /// Whether the message was delivered: `SendMsgResult` is `0` (or missing).
    pub fn delivered(&self) -> bool {
        self.send_msg_result.unwrap_or(0) == 0
    }
}

/// `C2C.CallbackAfterMsgReport`: a user read a one-to-one conversation up to a time (a
/// client's read report, or the REST API's `admin_set_msg_read`) (page
/// trtc.io/document/43465; Chinese cloud.tencent.com/document/product/269/61696).
///
/// The English page sends `UnreadMsgNum` and no `EventTime`, the Chinese one `EventTime`
/// and no `UnreadMsgNum`: both are read, either missing.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct C2cReadReported {
    /// `Report_Account`: the user who read.
    #[serde(rename = "Report_Account")]
    pub report_account: Option<UserId>,
    /// `Peer_Account`: the other user of the conversation.
    #[serde(rename = "Peer_Account")]
    pub peer_account: Option<UserId>,
    /// `LastReadTime`: every message before this time is read, in seconds since the Unix
    /// epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub last_read_time: Option<u64>,
    /// `UnreadMsgNum`: the reader's unread one-to-one messages in all (English page).
    #[serde(deserialize_with = "signed")]
    pub unread_msg_num: Option<i64>,
    /// `EventTime`: when the event happened (Chinese page).
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `C2C.CallbackAfterMsgWithDraw`: a one-to-one message was recalled, by a client or the
/// REST API's `admin_msgwithdraw` (page trtc.io/document/43466; Chinese
/// cloud.tencent.cn/document/product/269/61697).
///
/// The English page sends `UnreadMsgNum` and no `EventTime`, the Chinese one `EventTime`
/// and no `UnreadMsgNum`: both are read, either missing.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct C2cMessageRecalled {
    /// `From_Account`: the sender of the recalled message.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `To_Account`: its recipient.
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// `MsgKey`: the recalled message's key.
    pub msg_key: Option<String>,
    /// `UnreadMsgNum`: the recipient's unread one-to-one messages in all (English page).
    #[serde(deserialize_with = "signed")]
    pub unread_msg_num: Option<i64>,
    /// `EventTime`: when the event happened (Chinese page).
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// One entry of `ExtensionList`: a message extension's key, its value and its version.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MessageExtension {
    /// `Key`.
    pub key: Option<String>,
    /// `Value`: `""` when the key was deleted.
    pub value: Option<String>,
    /// `Seq`: this key's version.
    #[serde(deserialize_with = "lenient::number")]
    pub seq: Option<u64>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(MessageExtension {});

/// `C2C.CallbackAfterC2CMsgExtension`: a one-to-one message's extensions (key/values) were
/// set, deleted or cleared, by a client or the REST API's `set_key_values` (page
/// trtc.io/document/76006).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct C2cMessageExtensionChanged {
    /// `From_Account`: the message's sender.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `To_Account`: the message's recipient.
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// `MsgKey`: the message's key.
    pub msg_key: Option<String>,
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

/// One entry of `C2CMsgInfo`: a message a read receipt is for.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct C2cMessageInfo {
    /// `From_Account`: the message's sender.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `To_Account`: the message's recipient.
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// `MsgKey`: the message's key.
    pub msg_key: Option<String>,
    /// `MsgId`: the message's ID on the client.
    pub msg_id: Option<String>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(C2cMessageInfo {});

/// `C2C.CallbackAfterMsgReadReceipt`: a user sent read receipts for one-to-one messages,
/// from a client or through the REST API (page cloud.tencent.com/document/product/269/128223,
/// Chinese only).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct C2cReadReceiptsSent {
    /// `Operator_Account`: who sent the receipts (the reader).
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `Peer_Account`: the other user of the conversation.
    #[serde(rename = "Peer_Account")]
    pub peer_account: Option<UserId>,
    /// `C2CMsgInfo`: the messages receipted.
    #[serde(
        rename = "C2CMsgInfo",
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub c2c_msg_info: Vec<C2cMessageInfo>,
    /// `EventTime`: when the receipts were sent.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `C2C.CallbackAfterModifyMsg`: a one-to-one message was edited, by a client or the REST
/// API (page cloud.tencent.com/document/product/269/128224, Chinese only). The body holds
/// the message after the edit (its sample puts `MsgBody` before `CallbackCommand`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct C2cMessageModified {
    /// `Operator_Account`: who edited it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `From_Account`: the message's sender.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `To_Account`: the message's recipient.
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// `MsgRandom`: the message's random number.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_random: Option<u64>,
    /// `MsgSeq`: the message's sequence number.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_seq: Option<u64>,
    /// `MsgTime`: when the message was first sent, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_time: Option<u64>,
    /// `MsgKey`: the message's key.
    pub msg_key: Option<String>,
    /// `MsgBody`: the message's elements after the edit.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub msg_body: Vec<MsgElement>,
    /// `CloudCustomData`: the app's data stored with the message, after the edit.
    pub cloud_custom_data: Option<String>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// One entry of `GroupReadInfo`: a group whose unread messages were cleared.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GroupReadInfo {
    /// `GroupId`: the group.
    pub group_id: Option<RoomId>,
    /// `MsgSeq`: the group message sequence number given in the request to clear.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_seq: Option<u64>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(GroupReadInfo {});

/// `C2C.CallbackAfterMsgReadAll`: a user cleared all their unread counts, one-to-one and
/// group (page cloud.tencent.com/document/product/269/128225, Chinese only). The body names
/// the groups cleared, not the one-to-one conversations.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AllMessagesRead {
    /// `Report_Account`: the user.
    #[serde(rename = "Report_Account")]
    pub report_account: Option<UserId>,
    /// `GroupReadInfo`: the groups whose unread count was cleared.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub group_read_info: Vec<GroupReadInfo>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// An integer that may be negative (`UnreadMsgNum` is `-1` for a message not delivered),
/// as a JSON integer, a whole JSON float or a decimal string with an optional `-`; `null`
/// is `None`. (`lenient::number`'s rules, signed.)
fn signed<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    struct SignedVisitor;

    impl Visitor<'_> for SignedVisitor {
        type Value = Option<i64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer in range, as a number or a decimal string")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i64::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            // A whole number written as a float, as `lenient::number` reads one. The bounds
            // are `i64`'s: -2^63 is exact, 2^63 one past the range.
            if v.fract() == 0.0 && (i64::MIN as f64..i64::MAX as f64).contains(&v) {
                Ok(Some(v as i64))
            } else {
                Err(E::invalid_value(Unexpected::Float(v), &self))
            }
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let text = v.trim();
            let (negative, digits) = match text.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, text),
            };
            let magnitude = lenient::digits(digits)
                .and_then(|magnitude| i64::try_from(magnitude).ok())
                .ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))?;
            Ok(Some(if negative { -magnitude } else { magnitude }))
        }
    }

    deserializer.deserialize_any(SignedVisitor)
}
