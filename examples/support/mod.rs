//! What the examples share: settings from the environment (the table in
//! `examples/server.rs`), logging on standard error, the recorder (one JSON line per
//! event on standard output, or a Redis stream), and a shutdown on Ctrl-C or SIGTERM. Each example declares `mod support;` and
//! keeps only how it builds its layer and serves its app.

// Each user takes only part of this: `hyper` has no axum, `consume` takes only the logging
// and the signals, and bench/'s `axum_hand_written` only the logging and the serve loop.
#![allow(dead_code)]

use std::convert::Infallible;
use std::fmt::Display;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use http::{Request, Response};
use http_body::Body;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tencent_room_webhook::event::{ChatEvent, LiveEvent};
use tencent_room_webhook::handler::{ChatHandler, ChatReply, LiveHandler, LiveReply};
use tencent_room_webhook::sink::{
    self, JsonLines, Record, RecordError, RedisDeployment, RedisStream, Sink,
};
use tencent_room_webhook::{
    CallbackContext, Event, HandlerError, HandlerResult, RoomHandler, RoomWebhookBuilder,
    RoomWebhookLayer, SdkAppId,
};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::Service;
use tracing_appender::non_blocking::{ErrorCounter, NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

const DEMO_SDK_APP_ID: SdkAppId = SdkAppId::new(1400000000);
const DEFAULT_PATH: &str = "/callback";
const DEFAULT_STREAM: &str = "room-callbacks";
/// How long open connections get to finish after a shutdown signal.
const GRACE: Duration = Duration::from_secs(5);

/// Everything before serving: logging, the settings, the [`Recorder`], the layer (made by
/// `build` from a builder that has the path, the SDKAppIDs, the token and the runtime,
/// and from the recorder), the signal handlers, and the listener, with log lines saying
/// what was configured and where it listens.
///
/// Bad configuration, including an error from `build`, is reported on standard error and
/// gives exit status 2; failing to reach Redis or to listen gives 1.
pub async fn start<T, E: Display>(
    default_addr: &str,
    build: impl FnOnce(RoomWebhookBuilder, Recorder) -> Result<T, E>,
) -> Result<(TcpListener, T, impl Future<Output = ()> + Send + 'static), ExitCode> {
    init_logging();
    // The lines saying why it did not start are written before the process exits.
    let prepared = prepare(default_addr, build).await;
    if prepared.is_err() {
        flush_logs();
    }
    prepared
}

async fn prepare<T, E: Display>(
    default_addr: &str,
    build: impl FnOnce(RoomWebhookBuilder, Recorder) -> Result<T, E>,
) -> Result<(TcpListener, T, impl Future<Output = ()> + Send + 'static), ExitCode> {
    let settings = Settings::from_env(default_addr).map_err(config_error)?;
    let recorder = Recorder::open(&settings).await.map_err(|error| {
        tracing::error!("{error}");
        ExitCode::FAILURE
    })?;
    // The record stage: every event of every family recorded before a handler sees it.
    let builder = settings.builder().record(recorder.clone());
    let webhook = build(builder, recorder).map_err(config_error)?;
    settings.log_summary();

    // Signals are caught before the "listening" line, so that a SIGTERM sent as soon as
    // it appears is a graceful shutdown, not the default (fatal) action.
    let shutdown = shutdown_signal().map_err(|error| {
        tracing::error!(%error, "could not install the signal handlers");
        ExitCode::FAILURE
    })?;
    let addr = settings.addr;
    let listener = TcpListener::bind(addr).await.map_err(|error| {
        tracing::error!(%error, "could not listen on {addr}");
        ExitCode::FAILURE
    })?;
    let local = listener.local_addr().map_err(|error| {
        tracing::error!(%error, "could not read the bound address");
        ExitCode::FAILURE
    })?;
    tracing::info!("listening on http://{local}");
    tracing::info!("callbacks: POST http://{local}{}", settings.path);
    Ok((listener, webhook, shutdown))
}

/// Serves `app` (an axum `Router`, or any tower service of HTTP) over HTTP/1 with
/// hyper's connection builder, one task per connection, until `shutdown` resolves; then
/// asks the open connections to close after their request in flight, waits for them up
/// to [`GRACE`], and says how it ended.
///
/// Rather than `axum::serve`: hyper's builder, given a timer, drops clients that never
/// finish sending their headers (after 30 s), which a server facing the Internet needs;
/// and it costs less per request (see BENCHMARKS.md, loopback).
pub async fn serve<S, B>(
    listener: TcpListener,
    app: S,
    shutdown: impl Future<Output = ()>,
) -> ExitCode
where
    S: Service<Request<Incoming>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut builder = http1::Builder::new();
    builder.keep_alive(true).timer(TokioTimer::new());
    // Dropping (or sending on) the sender tells every connection to wind down.
    let (stop, stopped) = watch::channel(());
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);

    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            // Reap finished connection tasks so that the set does not grow forever.
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Such as too many open files: back off instead of spinning.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let connection =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let mut stopped = stopped.clone();
        connections.spawn(async move {
            let mut connection = std::pin::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                _ = stopped.changed() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = result {
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
        });
    }

    drop(listener);
    drop(stop);
    let open = connections.len();
    if open > 0 {
        tracing::info!(open, "waiting for open connections to finish");
    }
    let drained = tokio::time::timeout(GRACE, async {
        while connections.join_next().await.is_some() {}
    });
    if drained.await.is_err() {
        tracing::warn!(
            still_open = connections.len(),
            "connections still open after {GRACE:?}: closing them"
        );
        connections.shutdown().await;
    }
    tracing::info!("stopped");
    flush_logs();
    ExitCode::SUCCESS
}

