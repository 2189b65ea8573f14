//! [`RedisStream`]: each event appended to a Redis stream, answered OK once Redis
//! acknowledged it (feature `redis`).
//!
//! The append is a plain `XADD`, or with de-duplication the [`APPEND_ONCE`] script, which
//! checks the event's key and appends in one atomic step so that two replicas never both
//! append one event; the appends arriving together go out as one pipeline, followed by one
//! `WAIT` when replicas are waited for (`commit.rs`). The backlog is measured apart
//! ([`MEASURE`]), at most every [`MEASURE_EVERY`] and whenever this sink's estimate nears
//! the high-water mark; the trim ([`TRIM`]) follows an append every so many. The type's
//! docs say what an operator sees.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use redis::aio::ConnectionManager;
use redis::{Cmd, RedisError, Script};

use super::{Record, RecordError, Sink, DEFAULT_WAIT};
use crate::dedup::DeliveryKey;
use crate::link::{RedisConnection, RedisDeployment};
use crate::warnings::Throttle;

mod commit;

use self::commit::{Committer, Unconfirmed};

/// Appends the event unless its key says it is there already, in one step: the key exists
/// if and only if the entry was appended (and not yet trimmed), so that a duplicate
/// answered OK is recorded indeed. `XADD` before `SET`: when `XADD` fails (a key of another
/// type, memory full), nothing is written and no key claims the event. A key found is
/// written again as it is (`KEEPTTL`): a write, so that a `WAIT` after it covers the entry
/// it names, which another connection may have appended and not seen replicated.
///
/// KEYS[1] the stream, KEYS[2] the event's key; ARGV[1] the key's time to live in
/// milliseconds, ARGV[2..] the entry's fields and values. Returns `{1, id}` for a new
/// entry, `{0, id}` for one appended before.
const APPEND_ONCE: &str = r"
local id = redis.call('GET', KEYS[2])
if id then
  redis.call('SET', KEYS[2], id, 'KEEPTTL')
  return {0, id}
end
id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
redis.call('SET', KEYS[2], id, 'PX', ARGV[1])
return {1, id}
";

/// Whether the event's key is there (at the high-water mark, where nothing is appended),
/// written again as [`APPEND_ONCE`] does, for the `WAIT` after it. KEYS[1] the event's
/// key; returns its entry's ID, or nil.
const FOUND: &str = r"
local id = redis.call('GET', KEYS[1])
if id then redis.call('SET', KEYS[1], id, 'KEEPTTL') end
return id
";

/// The stream's backlog: the largest over its consumer groups of the entries not yet
/// delivered to the group (`XINFO GROUPS`' `lag`) plus those delivered and not
/// acknowledged (`pending`), at most the stream's length; when Redis cannot tell a
/// group's lag (entries deleted with `XDEL` in its range), the stream's length; with no
/// group, the length. KEYS[1] the stream.
const MEASURE: &str = r"
local stream = KEYS[1]
if redis.call('EXISTS', stream) == 0 then return 0 end
local length = redis.call('XLEN', stream)
local groups = redis.call('XINFO', 'GROUPS', stream)
if #groups == 0 then return length end
local backlog = 0
for _, reply in ipairs(groups) do
  local group = {}
  for i = 1, #reply, 2 do group[reply[i]] = reply[i + 1] end
  local owed = (group['lag'] or length) + group['pending']
  if owed > backlog then backlog = owed end
end
if backlog > length then backlog = length end
return backlog
";

/// Removes what every consumer group acknowledged. A group has acknowledged every entry
/// before its oldest pending one, or, with none pending, up to its last delivered one:
/// `XTRIM MINID ~` to the oldest of these over the groups removes only entries every group
/// acknowledged (`~`: whole nodes only, so cheaply; fewer, never more). With no group,
/// nothing was acknowledged, and nothing is trimmed. KEYS[1] the stream; returns the
/// entries removed.
const TRIM: &str = r"
local stream = KEYS[1]
if redis.call('EXISTS', stream) == 0 then return 0 end
local function older(a, b)
  local ams, aseq = string.match(a, '^(%d+)-(%d+)$')
  local bms, bseq = string.match(b, '^(%d+)-(%d+)$')
  if ams ~= bms then return tonumber(ams) < tonumber(bms) end
  return tonumber(aseq) < tonumber(bseq)
