//! Push results (`Push.*`, the push plugin): offline-push results of one-to-one and group
//! messages (`Push.OfflinePush`), and results of all-user, tag and user-ID push tasks
//! (`Push.AllMemberPush`).
//!
//! Their bodies batch 1 to 100 events, `{"Events": [...]}`, each event with its own
//! `CallbackCommand` and none at the top: [`Event::decode`] reads a body without one as
//! the command's batch when the query's command is a `Push.*` one, and writes it back
//! without one. A batch type holds the `Vec` of its events. Their `EventTime` is in
//! **seconds**, unlike every other callback's: it is a plain `u64` here, and the batches
//! have no [`EventTime`](crate::event::EventTime).
//!
//! [`Event::decode`]: crate::event::Event::decode
//!
//! ```
//! use tencent_room_webhook::event::{ChatEvent, Event};
//!
//! let body = br#"{"Events": [
//!     {"CallbackCommand": "Push.OfflinePush", "EventType": 1, "EventTime": 1557481127,
//!      "To_Account": "user2", "PushPlatform": 1, "PushStage": 1, "ErrCode": 0, "ErrInfo": "OK"},
//!     {"CallbackCommand": "Push.OfflinePush", "EventType": 2, "EventTime": 1557481127,
//!      "To_Account": "user3", "GroupID": "@TGS#12DEVUDHQ", "ErrCode": 0}
//! ]}"#;
//! let event = Event::decode("Push.OfflinePush", body)?;
//! assert_eq!(event.event_time(), None);
//! let Event::Chat(ChatEvent::OfflinePushResults(results)) = event else { unreachable!() };
//! assert_eq!(results.events.len(), 2);
//! assert_eq!(results.events[0].event_time, Some(1557481127));
//! assert_eq!(results.events[1].group_id.as_ref().unwrap(), "@TGS#12DEVUDHQ");
//! # Ok::<(), tencent_room_webhook::event::DecodeError>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::event::{body_members, Extra, RoomId, UserId};
use crate::lenient;

/// One event of `Push.OfflinePush`: an offline push of a message, at one stage.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct OfflinePushResult {
    /// `CallbackCommand`: `Push.OfflinePush`, in each event.
    pub callback_command: Option<String>,
    /// `EventType`: `1` a one-to-one message, `2` a group message.
    #[serde(deserialize_with = "lenient::number")]
    pub event_type: Option<u32>,
    /// `EventTime`: when it happened, in **seconds** since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub event_time: Option<u64>,
    /// `From_Account`: the message's sender.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `To_Account`: the push's recipient.
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// `PushPlatform`: the vendor channel: `0` unknown, `1` APNs, `2` Xiaomi, `3` Huawei,
    /// `4` FCM, `5` Meizu, `6` OPPO, `7` vivo, `8` Honor.
    #[serde(deserialize_with = "lenient::number")]
    pub push_platform: Option<u32>,
    /// `PushStage`: `1` sent, `2` delivered, `3` clicked.
    #[serde(deserialize_with = "lenient::number")]
    pub push_stage: Option<u32>,
    /// `MsgKey`: the one-to-one message's key (`EventType` 1; empty for groups).
    pub msg_key: Option<String>,
    /// `GroupID` (capital `ID`): the group (`EventType` 2; empty one-to-one).
    #[serde(rename = "GroupID")]
    pub group_id: Option<RoomId>,
    /// `MsgSeq`: the message's sequence number.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_seq: Option<u64>,
    /// `MsgRandom`: the message's random number (said to be empty for groups).
    #[serde(deserialize_with = "lenient::number")]
    pub msg_random: Option<u64>,
    /// `MsgTime`: when the message was sent, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub msg_time: Option<u64>,
    /// `PushID` (capital `ID`): the push's ID, searchable in the console.
    #[serde(rename = "PushID")]
    pub push_id: Option<String>,
    /// `ErrCode`: `0` success, otherwise a failure.
    #[serde(deserialize_with = "lenient::number")]
    pub err_code: Option<u32>,
    /// `ErrInfo`: the result's description (may be empty).
    pub err_info: Option<String>,
    /// Members of the event this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(OfflinePushResult {});

/// `Push.OfflinePush`: offline-push results of one-to-one and group messages, 1 to 100 of
/// them (page trtc.io/document/67552, "Other Push Callbacks"). Needs the push plugin.
/// The body has no top-level `CallbackCommand`: the query's decides (the event is written
/// back without one). Over-rate batches are retried later, so an event may come twice.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct OfflinePushResults {
    /// `Events`: the results.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub events: Vec<OfflinePushResult>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// One event of `Push.AllMemberPush`: a push task's push to one user, at one stage.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AllMemberPushResult {
    /// `CallbackCommand`: `Push.AllMemberPush`, in each event.
    pub callback_command: Option<String>,
    /// `EventType`: `1` an offline push, `2` an online push.
    #[serde(deserialize_with = "lenient::number")]
    pub event_type: Option<u32>,
    /// `TaskId`: the push task, as its request returned it.
    pub task_id: Option<String>,
    /// `DataId`: the app's ID passed through from the push request (in the table only).
    pub data_id: Option<String>,
    /// `TaskTime`: when the task started, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub task_time: Option<u64>,
    /// `EventTime`: when it happened, in **seconds** since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub event_time: Option<u64>,
    /// `To_Account`: the recipient.
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// `PushPlatform`: the vendor channel, as in `Push.OfflinePush` (`0` for online
    /// pushes).
    #[serde(deserialize_with = "lenient::number")]
    pub push_platform: Option<u32>,
    /// `DeviceType`: the device's vendor, the same codes (in the table only, whose
    /// wording may be swapped with `PushPlatform`'s).
    #[serde(deserialize_with = "lenient::number")]
    pub device_type: Option<u32>,
    /// `PushStage`: `1` sent, `2` delivered, `3` clicked.
    #[serde(deserialize_with = "lenient::number")]
    pub push_stage: Option<u32>,
    /// `ErrCode`: `0` success, otherwise a failure.
    #[serde(deserialize_with = "lenient::number")]
    pub err_code: Option<u32>,
    /// `ErrInfo`: the result's description (may be empty).
    pub err_info: Option<String>,
    /// Members of the event this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(AllMemberPushResult {});

/// `Push.AllMemberPush`: results of all-user, tag and user-ID push tasks, 1 to 100 of
/// them (page trtc.io/document/67551). Needs the push plugin. The body has no top-level
/// `CallbackCommand`: the query's decides (the event is written back without one).
/// Over-rate batches are retried later, so an event may come twice.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AllMemberPushResults {
    /// `Events`: the results.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub events: Vec<AllMemberPushResult>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}