/// Where the examples record events: one JSON line per event on standard output, on a
/// file synced to disk when `ROOM_WEBHOOK_FILE` is set, or a Redis stream when Redis is
/// (`ROOM_WEBHOOK_REDIS_URL`, `_SENTINELS` or `_CLUSTER`). It is the layer's record stage
/// ([`start`] gives it to the builder): a callback reaches a handler, and is answered OK,
/// only once its event is recorded (flushed, synced, or acknowledged by Redis and the
/// replicas waited for), and is answered 503 FAIL when the output fails or stalls past
/// the wait.
///
/// It is also the handler of the handler-mode examples that decide nothing, for every
/// family (Room, Live, Chat): it logs each event and answers OK (allow; the chatbot's
/// signal, ignore).
#[derive(Clone)]
pub struct Recorder {
    sink: Output,
}

#[derive(Clone)]
enum Output {
    Lines(JsonLines),
    Redis(RedisStream),
}

impl Recorder {
    /// The sink the settings name; for Redis, connected.
    async fn open(settings: &Settings) -> Result<Self, String> {
        let sink = match (&settings.redis, &settings.file) {
            (None, None) => Output::Lines(JsonLines::stdout().with_wait(settings.record_wait)),
            (None, Some(path)) => Output::Lines(
                JsonLines::append(path)
                    .map_err(|error| {
                        format!(
                            "could not open ROOM_WEBHOOK_FILE={}: {error}",
                            path.display()
                        )
                    })?
                    .with_wait(settings.record_wait),
            ),
            (Some(redis), _) => {
                let stream = RedisStream::connect(redis, settings.stream.as_str())
                    .await
                    // An address may hold a password: not repeated in the message.
                    .map_err(|error| format!("could not connect to Redis: {error}"))?
                    .with_wait(settings.record_wait)
                    .with_replicas(settings.replicas);
                let stream = match settings.high_water {
                    None => stream,
                    Some(0) => stream.without_high_water(),
                    Some(entries) => stream.with_high_water(entries),
                };
                let stream = match settings.trim_every {
                    Some(appends) => stream.with_trim(appends),
                    None => stream,
                };
                let stream = match settings.dedup {
                    Some(ttl) => stream.with_dedup(ttl),
                    None => stream,
                };
                // At start: a warn line now when replicas are not waited for.
                if let Err(error) = stream.check_replicas().await {
                    tracing::warn!(%error, "could not ask the primary for its replicas");
                }
                Output::Redis(stream)
            }
        };
        Ok(Self { sink })
    }
}

