//! The reference server: Tencent Cloud Chat callbacks on axum, in handler mode, for every
//! family (Room, Live, and Chat's own: friends, one-to-one and group messages, groups,
//! official accounts, chatbots, push, moderation, calls).
//!
//! Every callback that passes the layer's checks is written to standard output as one
//! line of JSON (Tencent's field names, `CallbackCommand` included), unknown and
//! undecodable events too, so `cargo run --example server | jq` shows them live; or, with
//! `ROOM_WEBHOOK_FILE`, appended to a file and synced to disk; or, with Redis
//! (`ROOM_WEBHOOK_REDIS_URL`, `_SENTINELS` or `_CLUSTER`), appended to a Redis stream that
//! workers read (`examples/consume.rs`). Either way a callback is answered OK only once
//! its event is recorded (flushed to the pipe, synced to disk, or acknowledged by Redis
//! and by the replicas waited for), and 503 FAIL when the output fails or stalls past the
//! wait. Every before-callback is allowed (a friend request user by user,
//! as the page's `ResultItem` answer shows) and the chatbot's signal ignored:
//! `examples/live.rs` and `examples/moderation.rs` decide. Logs go to standard error.
//! `GET /healthz` is answered by the axum app behind the layer, which shows that requests
//! off the callback path pass through untouched; `GET /metrics` serves the layer's metrics
//! in Prometheus text.
//!
//! As every layer, it answers a body still incomplete 2 s after its head with 408, and the bodies being read at once hold at most 16 MiB (503 past it):
//! see SECURITY.md for what these limits cost and hold.
//!
//! The `Router` is served by hyper's HTTP/1 connection builder (`support::serve`) rather
//! than `axum::serve`: with a timer it drops clients that never finish their headers, and
//! it costs less per request.
//!
//! Configuration, from the environment (read by `examples/support/mod.rs`, which every
//! example shares):
//!
//! | variable | default | meaning |
//! | --- | --- | --- |
//! | `ROOM_WEBHOOK_ADDR` | `127.0.0.1:8080` | address to listen on; port 0 picks a free port |
//! | `ROOM_WEBHOOK_SDKAPPID` | `1400000000` (a demo value) | your SDKAppID; several may be comma-separated |
//! | `ROOM_WEBHOOK_PATH` | `/callback` | path of the callback URL set in the console |
//! | `ROOM_WEBHOOK_TOKEN` | unset | the console's authentication token; turns the `Sign` check on |
//! | `ROOM_WEBHOOK_FILE` | unset | record events to this file instead of standard output, one line each, synced to disk (`fdatasync`) before each OK |
//! | `ROOM_WEBHOOK_REDIS_URL` | unset | record events to a Redis stream instead of standard output (`redis://[:password@]host:port`) |
//! | `ROOM_WEBHOOK_REDIS_SENTINELS` | unset | instead of the URL: Redis Sentinels (`host:port,host:port`) that name the primary, followed after a failover |
//! | `ROOM_WEBHOOK_REDIS_MASTER` | unset | with Sentinels: the primary's name (`sentinel monitor NAME …`) |
//! | `ROOM_WEBHOOK_REDIS_CLUSTER` | unset | instead of the URL: nodes of a Redis Cluster (`host:port,host:port`) |
//! | `ROOM_WEBHOOK_REDIS_PASSWORD` | unset | the password of the server (instead of the URL's), the Sentinel's primary or the Cluster's nodes; kept out of the URL and of every log line |
//! | `ROOM_WEBHOOK_REDIS_REPLICAS` | `0` | with Redis: answer OK only once this many replicas hold the entry (`WAIT`, shared by the callbacks arriving together); 0 once the primary does, and a `warn` at start when it has replicas |
//! | `ROOM_WEBHOOK_STREAM` | `room-callbacks` | the Redis stream |
//! | `ROOM_WEBHOOK_DEDUP_SECS` | unset | with Redis: append each event once for this long, however many replicas receive it |
//! | `ROOM_WEBHOOK_HIGH_WATER` | `1000000` | with Redis: answer 503 while the stream's slowest consumer group has this many entries unacknowledged; 0 never refuses |
//! | `ROOM_WEBHOOK_TRIM_EVERY` | unset: never trim | with Redis: every this many appends, remove the entries every consumer group acknowledged |
//! | `ROOM_WEBHOOK_RECORD_WAIT_MS` | `1000` | how long a callback waits for its event to be recorded before 503 FAIL |
//! | `RUST_LOG` | `info` | log filter (`debug` adds a line per callback) |
//! | `ROOM_WEBHOOK_LOG_LINES` | `16384` | log lines waiting for standard error at most; past them lines are dropped, never waited for, and counted in `room_webhook_log_lines_dropped_total` |
//!
//! Bad configuration exits with status 2 and a one-line message. Ctrl-C or SIGTERM
//! stops accepting connections, lets the open ones finish their request in flight (for
//! up to a few seconds), and exits with status 0.
//!
//! Try it (from the crate's directory, with the server running on the defaults):
//!
//! ```text
//! curl -s -X POST 'http://127.0.0.1:8080/callback?SdkAppid=1400000000&CallbackCommand=Room.CallbackAfterDestroyRoom&contenttype=json' -H 'Content-Type: application/json' -d @tests/fixtures/room/after_destroy_room.json
//! ```
//!
//! It answers `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}` and the server prints
//! the event on standard output.

mod support;

use std::process::ExitCode;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use support::Recorder;
use tencent_room_webhook::{RoomWebhook, RoomWebhookLayer, ToHandler};
use tower::Layer;

const DEFAULT_ADDR: &str = "127.0.0.1:8080";

#[tokio::main]
async fn main() -> ExitCode {
    // Handler mode: the layer answers each callback itself, from the recorder's result.
    let started = support::start(DEFAULT_ADDR, |layer, recorder| {
        layer
            .handler(recorder.clone())
            .live_handler(recorder.clone())
            .chat_handler(recorder)
            .build()
    });
    let (listener, webhook, shutdown) = match started.await {
        Ok(started) => started,
        Err(exit) => return exit,
    };
    let metrics = match PrometheusBuilder::new().install_recorder() {
        Ok(metrics) => metrics,
        Err(error) => {
            tracing::error!(%error, "could not install the metrics recorder");
            return ExitCode::FAILURE;
        }
    };
    // Histograms are summarised on upkeep; without it they only grow.
    let upkeep = metrics.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    support::serve(listener, app(webhook, metrics), shutdown).await
}

/// The axum app with the webhook layer in front of it.
fn app(
    webhook: RoomWebhookLayer<ToHandler<Recorder, Recorder, Recorder>>,
    metrics: PrometheusHandle,
) -> RoomWebhook<Router, ToHandler<Recorder, Recorder, Recorder>> {
    let routes = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(move || async move { metrics.render() }));
    // Around the whole `Router` rather than on `Router::layer` (which axum runs after
    // routing, on the fallback here): callbacks are answered before any routing, and
    // every other request reaches the routes untouched. Both work; this costs less.
    webhook.layer(routes)
}
