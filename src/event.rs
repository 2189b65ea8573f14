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
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
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
        lenient::integer(deserializer).map(Self)
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RoomInfo {
    /// `RoomId`.
    #[serde(rename = "RoomId", default, skip_serializing_if = "Option::is_none")]
    pub room_id: Option<RoomId>,
    /// `RoomName`.
    #[serde(rename = "RoomName", default, skip_serializing_if = "Option::is_none")]
    pub room_name: Option<String>,
    /// `RoomType`.
    #[serde(rename = "RoomType", default, skip_serializing_if = "Option::is_none")]
    pub room_type: Option<RoomType>,
    /// `Owner_Account`: the room's owner.
    #[serde(
        rename = "Owner_Account",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub owner_account: Option<UserId>,
    /// `MaxMemberCount`.
    #[serde(
        rename = "MaxMemberCount",
        default,
        deserialize_with = "lenient::opt_u32",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_member_count: Option<u32>,
    /// `MaxSeatCount`.
    #[serde(
        rename = "MaxSeatCount",
        default,
        deserialize_with = "lenient::opt_u32",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_seat_count: Option<u32>,
    /// `IsVideoDisabled`.
    #[serde(
        rename = "IsVideoDisabled",
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_video_disabled: Option<bool>,
    /// `IsAudioDisabled`.
    #[serde(
        rename = "IsAudioDisabled",
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_audio_disabled: Option<bool>,
    /// `IsMessageDisabled`.
    #[serde(
        rename = "IsMessageDisabled",
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_message_disabled: Option<bool>,
    /// `IsScreenSharingDisabled`.
    #[serde(
        rename = "IsScreenSharingDisabled",
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_screen_sharing_disabled: Option<bool>,
    /// `IsCloudRecordingDisabled`.
    #[serde(
        rename = "IsCloudRecordingDisabled",
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_cloud_recording_disabled: Option<bool>,
    /// `IsSeatEnabled`.
    #[serde(
        rename = "IsSeatEnabled",
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_seat_enabled: Option<bool>,
    /// `CustomInfo`: the app's own text.
    #[serde(
        rename = "CustomInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_info: Option<String>,
    /// `ScheduleStartTime`, in seconds since the Unix epoch.
    #[serde(
        rename = "ScheduleStartTime",
        default,
        deserialize_with = "lenient::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub schedule_start_time: Option<u64>,
    /// `ScheduleEndTime`, in seconds since the Unix epoch.
    #[serde(
        rename = "ScheduleEndTime",
        default,
        deserialize_with = "lenient::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub schedule_end_time: Option<u64>,
    /// `CreateTime`, in seconds since the Unix epoch.
    #[serde(
        rename = "CreateTime",
        default,
        deserialize_with = "lenient::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_time: Option<u64>,
    /// `RoomStatus`.
    #[serde(
        rename = "RoomStatus",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub room_status: Option<RoomStatus>,
    /// `TakeSeatMode`.
    #[serde(
        rename = "TakeSeatMode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub take_seat_mode: Option<TakeSeatMode>,
    /// Members of `RoomInfo` this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One seat of `SeatList`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Seat {
    /// `Index`: the seat's position.
    #[serde(
        rename = "Index",
        default,
        deserialize_with = "lenient::opt_u32",
        skip_serializing_if = "Option::is_none"
    )]
    pub index: Option<u32>,
    /// `Member_Account`: the user on the seat; missing or empty when the seat is free.
    #[serde(
        rename = "Member_Account",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub member_account: Option<UserId>,
    /// `IsTakenDisabled`: the seat is locked.
    #[serde(
        rename = "IsTakenDisabled",
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_taken_disabled: Option<bool>,
    /// `IsVideoDisabled`.
    #[serde(
        rename = "IsVideoDisabled",
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_video_disabled: Option<bool>,
    /// `IsAudioDisabled`.
    #[serde(
        rename = "IsAudioDisabled",
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
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