end
local floor
for _, reply in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
  local group = {}
  for i = 1, #reply, 2 do group[reply[i]] = reply[i + 1] end
  local keep = group['last-delivered-id']
  if group['pending'] > 0 then
    keep = redis.call('XPENDING', stream, group['name'])[2]
  end
  if not floor or older(keep, floor) then floor = keep end
end
if not floor then return 0 end
return redis.call('XTRIM', stream, 'MINID', '~', floor)
";

/// How stale the measured backlog may grow before an append measures it again (it is
/// measured at once when this sink's own appends bring it near the mark).
const MEASURE_EVERY: Duration = Duration::from_millis(100);

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
/// | `delivery` | the delivery's key ([`DeliveryKey`](crate::dedup::DeliveryKey) as text: `SDKAPPID:COMMAND:SHA-256`), the same for each of Tencent's retries: a consumer that processed a key skips it; absent when recorded without one |
/// | `event` | the event as Tencent sent it: JSON, `CallbackCommand` included (the [`Event`](crate::Event)'s `Serialize`) |
///
/// With [`with_index_fields`](Self::with_index_fields), also:
///
/// | field | value |
/// | --- | --- |
/// | `sdk_app_id` | the app's SDKAppID, in decimal |
/// | `room_id` | the `RoomId`; absent when the body names no room (unknown commands too) |
/// | `event_time` | `EventTime`, in milliseconds since the Unix epoch, in decimal; absent when the body has none |
///
/// `event` is the event itself: `Event::decode(command, event)` reads it back. A field is
/// left out rather than empty when the event has no such value, so that an empty room ID
/// never reads as a room.
///
/// # Answers
///
/// OK once Redis answered the `XADD` and, with [`with_replicas(n)`](Self::with_replicas),
/// once `n` replicas acknowledged it too. FAIL with HTTP 503 when it could not be
/// recorded: [`ErrorCode::NOT_RECORDED`](crate::ErrorCode::NOT_RECORDED) when Redis
/// failed, is unreachable, the backlog reached the high-water mark (below), or fewer than
/// `n` replicas acknowledged the entry within the wait (a [`NotReplicated`] as the
/// error's source); [`ErrorCode::RECORD_TIMEOUT`](crate::ErrorCode::RECORD_TIMEOUT) when
/// Redis did not answer within [`DEFAULT_WAIT`] ([`with_wait`](Self::with_wait) to change
/// it). An event answered 503 may still be in the stream (appended, and not yet known
/// replicated or answered in time): the answer was FAIL, so a retry by Tencent may append
/// it again unless [`with_dedup`](Self::with_dedup) is on, and a worker sees both entries
/// with the same `delivery`.
///
/// # What an OK survives
///
/// | deployment | what an OK'd entry survives |
/// | --- | --- |
/// | Redis alone, `appendonly yes`, `appendfsync everysec` (Redis's default with AOF) | a crash of Redis; a crash of its machine loses up to the last second's entries |
/// | Redis alone, `appendfsync always` | a crash of Redis or of its machine |
/// | a primary and replicas, without `with_replicas` | a crash of Redis; a failover loses what the replicas had not received (tests here lost 15 to 62 of 4,000 entries with no slowness, thousands with a slow link) |
/// | `with_replicas(n)` | a failover, and any `n` machines failing together: `n` replicas held each entry before its OK, and Sentinel or a Cluster promotes the replica with the most data (at equal `replica-priority`), which holds it |
///
/// Waiting is a **group commit**: the appends arriving together are sent in one
/// pipeline, and one `WAIT n` after them covers them all (Redis's `WAIT` covers every write
/// before it on its connection), so concurrent callbacks share one round trip to the
/// replicas. Without `with_replicas`, a primary that reports replicas is named in a `warn`
/// line ([`check_replicas`](Self::check_replicas), or the first append). `WAIT` makes the
/// replicas hold the entry in memory: give them `appendonly yes` too, so that a replica
/// that restarts keeps it. A failover keeps what was waited for only if it promotes a
/// replica that acknowledged: Sentinel and a Cluster promote the one with the most data,
/// so give the replicas equal `replica-priority` (or wait for every replica that can be
/// promoted).
///
/// A Cluster's client sends a pipeline again after a redirection or a lost connection:
/// turn [`with_dedup`](Self::with_dedup) on, so that an append sent twice is one entry.
///
/// Run Redis with `maxmemory-policy noeviction` (the default): an eviction policy may
/// drop the whole stream to make room.
///
/// # Failover and Cluster
///
/// [`connect`](Self::connect) takes a [`RedisDeployment`]: one server, a primary found
/// through Redis Sentinel (followed when Sentinel promotes a replica: while no primary
/// answers, callbacks are answered 503; appends resume on the new primary within a second
/// or two of its promotion), or a Redis Cluster (`MOVED`, `ASK` and failovers inside the
/// cluster followed). On a Cluster, the keys a script touches must share a slot: the
/// de-duplication keys are the stream's name in braces (`{room-callbacks}:dedup:…`, the
/// slot of `room-callbacks`) unless the name has a hash tag of its own
/// (`{callbacks}:room`), which they keep.
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
/// and logged). The backlog is measured apart from the appends, which stay one `XADD`
/// each: at most every 100 ms, and at once whenever the sink's own estimate (the last
/// measure plus its appends since) reaches the mark, so that one sink passes the mark by
/// at most the callbacks it has in flight. Several replicas sharing the stream each see
/// the others' appends at their next measure: together they may pass the mark by what they
/// append in 100 ms.
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
///   the backlog as of the last measure, at most 100 ms old while callbacks arrive (set
///   only when a high-water mark is on).
/// - Redis that stops answering (hung, or a connection a proxy or NAT forgot): callbacks
///   answered 503 with 50304 after the wait, and the connection replaced in the background
///   (an `info` line); a peer that is gone is noticed by TCP keepalive and a bound on
///   unacknowledged data (Linux), and the connection reconnects.
///
/// # De-duplication
///
/// Tencent retries a callback it was not answered OK in time, and with several replicas
/// behind one URL the retry may reach another replica. [`with_dedup`](Self::with_dedup)
/// makes that one entry per event: a script checks a key of the event and appends the
/// entry only when the key is absent, then sets it, in one step, so that the key exists if
/// and only if the entry does. The key is the stream's name, `:dedup:`, then the
/// delivery's [`DeliveryKey`] (`SDKAPPID:COMMAND:SHA-256` of the body), for example
/// `room-callbacks:dedup:1400000000:Room.CallbackAfterMemberLeave:9f86d0…`. An event
/// appended before is answered OK even at the high-water mark: it is recorded.
///
/// Prefer this to the layer's own [`dedup`](crate::RoomWebhookBuilder::dedup) for a
/// stream: the layer claims a callback before its handler runs and answers a duplicate OK
/// at once, while the first delivery may still fail to record (then the claim is released,
/// but the duplicate was answered OK already, and Tencent does not retry it). Here a
/// duplicate is answered OK only when its entry is in the stream.
///
/// The key is the delivery's (`delivery`, a digest of the body as Tencent sent it), so
/// replicas running different versions of the crate (during a rolling upgrade) agree on it;
/// recorded outside the layer, without a delivery key, the digest is of the event's JSON
/// as this crate writes it. On a Redis proxy that shards keys, name the stream
/// with a hash tag (`{room}:callbacks`): the keys derived from the name keep it, so that
/// the script's two keys live together (on a Cluster, they are tagged by themselves).
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
    /// Measures, trims and checks.
    link: RedisConnection,
    /// The appends' own connection: a `WAIT` holds up every command behind it on its
    /// connection, which is this one alone's.
    commits: RedisConnection,
    settings: Settings,
    /// Started by the first append, once the settings are final; a clone given other
    /// settings (`with_replicas`, `with_wait`) starts its own.
    committer: Arc<OnceLock<Committer>>,
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
    /// `sdk_app_id`, `room_id` and `event_time` in each entry too.
    index_fields: bool,
    /// Replicas that acknowledge each entry before it is confirmed.
    replicas: u32,
}

