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
//!    for longer than the minimum idle time (`XAUTOCLAIM`: they crashed or hang), and
//!    reads new entries (`XREADGROUP ... BLOCK ... >`).
//!
//! Each entry's `event` field is read back as an [`Event`] (`Event::decode` with its
//! `command` field), processed (the demo's work: one line on standard output,
//! `ENTRY-ID COMMAND app=SDKAPPID room=ROOM time=EVENTTIME`), and only then acknowledged
//! (`XACK`). A worker killed between the two leaves the entry pending, and another worker
//! claims it after the minimum idle time: each event is processed at least once, so make
//! the work idempotent (the entry ID is a natural key). An entry that cannot be read as
//! an event is logged and acknowledged, since no retry would read it either.
//!
//! Configuration, from the environment:
//!
//! | variable | default | meaning |
//! | --- | --- | --- |
//! | `ROOM_WEBHOOK_REDIS_URL` | `redis://127.0.0.1:6379` | the Redis (`redis://[:password@]host:port[/db]`), never printed |
//! | `ROOM_WEBHOOK_STREAM` | `room-callbacks` | the stream the webhook appends to |
//! | `ROOM_WEBHOOK_GROUP` | `room-workers` | the consumer group the workers share |
//! | `ROOM_WEBHOOK_GROUP_START` | `0` | where a new group starts: `0` the whole stream, `$` only new entries |
//! | `ROOM_WEBHOOK_CONSUMER` | `HOSTNAME-PID` | this worker's name in the group; unique per live worker |
//! | `ROOM_WEBHOOK_MIN_IDLE_MS` | `30000` | how long an entry stays unacknowledged before another worker claims it |
//! | `ROOM_WEBHOOK_BATCH` | `100` | entries read or claimed at once |
//! | `ROOM_WEBHOOK_WORK_DELAY_MS` | `0` | the demo's work time per event, to watch a crash mid-batch |
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
//! many of them receive it):
//!
//! ```text
//! redis-server --appendonly yes --appendfsync always &
//! ROOM_WEBHOOK_REDIS_URL=redis://127.0.0.1:6379 ROOM_WEBHOOK_DEDUP_SECS=600 cargo run --example server &
//! for n in 1 2 3; do cargo run --example consume & done
//! cargo run --example send -- --all   # callbacks to the webhook; each worker prints its share
//! ```
//!
//! Each worker takes its own name (`HOSTNAME-PID`); a name left by a worker that is gone
//! stays listed in the group (`XINFO CONSUMERS`) until `XGROUP DELCONSUMER` removes it,
//! once its pending entries were claimed.

// The shared logging and signal handling; the rest of `support` is the webhook servers'.
mod support;

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{RedisError, Value};
use tencent_room_webhook::Event;
use tokio::sync::watch;

/// How long a read waits for new entries before the loop claims again.
const BLOCK: Duration = Duration::from_secs(2);

/// One entry: its ID and its fields (none when the entry was trimmed while pending).
type Entry = (String, HashMap<String, Vec<u8>>);

/// Configuration from the environment. Not `Debug`: the URL may hold a password.
struct Settings {
    url: String,
    stream: String,
    group: String,
    group_start: String,
    consumer: String,
    min_idle: Duration,
    batch: usize,
    work_delay: Duration,
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
    match Worker::connect(settings, stopping).await {
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
    }
}

struct Worker {
    redis: ConnectionManager,
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

impl Worker {
    async fn connect(
        settings: Settings,
        stopping: watch::Receiver<bool>,
    ) -> Result<Self, RedisError> {
        let client = redis::Client::open(settings.url.as_str())?;
        // No response timeout: a blocking read waits on purpose. A lost connection is
        // retried with backoff for a few seconds, and again at the next command.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_secs(2))
            .set_number_of_retries(4)
            .set_max_delay(1000);
        let redis = client.get_connection_manager_with_config(config).await?;
        tracing::info!(
            stream = %settings.stream,
            group = %settings.group,
            consumer = %settings.consumer,
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
                Err(Failure::Redis(error)) => self.pause(&error).await,
                Err(Failure::Output(error)) => return Err(error),
            }
        }
        tracing::info!("stopped");
        Ok(())
    }

    /// After a Redis error: says so and waits a moment (less when stopping).
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
    /// same name finishes them first.
    async fn own_pending(&mut self) -> Result<(), Failure> {
        let mut after = "0".to_owned();
        while !self.stopping() {
            let entries = self.read_group(&after, None).await?;
            let Some((last, _)) = entries.last() else {
                break;
            };
            after = last.clone();
            self.process_all(entries).await?;
        }
        Ok(())
    }

    /// Entries other workers left unacknowledged past the minimum idle time, taken over.
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
            // Redis 7 adds a third element, the IDs of claimed entries that were trimmed
            // meanwhile, which it drops from the pending list by itself.
            let (Some(next), Some(entries)) = (reply.first(), reply.get(1)) else {
                return Err(unexpected("XAUTOCLAIM").into());
            };
            cursor = redis::from_redis_value(next)?;
            let entries: Vec<Entry> = redis::from_redis_value(entries)?;
            if !entries.is_empty() {
                tracing::info!(
                    entries = entries.len(),
                    "claimed entries left by another worker"
                );
            }
            self.process_all(entries).await?;
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
        self.process_all(entries).await
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

    /// Processes and acknowledges each entry in turn, until stopped.
    async fn process_all(&mut self, entries: Vec<Entry>) -> Result<(), Failure> {
        for (id, fields) in entries {
            if self.stopping() {
                break;
            }
            self.process(&id, &fields).await.map_err(Failure::Output)?;
            // Acknowledged only now that the work is done: a crash before this line
            // leaves the entry pending, for another worker to claim.
            redis::cmd("XACK")
                .arg(&self.settings.stream)
                .arg(&self.settings.group)
                .arg(&id)
                .query_async::<i64>(&mut self.redis)
                .await?;
        }
        Ok(())
    }

    /// The demo's work: one line per event on standard output.
    async fn process(&self, id: &str, fields: &HashMap<String, Vec<u8>>) -> std::io::Result<()> {
        let event = match decode(fields) {
            Ok(event) => event,
            Err(reason) => {
                // No retry would read it either: log it (not its content) and let it go.
                tracing::warn!(%id, reason, "an entry is not an event; acknowledged unread");
                return Ok(());
            }
        };
        if !self.settings.work_delay.is_zero() {
            tokio::time::sleep(self.settings.work_delay).await;
        }
        let app = fields
            .get("sdk_app_id")
            .map(|id| String::from_utf8_lossy(id).into_owned())
            .unwrap_or_else(|| "-".to_owned());
        let room = event.room_id().map_or("-", |room| room.as_str());
        let time = event
            .event_time()
            .map_or_else(|| "-".to_owned(), |time| time.to_string());
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{id} {} app={app} room={room} time={time}",
            event.command()
        )?;
        out.flush()
    }
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
        Ok(Self {
            url: text("ROOM_WEBHOOK_REDIS_URL", "redis://127.0.0.1:6379")?,
            stream: text("ROOM_WEBHOOK_STREAM", "room-callbacks")?,
            group: text("ROOM_WEBHOOK_GROUP", "room-workers")?,
            group_start,
            consumer,
            min_idle: Duration::from_millis(number("ROOM_WEBHOOK_MIN_IDLE_MS", 30_000)?),
            batch: usize::try_from(batch).unwrap_or(usize::MAX),
            work_delay: Duration::from_millis(number("ROOM_WEBHOOK_WORK_DELAY_MS", 0)?),
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