/// Declares an event struct: the command it answers to and the accessors [`Event`] uses.
macro_rules! event {
    (
        $(#[$meta:meta])*
        $name:ident = $command:literal;
        room_id: |$this:ident| $room_id:expr;
        { $($fields:tt)* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[non_exhaustive]
        pub struct $name {
            $($fields)*
            /// `EventTime`: when the event happened.
            #[serde(rename = "EventTime", default, skip_serializing_if = "Option::is_none")]
            pub event_time: Option<EventTime>,
            /// Body members this crate does not name (for example the `EventType` that
            /// Tencent's Live product adds), kept as sent.
            #[serde(flatten)]
            pub extra: Extra,
        }

        impl $name {
            #[doc = concat!("The `CallbackCommand` of this event: `", $command, "`.")]
            pub const COMMAND: &'static str = $command;

            /// The room the event is about.
            pub fn room_id(&self) -> Option<&RoomId> {
                let $this = self;
                $room_id
            }
        }

        impl Typed for $name {
            fn extra_mut(&mut self) -> &mut Extra {
                &mut self.extra
            }
        }
    };
}

event! {
    /// `Room.CallbackAfterCreateRoom`: a room was created, by a client or through the REST API.
    RoomCreated = "Room.CallbackAfterCreateRoom";
    room_id: |e| e.room_info.as_ref().and_then(|info| info.room_id.as_ref());
    {
        /// `Operator_Account`: who created the room.
        #[serde(rename = "Operator_Account", default, skip_serializing_if = "Option::is_none")]
        pub operator_account: Option<UserId>,
        /// `RoomInfo`: the new room's settings.
        #[serde(rename = "RoomInfo", default, skip_serializing_if = "Option::is_none")]
        pub room_info: Option<RoomInfo>,
        /// `ScheduleInviteeList_Account`: users invited to a scheduled room (may repeat).
        #[serde(
            rename = "ScheduleInviteeList_Account",
            default,
            deserialize_with = "lenient::list",
            skip_serializing_if = "Vec::is_empty"
        )]
        pub schedule_invitee_list_account: Vec<UserId>,
    }
}

event! {
    /// `Room.CallbackAfterDestroyRoom`: a room was destroyed.
    RoomDestroyed = "Room.CallbackAfterDestroyRoom";
    room_id: |e| e.room_id.as_ref();
    {
        /// `Operator_Account`: who destroyed the room.
        #[serde(rename = "Operator_Account", default, skip_serializing_if = "Option::is_none")]
        pub operator_account: Option<UserId>,
        /// `RoomId`.
        #[serde(rename = "RoomId", default, skip_serializing_if = "Option::is_none")]
        pub room_id: Option<RoomId>,
    }
}

event! {
    /// `Room.CallbackAfterUpdateRoomInfo`: a room's settings were updated.
    RoomInfoUpdated = "Room.CallbackAfterUpdateRoomInfo";
    room_id: |e| e.room_info.as_ref().and_then(|info| info.room_id.as_ref());
    {
        /// `Operator_Account`: who updated the room.
        #[serde(rename = "Operator_Account", default, skip_serializing_if = "Option::is_none")]
        pub operator_account: Option<UserId>,
        /// `RoomInfo`: the room ID and the members that changed.
        #[serde(rename = "RoomInfo", default, skip_serializing_if = "Option::is_none")]
        pub room_info: Option<RoomInfo>,
    }
}

