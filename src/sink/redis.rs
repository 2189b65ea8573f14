//! [`RedisStream`]: each event appended to a Redis stream, answered OK once Redis
//! acknowledged it (feature `redis`).
//!
//! The append is one round trip: a plain `XADD`, or, when the stream has a high-water
//! mark, de-duplication or a trim due, the [`APPEND`] script, which decides and appends
//! in one atomic step so that two replicas never both pass a full mark or both append one
//! event. The type's docs say what an operator sees.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Cmd, RedisError};

use super::{Record, RecordError, Sink, DEFAULT_WAIT};
use crate::dedup::DeliveryKey;
use crate::link::Link;
use crate::warnings::Throttle;

/// Measures the backlog and refuses past the high-water mark, skips an event appended
/// before, appends, and trims what every group acknowledged, in one atomic step.
///
/// The de-duplication key exists if and only if the entry was appended (and not yet
/// trimmed), so that a duplicate answered OK is recorded indeed. `XADD` before `SET`: when
/// `XADD` fails (a key of another type, memory full), nothing is written and no key claims
/// the event.
///
/// A group's backlog is its `lag` (entries not yet delivered to it) plus its `pending`
/// (delivered, not acknowledged); when Redis cannot tell the lag (entries deleted with
/// `XDEL` in its range), the stream's length. The stream's backlog is the largest of its
/// groups', at most its length; with no group, its length.
///
/// A group has acknowledged every entry before its oldest pending one, or, with none
/// pending, up to its last delivered one: `XTRIM MINID ~` to the oldest of these over the
/// groups removes only entries every group acknowledged (`~`: whole nodes only, so
/// cheaply; fewer, never more). With no group, nothing was acknowledged, and nothing is
/// trimmed.
///
/// KEYS[1] the stream, KEYS[2] the event's de-duplication key when on; ARGV[1] the key's
/// time to live in milliseconds (empty when off), ARGV[2] the high-water mark (empty for
/// none), ARGV[3] `1` to trim, ARGV[4..] the entry's fields and values. Returns
/// `{status, id, backlog, trimmed}`: status 1 for a new entry, 0 for one appended before
/// (its ID), 2 for refused at the high-water mark (no ID); the backlog after the append
/// (-1 when not measured); the entries trimmed.
const APPEND: &str = r"
local stream = KEYS[1]
if KEYS[2] then
  local id = redis.call('GET', KEYS[2])
  if id then return {0, id, -1, 0} end
