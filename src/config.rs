//! The layer's configuration: what [`RoomWebhookBuilder`](crate::RoomWebhookBuilder) takes
//! and checks: the apps, their tokens, the limits and the delivery options.

use std::fmt;
use std::time::Duration;

use http::HeaderValue;

use crate::dedup::Dedup;
use crate::query::SdkAppId;
use crate::sink::Recorder;
use crate::verify::SignatureVerifier;

/// The default callback path.
pub const DEFAULT_PATH: &str = "/callback";

/// The default body limit: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The default bound on the bytes of all the callback bodies being read at once: 16 MiB,
/// 16 bodies at the default body limit, thousands of Tencent's (a few kilobytes each).
/// The bytes are counted as they arrive; what the HTTP server holds for them is up to
/// about twice that (its read buffers), so memory stays well under 64 MB whatever
/// clients send (measured: 200 clients stalling 1 MiB uploads, in `tests/all/recording.rs`).
pub const DEFAULT_BUFFERED_LIMIT: usize = 16 * 1024 * 1024;

/// The default time a callback's body gets to arrive whole, from the end of its head:
/// Tencent itself waits two seconds for the whole answer, so a body slower than that is
/// no callback of Tencent's worth waiting for.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(2);

/// The default time within which every callback is answered, from the end of its head:
/// comfortably under Tencent's two seconds, so that the answer is the layer's (408, 503,
/// 504), never Tencent's timeout.
pub const DEFAULT_ANSWER_WITHIN: Duration = Duration::from_millis(1800);

/// Which `Content-Type` request headers the layer accepts. Tencent does not document
/// the header it sends; the `contenttype` query parameter is checked under every policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ContentTypePolicy {
    /// Refuse form and multipart types (`application/x-www-form-urlencoded`,
    /// `multipart/*`), accept anything else, the header's absence included. The body must
    /// be JSON whatever the header says, so this loses nothing and never refuses a real
    /// callback over an undocumented header.
    #[default]
    Lenient,
    /// Accept only an absent header, `application/json` (or any `application/*+json`) and
    /// `text/plain`, with any parameters, in any case.
    Strict,
    /// Do not look at the header.
    Any,
}

impl ContentTypePolicy {
    /// Whether a request with this `Content-Type` header (or none) may be a callback.
    pub(crate) fn accepts(self, header: Option<&HeaderValue>) -> bool {
        let Some(header) = header else {
            return true;
        };
        // A header that is not visible ASCII names no JSON type.
        let essence = header.to_str().unwrap_or_default();
        let essence = essence.split(';').next().unwrap_or_default().trim();
        let is = |name: &str| essence.eq_ignore_ascii_case(name);
        let starts = |prefix: &str| {
            essence
                .get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        };
        let ends = |suffix: &str| {
            (essence.len().checked_sub(suffix.len()))
                .and_then(|start| essence.get(start..))
                .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix))
        };
        match self {
            Self::Any => true,
            Self::Lenient => !(is("application/x-www-form-urlencoded") || starts("multipart/")),
            Self::Strict => {
                is("application/json")
                    || is("text/plain")
                    || (starts("application/") && ends("+json"))
            }
        }
    }
}

/// What happens to a handler still running at its deadline
/// ([`RoomWebhookBuilder::deadline`](crate::RoomWebhookBuilder::deadline)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnDeadline {
    /// Drop the handler's future (its work stops at its current `.await`) and answer
    /// 504, FAIL [`ErrorCode::HANDLER_TIMEOUT`](crate::ErrorCode::HANDLER_TIMEOUT). A
    /// de-duplication claim is released, so that Tencent's retry is handled.
    Cancel,
    /// Answer OK and let the handler finish in the background, on tokio; its
    /// outcome is logged, and [`Drain`](crate::Drain) waits for it at shutdown. Tencent's advice is to
    /// answer first and work after: this is that, for the slow callbacks only.
    Detach,
}

