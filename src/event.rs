//! The typed events: one struct per Room callback command, and [`Event`] over them.
//!
//! Field names are Tencent's, exactly, through serde; the Rust names are their snake case.
//! Every field but the command may be missing, so every field is optional (lists read a
//! missing or `null` value as empty). Fields this crate does not list are kept in `extra`,
//! so protocol drift never loses data.
//!
//! Decoding is lenient the way Tencent's own samples require: booleans may be the strings
//! `"true"` / `"false"`, user and room IDs may be JSON numbers, integers and `EventTime`
//! may be decimal strings, and enumerations keep values they do not list.
//!
//! ```
//! use tencent_room_webhook::event::{Event, MemberChangeType};
//!
//! let body = br#"{
//!     "CallbackCommand": "Room.CallbackAfterMemberLeave",
//!     "RoomId": "rid-123",
//!     "Type": "Kicked",
//!     "MemberList_Account": ["user2", 42],
//!     "EventTime": "1670574414999",
//!     "Shard": 7
//! }"#;
//! let Event::MemberLeft(left) = Event::from_json(body)? else { unreachable!() };
//! assert_eq!(left.room_id.as_ref().unwrap(), "rid-123");
//! assert_eq!(left.change_type, Some(MemberChangeType::Kicked));
//! assert_eq!(left.member_list_account[1], "42");
//! assert_eq!(left.event_time.unwrap().as_millis(), 1670574414999);
//! assert_eq!(left.extra["Shard"], 7);
//! # Ok::<(), tencent_room_webhook::event::DecodeError>(())
//! ```

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::lenient;

/// The JSON members of a body that this crate does not name, kept as sent.
pub type Extra = Map<String, Value>;

id_type! {
    /// A user ID (`Operator_Account`, `Owner_Account`, `Member_Account`, the `*_Account` lists).
    UserId
}

id_type! {
    /// A room ID (`RoomId`).
    RoomId
}

/// `EventTime`: when the event happened, in milliseconds since the Unix epoch.
///
/// Decodes from a JSON integer or a decimal string; encodes as an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct EventTime(u64);

impl EventTime {
    /// The time `millis` milliseconds after the Unix epoch.
    pub const fn from_millis(millis: u64) -> Self {
        Self(millis)
    }

    /// Milliseconds since the Unix epoch.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// The same instant as a [`SystemTime`].
    pub fn to_system_time(self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.0)
    }
}

impl<'de> Deserialize<'de> for EventTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `null` is handled by the `Option` around every `EventTime` field.
        lenient::number(deserializer)?
            .map(Self)
            .ok_or_else(|| de::Error::invalid_type(de::Unexpected::Unit, &"milliseconds"))
    }
}

impl fmt::Display for EventTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

open_enum! {
    /// `Type` of a member event: why members entered or left.
    pub enum MemberChangeType {
        /// `Enter`: users joined.
        Enter = "Enter",
        /// `Leave`: users left by themselves.
        Leave = "Leave",
        /// `Kicked`: users were kicked out.
        Kicked = "Kicked",
        /// `Expired`: the users' heartbeat expired.
        Expired = "Expired",
    }
}

open_enum! {
    /// `RoomType`.
    pub enum RoomType {
        /// `Meeting`, as Tencent's callback samples say.
        Meeting = "Meeting",
        /// `Conference`, as Tencent's REST API says.
        Conference = "Conference",
        /// `Live`.
        Live = "Live",
    }
}

open_enum! {
    /// `RoomStatus`.
    pub enum RoomStatus {
        /// `None`.
        None = "None",
        /// `NotStarted`: a scheduled room before its start.
        NotStarted = "NotStarted",
        /// `Running`.
        Running = "Running",
    }
}

open_enum! {
    /// `TakeSeatMode`: how members get onto a seat.
    pub enum TakeSeatMode {
        /// `None`: seats are not used.
        None = "None",
        /// `FreeToTake`: members take a seat freely.
        FreeToTake = "FreeToTake",
        /// `ApplyToTake`: members apply and the owner or an admin approves.
        ApplyToTake = "ApplyToTake",
    }
}

