//! Warnings an operator can act on, kept from flooding the logs.
//!
//! A refusal that means misconfiguration or an attack (a wrong SDKAppID, a bad `Sign`, a
//! refused content type, a body over the limit, a stalled body, a full buffered limit) is worth a `warn`, but a flood of them
//! must not flood the logs: each kind gets at most one `warn` line every [`INTERVAL`],
//! which counts the refusals of that kind logged at `debug` only since the last one. In
//! extension mode, a response on the callback path that is not the crate's `Answer` is
//! warned about once. A Redis stream's backlog past its high-water mark gets a
//! [`Throttle`] of its own.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use crate::answer::ErrorCode;

/// At most one `warn` line per kind of refusal this often.
pub(crate) const INTERVAL: Duration = Duration::from_secs(10);

/// The refusals worth a `warn`, one kind each: misconfiguration or an attack.
const WARNED: [ErrorCode; 6] = [
    ErrorCode::UNKNOWN_APP,
    ErrorCode::UNAUTHORIZED,
    ErrorCode::UNSUPPORTED_MEDIA_TYPE,
    ErrorCode::PAYLOAD_TOO_LARGE,
    ErrorCode::BODY_TIMEOUT,
    ErrorCode::BUSY,
];

#[derive(Debug)]
pub(crate) struct Warnings {
    start: Instant,
    kinds: [Throttle; WARNED.len()],
    not_an_answer: AtomicBool,
}

/// One kind of warning: at most one `warn` line every [`INTERVAL`], which counts the
/// occurrences logged at `debug` only since the last one.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    /// When the last `warn` line was logged, in milliseconds since the start, plus one so
    /// that 0 means never.
    last: AtomicU64,
    /// Occurrences of this kind logged at `debug` only since the last `warn` line.
    suppressed: AtomicU64,
}

impl Throttle {
    /// Whether an occurrence at `now` is logged at `warn`, time measured from `start`:
    /// `Some` with the number of occurrences not warned about since the last time, `None`
    /// for `debug` (and counted).
    pub(crate) fn turn(&self, start: Instant, now: Instant) -> Option<u64> {
        let elapsed = now.saturating_duration_since(start).as_millis();
        let now = u64::try_from(elapsed).unwrap_or(u64::MAX - 1) + 1;
        let last = self.last.load(Relaxed);
        let due = last == 0 || now.saturating_sub(last) >= INTERVAL.as_millis() as u64;
        // Of several threads due at once, one takes the turn.
        if due
            && self
                .last
                .compare_exchange(last, now, Relaxed, Relaxed)
                .is_ok()
        {
            return Some(self.suppressed.swap(0, Relaxed));
        }
        self.suppressed.fetch_add(1, Relaxed);
        None
    }
}

impl Default for Warnings {
    fn default() -> Self {
        Self {
            start: Instant::now(),
            kinds: Default::default(),
            not_an_answer: AtomicBool::new(false),
        }
    }
}

impl Warnings {
    /// Whether a refusal with `code` is logged at `warn` now: `Some` with the number of
    /// refusals of its kind not warned about since the last time, `None` for `debug`.
    pub(crate) fn refusal(&self, code: ErrorCode) -> Option<u64> {
        self.refusal_at(code, Instant::now())
    }

    fn refusal_at(&self, code: ErrorCode, now: Instant) -> Option<u64> {
        let kind = &self.kinds[WARNED.iter().position(|warned| *warned == code)?];
        kind.turn(self.start, now)
    }

    /// True the first time only: a response that is not an `Answer` is warned about once.
    pub(crate) fn first_not_an_answer(&self) -> bool {
        !self.not_an_answer.swap(true, Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_is_warned_about_once_per_interval_with_the_count_of_the_rest() {
        let warnings = Warnings::default();
        let start = warnings.start;
        let at = |secs: u64| start + Duration::from_secs(secs);
        assert_eq!(warnings.refusal_at(ErrorCode::UNKNOWN_APP, at(0)), Some(0));
        assert_eq!(warnings.refusal_at(ErrorCode::UNKNOWN_APP, at(1)), None);
        assert_eq!(warnings.refusal_at(ErrorCode::UNKNOWN_APP, at(9)), None);
        // Another kind has its own turn.
        assert_eq!(warnings.refusal_at(ErrorCode::UNAUTHORIZED, at(9)), Some(0));
        assert_eq!(warnings.refusal_at(ErrorCode::UNKNOWN_APP, at(10)), Some(2));
        assert_eq!(warnings.refusal_at(ErrorCode::UNKNOWN_APP, at(11)), None);
        assert_eq!(warnings.refusal_at(ErrorCode::UNKNOWN_APP, at(30)), Some(1));
    }

    #[test]
    fn other_refusals_are_never_warned_about() {
        let warnings = Warnings::default();
        for code in [ErrorCode::BAD_REQUEST, ErrorCode::METHOD_NOT_ALLOWED] {
            assert_eq!(warnings.refusal_at(code, warnings.start), None);
        }
    }

    #[test]
    fn a_response_that_is_not_an_answer_is_warned_about_once() {
        let warnings = Warnings::default();
        assert!(warnings.first_not_an_answer());
        assert!(!warnings.first_not_an_answer());
    }
}
