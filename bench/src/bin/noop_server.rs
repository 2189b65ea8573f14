//! The layer with a no-op handler, served for the loopback load run (`bench/load.sh`):
//! the reference server's work without its handler (no event line, no log line).
//!
//! ```text
//! cargo run --release -p tencent-room-webhook-bench --bin noop_server -- 127.0.0.1:18081
//! cargo run --release -p tencent-room-webhook-bench --bin noop_server -- 127.0.0.1:18082 --axum
//! ```
//!
//! By default the layer is in front of a `service_fn`, served by the loop that
//! `floor_server` and `bare_hyper` use too (`bench/src/lib.rs`), so that the ratio to
//! `floor_server` is what the layer costs beyond the least a typed receiver does, and the
//! ratio to `bare_hyper` the layer's whole cost: checks, body, decode, answer. With
//! `--axum` it is the layer around an axum `Router`, as the reference server has it
//! (served by the same loop), so that the ratio to the reference server is its handler's
//! cost and its serve loop's.
//!
//! It listens on the loopback address given (default `127.0.0.1:18081`), refuses any
//! other, and runs until it is killed.

use std::convert::Infallible;
use std::process::ExitCode;

use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use tencent_room_webhook::{RoomHandler, RoomWebhookLayer};
use tencent_room_webhook_bench::{listen, serve, DEMO_SDK_APP_ID};
use tower::{Layer, ServiceBuilder};

/// Every method keeps its default: OK, nothing done.
struct Noop;

impl RoomHandler for Noop {}

#[tokio::main]
async fn main() -> ExitCode {
    let axum = std::env::args().any(|arg| arg == "--axum");
    let webhook = match RoomWebhookLayer::builder()
        .sdk_app_id(DEMO_SDK_APP_ID)
        .handler(Noop)
        .build()
    {
        Ok(webhook) => webhook,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    let name = if axum {
        "noop_server (axum)"
    } else {
        "noop_server (hyper)"
    };
    let listener = match listen(name, "127.0.0.1:18081").await {
        Ok(listener) => listener,
        Err(exit) => return exit,
    };
    if axum {
        let routes = Router::new().route("/healthz", get(|| async { "ok" }));
        serve(listener, webhook.layer(routes)).await
    } else {
        let app = ServiceBuilder::new()
            .layer(webhook)
            .service_fn(not_found_but_healthz);
        serve(listener, app).await
    }
}

/// The application behind the layer; it never sees a callback.
async fn not_found_but_healthz(
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (status, text) = if request.uri().path() == "/healthz" {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::NOT_FOUND, "not found")
    };
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    Ok(response)
}
