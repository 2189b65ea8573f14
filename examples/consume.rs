//! A worker: reads the events that `sink::RedisStream` appends to a Redis stream, with a
//! consumer group, so that several workers share the stream and a worker's crash loses
//! nothing.
//!
//! Each worker, in order:
//!
//! 1. creates the group if it is missing (`XGROUP CREATE stream group 0 MKSTREAM`), from
//!    the start of the stream, so that the events appended before the first worker came
//!    up are read too (`ROOM_WEBHOOK_GROUP_START=$` for only the new ones);
//! 2. re-reads the entries delivered to its own name and never acknowledged
//!    (`XREADGROUP ... 0`): a worker restarted under the same name finishes its batch;
//! 3. then, in a loop, claims the entries that other workers took and left unacknowledged
//!    for longer than the minimum idle time (`XAUTOCLAIM`: they crashed, hang, or failed
//!    to process them), and reads new entries (`XREADGROUP ... BLOCK ... >`).
//!
//! # Processing
//!
//! Each entry's `event` field is read back as an [`Event`] (`Event::decode` with its
//! `command` field), processed (the demo's work: one line on standard output,
//! `ENTRY-ID COMMAND app=SDKAPPID room=ROOM time=EVENTTIME`), and only then acknowledged
//! (`XACK`). A worker killed between the two leaves the entry pending, and another worker
//! claims it after the minimum idle time.
//!
//! An entry with a `delivery` field (the key of Tencent's delivery, the same for each of
//! its retries, which several replicas may each have appended) is processed once per
//! delivery, per group. Before the work, the worker marks the delivery as its entry's
//! (`SET STREAM:GROUP:done:DELIVERY ENTRY-ID NX GET PX TTL`); after it, marks it done and
//! acknowledges the entry in one transaction. An entry whose delivery is marked done, or
//! marked by another entry, is a duplicate: acknowledged without being processed. So:
//!
//! - a crash before the work, or during it, leaves the mark naming the entry: whoever
//!   claims it processes it again (at least once for that entry, as without the mark);
//! - a crash between the work and the done mark is the one window in which work done is
//!   done again: at least once for that entry. Make the work idempotent if that matters
//!   (the entry ID and the delivery are natural keys);
//! - after the done mark, no entry of the delivery is processed again while the mark
//!   lasts (`ROOM_WEBHOOK_DONE_TTL_SECS`, an hour: keep it longer than an entry's
//!   retries, `ROOM_WEBHOOK_MAX_ATTEMPTS` × `ROOM_WEBHOOK_MIN_IDLE_MS`).
//!
//! Entries without `delivery` are processed at least once, as above.
//!
//! # Failures and the dead-letter stream
//!
//! When the work fails, the entry stays pending and is retried (by this worker or
//! another) after the minimum idle time; Redis counts its deliveries. An entry whose work
//! failed `ROOM_WEBHOOK_MAX_ATTEMPTS` times, one that was delivered more often than that
//! without being acknowledged (its workers crashed or hung on it), or one that is not an
//! event at all (no retry would read it), is moved to the dead-letter stream
//! (`ROOM_WEBHOOK_DEAD_STREAM`, `STREAM:dead`): appended there with its original fields
//! and `error`, `entry` (its ID), `stream`, `group`, `attempts`, and acknowledged, in one
//! script, with an `error` line. So one bad entry never stops the stream nor crashes
//! every worker in turn; an operator reads the dead letters (`XRANGE stream:dead - +`),
//! and re-appends an entry's original fields to the stream to have it processed again.
//!
//! An entry deleted from the stream before any worker acknowledged it (trimmed by length,
//! or `XDEL`; `sink::RedisStream` never trims an unacknowledged entry) is logged at
//! `error` with its ID, as `XAUTOCLAIM` or a re-read reports it, and acknowledged: its
//! event is lost.
//!
//! # Connection
//!
//! The worker connects as the reference server does (the crate's `RedisConnection`): one
//! server, a primary found through Sentinel (found again when Sentinel promotes a
//! replica), or a Cluster. TCP keepalive probes an idle connection, and sent data
//! unacknowledged for 10 s closes it (Linux), so that a peer that is gone is noticed.
//! Every command has a response timeout longer than a blocking read's wait: a read on a
//! connection that stopped answering (Redis hung, a proxy or NAT that forgot it) times
//! out instead of hanging, and the connection is replaced. Redis errors are waited out, a
//! second apart.
//!
//! On a Cluster, a delivery's mark and the dead-letter stream must share the stream's
//! slot (the acknowledgement and the dead letter are each one step): the marks are
//! `{STREAM}:GROUP:done:…` and the dead-letter stream `{STREAM}:dead` by default, in the
//! stream's slot; a dead-letter stream of your own needs the same hash tag.
//!
//! # Configuration
//!
//! From the environment:
//!
//! | variable | default | meaning |
//! | --- | --- | --- |
//! | `ROOM_WEBHOOK_REDIS_URL` | `redis://127.0.0.1:6379` | the Redis (`redis://[:password@]host:port[/db]`), never printed |
//! | `ROOM_WEBHOOK_REDIS_SENTINELS` | unset | instead of the URL: Sentinels (`host:port,host:port`) that name the primary |
//! | `ROOM_WEBHOOK_REDIS_MASTER` | unset | with Sentinels: the primary's name (`sentinel monitor NAME …`) |
//! | `ROOM_WEBHOOK_REDIS_CLUSTER` | unset | instead of the URL: nodes of a Redis Cluster (`host:port,host:port`) |
//! | `ROOM_WEBHOOK_REDIS_PASSWORD` | unset | the password of the server (instead of the URL's), the Sentinel's primary or the Cluster's nodes, never printed |
//! | `ROOM_WEBHOOK_STREAM` | `room-callbacks` | the stream the webhook appends to |
//! | `ROOM_WEBHOOK_GROUP` | `room-workers` | the consumer group the workers share |
//! | `ROOM_WEBHOOK_GROUP_START` | `0` | where a new group starts: `0` the whole stream, `$` only new entries |
//! | `ROOM_WEBHOOK_CONSUMER` | `HOSTNAME-PID` | this worker's name in the group; unique per live worker |
//! | `ROOM_WEBHOOK_MIN_IDLE_MS` | `30000` | how long an entry stays unacknowledged before it is claimed again |
//! | `ROOM_WEBHOOK_BATCH` | `100` | entries read or claimed at once |
//! | `ROOM_WEBHOOK_MAX_ATTEMPTS` | `5` | deliveries of an entry before it goes to the dead-letter stream |
//! | `ROOM_WEBHOOK_DEAD_STREAM` | `STREAM:dead` | the dead-letter stream |
//! | `ROOM_WEBHOOK_DONE_TTL_SECS` | `3600` | how long a delivery stays marked done |
//! | `ROOM_WEBHOOK_WORK_DELAY_MS` | `0` | the demo's work time per event, to watch a crash mid-batch |
//! | `ROOM_WEBHOOK_FAIL_ROOM` | unset | the demo's work fails for the events of this room, to watch retries and the dead-letter stream |
//! | `RUST_LOG` | `info` | log filter; logs go to standard error |
//!
//! Keep a batch's work well under the minimum idle time, or another worker claims the
//! tail of a batch still being worked on, and those events are processed twice.
//!
//! Bad configuration exits with status 2. Ctrl-C or SIGTERM stops after the event in
//! hand is acknowledged, with status 0; the rest of a batch read stays pending for this
//! name or for another worker to claim.
//!
//! Run N workers beside webhooks that append with `sink::RedisStream` to the same stream:
//! the reference server (`examples/server.rs`) does with `ROOM_WEBHOOK_REDIS_URL` set, on
//! as many replicas as you like (`ROOM_WEBHOOK_DEDUP_SECS` appends each event once however
//! many of them receive it, `ROOM_WEBHOOK_TRIM_EVERY` removes what every group
//! acknowledged):
//!
//! ```text
//! redis-server --appendonly yes --appendfsync always &
//! ROOM_WEBHOOK_REDIS_URL=redis://127.0.0.1:6379 ROOM_WEBHOOK_DEDUP_SECS=600 ROOM_WEBHOOK_TRIM_EVERY=1000 cargo run --example server &
//! for n in 1 2 3; do cargo run --example consume & done
//! cargo run --example send -- --all   # callbacks to the webhook; each worker prints its share
//! ```
//!
//! Each worker takes its own name (`HOSTNAME-PID`); a name left by a worker that is gone
//! stays listed in the group (`XINFO CONSUMERS`) until `XGROUP DELCONSUMER` removes it,
//! once its pending entries were claimed. Needs Redis 7.0 or later.

