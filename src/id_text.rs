//! The text of an identifier, kept inline when short.
//!
//! A body of 10,000 members is 10,000 user IDs of about ten bytes: a `String` each would
//! make the allocator most of the decode. IDs of up to [`INLINE`] bytes (nearly all of
//! them: Tencent's UserIDs are at most 32 bytes and usually far shorter) live inside the
//! value; longer ones on the heap.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// The longest text kept inline: the value is 24 bytes, as a `String` is on 64-bit
/// targets (twice a `String` on 32-bit ones). Any integer's decimal text fits.
const INLINE: usize = 22;

#[derive(Clone)]
pub(crate) enum IdText {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl IdText {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            // Inline bytes are only ever copied whole from a `str`, so this cannot fail.
            Self::Inline { .. } => {
                std::str::from_utf8(self.as_bytes()).expect("inline ID text is copied from a str")
            }
            Self::Heap(text) => text,
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Self::Heap(text) => text.as_bytes(),
        }
    }

    pub(crate) fn into_string(self) -> String {
        match self {
            Self::Inline { .. } => self.as_str().to_owned(),
            Self::Heap(text) => text.into_string(),
        }
    }

    /// An unsigned integer's decimal text, inline.
    pub(crate) fn from_u64(value: u64) -> Self {
        decimal(value, false)
    }

    /// A signed integer's decimal text, inline.
    pub(crate) fn from_i64(value: i64) -> Self {
        decimal(value.unsigned_abs(), value < 0)
    }
}

/// Writes the digits from the end of the buffer backwards, then moves them to its start:
/// a sign and 20 digits at most, which fit inline.
fn decimal(mut magnitude: u64, negative: bool) -> IdText {
    let mut digits = [0u8; INLINE];
    let mut start = INLINE;
    loop {
        start -= 1;
        // `magnitude % 10` is below 10, so the cast keeps it whole.
        digits[start] = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
        if magnitude == 0 {
            break;
        }
    }
    if negative {
        start -= 1;
        digits[start] = b'-';
    }
    let len = INLINE - start;
    digits.copy_within(start.., 0);
    IdText::Inline {
        // At most 21, so it fits.
        len: len as u8,
        bytes: digits,
    }
}

impl From<&str> for IdText {
    fn from(text: &str) -> Self {
        match try_inline(text) {
            Some(inline) => inline,
            None => Self::Heap(text.into()),
        }
    }
}

impl From<String> for IdText {
    fn from(text: String) -> Self {
        match try_inline(&text) {
            Some(inline) => inline,
            None => Self::Heap(text.into_boxed_str()),
        }
    }
}

/// The text inline, if it fits.
fn try_inline(text: &str) -> Option<IdText> {
    let len = text.len();
    if len > INLINE {
        return None;
    }
    let mut bytes = [0u8; INLINE];
    bytes[..len].copy_from_slice(text.as_bytes());
    Some(IdText::Inline {
        // At most `INLINE`, so it fits.
        len: len as u8,
        bytes,
    })
}

impl Default for IdText {
    fn default() -> Self {
        Self::Inline {
            len: 0,
            bytes: [0; INLINE],
        }
    }
}

// Equality, order and hash are those of the text, wherever it is kept, so that an ID
// made inline and one made on the heap from the same text are the same ID, and maps
// keyed by IDs can be read with a `&str` (`Borrow<str>`).
impl PartialEq for IdText {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for IdText {}

impl PartialOrd for IdText {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for IdText {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl Hash for IdText {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for IdText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::hash_map::DefaultHasher;

    use super::*;

    fn hash_of(value: &impl Hash) -> u64 {
        let mut hasher = DefaultHasher::new();
        value.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn short_text_is_inline_and_long_text_on_the_heap() {
        assert!(matches!(IdText::from("user_1"), IdText::Inline { .. }));
        assert!(matches!(
            IdText::from("a".repeat(22).as_str()),
            IdText::Inline { .. }
        ));
        assert!(matches!(
            IdText::from("a".repeat(23).as_str()),
            IdText::Heap(_)
        ));
    }

    #[test]
    fn the_text_reads_back_the_same_wherever_it_is_kept() {
        for text in [
            "",
            "u",
            "用户一",
            &"x".repeat(22),
            &"y".repeat(23),
            &"长".repeat(40),
        ] {
            assert_eq!(IdText::from(text).as_str(), text);
            assert_eq!(IdText::from(text.to_owned()).into_string(), text);
        }
    }

    #[test]
    fn equality_order_and_hash_are_the_texts() {
        let inline = IdText::from("abc");
        let heap = IdText::Heap("abc".into());
        assert_eq!(inline, heap);
        assert_eq!(hash_of(&inline), hash_of(&heap));
        assert_eq!(hash_of(&inline), hash_of(&"abc"));
        assert!(IdText::from("abc") < IdText::from("abd"));
        assert!(IdText::from("ab") < IdText::from("abc"));
        assert!(IdText::from("b") > IdText::Heap("abcdefghijklmnopqrstuvwxyz".into()));
    }

    #[test]
    fn integers_are_their_decimal_text() {
        for value in [0, 7, 42, 1_400_000_000, u64::MAX] {
            assert_eq!(IdText::from_u64(value).as_str(), value.to_string());
        }
        for value in [0, -1, -42, i64::MIN, i64::MAX] {
            assert_eq!(IdText::from_i64(value).as_str(), value.to_string());
        }
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn it_is_no_bigger_than_a_string() {
        assert_eq!(std::mem::size_of::<IdText>(), std::mem::size_of::<String>());
    }
}
