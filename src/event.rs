//! The typed events: one struct per callback command, and [`Event`] over them.
//!
//! The Room callbacks (TUIRoomKit) are [`Event`]'s own variants. The callbacks of Tencent's
//! Live backend (TUILiveKit: `Live.*`, and the `Group.*` and `Follow.*` Chat callbacks it
//! shares) arrive on the same path as [`Event::Live`], one [`LiveEvent`] over the types of
//! [`live`]; a Room-only application never needs to look at them.
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
//!
//! The body's `CallbackCommand` decides what a body is, whatever the query says (Tencent's
//! pages pair different query and body commands); only the `Push.*` and
//! `ContentCallback.ResultNotify` bodies, which have none, take the query's
//! ([`Event::decode`]). A Live callback:
//!
//! ```
//! use tencent_room_webhook::event::{Event, LiveEvent};
//!
//! let body = br#"{
//!     "CallbackCommand": "Live.CallbackAfterMemberStateChanged",
//!     "RoomId": "room_id",
//!     "EventType": "Online",
//!     "MemberList": [{"Member_Account": "jared"}],
//!     "EventTime": 1703589922780
//! }"#;
//! let event = Event::decode("Live.CallbackMemberStateChanged", body)?;
//! assert_eq!(event.command(), "Live.CallbackAfterMemberStateChanged");
//! let Event::Live(LiveEvent::MemberStateChanged(changed)) = event else { unreachable!() };
//! assert_eq!(changed.member_list[0].member_account.as_ref().unwrap(), "jared");
//! # Ok::<(), tencent_room_webhook::event::DecodeError>(())
//! ```
//!
//! A member whose value cannot be read even leniently (a `RoomType` sent as an integer, a
//! count out of its type's range) does not make the event undecodable: it is kept as sent
//! in the `extra` of the struct it belongs to, and the rest of the event is typed.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::lenient;

/// The items of one event of [`Event`]'s list: its `COMMAND`; `room_id()` and
/// `event_time()`, each the first of its fields there; where its structs are (`nested!`).
macro_rules! event {
    (
        $ty:ident = $command:literal;
        room_id($( $room:ident $(. $room_in:ident)* )|*),
        event_time($( $time:ident $(. $time_in:ident)* )|*),
        nested($($nested:tt)*)
    ) => {
        impl $ty {
            /// The `CallbackCommand` of this event.
            pub const COMMAND: &'static str = $command;

            /// The room the event is about, when the body names one: the first of these
            /// fields that is there (none: the callback is about no room).
            $( #[doc = concat!("- `", stringify!($room $(.$room_in)*), "`")] )*
            pub fn room_id(&self) -> Option<&$crate::event::RoomId> {
                None $( .or_else(|| self.$room.as_ref() $(.and_then(|inner| inner.$room_in.as_ref()))*) )*
            }

            /// `EventTime`: when the event happened, when the body has a readable one: the
            /// first of these fields that is there.
            $( #[doc = concat!("- `", stringify!($time $(.$time_in)*), "`")] )*
            pub fn event_time(&self) -> Option<$crate::event::EventTime> {
                None $( .or(self.$time $(.as_ref().and_then(|inner| inner.$time_in))*) )*
            }
        }

        nested!($ty { $($nested)* });
    };
}

/// Where the `extra` of a struct and of the structs inside it are: `"Member" => field`
/// for each member that holds a struct (or an optional one, or a list of them).
macro_rules! nested {
    ($ty:ident { $($key:literal => $field:ident),* $(,)? }) => {
        impl $crate::event::Nested for $ty {
            fn extra_at(
                &mut self,
                path: &[$crate::event::Step],
            ) -> Option<&mut $crate::event::Extra> {
                match path {
                    [] => Some(&mut self.extra),
                    $(
                        [$crate::event::Step::Key(key), rest @ ..] if key == $key => {
                            $crate::event::Nested::extra_at(&mut self.$field, rest)
                        }
                    )*
                    _ => None,
                }
            }

            fn visit_extras(&self, owner: &str, visit: &mut dyn FnMut(&str, &$crate::event::Extra)) {
                visit(owner, &self.extra);
                $( $crate::event::Nested::visit_extras(&self.$field, $key, visit); )*
            }
        }
    };
}

#[cfg(feature = "chat")]
#[cfg_attr(docsrs, doc(cfg(feature = "chat")))]
pub mod chat;
pub mod live;
mod message;

// The Chat types by family, as `with_events!` names them.
#[cfg(feature = "chat")]
use chat::{
    account::*, bot::*, c2c::*, call::*, group::*, moderation::*, official_account::*, push::*,
    sns::*,
};
use live::{
    AdminsModified, BattleCreated, BattleEnded, BattleStarted, DestroyType, FollowAdded,
    FollowDeleted, GiftSending, LiveRoomCreated, LiveRoomDestroyed, LiveRoomInfoUpdated,
    MemberStateChanged, MessageSending, MessageSent, MetadataDeleted, MetadataSet, OwnerChanged,
    RoomCountThresholdReached,
};

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
/// Decodes from a JSON integer or a decimal string (the `Group.*` pages send a string);
/// encodes the way it arrived. Equality, order and hashing are the instant's alone.
#[derive(Debug, Clone, Copy)]
pub struct EventTime {
    millis: u64,
    /// Sent as a decimal string: written back as one.
    text: bool,
}

impl EventTime {
    /// The time `millis` milliseconds after the Unix epoch (written as a JSON integer).
    pub const fn from_millis(millis: u64) -> Self {
        Self {
            millis,
            text: false,
        }
    }

    /// Milliseconds since the Unix epoch.
    pub const fn as_millis(self) -> u64 {
        self.millis
    }

    /// Whether it arrived as a decimal string (and is written back as one).
    pub const fn is_text(self) -> bool {
        self.text
    }

    /// The same instant as a [`SystemTime`].
    pub fn to_system_time(self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.millis)
    }
}

impl PartialEq for EventTime {
    fn eq(&self, other: &Self) -> bool {
        self.millis == other.millis
    }
}

impl Eq for EventTime {}

impl std::hash::Hash for EventTime {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.millis.hash(state);
    }
}

impl PartialOrd for EventTime {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for EventTime {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.millis.cmp(&other.millis)
    }
}

impl Serialize for EventTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.text {
            serializer.collect_str(&self.millis)
        } else {
            serializer.serialize_u64(self.millis)
        }
    }
}

impl<'de> Deserialize<'de> for EventTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `null` is handled by the `Option` around every `EventTime` field.
        let value = lenient::Number::<u64>::deserialize(deserializer)?;
        match value.value {
            Some(millis) => Ok(Self {
                millis,
                text: value.text,
            }),
            None => Err(de::Error::invalid_type(
                de::Unexpected::Unit,
                &"milliseconds",
            )),
        }
    }
}