// The shared logging and signal handling; the rest of `support` is the webhook servers'.
mod support;

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use redis::{RedisError, Value};
use tencent_room_webhook::sink::{RedisConnection, RedisDeployment};
use tencent_room_webhook::Event;
use tokio::sync::watch;

/// How long a read waits for new entries before the loop claims again.
const BLOCK: Duration = Duration::from_secs(2);
/// How long any command may stay unanswered: longer than [`BLOCK`], so that only a
/// connection that stopped answering times out.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(5);

/// Moves an entry to the dead-letter stream and acknowledges it, in one step, and frees
/// its delivery's mark when the entry holds it (so that the event, appended again by an
/// operator, is processed). KEYS[1] the stream, KEYS[2] the dead-letter stream, KEYS[3]
/// the delivery's mark (absent without one); ARGV[1] the group, ARGV[2] the entry's ID,
/// ARGV[3..] the dead letter's fields and values.
const DEAD_LETTER: &str = r"
redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if KEYS[3] and redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('DEL', KEYS[3]) end
";

/// One entry: its ID and its fields (none when the entry was deleted while pending).
type Entry = (String, HashMap<String, Vec<u8>>);

/// Configuration from the environment. Not `Debug`: the URL may hold a password.
struct Settings {
    redis: RedisDeployment,
    /// What the keys derived from the stream's name start with: the name, in braces on a
    /// Cluster (unless it has a hash tag), so that they share its slot.
    tag: String,
    stream: String,
    group: String,
    group_start: String,
    consumer: String,
    min_idle: Duration,
    batch: usize,
    max_attempts: u64,
    dead_stream: String,
    done_ttl: Duration,
    work_delay: Duration,
    fail_room: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    support::init_logging();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("configuration error: {message}");
            return ExitCode::from(2);
        }
    };
    let (stop, stopping) = watch::channel(false);
    match support::shutdown_signal() {
        Ok(signal) => {
            tokio::spawn(async move {
                signal.await;
                let _ = stop.send(true);
            });
        }
        Err(error) => {
            eprintln!("could not listen for Ctrl-C and SIGTERM: {error}");
            return ExitCode::FAILURE;
        }
    }
    let exit = match Worker::connect(settings, stopping).await {
        Ok(mut worker) => match worker.run().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                tracing::error!(%error, "the worker stopped");
                ExitCode::FAILURE
            }
        },
        Err(error) => {
            tracing::error!(%error, "could not connect to Redis");
            ExitCode::FAILURE
        }
    };
    // The log lines still queued, written before the process exits.
    support::flush_logs();
    exit
}