/// `RoomInfo`: a room's settings, in full after a creation and in part after an update.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RoomInfo {
    /// `RoomId`.
    pub room_id: Option<RoomId>,
    /// `RoomName`.
    pub room_name: Option<String>,
    /// `RoomType`.
    pub room_type: Option<RoomType>,
    /// `Owner_Account`: the room's owner.
    #[serde(rename = "Owner_Account")]
    pub owner_account: Option<UserId>,
    /// `MaxMemberCount`.
    #[serde(deserialize_with = "lenient::number")]
    pub max_member_count: Option<u32>,
    /// `MaxSeatCount`.
    #[serde(deserialize_with = "lenient::number")]
    pub max_seat_count: Option<u32>,
    /// `IsVideoDisabled`.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_video_disabled: Option<bool>,
    /// `IsAudioDisabled`.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_audio_disabled: Option<bool>,
    /// `IsMessageDisabled`.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_message_disabled: Option<bool>,
    /// `IsScreenSharingDisabled`.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_screen_sharing_disabled: Option<bool>,
    /// `IsCloudRecordingDisabled`.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_cloud_recording_disabled: Option<bool>,
    /// `IsSeatEnabled`.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_seat_enabled: Option<bool>,
    /// `CustomInfo`: the app's own text.
    pub custom_info: Option<String>,
    /// `ScheduleStartTime`, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub schedule_start_time: Option<u64>,
    /// `ScheduleEndTime`, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub schedule_end_time: Option<u64>,
    /// `CreateTime`, in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient::number")]
    pub create_time: Option<u64>,
    /// `RoomStatus`.
    pub room_status: Option<RoomStatus>,
    /// `TakeSeatMode`.
    pub take_seat_mode: Option<TakeSeatMode>,
    /// Members of `RoomInfo` this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One seat of `SeatList`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Seat {
    /// `Index`: the seat's position.
    #[serde(deserialize_with = "lenient::number")]
    pub index: Option<u32>,
    /// `Member_Account`: the user on the seat; missing or empty when the seat is free.
    #[serde(rename = "Member_Account")]
    pub member_account: Option<UserId>,
    /// `IsTakenDisabled`: the seat is locked.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_taken_disabled: Option<bool>,
    /// `IsVideoDisabled`.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_video_disabled: Option<bool>,
    /// `IsAudioDisabled`.
    #[serde(deserialize_with = "lenient::flag")]
    pub is_audio_disabled: Option<bool>,
    /// Members of the seat this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Seat {
    /// The user on the seat, or `None` when the seat is free (`Member_Account` missing or empty).
    pub fn occupant(&self) -> Option<&UserId> {
        self.member_account
            .as_ref()
            .filter(|user| !user.as_str().is_empty())
    }
}

// The events. Each is a plain serde struct: Tencent's names are the fields' in PascalCase
// unless renamed, an absent member is left out when written, and a field whose type's own
// `Deserialize` is not lenient enough names its reader.
// `extra` reads through `body_members`, which keeps `CallbackCommand` for `Event::decode` to
// check and take out. A new event is its struct, its `impl` with `COMMAND`, and one line in
// `events!` below.

/// `Room.CallbackAfterCreateRoom`: a room was created, by a client or through the REST API.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RoomCreated {
    /// `Operator_Account`: who created the room.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `RoomInfo`: the new room's settings.
    pub room_info: Option<RoomInfo>,
    /// `ScheduleInviteeList_Account`: users invited to a scheduled room (may repeat).
    #[serde(
        rename = "ScheduleInviteeList_Account",
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub schedule_invitee_list_account: Vec<UserId>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See [`RoomDestroyed::extra`].
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl RoomCreated {
    /// The `CallbackCommand` of this event.
    pub const COMMAND: &'static str = "Room.CallbackAfterCreateRoom";

    /// The room the event is about: `RoomInfo.RoomId`.
    pub fn room_id(&self) -> Option<&RoomId> {
        self.room_info.as_ref()?.room_id.as_ref()
    }
}

/// `Room.CallbackAfterDestroyRoom`: a room was destroyed.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RoomDestroyed {
    /// `Operator_Account`: who destroyed the room.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `RoomId`.
    pub room_id: Option<RoomId>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name (for example the `EventType` that Tencent's
    /// Live product adds), kept as sent. [`Event::decode`] and [`Event::from_json`] check
    /// `CallbackCommand` and leave it out; the struct's own `Deserialize` keeps it here,
    /// and its `Serialize` leaves it out ([`Event`] writes the command).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl RoomDestroyed {
    /// The `CallbackCommand` of this event.
    pub const COMMAND: &'static str = "Room.CallbackAfterDestroyRoom";

    /// The room the event is about.
    pub fn room_id(&self) -> Option<&RoomId> {
        self.room_id.as_ref()
    }
}