/// Where Redis is, from the environment: `ROOM_WEBHOOK_REDIS_URL` (one server),
/// `ROOM_WEBHOOK_REDIS_SENTINELS` with `ROOM_WEBHOOK_REDIS_MASTER` (a primary found
/// through Sentinel), or `ROOM_WEBHOOK_REDIS_CLUSTER` (a Cluster), at most one of them;
/// `ROOM_WEBHOOK_REDIS_PASSWORD` for the server, the Sentinel's primary or the Cluster's
/// nodes.
/// `None` when none is set.
pub fn redis_from_env() -> Result<Option<RedisDeployment>, String> {
    let list = |text: String| -> Vec<String> {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let url = env("ROOM_WEBHOOK_REDIS_URL")?;
    let sentinels = env("ROOM_WEBHOOK_REDIS_SENTINELS")?.map(list);
    let master = env("ROOM_WEBHOOK_REDIS_MASTER")?;
    let cluster = env("ROOM_WEBHOOK_REDIS_CLUSTER")?.map(list);
    let password = env("ROOM_WEBHOOK_REDIS_PASSWORD")?;
    let named = [url.is_some(), sentinels.is_some(), cluster.is_some()];
    if named.iter().filter(|set| **set).count() > 1 {
        return Err(
            "set one of ROOM_WEBHOOK_REDIS_URL, ROOM_WEBHOOK_REDIS_SENTINELS and \
                    ROOM_WEBHOOK_REDIS_CLUSTER: they name three ways to reach Redis"
                .to_owned(),
        );
    }
    if master.is_some() && sentinels.is_none() {
        return Err(
            "ROOM_WEBHOOK_REDIS_MASTER names the primary Sentinel watches: set \
                    ROOM_WEBHOOK_REDIS_SENTINELS=host:port,host:port too"
                .to_owned(),
        );
    }
    let deployment = match (url, sentinels, cluster) {
        (Some(url), _, _) => RedisDeployment::server(url),
        (_, Some(sentinels), _) => {
            let Some(master) = master else {
                return Err(
                    "ROOM_WEBHOOK_REDIS_SENTINELS needs ROOM_WEBHOOK_REDIS_MASTER, the \
                            name Sentinel knows the primary by (sentinel monitor NAME ...)"
                        .to_owned(),
                );
            };
            if sentinels.is_empty() {
                return Err("ROOM_WEBHOOK_REDIS_SENTINELS lists no host:port".to_owned());
            }
            RedisDeployment::sentinel(sentinels, master)
        }
        (_, _, Some(nodes)) if nodes.is_empty() => {
            return Err("ROOM_WEBHOOK_REDIS_CLUSTER lists no host:port".to_owned())
        }
        (_, _, Some(nodes)) => RedisDeployment::cluster(nodes),
        (None, None, None) => return Ok(None),
    };
    Ok(Some(match password {
        Some(password) => deployment.with_password(password),
        None => deployment,
    }))
}

impl Sink for Recorder {
    async fn record(&self, record: Record<'_>) -> Result<(), RecordError> {
        match &self.sink {
            Output::Lines(lines) => lines.record(record).await,
            Output::Redis(stream) => stream.record(record).await,
        }
    }
}

impl RoomHandler for Recorder {
    // Overriding `handle` rather than the per-command methods sees unknown and
    // undecodable events too.
    async fn handle(&self, event: Event, context: &CallbackContext) -> HandlerResult {
        describe(&event, context);
        Ok(())
    }
}

impl LiveHandler for Recorder {
    // The before-callbacks' decisions are the defaults: allow. (`examples/live.rs` decides.)
    async fn handle(
        &self,
        event: LiveEvent,
        context: &CallbackContext,
    ) -> Result<LiveReply, HandlerError> {
        describe(&Event::Live(event), context);
        Ok(LiveReply::Done)
    }
}

impl ChatHandler for Recorder {
    // Every decision is the default: allow, each friend request user by user; the
    // chatbot's signal is ignored. (`examples/moderation.rs` decides.)
    async fn handle(
        &self,
        event: ChatEvent,
        context: &CallbackContext,
    ) -> Result<ChatReply, HandlerError> {
        describe(&Event::Chat(event), context);
        Ok(ChatReply::Done)
    }
}

/// Logs a callback: at `debug`, or at `warn` when its body does not fit its command.
pub fn describe(event: &Event, context: &CallbackContext) {
    let room_id = event.room_id().map_or("-", |room| room.as_str());
    if let Event::Undecodable(undecodable) = event {
        tracing::warn!(
            sdk_app_id = %context.sdk_app_id,
            command = event.command(),
            reason = %undecodable.reason,
            "callback received, but its body does not fit its command"
        );
    } else {
        // At debug: a log line per callback is a system call per callback on stderr.
        tracing::debug!(
            sdk_app_id = %context.sdk_app_id,
            command = event.command(),
            room_id,
            "callback received"
        );
    }
}

/// Resolves at the first Ctrl-C or SIGTERM.
#[cfg(unix)]
pub fn shutdown_signal() -> io::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{signal, SignalKind};

    // Registered now rather than when first polled (as `tokio::signal::ctrl_c` would):
    // see `start`. SIGINT is what Ctrl-C sends.
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        tracing::info!("shutting down");
    })
}