impl fmt::Display for EventTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.millis, f)
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
///
/// The events hold it in a `Box`: with the Live members it is the largest part of any
/// event, and inline it would make every [`Event`] as large as itself (an event is moved a
/// few times per callback).
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
    /// `IsPublicVisible`: the room is listed publicly (Live).
    #[serde(deserialize_with = "lenient::flag")]
    pub is_public_visible: Option<bool>,
    /// `CoverURL`: the room's cover image (Live).
    #[serde(rename = "CoverURL")]
    pub cover_url: Option<String>,
    /// `BackgroundURL`: the room's background image (Live).
    #[serde(rename = "BackgroundURL")]
    pub background_url: Option<String>,
    /// `Category`: the app's room type tags, integers (Live).
    pub category: Option<Vec<u64>>,
    /// `ActivityStatus`: the app's own activity tag, an integer (Live).
    #[serde(deserialize_with = "lenient::number")]
    pub activity_status: Option<u64>,
    /// `ViewCount`: how many times users entered the room (Live).
    #[serde(deserialize_with = "lenient::number")]
    pub view_count: Option<u64>,
    /// `IsUnlimitedRoomEnabled`: room mixing for very large audiences is on (Live).
    #[serde(deserialize_with = "lenient::flag")]
    pub is_unlimited_room_enabled: Option<bool>,
    /// `EventTime`, where one Chinese copy of the Live create page puts it; the events'
    /// `event_time()` read it when the body has none at the top.
    pub event_time: Option<EventTime>,
    /// Members of `RoomInfo` this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(RoomInfo {});

/// `Statistic` of a destroy callback: the room's totals over its life.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RoomStatistic {
    /// `TotalViewers`: room entries, a user entering twice counted twice.
    #[serde(deserialize_with = "lenient::number")]
    pub total_viewers: Option<u64>,
    /// `TotalGiftsSent`: gifts sent.
    #[serde(deserialize_with = "lenient::number")]
    pub total_gifts_sent: Option<u64>,
    /// `TotalGiftCoins`: the gifts' total value.
    #[serde(deserialize_with = "lenient::number")]
    pub total_gift_coins: Option<u64>,
    /// `TotalUniqueGiftSenders`: users who sent a gift.
    #[serde(deserialize_with = "lenient::number")]
    pub total_unique_gift_senders: Option<u64>,
    /// `TotalLikesReceived`: likes.
    #[serde(deserialize_with = "lenient::number")]
    pub total_likes_received: Option<u64>,
    /// Members of `Statistic` this crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

nested!(RoomStatistic {});

/// One seat of `SeatList`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Seat {
    /// `Index`: the seat's position.
    #[serde(deserialize_with = "lenient::number")]
    pub index: Option<u32>,
    /// `Member_Account`: the user on the seat; missing or empty when the seat is free. The
    /// Live page sends it as an integer larger than 2^53: kept exactly.
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

nested!(Seat {});

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
// check and take out. A new event is its struct and its line in `with_events!` below.

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
    pub room_info: Option<Box<RoomInfo>>,
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
    /// `EventType`: dissolved by a user or by the system (the Live product sends it).
    pub event_type: Option<DestroyType>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// `RoomInfo`: the room's settings when it was destroyed (the Live product sends it).
    pub room_info: Option<Box<RoomInfo>>,
    /// `Statistic`: the room's totals (the Live product sends it).
    pub statistic: Option<RoomStatistic>,
    /// Body members this crate does not name, and members that could not be read even
    /// leniently, kept as sent. [`Event::decode`] and [`Event::from_json`] take
    /// `CallbackCommand` out; the struct's own `Deserialize` keeps it here, and its
    /// `Serialize` leaves it out ([`Event`] writes the command).
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
}

/// `Room.CallbackAfterUpdateRoomInfo`: a room's settings were updated. (Tencent's Chinese
/// command list spells it `Room.CallbackUpdateRoomInfo`: a body with that command is this
/// event too, written back with the command above.)
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RoomInfoUpdated {
    /// `Operator_Account`: who updated the room.
    #[serde(rename = "Operator_Account")]
    pub operator_account: Option<UserId>,
    /// `RoomInfo`: the room ID and the members that changed.
    pub room_info: Option<Box<RoomInfo>>,
    /// `EventTime`: when the event happened.
    pub event_time: Option<EventTime>,
    /// Body members this crate does not name, kept as sent. See [`RoomDestroyed::extra`].
    #[serde(flatten, with = "body_members")]
    pub extra: Extra,
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

/// `Mic.CallbackAfterSeatInfoChanged`: a room's seat list changed. Sent by the Room and
/// the Live backends alike (the Live one without `Operator_Account`): one event for both.
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

/// A callback whose command this crate does not know: a future Room command, or another
/// Chat command sent to the same URL.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UnknownEvent {
    /// The `CallbackCommand`.
    pub command: String,
    /// The whole body, `CallbackCommand` included, its members in the order sent (and
    /// written back so).
    pub body: Extra,
}

/// A callback of a known command that could not be read as its event. It is delivered
/// rather than dropped, so that the application sees what Tencent sent.
///
/// A member that cannot be read even leniently does not make an event undecodable (it is
/// kept as sent in the `extra` of its struct); this is for what that cannot mend: a named
/// member given twice (neither the first nor the last is right), or more than 16 members
/// that cannot be read.
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

