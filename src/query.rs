//! The URL query of a callback, and the [`CallbackContext`] decoded from it.
//!
//! Tencent appends `SdkAppid`, `CallbackCommand`, `contenttype`, `ClientIP`, `OptPlatform`
//! and, with authentication on, `Sign` and `RequestTime` to the configured URL, which may
//! carry parameters of its own. Names are matched without regard to case, unknown
//! parameters are ignored, and a known parameter that appears twice is refused rather
//! than resolved by first or last.
//!
//! ```
//! use tencent_room_webhook::{CallbackContext, OptPlatform, SdkAppId};
//!
//! let context = CallbackContext::new(SdkAppId::new(1400000000), "Room.CallbackAfterDestroyRoom")
//!     .with_platform(OptPlatform::from("Mac"));
//! assert_eq!(context.platform, Some(OptPlatform::MacOs));
//! assert_eq!(context.sdk_app_id.to_string(), "1400000000");
//! ```

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

/// An app's SDKAppID, as in the `SdkAppid` query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SdkAppId(u64);

impl SdkAppId {
    /// The SDKAppID with this number.
    pub const fn new(id: u64) -> Self {
        Self(id)
    }

    /// The number.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// Reads decimal digits only: no sign, no spaces, no empty value.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        if text.is_empty() {
            return None;
        }
        // Digits only, accumulated with overflow checks: `str::parse` also takes a sign.
        text.bytes()
            .try_fold(0u64, |id, byte| {
                let digit = byte.wrapping_sub(b'0');
                if digit > 9 {
                    return None;
                }
                id.checked_mul(10)?.checked_add(u64::from(digit))
            })
            .map(Self)
    }
}

/// Why text is not an SDKAppID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseSdkAppIdError(());

impl fmt::Display for ParseSdkAppIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an SDKAppID is decimal digits only, like 1400000000")
    }
}

impl std::error::Error for ParseSdkAppIdError {}

/// Reads decimal digits only, as in the query: no sign, no spaces, no empty value.
///
/// ```
/// use tencent_room_webhook::SdkAppId;
///
/// assert_eq!("1400000000".parse::<SdkAppId>().unwrap().get(), 1400000000);
/// assert!(" 1400000000".parse::<SdkAppId>().is_err());
/// ```
impl std::str::FromStr for SdkAppId {
    type Err = ParseSdkAppIdError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text).ok_or(ParseSdkAppIdError(()))
    }
}

impl From<u64> for SdkAppId {
    fn from(id: u64) -> Self {
        Self(id)
    }
}

impl fmt::Display for SdkAppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl serde::Serialize for SdkAppId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.0)
    }
}

open_enum! {
    /// `OptPlatform`: where the operation that caused the callback came from.
    pub enum OptPlatform {
        /// `RESTAPI`.
        RestApi = "RESTAPI",
        /// `Web`.
        Web = "Web",
        /// `Android`.
        Android = "Android",
        /// `iOS` (also sent as `IOS`).
        Ios = "iOS",
        /// `Windows`.
        Windows = "Windows",
        /// `macOS` (Chinese pages say `Mac`).
        MacOs = "macOS" | "Mac",
        /// `iPad`.
        IPad = "iPad",
        /// `Unknown`.
        Unknown = "Unknown",
    }
}

/// What the query says about a callback: which app, which command, from where.
///
/// The layer puts it into the request extensions (extension mode) or hands it to the
/// handler beside the event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct CallbackContext {
    /// `SdkAppid`: the app the callback belongs to (one of the configured SDKAppIDs).
    #[serde(rename = "SdkAppid")]
    pub sdk_app_id: SdkAppId,
    /// `CallbackCommand` of the query (the body's is checked to be the same). Borrowed
    /// for the commands this crate knows, so that it costs no allocation.
    #[serde(rename = "CallbackCommand")]
    pub command: Cow<'static, str>,
    /// `ClientIP`: the client's IP address, when sent and readable as one.
    #[serde(rename = "ClientIP", skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<IpAddr>,
    /// `OptPlatform`, when sent.
    #[serde(rename = "OptPlatform", skip_serializing_if = "Option::is_none")]
    pub platform: Option<OptPlatform>,
    /// `RequestTime`, in seconds since the Unix epoch: present when authentication is on
    /// (and then checked to be within the window).
    #[serde(rename = "RequestTime", skip_serializing_if = "Option::is_none")]
    pub request_time: Option<u64>,
}

impl CallbackContext {
    /// A context for `command` of app `sdk_app_id`, with nothing else known. Useful to
    /// call a handler from a test.
    pub fn new(sdk_app_id: SdkAppId, command: impl Into<Cow<'static, str>>) -> Self {
        Self {
            sdk_app_id,
            command: command.into(),
            client_ip: None,
            platform: None,
            request_time: None,
        }
    }