/// Resolves at the first Ctrl-C.
#[cfg(not(unix))]
pub fn shutdown_signal() -> io::Result<impl Future<Output = ()> + Send + 'static> {
    Ok(async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "could not wait for Ctrl-C");
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down");
    })
}

/// Configuration from the environment. Not `Debug`: it holds the token.
struct Settings {
    addr: SocketAddr,
    sdk_app_ids: Vec<SdkAppId>,
    sdk_app_id_is_demo: bool,
    path: String,
    token: Option<String>,
    redis: Option<RedisDeployment>,
    /// With Redis: replicas that acknowledge each entry before its OK.
    replicas: u32,
    /// Lines on this file, synced, instead of standard output.
    file: Option<std::path::PathBuf>,
    stream: String,
    dedup: Option<Duration>,
    /// With Redis: the high-water mark, 0 for none; `None` for the sink's default.
    high_water: Option<u64>,
    /// With Redis: trim what every group acknowledged every this many appends.
    trim_every: Option<u64>,
    record_wait: Duration,
}

impl Settings {
    fn from_env(default_addr: &str) -> Result<Self, String> {
        let addr_text = env("ROOM_WEBHOOK_ADDR")?.unwrap_or_else(|| default_addr.to_owned());
        let addr = addr_text.parse().map_err(|_| {
            format!(
                "ROOM_WEBHOOK_ADDR={addr_text:?} is not a socket address: expected IP:PORT, \
                 like {default_addr} (port 0 picks a free port)"
            )
        })?;
        let (sdk_app_ids, sdk_app_id_is_demo) = match env("ROOM_WEBHOOK_SDKAPPID")? {
            Some(text) => (parse_sdk_app_ids(&text)?, false),
            None => (vec![DEMO_SDK_APP_ID], true),
        };
        let path = env("ROOM_WEBHOOK_PATH")?.unwrap_or_else(|| DEFAULT_PATH.to_owned());
        let token = env("ROOM_WEBHOOK_TOKEN")?;
        if token.as_deref() == Some("") {
            return Err(
                "ROOM_WEBHOOK_TOKEN is set but empty: set it to the authentication \
                        token shown in the console, or unset it to turn authentication off"
                    .to_owned(),
            );
        }
        let redis = redis_from_env()?;
        let file = env("ROOM_WEBHOOK_FILE")?.map(std::path::PathBuf::from);
        if file.is_some() && redis.is_some() {
            return Err(
                "ROOM_WEBHOOK_FILE and Redis both name where events are recorded: \
                        set one of them"
                    .to_owned(),
            );
        }
        let stream = env("ROOM_WEBHOOK_STREAM")?.unwrap_or_else(|| DEFAULT_STREAM.to_owned());
        let dedup = match env("ROOM_WEBHOOK_DEDUP_SECS")? {
            None => None,
            Some(text) => match text.parse() {
                Ok(seconds) if seconds > 0 && redis.is_some() => Some(Duration::from_secs(seconds)),
                Ok(seconds) if seconds > 0 => {
                    return Err(
                        "ROOM_WEBHOOK_DEDUP_SECS de-duplicates the Redis stream: set \
                                ROOM_WEBHOOK_REDIS_URL (or _SENTINELS, _CLUSTER) too, or unset it"
                            .to_owned(),
                    )
                }
                _ => {
                    return Err(format!(
                        "ROOM_WEBHOOK_DEDUP_SECS={text:?} is not a positive number of seconds \
                         (600 remembers each event for ten minutes)"
                    ))
                }
            },
        };
        let redis_number = |name: &str, what: &str| -> Result<Option<u64>, String> {
            let Some(text) = env(name)? else {
                return Ok(None);
            };
            if redis.is_none() {
                return Err(format!(
                    "{name} is for the Redis stream: set ROOM_WEBHOOK_REDIS_URL (or _SENTINELS, \
                     _CLUSTER) too, or unset it"
                ));
            }
            match text.parse() {
                Ok(number) => Ok(Some(number)),
                Err(_) => Err(format!("{name}={text:?} is not {what}")),
            }
        };
        let high_water = redis_number(
            "ROOM_WEBHOOK_HIGH_WATER",
            "a number of entries (0 turns the high-water mark off)",
        )?;
        let trim_every = match redis_number("ROOM_WEBHOOK_TRIM_EVERY", "a number of appends")? {
            Some(0) => {
                return Err(
                    "ROOM_WEBHOOK_TRIM_EVERY=0: trim every 1 append or more, or unset it"
                        .to_owned(),
                )
            }
            every => every,
        };
        let replicas = match redis_number(
            "ROOM_WEBHOOK_REDIS_REPLICAS",
            "a number of replicas (0 confirms an entry once the primary holds it)",
        )? {
            None => 0,
            Some(n) => u32::try_from(n).map_err(|_| {
                format!("ROOM_WEBHOOK_REDIS_REPLICAS={n} is more replicas than Redis has")
            })?,
        };
        let record_wait = match env("ROOM_WEBHOOK_RECORD_WAIT_MS")? {
            None => sink::DEFAULT_WAIT,
            Some(text) => match text.parse() {
                Ok(millis) if millis > 0 => Duration::from_millis(millis),
                _ => {
                    return Err(format!(
                        "ROOM_WEBHOOK_RECORD_WAIT_MS={text:?} is not a positive number of \
                         milliseconds (the default is {})",
                        sink::DEFAULT_WAIT.as_millis()
                    ))
                }
            },
        };
        Ok(Self {
            addr,
            sdk_app_ids,
            sdk_app_id_is_demo,
            path,
            token,
            redis,
            replicas,
            file,
            stream,
            dedup,
            high_water,
            trim_every,
            record_wait,
        })
    }

