//! Experiments of `bench/load.sh` on the Redis path (`stream_*` servers): the reference
//! server on Redis (`examples/server.rs` with `ROOM_WEBHOOK_REDIS_URL`) rebuilt here with a
//! **copy** of `sink::RedisStream`'s append (`src/sink/redis.rs`, without de-duplication)
//! whose pieces can be changed one at a time, so that the load run tells what each costs
//! against `reference_redis` and `axum_xadd` in the same run:
//!
//! | flag | default (= `sink::RedisStream` as the reference server has it) | changed |
//! | --- | --- | --- |
//! | `--connection manager\|multiplexed` | a `ConnectionManager` (reconnects) | one `MultiplexedConnection`, as `axum_xadd` |
//! | `--maxlen N\|none` | `MAXLEN ~ 1000000` | no trimming argument, as `axum_xadd` |
//! | `--fields all\|core\|two` | `command`, `sdk_app_id`, `room_id`, `event_time`, `delivery`, `event` | `core`: `command`, `delivery`, `event` (the app is in `delivery`, the room and the time in `event`); `two`: `event` and `command`, as `axum_xadd` |
//! | `--wait MS\|none` | `tokio::time::timeout` of 1,000 ms around the append | no timer of the sink's (the layer's deadline still bounds it) |
//! | `--delivery full\|digest\|none` | `delivery`: the key's text, `SDKAPPID:COMMAND:SHA-256 hex` (105 bytes here) | only the SHA-256 in hex (64 bytes; the app and the command are fields already), written on the stack; or no `delivery` field |
//! | `--trim-every N` | `MAXLEN ~` on every append | `MAXLEN ~` on one append in N (Redis trims whole nodes of 100 entries anyway) |
//! | `--json typed\|fixed` | `serde_json::to_vec` of the typed `Event` | a constant JSON (the fixture's bytes): what the serialisation costs |
//! | `--sink redis\|ok` | the stream | a sink that confirms at once, no Redis: the layer and the server without the append |
//!
//! Everything else is the reference server's: `examples/support/mod.rs`'s logging and
//! serve loop, the layer with the same builder (path, demo SDKAppID, the sink as its record
//! stage, a handler and a Live handler that log each event at debug), the Prometheus
//! recorder installed, and `ROOM_WEBHOOK_REDIS_URL` / `ROOM_WEBHOOK_STREAM` read as there.
//!
//! ```text
//! ROOM_WEBHOOK_REDIS_URL=redis://127.0.0.1:6390 ROOM_WEBHOOK_STREAM=s \
//!   cargo run --release -p tencent-room-webhook-bench --bin stream_variants -- \
//!   127.0.0.1:18088 --maxlen none
//! ```
//!
//! `stream_variants --time-pieces` prints instead what the pieces of one append cost on
//! this machine, natively (callgrind cannot: it hides the CPU's SHA instructions), for the
//! member-leave fixture, and exits: the serialisation of the event, typed (`Event`, as the
//! sinks do) and as `serde_json::Value` (as `axum_xadd` does); the delivery key (SHA-256 of
//! the body, which the layer computes for every recorded callback) and its text; and the
//! `XADD` command built and encoded, the reference server's and `axum_xadd`'s.

#[path = "../../../examples/support/mod.rs"]
mod support;

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::PrometheusBuilder;
use redis::aio::{ConnectionManager, ConnectionManagerConfig, MultiplexedConnection};
use tencent_room_webhook::dedup::DeliveryKey;
use tencent_room_webhook::event::LiveEvent;
use tencent_room_webhook::handler::{LiveHandler, LiveReply};
use tencent_room_webhook::sink::{Record, RecordError, Sink};
use tencent_room_webhook::{
    CallbackContext, Event, HandlerError, HandlerResult, RoomHandler, RoomWebhookLayer,
};
use tencent_room_webhook_bench::{listen, DEMO_SDK_APP_ID};
use tower::Layer;

const FIXTURE: &[u8] = include_bytes!("../../../tests/fixtures/room/after_member_leave.json");
const COMMAND: &str = "Room.CallbackAfterMemberLeave";

#[derive(Clone)]
enum Connection {
    Manager(ConnectionManager),
    Multiplexed(MultiplexedConnection),
}

