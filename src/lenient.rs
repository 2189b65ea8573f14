//! The lenient decoding rules of the protocol (section 2): Tencent's own samples send
//! booleans as strings, user IDs as numbers and times as decimal strings, so each field
//! type accepts the spellings seen in the wild. `null` reads as a missing field.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};

use crate::id_text::IdText;

/// Text that may arrive as a JSON string or as a JSON integer (user and room IDs).
pub(crate) fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<IdText, D::Error> {
    struct TextVisitor;

    impl Visitor<'_> for TextVisitor {
        type Value = IdText;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or an integer")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<IdText, E> {
            Ok(IdText::from(v))
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<IdText, E> {
            Ok(IdText::from(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<IdText, E> {
            Ok(IdText::from_u64(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<IdText, E> {
            Ok(IdText::from_i64(v))
        }
    }

    deserializer.deserialize_any(TextVisitor)
}

/// An unsigned integer that may arrive as a JSON integer or as a decimal string.
pub(crate) fn integer<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: TryFrom<u64>,
    D: Deserializer<'de>,
{
    struct IntegerVisitor<T>(PhantomData<T>);

    impl<T: TryFrom<u64>> Visitor<'_> for IntegerVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an unsigned integer, as a number or a decimal string")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            u64::try_from(v)
                .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
                .and_then(|v| self.visit_u64(v))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
            // `1.670574414e12` is a whole number written as a float.
            if v.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(&v) {
                self.visit_u64(v as u64)
            } else {
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            let trimmed = v.trim();
            if trimmed.is_empty() || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
                return Err(E::invalid_value(de::Unexpected::Str(v), &self));
            }
            trimmed
                .parse::<u64>()
                .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
                .and_then(|v| self.visit_u64(v))
        }
    }

    deserializer.deserialize_any(IntegerVisitor(PhantomData))
}

/// A boolean that may arrive as `true`, `"true"` (any case), or `1` / `0`.
fn boolean<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    struct BoolVisitor;

    impl Visitor<'_> for BoolVisitor {
        type Value = bool;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean, as true/false, \"true\"/\"false\" or 1/0")
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
            match v {
                0 => Ok(false),
                1 => Ok(true),
                _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
            }
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
            match v {
                0 => Ok(false),
                1 => Ok(true),
                _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
            }
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
            match v.trim() {
                s if s.eq_ignore_ascii_case("true") || s == "1" => Ok(true),
                s if s.eq_ignore_ascii_case("false") || s == "0" => Ok(false),
                _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
            }
        }
    }

    deserializer.deserialize_any(BoolVisitor)
}

/// Wraps a field reader so that `null` reads as `None`.
macro_rules! optional {
    ($name:ident, $inner:path, $ty:ty) => {
        pub(crate) fn $name<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<$ty>, D::Error> {
            struct Present($ty);

            impl<'de> serde::Deserialize<'de> for Present {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    $inner(deserializer).map(Present)
                }
            }

            Ok(<Option<Present> as serde::Deserialize>::deserialize(deserializer)?.map(|p| p.0))
        }
    };
}

optional!(opt_bool, boolean, bool);
optional!(opt_u32, integer, u32);
optional!(opt_u64, integer, u64);

/// A list that may be missing or `null` (both read as empty).
pub(crate) fn list<'de, T, D>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: Deserializer<'de>,
{
    Ok(<Option<Vec<T>> as serde::Deserialize>::deserialize(deserializer)?.unwrap_or_default())
}