/// One app served by the layer: its SDKAppID and, optionally, authentication tokens of
/// its own.
///
/// Several apps may share one callback URL; each callback's `SdkAppid` says which app it
/// belongs to, and the [`CallbackContext`](crate::CallbackContext) tells the handler.
///
/// ```
/// use tencent_room_webhook::{AppConfig, RoomWebhookLayer};
///
/// let layer = RoomWebhookLayer::builder()
///     // Checked with this app's own token.
///     .app(AppConfig::new(1400000001).token("token of app 1"))
///     // No token of its own: the builder's tokens apply (none here: no authentication).
///     .app(AppConfig::new(1400000002))
///     .build()?;
/// # Ok::<(), tencent_room_webhook::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct AppConfig {
    pub(crate) id: SdkAppId,
    pub(crate) tokens: Option<Vec<String>>,
}

impl AppConfig {
    /// The app with this SDKAppID, using the builder's tokens (if any).
    pub fn new(sdk_app_id: impl Into<SdkAppId>) -> Self {
        Self {
            id: sdk_app_id.into(),
            tokens: None,
        }
    }

    /// Check this app's callbacks with this token (add several for a rotation). The
    /// builder's own tokens then do not apply to this app.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.tokens.get_or_insert_with(Vec::new).push(token.into());
        self
    }

    /// Add each of these tokens; see [`token`](Self::token).
    pub fn tokens<I>(mut self, tokens: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.tokens
            .get_or_insert_with(Vec::new)
            .extend(tokens.into_iter().map(Into::into));
        self
    }

    /// The SDKAppID.
    pub fn sdk_app_id(&self) -> SdkAppId {
        self.id
    }
}

impl fmt::Debug for AppConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tokens = self.tokens.as_ref().map(Vec::len);
        f.debug_struct("AppConfig")
            .field("sdk_app_id", &self.id)
            .field("own_tokens", &format_args!("{tokens:?} redacted"))
            .finish()
    }
}

/// An app as the services check it.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) id: SdkAppId,
    pub(crate) verifier: Option<SignatureVerifier>,
}

/// The checked configuration the services share, frozen at build.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) path: Box<str>,
    pub(crate) apps: Box<[App]>,
    pub(crate) body_limit: usize,
    pub(crate) body_timeout: Duration,
    pub(crate) answer_within: Duration,
    pub(crate) content_type: ContentTypePolicy,
    pub(crate) deadline: Option<(Duration, OnDeadline)>,
    pub(crate) answer_first: bool,
    pub(crate) dedup: Option<Dedup>,
    pub(crate) record: Option<Recorder>,
}

impl Config {
    pub(crate) fn app(&self, id: SdkAppId) -> Option<&App> {
        // A handful of apps at most: a scan beats hashing.
        self.apps.iter().find(|app| app.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_policy_refuses_forms_and_multipart_only() {
        let p = ContentTypePolicy::Lenient;
        assert!(p.accepts(None));
        assert!(p.accepts(Some(&HeaderValue::from_static(
            "application/json; charset=utf-8"
        ))));
        assert!(p.accepts(Some(&HeaderValue::from_static("text/plain"))));
        assert!(p.accepts(Some(&HeaderValue::from_static("application/octet-stream"))));
        assert!(!p.accepts(Some(&HeaderValue::from_static(
            "application/x-www-form-urlencoded"
        ))));
        assert!(!p.accepts(Some(&HeaderValue::from_static(
            "Multipart/Form-Data; boundary=x"
        ))));
    }

    #[test]
    fn strict_policy_accepts_json_and_text_only() {
        let p = ContentTypePolicy::Strict;
        assert!(p.accepts(None));
        assert!(p.accepts(Some(&HeaderValue::from_static(
            "APPLICATION/JSON;charset=UTF-8"
        ))));
        assert!(p.accepts(Some(&HeaderValue::from_static("application/problem+json"))));
        assert!(p.accepts(Some(&HeaderValue::from_static("text/plain; charset=utf-8"))));
        assert!(!p.accepts(Some(&HeaderValue::from_static("application/octet-stream"))));
        assert!(!p.accepts(Some(&HeaderValue::from_static("text/html"))));
        assert!(!p.accepts(Some(&HeaderValue::from_static(
            "application/x-www-form-urlencoded"
        ))));
    }
}
