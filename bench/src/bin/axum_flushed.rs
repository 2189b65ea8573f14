//! The same-promise baseline of the reference server on standard output
//! (`bench/load.sh`, `axum_flushed`): the axum route a careful user writes instead of this
//! crate when every OK must mean "the event's line is out", as the reference server's
//! `sink::JsonLines` promises:
//!
//! - `Query` for `SdkAppid` and `CallbackCommand`, `Json<serde_json::Value>` for the body;
//! - the `SdkAppid` checked: 403 with a FAIL otherwise;
//! - the event written to standard output as one line of JSON, **and flushed, before the
//!   answer**: `serde_json::to_vec` of the body, then, under standard output's own lock
//!   (`io::stdout().lock()`, the `Mutex<Stdout>` that std already keeps), `write_all` of
//!   the line and `flush()`. The OK is built only after `flush()` returned `Ok` for this
//!   very line: never before its own line is out (a failed write or flush answers 503
//!   FAIL `50001`, as the reference server's sink answers `NOT_RECORDED`);
//! - `Json(json!({"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}))` as the answer.
//!
//! **Where the write runs, and why.** By default inside `tokio::task::spawn_blocking`:
//! writing to standard output is a blocking system call, and standard output is often a
//! pipe (a container's log collector, `| jq`) whose reader can stall; a write on the
//! runtime's worker thread would then stall every connection that thread serves, health
//! checks included. Tokio's documentation sends blocking I/O to `spawn_blocking`, and the
//! crate's own promise is the same (a sink never blocks the runtime's worker threads: its
//! writer thread), so that is what a careful user writes for the same promise. With
//! `--direct` the same lines run on the worker thread itself (no hand-off): the cheaper,
//! less careful route, which keeps the confirmation but not the isolation; `bench/load.sh`
//! runs it as `axum_flushed_direct`, for comparison.
//!
//! **`--file PATH`: the same promise as the reference server's `ROOM_WEBHOOK_FILE`**
//! (`bench/load.sh`, `axum_fsync`): the line appended to the file at `PATH` and synced to
//! disk (`File::sync_data`, `fdatasync`) before the answer, under a `Mutex<File>`, in
//! `spawn_blocking`: what a user writes for an OK that survives a power loss. One sync per
//! callback: sharing one among concurrent callbacks (a group commit) is the work this
//! crate's writer thread does, and what a user writes first does not.
//!
//! Everything around the route is the reference server's (`examples/support/mod.rs`): its
//! serve loop and its logging, as `axum_hand_written` has them.
//!
//! ```text
//! cargo run --release -p tencent-room-webhook-bench --bin axum_flushed -- 127.0.0.1:18086
//! cargo run --release -p tencent-room-webhook-bench --bin axum_flushed -- 127.0.0.1:18086 --direct
//! cargo run --release -p tencent-room-webhook-bench --bin axum_flushed -- 127.0.0.1:18086 --file /tmp/callbacks.jsonl
//! ```
//!
//! It listens on the loopback address given (default `127.0.0.1:18086`), refuses any
//! other, and runs until it is killed.

#[path = "../../../examples/support/mod.rs"]
mod support;

use std::fs::File;
use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

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
    /// Write on the worker thread rather than in `spawn_blocking` (`--direct`).
    direct: bool,
    /// Append to this file and sync it rather than write to standard output (`--file`).
    file: Option<Arc<Mutex<File>>>,
}

#[tokio::main]
async fn main() -> ExitCode {
    support::init_logging();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let direct = args.iter().any(|arg| arg == "--direct");
    let file = match args.iter().position(|arg| arg == "--file") {
        None => None,
        Some(at) => {
            let Some(path) = args.get(at + 1) else {
                eprintln!("--file needs a path");
                return ExitCode::from(2);
            };
            match std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
            {
                Ok(file) => Some(Arc::new(Mutex::new(file))),
                Err(error) => {
                    eprintln!("could not open {path}: {error}");
                    return ExitCode::FAILURE;
                }
            }
        }
    };
    let listener = match listen("axum_flushed", "127.0.0.1:18086").await {
        Ok(listener) => listener,
        Err(exit) => return exit,
    };
    let app = Arc::new(App {
        sdk_app_id: DEMO_SDK_APP_ID,
        direct,
        file,
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
    let written = match serde_json::to_vec(&event) {
        Err(error) => Err(io::Error::from(error)),
        Ok(mut line) => {
            line.push(b'\n');
            if let Some(file) = app.file.clone() {
                tokio::task::spawn_blocking(move || sync_line(&file, &line))
                    .await
                    .unwrap_or_else(|panicked| Err(io::Error::other(panicked)))
            } else if app.direct {
                write_line(&line)
            } else {
                tokio::task::spawn_blocking(move || write_line(&line))
                    .await
                    .unwrap_or_else(|panicked| Err(io::Error::other(panicked)))
            }
        }
    };
    if let Err(error) = written {
        tracing::error!(%error, "could not write the event to standard output");
        let fail = json!({"ActionStatus": "FAIL", "ErrorInfo": "the event could not be recorded", "ErrorCode": 50001});
        return (StatusCode::SERVICE_UNAVAILABLE, Json(fail));
    }
    (
        StatusCode::OK,
        Json(json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0})),
    )
}

/// Writes `line` and flushes it, under standard output's lock: `Ok` only once this line
/// was handed to the operating system.
fn write_line(line: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(line)?;
    out.flush()
}

/// Appends `line` to `file` and syncs it, under the file's lock: `Ok` only once this line
/// is on disk.
fn sync_line(file: &Mutex<File>, line: &[u8]) -> io::Result<()> {
    let mut file = file
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    file.write_all(line)?;
    file.sync_data()
}
