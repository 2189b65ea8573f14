//! Sinks: handlers that record every event somewhere and answer OK only once it is there.
//!
//! Tencent does not resend a callback it was answered OK, so an OK is a promise that the
//! event is recorded. A sink keeps it: it answers OK only after its output confirmed the
//! event (written and flushed, or acknowledged by the broker), and FAIL with HTTP 503
//! otherwise, [`ErrorCode::NOT_RECORDED`] when the output failed and
//! [`ErrorCode::RECORD_TIMEOUT`] when it did not confirm within the sink's wait. A sink
//! never blocks the runtime's worker threads: when its output stalls, callbacks wait up to
//! the wait and are answered 503, while every other request is served as usual.
//!
//! - [`JsonLines`]: one JSON line per event on a writer (standard output, a file, a
//!   pipe), written by a thread of its own.
//! - `RedisStream` (feature `redis`): each event appended to a Redis stream, for several
//!   replicas and several workers (`examples/consume.rs` is such a worker), once per
//!   event with its de-duplication on.
//!
//! A sink is a [`RoomHandler`](crate::RoomHandler): give it to the layer as it is, or call its `record` from
//! a handler of yours, before or after your own work.
//!
//! ```no_run
//! use tencent_room_webhook::sink::JsonLines;
//! use tencent_room_webhook::RoomWebhookLayer;
//!
//! # fn main() -> Result<(), tencent_room_webhook::ConfigError> {
//! let layer = RoomWebhookLayer::builder()
//!     .sdk_app_id(1400000000)
//!     .handler(JsonLines::stdout())
//!     .build()?;
//! # Ok(()) }
//! ```

mod lines;
#[cfg(feature = "redis")]
mod redis;

pub use self::lines::{JsonLines, DEFAULT_QUEUE};
#[cfg(feature = "redis")]
pub use self::redis::RedisStream;

use std::time::Duration;

use http::StatusCode;

use crate::answer::ErrorCode;
use crate::handler::HandlerError;

/// How long a sink waits for its output by default: under Tencent's two seconds, with
/// room for reading the callback and for the network.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(1);

/// The failure of a sink whose output failed: 503, [`ErrorCode::NOT_RECORDED`], the cause
/// kept for the logs.
pub(crate) fn not_recorded(cause: impl Into<crate::BoxError>) -> HandlerError {
    HandlerError::from(cause)
        .with_code(ErrorCode::NOT_RECORDED)
        .with_info("the event could not be recorded")
        .with_status(StatusCode::SERVICE_UNAVAILABLE)
}

/// The failure of a sink whose output did not confirm within `wait`: 503,
/// [`ErrorCode::RECORD_TIMEOUT`].
pub(crate) fn timed_out(wait: Duration) -> HandlerError {
    let cause = std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        format!("the sink's output did not confirm the event within {wait:?}"),
    );
    HandlerError::from(cause)
        .with_code(ErrorCode::RECORD_TIMEOUT)
        .with_info("the event was not confirmed recorded in time")
        .with_status(StatusCode::SERVICE_UNAVAILABLE)
}
