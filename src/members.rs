//! Reading and writing the JSON members of the protocol's objects, for the decoders that
//! `record!` generates.
//!
//! Serde's derive keeps unnamed members with `#[serde(flatten)]`: it buffers them, then
//! reads `extra` out of the buffer. `CallbackCommand`, which no struct names, went that way
//! too, to be taken out of `extra` and checked afterwards, after a scan of the body for a
//! repeated command. The generated decoders read each member once, straight into its
//! field or into `extra`, and the event decoders check `CallbackCommand` in the same pass,
//! borrowed from the body.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;

/// An object of the protocol with a generated decoder.
pub(crate) trait Record: Sized {
    /// Reads the object's members from `map`. With `command`, the member `CallbackCommand`
    /// must be there and say `command` (every time it is there); without, it is an unnamed
    /// member like any other.
    fn read_members<'de, A: MapAccess<'de>>(
        map: A,
        command: Option<&str>,
    ) -> Result<Self, A::Error>;

    /// Writes the named members that are present, then the unnamed ones; without a
    /// `CallbackCommand` among those when `skip_command` (the caller writes its own).
    fn write_members<M: SerializeMap>(
        &self,
        map: &mut M,
        skip_command: bool,
    ) -> Result<(), M::Error>;
}

/// Reads a [`Record`] from a JSON object.
pub(crate) struct RecordVisitor<'c, T> {
    command: Option<&'c str>,
    record: PhantomData<fn() -> T>,
}

impl<'c, T: Record> RecordVisitor<'c, T> {
    pub(crate) fn new(command: Option<&'c str>) -> Self {
        Self {
            command,
            record: PhantomData,
        }
    }
}

impl<'de, T: Record> Visitor<'de> for RecordVisitor<'_, T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::read_members(map, self.command)
    }
}

/// A member's name (or a text value), borrowed from the body unless it had to be unescaped.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl<'de> Key<'de> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(CowVisitor).map(Key)
    }
}

/// Text borrowed from the body when it can be.
struct CowVisitor;

impl<'de> Visitor<'de> for CowVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// Reads one `CallbackCommand` member and checks it against `expected`.
///
/// The error only has to make the event unreadable: the caller then reads the body as a
/// plain object, which tells a missing, non-text, different or repeated command apart.
pub(crate) fn expect_command<'de, A: MapAccess<'de>>(
    map: &mut A,
    expected: &str,
) -> Result<(), A::Error> {
    let found: Key<'de> = map.next_value()?;
    if found.as_str() == expected {
        Ok(())
    } else {
        Err(de::Error::custom(
            "CallbackCommand differs from the command of the query",
        ))
    }
}

/// Whether a field is left out when written: an absent option, an empty list.
pub(crate) trait Absent {
    fn absent(&self) -> bool;
}

impl<T> Absent for Option<T> {
    fn absent(&self) -> bool {
        self.is_none()
    }
}

impl<T> Absent for Vec<T> {
    fn absent(&self) -> bool {
        self.is_empty()
    }
}