struct Worker {
    redis: RedisConnection,
    settings: Settings,
    stopping: watch::Receiver<bool>,
}

/// What interrupted a step: Redis, which the worker waits out, or the output, which
/// stops it (the entry in hand stays pending, for another worker).
enum Failure {
    Redis(RedisError),
    Output(std::io::Error),
}

impl From<RedisError> for Failure {
    fn from(error: RedisError) -> Self {
        Self::Redis(error)
    }
}

/// Why the work on an event failed.
enum WorkError {
    /// Standard output failed: the worker's own fault, not the entry's, so it stops.
    Output(std::io::Error),
    /// The event could not be processed: retried, then dead-lettered.
    Failed(String),
}

/// Whose a delivery is, from its mark.
enum Mark {
    /// This entry's: process it.
    Ours,
    /// Done, or held by another entry of the same delivery: a duplicate.
    Taken(String),
}

impl Worker {
    async fn connect(
        settings: Settings,
        stopping: watch::Receiver<bool>,
    ) -> Result<Self, RedisError> {
        // A lost connection is retried at the next command; one that stops answering
        // times out and is replaced, and through Sentinel one whose primary was replaced
        // follows the new primary.
        let redis = settings
            .redis
            .clone()
            .with_connect_timeout(Duration::from_secs(2))
            .with_response_timeout(RESPONSE_TIMEOUT)
            .connect()
            .await?;
        tracing::info!(
            stream = %settings.stream,
            group = %settings.group,
            consumer = %settings.consumer,
            dead_stream = %settings.dead_stream,
            max_attempts = settings.max_attempts,
            "consuming"
        );
        Ok(Self {
            redis,
            settings,
            stopping,
        })
    }