/// The copy of `RedisStream`'s append, its pieces chosen by the flags.
#[derive(Clone)]
struct Stream {
    connection: Connection,
    stream: String,
    max_len: Option<usize>,
    all_fields: bool,
    /// `command`, `delivery` and `event` only (`--fields core`).
    core_fields: bool,
    wait: Option<Duration>,
    /// A constant JSON instead of serialising the event.
    fixed_json: Option<Vec<u8>>,
    delivery: Delivery,
    /// `MAXLEN ~` on one append in this many.
    trim_every: u64,
    appended: Arc<AtomicU64>,
}

#[derive(Clone, Copy, PartialEq)]
enum Delivery {
    Full,
    Digest,
    None,
}

/// The key's SHA-256 in lower-case hex, on the stack.
fn digest_hex(key: &DeliveryKey) -> [u8; 64] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0; 64];
    for (i, byte) in key.digest().iter().enumerate() {
        out[2 * i] = HEX[usize::from(byte >> 4)];
        out[2 * i + 1] = HEX[usize::from(byte & 15)];
    }
    out
}

impl Stream {
    async fn append(&self, record: Record<'_>, json: Vec<u8>) -> Result<(), redis::RedisError> {
        let (event, context) = (record.event, record.context);
        let mut command = redis::cmd("XADD");
        command.arg(&self.stream);
        if let Some(max_len) = self.max_len {
            let n = self.appended.fetch_add(1, Ordering::Relaxed);
            // Not `is_multiple_of`: the crate's MSRV (1.75) predates it.
            #[allow(clippy::manual_is_multiple_of)]
            let trim = n % self.trim_every == 0;
            if trim {
                command.arg("MAXLEN").arg("~").arg(max_len);
            }
        }
        command.arg("*");
        command.arg("command").arg(event.command());
        if self.all_fields || self.core_fields {
            if !self.core_fields {
                command.arg("sdk_app_id").arg(context.sdk_app_id.get());
                if let Some(room) = event.room_id() {
                    command.arg("room_id").arg(room.as_str());
                }
                if let Some(time) = event.event_time() {
                    command.arg("event_time").arg(time.as_millis());
                }
            }
            match (self.delivery, record.delivery) {
                (Delivery::Full, Some(delivery)) => {
                    command.arg("delivery").arg(delivery.to_string());
                }
                (Delivery::Digest, Some(delivery)) => {
                    command.arg("delivery").arg(&digest_hex(delivery)[..]);
                }
                _ => {}
            }
        }
        command.arg("event").arg(json);
        let id = match &self.connection {
            Connection::Manager(connection) => {
                command
                    .query_async::<String>(&mut connection.clone())
                    .await?
            }
            Connection::Multiplexed(connection) => {
                command
                    .query_async::<String>(&mut connection.clone())
                    .await?
            }
        };
        tracing::debug!(stream = %self.stream, %id, "event appended");
        Ok(())
    }
}

impl Sink for Stream {
    async fn record(&self, record: Record<'_>) -> Result<(), RecordError> {
        let json = match &self.fixed_json {
            Some(json) => json.clone(),
            None => serde_json::to_vec(record.event).map_err(|e| RecordError::Failed(e.into()))?,
        };
        match self.wait {
            None => self
                .append(record, json)
                .await
                .map_err(|error| RecordError::Failed(error.into())),
            Some(wait) => match tokio::time::timeout(wait, self.append(record, json)).await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(error)) => Err(RecordError::Failed(error.into())),
                Err(_elapsed) => Err(RecordError::TimedOut(wait)),
            },
        }
    }
}

/// Confirms every record at once (`--sink ok`).
struct Confirmed;

impl Sink for Confirmed {
    async fn record(&self, _record: Record<'_>) -> Result<(), RecordError> {
        Ok(())
    }
}

/// The reference server's handler (`support::Recorder`'s): logs each event at debug.
#[derive(Clone)]
struct Describe;

impl RoomHandler for Describe {
    async fn handle(&self, event: Event, context: &CallbackContext) -> HandlerResult {
        support::describe(&event, context);
        Ok(())
    }
}

impl LiveHandler for Describe {
    async fn handle(
        &self,
        event: LiveEvent,
        context: &CallbackContext,
    ) -> Result<LiveReply, HandlerError> {
        support::describe(&Event::Live(event), context);
        Ok(LiveReply::Done)
    }
}

struct Flags {
    manager: bool,
    max_len: Option<usize>,
    all_fields: bool,
    core_fields: bool,
    wait: Option<Duration>,
    fixed_json: bool,
    redis: bool,
    delivery: Delivery,
    trim_every: u64,
}

