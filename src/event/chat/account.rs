//! Operations and accounts: `Alert.RequestOverLimit` (a REST API near its rate limit),
//! `State.StateChange` (online state) and `Profile.CallbackPortraitSet` (profiles).
//!
//! About the app or one user, never a room.
//!
//! ```
//! use tencent_room_webhook::event::chat::account::{StateAction, StateReason};
//! use tencent_room_webhook::event::{ChatEvent, Event};
//!
//! let body = br#"{
//!     "CallbackCommand": "State.StateChange",
//!     "EventTime": 1629883332497,
//!     "Info": {"Action": "Login", "To_Account": "testuser316", "Reason": "Register"},
//!     "KickedDevice": [{"Platform": "Windows"}]
//! }"#;
//! let Event::Chat(ChatEvent::StateChanged(changed)) = Event::from_json(body)? else {
//!     unreachable!()
//! };
//! let info = changed.info.as_ref().unwrap();
//! assert_eq!(info.action, Some(StateAction::Login));
//! assert_eq!(info.reason, Some(StateReason::Register));
//! assert_eq!(info.to_account.as_ref().unwrap(), "testuser316");
//! assert_eq!(changed.kicked_device.len(), 1);
//! # Ok::<(), tencent_room_webhook::event::DecodeError>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::event::{body_members, EventTime, Extra, UserId};
use crate::lenient;

/// `Alert.RequestOverLimit`: a REST API's request rate passed 80 % of its limit (page
/// trtc.io/document/60256). About the app, not a room; on as soon as a URL is configured.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RequestOverLimit {
    /// `ServiceName`: the REST API's service (`openim`).
    pub service_name: Option<String>,
    /// `Command`: the REST API's command word (`batchsendmsg`); with `ServiceName` it
    /// names the API.
    pub command: Option<String>,
    /// `Request`: the current request rate, per second.
    #[serde(deserialize_with = "lenient::number")]
    pub request: Option<u64>,
    /// `Limit`: the API's limit, requests per second.
    #[serde(deserialize_with = "lenient::number")]
    pub limit: Option<u64>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

open_enum! {
    /// `Info.Action` of `State.StateChange`: what happened to the user's connection.
    pub enum StateAction {
        /// `Login`: a TCP connection was established (login or reconnection).
        Login = "Login",
        /// `Logout`: the connection was closed by a logout.
        Logout = "Logout",
        /// `Disconnect`: the connection was lost (closed, or the heartbeat timed out).
        Disconnect = "Disconnect",
    }
}

open_enum! {
    /// `Info.Reason` of `State.StateChange`: why the state changed.
    pub enum StateReason {
        /// `Register`: connected or reconnected (with `Login`).
        Register = "Register",
        /// `Unregister`: logged out (with `Logout`).
        Unregister = "Unregister",
        /// `LinkClose`: the backend saw the connection close (with `Disconnect`).
        LinkClose = "LinkClose",
        /// `TimeOut`: no heartbeat for 400 s (with `Disconnect`).
        TimeOut = "TimeOut",
        /// `SetCustomStatus`: the user set a custom status (Chinese page, 2024 on; the
        /// `Action` that comes with it is not documented).
        SetCustomStatus = "SetCustomStatus",
    }
}

open_enum! {
    /// `KickedDevice[].Platform` of `State.StateChange`: the kind of device kicked offline.
    pub enum DevicePlatform {
        /// `iOS`.
        Ios = "iOS",
        /// `Android`.
        Android = "Android",
        /// `Web`.
        Web = "Web",
        /// `Windows`.
        Windows = "Windows",
        /// `iPad`.
        IPad = "iPad",
        /// `Mac`.
        Mac = "Mac",
        /// `Linux`.
        Linux = "Linux",
    }
}