    fn stopping(&self) -> bool {
        *self.stopping.borrow()
    }

    async fn run(&mut self) -> Result<(), std::io::Error> {
        // Redis errors are waited out: Redis restarts, the worker carries on.
        while !self.stopping() {
            match self.ensure_group().await {
                Ok(()) => break,
                Err(error) => self.pause(&error).await,
            }
        }
        let mut own_pending_done = false;
        while !self.stopping() {
            let step = if own_pending_done {
                match self.claim().await {
                    Ok(()) => self.read_new().await,
                    failed => failed,
                }
            } else {
                self.own_pending().await
            };
            match step {
                Ok(()) => own_pending_done = true,
                Err(Failure::Redis(error)) => {
                    self.pause(&error).await;
                    // What this worker read and had not acknowledged when Redis failed (a
                    // failover, a restart) is its own to finish first, not another's to
                    // claim once idle.
                    own_pending_done = false;
                }
                Err(Failure::Output(error)) => return Err(error),
            }
        }
        tracing::info!("stopped");
        Ok(())
    }

    /// After a Redis error: says so, and waits a moment (less when stopping). The
    /// connection replaced itself if it stopped answering or its primary is gone.
    async fn pause(&mut self, error: &RedisError) {
        tracing::warn!(%error, "Redis failed; trying again in a second");
        if error.code() == Some("NOGROUP") {
            // Redis lost the group (a restart without persistence): make it again.
            let _ = self.ensure_group().await;
        }
        let mut stopping = self.stopping.clone();
        let _ = tokio::time::timeout(Duration::from_secs(1), stopping.wait_for(|stop| *stop)).await;
    }