end
local high = tonumber(ARGV[2])
local trim = ARGV[3] == '1'
local length, groups = 0, {}
if (high or trim) and redis.call('EXISTS', stream) == 1 then
  length = redis.call('XLEN', stream)
  for _, reply in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
    local group = {}
    for i = 1, #reply, 2 do group[reply[i]] = reply[i + 1] end
    groups[#groups + 1] = group
  end
end
local backlog = -1
if high then
  backlog = length
  if #groups > 0 then
    backlog = 0
    for _, group in ipairs(groups) do
      local owed = (group['lag'] or length) + group['pending']
      if owed > backlog then backlog = owed end
    end
    if backlog > length then backlog = length end
  end
  if backlog >= high then return {2, '', backlog, 0} end
  backlog = backlog + 1
end
local id = redis.call('XADD', stream, '*', unpack(ARGV, 4))
if KEYS[2] then redis.call('SET', KEYS[2], id, 'PX', ARGV[1]) end
local trimmed = 0
if trim and #groups > 0 then
  local function older(a, b)
    local ams, aseq = string.match(a, '^(%d+)-(%d+)$')
    local bms, bseq = string.match(b, '^(%d+)-(%d+)$')
    if ams ~= bms then return tonumber(ams) < tonumber(bms) end
    return tonumber(aseq) < tonumber(bseq)
  end
  local floor
  for _, group in ipairs(groups) do
    local keep = group['last-delivered-id']
    if group['pending'] > 0 then
      keep = redis.call('XPENDING', stream, group['name'])[2]
    end
    if not floor or older(keep, floor) then floor = keep end
  end
  trimmed = redis.call('XTRIM', stream, 'MINID', '~', floor)
end
return {1, id, backlog, trimmed}
";

/// Appends each event to a Redis stream, for workers reading it with a consumer group, and
/// answers OK only once Redis acknowledged the entry.
///
/// # Entries
///
/// One entry per event (`XADD stream * field value ...`), with these fields:
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
/// [`ErrorCode::NOT_RECORDED`](crate::ErrorCode::NOT_RECORDED) when Redis failed, is
/// unreachable, or the backlog reached the high-water mark (below),
/// [`ErrorCode::RECORD_TIMEOUT`](crate::ErrorCode::RECORD_TIMEOUT) when it did not answer
/// within [`DEFAULT_WAIT`] ([`with_wait`](Self::with_wait) to change it). An event
/// answered `RECORD_TIMEOUT` may still be appended by Redis afterwards: the answer was
/// FAIL, so a retry by Tencent may append it again unless [`with_dedup`](Self::with_dedup)
/// is on.
///
/// What Redis acknowledged survives a crash of Redis only as far as Redis is configured
/// to keep it: run it with the append-only file (`appendonly yes`, with `appendfsync
/// always` for every acknowledged entry, `everysec` for all but the last second's) and a
/// replica, or an OK may name an entry that a restart lost. Run it with `maxmemory-policy
/// noeviction` (the default): an eviction policy may drop the whole stream to make room.
///
/// # Trimming
///
/// By default the stream is never trimmed: an entry stays until you remove it, so that no
/// entry is dropped before every worker read it. [`with_trim`](Self::with_trim) turns on
/// the safe trim: every so many appends, the append also removes (`XTRIM MINID ~`) the
/// entries that **every** consumer group has acknowledged: those before each group's
/// oldest pending entry, or up to its last delivered one when none is pending. An entry a
/// group has not read, or read and not acknowledged, stays; a stream with no group is
/// never trimmed (nobody acknowledged anything). `~` removes whole nodes of the stream (100
/// entries by default) and at most 10,000 entries at a time, so a trim costs little and a
/// few entries past the acknowledged point stay until the next one.
///
/// Without the trim, trim the stream yourself the same way (`XTRIM stream MINID
/// <oldest unacknowledged ID>`), or it grows with every event. A group nobody reads any
/// more holds back the trim: remove it (`XGROUP DESTROY`).
///
/// # High-water mark
///
/// The backlog is what the slowest consumer group has not acknowledged yet: for each group,
/// the entries not yet delivered to it (`XINFO GROUPS`' `lag`) plus those delivered and
/// not acknowledged (`pending`); with no group, the whole stream. When it reached the
/// high-water mark ([`DEFAULT_HIGH_WATER`](Self::DEFAULT_HIGH_WATER), a million entries,
/// by default; [`with_high_water`](Self::with_high_water),
/// [`without_high_water`](Self::without_high_water)), the event is not appended and the
/// callback is answered 503 FAIL, [`ErrorCode::NOT_RECORDED`](crate::ErrorCode::NOT_RECORDED),
/// with a [`BacklogFull`] as the error's source: Redis's memory is protected, and nothing
/// is dropped silently (Tencent does not resend a FAIL either, but the refusal is counted
/// and logged). The check and the append are one atomic script, one round trip per
/// callback, so replicas sharing the stream never pass the mark together.
///
/// Size the mark for the longest time your workers may stay behind: entries per second ×
/// seconds, each entry the event's JSON (a few hundred bytes to a few kilobytes) plus
/// about a hundred bytes; a million entries is within a gigabyte or so. A stream read
/// without consumer groups (`XREAD`, `XRANGE`) counts every entry as backlog: trim it
/// yourself, or turn the mark off.
///
/// # What an operator sees
///
/// - While the backlog is at the mark: callbacks answered 503 with 50303, counted in
///   `room_webhook_refusals_total{code="50303"}`; a `warn` line "the stream's backlog
///   reached its high-water mark" at most every 10 seconds, with the backlog, the mark and
///   the number of refusals since the last line; and an `info` line once appends resume.
/// - With the `metrics` feature, the gauge `room_webhook_stream_backlog{stream="..."}`:
///   the backlog as of the last append (set only when a high-water mark is on).
/// - Redis that stops answering (hung, or a connection a proxy or NAT forgot): callbacks
///   answered 503 with 50304 after the wait, and the connection replaced in the background
///   (an `info` line); a peer that is gone is noticed by TCP keepalive and a bound on
///   unacknowledged data (Linux), and the connection reconnects.
///
/// # De-duplication
///
/// Tencent retries a callback it was not answered OK in time, and with several replicas
/// behind one URL the retry may reach another replica. [`with_dedup`](Self::with_dedup)
/// makes that one entry per event: the script checks a key of the event and appends the
/// entry only when the key is absent, then sets it, so that the key exists if and only if
/// the entry does. The key is the stream's name, `:dedup:`, then the [`DeliveryKey`] of
/// the event (`SDKAPPID:COMMAND:SHA-256` of the event's JSON), for example
/// `room-callbacks:dedup:1400000000:Room.CallbackAfterMemberLeave:9f86d0…`. An event
/// appended before is answered OK even at the high-water mark: it is recorded.
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
/// Needs Redis 7.0 or later (`XINFO GROUPS`' `lag`, `XTRIM MINID`).
///
/// ```no_run
/// use std::time::Duration;
/// use tencent_room_webhook::sink::RedisStream;
/// use tencent_room_webhook::RoomWebhookLayer;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let stream = RedisStream::open("redis://127.0.0.1:6379", "room-callbacks")
///     .await?
///     .with_trim(1_000)
///     .with_high_water(5_000_000)
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
    link: Arc<Link>,
    settings: Settings,
    state: Arc<State>,
}