/// Declares [`Event`] and [`LiveEvent`] over the typed events of `with_events!`'s list,
/// and what they do through all of them: decode by command, name the command, the room
/// and the time, write back. Each event's own items are `event!`'s.
macro_rules! events {
    (
        room { $(
            $(#[$meta:meta])* $variant:ident = $command:literal $(| $alias:literal)*,
            $constructor:ident $fixture:tt, $($spec:ident $args:tt),+;
        )+ }
        live { $(
            $(#[$lmeta:meta])* $lvariant:ident($ltype:ident) = $lcommand:literal,
            $lconstructor:ident $lfixture:tt, $($lspec:ident $largs:tt),+;
        )+ }
        chat { $(
            $(#[$cmeta:meta])* $cvariant:ident($ctype:ident) = $ccommand:literal,
            $cconstructor:ident $cfixture:tt, $($cspec:ident $cargs:tt),+;
        )+ }
    ) => {
        $( event! { $variant = $command; $($spec $args),+ } )+
        $( event! { $ltype = $lcommand; $($lspec $largs),+ } )+
        $( #[cfg(feature = "chat")] event! { $ctype = $ccommand; $($cspec $cargs),+ } )+

        /// A callback, decoded: a Room event, a Live one ([`Event::Live`]), or a body this
        /// crate could not type.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            $( $(#[$meta])* $variant($variant), )+
            /// A callback of the Live family (`Live.*`, `Group.*SendMsg`, `Follow.*`).
            Live(LiveEvent),
            /// A callback of Chat's other families (online state, friends, one-to-one and
            /// group messages, groups, official accounts, chatbots, push, moderation, calls;
            /// feature `chat`).
            #[cfg(feature = "chat")]
            #[cfg_attr(docsrs, doc(cfg(feature = "chat")))]
            Chat(ChatEvent),
            /// A command this crate does not know.
            Unknown(UnknownEvent),
            /// A known command whose fields could not be read.
            Undecodable(UndecodableEvent),
        }

        /// A callback of the Live family: Tencent's Live backend (TUILiveKit), and the Chat
        /// callbacks it shares. The types are in [`live`].
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum LiveEvent {
            $( $(#[$lmeta])* $lvariant($ltype), )+
        }

        /// A callback of Chat's families other than Live's: one variant a command, the types
        /// in [`chat`]'s modules, a family each (feature `chat`).
        #[cfg(feature = "chat")]
        #[cfg_attr(docsrs, doc(cfg(feature = "chat")))]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum ChatEvent {
            $( $(#[$cmeta])* $cvariant($ctype), )+
        }

        impl Event {
            /// How to read the event of `command`, and the command as this crate names it,
            /// if it is one it knows.
            fn reader(command: &str) -> Option<(&'static str, Reader)> {
                match command {
                    $( $variant::COMMAND $(| $alias)* => Some(($variant::COMMAND, Reader::of::<$variant>())), )+
                    $( $ltype::COMMAND => Some(($ltype::COMMAND, Reader::of::<$ltype>())), )+
                    $( #[cfg(feature = "chat")] $ctype::COMMAND => Some(($ctype::COMMAND, Reader::of::<$ctype>())), )+
                    _ => None,
                }
            }

            /// The command as this crate names it, if it is one it knows: itself, or the
            /// command an alias stands for (`Room.CallbackUpdateRoomInfo` is
            /// `Room.CallbackAfterUpdateRoomInfo`).
            pub fn known_command(command: &str) -> Option<&'static str> {
                Self::reader(command).map(|(known, _)| known)
            }

            /// The `CallbackCommand` (for an alias, the command it stands for).
            pub fn command(&self) -> &str {
                match self {
                    $( Self::$variant(_) => $variant::COMMAND, )+
                    Self::Live(event) => event.command(),
                    #[cfg(feature = "chat")]
                    Self::Chat(event) => event.command(),
                    Self::Unknown(event) => &event.command,
                    Self::Undecodable(event) => &event.command,
                }
            }

            /// The room the event is about, when the body names one.
            pub fn room_id(&self) -> Option<&RoomId> {
                match self {
                    $( Self::$variant(event) => event.room_id(), )+
                    Self::Live(event) => event.room_id(),
                    #[cfg(feature = "chat")]
                    Self::Chat(event) => event.room_id(),
                    Self::Unknown(_) | Self::Undecodable(_) => None,
                }
            }

            /// `EventTime`, when the body has a readable one (for the events with a
            /// `RoomInfo`, there when the top level has none).
            pub fn event_time(&self) -> Option<EventTime> {
                match self {
                    $( Self::$variant(event) => event.event_time(), )+
                    Self::Live(event) => event.event_time(),
                    #[cfg(feature = "chat")]
                    Self::Chat(event) => event.event_time(),
                    Self::Unknown(UnknownEvent { body, .. })
                    | Self::Undecodable(UndecodableEvent { body, .. }) => body
                        .get("EventTime")
                        .and_then(|time| EventTime::deserialize(time).ok()),
                }
            }

            /// Calls `visit` with the members of the event that this crate does not name,
            /// by owner: the command for the body's own, the member's name for those of a
            /// struct inside it (`RoomInfo`, `SeatList`, ...).
            pub(crate) fn visit_extras(&self, visit: &mut dyn FnMut(&str, &Extra)) {
                match self {
                    $( Self::$variant(event) => event.visit_extras($variant::COMMAND, visit), )+
                    Self::Live(event) => event.visit_extras(visit),
                    #[cfg(feature = "chat")]
                    Self::Chat(event) => event.visit_extras(visit),
                    Self::Unknown(_) | Self::Undecodable(_) => {}
                }
            }
        }

        impl LiveEvent {
            /// The `CallbackCommand`.
            pub fn command(&self) -> &'static str {
                match self {
                    $( Self::$lvariant(_) => $ltype::COMMAND, )+
                }
            }

            /// The room the event is about, when the body names one.
            pub fn room_id(&self) -> Option<&RoomId> {
                match self {
                    $( Self::$lvariant(event) => event.room_id(), )+
                }
            }

            /// `EventTime`, when the body has a readable one.
            pub fn event_time(&self) -> Option<EventTime> {
                match self {
                    $( Self::$lvariant(event) => event.event_time(), )+
                }
            }

            fn visit_extras(&self, visit: &mut dyn FnMut(&str, &Extra)) {
                match self {
                    $( Self::$lvariant(event) => event.visit_extras($ltype::COMMAND, visit), )+
                }
            }
        }

        $( impl Typed for $variant {
            fn into_event(self) -> Event {
                Event::$variant(self)
            }
        } )+

        $( impl Typed for $ltype {
            fn into_event(self) -> Event {
                Event::Live(LiveEvent::$lvariant(self))
            }
        } )+

        /// Encodes the event as Tencent sent it: `CallbackCommand` first, Tencent's field
        /// names, the unnamed members included. Unknown and undecodable events encode their
        /// body as is.
        impl Serialize for Event {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( Self::$variant(event) => Tagged { command: $variant::COMMAND, event }.serialize(serializer), )+
                    Self::Live(event) => event.serialize(serializer),
                    #[cfg(feature = "chat")]
                    Self::Chat(event) => event.serialize(serializer),
                    Self::Unknown(event) => event.body.serialize(serializer),
                    Self::Undecodable(event) => event.body.serialize(serializer),
                }
            }
        }

        /// Encodes the event as Tencent sent it: `CallbackCommand` first, Tencent's field
        /// names, the unnamed members included.
        impl Serialize for LiveEvent {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( Self::$lvariant(event) => Tagged { command: $ltype::COMMAND, event }.serialize(serializer), )+
                }
            }
        }

        #[cfg(feature = "chat")]
        impl ChatEvent {
            /// The `CallbackCommand`.
            pub fn command(&self) -> &'static str {
                match self {
                    $( Self::$cvariant(_) => $ctype::COMMAND, )+
                }
            }

            /// The room (for a group's callbacks, the group) the event is about, when the
            /// body names one.
            pub fn room_id(&self) -> Option<&RoomId> {
                match self {
                    $( Self::$cvariant(event) => event.room_id(), )+
                }
            }

            /// `EventTime`, when the body has a readable one.
            pub fn event_time(&self) -> Option<EventTime> {
                match self {
                    $( Self::$cvariant(event) => event.event_time(), )+
                }
            }

            fn visit_extras(&self, visit: &mut dyn FnMut(&str, &Extra)) {
                match self {
                    $( Self::$cvariant(event) => event.visit_extras($ctype::COMMAND, visit), )+
                }
            }
        }

        $( #[cfg(feature = "chat")] impl Typed for $ctype {
            fn into_event(self) -> Event {
                Event::Chat(ChatEvent::$cvariant(self))
            }
        } )+

        /// Encodes the event as Tencent sent it: `CallbackCommand` first, Tencent's field
        /// names, the unnamed members included.
        #[cfg(feature = "chat")]
        impl Serialize for ChatEvent {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( Self::$cvariant(event) => Tagged { command: $ctype::COMMAND, event }.serialize(serializer), )+
                }
            }
        }
    };
}

