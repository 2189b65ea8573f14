//! The baseline of the loopback load run (`bench/load.sh`): a bare hyper 1 HTTP/1
//! server that reads each request's body to its end and answers Tencent's fixed OK body,
//! with no layer, no routing, no decoding. Whatever a callback server does beyond this is
//! its own cost.
//!
//! ```text
//! cargo run --release --example bare_hyper -- 127.0.0.1:18083
//! ```
//!
//! It listens on the loopback address given (default `127.0.0.1:18083`), refuses any
//! other, and runs until it is killed. Each connection gets its own task, keep-alive on,
//! on tokio's multi-threaded runtime like the reference server.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

const DEFAULT_ADDR: &str = "127.0.0.1:18083";
const OK_BODY: &[u8] = br#"{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}"#;

#[tokio::main]
async fn main() -> ExitCode {
    let Some(addr) = loopback_addr(DEFAULT_ADDR) else {
        return ExitCode::from(2);
    };
    let listener = match TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("could not listen on {addr}: {error}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("bare_hyper listening on http://{addr}");
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
        let connection = builder.serve_connection(TokioIo::new(stream), service_fn(answer));
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
}

async fn answer(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    // Read the body as any callback server must; an error only ends this answer early.
    let _ = request.into_body().collect().await;
    let mut response = Response::new(Full::new(Bytes::from_static(OK_BODY)));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(response)
}

/// The first argument, or `default`, as a loopback socket address; `None` (with a
/// message) for anything else: this server is for loopback load runs only.
fn loopback_addr(default: &str) -> Option<SocketAddr> {
    let text = std::env::args()
        .nth(1)
        .unwrap_or_else(|| default.to_owned());
    match text.parse::<SocketAddr>() {
        Ok(addr) if addr.ip().is_loopback() => Some(addr),
        Ok(addr) => {
            eprintln!("{addr} is not a loopback address: this server listens on 127.0.0.1 only");
            None
        }
        Err(_) => {
            eprintln!("{text:?} is not a socket address like {default}");
            None
        }
    }
}