    /// With `ClientIP`.
    pub fn with_client_ip(mut self, client_ip: impl Into<IpAddr>) -> Self {
        self.client_ip = Some(client_ip.into());
        self
    }

    /// With `OptPlatform`.
    pub fn with_platform(mut self, platform: OptPlatform) -> Self {
        self.platform = Some(platform);
        self
    }

    /// With `RequestTime`, in seconds since the Unix epoch.
    pub fn with_request_time(mut self, request_time: u64) -> Self {
        self.request_time = Some(request_time);
        self
    }
}

/// One known parameter of the query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Param<'a> {
    #[default]
    Absent,
    /// Present once, percent-decoded.
    Value(Cow<'a, str>),
    /// Present more than once: refused, since first-wins and last-wins readers disagree.
    Repeated,
    /// Present once but not valid percent-encoded UTF-8.
    Malformed,
}

impl<'a> Param<'a> {
    /// Records another occurrence whose value, compared without regard to case, may
    /// repeat the first.
    fn set_same(&mut self, raw: RawValue<'a>) {
        if let Param::Value(first) = self {
            if raw
                .decode()
                .is_some_and(|again| again.eq_ignore_ascii_case(first))
            {
                return;
            }
        }
        self.set(raw);
    }

    fn set(&mut self, raw: RawValue<'a>) {
        *self = match self {
            Param::Absent => match raw.decode() {
                Some(value) => Param::Value(value),
                None => Param::Malformed,
            },
            _ => Param::Repeated,
        };
    }

    /// The value for an informational parameter: absent, repeated, malformed and empty
    /// all read as "not sent".
    pub(crate) fn informational(&self) -> Option<&str> {
        match self {
            Param::Value(value) if !value.is_empty() => Some(value),
            _ => None,
        }
    }
}

/// The parameters of a callback's query that the layer reads; values borrow from the
/// URI unless they had to be percent-decoded.
#[derive(Debug, Default)]
pub(crate) struct Query<'a> {
    pub(crate) sdk_app_id: Param<'a>,
    pub(crate) command: Param<'a>,
    pub(crate) content_type: Param<'a>,
    pub(crate) client_ip: Param<'a>,
    pub(crate) platform: Param<'a>,
    pub(crate) sign: Param<'a>,
    pub(crate) request_time: Param<'a>,
}

impl<'a> Query<'a> {
    pub(crate) fn parse(query: &'a str) -> Self {
        let mut parsed = Self::default();
        let bytes = query.as_bytes();
        // One forward scan over the query for its delimiters (`&`, `=`, the escapes),
        // rather than a search for each in turn: the pairs are short, and a search's
        // set-up costs more than it saves.
        let mut pair_start = 0;
        let mut equals = None;
        let mut escaped_name = false;
        let mut escaped_value = false;
        let mut from = 0;
        while let Some(at) = next_delimiter(bytes, from) {
            from = at + 1;
            match bytes[at] {
                b'&' => {
                    parsed.pair(query, pair_start, equals, at, escaped_name, escaped_value);
                    pair_start = from;
                    equals = None;
                    escaped_name = false;
                    escaped_value = false;
                }
                b'=' if equals.is_none() => equals = Some(at),
                b'=' => {}
                // `%` or `+`
                _ if equals.is_none() => escaped_name = true,
                _ => escaped_value = true,
            }
        }
        let end = bytes.len();
        parsed.pair(query, pair_start, equals, end, escaped_name, escaped_value);
        parsed
    }

    /// Records the pair `query[start..end]`, whose first `=` is at `equals`.
    fn pair(
        &mut self,
        query: &'a str,
        start: usize,
        equals: Option<usize>,
        end: usize,
        escaped_name: bool,
        escaped_value: bool,
    ) {
        let (name, value) = match equals {
            Some(at) => (&query[start..at], &query[at + 1..end]),
            None => (&query[start..end], ""),
        };
        // Names are decoded as any query reader decodes them, so that `%53dkAppid`
        // beside `SdkAppid` is seen as the repeat it is. Tencent's never need it.
        let known = if escaped_name {
            percent_decode(name).and_then(|name| Known::of(&name))
        } else {
            Known::of(name)
        };
        let Some(known) = known else { return };
        let value = RawValue {
            text: value,
            escaped: escaped_value,
        };
        let slot = self.slot(known);
        if known == Known::ContentType {
            slot.set_same(value);
        } else {
            slot.set(value);
        }
    }

    fn slot(&mut self, known: Known) -> &mut Param<'a> {
        match known {
            Known::Sign => &mut self.sign,
            Known::SdkAppId => &mut self.sdk_app_id,
            Known::ClientIp => &mut self.client_ip,
            Known::ContentType => &mut self.content_type,
            Known::Platform => &mut self.platform,
            Known::RequestTime => &mut self.request_time,
            Known::Command => &mut self.command,
        }
    }
}

