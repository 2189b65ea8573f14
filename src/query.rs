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
        crate::lenient::digits(text).map(Self)
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
    /// `CallbackCommand` of the query, an alias read as the command it stands for
    /// (`Room.CallbackUpdateRoomInfo` is `Room.CallbackAfterUpdateRoomInfo`), so that a
    /// handler, the metrics and the delivery's key see one name per command. The body's
    /// own command decides the event ([`Event::command`](crate::Event::command)); a query
    /// that names another is logged as drift, not refused. Borrowed for the commands this
    /// crate knows, so that it costs no allocation.
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
    /// Present once, percent-decoded (a broken escape or a byte that is not UTF-8 is kept
    /// as text, which then fails whatever check the value is for).
    Value(Cow<'a, str>),
    /// Present more than once: refused, since first-wins and last-wins readers disagree.
    Repeated,
}

impl<'a> Param<'a> {
    fn add(&mut self, value: Cow<'a, str>) {
        *self = match self {
            Param::Absent => Param::Value(value),
            _ => Param::Repeated,
        };
    }

    /// The value once sent, as text the checks can read.
    pub(crate) fn value(&self) -> Option<&str> {
        match self {
            Param::Value(value) => Some(value),
            Param::Absent | Param::Repeated => None,
        }
    }

    /// The value for an informational parameter: absent, repeated and empty all read as
    /// "not sent".
    pub(crate) fn informational(&self) -> Option<&str> {
        self.value().filter(|value| !value.is_empty())
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
    /// Reads the query as any form-urlencoded reader does (names are decoded too, so
    /// `%53dkAppid` is `SdkAppid`), matching names without regard to case.
    pub(crate) fn parse(query: &'a str) -> Self {
        let mut parsed = Self::default();
        let bytes = query.as_bytes();
        if bytes.iter().any(|&byte| byte == b'%' || byte == b'+') {
            for (name, value) in form_urlencoded::parse(bytes) {
                parsed.add(&name, value);
            }
            return parsed;
        }
        // Nothing to decode: the pairs as they stand, as `form_urlencoded` reads them (empty
        // pairs skipped, a bare name has an empty value). `form_urlencoded` would scan every
        // name and value twice more: the largest cost of a callback (see BENCHMARKS.md).
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            parsed.add(name, Cow::Borrowed(value));
        }
        parsed
    }

    fn add(&mut self, name: &str, value: Cow<'a, str>) {
        let is = |known: &str| name.eq_ignore_ascii_case(known);
        let slot = if is("SdkAppid") {
            &mut self.sdk_app_id
        } else if is("CallbackCommand") {
            &mut self.command
        } else if is("contenttype") {
            // A console URL may carry `contenttype=json` already, and Tencent adds its
            // own: the same value twice is one value.
            if let Param::Value(first) = &self.content_type {
                if first.eq_ignore_ascii_case(&value) {
                    return;
                }
            }
            &mut self.content_type
        } else if is("ClientIP") {
            &mut self.client_ip
        } else if is("OptPlatform") {
            &mut self.platform
        } else if is("Sign") {
            &mut self.sign
        } else if is("RequestTime") {
            &mut self.request_time
        } else {
            return;
        };
        slot.add(value);
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
    fn a_name_matches_in_any_case_but_only_whole() {
        assert_eq!(
            Query::parse("sDkApPiD=1").sdk_app_id,
            Param::Value("1".into())
        );
        for other in ["Sdk_Appid=1", "SdkAppid%20=1", "SdkAppids=1", "dkAppid=1"] {
            assert_eq!(Query::parse(other).sdk_app_id, Param::Absent, "{other}");
        }
    }

    #[test]
    fn a_plain_query_reads_as_form_urlencoded_reads_it() {
        let pieces = [
            "SdkAppid",
            "=",
            "&",
            "1",
            "sign",
            "",
            "==",
            "&&",
            "CallbackCommand",
            "x=y",
        ];
        // Every query of up to four pieces: the plain path against form_urlencoded's.
        let mut queries = vec![String::new()];
        for _ in 0..4 {
            queries = queries
                .iter()
                .flat_map(|query| pieces.iter().map(move |piece| format!("{query}{piece}")))
                .collect();
        }
        for query in queries {
            let plain = Query::parse(&query);
            let mut form = Query::default();
            for (name, value) in form_urlencoded::parse(query.as_bytes()) {
                form.add(&name, value);
            }
            assert_eq!(format!("{plain:?}"), format!("{form:?}"), "{query:?}");
        }
    }

    #[test]
    fn a_repeated_parameter_is_marked_repeated() {
        assert_eq!(
            Query::parse("SdkAppid=1&SdkAppid=1").sdk_app_id,
            Param::Repeated
        );
        assert_eq!(
            Query::parse("SdkAppid=1&SdkAppid").sdk_app_id,
            Param::Repeated
        );
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
    fn a_broken_escape_is_no_sdk_app_id() {
        for query in ["SdkAppid=14%G0", "SdkAppid=14%", "SdkAppid=%FF"] {
            let q = Query::parse(query);
            assert_eq!(
                q.sdk_app_id.value().and_then(SdkAppId::parse),
                None,
                "{query}"
            );
        }
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
