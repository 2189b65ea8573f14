//! A baseline of the loopback load run (`bench/load.sh`): the least any typed receiver of
//! a callback does, with no layer. It collects the body, decodes it with
//! `serde_json::from_slice` into the event's struct (`event::MemberLeft`: the load run
//! sends member-leave callbacks) and answers Tencent's fixed OK body; no query, no checks.
//! This is the floor of `bench/benches/support/mod.rs` over a socket, served by the loop that
//! `noop_server` uses too (`bench/src/lib.rs`), so that `noop_server` ÷ `floor_server` is
//! what the layer costs beyond the work it cannot avoid.
//!
//! ```text
//! cargo run --release -p tencent-room-webhook-bench --bin floor_server -- 127.0.0.1:18085
//! ```
//!
//! A body that does not decode is answered 400 with a FAIL. It listens on the loopback
//! address given (default `127.0.0.1:18085`), refuses any other, and runs until it is
//! killed.

use std::convert::Infallible;
use std::hint::black_box;
use std::process::ExitCode;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use tencent_room_webhook::event::MemberLeft;
use tencent_room_webhook_bench::{listen, ok_response, serve};

const FAIL_BODY: &[u8] =
    br#"{"ActionStatus":"FAIL","ErrorInfo":"not a member-leave body","ErrorCode":40000}"#;

#[tokio::main]
async fn main() -> ExitCode {
    match listen("floor_server", "127.0.0.1:18085").await {
        Ok(listener) => serve(listener, tower::service_fn(answer)).await,
        Err(exit) => exit,
    }
}

async fn answer(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let decoded = match request.into_body().collect().await {
        // `black_box`: the event is decoded for real, though nothing reads it.
        Ok(body) => serde_json::from_slice::<MemberLeft>(&body.to_bytes())
            .map(black_box)
            .is_ok(),
        Err(_) => false,
    };
    if decoded {
        return Ok(ok_response());
    }
    let mut response = Response::new(Full::new(Bytes::from_static(FAIL_BODY)));
    *response.status_mut() = StatusCode::BAD_REQUEST;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(response)
}