/// Shared by the clones of a stream.
#[derive(Debug)]
struct State {
    appends: AtomicU64,
    /// The backlog as last measured, plus this sink's appends since.
    backlog: AtomicU64,
    /// When the backlog was last measured, in milliseconds since `start`; `u64::MAX`
    /// before the first measure.
    measured_at: AtomicU64,
    /// The last append was refused at the high-water mark.
    full: AtomicBool,
    start: Instant,
    full_warning: Throttle,
    replica_warning: Throttle,
    /// The replicas were checked, by [`RedisStream::check_replicas`] or the first append.
    checked: AtomicBool,
    /// A trim is under way: the next one due waits for it rather than piling up.
    trimming: AtomicBool,
    scripts: Scripts,
}

/// The stream's name and settings; never the connection, whose address may hold a
/// password.
impl fmt::Debug for RedisStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.settings;
        f.debug_struct("RedisStream")
            .field("stream", &settings.stream)
            .field("wait", &settings.wait)
            .field("replicas", &settings.replicas)
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

/// Why [`RedisStream`] did not confirm an event: fewer replicas than
/// [`with_replicas`](RedisStream::with_replicas) asks for acknowledged its entry within the
/// wait. The source of the [`RecordError`] answered 503 FAIL, 50303. The entry is in the
/// primary's stream, and may reach the replicas later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotReplicated {
    acknowledged: u64,
    wanted: u32,
}