event! {
    /// `Room.CallbackAfterMemberEnter`: users joined a room.
    MemberEntered = "Room.CallbackAfterMemberEnter";
    room_id: |e| e.room_id.as_ref();
    {
        /// `Operator_Account`.
        #[serde(rename = "Operator_Account", default, skip_serializing_if = "Option::is_none")]
        pub operator_account: Option<UserId>,
        /// `RoomId`.
        #[serde(rename = "RoomId", default, skip_serializing_if = "Option::is_none")]
        pub room_id: Option<RoomId>,
        /// `MemberCount`: the number of members after the event.
        #[serde(
            rename = "MemberCount",
            default,
            deserialize_with = "lenient::opt_u32",
            skip_serializing_if = "Option::is_none"
        )]
        pub member_count: Option<u32>,
        /// `Type`: `Enter`.
        #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
        pub change_type: Option<MemberChangeType>,
        /// `MemberList_Account`: the users who joined.
        #[serde(
            rename = "MemberList_Account",
            default,
            deserialize_with = "lenient::list",
            skip_serializing_if = "Vec::is_empty"
        )]
        pub member_list_account: Vec<UserId>,
    }
}

event! {
    /// `Room.CallbackAfterMemberLeave`: users left a room, by themselves, kicked out, or
    /// because their heartbeat expired.
    MemberLeft = "Room.CallbackAfterMemberLeave";
    room_id: |e| e.room_id.as_ref();
    {
        /// `Operator_Account`.
        #[serde(rename = "Operator_Account", default, skip_serializing_if = "Option::is_none")]
        pub operator_account: Option<UserId>,
        /// `RoomId`.
        #[serde(rename = "RoomId", default, skip_serializing_if = "Option::is_none")]
        pub room_id: Option<RoomId>,
        /// `MemberCount`: the number of members after the event.
        #[serde(
            rename = "MemberCount",
            default,
            deserialize_with = "lenient::opt_u32",
            skip_serializing_if = "Option::is_none"
        )]
        pub member_count: Option<u32>,
        /// `Type`: `Leave`, `Kicked` or `Expired`.
        #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
        pub change_type: Option<MemberChangeType>,
        /// `MemberList_Account`: the users who left.
        #[serde(
            rename = "MemberList_Account",
            default,
            deserialize_with = "lenient::list",
            skip_serializing_if = "Vec::is_empty"
        )]
        pub member_list_account: Vec<UserId>,
        /// `Reason`: free text.
        #[serde(rename = "Reason", default, skip_serializing_if = "Option::is_none")]
        pub reason: Option<String>,
    }
}

event! {
    /// `Mic.CallbackAfterSeatInfoChanged`: a room's seat list changed.
    SeatListChanged = "Mic.CallbackAfterSeatInfoChanged";
    room_id: |e| e.room_id.as_ref();
    {
        /// `Operator_Account`.
        #[serde(rename = "Operator_Account", default, skip_serializing_if = "Option::is_none")]
        pub operator_account: Option<UserId>,
        /// `RoomId`.
        #[serde(rename = "RoomId", default, skip_serializing_if = "Option::is_none")]
        pub room_id: Option<RoomId>,
        /// `SeatList`: every seat after the change.
        #[serde(
            rename = "SeatList",
            default,
            deserialize_with = "lenient::list",
            skip_serializing_if = "Vec::is_empty"
        )]
        pub seat_list: Vec<Seat>,
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