/// The one list of events: adding one is its struct and its line here. A line gives its
/// variant of [`Event`] (of [`LiveEvent`] for the Live family, with its type), its command
/// (`| "Alias"`: a body with the alias command is this event too), the test kit's
/// constructor of its sample request and the sample's file in `tests/fixtures`, the fields
/// that `room_id()` and `event_time()` read (the first there), and the members that hold
/// structs (`"Member" => field`). It calls `$callback!` with the list: `events!` here, the
/// test kit's `samples!`.
macro_rules! with_events {
    ($callback:ident) => {
        $callback! {
            room {
                /// `Room.CallbackAfterCreateRoom`.
                RoomCreated = "Room.CallbackAfterCreateRoom", room_created("room/after_create_room.json"),
                    room_id(room_info.room_id), event_time(event_time | room_info.event_time), nested("RoomInfo" => room_info);
                /// `Room.CallbackAfterDestroyRoom`.
                RoomDestroyed = "Room.CallbackAfterDestroyRoom", room_destroyed("room/after_destroy_room.json"),
                    room_id(room_id | room_info.room_id), event_time(event_time | room_info.event_time),
                    nested("RoomInfo" => room_info, "Statistic" => statistic);
                /// `Room.CallbackAfterUpdateRoomInfo` (or `Room.CallbackUpdateRoomInfo`, as Tencent's
                /// Chinese command list spells it).
                RoomInfoUpdated = "Room.CallbackAfterUpdateRoomInfo" | "Room.CallbackUpdateRoomInfo",
                    room_info_updated("room/after_update_room_info.json"),
                    room_id(room_info.room_id), event_time(event_time | room_info.event_time), nested("RoomInfo" => room_info);
                /// `Room.CallbackAfterMemberEnter`.
                MemberEntered = "Room.CallbackAfterMemberEnter", member_entered("room/after_member_enter.json"),
                    room_id(room_id), event_time(event_time), nested();
                /// `Room.CallbackAfterMemberLeave`.
                MemberLeft = "Room.CallbackAfterMemberLeave", member_left("room/after_member_leave.json"),
                    room_id(room_id), event_time(event_time), nested();
                /// `Mic.CallbackAfterSeatInfoChanged`, of the Room and the Live backends alike.
                SeatListChanged = "Mic.CallbackAfterSeatInfoChanged", seat_list_changed("room/after_seat_info_changed.json"),
                    room_id(room_id), event_time(event_time), nested("SeatList" => seat_list);
            }
            live {
                /// `Live.CallbackAfterCreateRoom`.
                RoomCreated(LiveRoomCreated) = "Live.CallbackAfterCreateRoom", live_room_created("live/live_after_create_room.json"),
                    room_id(room_info.room_id), event_time(event_time | room_info.event_time), nested("RoomInfo" => room_info);
                /// `Live.CallbackAfterDestroyRoom`.
                RoomDestroyed(LiveRoomDestroyed) = "Live.CallbackAfterDestroyRoom", live_room_destroyed("live/live_after_destroy_room.json"),
                    room_id(room_id | room_info.room_id), event_time(event_time | room_info.event_time),
                    nested("RoomInfo" => room_info, "Statistic" => statistic);
                /// `Live.CallbackAfterUpdateRoomInfo`.
                RoomInfoUpdated(LiveRoomInfoUpdated) = "Live.CallbackAfterUpdateRoomInfo", live_room_info_updated("live/live_after_update_room_info.json"),
                    room_id(room_info.room_id), event_time(event_time | room_info.event_time), nested("RoomInfo" => room_info);
                /// `Live.CallbackAfterSetMetadata`.
                MetadataSet(MetadataSet) = "Live.CallbackAfterSetMetadata", metadata_set("live/live_after_set_metadata.json"),
                    room_id(room_id), event_time(event_time), nested("Metadata" => metadata);
                /// `Live.CallbackAfterDelMetadata`.
                MetadataDeleted(MetadataDeleted) = "Live.CallbackAfterDelMetadata", metadata_deleted("live/live_after_del_metadata.json"),
                    room_id(room_id), event_time(event_time), nested();
                /// `Live.CallbackAfterCreateRoomReachingThreshold` (about the app, not a room).
                RoomCountThresholdReached(RoomCountThresholdReached) = "Live.CallbackAfterCreateRoomReachingThreshold",
                    room_count_threshold_reached("live/live_after_create_room_reaching_threshold.json"),
                    room_id(), event_time(event_time), nested();
                /// `Live.CallbackAfterMemberStateChanged`.
                MemberStateChanged(MemberStateChanged) = "Live.CallbackAfterMemberStateChanged", member_state_changed("live/live_after_member_state_changed.json"),
                    room_id(room_id), event_time(event_time), nested("MemberList" => member_list);
                /// `Live.CallbackAfterChangeOwner`.
                OwnerChanged(OwnerChanged) = "Live.CallbackAfterChangeOwner", owner_changed("live/live_after_change_owner.json"),
                    room_id(room_id), event_time(event_time), nested();
                /// `Live.CallbackAfterModifyAdmin`.
                AdminsModified(AdminsModified) = "Live.CallbackAfterModifyAdmin", admins_modified("live/live_after_modify_admin.json"),
                    room_id(room_id), event_time(event_time), nested();
                /// `Live.CallbackAfterCreateBattle` (the room: the caller's).
                BattleCreated(BattleCreated) = "Live.CallbackAfterCreateBattle", battle_created("live/live_after_create_battle.json"),
                    room_id(from_room_id), event_time(event_time), nested();
                /// `Live.CallbackAfterStartBattle` (the room: the caller's).
                BattleStarted(BattleStarted) = "Live.CallbackAfterStartBattle", battle_started("live/live_after_start_battle.json"),
                    room_id(from_room_info.room_id), event_time(event_time),
                    nested("FromRoomInfo" => from_room_info, "ToRoomList" => to_room_list);
                /// `Live.CallbackAfterEndBattle` (the room: the caller's).
                BattleEnded(BattleEnded) = "Live.CallbackAfterEndBattle", battle_ended("live/live_after_end_battle.json"),
                    room_id(from_room_info.room_id), event_time(event_time),
                    nested("FromRoomInfo" => from_room_info, "ToRoomList" => to_room_list);
                /// `Live.CallbackBeforeSendGift` (a before callback: the answer decides).
                GiftSending(GiftSending) = "Live.CallbackBeforeSendGift", gift_sending("live/live_before_send_gift.json"),
                    room_id(room_id), event_time(event_time), nested("GiftWater" => gift_water);
                /// `Group.CallbackAfterSendMsg`, of any group (the room: the group).
                MessageSent(MessageSent) = "Group.CallbackAfterSendMsg", message_sent("live/group_after_send_msg.json"),
                    room_id(group_id), event_time(event_time), nested("GroupAtInfo" => group_at_info);
                /// `Group.CallbackBeforeSendMsg`, of any group (a before callback: the answer
                /// decides; the room: the group).
                MessageSending(MessageSending) = "Group.CallbackBeforeSendMsg", message_sending("live/group_before_send_msg.json"),
                    room_id(group_id), event_time(event_time), nested();
                /// `Follow.CallbackAfterFollowAdd` (between users, in no room).
                FollowAdded(FollowAdded) = "Follow.CallbackAfterFollowAdd", follow_added("live/follow_after_follow_add.json"),
                    room_id(), event_time(event_time), nested("FollowList" => follow_list);
                /// `Follow.CallbackAfterFollowDelete` (between users, in no room).
                FollowDeleted(FollowDeleted) = "Follow.CallbackAfterFollowDelete", follow_deleted("live/follow_after_follow_delete.json"),
                    room_id(), event_time(event_time), nested();
            }
            chat {
                // Operations and accounts (`chat::account`).
                /// `Alert.RequestOverLimit` (about the app: a REST API near its rate limit).
                RequestOverLimit(RequestOverLimit) = "Alert.RequestOverLimit", request_over_limit("chat/alert_request_over_limit.json"),
                    room_id(), event_time(), nested();
                /// `State.StateChange` (about a user).
                StateChanged(StateChanged) = "State.StateChange", state_changed("chat/state_state_change.json"),
                    room_id(), event_time(event_time), nested("Info" => info, "KickedDevice" => kicked_device);
                /// `Profile.CallbackPortraitSet` (about a user).
                ProfileUpdated(ProfileUpdated) = "Profile.CallbackPortraitSet", profile_updated("chat/profile_portrait_set.json"),
                    room_id(), event_time(event_time), nested("ProfileItem" => profile_item);
                // Relationships (`chat::sns`).
                /// `Sns.CallbackPrevFriendAdd` (a before callback: the answer decides, per user).
                FriendRequest(FriendRequest) = "Sns.CallbackPrevFriendAdd", friend_request("chat/sns_prev_friend_add.json"),
                    room_id(), event_time(event_time), nested("FriendItem" => friend_item);
                /// `Sns.CallbackPrevFriendResponse` (a before callback: the answer decides, per user).
                FriendRequestAnswered(FriendRequestAnswered) = "Sns.CallbackPrevFriendResponse",
                    friend_request_answered("chat/sns_prev_friend_response.json"),
                    room_id(), event_time(event_time), nested("ResponseFriendItem" => response_friend_item);
                /// `Sns.CallbackFriendAdd`.
                FriendsAdded(FriendsAdded) = "Sns.CallbackFriendAdd", friends_added("chat/sns_friend_add.json"),
                    room_id(), event_time(), nested("PairList" => pair_list);
                /// `Sns.CallbackFriendDelete`.
                FriendsDeleted(FriendsDeleted) = "Sns.CallbackFriendDelete", friends_deleted("chat/sns_friend_delete.json"),
                    room_id(), event_time(), nested("PairList" => pair_list);
                /// `Sns.CallbackBlackListAdd`.
                BlocklistAdded(BlocklistAdded) = "Sns.CallbackBlackListAdd", blocklist_added("chat/sns_black_list_add.json"),
                    room_id(), event_time(), nested("PairList" => pair_list);
                /// `Sns.CallbackBlackListDelete`.
                BlocklistRemoved(BlocklistRemoved) = "Sns.CallbackBlackListDelete", blocklist_removed("chat/sns_black_list_delete.json"),
                    room_id(), event_time(), nested("PairList" => pair_list);
                // Chatbots (`chat::bot`).
                /// `Bot.OnC2CMessage`.
                BotMessageReceived(BotMessageReceived) = "Bot.OnC2CMessage", bot_message_received("chat/bot_on_c2c_message.json"),
                    room_id(), event_time(event_time), nested();
                /// `Bot.OnGroupMessage` (the room: the group).
                BotGroupMessageReceived(BotGroupMessageReceived) = "Bot.OnGroupMessage",
                    bot_group_message_received("chat/bot_on_group_message.json"),
                    room_id(group_id), event_time(event_time), nested();
                /// `Chatbot.OnC2CSignalMessage` (the answer carries data back to the chatbot).
                SignalMessage(SignalMessage) = "Chatbot.OnC2CSignalMessage", signal_message("chat/chatbot_on_c2c_signal_message.json"),
                    room_id(), event_time(event_time), nested();
                // Content moderation (`chat::moderation`; no command in the body: the query's decides).
                /// `ContentCallback.ResultNotify` (the room: the group of a group message).
                ModerationResult(ModerationResult) = "ContentCallback.ResultNotify", moderation_result("chat/content_callback_result_notify.json"),
                    room_id(contact_item.to_group_id), event_time(), nested("ContactItem" => contact_item);
                // Push results (`chat::push`; the command in each of `Events`: the query's decides;
                // `EventTime` in seconds, so none here).
                /// `Push.OfflinePush`.
                OfflinePushResults(OfflinePushResults) = "Push.OfflinePush", offline_push_results("chat/push_offline_push.json"),
                    room_id(), event_time(), nested("Events" => events);
                /// `Push.AllMemberPush`.
                AllMemberPushResults(AllMemberPushResults) = "Push.AllMemberPush", all_member_push_results("chat/push_all_member_push.json"),
                    room_id(), event_time(), nested("Events" => events);
                // Calls (`chat::call`).
                /// `Call.CallbackAfterStartCall`.
                CallStarted(CallStarted) = "Call.CallbackAfterStartCall", call_started("chat/call_after_start_call.json"),
                    room_id(), event_time(event_time), nested("CallInfo" => call_info, "UserList" => user_list);
                /// `Call.CallbackAfterEndCall`.
                CallEnded(CallEnded) = "Call.CallbackAfterEndCall", call_ended("chat/call_after_end_call.json"),
                    room_id(), event_time(event_time), nested("CallRecord" => call_record);
                /// `Call.CallbackAfterMemberChanged`.
                CallMembersChanged(CallMembersChanged) = "Call.CallbackAfterMemberChanged", call_members_changed("chat/call_after_member_changed.json"),
                    room_id(), event_time(event_time), nested("UserList" => user_list, "ChangedUserList" => changed_user_list);

                // One-to-one messages (`chat::c2c`).
                /// `C2C.CallbackBeforeSendMsg` (a before callback: the answer decides).
                C2cMessageSending(C2cMessageSending) = "C2C.CallbackBeforeSendMsg", c2c_message_sending("chat/c2c_before_send_msg.json"),
                    room_id(), event_time(event_time), nested();
                /// `C2C.CallbackAfterSendMsg`.
                C2cMessageSent(C2cMessageSent) = "C2C.CallbackAfterSendMsg", c2c_message_sent("chat/c2c_after_send_msg.json"),
                    room_id(), event_time(event_time), nested();
                /// `C2C.CallbackAfterMsgReport`.
                C2cReadReported(C2cReadReported) = "C2C.CallbackAfterMsgReport", c2c_read_reported("chat/c2c_after_msg_report.json"),
                    room_id(), event_time(event_time), nested();
                /// `C2C.CallbackAfterMsgWithDraw`.
                C2cMessageRecalled(C2cMessageRecalled) = "C2C.CallbackAfterMsgWithDraw", c2c_message_recalled("chat/c2c_after_msg_with_draw.json"),
                    room_id(), event_time(event_time), nested();
                /// `C2C.CallbackAfterC2CMsgExtension`.
                C2cMessageExtensionChanged(C2cMessageExtensionChanged) = "C2C.CallbackAfterC2CMsgExtension",
                    c2c_message_extension_changed("chat/c2c_after_c2c_msg_extension.json"),
                    room_id(), event_time(event_time), nested("ExtensionList" => extension_list);
                /// `C2C.CallbackAfterMsgReadReceipt`.
                C2cReadReceiptsSent(C2cReadReceiptsSent) = "C2C.CallbackAfterMsgReadReceipt", c2c_read_receipts_sent("chat/c2c_after_msg_read_receipt.json"),
                    room_id(), event_time(event_time), nested("C2CMsgInfo" => c2c_msg_info);
                /// `C2C.CallbackAfterModifyMsg`.
                C2cMessageModified(C2cMessageModified) = "C2C.CallbackAfterModifyMsg", c2c_message_modified("chat/c2c_after_modify_msg.json"),
                    room_id(), event_time(event_time), nested();
                /// `C2C.CallbackAfterMsgReadAll` (one-to-one and group unread counts).
                AllMessagesRead(AllMessagesRead) = "C2C.CallbackAfterMsgReadAll", all_messages_read("chat/c2c_after_msg_read_all.json"),
                    room_id(), event_time(event_time), nested("GroupReadInfo" => group_read_info);

                // Groups (`chat::group`); the room: the group. `Group.CallbackBeforeSendMsg`
                // and `Group.CallbackAfterSendMsg` are in `live` above, for every group.
                /// `Group.CallbackBeforeCreateGroup` (a before callback: the answer decides; no
                /// group yet).
                GroupCreating(GroupCreating) = "Group.CallbackBeforeCreateGroup", group_creating("chat/group_before_create_group.json"),
                    room_id(), event_time(event_time), nested("MemberList" => member_list);
                /// `Group.CallbackAfterCreateGroup`.
                GroupCreated(GroupCreated) = "Group.CallbackAfterCreateGroup", group_created("chat/group_after_create_group.json"),
                    room_id(group_id), event_time(event_time),
                    nested("MemberList" => member_list, "UserDefinedDataList" => user_defined_data_list);
                /// `Group.CallbackBeforeApplyJoinGroup` (a before callback: the answer decides).
                JoinApplying(JoinApplying) = "Group.CallbackBeforeApplyJoinGroup", join_applying("chat/group_before_apply_join_group.json"),
                    room_id(group_id), event_time(event_time), nested();
                /// `Group.CallbackBeforeInviteJoinGroup` (a before callback: the answer decides).
                MembersInviting(MembersInviting) = "Group.CallbackBeforeInviteJoinGroup", members_inviting("chat/group_before_invite_join_group.json"),
                    room_id(group_id), event_time(event_time), nested("DestinationMembers" => destination_members);
                /// `Group.CallbackAfterNewMemberJoin`.
                MembersJoined(MembersJoined) = "Group.CallbackAfterNewMemberJoin", members_joined("chat/group_after_new_member_join.json"),
                    room_id(group_id), event_time(event_time), nested("NewMemberList" => new_member_list);
                /// `Group.CallbackAfterMemberExit`.
                MembersExited(MembersExited) = "Group.CallbackAfterMemberExit", members_exited("chat/group_after_member_exit.json"),
                    room_id(group_id), event_time(event_time), nested("ExitMemberList" => exit_member_list);
                /// `Group.CallbackAfterGroupFull`.
                GroupFull(GroupFull) = "Group.CallbackAfterGroupFull", group_full("chat/group_after_group_full.json"),
                    room_id(group_id), event_time(event_time), nested();
                /// `Group.CallbackAfterGroupDestroyed`.
                GroupDestroyed(GroupDestroyed) = "Group.CallbackAfterGroupDestroyed", group_destroyed("chat/group_after_group_destroyed.json"),
                    room_id(group_id), event_time(event_time), nested("MemberList" => member_list);
                /// `Group.CallbackAfterGroupInfoChanged`.
                GroupInfoChanged(GroupInfoChanged) = "Group.CallbackAfterGroupInfoChanged", group_info_changed("chat/group_after_group_info_changed.json"),
                    room_id(group_id), event_time(event_time), nested();
                /// `Group.CallbackAfterRecallMsg`.
                GroupMessagesRecalled(GroupMessagesRecalled) = "Group.CallbackAfterRecallMsg", group_messages_recalled("chat/group_after_recall_msg.json"),
                    room_id(group_id), event_time(event_time), nested("MsgSeqList" => msg_seq_list);
                /// `Group.CallbackOnMemberStateChange`.
                GroupMemberStateChanged(GroupMemberStateChanged) = "Group.CallbackOnMemberStateChange",
                    group_member_state_changed("chat/group_on_member_state_change.json"),
                    room_id(group_id), event_time(event_time), nested("MemberList" => member_list);
                /// `Group.CallbackSendMsgException`.
                GroupMessageFailed(GroupMessageFailed) = "Group.CallbackSendMsgException", group_message_failed("chat/group_send_msg_exception.json"),
                    room_id(group_id), event_time(event_time), nested();
                /// `Group.CallbackBeforeCreateTopic` (a before callback: the answer decides; the
                /// body names no community).
                TopicCreating(TopicCreating) = "Group.CallbackBeforeCreateTopic", topic_creating("chat/group_before_create_topic.json"),
                    room_id(), event_time(event_time), nested();
                /// `Group.CallbackAfterCreateTopic` (the room: the community).
                TopicCreated(TopicCreated) = "Group.CallbackAfterCreateTopic", topic_created("chat/group_after_create_topic.json"),
                    room_id(group_id), event_time(event_time), nested("UserDefinedDataList" => user_defined_data_list);
                /// `Group.CallbackAfterTopicDestroyed` (the room: the community).
                TopicsDestroyed(TopicsDestroyed) = "Group.CallbackAfterTopicDestroyed", topics_destroyed("chat/group_after_topic_destroyed.json"),
                    room_id(group_id), event_time(event_time), nested();
                /// `Group.CallbackAfterTopicInfoChanged` (the room: the community).
                TopicInfoChanged(TopicInfoChanged) = "Group.CallbackAfterTopicInfoChanged", topic_info_changed("chat/group_after_topic_info_changed.json"),
                    room_id(group_id), event_time(event_time), nested();
                /// `Group.CallbackAfterMemberFieldChanged`.
                MemberFieldChanged(MemberFieldChanged) = "Group.CallbackAfterMemberFieldChanged",
                    member_field_changed("chat/group_after_member_field_changed.json"),
                    room_id(group_id), event_time(event_time), nested();
                /// `Group.CallbackAfterGroupAttrChanged`.
                GroupAttrChanged(GroupAttrChanged) = "Group.CallbackAfterGroupAttrChanged", group_attr_changed("chat/group_after_group_attr_changed.json"),
                    room_id(group_id), event_time(event_time), nested("GroupAttr" => group_attr);
                /// `Group.CallbackAfterReadReceipt`.
                GroupReadReceiptsSent(GroupReadReceiptsSent) = "Group.CallbackAfterReadReceipt", group_read_receipts_sent("chat/group_after_read_receipt.json"),
                    room_id(group_id), event_time(event_time), nested("GroupMsgReceiptList" => group_msg_receipt_list);
                /// `Group.CallbackAfterChangeGroupOwner`.
                GroupOwnerChanged(GroupOwnerChanged) = "Group.CallbackAfterChangeGroupOwner", group_owner_changed("chat/group_after_change_group_owner.json"),
                    room_id(group_id), event_time(event_time), nested();
                /// `Group.CallbackOnDailyGroupQuotaAlarm` (about the app, not a group).
                DailyGroupQuotaAlarm(DailyGroupQuotaAlarm) = "Group.CallbackOnDailyGroupQuotaAlarm",
                    daily_group_quota_alarm("chat/group_on_daily_group_quota_alarm.json"),
                    room_id(), event_time(event_time), nested();
                /// `Group.CallbackAfterGroupMsgExtension`.
                GroupMessageExtensionChanged(GroupMessageExtensionChanged) = "Group.CallbackAfterGroupMsgExtension",
                    group_message_extension_changed("chat/group_after_group_msg_extension.json"),
                    room_id(group_id), event_time(event_time), nested("ExtensionList" => extension_list);
                /// `Group.CallbackAfterModifyMsg`.
                GroupMessageModified(GroupMessageModified) = "Group.CallbackAfterModifyMsg", group_message_modified("chat/group_after_modify_msg.json"),
                    room_id(group_id), event_time(event_time), nested();

                // Official accounts (`chat::official_account`): about an account, no room.
                /// `OfficialAccount.CallbackBeforeCreateOfficialAccount` (a before callback: the
                /// answer decides).
                OfficialAccountCreating(OfficialAccountCreating) = "OfficialAccount.CallbackBeforeCreateOfficialAccount",
                    official_account_creating("chat/official_account_before_create_official_account.json"),
                    room_id(), event_time(event_time), nested();
                /// `OfficialAccount.CallbackAfterCreateOfficialAccount`.
                OfficialAccountCreated(OfficialAccountCreated) = "OfficialAccount.CallbackAfterCreateOfficialAccount",
                    official_account_created("chat/official_account_after_create_official_account.json"),
                    room_id(), event_time(event_time), nested();
                /// `OfficialAccount.CallbackAfterOfficialAccountInfoChanged`.
                OfficialAccountInfoChanged(OfficialAccountInfoChanged) = "OfficialAccount.CallbackAfterOfficialAccountInfoChanged",
                    official_account_info_changed("chat/official_account_after_official_account_info_changed.json"),
                    room_id(), event_time(event_time), nested();
                /// `OfficialAccount.CallbackAfterOfficialAccountDestroyed`.
                OfficialAccountDestroyed(OfficialAccountDestroyed) = "OfficialAccount.CallbackAfterOfficialAccountDestroyed",
                    official_account_destroyed("chat/official_account_after_official_account_destroyed.json"),
                    room_id(), event_time(event_time), nested();
                /// `OfficialAccount.CallbackBeforeAddSubscriber` (a before callback: the answer
                /// decides).
                SubscribersAdding(SubscribersAdding) = "OfficialAccount.CallbackBeforeAddSubscriber",
                    subscribers_adding("chat/official_account_before_add_subscriber.json"),
                    room_id(), event_time(event_time), nested("SubscribeAccountList" => subscribe_account_list);
                /// `OfficialAccount.CallbackAfterAddSubscriber`.
                SubscribersAdded(SubscribersAdded) = "OfficialAccount.CallbackAfterAddSubscriber",
                    subscribers_added("chat/official_account_after_add_subscriber.json"),
                    room_id(), event_time(event_time), nested("SubscribeAccountList" => subscribe_account_list);
                /// `OfficialAccount.CallbackAfterOfficialAccountFull`.
                OfficialAccountFull(OfficialAccountFull) = "OfficialAccount.CallbackAfterOfficialAccountFull",
                    official_account_full("chat/official_account_after_official_account_full.json"),
                    room_id(), event_time(event_time), nested();
                /// `OfficialAccount.CallbackAfterDeleteSubscriber`.
                SubscribersDeleted(SubscribersDeleted) = "OfficialAccount.CallbackAfterDeleteSubscriber",
                    subscribers_deleted("chat/official_account_after_delete_subscriber.json"),
                    room_id(), event_time(event_time), nested("SubscribeAccountList" => subscribe_account_list);
                /// `OfficialAccount.CallbackBeforeSendMsg` (a before callback: the answer decides).
                OfficialAccountMessageSending(OfficialAccountMessageSending) = "OfficialAccount.CallbackBeforeSendMsg",
                    official_account_message_sending("chat/official_account_before_send_msg.json"),
                    room_id(), event_time(event_time), nested();
                /// `OfficialAccount.CallbackAfterSendMsg`.
                OfficialAccountMessageSent(OfficialAccountMessageSent) = "OfficialAccount.CallbackAfterSendMsg",
                    official_account_message_sent("chat/official_account_after_send_msg.json"),
                    room_id(), event_time(event_time), nested();
                /// `OfficialAccount.CallbackAfterMsgWithDraw`.
                OfficialAccountMessagesRecalled(OfficialAccountMessagesRecalled) = "OfficialAccount.CallbackAfterMsgWithDraw",
                    official_account_messages_recalled("chat/official_account_after_msg_with_draw.json"),
                    room_id(), event_time(event_time), nested("WithdrawMsgList" => withdraw_msg_list);
            }
        }
    };
}