impl NotReplicated {
    /// The replicas that acknowledged the entry in time.
    pub fn acknowledged(&self) -> u64 {
        self.acknowledged
    }

    /// The replicas waited for.
    pub fn wanted(&self) -> u32 {
        self.wanted
    }
}

impl fmt::Display for NotReplicated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of the {} replicas waited for acknowledged the entry in time: a failover could lose it",
            self.acknowledged, self.wanted
        )
    }
}

impl std::error::Error for NotReplicated {}

/// What an append did.
enum Appended {
    New { id: String },
    Before { id: String },
    Refused(BacklogFull),
}

impl RedisStream {
    /// The backlog past which appends are refused by default: a million entries, hours
    /// of a busy app's callbacks, within a gigabyte or so of Redis memory.
    pub const DEFAULT_HIGH_WATER: u64 = 1_000_000;

    /// Appends to the stream `stream` over `connection` (which reconnects by itself when
    /// the connection drops). Give the connection timeouts that fit Tencent's two seconds
    /// and TCP keepalive, as [`connect`](Self::connect) does; unlike `connect`'s, this
    /// connection is not replaced when Redis stops answering on it, and it carries the
    /// appends and every other command alike (with [`with_replicas`](Self::with_replicas),
    /// the backlog's measure waits behind the appends' `WAIT`).
    pub fn new(connection: ConnectionManager, stream: impl Into<String>) -> Self {
        let link = RedisConnection::from_manager(connection);
        Self::with_links(link.clone(), link, stream.into())
    }

    fn with_links(link: RedisConnection, commits: RedisConnection, stream: String) -> Self {
        Self {
            link,
            commits,
            committer: Arc::default(),
            settings: Settings {
                stream,
                wait: DEFAULT_WAIT,
                high_water: Some(Self::DEFAULT_HIGH_WATER),
                trim_every: None,
                dedup: None,
                index_fields: false,
                replicas: 0,
            },
            state: Arc::new(State {
                appends: AtomicU64::new(0),
                backlog: AtomicU64::new(0),
                measured_at: AtomicU64::new(u64::MAX),
                full: AtomicBool::new(false),
                start: Instant::now(),
                full_warning: Throttle::default(),
                replica_warning: Throttle::default(),
                checked: AtomicBool::new(false),
                trimming: AtomicBool::new(false),
                scripts: Scripts {
                    append_once: Script::new(APPEND_ONCE),
                    found: Script::new(FOUND),
                    measure: Script::new(MEASURE),
                    trim: Script::new(TRIM),
                },
            }),
        }
    }

    /// Connects to the Redis at `url` (`redis://[:password@]host:port[/db]`) and appends
    /// to the stream `stream`: [`connect`](Self::connect) to
    /// [`RedisDeployment::server`].
    pub async fn open(url: &str, stream: impl Into<String>) -> Result<Self, RedisError> {
        Self::connect(&RedisDeployment::server(url), stream).await
    }

    /// Connects to `redis` (one server, a primary found through Sentinel, or a Cluster)
    /// and appends to the stream `stream`. The connections give up on a connection
    /// attempt after 300 ms, and retry a lost connection once before failing the
    /// callbacks waiting on it (and again at the next callback). Redis's answer is waited
    /// for up to the sink's wait ([`with_wait`](Self::with_wait)): a callback not
    /// answered within it has the connection replaced in the background, in case Redis
    /// or a proxy stopped answering on it. TCP keepalive probes an idle connection every
    /// few seconds, so that a peer that is gone is noticed. Two connections: the appends
    /// have one of their own.
    ///
    /// Fails when Redis cannot be reached or refuses the credentials: the error is
    /// Redis's own, whose kind tells which.
    pub async fn connect(
        redis: &RedisDeployment,
        stream: impl Into<String>,
    ) -> Result<Self, RedisError> {
        let link = redis.connect().await?;
        let commits = redis.connect().await?;
        Ok(Self::with_links(link, commits, stream.into()))
    }