/// A Room callback, decoded.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// `Room.CallbackAfterCreateRoom`.
    RoomCreated(RoomCreated),
    /// `Room.CallbackAfterDestroyRoom`.
    RoomDestroyed(RoomDestroyed),
    /// `Room.CallbackAfterUpdateRoomInfo`.
    RoomInfoUpdated(RoomInfoUpdated),
    /// `Room.CallbackAfterMemberEnter`.
    MemberEntered(MemberEntered),
    /// `Room.CallbackAfterMemberLeave`.
    MemberLeft(MemberLeft),
    /// `Mic.CallbackAfterSeatInfoChanged`.
    SeatListChanged(SeatListChanged),
    /// A command this crate does not know.
    Unknown(UnknownEvent),
    /// A known command whose fields could not be read.
    Undecodable(UndecodableEvent),
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

    /// Decodes a callback body sent with `command` in the query.
    ///
    /// The body must be a JSON object whose `CallbackCommand` equals `command`. A known
    /// command whose fields cannot be read gives [`Event::Undecodable`], an unknown one
    /// [`Event::Unknown`]; neither is an error.
    pub fn decode(command: &str, body: &[u8]) -> Result<Self, DecodeError> {
        // One UTF-8 check of the whole body, rather than one per string as
        // `serde_json::from_slice` makes.
        let body = std::str::from_utf8(body).map_err(|_| DecodeError::NotUtf8)?;
        if command_repeated(body) {
            return Err(DecodeError::CommandRepeated);
        }
        match command {
            RoomCreated::COMMAND => typed(command, body, Self::RoomCreated),
            RoomDestroyed::COMMAND => typed(command, body, Self::RoomDestroyed),
            RoomInfoUpdated::COMMAND => typed(command, body, Self::RoomInfoUpdated),
            MemberEntered::COMMAND => typed(command, body, Self::MemberEntered),
            MemberLeft::COMMAND => typed(command, body, Self::MemberLeft),
            SeatListChanged::COMMAND => typed(command, body, Self::SeatListChanged),
            _ => {
                let body = object(command, body)?;
                Ok(Self::Unknown(UnknownEvent {
                    command: command.to_owned(),
                    body,
                }))
            }
        }
    }

    /// The command as this crate names it, if it is one of the six it knows.
    pub fn known_command(command: &str) -> Option<&'static str> {
        [
            RoomCreated::COMMAND,
            RoomDestroyed::COMMAND,
            RoomInfoUpdated::COMMAND,
            MemberEntered::COMMAND,
            MemberLeft::COMMAND,
            SeatListChanged::COMMAND,
        ]
        .into_iter()
        .find(|known| *known == command)
    }

    /// The `CallbackCommand`.
    pub fn command(&self) -> &str {
        match self {
            Self::RoomCreated(_) => RoomCreated::COMMAND,
            Self::RoomDestroyed(_) => RoomDestroyed::COMMAND,
            Self::RoomInfoUpdated(_) => RoomInfoUpdated::COMMAND,
            Self::MemberEntered(_) => MemberEntered::COMMAND,
            Self::MemberLeft(_) => MemberLeft::COMMAND,
            Self::SeatListChanged(_) => SeatListChanged::COMMAND,
            Self::Unknown(event) => &event.command,
            Self::Undecodable(event) => &event.command,
        }
    }

    /// The room the event is about, when the body names one.
    pub fn room_id(&self) -> Option<&RoomId> {
        match self {
            Self::RoomCreated(event) => event.room_id(),
            Self::RoomDestroyed(event) => event.room_id(),
            Self::RoomInfoUpdated(event) => event.room_id(),
            Self::MemberEntered(event) => event.room_id(),
            Self::MemberLeft(event) => event.room_id(),
            Self::SeatListChanged(event) => event.room_id(),
            Self::Unknown(_) | Self::Undecodable(_) => None,
        }
    }

    /// `EventTime`, when the body has a readable one.
    pub fn event_time(&self) -> Option<EventTime> {
        match self {
            Self::RoomCreated(event) => event.event_time,
            Self::RoomDestroyed(event) => event.event_time,
            Self::RoomInfoUpdated(event) => event.event_time,
            Self::MemberEntered(event) => event.event_time,
            Self::MemberLeft(event) => event.event_time,
            Self::SeatListChanged(event) => event.event_time,
            Self::Unknown(UnknownEvent { body, .. })
            | Self::Undecodable(UndecodableEvent { body, .. }) => body
                .get("EventTime")
                .and_then(|time| EventTime::deserialize(time).ok()),
        }
    }
}

