//! The layer with a no-op handler, served for the loopback load run (`bench/load.sh`):
//! the reference server's work without its handler (no event line, no log line).
//!
//! ```text
//! cargo run --release --example noop_server -- 127.0.0.1:18081          # hyper, as bare_hyper
//! cargo run --release --example noop_server -- 127.0.0.1:18082 --axum   # on an axum Router
//! ```
//!
//! By default it is served by exactly the loop of `examples/bare_hyper.rs` (hyper 1
//! HTTP/1, one task per connection) through `hyper_util`'s tower adapter, so that the
//! ratio to `bare_hyper` is the layer's cost alone: checks, body, decode, answer. With
//! `--axum` it is the layer around an axum `Router`, as the reference server has it
//! (served by the same loop), so that the ratio to the reference server is its handler's
//! cost and its serve loop's.
//!
//! It listens on the loopback address given (default `127.0.0.1:18081`), refuses any
//! other, and runs until it is killed.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body::Body;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tencent_room_webhook::{RoomHandler, RoomWebhookLayer};
use tokio::net::TcpListener;
use tower::{Layer, Service, ServiceBuilder};

const DEFAULT_ADDR: &str = "127.0.0.1:18081";
const DEMO_SDK_APP_ID: u64 = 1400000000;

/// Every method keeps its default: OK, nothing done.
struct Noop;

impl RoomHandler for Noop {}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let axum = args.iter().any(|arg| arg == "--axum");
    let addr_text = args
        .iter()
        .find(|arg| !arg.starts_with("--"))
        .map_or(DEFAULT_ADDR, String::as_str);
    let addr = match addr_text.parse::<SocketAddr>() {
        Ok(addr) if addr.ip().is_loopback() => addr,
        _ => {
            eprintln!("{addr_text:?} is not a loopback socket address like {DEFAULT_ADDR}");
            return ExitCode::from(2);
        }
    };
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
    let listener = match TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("could not listen on {addr}: {error}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "noop_server ({}) listening on http://{addr}",
        if axum { "axum" } else { "hyper" }
    );

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

/// The loop of `examples/bare_hyper.rs`: hyper 1 HTTP/1, one task per connection.
async fn serve<S, B>(listener: TcpListener, app: S) -> ExitCode
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
    let builder = http1::Builder::new();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                eprintln!("accept: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let connection =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        tokio::spawn(async move {
            let _ = connection.await;
        });
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