#[cfg(feature = "testing")]
pub(crate) use with_events;

with_events!(events);

impl Event {
    /// Decodes a callback body sent with `query_command` in the query.
    ///
    /// The body must be a JSON object with a `CallbackCommand`; that command decides the
    /// event, whatever the query says (Tencent's own pages pair different query and body
    /// commands, and a refusal would lose the event: Tencent does not resend a FAIL). The
    /// query's command is the [`CallbackContext`](crate::CallbackContext)'s to keep; the
    /// layer warns once per pair when the two differ. A known command whose fields cannot
    /// be read gives [`Event::Undecodable`], an unknown one [`Event::Unknown`]; neither is
    /// an error.
    ///
    /// Three documented bodies have no top-level `CallbackCommand`: those of
    /// `Push.OfflinePush` and `Push.AllMemberPush` (it is in each of their `Events`) and of
    /// `ContentCallback.ResultNotify`. For exactly these query commands, the query's command
    /// decides a body without one, and the event is written back without one; any other
    /// body without one is [`DecodeError::MissingCommand`].
    pub fn decode(query_command: &str, body: &[u8]) -> Result<Self, DecodeError> {
        Self::read(Some(query_command), body)
    }

    /// Decodes a callback body, taking the command from its `CallbackCommand`, as
    /// [`Event::decode`] does.
    pub fn from_json(body: &[u8]) -> Result<Self, DecodeError> {
        Self::read(None, body)
    }

