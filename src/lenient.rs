//! The lenient decoding rules of the protocol (section 2): Tencent's own samples send
//! booleans as strings, user IDs as numbers and times as decimal strings, so each field
//! type accepts the spellings seen in the wild. `null` reads as a missing field.
//!
//! The readers are serde `deserialize_with` functions; a value none of them can read is an
//! error that names what was expected, never a clamped or guessed value.

use std::fmt;
use std::marker::PhantomData;

use compact_str::{CompactString, ToCompactString};
use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::{Deserialize, Serializer};

/// Decimal digits only: no sign, no spaces, not empty (RFC 9110's `1*DIGIT`).
pub(crate) fn is_numeral(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// A numeral within `u64`. The one digit parser of the crate (`SdkAppid`, `RequestTime`,
/// numbers sent as strings); `str::parse` alone would also take a leading `+`.
pub(crate) fn digits(text: &str) -> Option<u64> {
    is_numeral(text).then(|| text.parse().ok()).flatten()
}

/// Text that may arrive as a JSON string or as a JSON integer (user and room IDs), and
/// whether it was an integer.
pub(crate) fn text<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<(CompactString, bool), D::Error> {
    struct TextVisitor;

    impl Visitor<'_> for TextVisitor {
        type Value = (CompactString, bool);

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or an integer")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok((CompactString::from(v), false))
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok((CompactString::from(v), false))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok((v.to_compact_string(), true))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok((v.to_compact_string(), true))
        }
    }

    deserializer.deserialize_any(TextVisitor)
}

/// Writes text read by [`text`] back the way it arrived: an integer as that integer.
pub(crate) fn write_text<S: Serializer>(
    text: &str,
    number: bool,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    // The text of an integer read by `text` parses back; one set by hand may not.
    match (number, text.parse::<u64>(), text.parse::<i64>()) {
        (true, Ok(unsigned), _) => serializer.serialize_u64(unsigned),
        (true, _, Ok(signed)) => serializer.serialize_i64(signed),
        _ => serializer.serialize_str(text),
    }
}

/// An unsigned integer that may arrive as a JSON integer, a whole JSON float or a decimal
/// string; `null` is `None`. A value out of `T`'s range is an error, never clamped.
pub(crate) fn number<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
where
    T: TryFrom<u64>,
    D: Deserializer<'de>,
{
    Number::deserialize(deserializer).map(|number| number.value)
}

/// What [`number`] reads, and whether it arrived as a decimal string.
pub(crate) struct Number<T> {
    pub(crate) value: Option<T>,
    pub(crate) text: bool,
}

impl<'de, T: TryFrom<u64>> Deserialize<'de> for Number<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumberVisitor(PhantomData))
    }
}

struct NumberVisitor<T>(PhantomData<T>);

impl<T: TryFrom<u64>> Visitor<'_> for NumberVisitor<T> {
    type Value = Number<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an unsigned integer in range, as a number or a decimal string")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Number {
            value: None,
            text: false,
        })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::try_from(v)
            .map(|value| Number {
                value: Some(value),
                text: false,
            })
            .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        let v = u64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))?;
        self.visit_u64(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // `1.670574414e12` is a whole number written as a float. `u64::MAX as f64` is
        // 2^64 itself, one past the range: the bound is exclusive.
        if v.fract() == 0.0 && (0.0..u64::MAX as f64).contains(&v) {
            self.visit_u64(v as u64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let v = digits(v.trim()).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))?;
        let mut number = self.visit_u64(v)?;
        number.text = true;
        Ok(number)
    }
}

/// A boolean that may arrive as `true`, `"true"` (any case), or `1` / `0`; `null` is `None`.
pub(crate) fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    struct FlagVisitor;

    impl Visitor<'_> for FlagVisitor {
        type Value = Option<bool>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean, as true/false, \"true\"/\"false\" or 1/0")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            match v {
                0 => Ok(Some(false)),
                1 => Ok(Some(true)),
                _ => Err(E::invalid_value(Unexpected::Unsigned(v), &self)),
            }
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            match u64::try_from(v) {
                Ok(v) => self.visit_u64(v),
                Err(_) => Err(E::invalid_value(Unexpected::Signed(v), &self)),
            }
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            match v.trim() {
                s if s.eq_ignore_ascii_case("true") || s == "1" => Ok(Some(true)),
                s if s.eq_ignore_ascii_case("false") || s == "0" => Ok(Some(false)),
                _ => Err(E::invalid_value(Unexpected::Str(v), &self)),
            }
        }
    }

    deserializer.deserialize_any(FlagVisitor)
}

/// A list that may be missing or `null` (both read as empty).
pub(crate) fn list<'de, T, D>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_number(json: &str) -> Result<Option<u64>, serde_json::Error> {
        number(&mut serde_json::Deserializer::from_str(json))
    }

    #[test]
    fn digits_are_decimal_digits_only() {
        assert_eq!(digits("1400000000"), Some(1400000000));
        assert_eq!(digits("0001"), Some(1));
        for bad in ["", "+1", "-1", " 1", "1e3", "0x10", "18446744073709551616"] {
            assert_eq!(digits(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_number_past_u64_is_refused_not_clamped() {
        assert_eq!(read_number("18446744073709551615").unwrap(), Some(u64::MAX));
        for past in [
            "18446744073709551616",
            "\"18446744073709551616\"",
            "1.8446744073709552e19",
        ] {
            assert!(read_number(past).is_err(), "{past}");
        }
    }

    #[test]
    fn a_whole_float_and_a_padded_string_are_numbers() {
        assert_eq!(read_number("1.670574414e12").unwrap(), Some(1670574414000));
        assert_eq!(read_number("\" 42 \"").unwrap(), Some(42));
        assert_eq!(read_number("null").unwrap(), None);
        assert!(read_number("1.5").is_err());
        assert!(read_number("-1").is_err());
    }
}