/// Encodes the event as Tencent sent it: `CallbackCommand` first, Tencent's field names,
/// the unnamed members included. Unknown and undecodable events encode their body as is.
impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Tagged<'a, T> {
            #[serde(rename = "CallbackCommand")]
            command: &'a str,
            #[serde(flatten)]
            event: &'a T,
        }

        let command = self.command();
        match self {
            Self::RoomCreated(event) => Tagged { command, event }.serialize(serializer),
            Self::RoomDestroyed(event) => Tagged { command, event }.serialize(serializer),
            Self::RoomInfoUpdated(event) => Tagged { command, event }.serialize(serializer),
            Self::MemberEntered(event) => Tagged { command, event }.serialize(serializer),
            Self::MemberLeft(event) => Tagged { command, event }.serialize(serializer),
            Self::SeatListChanged(event) => Tagged { command, event }.serialize(serializer),
            Self::Unknown(event) => event.body.serialize(serializer),
            Self::Undecodable(event) => event.body.serialize(serializer),
        }
    }
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

/// The events with a struct of their own.
trait Typed: DeserializeOwned {
    fn extra_mut(&mut self) -> &mut Extra;
}

fn typed<T: Typed>(command: &str, body: &str, wrap: fn(T) -> Event) -> Result<Event, DecodeError> {
    match serde_json::from_str::<T>(body) {
        Ok(mut event) => {
            // The struct does not name `CallbackCommand`, so it lands among the extra
            // members: take it out and check it there, in the same single pass.
            check_command(
                event.extra_mut().remove("CallbackCommand").as_ref(),
                command,
            )?;
            Ok(wrap(event))
        }
        Err(error) => {
            let body = object(command, body)?;
            Ok(Event::Undecodable(UndecodableEvent {
                command: command.to_owned(),
                body,
                reason: error.to_string(),
            }))
        }
    }
}

/// The body as a JSON object whose `CallbackCommand` is `command`.
fn object(command: &str, body: &str) -> Result<Extra, DecodeError> {
    let object: Extra = serde_json::from_str(body).map_err(DecodeError::from_json)?;
    check_command(object.get("CallbackCommand"), command)?;
    Ok(object)
}

/// Whether the body's top-level object has `CallbackCommand` more than once. A scan for
/// the key's text rules most bodies out; only a body that has it twice, or has escapes
/// (`"Callback\u0043ommand"` is the same key), is read for its keys.
fn command_repeated(body: &str) -> bool {
    // Built once: making a searcher costs more than most searches.
    static KEY: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    let key = KEY.get_or_init(|| memchr::memmem::Finder::new(b"\"CallbackCommand\""));
    let bytes = body.as_bytes();
    let twice = key.find_iter(bytes).nth(1).is_some();
    if !twice && memchr::memchr(b'\\', bytes).is_none() {
        return false;
    }

    struct CountCommand;

    impl<'de> serde::de::Visitor<'de> for CountCommand {
        type Value = bool;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let mut first: Option<Value> = None;
            let mut repeated = false;
            // Read to the end: serde_json checks the object's close after the visitor.
            while let Some(IsCommand(is_command)) = map.next_key()? {
                if !is_command {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    continue;
                }
                let value: Value = map.next_value()?;
                match &first {
                    // The same command twice says one thing: not ambiguous.
                    Some(seen) => repeated |= *seen != value,
                    None => first = Some(value),
                }
            }
            Ok(repeated)
        }
    }

    struct IsCommand(bool);

    impl<'de> Deserialize<'de> for IsCommand {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct KeyVisitor;

            impl serde::de::Visitor<'_> for KeyVisitor {
                type Value = IsCommand;

                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a key")
                }

                fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<IsCommand, E> {
                    Ok(IsCommand(key == "CallbackCommand"))
                }
            }

            deserializer.deserialize_str(KeyVisitor)
        }
    }

    // A body that is not an object is refused later, with its own reason.
    let mut deserializer = serde_json::Deserializer::from_str(body);
    serde::Deserializer::deserialize_map(&mut deserializer, CountCommand).unwrap_or(false)
}

fn check_command(found: Option<&Value>, expected: &str) -> Result<(), DecodeError> {
    match found {
        Some(Value::String(found)) if found == expected => Ok(()),
        Some(Value::String(_)) => Err(DecodeError::CommandMismatch),
        Some(_) => Err(DecodeError::CommandNotText),
        None => Err(DecodeError::MissingCommand),
    }
}
