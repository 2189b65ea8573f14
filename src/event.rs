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

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::lenient;
use crate::members::{Key, Record, RecordVisitor};

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

record! {
    /// `RoomInfo`: a room's settings, in full after a creation and in part after an update.
    pub struct RoomInfo {
        /// `RoomId`.
        pub room_id: Option<RoomId> = "RoomId",
        /// `RoomName`.
        pub room_name: Option<String> = "RoomName",
        /// `RoomType`.
        pub room_type: Option<RoomType> = "RoomType",
        /// `Owner_Account`: the room's owner.
        pub owner_account: Option<UserId> = "Owner_Account",
        /// `MaxMemberCount`.
        pub max_member_count: Option<u32> = "MaxMemberCount" => lenient::opt_u32,
        /// `MaxSeatCount`.
        pub max_seat_count: Option<u32> = "MaxSeatCount" => lenient::opt_u32,
        /// `IsVideoDisabled`.
        pub is_video_disabled: Option<bool> = "IsVideoDisabled" => lenient::opt_bool,
        /// `IsAudioDisabled`.
        pub is_audio_disabled: Option<bool> = "IsAudioDisabled" => lenient::opt_bool,
        /// `IsMessageDisabled`.
        pub is_message_disabled: Option<bool> = "IsMessageDisabled" => lenient::opt_bool,
        /// `IsScreenSharingDisabled`.
        pub is_screen_sharing_disabled: Option<bool> = "IsScreenSharingDisabled" => lenient::opt_bool,
        /// `IsCloudRecordingDisabled`.
        pub is_cloud_recording_disabled: Option<bool> = "IsCloudRecordingDisabled" => lenient::opt_bool,
        /// `IsSeatEnabled`.
        pub is_seat_enabled: Option<bool> = "IsSeatEnabled" => lenient::opt_bool,
        /// `CustomInfo`: the app's own text.
        pub custom_info: Option<String> = "CustomInfo",
        /// `ScheduleStartTime`, in seconds since the Unix epoch.
        pub schedule_start_time: Option<u64> = "ScheduleStartTime" => lenient::opt_u64,
        /// `ScheduleEndTime`, in seconds since the Unix epoch.
        pub schedule_end_time: Option<u64> = "ScheduleEndTime" => lenient::opt_u64,
        /// `CreateTime`, in seconds since the Unix epoch.
        pub create_time: Option<u64> = "CreateTime" => lenient::opt_u64,
        /// `RoomStatus`.
        pub room_status: Option<RoomStatus> = "RoomStatus",
        /// `TakeSeatMode`.
        pub take_seat_mode: Option<TakeSeatMode> = "TakeSeatMode",
    }
    /// Members of `RoomInfo` this crate does not name.
    extra;
}