/// What decides the command of each append.
#[derive(Debug, Clone)]
struct Settings {
    stream: String,
    wait: Duration,
    high_water: Option<u64>,
    /// Trim every this many appends, when on.
    trim_every: Option<u64>,
    /// The key prefix and time to live of de-duplication, when on.
    dedup: Option<(String, Duration)>,
}

/// Shared by the clones of a stream.
#[derive(Debug)]
struct State {
    appends: AtomicU64,
    /// The last append was refused at the high-water mark.
    full: AtomicBool,
    start: Instant,
    full_warning: Throttle,
}

/// The stream's name and settings; never the connection, whose address may hold a
/// password.
impl fmt::Debug for RedisStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.settings;
        f.debug_struct("RedisStream")
            .field("stream", &settings.stream)
            .field("wait", &settings.wait)
            .field("high_water", &settings.high_water)
            .field("trim_every", &settings.trim_every)
            .field(
                "dedup_prefix",
                &settings.dedup.as_ref().map(|(prefix, _)| prefix),
            )
            .field("dedup_ttl", &settings.dedup.as_ref().map(|(_, ttl)| ttl))
            .finish_non_exhaustive()
    }
}

/// Why [`RedisStream`] did not append an event: the stream's backlog reached its
/// high-water mark. The source of the [`RecordError`] answered 503 FAIL, 50303.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BacklogFull {
    backlog: u64,
    high_water: u64,
}

impl BacklogFull {
    /// The entries the slowest consumer group had not acknowledged (every entry with no
    /// group).
    pub fn backlog(&self) -> u64 {
        self.backlog
    }

    /// The stream's high-water mark.
    pub fn high_water(&self) -> u64 {
        self.high_water
    }
}

impl fmt::Display for BacklogFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the stream's backlog of {} unacknowledged entries reached its high-water mark of {}",
            self.backlog, self.high_water
        )
    }
}

impl std::error::Error for BacklogFull {}