    /// Says what was configured, never the token itself.
    fn log_summary(&self) {
        if self.sdk_app_id_is_demo {
            tracing::warn!(
                "using the demo SDKAppID {DEMO_SDK_APP_ID}: set ROOM_WEBHOOK_SDKAPPID to your \
                 app's SDKAppID from the Tencent Cloud Chat console (several may be \
                 comma-separated)"
            );
        } else {
            // Plain numbers: `SdkAppId`'s `Debug` would wrap each one in its type name.
            let sdk_app_ids: Vec<u64> = self.sdk_app_ids.iter().map(|id| id.get()).collect();
            tracing::info!(?sdk_app_ids, "accepting callbacks");
        }
        match (&self.redis, &self.file) {
            // Not the URL: it may hold a password.
            (Some(redis), _) => tracing::info!(
                ?redis,
                stream = %self.stream,
                replicas = self.replicas,
                dedup_secs = self.dedup.map(|ttl| ttl.as_secs()),
                high_water = self.high_water.unwrap_or(RedisStream::DEFAULT_HIGH_WATER),
                trim_every = self.trim_every,
                "recording events to a Redis stream"
            ),
            (None, Some(file)) => tracing::info!(
                file = %file.display(),
                "recording events to a file, one JSON line each, synced to disk before each OK"
            ),
            (None, None) => tracing::info!(
                "recording events to standard output, one JSON line each (a pipe: what \
                 survives a crash of the machine is the reader's to keep)"
            ),
        }
        if self.token.is_some() {
            tracing::info!("callback authentication is on: Sign and RequestTime are checked");
        } else {
            tracing::info!(
                "callback authentication is off: set ROOM_WEBHOOK_TOKEN to the console's \
                 token to check Sign"
            );
        }
    }

