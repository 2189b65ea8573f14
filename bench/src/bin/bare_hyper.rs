//! A baseline of the loopback load run (`bench/load.sh`): a bare hyper 1 HTTP/1 server
//! that reads each request's body to its end and answers Tencent's fixed OK body, with no
//! layer, no routing, no decoding. Whatever a callback server does beyond this is its own
//! cost.
//!
//! ```text
//! cargo run --release -p tencent-room-webhook-bench --bin bare_hyper -- 127.0.0.1:18083
//! ```
//!
//! It listens on the loopback address given (default `127.0.0.1:18083`), refuses any
//! other, and runs until it is killed, served by the loop every bench server shares
//! (`bench/src/lib.rs`).

use std::convert::Infallible;
use std::process::ExitCode;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use tencent_room_webhook_bench::{listen, ok_response, serve};

#[tokio::main]
async fn main() -> ExitCode {
    match listen("bare_hyper", "127.0.0.1:18083").await {
        Ok(listener) => serve(listener, tower::service_fn(answer)).await,
        Err(exit) => exit,
    }
}

async fn answer(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    // Read the body as any callback server must; an error only ends this answer early.
    let _ = request.into_body().collect().await;
    Ok(ok_response())
}