/// `Room.CallbackAfterUpdateRoomInfo`: a room's settings were updated.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RoomInfoUpdated {
    /// `Operator_Account`: who updated the room.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `RoomInfo`: the room ID and the members that changed.
    pub room_info: Option<RoomInfo>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See [`RoomDestroyed::extra`].
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl RoomInfoUpdated {
    /// The `CallbackCommand` of this event.
    pub const COMMAND: &'static str = "Room.CallbackAfterUpdateRoomInfo";

    /// The room the event is about: `RoomInfo.RoomId`.
    pub fn room_id(&self) -> Option<&RoomId> {
        self.room_info.as_ref()?.room_id.as_ref()
    }
}

/// `Room.CallbackAfterMemberEnter`: users joined a room.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MemberEntered {
    /// `Operator_Account`.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `RoomId`.
    pub room_id: Option<RoomId>,
    /// `MemberCount`: the number of members after the event.
    #[serde(deserialize_with = "lenient::number")]
    pub member_count: Option<u32>,
    /// `Type`: `Enter`.
    #[serde(rename = "Type")]
    pub change_type: Option<MemberChangeType>,
    /// `MemberList_Account`: the users who joined.
    #[serde(
        rename = "MemberList_Account",
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub member_list_account: Vec<UserId>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See [`RoomDestroyed::extra`].
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl MemberEntered {
    /// The `CallbackCommand` of this event.
    pub const COMMAND: &'static str = "Room.CallbackAfterMemberEnter";

    /// The room the event is about.
    pub fn room_id(&self) -> Option<&RoomId> {
        self.room_id.as_ref()
    }
}

/// `Room.CallbackAfterMemberLeave`: users left a room, by themselves, kicked out, or
/// because their heartbeat expired.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MemberLeft {
    /// `Operator_Account`.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `RoomId`.
    pub room_id: Option<RoomId>,
    /// `MemberCount`: the number of members after the event.
    #[serde(deserialize_with = "lenient::number")]
    pub member_count: Option<u32>,
    /// `Type`: `Leave`, `Kicked` or `Expired`.
    #[serde(rename = "Type")]
    pub change_type: Option<MemberChangeType>,
    /// `MemberList_Account`: the users who left.
    #[serde(
        rename = "MemberList_Account",
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub member_list_account: Vec<UserId>,
    /// `Reason`: free text.
    pub reason: Option<String>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See [`RoomDestroyed::extra`].
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl MemberLeft {
    /// The `CallbackCommand` of this event.
    pub const COMMAND: &'static str = "Room.CallbackAfterMemberLeave";

    /// The room the event is about.
    pub fn room_id(&self) -> Option<&RoomId> {
        self.room_id.as_ref()
    }
}

/// `Mic.CallbackAfterSeatInfoChanged`: a room's seat list changed.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SeatListChanged {
    /// `Operator_Account`.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `RoomId`.
    pub room_id: Option<RoomId>,
    /// `SeatList`: every seat after the change.
    #[serde(
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub seat_list: Vec<Seat>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See [`RoomDestroyed::extra`].
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

impl SeatListChanged {
    /// The `CallbackCommand` of this event.
    pub const COMMAND: &'static str = "Mic.CallbackAfterSeatInfoChanged";

    /// The room the event is about.
    pub fn room_id(&self) -> Option<&RoomId> {
        self.room_id.as_ref()
    }
}

/// A callback whose command this crate does not know: a future Room command, or another
/// Chat command sent to the same URL.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UnknownEvent {
    /// The `CallbackCommand`.
    pub command: String,
    /// The whole body, `CallbackCommand` included.
    pub body: Extra,
}

/// A callback of a known command whose fields could not be read, even leniently. It is
/// delivered rather than dropped, so that the application sees what Tencent sent.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UndecodableEvent {
    /// The `CallbackCommand`.
    pub command: String,
    /// The whole body, `CallbackCommand` included.
    pub body: Extra,
    /// Why the body could not be read as the command's event. It may quote a value of
    /// the body: keep it out of answers to Tencent.
    pub reason: String,
}

