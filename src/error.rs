//! [`ConfigError`]: what is wrong with a configuration, and what to change.

use std::fmt;

/// A configuration mistake found by [`RoomWebhookBuilder::build`](crate::RoomWebhookBuilder::build)
/// or [`SignatureVerifier::new`](crate::verify::SignatureVerifier::new). The message says what
/// to change; it never holds a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    kind: ConfigErrorKind,
    message: String,
}

/// Which mistake a [`ConfigError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// No SDKAppID was configured.
    NoSdkAppId,
    /// The same SDKAppID was configured twice.
    DuplicateSdkAppId,
    /// A token is empty.
    EmptyToken,
    /// A token starts or ends with whitespace (a newline read from a file, say): the
    /// console's tokens never do, so no `Sign` would match.
    TokenWhitespace,
    /// A verifier was made from no token at all.
    NoToken,
    /// The callback path does not start with `/`, or holds a query (`?`), a fragment
    /// (`#`) or route parameters (`{id}`, `:id`, `*rest`): it is matched literally.
    InvalidPath,
    /// The body limit is 0.
    ZeroBodyLimit,
    /// The time window is under a second: `RequestTime` is in whole seconds, so almost
    /// every callback would be refused.
    ZeroTimeWindow,
    /// An SDKAppID is 0, which no app has.
    ZeroSdkAppId,
    /// The buffered limit is smaller than the body limit: a body at the limit could never
    /// be read.
    BufferedLimitBelowBodyLimit,
    /// The body timeout is zero: no body would arrive in time.
    ZeroBodyTimeout,
    /// The time to answer within is zero: no callback would be answered in time.
    ZeroAnswerWithin,
    /// Answer-first mode, or a deadline that detaches the handler, with no record stage:
    /// OK would be answered before the event is recorded anywhere. Add
    /// [`record`](crate::RoomWebhookBuilder::record), or accept the loss with
    /// [`allow_unrecorded_ok`](crate::RoomWebhookBuilder::allow_unrecorded_ok).
    OkBeforeRecorded,
}

impl ConfigError {
    pub(crate) fn new(kind: ConfigErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// Which mistake this is.
    pub fn kind(&self) -> ConfigErrorKind {
        self.kind
    }

    pub(crate) fn empty_token(index: usize) -> Self {
        Self::new(
            ConfigErrorKind::EmptyToken,
            format!(
                "authentication token #{} is empty: an empty token would make the Sign check \
             meaningless; set the token shown in the console, or configure no token to turn \
             authentication off",
                index + 1
            ),
        )
    }

    pub(crate) fn token_whitespace(index: usize) -> Self {
        Self::new(
            ConfigErrorKind::TokenWhitespace,
            format!(
                "authentication token #{} starts or ends with whitespace (a newline read from a \
                 file or an environment variable?): console tokens never do, so no Sign would \
                 match; trim it",
                index + 1
            ),
        )
    }

    pub(crate) fn for_app(self, id: crate::SdkAppId) -> Self {
        Self::new(self.kind, format!("SDKAppID {id}: {}", self.message))
    }

    pub(crate) fn no_token() -> Self {
        Self::new(
            ConfigErrorKind::NoToken,
            "no authentication token given: pass at least one token",
        )
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}
