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
use std::future::Future;
use std::process::ExitCode;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use support::{Recorder, GRACE};
use tencent_room_webhook::{RoomWebhookLayer, ToHandler, WebhookBody};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::{Service, ServiceBuilder};

const DEFAULT_ADDR: &str = "127.0.0.1:8082";

#[tokio::main]
async fn main() -> ExitCode {
    // Handler mode: the layer answers each callback itself, from the recorder's result.
    let started = support::start(DEFAULT_ADDR, |layer| {
        layer.handler(Recorder::stdout()).build()
    });
    match started.await {
        Ok((listener, webhook, shutdown)) => {
            serve(listener, app(webhook), shutdown).await;
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(exit) => exit,
    }
}

/// The tower stack: the webhook layer around the application's own service.
fn app(
    webhook: RoomWebhookLayer<ToHandler<Recorder>>,
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

/// Accepts connections until `shutdown` resolves, one task each; then asks the open ones
/// to close after their request in flight, and waits for them up to [`GRACE`].
async fn serve<S>(listener: TcpListener, app: S, shutdown: impl Future<Output = ()>)
where
    S: Service<
            Request<Incoming>,
            Response = Response<WebhookBody<Full<Bytes>>>,
            Error = Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let mut builder = http1::Builder::new();
    // The timer lets hyper drop clients that never finish sending their headers.
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
}
