//! Tencent's callback authentication: `Sign` and `RequestTime`.
//!
//! With an authentication token set in the console, Tencent appends
//! `Sign = lower_hex(SHA-256(token || decimal(RequestTime)))` and `RequestTime` (Unix
//! seconds) to the query. The signature covers neither the body nor the other
//! parameters: it proves the sender knows the token and bounds replays to the time
//! window, nothing more. See the crate's `SECURITY` notes in the README.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use tencent_room_webhook::verify::{sign, SignatureVerifier};
//!
//! // The test vector of Tencent's documentation.
//! assert_eq!(
//!     sign(b"xxxxyyyy", 1669872112),
//!     "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061"
//! );
//!
//! let verifier = SignatureVerifier::new(["xxxxyyyy"])?
//!     .with_clock(|| UNIX_EPOCH + Duration::from_secs(1669872112 + 30));
//! assert!(verifier
//!     .verify(
//!         Some("17773BC39A671D7B9AA835458704D2A6DB81360A5940292B587D6D760D484061"),
//!         Some("1669872112"),
//!     )
//!     .is_ok());
//! # Ok::<(), tencent_room_webhook::ConfigError>(())
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};

use crate::error::ConfigError;

/// The default time window: `RequestTime` may be at most this far from now, either way.
pub const DEFAULT_TIME_WINDOW: Duration = Duration::from_secs(60);

/// Where the verifier reads the current time; replace it in tests.
///
/// Any `Fn() -> SystemTime` closure is a clock.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system's clock, [`SystemTime::now`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

impl<F> Clock for F
where
    F: Fn() -> SystemTime + Send + Sync + 'static,
{
    fn now(&self) -> SystemTime {
        self()
    }
}

/// The `Sign` Tencent sends for `token` at `request_time` (Unix seconds), in lower-case hex.
pub fn sign(token: &[u8], request_time: u64) -> String {
    hex::encode(digest(token, request_time))
}

fn digest(token: &[u8], request_time: u64) -> [u8; 32] {
    Sha256::new()
        .chain_update(token)
        .chain_update(request_time.to_string())
        .finalize()
        .into()
}

/// Why a callback failed authentication. The message never holds the token or `Sign`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthError {
    /// No `Sign` in the query.
    MissingSign,
    /// No `RequestTime` in the query.
    MissingRequestTime,
    /// `Sign` or `RequestTime` appears more than once.
    Repeated,
    /// `Sign` is not 64 hexadecimal digits.
    MalformedSign,
    /// `RequestTime` is not a Unix time in seconds.
    MalformedRequestTime,
    /// `RequestTime` is further from now than the window allows.
    OutsideWindow {
        /// The window, in seconds.
        window_secs: u64,
    },
    /// `Sign` matches none of the configured tokens.
    Mismatch,
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSign => f.write_str(
                "Sign is missing from the query: callback authentication is on for this endpoint",
            ),
            Self::MissingRequestTime => f.write_str(
                "RequestTime is missing from the query: callback authentication is on for this endpoint",
            ),
            Self::Repeated => f.write_str("Sign or RequestTime appears more than once in the query"),
            Self::MalformedSign => f.write_str("Sign is not 64 hexadecimal digits"),
            Self::MalformedRequestTime => {
                f.write_str("RequestTime is not a Unix time in whole seconds")
            }
            Self::OutsideWindow { window_secs } => write!(
                f,
                "RequestTime is more than {window_secs} s away from this server's clock: \
                 a replay, or a clock out of sync (check NTP)"
            ),
            Self::Mismatch => f.write_str(
                "Sign matches no configured token: check the authentication token in the console",
            ),
        }
    }
}

impl std::error::Error for AuthError {}

/// An authentication token: its bytes never reach `Debug`, logs or answers.
#[derive(Clone)]
struct Token(Box<[u8]>);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token([redacted])")
    }
}

/// Whether a token starts or ends with whitespace.
fn padded(token: &[u8]) -> bool {
    let space = |byte: &u8| byte.is_ascii_whitespace();
    token.first().is_some_and(space) || token.last().is_some_and(space)
}