    /// The one decode path: the body's command picks its event, read at once from the text;
    /// failing that, member by member ([`salvage`]); an unknown command is
    /// [`Event::Unknown`].
    fn read(guess: Option<&str>, body: &[u8]) -> Result<Self, DecodeError> {
        let text = std::str::from_utf8(body).map_err(|_| DecodeError::NotUtf8)?;
        // The query's command is only a guess at the body's, right for nearly every
        // callback: one reading then. It never stands in for the body's own command.
        let guessed = guess.and_then(|command| (Self::reader(command)?.1.typed)(command, text));
        if let Some(event) = guessed {
            return Ok(event);
        }
        let (command, body) = object(text, guess)?;
        Ok(match Self::reader(&command) {
            Some((_, reader)) => (reader.typed)(&command, text)
                .unwrap_or_else(|| (reader.salvaged)(command, body, text)),
            None => Self::Unknown(UnknownEvent { command, body }),
        })
    }
}

/// An event of [`Event`]'s list, and its place there.
trait Typed: DeserializeOwned + Nested {
    /// The event as its variant of [`Event`].
    fn into_event(self) -> Event;
}

/// How to read the event of a known command: its two ways, for one type.
#[derive(Clone, Copy)]
struct Reader {
    /// In one reading of the text, if that reads and the text's own command is the one given.
    typed: fn(&str, &str) -> Option<Event>,
    /// From the body's members, keeping those that cannot be read as sent.
    salvaged: fn(String, Extra, &str) -> Event,
}