/// `Info` of `State.StateChange`: the user and the change.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct StateInfo {
    /// `Action`: `Login`, `Logout` or `Disconnect` (the value sent with a custom status
    /// change is not documented: it is kept as sent).
    pub action: Option<StateAction>,
    /// `To_Account`: the user.
    #[serde(rename = "To_Account")]
    pub to_account: Option<UserId>,
    /// `Reason`: `Register`, `Unregister`, `LinkClose`, `TimeOut` or `SetCustomStatus`.
    pub reason: Option<StateReason>,
    /// `CustomStatus`: the user's custom status after the change (Chinese page, 2024 on;
    /// listed after `Reason`, so read here and at the top of the body alike: see
    /// [`StateChanged::custom_status`]).
    pub custom_status: Option<String>,
    /// Members of `Info` this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(StateInfo {});

/// An entry of `KickedDevice`: a device the login kicked offline.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct KickedDevice {
    /// `Platform`: `iOS`, `Android`, `Web`, `Windows`, `iPad`, `Mac` or `Linux`.
    pub platform: Option<DevicePlatform>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(KickedDevice {});

/// `State.StateChange`: a user logged in, logged out, was disconnected, or set a custom
/// status (page trtc.io/document/34357; Chinese cloud.tencent.com 269/2570). About one
/// user, not a room.
///
/// With native SDK 5.6.1200 / Web SDK 2.14.0 and later, a user kicked by a login on
/// another device gives only the new device's `Login` (`Register`), with `KickedDevice`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct StateChanged {
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// `Info`: the user and the change.
    pub info: Option<StateInfo>,
    /// `KickedDevice`: the devices kicked offline by this login (only with `Login` /
    /// `Register`, when there were any).
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub kicked_device: Vec<KickedDevice>,
    /// `CustomStatus` at the top of the body: the Chinese table lists it after
    /// `Info.Reason` without saying whether it is inside `Info`; read in either place.
    pub custom_status: Option<String>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl StateChanged {
    /// The user's custom status after the change, wherever the body has it: `Info`'s
    /// `CustomStatus`, else the top level's.
    pub fn custom_status(&self) -> Option<&str> {
        self.info
            .as_ref()
            .and_then(|info| info.custom_status.as_deref())
            .or(self.custom_status.as_deref())
    }
}

/// The value of a `ProfileItem`: text, or a number for the numeric profile fields (the
/// page's table says "uint32/string"). Written back as it arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ProfileValue {
    /// A text value (`Tag_Profile_IM_Nick`, `Tag_Profile_IM_Gender`, string custom fields).
    Text(String),
    /// A number (`Tag_Profile_IM_BirthDay`, `Tag_Profile_IM_Level`, integer custom fields).
    Number(u64),
}

impl ProfileValue {
    /// The value, if it is text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            Self::Number(_) => None,
        }
    }

    /// The value, if it is a number.
    pub fn as_number(&self) -> Option<u64> {
        match self {
            Self::Number(number) => Some(*number),
            Self::Text(_) => None,
        }
    }
}

/// An entry of `ProfileItem`: one profile field and its new value.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ProfileItem {
    /// `Tag`: the profile field (`Tag_Profile_IM_Nick`, `Tag_Profile_IM_Gender`,
    /// `Tag_Profile_IM_AllowType`, `Tag_Profile_Custom_...`).
    pub tag: Option<String>,
    /// `Value`: the field's new value, text or a number.
    pub value: Option<ProfileValue>,
    /// Members of the entry this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(ProfileItem {});

/// `Profile.CallbackPortraitSet`: a user's profile was updated, from a client or through
/// the REST API (page trtc.io/document/48733). About one user, not a room.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ProfileUpdated {
    /// `Operator_Account`: who updated it.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `From_Account`: whose profile it is.
    #[serde(rename = "From_Account")]
    pub from_account: Option<UserId>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// `ProfileItem`: the fields updated and their new values.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub profile_item: Vec<ProfileItem>,
    /// Body members this crate does not name, kept as sent. See
    /// [`RoomDestroyed::extra`](crate::event::RoomDestroyed::extra).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}