record! {
    /// One seat of `SeatList`.
    pub struct Seat {
        /// `Index`: the seat's position.
        pub index: Option<u32> = "Index" => lenient::opt_u32,
        /// `Member_Account`: the user on the seat; missing or empty when the seat is free.
        pub member_account: Option<UserId> = "Member_Account",
        /// `IsTakenDisabled`: the seat is locked.
        pub is_taken_disabled: Option<bool> = "IsTakenDisabled" => lenient::opt_bool,
        /// `IsVideoDisabled`.
        pub is_video_disabled: Option<bool> = "IsVideoDisabled" => lenient::opt_bool,
        /// `IsAudioDisabled`.
        pub is_audio_disabled: Option<bool> = "IsAudioDisabled" => lenient::opt_bool,
    }
    /// Members of the seat this crate does not name.
    extra;
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
        record! {
            $(#[$meta])*
            pub struct $name {
                $($fields)*
                /// `EventTime`: when the event happened.
                pub event_time: Option<EventTime> = "EventTime",
            }
            /// Body members this crate does not name (for example the `EventType` that
            /// Tencent's Live product adds), kept as sent. [`Event::decode`] and
            /// [`Event::from_json`] check `CallbackCommand` and leave it out; the struct's
            /// own `Deserialize` keeps it here.
            extra;
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
    };
}

event! {
    /// `Room.CallbackAfterCreateRoom`: a room was created, by a client or through the REST API.
    RoomCreated = "Room.CallbackAfterCreateRoom";
    room_id: |e| e.room_info.as_ref().and_then(|info| info.room_id.as_ref());
    {
        /// `Operator_Account`: who created the room.
        pub operator_account: Option<UserId> = "Operator_Account",
        /// `RoomInfo`: the new room's settings.
        pub room_info: Option<RoomInfo> = "RoomInfo",
        /// `ScheduleInviteeList_Account`: users invited to a scheduled room (may repeat).
        pub schedule_invitee_list_account: Vec<UserId> = "ScheduleInviteeList_Account" => lenient::list,
    }
}

event! {
    /// `Room.CallbackAfterDestroyRoom`: a room was destroyed.
    RoomDestroyed = "Room.CallbackAfterDestroyRoom";
    room_id: |e| e.room_id.as_ref();
    {
        /// `Operator_Account`: who destroyed the room.
        pub operator_account: Option<UserId> = "Operator_Account",
        /// `RoomId`.
        pub room_id: Option<RoomId> = "RoomId",
    }
}

event! {
    /// `Room.CallbackAfterUpdateRoomInfo`: a room's settings were updated.
    RoomInfoUpdated = "Room.CallbackAfterUpdateRoomInfo";
    room_id: |e| e.room_info.as_ref().and_then(|info| info.room_id.as_ref());
    {
        /// `Operator_Account`: who updated the room.
        pub operator_account: Option<UserId> = "Operator_Account",
        /// `RoomInfo`: the room ID and the members that changed.
        pub room_info: Option<RoomInfo> = "RoomInfo",
    }
}

event! {
    /// `Room.CallbackAfterMemberEnter`: users joined a room.
    MemberEntered = "Room.CallbackAfterMemberEnter";
    room_id: |e| e.room_id.as_ref();
    {
        /// `Operator_Account`.
        pub operator_account: Option<UserId> = "Operator_Account",
        /// `RoomId`.
        pub room_id: Option<RoomId> = "RoomId",
        /// `MemberCount`: the number of members after the event.
        pub member_count: Option<u32> = "MemberCount" => lenient::opt_u32,
        /// `Type`: `Enter`.
        pub change_type: Option<MemberChangeType> = "Type",
        /// `MemberList_Account`: the users who joined.
        pub member_list_account: Vec<UserId> = "MemberList_Account" => lenient::list,
    }
}

event! {
    /// `Room.CallbackAfterMemberLeave`: users left a room, by themselves, kicked out, or
    /// because their heartbeat expired.
    MemberLeft = "Room.CallbackAfterMemberLeave";
    room_id: |e| e.room_id.as_ref();
    {
        /// `Operator_Account`.
        pub operator_account: Option<UserId> = "Operator_Account",
        /// `RoomId`.
        pub room_id: Option<RoomId> = "RoomId",
        /// `MemberCount`: the number of members after the event.
        pub member_count: Option<u32> = "MemberCount" => lenient::opt_u32,
        /// `Type`: `Leave`, `Kicked` or `Expired`.
        pub change_type: Option<MemberChangeType> = "Type",
        /// `MemberList_Account`: the users who left.
        pub member_list_account: Vec<UserId> = "MemberList_Account" => lenient::list,
        /// `Reason`: free text.
        pub reason: Option<String> = "Reason",
    }
}

event! {
    /// `Mic.CallbackAfterSeatInfoChanged`: a room's seat list changed.
    SeatListChanged = "Mic.CallbackAfterSeatInfoChanged";
    room_id: |e| e.room_id.as_ref();
    {
        /// `Operator_Account`.
        pub operator_account: Option<UserId> = "Operator_Account",
        /// `RoomId`.
        pub room_id: Option<RoomId> = "RoomId",
        /// `SeatList`: every seat after the change.
        pub seat_list: Vec<Seat> = "SeatList" => lenient::list,
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
        fn tagged<S: Serializer, T: Record>(
            serializer: S,
            event: &T,
            command: &str,
        ) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(None)?;
            map.serialize_entry("CallbackCommand", command)?;
            event.write_members(&mut map, true)?;
            map.end()
        }

        let command = self.command();
        match self {
            Self::RoomCreated(event) => tagged(serializer, event, command),
            Self::RoomDestroyed(event) => tagged(serializer, event, command),
            Self::RoomInfoUpdated(event) => tagged(serializer, event, command),
            Self::MemberEntered(event) => tagged(serializer, event, command),
            Self::MemberLeft(event) => tagged(serializer, event, command),
            Self::SeatListChanged(event) => tagged(serializer, event, command),
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

/// Reads the body as the event of `command`, in one pass that also checks `CallbackCommand`.
/// A body that cannot be read so is read again as a plain object, which tells a body that
/// is no callback (an error) from one whose fields are unreadable ([`Event::Undecodable`]).
fn typed<T: Record>(command: &str, body: &str, wrap: fn(T) -> Event) -> Result<Event, DecodeError> {
    let mut deserializer = serde_json::Deserializer::from_str(body);
    let read = deserializer
        .deserialize_map(RecordVisitor::<T>::new(Some(command)))
        .and_then(|event| deserializer.end().map(|()| event));
    match read {
        Ok(event) => Ok(wrap(event)),
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

/// The body as a JSON object whose `CallbackCommand` is `command`, given once, or
/// repeated with the same value.
fn object(command: &str, body: &str) -> Result<Extra, DecodeError> {
    let Object { members, repeated } =
        serde_json::from_str(body).map_err(DecodeError::from_json)?;
    if repeated {
        return Err(DecodeError::CommandRepeated);
    }
    check_command(members.get("CallbackCommand"), command)?;
    Ok(members)
}

/// A JSON object, and whether it has `CallbackCommand` more than once with different
/// values (a map keeps only the last one).
struct Object {
    members: Extra,
    repeated: bool,
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;

        impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
            type Value = Object;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Object, A::Error> {
                let mut members = Extra::new();
                let mut first_command: Option<Value> = None;
                let mut repeated = false;
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    let value: Value = map.next_value()?;
                    if key.as_str() == "CallbackCommand" {
                        match &first_command {
                            // The same command twice says one thing: not ambiguous.
                            Some(first) => repeated |= *first != value,
                            None => first_command = Some(value.clone()),
                        }
                    }
                    members.insert(key.into_string(), value);
                }
                Ok(Object { members, repeated })
            }
        }

        deserializer.deserialize_map(ObjectVisitor)
    }
}

fn check_command(found: Option<&Value>, expected: &str) -> Result<(), DecodeError> {
    match found {
        Some(Value::String(found)) if found == expected => Ok(()),
        Some(Value::String(_)) => Err(DecodeError::CommandMismatch),
        Some(_) => Err(DecodeError::CommandNotText),
        None => Err(DecodeError::MissingCommand),
    }
}