/// What an append did.
enum Appended {
    New { id: String, backlog: Option<u64> },
    Before { id: String },
    Refused(BacklogFull),
}

impl RedisStream {
    /// The backlog past which appends are refused by default: a million entries, hours
    /// of a busy app's callbacks, within a gigabyte or so of Redis memory.
    pub const DEFAULT_HIGH_WATER: u64 = 1_000_000;

    /// Appends to the stream `stream` over `connection` (which reconnects by itself when
    /// the connection drops). Give the connection timeouts that fit Tencent's two seconds
    /// and TCP keepalive, as [`open`](Self::open) does; unlike `open`'s, this connection
    /// is not replaced when Redis stops answering on it.
    pub fn new(connection: ConnectionManager, stream: impl Into<String>) -> Self {
        Self::with_link(Link::fixed(connection), stream.into())
    }

    fn with_link(link: Arc<Link>, stream: String) -> Self {
        Self {
            link,
            settings: Settings {
                stream,
                wait: DEFAULT_WAIT,
                high_water: Some(Self::DEFAULT_HIGH_WATER),
                trim_every: None,
                dedup: None,
            },
            state: Arc::new(State {
                appends: AtomicU64::new(0),
                full: AtomicBool::new(false),
                start: Instant::now(),
                full_warning: Throttle::default(),
            }),
        }
    }

    /// Connects to the Redis at `url` (`redis://[:password@]host:port[/db]`) and appends
    /// to the stream `stream`. The connection gives up on a connection attempt after
    /// 300 ms, and retries a lost connection once before failing the callbacks waiting on
    /// it (and again at the next callback). Redis's answer is waited for up to the sink's
    /// wait ([`with_wait`](Self::with_wait)), its response timeout: a callback not
    /// answered within it has the connection replaced in the background, in case Redis
    /// or a proxy stopped answering on it. TCP keepalive probes an idle connection every
    /// few seconds, so that a peer that is gone is noticed.
    ///
    /// Fails when Redis cannot be reached or refuses the credentials: the error is
    /// Redis's own, whose kind tells which.
    pub async fn open(url: &str, stream: impl Into<String>) -> Result<Self, RedisError> {
        let config = ConnectionManagerConfig::new()
            // No response timeout: the sink's wait bounds each record, and a second bound
            // here would cut a longer wait short without saying so.
            .set_connection_timeout(Duration::from_millis(300))
            .set_number_of_retries(1)
            .set_max_delay(100);
        let link = Link::open(url, config).await?;
        Ok(Self::with_link(link, stream.into()))
    }

    /// Refuses to append once the backlog (what the slowest consumer group has not
    /// acknowledged) is `entries` (at least 1), instead of
    /// [`DEFAULT_HIGH_WATER`](Self::DEFAULT_HIGH_WATER): see the type's docs.
    pub fn with_high_water(mut self, entries: u64) -> Self {
        self.settings.high_water = Some(entries.max(1));
        self
    }

    /// Appends whatever the backlog: the stream grows until Redis runs out of memory
    /// and refuses every write (answered 503 all the same). Appends are a plain `XADD`
    /// then, unless de-duplication or a trim needs the script.
    pub fn without_high_water(mut self) -> Self {
        self.settings.high_water = None;
        self
    }

    /// Every `appends` appends of this sink (at least 1; a thousand is a good start),
    /// the append also removes the entries that every consumer group acknowledged. Off by
    /// default: see the type's docs.
    pub fn with_trim(mut self, appends: u64) -> Self {
        self.settings.trim_every = Some(appends.max(1));
        self
    }

    /// Waits up to `wait` for Redis to acknowledge each entry (the de-duplication check
    /// included), instead of [`DEFAULT_WAIT`]. Keep it under Tencent's two seconds.
    pub fn with_wait(mut self, wait: Duration) -> Self {
        self.settings.wait = wait;
        self
    }

