//! The layer's metrics, through the [`metrics`](https://docs.rs/metrics) facade (feature
//! `metrics`); without the feature, every function here is empty.
//!
//! | metric | kind | labels | what it counts |
//! | --- | --- | --- | --- |
//! | `room_webhook_callbacks_total` | counter | `command`, `outcome` | callbacks past the checks that need no body, by how they ended: `ok`, `fail`, `panicked`, `refused` (body too large, undecodable, timed out, busy), `duplicate`, `queued`, `cancelled`, `detached`, `delivered`, `no_route` |
//! | `room_webhook_refusals_total` | counter | `code` | the layer's own refusals, by `ErrorCode` (405, 403, 401, 415, 400, 413, 408, 503 …) |
//! | `room_webhook_handler_failures_total` | counter | `code` | FAIL answers of the handler, by `ErrorCode` (a record the sink did not confirm is a refusal: 50303, 50304) |
//! | `room_webhook_handler_duration_seconds` | histogram | `command` | how long the handler (in extension mode, the application) took |
//! | `room_webhook_callbacks_in_flight` | gauge | | callbacks being read, handled or answered now |
//! | `room_webhook_callbacks_queued` | gauge | | answer-first mode: callbacks waiting for a handler |
//! | `room_webhook_stream_backlog` | gauge | `stream` | `sink::RedisStream` with a high-water mark: the entries of the stream not yet acknowledged by its slowest consumer group (every entry when it has no group), as last measured (at most every 100 ms while callbacks arrive) |
//!
//! `command` is one of the commands this crate knows, or `other`: a sender cannot make
//! labels without bound.

use crate::answer::ErrorCode;

#[cfg(feature = "metrics")]
mod facade {
    use std::time::Duration;

    use super::*;

    pub(crate) fn callback(command: &'static str, outcome: &'static str) {
        metrics::counter!("room_webhook_callbacks_total", "command" => command, "outcome" => outcome)
            .increment(1);
    }

    pub(crate) fn refused(code: ErrorCode) {
        metrics::counter!("room_webhook_refusals_total", "code" => code.get().to_string())
            .increment(1);
    }

    pub(crate) fn handler_failed(code: ErrorCode) {
        metrics::counter!("room_webhook_handler_failures_total", "code" => code.get().to_string())
            .increment(1);
    }

    pub(crate) fn handler_duration(command: &'static str, duration: Duration) {
        metrics::histogram!("room_webhook_handler_duration_seconds", "command" => command)
            .record(duration);
    }

    pub(crate) fn in_flight(change: f64) {
        metrics::gauge!("room_webhook_callbacks_in_flight").increment(change);
    }

    pub(crate) fn queued(queued: usize) {
        // Precise enough: a queue of more than 2^53 callbacks is not a queue.
        #[allow(clippy::cast_precision_loss)]
        metrics::gauge!("room_webhook_callbacks_queued").set(queued as f64);
    }

    #[cfg(feature = "redis")]
    pub(crate) fn stream_backlog(stream: &str, backlog: u64) {
        // Precise enough: a backlog of more than 2^53 entries does not fit in Redis.
        #[allow(clippy::cast_precision_loss)]
        metrics::gauge!("room_webhook_stream_backlog", "stream" => stream.to_owned())
            .set(backlog as f64);
    }

    /// When the handler started.
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Started(std::time::Instant);

    impl Started {
        pub(crate) fn now() -> Self {
            Self(std::time::Instant::now())
        }

        pub(crate) fn finished(self, command: &'static str) {
            handler_duration(command, self.0.elapsed());
        }
    }
}

#[cfg(not(feature = "metrics"))]
mod facade {
    use super::*;

    pub(crate) fn callback(_: &'static str, _: &'static str) {}
    pub(crate) fn refused(_: ErrorCode) {}
    pub(crate) fn handler_failed(_: ErrorCode) {}
    pub(crate) fn in_flight(_: f64) {}
    pub(crate) fn queued(_: usize) {}
    #[cfg(feature = "redis")]
    pub(crate) fn stream_backlog(_: &str, _: u64) {}

    /// Nothing to time without the feature.
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Started;

    impl Started {
        pub(crate) fn now() -> Self {
            Self
        }

        pub(crate) fn finished(self, _: &'static str) {}
    }
}

#[cfg(feature = "redis")]
pub(crate) use facade::stream_backlog;
pub(crate) use facade::{callback, handler_failed, queued, refused, Started};

/// Counts a callback in flight for as long as it lives.
#[derive(Debug)]
pub(crate) struct InFlight(());

impl InFlight {
    pub(crate) fn start() -> Self {
        facade::in_flight(1.0);
        Self(())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        facade::in_flight(-1.0);
    }
}
