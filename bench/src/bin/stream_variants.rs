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
//! | `--fields all\|two` | `command`, `sdk_app_id`, `room_id`, `event_time`, `delivery`, `event` | `event` and `command`, as `axum_xadd` |
//! | `--wait MS\|none` | `tokio::time::timeout` of 1,000 ms around the append | no timer of the sink's (the layer's deadline still bounds it) |
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
//! `stream_variants --time-serialise` prints instead what one serialisation of the
//! member-leave event costs, typed (`Event`, as the sinks do) and as `serde_json::Value`
//! (as `axum_xadd` does), and exits.

#[path = "../../../examples/support/mod.rs"]
mod support;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::PrometheusBuilder;
use redis::aio::{ConnectionManager, ConnectionManagerConfig, MultiplexedConnection};
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
    wait: Option<Duration>,
    /// A constant JSON instead of serialising the event.
    fixed_json: Option<Vec<u8>>,
}

impl Stream {
    async fn append(&self, record: Record<'_>, json: Vec<u8>) -> Result<(), redis::RedisError> {
        let (event, context) = (record.event, record.context);
        let mut command = redis::cmd("XADD");
        command.arg(&self.stream);
        if let Some(max_len) = self.max_len {
            command.arg("MAXLEN").arg("~").arg(max_len);
        }
        command.arg("*");
        command.arg("command").arg(event.command());
        if self.all_fields {
            command.arg("sdk_app_id").arg(context.sdk_app_id.get());
            if let Some(room) = event.room_id() {
                command.arg("room_id").arg(room.as_str());
            }
            if let Some(time) = event.event_time() {
                command.arg("event_time").arg(time.as_millis());
            }
            if let Some(delivery) = record.delivery {
                command.arg("delivery").arg(delivery.to_string());
            }
        }
        command.arg("event").arg(json);
        let id = match &self.connection {
            Connection::Manager(connection) => {
                command.query_async::<String>(&mut connection.clone()).await?
            }
            Connection::Multiplexed(connection) => {
                command.query_async::<String>(&mut connection.clone()).await?
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
            None => {
                serde_json::to_vec(record.event).map_err(|e| RecordError::Failed(e.into()))?
            }
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
    wait: Option<Duration>,
    fixed_json: bool,
    redis: bool,
}

fn flags() -> Result<Flags, String> {
    let mut flags = Flags {
        manager: true,
        max_len: Some(1_000_000),
        all_fields: true,
        wait: Some(Duration::from_millis(1000)),
        fixed_json: false,
        redis: true,
    };
    // The address first (`listen` takes it), then each flag with its value.
    let mut rest = std::env::args().skip(1).skip_while(|arg| !arg.starts_with("--"));
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or(format!("{flag} needs a value"))?;
        match (flag.as_str(), value.as_str()) {
            ("--connection", "manager") => flags.manager = true,
            ("--connection", "multiplexed") => flags.manager = false,
            ("--maxlen", "none") => flags.max_len = None,
            ("--maxlen", n) => flags.max_len = Some(n.parse().map_err(|_| "--maxlen N|none")?),
            ("--fields", "all") => flags.all_fields = true,
            ("--fields", "two") => flags.all_fields = false,
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
            _ => return Err(format!("unknown flag {flag} {value}")),
        }
    }
    Ok(flags)
}

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::args().any(|arg| arg == "--time-serialise") {
        time_serialise();
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
            wait: flags.wait,
            fixed_json: flags.fixed_json.then(|| compact(FIXTURE)),
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

/// ns per serialisation of the member-leave event, typed and as a `Value`, best of 5.
fn time_serialise() {
    let event = Event::decode(COMMAND, FIXTURE).expect("the fixture decodes");
    let value: serde_json::Value = serde_json::from_slice(FIXTURE).expect("the fixture is JSON");
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
    let typed = time(&|| serde_json::to_vec(std::hint::black_box(&event)).unwrap().len());
    let untyped = time(&|| serde_json::to_vec(std::hint::black_box(&value)).unwrap().len());
    let typed_len = serde_json::to_vec(&event).unwrap().len();
    let untyped_len = serde_json::to_vec(&value).unwrap().len();
    println!("serde_json::to_vec, member-leave fixture, best of 5 x {rounds}:");
    println!("  typed Event       {typed:8.0} ns  ({typed_len} B)");
    println!("  serde_json::Value {untyped:8.0} ns  ({untyped_len} B)");
}