    /// Confirms an entry only once `replicas` replicas acknowledged it too (Redis's
    /// `WAIT`, shared by the appends sent together), so that a failover loses no event
    /// answered OK; 503 FAIL otherwise, with a [`NotReplicated`]. 0, the default, confirms
    /// an entry once the primary holds it: see the type's docs for what each survives.
    ///
    /// Waiting for replicas that are not there refuses every callback: wait for fewer
    /// than the primary has, so that one replica's restart is no outage (with two
    /// replicas, wait for one).
    pub fn with_replicas(mut self, replicas: u32) -> Self {
        self.settings.replicas = replicas;
        self.committer = Arc::default();
        self
    }

    /// Refuses to append once the backlog (what the slowest consumer group has not
    /// acknowledged) is `entries` (at least 1), instead of
    /// [`DEFAULT_HIGH_WATER`](Self::DEFAULT_HIGH_WATER): see the type's docs.
    pub fn with_high_water(mut self, entries: u64) -> Self {
        self.settings.high_water = Some(entries.max(1));
        self
    }

    /// Appends whatever the backlog: the stream grows until Redis runs out of memory
    /// and refuses every write (answered 503 all the same). No backlog is measured then.
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

    /// Waits up to `wait` for Redis (and the replicas waited for) to acknowledge each
    /// entry (the de-duplication check included), instead of [`DEFAULT_WAIT`]. Keep it
    /// under Tencent's two seconds.
    pub fn with_wait(mut self, wait: Duration) -> Self {
        self.settings.wait = wait;
        self.committer = Arc::default();
        self
    }

    /// Appends each event once, however many times and to however many replicas it is
    /// delivered, as long as its key lasts: `ttl` from its first entry (at least a
    /// millisecond). Ten minutes outlast Tencent's retries. See the type's docs.
    pub fn with_dedup(mut self, ttl: Duration) -> Self {
        let stream = &self.settings.stream;
        // On a Cluster, the script's two keys must share the stream's slot.
        let prefix = if self.link.is_cluster() && !has_hash_tag(stream) {
            format!("{{{stream}}}:dedup:")
        } else {
            format!("{stream}:dedup:")
        };
        self.settings.dedup = Some((prefix, ttl));
        self
    }

    /// Adds `sdk_app_id`, `room_id` and `event_time` to each entry, for consumers that
    /// filter without reading the event's JSON. Off by default: Redis's work per entry
    /// goes by its fields (three more make an `XADD` about 45 % dearer for Redis, and
    /// entries a third larger), and the app and the command are in `delivery` already.
    pub fn with_index_fields(mut self) -> Self {
        self.settings.index_fields = true;
        self
    }

    /// The stream's name.
    pub fn stream(&self) -> &str {
        &self.settings.stream
    }