/// Checks `Sign` and `RequestTime` against one or several tokens (several while a token
/// is being rotated) and a time window.
#[derive(Clone)]
pub struct SignatureVerifier {
    tokens: Vec<Token>,
    window: Duration,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for SignatureVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignatureVerifier")
            .field("tokens", &self.tokens)
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl SignatureVerifier {
    /// A verifier accepting a `Sign` made with any of `tokens`, within
    /// [`DEFAULT_TIME_WINDOW`] of the system clock.
    ///
    /// No token at all, or an empty one, is an error: an empty token would make the
    /// check meaningless, and silently skipping it would be worse. So is a token that
    /// starts or ends with whitespace, which no `Sign` from Tencent would match.
    pub fn new<I, T>(tokens: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let tokens = tokens
            .into_iter()
            .enumerate()
            .map(|(index, token)| match token.as_ref() {
                [] => Err(ConfigError::empty_token(index)),
                bytes if padded(bytes) => Err(ConfigError::token_whitespace(index)),
                bytes => Ok(Token(bytes.into())),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if tokens.is_empty() {
            return Err(ConfigError::no_token());
        }
        Ok(Self {
            tokens,
            window: DEFAULT_TIME_WINDOW,
            clock: Arc::new(SystemClock),
        })
    }

    /// With `RequestTime` allowed at most `window` from now, either way.
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// With the current time read from `clock`.
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    pub(crate) fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.clock = clock;
    }

    /// The number of tokens accepted.
    pub fn token_count(&self) -> usize {
        self.tokens.len()
    }

    /// Checks the query's `Sign` and `RequestTime` (as sent, before any parsing) and
    /// returns `RequestTime` in Unix seconds.
    ///
    /// `Sign` may be upper- or lower-case hex; it is compared in constant time against
    /// every token.
    pub fn verify(&self, sign: Option<&str>, request_time: Option<&str>) -> Result<u64, AuthError> {
        let sign = sign.ok_or(AuthError::MissingSign)?;
        let request_time = request_time.ok_or(AuthError::MissingRequestTime)?;
        let given = parse_hex_digest(sign).ok_or(AuthError::MalformedSign)?;
        let request_time =
            crate::lenient::digits(request_time).ok_or(AuthError::MalformedRequestTime)?;

        // Whole seconds, compared as integers: a `RequestTime` near `u64::MAX` must be
        // refused, not overflow a `SystemTime`.
        let now = match self.clock.now().duration_since(UNIX_EPOCH) {
            Ok(since_epoch) => since_epoch.as_secs(),
            Err(_) => 0,
        };
        if now.abs_diff(request_time) > self.window.as_secs() {
            return Err(AuthError::OutsideWindow {
                window_secs: self.window.as_secs(),
            });
        }

        // Every token is tried, so the time taken does not tell which one matched.
        let matched = self.tokens.iter().fold(Choice::from(0), |matched, token| {
            matched | digest(&token.0, request_time).ct_eq(&given)
        });
        if bool::from(matched) {
            Ok(request_time)
        } else {
            Err(AuthError::Mismatch)
        }
    }
}

/// 64 hexadecimal digits, in either case.
fn parse_hex_digest(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_digest_needs_exactly_64_hex_digits() {
        assert!(parse_hex_digest(&"a".repeat(64)).is_some());
        assert!(parse_hex_digest(&"a".repeat(63)).is_none());
        assert!(parse_hex_digest(&"g".repeat(64)).is_none());
        assert!(parse_hex_digest(&format!("+{}", "a".repeat(63))).is_none());
    }

    #[test]
    fn a_request_time_past_what_system_time_holds_is_outside_the_window() {
        let verifier = SignatureVerifier::new(["token"]).unwrap();
        for time in [u64::MAX, i64::MAX as u64, i64::MAX as u64 + 1] {
            let time = time.to_string();
            assert_eq!(
                verifier.verify(Some(&"a".repeat(64)), Some(&time)),
                Err(AuthError::OutsideWindow { window_secs: 60 })
            );
        }
    }

    #[test]
    fn debug_of_a_verifier_shows_no_token() {
        let verifier = SignatureVerifier::new(["super-secret-token"]).unwrap();
        let debug = format!("{verifier:?}");
        assert!(!debug.contains("super-secret-token"), "{debug}");
        assert!(debug.contains("redacted"), "{debug}");
    }
}