    async fn ensure_group(&mut self) -> Result<(), RedisError> {
        let created: Result<(), RedisError> = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(&self.settings.stream)
            .arg(&self.settings.group)
            .arg(&self.settings.group_start)
            .arg("MKSTREAM")
            .query_async(&mut self.redis)
            .await;
        match created {
            Ok(()) => {
                tracing::info!(group = %self.settings.group, "consumer group created");
                Ok(())
            }
            // Another worker made it first, or an earlier run did.
            Err(error) if error.code() == Some("BUSYGROUP") => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Entries delivered to this name before and never acknowledged: a restart under the
    /// same name finishes them first, and so does the worker after a Redis error.
    async fn own_pending(&mut self) -> Result<(), Failure> {
        let mut after = "0".to_owned();
        while !self.stopping() {
            let entries = self.read_group(&after, None).await?;
            let Some((last, _)) = entries.last() else {
                break;
            };
            after = last.clone();
            let attempts = self.attempts(&entries).await?;
            self.process_all(entries, &attempts).await?;
        }
        Ok(())
    }

    /// Entries left unacknowledged past the minimum idle time (by a worker that crashed,
    /// hangs, or failed to process them), taken over.
    async fn claim(&mut self) -> Result<(), Failure> {
        let mut cursor = "0-0".to_owned();
        loop {
            let reply: Vec<Value> = redis::cmd("XAUTOCLAIM")
                .arg(&self.settings.stream)
                .arg(&self.settings.group)
                .arg(&self.settings.consumer)
                .arg(millis(self.settings.min_idle))
                .arg(&cursor)
                .arg("COUNT")
                .arg(self.settings.batch)
                .query_async(&mut self.redis)
                .await?;
            let (Some(next), Some(entries), Some(deleted)) =
                (reply.first(), reply.get(1), reply.get(2))
            else {
                return Err(unexpected("XAUTOCLAIM").into());
            };
            cursor = redis::from_redis_value(next)?;
            let entries: Vec<Entry> = redis::from_redis_value(entries)?;
            // Claimed, but gone from the stream: Redis drops them from the pending list.
            let deleted: Vec<String> = redis::from_redis_value(deleted)?;
            for id in deleted {
                lost(&id);
            }
            if !entries.is_empty() {
                tracing::info!(
                    entries = entries.len(),
                    "claimed entries left unacknowledged"
                );
            }
            let attempts = self.attempts(&entries).await?;
            self.process_all(entries, &attempts).await?;
            if cursor == "0-0" || self.stopping() {
                return Ok(());
            }
        }
    }

    /// New entries, waiting up to [`BLOCK`] for some (or until stopped).
    async fn read_new(&mut self) -> Result<(), Failure> {
        let mut stopping = self.stopping.clone();
        let entries = tokio::select! {
            entries = self.read_group(">", Some(BLOCK)) => entries?,
            // Entries Redis handed over just as the read was dropped stay pending for
            // this name: claimed by another worker later, or re-read at the next start.
            _ = stopping.wait_for(|stop| *stop) => return Ok(()),
        };
        // Delivered for the first time: one attempt each.
        self.process_all(entries, &HashMap::new()).await
    }

    async fn read_group(
        &mut self,
        after: &str,
        block: Option<Duration>,
    ) -> Result<Vec<Entry>, RedisError> {
        let mut command = redis::cmd("XREADGROUP");
        command
            .arg("GROUP")
            .arg(&self.settings.group)
            .arg(&self.settings.consumer)
            .arg("COUNT")
            .arg(self.settings.batch);
        if let Some(block) = block {
            command.arg("BLOCK").arg(millis(block));
        }
        let reply: Option<Vec<(String, Vec<Entry>)>> = command
            .arg("STREAMS")
            .arg(&self.settings.stream)
            .arg(after)
            .query_async(&mut self.redis)
            .await?;
        Ok(reply
            .into_iter()
            .flatten()
            .flat_map(|(_stream, entries)| entries)
            .collect())
    }

    /// How many times each of `entries` was delivered, this time included (`XPENDING`),
    /// in one round trip.
    async fn attempts(&mut self, entries: &[Entry]) -> Result<HashMap<String, u64>, RedisError> {
        if entries.is_empty() {
            return Ok(HashMap::new());
        }
        let mut pipe = redis::pipe();
        for (id, _) in entries {
            pipe.cmd("XPENDING")
                .arg(&self.settings.stream)
                .arg(&self.settings.group)
                .arg(id)
                .arg(id)
                .arg(1);
        }
        // Each: [[id, consumer, idle ms, deliveries]], or none when no longer pending.
        let replies: Vec<Vec<(String, String, u64, u64)>> =
            pipe.query_async(&mut self.redis).await?;
        Ok(replies
            .into_iter()
            .flatten()
            .map(|(id, _, _, deliveries)| (id, deliveries))
            .collect())
    }

    /// Processes each entry in turn, until stopped.
    async fn process_all(
        &mut self,
        entries: Vec<Entry>,
        attempts: &HashMap<String, u64>,
    ) -> Result<(), Failure> {
        for (id, fields) in entries {
            if self.stopping() {
                break;
            }
            let attempts = attempts.get(&id).copied().unwrap_or(1);
            self.process(&id, &fields, attempts).await?;
        }
        Ok(())
    }

    /// One entry, delivered `attempts` times: processed and acknowledged, acknowledged as
    /// a duplicate, left pending for a retry, or moved to the dead-letter stream.
    async fn process(
        &mut self,
        id: &str,
        fields: &HashMap<String, Vec<u8>>,
        attempts: u64,
    ) -> Result<(), Failure> {
        if fields.is_empty() {
            lost(id);
            return self.acknowledge(id, None).await;
        }
        let mark = fields
            .get("delivery")
            .map(|delivery| self.mark_key(delivery));
        let max = self.settings.max_attempts;
        if attempts > max {
            let error = format!(
                "delivered {attempts} times without being acknowledged: the workers that took \
                 it crashed or hung"
            );
            return self.dead_letter(id, fields, attempts, mark, &error).await;
        }
        let event = match decode(fields) {
            Ok(event) => event,
            // No retry would read it either.
            Err(reason) => return self.dead_letter(id, fields, attempts, mark, reason).await,
        };
        if let Some(key) = &mark {
            if let Mark::Taken(held) = self.take(key, id).await? {
                // `held` is `done`, or the entry that has the delivery in hand.
                tracing::info!(%id, held, "a delivery already processed or in hand; acknowledged unprocessed");
                return self.acknowledge(id, None).await;
            }
        }
        match self.work(id, fields, &event).await {
            // Acknowledged only now that the work is done: a crash before this line
            // leaves the entry pending, for another worker to claim.
            Ok(()) => self.acknowledge(id, mark.as_deref()).await,
            Err(WorkError::Output(error)) => Err(Failure::Output(error)),
            Err(WorkError::Failed(error)) if attempts >= max => {
                self.dead_letter(id, fields, attempts, mark, &error).await
            }
            Err(WorkError::Failed(error)) => {
                tracing::warn!(
                    %id,
                    attempts,
                    max_attempts = max,
                    error,
                    "processing failed; the entry stays pending, retried after the minimum idle time"
                );
                Ok(())
            }
        }
    }

    /// The key of a delivery's mark in this group.
    fn mark_key(&self, delivery: &[u8]) -> String {
        let delivery = String::from_utf8_lossy(delivery);
        format!(
            "{}:{}:done:{delivery}",
            self.settings.tag, self.settings.group
        )
    }

    /// Marks the delivery as entry `id`'s unless another entry has it or it is done.
    async fn take(&mut self, key: &str, id: &str) -> Result<Mark, RedisError> {
        let held: Option<String> = redis::cmd("SET")
            .arg(key)
            .arg(id)
            .arg("NX")
            .arg("GET")
            .arg("PX")
            .arg(millis(self.settings.done_ttl).max(1))
            .query_async(&mut self.redis)
            .await?;
        Ok(match held {
            // New, or this entry's from an earlier attempt.
            None => Mark::Ours,
            Some(held) if held == id => Mark::Ours,
            Some(held) => Mark::Taken(held),
        })
    }

    /// Acknowledges entry `id` and, when it has one, marks its delivery done, in one
    /// transaction: a crash leaves both undone or both done.
    async fn acknowledge(&mut self, id: &str, mark: Option<&str>) -> Result<(), Failure> {
        let mut pipe = redis::pipe();
        pipe.atomic();
        if let Some(key) = mark {
            pipe.cmd("SET")
                .arg(key)
                .arg("done")
                .arg("PX")
                .arg(millis(self.settings.done_ttl).max(1))
                .ignore();
        }
        pipe.cmd("XACK")
            .arg(&self.settings.stream)
            .arg(&self.settings.group)
            .arg(id)
            .ignore();
        pipe.query_async::<()>(&mut self.redis).await?;
        Ok(())
    }

    /// Moves entry `id` to the dead-letter stream with `error`, and acknowledges it.
    async fn dead_letter(
        &mut self,
        id: &str,
        fields: &HashMap<String, Vec<u8>>,
        attempts: u64,
        mark: Option<String>,
        error: &str,
    ) -> Result<(), Failure> {
        let settings = &self.settings;
        let mut command = redis::cmd("EVAL");
        command
            .arg(DEAD_LETTER)
            .arg(if mark.is_some() { 3 } else { 2 })
            .arg(&settings.stream)
            .arg(&settings.dead_stream);
        if let Some(key) = &mark {
            command.arg(key);
        }
        command
            .arg(&settings.group)
            .arg(id)
            .arg("error")
            .arg(error)
            .arg("entry")
            .arg(id)
            .arg("stream")
            .arg(&settings.stream)
            .arg("group")
            .arg(&settings.group)
            .arg("attempts")
            .arg(attempts);
        for (field, value) in fields {
            command.arg(field).arg(value);
        }
        command.query_async::<()>(&mut self.redis).await?;
        tracing::error!(
            %id,
            attempts,
            error,
            dead_stream = %settings.dead_stream,
            "an entry could not be processed: moved to the dead-letter stream"
        );
        Ok(())
    }

    /// The demo's work: one line per event on standard output.
    async fn work(
        &self,
        id: &str,
        fields: &HashMap<String, Vec<u8>>,
        event: &Event,
    ) -> Result<(), WorkError> {
        if !self.settings.work_delay.is_zero() {
            tokio::time::sleep(self.settings.work_delay).await;
        }
        let room = event.room_id().map_or("-", |room| room.as_str());
        if self.settings.fail_room.as_deref() == Some(room) {
            return Err(WorkError::Failed(format!(
                "the demo's work fails for room {room} (ROOM_WEBHOOK_FAIL_ROOM)"
            )));
        }
        // The app is the first part of the delivery key (`SDKAPPID:COMMAND:SHA-256`).
        let app = fields
            .get("delivery")
            .and_then(|key| {
                String::from_utf8_lossy(key)
                    .split(':')
                    .next()
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| "-".to_owned());
        let time = event
            .event_time()
            .map_or_else(|| "-".to_owned(), |time| time.to_string());
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{id} {} app={app} room={room} time={time}",
            event.command()
        )
        .and_then(|()| out.flush())
        .map_err(WorkError::Output)
    }
}

/// Says that entry `id` was deleted from the stream before any worker acknowledged it.
fn lost(id: &str) {
    tracing::error!(
        %id,
        "an entry was deleted from the stream before it was acknowledged: its event is lost"
    );
}

/// The event of an entry, from its `command` and `event` fields.
fn decode(fields: &HashMap<String, Vec<u8>>) -> Result<Event, &'static str> {
    let command = fields.get("command").ok_or("no command field")?;
    let command = std::str::from_utf8(command).map_err(|_| "the command is not UTF-8")?;
    let json = fields.get("event").ok_or("no event field")?;
    Event::decode(command, json).map_err(|_| "the event field is not the command's JSON")
}

fn unexpected(command: &'static str) -> RedisError {
    RedisError::from((
        redis::ErrorKind::TypeError,
        "unexpected reply",
        command.to_owned(),
    ))
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

impl Settings {
    fn from_env() -> Result<Self, String> {
        let text = |name: &str, default: &str| -> Result<String, String> {
            Ok(env(name)?.unwrap_or_else(|| default.to_owned()))
        };
        let number = |name: &str, default: u64| -> Result<u64, String> {
            match env(name)? {
                None => Ok(default),
                Some(value) => value
                    .parse()
                    .map_err(|_| format!("{name}={value:?} is not a whole number")),
            }
        };
        let consumer = match env("ROOM_WEBHOOK_CONSUMER")? {
            Some(name) => name,
            None => format!("{}-{}", hostname(), std::process::id()),
        };
        let group_start = text("ROOM_WEBHOOK_GROUP_START", "0")?;
        if group_start != "0" && group_start != "$" {
            return Err(format!(
                "ROOM_WEBHOOK_GROUP_START={group_start:?}: expected 0 (the whole stream) or $ (only new entries)"
            ));
        }
        let batch = number("ROOM_WEBHOOK_BATCH", 100)?;
        if batch == 0 {
            return Err("ROOM_WEBHOOK_BATCH=0: read at least one entry at once".to_owned());
        }
        let max_attempts = number("ROOM_WEBHOOK_MAX_ATTEMPTS", 5)?;
        if max_attempts == 0 {
            return Err(
                "ROOM_WEBHOOK_MAX_ATTEMPTS=0: an entry is delivered at least once".to_owned(),
            );
        }
        let stream = text("ROOM_WEBHOOK_STREAM", "room-callbacks")?;
        let redis = support::redis_from_env()?
            .unwrap_or_else(|| RedisDeployment::server("redis://127.0.0.1:6379"));
        // A hash tag is `{…}` with something inside, as the sink reads it.
        let tagged = stream
            .split_once('{')
            .and_then(|(_, after)| after.find('}'))
            .is_some_and(|end| end > 0);
        let tag = if redis.is_cluster() && !tagged {
            format!("{{{stream}}}")
        } else {
            stream.clone()
        };
        Ok(Self {
            redis,
            dead_stream: text("ROOM_WEBHOOK_DEAD_STREAM", &format!("{tag}:dead"))?,
            tag,
            stream,
            group: text("ROOM_WEBHOOK_GROUP", "room-workers")?,
            group_start,
            consumer,
            min_idle: Duration::from_millis(number("ROOM_WEBHOOK_MIN_IDLE_MS", 30_000)?),
            batch: usize::try_from(batch).unwrap_or(usize::MAX),
            max_attempts,
            done_ttl: Duration::from_secs(number("ROOM_WEBHOOK_DONE_TTL_SECS", 3600)?),
            work_delay: Duration::from_millis(number("ROOM_WEBHOOK_WORK_DELAY_MS", 0)?),
            fail_room: env("ROOM_WEBHOOK_FAIL_ROOM")?,
        })
    }
}

/// A variable's value: `None` when unset or empty, an error when not text.
fn env(name: &str) -> Result<Option<String>, String> {
    match std::env::var(name) {
        Ok(value) if value.is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!("{name} is not UTF-8 text")),
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "worker".to_owned())
}
