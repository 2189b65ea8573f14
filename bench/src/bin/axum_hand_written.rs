//! A baseline of the loopback load run (`bench/load.sh`): the callback route backends
//! write today with axum, doing per callback what the reference server
//! (`examples/server.rs`) does, so that the reference server ÷ this is what the layer
//! gains or costs against hand-written code:
//!
//! - `Query` for `SdkAppid` and `CallbackCommand`, `Json<serde_json::Value>` for the body
//!   (which also refuses a `Content-Type` other than JSON);
//! - the `SdkAppid` checked: 403 with a FAIL otherwise;
//! - the event written to standard output as one line of JSON, after the same debug log
//!   line as the reference server's (off at the default `info`), by `EventWriter` below:
//!   a lock around a buffered standard output, the last writer in flushing, as such a
//!   server is written by hand. It answers OK before its line is flushed when another
//!   writer is queued behind it (the reference server's sink does not): a baseline, not
//!   a model;
//! - `Json(json!({"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}))` as the answer.
//!
//! Everything around the route is the reference server's (`examples/support/mod.rs`):
//! its serve loop (hyper's HTTP/1 builder with a timer) and its logging (`RUST_LOG`,
//! default `info`, on standard error), so that the two servers differ only in how a
//! callback is handled.
//!
//! ```text
//! cargo run --release -p tencent-room-webhook-bench --bin axum_hand_written -- 127.0.0.1:18084
//! ```
//!
//! It listens on the loopback address given (default `127.0.0.1:18084`), refuses any
//! other, and runs until it is killed.

#[path = "../../../examples/support/mod.rs"]
mod support;

use std::io::{self, BufWriter, Stdout, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use tencent_room_webhook_bench::{listen, DEMO_SDK_APP_ID};

/// The parameters the route reads; Tencent's others are ignored.
#[derive(Deserialize)]
struct CallbackQuery {
    #[serde(rename = "SdkAppid")]
    sdk_app_id: u64,
    #[serde(rename = "CallbackCommand")]
    command: String,
}

struct App {
    sdk_app_id: u64,
    out: EventWriter,
}

#[tokio::main]
async fn main() -> ExitCode {
    support::init_logging();
    let listener = match listen("axum_hand_written", "127.0.0.1:18084").await {
        Ok(listener) => listener,
        Err(exit) => return exit,
    };
    let app = Arc::new(App {
        sdk_app_id: DEMO_SDK_APP_ID,
        out: EventWriter::stdout(),
    });
    let routes = Router::new()
        .route("/callback", post(callback))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(app);
    // Killed by the load run: no shutdown signal to wait for.
    support::serve(listener, routes, std::future::pending()).await
}

async fn callback(
    State(app): State<Arc<App>>,
    Query(query): Query<CallbackQuery>,
    Json(event): Json<Value>,
) -> (StatusCode, Json<Value>) {
    if query.sdk_app_id != app.sdk_app_id {
        let fail =
            json!({"ActionStatus": "FAIL", "ErrorInfo": "unknown SdkAppid", "ErrorCode": 40300});
        return (StatusCode::FORBIDDEN, Json(fail));
    }
    let room_id = event
        .get("RoomId")
        .or_else(|| event.pointer("/RoomInfo/RoomId"))
        .and_then(Value::as_str)
        .unwrap_or("-");
    tracing::debug!(
        sdk_app_id = query.sdk_app_id,
        command = query.command,
        room_id,
        "callback received"
    );
    if let Err(error) = app.out.write(&event) {
        tracing::error!(%error, "could not write the event to standard output");
        let fail = json!({"ActionStatus": "FAIL", "ErrorInfo": "the event could not be recorded", "ErrorCode": 50001});
        return (StatusCode::OK, Json(fail));
    }
    (
        StatusCode::OK,
        Json(json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0})),
    )
}

/// One JSON line per event on standard output.
struct EventWriter {
    out: Mutex<BufWriter<Stdout>>,
    /// Writers waiting for the lock or writing: the last one out flushes.
    writing: AtomicUsize,
}

impl EventWriter {
    fn stdout() -> Self {
        Self {
            out: Mutex::new(BufWriter::new(io::stdout())),
            writing: AtomicUsize::new(0),
        }
    }

    fn write(&self, event: &Value) -> io::Result<()> {
        let mut line = serde_json::to_vec(event)?;
        line.push(b'\n');
        self.writing.fetch_add(1, Ordering::AcqRel);
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        let written = out.write_all(&line);
        let last = self.writing.fetch_sub(1, Ordering::AcqRel) == 1;
        written?;
        if last {
            out.flush()?;
        }
        Ok(())
    }
}
