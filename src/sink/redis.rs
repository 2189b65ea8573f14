//! [`RedisStream`]: each event appended to a Redis stream, answered OK once Redis
//! acknowledged it (feature `redis`).

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{Record, RecordError, Sink, DEFAULT_WAIT};
use crate::dedup::DeliveryKey;

/// Appends the event to the stream unless its key says it is there already, in one step:
/// the key exists if and only if the entry was appended (and not yet trimmed), so that a
/// duplicate answered OK is recorded indeed. `XADD` before `SET`: when `XADD` fails (a key
/// of another type, memory full), nothing is written and no key claims the event.
///
/// KEYS[1] the stream, KEYS[2] the event's key; ARGV[1] the key's time to live in
/// milliseconds, ARGV[2] `MAXLEN ~`, empty for none, ARGV[3..] the entry's fields and
/// values. Returns `{1, id}` for a new entry, `{0, id}` for one appended before.
const APPEND_ONCE: &str = r"
local id = redis.call('GET', KEYS[2])
if id then
  return {0, id}
end
if ARGV[2] == '' then
  id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
else
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
end
redis.call('SET', KEYS[2], id, 'PX', ARGV[1])
return {1, id}
";

/// Appends each event to a Redis stream, for workers reading it with a consumer group, and
/// answers OK only once Redis acknowledged the entry.
///
/// # Entries
///
/// One entry per event (`XADD stream MAXLEN ~ N * field value ...`), with these fields:
///
/// | field | value |
/// | --- | --- |
/// | `command` | the `CallbackCommand`, like `Room.CallbackAfterMemberLeave` |
/// | `sdk_app_id` | the app's SDKAppID, in decimal |
/// | `room_id` | the `RoomId`; absent when the body names no room (unknown commands too) |
/// | `event_time` | `EventTime`, in milliseconds since the Unix epoch, in decimal; absent when the body has none |
/// | `delivery` | the delivery's key ([`DeliveryKey`](crate::dedup::DeliveryKey) as text), the same for each of Tencent's retries: a consumer that processed a key skips it; absent when recorded without one |
/// | `event` | the event as Tencent sent it: JSON, `CallbackCommand` included (the [`Event`](crate::Event)'s `Serialize`) |
///
/// The small fields let a consumer filter without parsing JSON; `event` is the event
/// itself: `Event::decode(command, event)` reads it back. A field is left out rather than
/// empty when the event has no such value, so that an empty room ID never reads as a room.
///
/// # Answers
///
/// OK once Redis answered the `XADD`. FAIL with HTTP 503 when it could not be recorded:
/// [`ErrorCode::NOT_RECORDED`](crate::ErrorCode::NOT_RECORDED) when Redis failed or is
/// unreachable, [`ErrorCode::RECORD_TIMEOUT`](crate::ErrorCode::RECORD_TIMEOUT) when it did
/// not answer within [`DEFAULT_WAIT`] ([`with_wait`](Self::with_wait) to change it). An
/// event answered `RECORD_TIMEOUT` may still be appended by Redis afterwards: the answer
/// was FAIL, so a retry by Tencent may append it again unless
/// [`with_dedup`](Self::with_dedup) is on.
///
/// What Redis acknowledged survives a crash of Redis only as far as Redis is configured
/// to keep it: run it with the append-only file (`appendonly yes`, with `appendfsync
/// always` for every acknowledged entry, `everysec` for all but the last second's) and a
/// replica, or an OK may name an entry that a restart lost.
///
/// # Length
///
/// The stream is trimmed to about [`DEFAULT_MAX_LEN`](Self::DEFAULT_MAX_LEN) entries
/// (`MAXLEN ~`, which trims whole nodes, so cheaply), the oldest first, read or not:
/// an unbounded stream grows until Redis runs out of memory, and then refuses every
/// write (or, with an eviction policy, drops the whole stream). Size it for the longest
/// time your workers may stay behind: entries per second × seconds, each entry the
/// event's JSON (a few hundred bytes to a few kilobytes) plus about a hundred bytes.
/// [`with_max_len`](Self::with_max_len) changes it, and
/// [`without_max_len`](Self::without_max_len) leaves trimming to you (for example
/// `XTRIM MINID` past what every group acknowledged).
///
/// # De-duplication
///
/// Tencent retries a callback it was not answered OK in time, and with several replicas
/// behind one URL the retry may reach another replica. [`with_dedup`](Self::with_dedup)
/// makes that one entry per event: a single Lua script checks a key of the event and
/// appends the entry only when the key is absent, then sets it, so that the key exists if
/// and only if the entry does. The key is the stream's name, `:dedup:`, then the
/// [`DeliveryKey`] of the event (`SDKAPPID:COMMAND:SHA-256` of the event's JSON), for
/// example `room-callbacks:dedup:1400000000:Room.CallbackAfterMemberLeave:9f86d0…`.
///
/// Prefer this to the layer's own [`dedup`](crate::RoomWebhookBuilder::dedup) for a
/// stream: the layer claims a callback before its handler runs and answers a duplicate OK
/// at once, while the first delivery may still fail to record (then the claim is released,
/// but the duplicate was answered OK already, and Tencent does not retry it). Here a
/// duplicate is answered OK only when its entry is in the stream.
///
/// The event's JSON is written by this crate from the decoded event, so replicas running
/// different versions of the crate (during a rolling upgrade) may write one event
/// differently and append it twice. On a Redis proxy that shards keys, name the stream
/// with a hash tag (`{room}:callbacks`): the keys derived from the name keep it, so that
/// the script's two keys live together.
///
/// ```no_run
/// use std::time::Duration;
/// use tencent_room_webhook::sink::RedisStream;
/// use tencent_room_webhook::RoomWebhookLayer;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let stream = RedisStream::open("redis://127.0.0.1:6379", "room-callbacks")
///     .await?
///     .with_max_len(5_000_000)
///     .with_dedup(Duration::from_secs(600));
/// let layer = RoomWebhookLayer::builder()
///     .sdk_app_id(1400000000)
///     .record(stream)
///     .build()?;
/// # Ok(()) }
/// ```
///
/// `examples/consume.rs` is a worker that reads the stream with a consumer group.
#[derive(Clone)]
pub struct RedisStream {
    connection: ConnectionManager,
    stream: String,
    max_len: Option<usize>,
    wait: Duration,
    /// The key prefix and time to live of de-duplication, when on.
    dedup: Option<(String, Duration)>,
}