    /// A layer builder with these settings, in extension mode until given a handler. The
    /// runtime gives it the body timeout.
    fn builder(&self) -> RoomWebhookBuilder {
        let mut builder = RoomWebhookLayer::builder()
            .path(self.path.as_str())
            .sdk_app_ids(self.sdk_app_ids.iter().copied());
        if let Some(token) = &self.token {
            builder = builder.token(token.as_str());
        }
        builder
    }
}

/// A variable's value; `None` when it is not set.
fn env(name: &str) -> Result<Option<String>, String> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!("{name} is not valid UTF-8")),
    }
}

/// Comma-separated SDKAppIDs, spaces around them allowed.
fn parse_sdk_app_ids(text: &str) -> Result<Vec<SdkAppId>, String> {
    text.split(',')
        .map(str::trim)
        .map(|id| {
            // `SdkAppId`'s own parser takes decimal digits only, as in Tencent's query.
            id.parse::<SdkAppId>().map_err(|_| {
                format!(
                    "ROOM_WEBHOOK_SDKAPPID={text:?}: {id:?} is not an SDKAppID (expected \
                     decimal digits like {DEMO_SDK_APP_ID}; separate several with commas)"
                )
            })
        })
        .collect()
}

fn config_error(message: impl Display) -> ExitCode {
    eprintln!("configuration error: {message}");
    ExitCode::from(2)
}

/// Lines of log waiting for standard error at most (`ROOM_WEBHOOK_LOG_LINES`); past
/// them, lines are dropped (and counted) rather than blocking the runtime on a reader that
/// stopped reading.
const LOG_LINES: usize = 16_384;

/// The log writer's guard: dropped by [`flush_logs`], it writes what is still queued.
static LOG_GUARD: Mutex<Option<WorkerGuard>> = Mutex::new(None);

/// Logs to standard error through a thread of its own, as the record stage writes events:
/// a stalled standard error (often the same pipe as standard output in a container) must
/// not block the runtime's threads and every callback with them. Lines past
/// [`LOG_LINES`] waiting are dropped; how many is logged once standard error moves again,
/// and is the metric `room_webhook_log_lines_dropped_total`.
pub fn init_logging() {
    use std::io::IsTerminal;

    // Read here, before the settings: their errors are logged.
    let lines = std::env::var("ROOM_WEBHOOK_LOG_LINES")
        .ok()
        .and_then(|lines| lines.parse().ok())
        .filter(|lines| *lines > 0)
        .unwrap_or(LOG_LINES);
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(true)
        .buffered_lines_limit(lines)
        .thread_name("room-webhook-logs")
        .finish(io::stderr());
    let dropped = writer.error_counter();
    *LOG_GUARD.lock().unwrap_or_else(PoisonError::into_inner) = Some(guard);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        // Colour codes only for a terminal, not for a log file or a test reading stderr.
        .with_ansi(io::stderr().is_terminal())
        .init();
    tokio::spawn(count_dropped_lines(dropped));
}

/// Reports the log lines dropped, once a second when there are new ones.
async fn count_dropped_lines(dropped: ErrorCounter) {
    let mut reported = 0;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        let now = dropped.dropped_lines();
        if now > reported {
            metrics::counter!("room_webhook_log_lines_dropped_total")
                .increment((now - reported) as u64);
            tracing::warn!(
                dropped = now - reported,
                "log lines dropped: standard error is not read fast enough"
            );
            reported = now;
        }
    }
}

/// Writes the log lines still queued: call it last, before the process exits.
pub fn flush_logs() {
    drop(
        LOG_GUARD
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take(),
    );
}