impl Reader {
    fn of<T: Typed>() -> Self {
        Self {
            typed: typed::<T>,
            salvaged: salvaged::<T>,
        }
    }
}

/// The commands whose bodies carry no top-level `CallbackCommand` (`Push.*` put it in each
/// of their `Events`, `ContentCallback.ResultNotify` nowhere): for a body without one, the
/// query's command decides when it is one of these; their events are written back without
/// one (a body that had one anyway loses it).
#[cfg(feature = "chat")]
const QUERY_DECIDES: [&str; 3] = [
    OfflinePushResults::COMMAND,
    AllMemberPushResults::COMMAND,
    ModerationResult::COMMAND,
];

/// Without the `chat` feature, every body needs its `CallbackCommand`.
#[cfg(not(feature = "chat"))]
const QUERY_DECIDES: [&str; 0] = [];

/// Whether `command` is one of [`QUERY_DECIDES`] (by reference: `Tagged` skips it so).
fn query_decides(command: &&str) -> bool {
    QUERY_DECIDES.contains(command)
}

/// The text read as `T`, the event of `command`, if it reads and its own `CallbackCommand`
/// is `command` (given once, or repeated with that value), or it has none and `command`
/// is one of [`QUERY_DECIDES`].
fn typed<T: Typed>(command: &str, text: &str) -> Option<Event> {
    let mut event: T = serde_json::from_str(text).ok()?;
    match event.extra_at(&[])?.shift_remove("CallbackCommand") {
        Some(Value::String(sent)) if sent == command => Some(event.into_event()),
        None if query_decides(&command) => Some(event.into_event()),
        _ => None,
    }
}

