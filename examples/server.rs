//! The reference server: Tencent Cloud Chat Room callbacks on axum, in handler mode.
//!
//! Every callback that passes the layer's checks is written to standard output as one
//! line of JSON (Tencent's field names, `CallbackCommand` included), unknown and
//! undecodable events too, so `cargo run --example server | jq` shows them live. Logs
//! go to standard error. `GET /healthz` is answered by the axum app behind the layer,
//! which shows that requests off the callback path pass through untouched.
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
//! | `RUST_LOG` | `info` | log filter (`debug` adds a line per callback) |
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

use axum::routing::get;
use axum::Router;
use support::Recorder;
use tencent_room_webhook::{RoomWebhook, RoomWebhookLayer, ToHandler};
use tower::Layer;

const DEFAULT_ADDR: &str = "127.0.0.1:8080";

#[tokio::main]
async fn main() -> ExitCode {
    // Handler mode: the layer answers each callback itself, from the recorder's result.
    let started = support::start(DEFAULT_ADDR, |layer| {
        layer.handler(Recorder::stdout()).build()
    });
    match started.await {
        Ok((listener, webhook, shutdown)) => support::serve(listener, app(webhook), shutdown).await,
        Err(exit) => exit,
    }
}

/// The axum app with the webhook layer in front of it.
fn app(webhook: RoomWebhookLayer<ToHandler<Recorder>>) -> RoomWebhook<Router, ToHandler<Recorder>> {
    let routes = Router::new().route("/healthz", get(|| async { "ok" }));
    // Around the whole `Router` rather than on `Router::layer` (which axum runs after
    // routing, on the fallback here): callbacks are answered before any routing, and
    // every other request reaches the routes untouched. Both work; this costs less.
    webhook.layer(routes)
}