/// The parameters the layer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    Sign,
    SdkAppId,
    ClientIp,
    /// May repeat with the same value: a console URL may carry `contenttype=json`
    /// already, and Tencent adds its own.
    ContentType,
    Platform,
    RequestTime,
    Command,
}

impl Known {
    /// The parameter called `name`, in any case. The length and first letter pick the
    /// candidate; one comparison confirms it.
    fn of(name: &str) -> Option<Self> {
        let first = name.as_bytes().first()?.to_ascii_lowercase();
        let (expected, known) = match (name.len(), first) {
            (4, b's') => ("Sign", Self::Sign),
            (8, b's') => ("SdkAppid", Self::SdkAppId),
            (8, b'c') => ("ClientIP", Self::ClientIp),
            (11, b'c') => ("contenttype", Self::ContentType),
            (11, b'o') => ("OptPlatform", Self::Platform),
            (11, b'r') => ("RequestTime", Self::RequestTime),
            (15, b'c') => ("CallbackCommand", Self::Command),
            _ => return None,
        };
        letters_eq_ignore_case(name.as_bytes(), expected.as_bytes()).then_some(known)
    }
}

/// `name.eq_ignore_ascii_case(expected)` for an `expected` of ASCII letters only; between
/// 4 and 16 bytes (all of Tencent's names), a word or two at a time. With 0x20 set in every
/// byte (the lower-case bit), a byte equals a lower-case letter only if it is that
/// letter in either case: one comparison per word, whatever the case sent.
fn letters_eq_ignore_case(name: &[u8], expected: &[u8]) -> bool {
    debug_assert!(expected.iter().all(u8::is_ascii_alphabetic));
    if name.len() != expected.len() {
        return false;
    }
    if !(4..=16).contains(&expected.len()) {
        return name.eq_ignore_ascii_case(expected);
    }
    fn word<const N: usize>(bytes: &[u8]) -> [u8; N] {
        bytes.try_into().expect("a word's worth of bytes")
    }
    let len = name.len();
    if len >= 8 {
        let fold = |bytes: [u8; 8]| u64::from_le_bytes(bytes) | u64::from_le_bytes([0x20; 8]);
        // The first eight bytes and the last eight, overlapping when shorter than 16.
        fold(word(&name[..8])) == fold(word(&expected[..8]))
            && fold(word(&name[len - 8..])) == fold(word(&expected[len - 8..]))
    } else {
        let fold = |bytes: [u8; 4]| u32::from_le_bytes(bytes) | u32::from_le_bytes([0x20; 4]);
        fold(word(&name[..4])) == fold(word(&expected[..4]))
            && fold(word(&name[len - 4..])) == fold(word(&expected[len - 4..]))
    }
}

/// The position of the first `&`, `=`, `%` or `+` at or after `from`. Eight bytes at a
/// time: a value of the query is mostly bytes that are none of them.
fn next_delimiter(bytes: &[u8], from: usize) -> Option<usize> {
    const fn splat(byte: u8) -> u64 {
        u64::from_le_bytes([byte; 8])
    }
    // High bit set in each byte of `word` that is zero. A byte above a zero byte may be
    // marked too (the borrow), but never one below the first: the lowest mark is right.
    fn zero_bytes(word: u64) -> u64 {
        word.wrapping_sub(splat(0x01)) & !word & splat(0x80)
    }

    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("a chunk of eight bytes"));
        let found = zero_bytes(word ^ splat(b'&'))
            | zero_bytes(word ^ splat(b'='))
            | zero_bytes(word ^ splat(b'%'))
            | zero_bytes(word ^ splat(b'+'));
        if found != 0 {
            // Little-endian: the first byte is the lowest.
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let rest = bytes.get(at..)?;
    rest.iter()
        .position(|byte| matches!(byte, b'&' | b'=' | b'%' | b'+'))
        .map(|offset| at + offset)
}

/// A value as it stands in the query, and whether it needs decoding.
#[derive(Clone, Copy)]
struct RawValue<'a> {
    text: &'a str,
    escaped: bool,
}

impl<'a> RawValue<'a> {
    fn decode(self) -> Option<Cow<'a, str>> {
        if self.escaped {
            percent_decode(self.text)
        } else {
            Some(Cow::Borrowed(self.text))
        }
    }
}

/// Decodes `%XX` escapes and `+` (a space in query strings). `None` for a broken escape
/// or a result that is not UTF-8.
fn percent_decode(raw: &str) -> Option<Cow<'_, str>> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let high = hex_digit(*bytes.get(i + 1)?)?;
                let low = hex_digit(*bytes.get(i + 2)?)?;
                out.push(high << 4 | low);
                i += 3;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok().map(Cow::Owned)
}

fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_known_parameter_in_any_order_and_case() {
        let q = Query::parse(
            "own=1&callbackcommand=Room.CallbackAfterDestroyRoom&SDKAPPID=1400000000&contenttype=JSON\
             &ClientIP=127.0.0.1&OptPlatform=Web&Sign=ab&RequestTime=12",
        );
        assert_eq!(q.sdk_app_id, Param::Value("1400000000".into()));
        assert_eq!(
            q.command,
            Param::Value("Room.CallbackAfterDestroyRoom".into())
        );
        assert_eq!(q.content_type, Param::Value("JSON".into()));
        assert_eq!(q.client_ip.informational(), Some("127.0.0.1"));
        assert_eq!(q.platform.informational(), Some("Web"));
        assert_eq!(q.sign, Param::Value("ab".into()));
        assert_eq!(q.request_time, Param::Value("12".into()));
    }

    #[test]
    fn names_match_in_any_case_and_only_as_letters() {
        for name in [
            "sign",
            "SIGN",
            "sDkApPiD",
            "clientip",
            "CONTENTTYPE",
            "optplatform",
            "requesttime",
            "CALLBACKCOMMAND",
            "callbackCommand",
        ] {
            assert!(Known::of(name).is_some(), "{name}");
        }
        // Bytes that differ from a letter by the 0x40 bit (equal to it once 0x20 is set,
        // were 0x40 ignored too), and other lengths.
        for name in [
            "Sig\x0e",
            "S\x04kAppid",
            "SdkAppi\x04",
            "Callback\x03ommand",
            "ClientI\x10",
            "contenttyp",
            "contenttypes",
            "Sdk_Appid",
            "SdkAppid ",
            "",
        ] {
            assert_eq!(Known::of(name), None, "{name:?}");
        }
    }

    #[test]
    fn the_word_search_finds_the_delimiter_a_byte_scan_finds() {
        // Every length around the eight-byte words, each delimiter at every position,
        // with plain ASCII, multi-byte UTF-8 and bytes near the delimiters around it.
        let fillers: [&[u8]; 4] = [b"a", "长".as_bytes(), b"'", b"\xff"];
        for len in 0..=20 {
            for filler in fillers {
                let plain: Vec<u8> = filler.iter().copied().cycle().take(len).collect();
                assert_eq!(next_delimiter(&plain, 0), None, "{plain:?}");
                for at in 0..len {
                    for delimiter in [b'&', b'=', b'%', b'+'] {
                        let mut bytes = plain.clone();
                        bytes[at] = delimiter;
                        for from in 0..=len {
                            let expected = bytes[from..]
                                .iter()
                                .position(|b| b"&=%+".contains(b))
                                .map(|offset| from + offset);
                            assert_eq!(next_delimiter(&bytes, from), expected, "{bytes:?} {from}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_repeated_parameter_is_marked_repeated() {
        let q = Query::parse("SdkAppid=1&SdkAppid=1");
        assert_eq!(q.sdk_app_id, Param::Repeated);
    }

    #[test]
    fn a_repeated_contenttype_with_the_same_value_is_one_value() {
        let q = Query::parse("contenttype=json&contenttype=JSON");
        assert_eq!(q.content_type, Param::Value("json".into()));
        let q = Query::parse("contenttype=json&contenttype=xml");
        assert_eq!(q.content_type, Param::Repeated);
    }

    #[test]
    fn percent_escapes_and_plus_are_decoded() {
        let q = Query::parse("ClientIP=%3A%3A1&OptPlatform=REST+API");
        assert_eq!(q.client_ip.informational(), Some("::1"));
        assert_eq!(q.platform.informational(), Some("REST API"));
    }

    #[test]
    fn an_encoded_name_is_its_parameter() {
        assert_eq!(
            Query::parse("%53dkAppid=1").sdk_app_id,
            Param::Value("1".into())
        );
        assert_eq!(
            Query::parse("SdkAppid=1&%53dkAppid=1").sdk_app_id,
            Param::Repeated
        );
    }

    #[test]
    fn a_broken_escape_is_malformed() {
        assert_eq!(Query::parse("SdkAppid=14%G0").sdk_app_id, Param::Malformed);
        assert_eq!(Query::parse("SdkAppid=14%").sdk_app_id, Param::Malformed);
        assert_eq!(Query::parse("SdkAppid=%FF").sdk_app_id, Param::Malformed);
    }

    #[test]
    fn sdk_app_id_is_decimal_digits_only() {
        assert_eq!(
            SdkAppId::parse("1400000000"),
            Some(SdkAppId::new(1400000000))
        );
        for bad in ["", "+1", "-1", " 1", "1e3", "0x10", "99999999999999999999"] {
            assert_eq!(SdkAppId::parse(bad), None, "{bad:?}");
        }
    }
}