/// The body of `command`, which does not read as `T` at once, read by [`salvage`]; or else
/// [`Event::Undecodable`], its reason naming the member.
fn salvaged<T: Typed>(command: String, body: Extra, text: &str) -> Event {
    match salvage::<T>(&body, text) {
        Ok(mut event) => {
            if let Some(extra) = event.extra_at(&[]) {
                extra.shift_remove("CallbackCommand");
            }
            event.into_event()
        }
        Err(reason) => Event::Undecodable(UndecodableEvent {
            command,
            body,
            reason: reason.to_string(),
        }),
    }
}

/// An event written with its command first (without one for the commands of
/// [`QUERY_DECIDES`], whose bodies have none).
#[derive(Serialize)]
struct Tagged<'a, T> {
    #[serde(rename = "CallbackCommand", skip_serializing_if = "query_decides")]
    command: &'static str,
    #[serde(flatten)]
    event: &'a T,
}

/// A step of the path to a member: an object's member or a list's entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

/// Where the `extra` of each struct of an event is, for keeping there a member that could
/// not be read, and for the drift warnings. Written by `nested!`.
pub(crate) trait Nested {
    /// The `extra` of the struct at `path` below this one.
    fn extra_at(&mut self, path: &[Step]) -> Option<&mut Extra>;

    /// Calls `visit` with this struct's `extra` (as `owner`'s) and those of the structs
    /// inside it.
    fn visit_extras(&self, owner: &str, visit: &mut dyn FnMut(&str, &Extra));
}

impl<T: Nested> Nested for Option<T> {
    fn extra_at(&mut self, path: &[Step]) -> Option<&mut Extra> {
        self.as_mut()?.extra_at(path)
    }

    fn visit_extras(&self, owner: &str, visit: &mut dyn FnMut(&str, &Extra)) {
        if let Some(inner) = self {
            inner.visit_extras(owner, visit);
        }
    }
}

impl<T: Nested> Nested for Box<T> {
    fn extra_at(&mut self, path: &[Step]) -> Option<&mut Extra> {
        T::extra_at(self, path)
    }

    fn visit_extras(&self, owner: &str, visit: &mut dyn FnMut(&str, &Extra)) {
        T::visit_extras(self, owner, visit);
    }
}

impl<T: Nested> Nested for Vec<T> {
    fn extra_at(&mut self, path: &[Step]) -> Option<&mut Extra> {
        match path {
            [Step::Index(index), rest @ ..] => self.get_mut(*index)?.extra_at(rest),
            _ => None,
        }
    }

    fn visit_extras(&self, owner: &str, visit: &mut dyn FnMut(&str, &Extra)) {
        for item in self {
            item.visit_extras(owner, visit);
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
        }
    }
}

impl std::error::Error for DecodeError {}

/// Members that cannot be read at most, before the event is undecodable: each costs a
/// reading of the body.
const MAX_UNREADABLE: usize = 16;

/// Why a body of a known command cannot be read as its event, even with its unreadable
/// members kept as sent. Its text is [`UndecodableEvent::reason`].
#[derive(Debug)]
enum Unreadable {
    /// The first member that could not be read, or one given twice, by its path.
    Member(serde_path_to_error::Error<serde_json::Error>),
    /// The text does not read as the event, yet no member says why.
    Body,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Member(error) => write!(f, "{}: {}", error.path(), error.inner()),
            Self::Body => f.write_str("the body could not be read as this command's event"),
        }
    }
}

/// Reads `body` as `T`, taking out each member that cannot be read (the one serde names,
/// by its path) and putting it, as sent, into the `extra` of the struct it belongs to: a
/// `RoomType` sent as an integer goes to `RoomInfo`'s, a count past its type's range to
/// the event's. The error is the first member's when that cannot work.
fn salvage<T: Typed>(body: &Extra, text: &str) -> Result<T, Unreadable> {
    let mut value = Value::Object(body.clone());
    let mut kept: Vec<(Value, Vec<Step>, String)> = Vec::new();
    let mut first = None;
    for _ in 0..=MAX_UNREADABLE {
        let error = match serde_path_to_error::deserialize::<_, T>(&value) {
            // The text could not be read, its object can, with nothing taken out: a named
            // member is in the text twice. Neither the first nor the last is right.
            Ok(_) if kept.is_empty() => return Err(text_reason::<T>(text)),
            Ok(mut event) => {
                let placed = kept.into_iter().all(|(member, parent, name)| {
                    let extra = event.extra_at(&parent);
                    extra.map(|extra| extra.insert(name, member)).is_some()
                });
                if placed {
                    return Ok(event);
                }
                break;
            }
            Err(error) => error,
        };
        let taken = member(error.path())
            .and_then(|(parent, name)| Some((take(&mut value, &parent, &name)?, parent, name)));
        first.get_or_insert(Unreadable::Member(error));
        match taken {
            Some(taken) => kept.push(taken),
            None => break,
        }
    }
    Err(first.unwrap_or(Unreadable::Body))
}

/// The member serde names by `path`, as the path to its parent and its name: the last
/// object member on the path (a list entry that cannot be read takes its list along).
/// `None` for the body's `CallbackCommand`, and for a path not made of members and entries.
fn member(path: &serde_path_to_error::Path) -> Option<(Vec<Step>, String)> {
    let mut steps = steps(path)?;
    steps.truncate(
        steps
            .iter()
            .rposition(|step| matches!(step, Step::Key(_)))?
            + 1,
    );
    let Some(Step::Key(name)) = steps.pop() else {
        return None;
    };
    (!steps.is_empty() || name != "CallbackCommand").then_some((steps, name))
}

/// The path serde names, as steps; `None` when a step is not an object member or a list
/// entry.
fn steps(path: &serde_path_to_error::Path) -> Option<Vec<Step>> {
    use serde_path_to_error::Segment;
    path.iter()
        .map(|segment| match segment {
            Segment::Map { key } => Some(Step::Key(key.clone())),
            Segment::Seq { index } => Some(Step::Index(*index)),
            _ => None,
        })
        .collect()
}

/// Takes the member `name` out of the object at `parent` in `value`, keeping the order of
/// the others.
fn take(value: &mut Value, parent: &[Step], name: &str) -> Option<Value> {
    let mut at = value;
    for step in parent {
        at = match step {
            Step::Key(key) => at.as_object_mut()?.get_mut(key)?,
            Step::Index(index) => at.as_array_mut()?.get_mut(*index)?,
        };
    }
    at.as_object_mut()?.shift_remove(name)
}

/// Why the text cannot be read as `T`, naming the member: only on this rare path.
fn text_reason<T: DeserializeOwned>(text: &str) -> Unreadable {
    let mut reader = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, T>(&mut reader) {
        Err(error) => Unreadable::Member(error),
        Ok(_) => Unreadable::Body,
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

/// The body as a JSON object, and its `CallbackCommand`: given once, or repeated with the
/// same value; or, for a body without one, the query's command `guess` when it is one of
/// [`QUERY_DECIDES`].
fn object(text: &str, guess: Option<&str>) -> Result<(String, Extra), DecodeError> {
    let read: Members = serde_json::from_str(text).map_err(DecodeError::from_json)?;
    if read.command_repeated {
        return Err(DecodeError::CommandRepeated);
    }
    match read.members.get("CallbackCommand") {
        Some(Value::String(command)) => Ok((command.clone(), read.members)),
        Some(_) => Err(DecodeError::CommandNotText),
        None => match guess.filter(query_decides) {
            Some(command) => Ok((command.to_owned(), read.members)),
            None => Err(DecodeError::MissingCommand),
        },
    }
}