    /// Appends each event once, however many times and to however many replicas it is
    /// delivered, as long as its key lasts: `ttl` from its first entry (at least a
    /// millisecond). Ten minutes outlast Tencent's retries. See the type's docs.
    pub fn with_dedup(mut self, ttl: Duration) -> Self {
        self.settings.dedup = Some((format!("{}:dedup:", self.settings.stream), ttl));
        self
    }

    /// The stream's name.
    pub fn stream(&self) -> &str {
        &self.settings.stream
    }

    async fn append(&self, record: Record<'_>, json: Vec<u8>) -> Result<Appended, RedisError> {
        let appends = self.state.appends.fetch_add(1, Ordering::Relaxed);
        // The first append trims too: a restarted sink catches up at once.
        let trim = self
            .settings
            .trim_every
            .is_some_and(|every| appends % every == 0);
        let command = self.settings.command(record, json, trim);
        let mut connection = self.link.connection();
        if !self.settings.scripted(trim) {
            let id: String = command.query_async(&mut connection).await?;
            return Ok(Appended::New { id, backlog: None });
        }
        let (status, id, backlog, trimmed): (u8, String, i64, u64) =
            command.query_async(&mut connection).await?;
        if trimmed > 0 {
            tracing::debug!(stream = %self.settings.stream, trimmed, "acknowledged entries trimmed");
        }
        let backlog = u64::try_from(backlog).ok();
        Ok(match (status, self.settings.high_water) {
            (2, Some(high_water)) => Appended::Refused(BacklogFull {
                backlog: backlog.unwrap_or(high_water),
                high_water,
            }),
            (0, _) => Appended::Before { id },
            _ => Appended::New { id, backlog },
        })
    }

    /// Says the backlog reached the mark: a `warn` at most every 10 seconds.
    fn refused(&self, full: BacklogFull) {
        crate::metrics::stream_backlog(&self.settings.stream, full.backlog);
        self.state.full.store(true, Ordering::Relaxed);
        let turn = self
            .state
            .full_warning
            .turn(self.state.start, Instant::now());
        if let Some(suppressed) = turn {
            tracing::warn!(
                stream = %self.settings.stream,
                backlog = full.backlog,
                high_water = full.high_water,
                suppressed,
                "the stream's backlog reached its high-water mark: callbacks answered 503 \
                 until the workers catch up (or the stream is trimmed)"
            );
        }
    }

    /// Records the backlog after an append, and says once when appends resumed.
    fn appended(&self, backlog: Option<u64>) {
        if let Some(backlog) = backlog {
            crate::metrics::stream_backlog(&self.settings.stream, backlog);
        }
        if self.state.full.swap(false, Ordering::Relaxed) {
            tracing::info!(
                stream = %self.settings.stream,
                backlog,
                "the stream's backlog is under its high-water mark again: appending"
            );
        }
    }
}

impl Settings {
    /// Whether an append goes through the script rather than a plain `XADD`.
    fn scripted(&self, trim: bool) -> bool {
        trim || self.high_water.is_some() || self.dedup.is_some()
    }