/// Declares [`Event`] over the typed events, one line each, and what it does through all
/// of them: decode by command, name the command, the room and the time, write back.
macro_rules! events {
    ($( $(#[$meta:meta])* $variant:ident, )+) => {
        /// A Room callback, decoded.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            $( $(#[$meta])* $variant($variant), )+
            /// A command this crate does not know.
            Unknown(UnknownEvent),
            /// A known command whose fields could not be read.
            Undecodable(UndecodableEvent),
        }

        impl Event {
            /// Decodes a callback body sent with `command` in the query.
            ///
            /// The body must be a JSON object whose `CallbackCommand` equals `command`. A known
            /// command whose fields cannot be read gives [`Event::Undecodable`], an unknown one
            /// [`Event::Unknown`]; neither is an error.
            pub fn decode(command: &str, body: &[u8]) -> Result<Self, DecodeError> {
                let body = std::str::from_utf8(body).map_err(|_| DecodeError::NotUtf8)?;
                match command {
                    $( $variant::COMMAND => typed(command, body, |event: &mut $variant| &mut event.extra, Self::$variant), )+
                    _ => Ok(Self::Unknown(UnknownEvent {
                        command: command.to_owned(),
                        body: object(command, body)?,
                    })),
                }
            }

            /// The command as this crate names it, if it is one it knows.
            pub fn known_command(command: &str) -> Option<&'static str> {
                [$( $variant::COMMAND, )+].into_iter().find(|known| *known == command)
            }

            /// The `CallbackCommand`.
            pub fn command(&self) -> &str {
                match self {
                    $( Self::$variant(_) => $variant::COMMAND, )+
                    Self::Unknown(event) => &event.command,
                    Self::Undecodable(event) => &event.command,
                }
            }

            /// The room the event is about, when the body names one.
            pub fn room_id(&self) -> Option<&RoomId> {
                match self {
                    $( Self::$variant(event) => event.room_id(), )+
                    Self::Unknown(_) | Self::Undecodable(_) => None,
                }
            }

            /// `EventTime`, when the body has a readable one.
            pub fn event_time(&self) -> Option<EventTime> {
                match self {
                    $( Self::$variant(event) => event.event_time, )+
                    Self::Unknown(UnknownEvent { body, .. })
                    | Self::Undecodable(UndecodableEvent { body, .. }) => body
                        .get("EventTime")
                        .and_then(|time| EventTime::deserialize(time).ok()),
                }
            }

            /// The body members of the event that this crate does not name.
            pub(crate) fn extra(&self) -> Option<&Extra> {
                match self {
                    $( Self::$variant(event) => Some(&event.extra), )+
                    Self::Unknown(_) | Self::Undecodable(_) => None,
                }
            }
        }

        /// Encodes the event as Tencent sent it: `CallbackCommand` first, Tencent's field
        /// names, the unnamed members included. Unknown and undecodable events encode their
        /// body as is.
        impl Serialize for Event {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( Self::$variant(event) => Tagged { command: $variant::COMMAND, event }.serialize(serializer), )+
                    Self::Unknown(event) => event.body.serialize(serializer),
                    Self::Undecodable(event) => event.body.serialize(serializer),
                }
            }
        }
    };
}

events! {
    /// `Room.CallbackAfterCreateRoom`.
    RoomCreated,
    /// `Room.CallbackAfterDestroyRoom`.
    RoomDestroyed,
    /// `Room.CallbackAfterUpdateRoomInfo`.
    RoomInfoUpdated,
    /// `Room.CallbackAfterMemberEnter`.
    MemberEntered,
    /// `Room.CallbackAfterMemberLeave`.
    MemberLeft,
    /// `Mic.CallbackAfterSeatInfoChanged`.
    SeatListChanged,
}

impl Event {
    /// Decodes a callback body, taking the command from its `CallbackCommand`.
    ///
    /// The layer itself decodes with [`Event::decode`], against the command of the query.
    pub fn from_json(body: &[u8]) -> Result<Self, DecodeError> {
        // Not on the layer's path, so reading the body twice is fine here.
        let object: Extra = serde_json::from_slice(body).map_err(DecodeError::from_json)?;
        match object.get("CallbackCommand") {
            Some(Value::String(command)) => Self::decode(command, body),
            Some(_) => Err(DecodeError::CommandNotText),
            None => Err(DecodeError::MissingCommand),
        }
    }
}

/// An event written with its command first.
#[derive(Serialize)]
struct Tagged<'a, T> {
    #[serde(rename = "CallbackCommand")]
    command: &'static str,
    #[serde(flatten)]
    event: &'a T,
}

/// Why a body is not a callback at all. The message never quotes the body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// The body is not UTF-8 (so not JSON).
    NotUtf8,
    /// The body is not JSON.
    NotJson {
        /// Line of the first error, from 1.
        line: usize,
        /// Column of the first error, from 1.
        column: usize,
    },
    /// The body is JSON, but not an object.
    NotAnObject,
    /// The body has no `CallbackCommand`.
    MissingCommand,
    /// The body's `CallbackCommand` is not a string.
    CommandNotText,
    /// The body's `CallbackCommand` differs from the query's.
    CommandMismatch,
    /// The body has `CallbackCommand` more than once, with different values: readers that
    /// keep the first and readers that keep the last would disagree on what it is.
    CommandRepeated,
}