fn flags() -> Result<Flags, String> {
    let mut flags = Flags {
        manager: true,
        max_len: Some(1_000_000),
        all_fields: true,
        core_fields: false,
        wait: Some(Duration::from_millis(1000)),
        fixed_json: false,
        redis: true,
        delivery: Delivery::Full,
        trim_every: 1,
    };
    // The address first (`listen` takes it), then each flag with its value.
    let mut rest = std::env::args()
        .skip(1)
        .skip_while(|arg| !arg.starts_with("--"));
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or(format!("{flag} needs a value"))?;
        match (flag.as_str(), value.as_str()) {
            ("--connection", "manager") => flags.manager = true,
            ("--connection", "multiplexed") => flags.manager = false,
            ("--maxlen", "none") => flags.max_len = None,
            ("--maxlen", n) => flags.max_len = Some(n.parse().map_err(|_| "--maxlen N|none")?),
            ("--fields", "all") => flags.all_fields = true,
            ("--fields", "two") => flags.all_fields = false,
            ("--fields", "core") => {
                flags.all_fields = false;
                flags.core_fields = true;
            }
            ("--wait", "none") => flags.wait = None,
            ("--wait", ms) => {
                flags.wait = Some(Duration::from_millis(
                    ms.parse().map_err(|_| "--wait MS|none")?,
                ))
            }
            ("--json", "typed") => flags.fixed_json = false,
            ("--json", "fixed") => flags.fixed_json = true,
            ("--sink", "redis") => flags.redis = true,
            ("--sink", "ok") => flags.redis = false,
            ("--delivery", "full") => flags.delivery = Delivery::Full,
            ("--delivery", "digest") => flags.delivery = Delivery::Digest,
            ("--delivery", "none") => flags.delivery = Delivery::None,
            ("--trim-every", n) => {
                flags.trim_every = n.parse().map_err(|_| "--trim-every N")?;
                flags.trim_every = flags.trim_every.max(1);
            }
            _ => return Err(format!("unknown flag {flag} {value}")),
        }
    }
    Ok(flags)
}

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::args().any(|arg| arg == "--time-pieces") {
        time_pieces();
        return ExitCode::SUCCESS;
    }
    support::init_logging();
    let flags = match flags() {
        Ok(flags) => flags,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    let url = std::env::var("ROOM_WEBHOOK_REDIS_URL")
        .unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    let stream = std::env::var("ROOM_WEBHOOK_STREAM").unwrap_or_else(|_| "room-callbacks".into());
    let builder = RoomWebhookLayer::builder()
        .path("/callback")
        .sdk_app_id(DEMO_SDK_APP_ID);
    let builder = if flags.redis {
        let connection = match connect(&url, flags.manager).await {
            Ok(connection) => connection,
            Err(error) => {
                eprintln!("could not connect to ROOM_WEBHOOK_REDIS_URL: {error}");
                support::flush_logs();
                return ExitCode::FAILURE;
            }
        };
        builder.record(Stream {
            connection,
            stream,
            max_len: flags.max_len,
            all_fields: flags.all_fields,
            core_fields: flags.core_fields,
            wait: flags.wait,
            fixed_json: flags.fixed_json.then(|| compact(FIXTURE)),
            delivery: flags.delivery,
            trim_every: flags.trim_every,
            appended: Arc::new(AtomicU64::new(0)),
        })
    } else {
        builder.record(Confirmed)
    };
    let webhook = match builder.handler(Describe).live_handler(Describe).build() {
        Ok(webhook) => webhook,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    let metrics = match PrometheusBuilder::new().install_recorder() {
        Ok(metrics) => metrics,
        Err(error) => {
            eprintln!("could not install the metrics recorder: {error}");
            return ExitCode::FAILURE;
        }
    };
    let upkeep = metrics.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    let listener = match listen("stream_variants", "127.0.0.1:18088").await {
        Ok(listener) => listener,
        Err(exit) => return exit,
    };
    let routes = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(move || async move { metrics.render() }));
    // Killed by the load run: no shutdown signal to wait for.
    support::serve(listener, webhook.layer(routes), std::future::pending()).await
}