    /// Asks the primary how many replicas it has (`INFO replication`), and says in a
    /// `warn` line what a failover would lose when they are not waited for (or when fewer
    /// are connected than [`with_replicas`](Self::with_replicas) waits for, in which case
    /// every callback is refused until they connect). The first append does it otherwise;
    /// call it at start to see the line at once. Returns the replicas connected; `None`
    /// on a Cluster, whose primaries each have their own.
    pub async fn check_replicas(&self) -> Result<Option<u64>, RedisError> {
        self.state.checked.store(true, Ordering::Relaxed);
        if self.link.is_cluster() {
            if self.settings.replicas == 0 {
                tracing::warn!(
                    stream = %self.settings.stream,
                    "a Cluster's failover loses the entries its replicas had not received: \
                     wait for a replica (with_replicas, ROOM_WEBHOOK_REDIS_REPLICAS)"
                );
            }
            return Ok(None);
        }
        let info: String = redis::cmd("INFO")
            .arg("replication")
            .query_async(&mut self.link.clone())
            .await?;
        let connected = info
            .lines()
            .find_map(|line| line.strip_prefix("connected_slaves:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0);
        let (stream, replicas) = (&self.settings.stream, self.settings.replicas);
        if replicas == 0 && connected > 0 {
            tracing::warn!(
                %stream,
                connected,
                "the primary has replicas, but an event is answered OK once the primary \
                 holds it: a failover loses what the replicas had not received; wait for \
                 them (with_replicas, ROOM_WEBHOOK_REDIS_REPLICAS)"
            );
        } else if connected < u64::from(replicas) {
            tracing::warn!(
                %stream,
                connected,
                waited_for = replicas,
                "fewer replicas are connected than are waited for: every callback is \
                 answered 503 until they connect"
            );
        }
        Ok(Some(connected))
    }

    /// The group commit, started by the first append.
    fn committer(&self) -> &Committer {
        self.committer.get_or_init(|| {
            if !self.state.checked.swap(true, Ordering::Relaxed) {
                let sink = self.clone();
                tokio::spawn(async move {
                    if let Err(error) = sink.check_replicas().await {
                        tracing::debug!(%error, "could not ask the primary for its replicas");
                    }
                });
            }
            Committer::start(self.commits.clone(), self.settings.replicas)
        })
    }

    /// Appends the event unless the backlog is at the mark; committed by `deadline`.
    async fn append(
        &self,
        record: Record<'_>,
        json: Vec<u8>,
        deadline: Instant,
    ) -> Result<Appended, Unconfirmed> {
        if let Some(high_water) = self.settings.high_water {
            let backlog = self.measure_if_due(high_water).await;
            if backlog >= high_water {
                return self
                    .refuse(record, &json, (backlog, high_water), deadline)
                    .await;
            }
        }
        let appended = match &self.settings.dedup {
            Some(_) => {
                let (key, ttl) = self.settings.dedup_key(record, &json);
                let script = &self.state.scripts.append_once;
                let mut eval = redis::cmd("EVALSHA");
                eval.arg(script.get_hash())
                    .arg(2)
                    .arg(&self.settings.stream);
                eval.arg(key).arg(ttl);
                self.settings.fields(record, json, &mut eval);
                let reply = self
                    .committer()
                    .commit(eval, Some(APPEND_ONCE), deadline)
                    .await?;
                let (status, id): (u8, String) =
                    redis::from_redis_value(&reply).map_err(Unconfirmed::Failed)?;
                match status {
                    0 => Appended::Before { id },
                    _ => Appended::New { id },
                }
            }
            None => {
                let mut xadd = redis::cmd("XADD");
                xadd.arg(&self.settings.stream).arg("*");
                self.settings.fields(record, json, &mut xadd);
                let reply = self.committer().commit(xadd, None, deadline).await?;
                let id = redis::from_redis_value(&reply).map_err(Unconfirmed::Failed)?;
                Appended::New { id }
            }
        };
        if matches!(appended, Appended::New { .. }) {
            self.state.backlog.fetch_add(1, Ordering::Relaxed);
            self.trim_if_due();
        }
        Ok(appended)
    }

    /// Measures the backlog when the last measure is older than [`MEASURE_EVERY`] (one
    /// append of those arriving together measures) or this sink's estimate reaches the
    /// mark; the estimate otherwise, or when the measure failed.
    async fn measure_if_due(&self, high_water: u64) -> u64 {
        let state = &self.state;
        let now = u64::try_from(state.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        let last = state.measured_at.load(Ordering::Relaxed);
        let estimate = state.backlog.load(Ordering::Relaxed);
        let stale =
            last == u64::MAX || now.saturating_sub(last) >= MEASURE_EVERY.as_millis() as u64;
        let near = estimate.saturating_add(1) >= high_water;
        let claimed = near
            || (stale
                && state
                    .measured_at
                    .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok());
        if !claimed {
            return estimate;
        }
        let measured: Result<u64, RedisError> = state
            .scripts
            .measure
            .key(&self.settings.stream)
            .invoke_async(&mut self.link.clone())
            .await;
        let backlog = match measured {
            Ok(backlog) => backlog,
            // The append may still work (an ACL without XINFO, say): the estimate stands.
            Err(error) => {
                tracing::debug!(stream = %self.settings.stream, %error, "could not measure the stream's backlog");
                return estimate;
            }
        };
        state.backlog.store(backlog, Ordering::Relaxed);
        state.measured_at.store(now, Ordering::Relaxed);
        crate::metrics::stream_backlog(&self.settings.stream, backlog);
        backlog
    }

    /// At the mark: refused, unless de-duplication finds the event appended before (then
    /// it is recorded, and answered OK, once committed as an append is).
    async fn refuse(
        &self,
        record: Record<'_>,
        json: &[u8],
        (backlog, high_water): (u64, u64),
        deadline: Instant,
    ) -> Result<Appended, Unconfirmed> {
        if self.settings.dedup.is_some() {
            let (key, _) = self.settings.dedup_key(record, json);
            let mut eval = redis::cmd("EVALSHA");
            eval.arg(self.state.scripts.found.get_hash())
                .arg(1)
                .arg(key);
            let reply = self.committer().commit(eval, Some(FOUND), deadline).await?;
            let id: Option<String> =
                redis::from_redis_value(&reply).map_err(Unconfirmed::Failed)?;
            if let Some(id) = id {
                return Ok(Appended::Before { id });
            }
        }
        Ok(Appended::Refused(BacklogFull {
            backlog,
            high_water,
        }))
    }

    /// Every so many appends, trims what every group acknowledged, in a task of its own:
    /// the event is recorded already, and its answer does not wait for the trim (a failed
    /// trim is only logged, and tried again at the next one due).
    fn trim_if_due(&self) {
        let Some(every) = self.settings.trim_every else {
            return;
        };
        // The first append trims too: a restarted sink catches up at once.
        if self.state.appends.fetch_add(1, Ordering::Relaxed) % every != 0
            || self.state.trimming.swap(true, Ordering::AcqRel)
        {
            return;
        }
        let sink = self.clone();
        tokio::spawn(async move {
            let stream = &sink.settings.stream;
            let trim = sink.state.scripts.trim.key(stream);
            let mut connection = sink.link.clone();
            // Bounded like an append, so that a connection that stopped answering holds
            // one trim at most, and is replaced.
            let trimmed = tokio::time::timeout(
                sink.settings.wait,
                trim.invoke_async::<u64>(&mut connection),
            )
            .await;
            match trimmed {
                Ok(Ok(0)) => {}
                Ok(Ok(trimmed)) => {
                    tracing::debug!(%stream, trimmed, "acknowledged entries trimmed")
                }
                Ok(Err(error)) => {
                    tracing::warn!(%stream, %error, "could not trim the stream; trying again later")
                }
                Err(_elapsed) => {
                    sink.link.stalled();
                    tracing::warn!(%stream, "the stream's trim got no answer; trying again later")
                }
            }
            sink.state.trimming.store(false, Ordering::Release);
        });
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

    /// Says the replicas did not acknowledge: a `warn` at most every 10 seconds.
    fn unreplicated(&self, short: NotReplicated) {
        let turn = self
            .state
            .replica_warning
            .turn(self.state.start, Instant::now());
        if let Some(suppressed) = turn {
            tracing::warn!(
                stream = %self.settings.stream,
                acknowledged = short.acknowledged,
                waited_for = short.wanted,
                suppressed,
                "the replicas did not acknowledge the entries in time: callbacks answered \
                 503 until they do (is a replica down, or its link slow?)"
            );
        }
    }

    /// Says once when appends resumed after the mark.
    fn appended(&self) {
        if self.state.full.swap(false, Ordering::Relaxed) {
            tracing::info!(
                stream = %self.settings.stream,
                backlog = self.state.backlog.load(Ordering::Relaxed),
                "the stream's backlog is under its high-water mark again: appending"
            );
        }
    }
}

/// Whether `key` has a hash tag: `{…}` with something inside, whose slot is its own.
fn has_hash_tag(key: &str) -> bool {
    key.split_once('{')
        .and_then(|(_, after)| after.find('}'))
        .is_some_and(|end| end > 0)
}

impl Settings {
    /// The event's de-duplication key and its time to live in milliseconds.
    fn dedup_key(&self, record: Record<'_>, json: &[u8]) -> (String, u64) {
        let (prefix, ttl) = self.dedup.as_ref().expect("de-duplication is on");
        // The delivery's own key when the layer gave one (the body as Tencent sent it, as
        // the entry's `delivery` field), else one of the event as this crate writes it.
        let key = record.delivery.cloned().unwrap_or_else(|| {
            DeliveryKey::new(record.context.sdk_app_id, record.event.command(), json)
        });
        // Redis refuses a zero expiry; a key lasts at least a millisecond.
        let ttl = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        (format!("{prefix}{key}"), ttl)
    }

    /// Adds the entry's fields and values to `command`.
    fn fields(&self, record: Record<'_>, json: Vec<u8>, command: &mut Cmd) {
        let (event, context) = (record.event, record.context);
        command.arg("command").arg(event.command());
        if self.index_fields {
            command.arg("sdk_app_id").arg(context.sdk_app_id.get());
            if let Some(room) = event.room_id() {
                command.arg("room_id").arg(room.as_str());
            }
            if let Some(time) = event.event_time() {
                command.arg("event_time").arg(time.as_millis());
            }
        }
        if let Some(delivery) = record.delivery {
            command.arg("delivery").arg(delivery.to_string());
        }
        command.arg("event").arg(json);
    }
}

/// The sink's scripts, each hashed once: run by `EVALSHA`, sent whole when Redis lacks it.
struct Scripts {
    append_once: Script,
    found: Script,
    measure: Script,
    trim: Script,
}

impl fmt::Debug for Scripts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Scripts")
    }
}

impl Sink for RedisStream {
    /// Appends the event to the stream and waits until Redis (and the replicas waited
    /// for) acknowledged it, at most the wait: `Ok` then (or when de-duplication found
    /// its entry there already). A [`BacklogFull`] when the backlog is at the high-water
    /// mark, a [`NotReplicated`] when the replicas did not acknowledge it in time.
    async fn record(&self, record: Record<'_>) -> Result<(), RecordError> {
        let json = serde_json::to_vec(record.event).map_err(|e| RecordError::Failed(e.into()))?;
        let wait = self.settings.wait;
        let stream = &self.settings.stream;
        // A wait too long to add (`Duration::MAX`) waits a year, which is as good as ever.
        let deadline = Instant::now()
            .checked_add(wait)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(365 * 86_400));
        match tokio::time::timeout(wait, self.append(record, json, deadline)).await {
            Ok(Ok(Appended::New { id })) => {
                tracing::debug!(%stream, %id, "event appended");
                self.appended();
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
            Ok(Err(Unconfirmed::NotReplicated { acknowledged })) => {
                let short = NotReplicated {
                    acknowledged,
                    wanted: self.settings.replicas,
                };
                self.unreplicated(short);
                Err(RecordError::Failed(Box::new(short)))
            }
            Ok(Err(Unconfirmed::Failed(error))) => Err(RecordError::Failed(error.into())),
            Ok(Err(Unconfirmed::TimedOut)) => Err(RecordError::TimedOut(wait)),
            Err(_elapsed) => {
                // Redis, or a proxy on the way, may have stopped answering either
                // connection (the measure's, or the appends').
                self.link.stalled();
                self.commits.stalled();
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
            index_fields: false,
            replicas: 0,
        }
    }

    /// The `XADD` of an event, as text.
    fn xadd(settings: &Settings) -> Vec<String> {
        let body = br#"{"CallbackCommand":"Room.CallbackAfterMemberLeave","RoomId":"r1"}"#;
        let event = Event::decode("Room.CallbackAfterMemberLeave", body).unwrap();
        let context = CallbackContext::new(SdkAppId::new(1), "Room.CallbackAfterMemberLeave");
        let json = serde_json::to_vec(&event).unwrap();
        let mut command = redis::cmd("XADD");
        command.arg(&settings.stream).arg("*");
        settings.fields(Record::new(&event, &context), json, &mut command);
        command
            .args_iter()
            .map(|arg| match arg {
                redis::Arg::Simple(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                redis::Arg::Cursor => "<cursor>".to_owned(),
            })
            .collect()
    }

    #[test]
    fn an_append_is_a_plain_xadd_that_trims_nothing() {
        let words = xadd(&settings());
        assert_eq!(&words[..4], ["XADD", "room-callbacks", "*", "command"]);
        assert!(
            !words.iter().any(|w| w == "MAXLEN" || w == "MINID"),
            "{words:?}"
        );
    }

    #[test]
    fn no_script_trims_by_length() {
        for script in [APPEND_ONCE, FOUND, MEASURE, TRIM] {
            assert!(!script.contains("MAXLEN"), "{script}");
        }
    }

    #[test]
    fn an_entry_carries_its_command_and_its_event() {
        let words = xadd(&settings());
        assert_eq!(
            &words[3..],
            [
                "command",
                "Room.CallbackAfterMemberLeave",
                "event",
                r#"{"CallbackCommand":"Room.CallbackAfterMemberLeave","RoomId":"r1"}"#
            ]
        );
    }

    #[test]
    fn with_index_fields_an_entry_carries_the_app_the_room_and_the_time() {
        let settings = Settings {
            index_fields: true,
            ..settings()
        };
        let words = xadd(&settings);
        assert_eq!(
            &words[5..9],
            ["sdk_app_id", "1", "room_id", "r1"],
            "{words:?}"
        );
    }
}
