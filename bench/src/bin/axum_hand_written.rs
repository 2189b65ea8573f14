//! A baseline of the loopback load run (`bench/load.sh`): the callback route backends
//! write today with axum, doing per callback what the reference server
//! (`examples/server.rs`) does, so that the reference server ÷ this is what the layer
//! gains or costs against hand-written code:
//!
//! - `Query` for `SdkAppid` and `CallbackCommand`, `Json<serde_json::Value>` for the body
//!   (which also refuses a `Content-Type` other than JSON);
//! - the `SdkAppid` checked: 403 with a FAIL otherwise;
//! - the event written to standard output as one line of JSON by the reference server's
//!   own writer, after the same debug log line (off at the default `info`);
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

use std::process::ExitCode;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use support::EventWriter;
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