/// The reference server's connection (`RedisStream::open`'s settings), or one
/// multiplexed connection as `axum_xadd` has.
async fn connect(url: &str, manager: bool) -> redis::RedisResult<Connection> {
    let client = redis::Client::open(url)?;
    if manager {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_millis(300))
            .set_number_of_retries(1)
            .set_max_delay(100);
        Ok(Connection::Manager(
            client.get_connection_manager_with_config(config).await?,
        ))
    } else {
        Ok(Connection::Multiplexed(
            client.get_multiplexed_async_connection().await?,
        ))
    }
}

/// The fixture as one line of JSON.
fn compact(json: &[u8]) -> Vec<u8> {
    let value: serde_json::Value = serde_json::from_slice(json).expect("the fixture is JSON");
    serde_json::to_vec(&value).expect("a Value serialises")
}

/// ns per piece of an append, for the member-leave fixture: best of 5 rounds.
fn time_pieces() {
    use tencent_room_webhook::SdkAppId;

    let event = Event::decode(COMMAND, FIXTURE).expect("the fixture decodes");
    let value: serde_json::Value = serde_json::from_slice(FIXTURE).expect("the fixture is JSON");
    let app = SdkAppId::new(DEMO_SDK_APP_ID);
    let key = DeliveryKey::new(app, COMMAND, FIXTURE);
    let json = serde_json::to_vec(&event).expect("the event serialises");
    let rounds = 200_000;
    let time = |f: &dyn Fn() -> usize| {
        (0..5)
            .map(|_| {
                let start = Instant::now();
                let mut bytes = 0;
                for _ in 0..rounds {
                    bytes += std::hint::black_box(f());
                }
                std::hint::black_box(bytes);
                start.elapsed().as_nanos() as f64 / rounds as f64
            })
            .fold(f64::INFINITY, f64::min)
    };
    let reference = || {
        let mut command = redis::cmd("XADD");
        command
            .arg("load-stream")
            .arg("MAXLEN")
            .arg("~")
            .arg(1_000_000usize)
            .arg("*");
        command.arg("command").arg(event.command());
        command.arg("sdk_app_id").arg(app.get());
        if let Some(room) = event.room_id() {
            command.arg("room_id").arg(room.as_str());
        }
        if let Some(time) = event.event_time() {
            command.arg("event_time").arg(time.as_millis());
        }
        command.arg("delivery").arg(key.to_string());
        command.arg("event").arg(std::hint::black_box(&json));
        command.get_packed_command().len()
    };
    let axum = || {
        let mut command = redis::cmd("XADD");
        command.arg("load-stream").arg("*");
        command.arg("event").arg(std::hint::black_box(&json));
        command.arg("command").arg(COMMAND);
        command.get_packed_command().len()
    };
    let proposed = || {
        let mut command = redis::cmd("XADD");
        command.arg("load-stream").arg("*");
        command.arg("command").arg(event.command());
        command.arg("sdk_app_id").arg(app.get());
        if let Some(room) = event.room_id() {
            command.arg("room_id").arg(room.as_str());
        }
        if let Some(time) = event.event_time() {
            command.arg("event_time").arg(time.as_millis());
        }
        command.arg("delivery").arg(&digest_hex(&key)[..]);
        command.arg("event").arg(std::hint::black_box(&json));
        command.get_packed_command().len()
    };
    let pieces: [(&str, &dyn Fn() -> usize); 8] = [
        ("serde_json::to_vec(&Event), typed", &|| {
            serde_json::to_vec(std::hint::black_box(&event))
                .unwrap()
                .len()
        }),
        ("serde_json::to_vec(&Value)", &|| {
            serde_json::to_vec(std::hint::black_box(&value))
                .unwrap()
                .len()
        }),
        ("DeliveryKey::new (SHA-256 of the body)", &|| {
            let key = DeliveryKey::new(app, COMMAND, std::hint::black_box(FIXTURE));
            std::hint::black_box(&key);
            1
        }),
        ("DeliveryKey's text (to_string)", &|| key.to_string().len()),
        ("the digest's hex on the stack", &|| {
            digest_hex(std::hint::black_box(&key)).len()
        }),
        (
            "XADD built and encoded: the reference's (MAXLEN ~, 6 fields)",
            &reference,
        ),
        (
            "XADD built and encoded: no MAXLEN, delivery the digest's hex",
            &proposed,
        ),
        ("XADD built and encoded: axum_xadd's (2 fields)", &axum),
    ];
    println!("member-leave fixture, ns per call, best of 5 x {rounds}:");
    for (name, piece) in pieces {
        println!("  {:>8.0} ns  {name} ({} B)", time(piece), piece());
    }
}
