//! Sinks: where the layer records every event before a handler or the application sees
//! it, so that OK means recorded.
//!
//! Tencent does not resend a callback it was answered OK, so an OK is a promise that the
//! event is recorded. Give the layer a [`Sink`] with
//! [`record`](crate::RoomWebhookBuilder::record): every event it accepts, of every family
//! (Room, Live, unknown commands and undecodable bodies alike), is recorded first, in both
//! modes, and the callback reaches the handler or the application only once the sink
//! confirmed it (written and flushed, synced to disk for a file, or acknowledged by the
//! broker and the replicas waited for). Otherwise the
//! callback is answered 503, [`ErrorCode::NOT_RECORDED`] when the output failed and
//! [`ErrorCode::RECORD_TIMEOUT`] when it did not confirm within the sink's wait, and no
//! handler runs. A sink never blocks the runtime's worker threads: when its output stalls,
//! callbacks wait up to the wait and are answered 503, while every other request is served
//! as usual.
//!
//! Before-callbacks are recorded too, an audit of the gifts, messages and requests decided.
//! When their record fails, a gift is answered 503, which blocks it (the safe side: no gift
//! goes through unrecorded); every other before-callback still goes to its handler, whose
//! decision is answered, with a warning, since a FAIL would let it through undecided (the
//! chatbot's signal, which decides nothing, is answered 503).
//!
//! Recording before answering OK holds in every mode: in answer-first mode and for a
//! handler detached at its deadline, the record is confirmed before the OK, and only the
//! handler's own work comes after it.
//!
//! - [`JsonLines`]: one JSON line per event on a writer (standard output, a file synced
//!   to disk before each OK, a pipe), written by a thread of its own.
//! - `RedisStream` (feature `redis`): each event appended to a Redis stream, for several
//!   replicas and several workers (`examples/consume.rs` is such a worker), once per
//!   event with its de-duplication on; never trimmed past what every consumer group
//!   acknowledged, and refused (503) past a high-water mark of unacknowledged entries
//!   (`BacklogFull`); confirmed once Redis replicas hold it too when asked
//!   (`with_replicas`), on one server, through Sentinel or on a Cluster
//!   (`RedisDeployment`).
//!
//! ```no_run
//! use tencent_room_webhook::sink::JsonLines;
//! use tencent_room_webhook::{RoomHandler, RoomWebhookLayer};
//!
//! struct Rooms;
//! impl RoomHandler for Rooms {}
//!
//! # fn main() -> Result<(), tencent_room_webhook::ConfigError> {
//! let layer = RoomWebhookLayer::builder()
//!     .sdk_app_id(1400000000)
//!     .record(JsonLines::stdout())
//!     .handler(Rooms)
//!     .build()?;
//! # Ok(()) }
//! ```

mod lines;
#[cfg(feature = "redis")]
mod redis;

pub use self::lines::{JsonLines, DEFAULT_QUEUE};
#[cfg(feature = "redis")]
pub use self::redis::{BacklogFull, NotReplicated, RedisStream};
#[cfg(feature = "redis")]
pub use crate::link::{RedisConnection, RedisDeployment};

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use http::StatusCode;

use crate::answer::ErrorCode;
use crate::dedup::DeliveryKey;
use crate::event::Event;
use crate::handler::HandlerError;
use crate::query::CallbackContext;
use crate::BoxError;

/// How long a sink waits for its output by default: under Tencent's two seconds, with
/// room for reading the callback and for the network.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(1);

/// Where events are recorded. `record` answers `Ok` only once the output confirmed the
/// event; the layer answers 503 otherwise.
pub trait Sink: Send + Sync + 'static {
    /// Records `record`, waiting at most the sink's own wait.
    fn record(&self, record: Record<'_>) -> impl Future<Output = Result<(), RecordError>> + Send;
}

/// What is recorded of a callback: its event, its context, and which delivery it is.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Record<'a> {
    /// The event, written as Tencent sent it.
    pub event: &'a Event,
    /// The app, the query's command, the client.
    pub context: &'a CallbackContext,
    /// The delivery's key (app, command, body digest), the same for each of Tencent's
    /// retries: a consumer that has processed a key skips it again. `None` when recorded
    /// outside the layer without one.
    pub delivery: Option<&'a DeliveryKey>,
}

impl<'a> Record<'a> {
    /// The record of `event` for the app in `context`, with no delivery key.
    pub fn new(event: &'a Event, context: &'a CallbackContext) -> Self {
        Self {
            event,
            context,
            delivery: None,
        }
    }

    /// With the delivery's key.
    pub fn delivery(mut self, key: &'a DeliveryKey) -> Self {
        self.delivery = Some(key);
        self
    }
}

/// Why a sink did not confirm a record.
#[derive(Debug)]
#[non_exhaustive]
pub enum RecordError {
    /// The output failed (a write, a flush, the broker): answered 503,
    /// [`ErrorCode::NOT_RECORDED`].
    Failed(BoxError),
    /// The output did not confirm within the wait: answered 503,
    /// [`ErrorCode::RECORD_TIMEOUT`]. The event may still be recorded later.
    TimedOut(Duration),
}

impl RecordError {
    /// The code answered for it.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Failed(_) => ErrorCode::NOT_RECORDED,
            Self::TimedOut(_) => ErrorCode::RECORD_TIMEOUT,
        }
    }

    /// The FAIL a handler of yours that records by itself answers: 503 with the record's
    /// code, the cause kept for the logs.
    pub fn into_handler_error(self) -> HandlerError {
        let info = match self {
            Self::Failed(_) => "the event could not be recorded",
            Self::TimedOut(_) => "the event was not confirmed recorded in time",
        };
        let code = self.code();
        HandlerError::from(self)
            .with_code(code)
            .with_info(info)
            .with_status(StatusCode::SERVICE_UNAVAILABLE)
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Failed(error) => write!(f, "the event could not be recorded: {error}"),
            Self::TimedOut(wait) => {
                write!(
                    f,
                    "the sink's output did not confirm the event within {wait:?}"
                )
            }
        }
    }
}

impl std::error::Error for RecordError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Failed(error) => Some(&**error),
            Self::TimedOut(_) => None,
        }
    }
}

type Recorded<'a> = Pin<Box<dyn Future<Output = Result<(), RecordError>> + Send + 'a>>;

/// The layer's sink, shared by its services; `Debug` names the sink's type.
#[derive(Clone)]
pub(crate) struct Recorder {
    pub(crate) sink: std::sync::Arc<dyn DynSink>,
    name: &'static str,
}

impl Recorder {
    pub(crate) fn new<S: Sink>(sink: S) -> Self {
        Self {
            sink: std::sync::Arc::new(sink),
            name: std::any::type_name::<S>(),
        }
    }
}

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Recorder").field(&self.name).finish()
    }
}

/// The object-safe form of [`Sink`], so that the layer's type does not name it.
pub(crate) trait DynSink: Send + Sync + 'static {
    fn record_dyn<'a>(&'a self, record: Record<'a>) -> Recorded<'a>;
}

impl<S: Sink> DynSink for S {
    fn record_dyn<'a>(&'a self, record: Record<'a>) -> Recorded<'a> {
        Box::pin(self.record(record))
    }
}