impl DecodeError {
    fn from_json(error: serde_json::Error) -> Self {
        match error.classify() {
            serde_json::error::Category::Data => Self::NotAnObject,
            _ => Self::NotJson {
                line: error.line(),
                column: error.column(),
            },
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotJson { line, column } => write!(
                f,
                "body is not valid JSON (error at line {line}, column {column})"
            ),
            Self::NotUtf8 => f.write_str("body is not UTF-8 text, so not JSON"),
            Self::NotAnObject => f.write_str("body is not a JSON object"),
            Self::MissingCommand => f.write_str("body has no CallbackCommand"),
            Self::CommandNotText => f.write_str("body's CallbackCommand is not a string"),
            Self::CommandRepeated => {
                f.write_str("body has CallbackCommand more than once, with different values")
            }
            Self::CommandMismatch => {
                f.write_str("body's CallbackCommand differs from the CallbackCommand of the query")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// Reads the body as the event `T` of `command`. A body that cannot be read so is read again
/// as a plain object, which tells a body that is no callback (an error) from one whose
/// fields are unreadable ([`Event::Undecodable`], its reason naming the member).
fn typed<T: DeserializeOwned>(
    command: &str,
    body_text: &str,
    extra: fn(&mut T) -> &mut Extra,
    wrap: fn(T) -> Event,
) -> Result<Event, DecodeError> {
    match serde_json::from_str::<T>(body_text) {
        Ok(mut event) => {
            check_command(
                extra(&mut event).remove("CallbackCommand").as_ref(),
                command,
            )?;
            Ok(wrap(event))
        }
        Err(_) => {
            let body = object(command, body_text)?;
            // Read once more, to name the member that failed: only on this rare path.
            let reason = match serde_path_to_error::deserialize::<_, T>(
                &mut serde_json::Deserializer::from_str(body_text),
            ) {
                Err(error) => format!("{}: {}", error.path(), error.inner()),
                Ok(_) => "the body could not be read as this command's event".to_owned(),
            };
            Ok(Event::Undecodable(UndecodableEvent {
                command: command.to_owned(),
                body,
                reason,
            }))
        }
    }
}

/// A body's members, and whether `CallbackCommand` is among them more than once with
/// different values: readers that keep the first and readers that keep the last would
/// disagree on what it is. (A map keeps only the last.)
struct Members {
    members: Extra,
    command_repeated: bool,
}

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;

        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Extra::new();
                let mut command_repeated = false;
                while let Some((name, value)) = map.next_entry::<String, Value>()? {
                    if name == "CallbackCommand" {
                        command_repeated |= members.get(&name).is_some_and(|first| *first != value);
                    }
                    members.insert(name, value);
                }
                Ok(Members {
                    members,
                    command_repeated,
                })
            }
        }

        deserializer.deserialize_map(MembersVisitor)
    }
}

/// The `extra` of an event: the members no field names. Read, `CallbackCommand` is among
/// them for [`Event::decode`] to check and take out; written, it is left out, since
/// [`Event`] writes its own first.
mod body_members {
    use serde::ser::SerializeMap;
    use serde::{de, Deserialize, Deserializer, Serializer};

    use super::{Extra, Members};

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Extra, D::Error> {
        let read = Members::deserialize(deserializer)?;
        if read.command_repeated {
            // Read again by `object`, which says so.
            return Err(de::Error::custom(
                "CallbackCommand is repeated with another value",
            ));
        }
        Ok(read.members)
    }

    pub(super) fn serialize<S: Serializer>(
        extra: &Extra,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in extra.iter().filter(|(name, _)| *name != "CallbackCommand") {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// The body as a JSON object whose `CallbackCommand` is `command`, given once, or
/// repeated with the same value.
fn object(command: &str, body: &str) -> Result<Extra, DecodeError> {
    let read: Members = serde_json::from_str(body).map_err(DecodeError::from_json)?;
    if read.command_repeated {
        return Err(DecodeError::CommandRepeated);
    }
    check_command(read.members.get("CallbackCommand"), command)?;
    Ok(read.members)
}

fn check_command(found: Option<&Value>, expected: &str) -> Result<(), DecodeError> {
    match found {
        Some(Value::String(found)) if found == expected => Ok(()),
        Some(Value::String(_)) => Err(DecodeError::CommandMismatch),
        Some(_) => Err(DecodeError::CommandNotText),
        None => Err(DecodeError::MissingCommand),
    }
}