    /// The command that appends `record`, and trims when `trim`.
    fn command(&self, record: Record<'_>, json: Vec<u8>, trim: bool) -> Cmd {
        let (event, context) = (record.event, record.context);
        let mut command = if self.scripted(trim) {
            // EVAL rather than EVALSHA: no `script` feature (and its SHA-1 crate) for a
            // script of a kilobyte or two, which Redis compiles once and keeps.
            let mut command = redis::cmd("EVAL");
            command.arg(APPEND);
            match &self.dedup {
                Some((prefix, ttl)) => {
                    let key = DeliveryKey::new(context.sdk_app_id, event.command(), &json);
                    // Redis refuses a zero expiry; a key lasts at least a millisecond.
                    let ttl = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
                    command
                        .arg(2)
                        .arg(&self.stream)
                        .arg(format!("{prefix}{key}"))
                        .arg(ttl);
                }
                None => {
                    command.arg(1).arg(&self.stream).arg("");
                }
            }
            let high_water = self.high_water.map(|n| n.to_string()).unwrap_or_default();
            command.arg(high_water).arg(if trim { "1" } else { "" });
            command
        } else {
            let mut command = redis::cmd("XADD");
            command.arg(&self.stream).arg("*");
            command
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
        command
    }
}

impl Sink for RedisStream {
    /// Appends the event to the stream and waits until Redis acknowledged it, at most the
    /// wait: `Ok` then (or when de-duplication found its entry there already). A
    /// [`BacklogFull`] when the backlog is at the high-water mark.
    async fn record(&self, record: Record<'_>) -> Result<(), RecordError> {
        let json = serde_json::to_vec(record.event).map_err(|e| RecordError::Failed(e.into()))?;
        let wait = self.settings.wait;
        let stream = &self.settings.stream;
        match tokio::time::timeout(wait, self.append(record, json)).await {
            Ok(Ok(Appended::New { id, backlog })) => {
                tracing::debug!(%stream, %id, "event appended");
                self.appended(backlog);
                Ok(())
            }
            Ok(Ok(Appended::Before { id })) => {
                tracing::debug!(%stream, %id, "event appended before, not again");
                Ok(())
            }
            Ok(Ok(Appended::Refused(full))) => {
                self.refused(full);
                Err(RecordError::Failed(Box::new(full)))
            }
            Ok(Err(error)) => Err(RecordError::Failed(error.into())),
            Err(_elapsed) => {
                // Redis, or a proxy on the way, may have stopped answering this connection.
                self.link.stalled();
                Err(RecordError::TimedOut(wait))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CallbackContext, Event, SdkAppId};

    fn settings() -> Settings {
        Settings {
            stream: "room-callbacks".to_owned(),
            wait: DEFAULT_WAIT,
            high_water: Some(RedisStream::DEFAULT_HIGH_WATER),
            trim_every: None,
            dedup: None,
        }
    }

    /// The command's arguments, as text.
    fn words(settings: &Settings, trim: bool) -> Vec<String> {
        let body = br#"{"CallbackCommand":"Room.CallbackAfterMemberLeave","RoomId":"r1"}"#;
        let event = Event::decode("Room.CallbackAfterMemberLeave", body).unwrap();
        let context = CallbackContext::new(SdkAppId::new(1), "Room.CallbackAfterMemberLeave");
        let json = serde_json::to_vec(&event).unwrap();
        settings
            .command(Record::new(&event, &context), json, trim)
            .args_iter()
            .map(|arg| match arg {
                redis::Arg::Simple(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                redis::Arg::Cursor => "<cursor>".to_owned(),
            })
            .collect()
    }

    #[test]
    fn the_default_append_trims_nothing() {
        let words = words(&settings(), false);
        assert_eq!(words[0], "EVAL");
        assert!(
            !APPEND.contains("MAXLEN"),
            "the script never trims by length"
        );
        // EVAL script numkeys stream ttl high-water trim fields…
        assert_eq!(&words[2..7], ["1", "room-callbacks", "", "1000000", ""]);
        assert!(
            !words.iter().any(|w| w == "MAXLEN" || w == "MINID"),
            "{words:?}"
        );
    }

    #[test]
    fn without_a_high_water_mark_an_append_is_a_plain_xadd() {
        let settings = Settings {
            high_water: None,
            ..settings()
        };
        let words = words(&settings, false);
        assert_eq!(&words[..3], ["XADD", "room-callbacks", "*"]);
        assert_eq!(words[3], "command");
    }

    #[test]
    fn a_trim_due_asks_the_script_to_trim() {
        let settings = Settings {
            high_water: None,
            trim_every: Some(10),
            ..settings()
        };
        let words = words(&settings, true);
        assert_eq!(words[0], "EVAL");
        assert_eq!(&words[5..7], ["", "1"], "no high-water mark, trim");
    }
}