/// The stream's name and settings; never the connection, whose address may hold a
/// password.
impl fmt::Debug for RedisStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStream")
            .field("stream", &self.stream)
            .field("max_len", &self.max_len)
            .field("wait", &self.wait)
            .field(
                "dedup_prefix",
                &self.dedup.as_ref().map(|(prefix, _)| prefix),
            )
            .field("dedup_ttl", &self.dedup.as_ref().map(|(_, ttl)| ttl))
            .finish_non_exhaustive()
    }
}

impl RedisStream {
    /// Entries the stream is trimmed to by default, about: a million events, hours of a
    /// busy app's callbacks, within a gigabyte or so of Redis memory.
    pub const DEFAULT_MAX_LEN: usize = 1_000_000;

    /// Appends to the stream `stream` over `connection` (which reconnects by itself).
    /// Give the connection timeouts that fit Tencent's two seconds, as
    /// [`open`](Self::open) does.
    pub fn new(connection: ConnectionManager, stream: impl Into<String>) -> Self {
        Self {
            connection,
            stream: stream.into(),
            max_len: Some(Self::DEFAULT_MAX_LEN),
            wait: DEFAULT_WAIT,
            dedup: None,
        }
    }

    /// Connects to the Redis at `url` (`redis://[:password@]host:port[/db]`) and appends
    /// to the stream `stream`. The connection gives up on a connection attempt after
    /// 300 ms, and retries a lost connection once before failing the callbacks waiting on
    /// it (and again at the next callback). Redis's answer is waited for up to the sink's
    /// wait ([`with_wait`](Self::with_wait)), the one bound on each record.
    ///
    /// Fails when Redis cannot be reached or refuses the credentials: the error is
    /// Redis's own, whose kind tells which.
    pub async fn open(url: &str, stream: impl Into<String>) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            // No response timeout: the sink's wait bounds each record, and a second bound
            // here would cut a longer wait short without saying so.
            .set_connection_timeout(Duration::from_millis(300))
            .set_number_of_retries(1)
            .set_max_delay(100);
        let connection = client.get_connection_manager_with_config(config).await?;
        Ok(Self::new(connection, stream))
    }

    /// Trims the stream to about `entries` entries (at least 1) as each entry is
    /// appended, instead of [`DEFAULT_MAX_LEN`](Self::DEFAULT_MAX_LEN). Trimming drops
    /// the oldest entries whether workers read them or not: see the type's docs.
    pub fn with_max_len(mut self, entries: usize) -> Self {
        self.max_len = Some(entries.max(1));
        self
    }

    /// Never trims the stream: trim it yourself (`XTRIM`), or it grows until Redis
    /// runs out of memory.
    pub fn without_max_len(mut self) -> Self {
        self.max_len = None;
        self
    }

    /// Waits up to `wait` for Redis to acknowledge each entry (the de-duplication check
    /// included), instead of [`DEFAULT_WAIT`]. Keep it under Tencent's two seconds.
    pub fn with_wait(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }

    /// Appends each event once, however many times and to however many replicas it is
    /// delivered, as long as its key lasts: `ttl` from its first entry (at least a
    /// millisecond). Ten minutes outlast Tencent's retries. See the type's docs.
    pub fn with_dedup(mut self, ttl: Duration) -> Self {
        self.dedup = Some((format!("{}:dedup:", self.stream), ttl));
        self
    }

    /// The stream's name.
    pub fn stream(&self) -> &str {
        &self.stream
    }

    async fn append(&self, record: Record<'_>, json: Vec<u8>) -> Result<(), redis::RedisError> {
        let (event, context) = (record.event, record.context);
        let mut command = match &self.dedup {
            None => {
                let mut command = redis::cmd("XADD");
                command.arg(&self.stream);
                if let Some(max_len) = self.max_len {
                    command.arg("MAXLEN").arg("~").arg(max_len);
                }
                command.arg("*");
                command
            }
            Some((prefix, ttl)) => {
                let key = DeliveryKey::new(context.sdk_app_id, event.command(), &json);
                // Redis refuses a zero expiry; a key lasts at least a millisecond.
                let ttl = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
                let max_len = self.max_len.map(|n| n.to_string()).unwrap_or_default();
                // EVAL rather than EVALSHA: no `script` feature (and its SHA-1 crate) for
                // a script of a few hundred bytes, which Redis compiles once and keeps.
                let mut command = redis::cmd("EVAL");
                command
                    .arg(APPEND_ONCE)
                    .arg(2)
                    .arg(&self.stream)
                    .arg(format!("{prefix}{key}"))
                    .arg(ttl)
                    .arg(max_len);
                command
            }
        };
        command
            .arg("command")
            .arg(event.command())
            .arg("sdk_app_id")
            .arg(context.sdk_app_id.get());
        if let Some(room) = event.room_id() {
            command.arg("room_id").arg(room.as_str());
        }
        if let Some(time) = event.event_time() {
            command.arg("event_time").arg(time.as_millis());
        }
        if let Some(delivery) = record.delivery {
            command.arg("delivery").arg(delivery.to_string());
        }
        command.arg("event").arg(json);
        let (appended, id) = if self.dedup.is_some() {
            command
                .query_async::<(u8, String)>(&mut self.connection.clone())
                .await?
        } else {
            (
                1,
                command
                    .query_async::<String>(&mut self.connection.clone())
                    .await?,
            )
        };
        if appended == 1 {
            tracing::debug!(stream = %self.stream, %id, "event appended");
        } else {
            tracing::debug!(stream = %self.stream, %id, "event appended before, not again");
        }
        Ok(())
    }
}

impl Sink for RedisStream {
    /// Appends the event to the stream and waits until Redis acknowledged it, at most the
    /// wait: `Ok` then (or when de-duplication found its entry there already).
    async fn record(&self, record: Record<'_>) -> Result<(), RecordError> {
        let json = serde_json::to_vec(record.event).map_err(|e| RecordError::Failed(e.into()))?;
        match tokio::time::timeout(self.wait, self.append(record, json)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(RecordError::Failed(error.into())),
            Err(_elapsed) => Err(RecordError::TimedOut(self.wait)),
        }
    }
}
