//! Plain hyper 1, no axum: the layer in a `tower::ServiceBuilder` stack, served by
//! hyper's HTTP/1 connection builder through `hyper_util`'s tower adapter.
//!
//! The layer runs in handler mode; the inner service is a `tower::service_fn` that
//! answers `GET /healthz` with `ok` and everything else with 404, so it only ever sees
//! requests off the callback path. Each connection gets its own tokio task and stays
//! open between requests (Tencent sends callbacks on keep-alive connections). Every event
//! is logged on standard error and written to standard output as one line of JSON
//! (Tencent's field names).
//!
//! Configuration, from the environment, as in `examples/server.rs` (read by the shared
//! `examples/support/mod.rs`):
//! `ROOM_WEBHOOK_ADDR` (default `127.0.0.1:8082`; port 0 picks a free port),
//! `ROOM_WEBHOOK_SDKAPPID` (default: the demo value `1400000000`; several may be
//! comma-separated), `ROOM_WEBHOOK_PATH` (default `/callback`), `ROOM_WEBHOOK_TOKEN`
//! (unset: no authentication), `RUST_LOG` (default `info`). Bad configuration exits with
//! status 2. Ctrl-C or SIGTERM stops accepting connections, lets the open ones finish
//! the request in flight (for up to a few seconds), and exits with status 0.
//!
//! ```text
//! cargo run --example hyper
//! curl -s -X POST 'http://127.0.0.1:8082/callback?SdkAppid=1400000000&CallbackCommand=Room.CallbackAfterDestroyRoom&contenttype=json' -H 'Content-Type: application/json' -d @tests/fixtures/room/after_destroy_room.json
//! ```

mod support;

use std::convert::Infallible;
use std::process::ExitCode;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use support::Recorder;
use tencent_room_webhook::{RoomWebhookLayer, ToHandler, WebhookBody};
use tower::{Service, ServiceBuilder};

const DEFAULT_ADDR: &str = "127.0.0.1:8082";

#[tokio::main]
async fn main() -> ExitCode {
    // Handler mode: the layer answers each callback itself, from the recorder's result.
    let started = support::start(DEFAULT_ADDR, |layer, recorder| {
        layer
            .handler(recorder.clone())
            .live_handler(recorder)
            .build()
    });
    match started.await {
        Ok((listener, webhook, shutdown)) => support::serve(listener, app(webhook), shutdown).await,
        Err(exit) => exit,
    }
}

/// The tower stack: the webhook layer around the application's own service.
fn app(
    webhook: RoomWebhookLayer<ToHandler<Recorder, Recorder>>,
) -> impl Service<
    Request<Incoming>,
    Response = Response<WebhookBody<Full<Bytes>>>,
    Error = Infallible,
    Future: Send + 'static,
> + Clone
       + Send
       + 'static {
    ServiceBuilder::new()
        .layer(webhook)
        .service_fn(not_found_but_healthz)
}

/// The application behind the layer: it never sees a callback.
async fn not_found_but_healthz(
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (status, text) = if request.method() == Method::GET && request.uri().path() == "/healthz" {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::NOT_FOUND, "not found")
    };
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    Ok(response)
}
