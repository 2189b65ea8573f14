//! What the loopback servers of `bench/load.sh` here share (`bare_hyper`, `noop_server`,
//! `floor_server`; `axum_hand_written` has the reference server's loop instead): the
//! address from the command line, Tencent's fixed OK answer, and one serve loop, so that
//! they differ only in what they do per request.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Request, Response};
use http_body::Body;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::Service;

/// Tencent's OK answer, byte for byte.
pub const OK_BODY: &[u8] = br#"{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}"#;

/// The demo SDKAppID that `bench/servers.sh` sends.
pub const DEMO_SDK_APP_ID: u64 = 1400000000;

/// A 200 with [`OK_BODY`] as JSON.
pub fn ok_response() -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(OK_BODY)));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Binds the first command-line argument that is not an option (`--...`), or `default`,
/// and says `NAME listening on http://ADDR` on standard error. Refuses, with a message,
/// anything but a loopback address: these servers are for loopback load runs only.
pub async fn listen(name: &str, default: &str) -> Result<TcpListener, ExitCode> {
    let text = std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with("--"))
        .unwrap_or_else(|| default.to_owned());
    let addr = match text.parse::<SocketAddr>() {
        Ok(addr) if addr.ip().is_loopback() => addr,
        _ => {
            eprintln!("{text:?} is not a loopback socket address like {default}");
            return Err(ExitCode::from(2));
        }
    };
    let listener = TcpListener::bind(addr).await.map_err(|error| {
        eprintln!("could not listen on {addr}: {error}");
        ExitCode::FAILURE
    })?;
    eprintln!("{name} listening on http://{addr}");
    Ok(listener)
}

/// Serves `app` until the process is killed (it never returns; the `ExitCode` is for
/// `main`): hyper 1 HTTP/1 (keep-alive), one task per connection, on the caller's runtime
/// (tokio's multi-threaded one, as the reference server's).
pub async fn serve<S, B>(listener: TcpListener, app: S) -> ExitCode
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
                // Such as too many open files: back off instead of spinning.
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
