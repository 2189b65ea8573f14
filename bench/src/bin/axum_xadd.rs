//! The same-promise baseline of the reference server on Redis (`bench/load.sh`,
//! `axum_xadd`): the axum route a user writes instead of this crate to append each
//! callback to a Redis stream and answer OK only once Redis acknowledged it, as the
//! reference server's `sink::RedisStream` promises:
//!
//! - `Query` for `SdkAppid` and `CallbackCommand`, `Json<serde_json::Value>` for the body;
//! - the `SdkAppid` checked: 403 with a FAIL otherwise;
//! - `XADD stream * event <the body's JSON> command <CallbackCommand>` on one
//!   multiplexed connection (`redis::aio::MultiplexedConnection`, cloned per request, as
//!   its documentation advises), **awaited before the answer**: OK once Redis answered
//!   with the entry's ID; 503 FAIL `50001` when Redis answered an error or the connection
//!   failed (the reference server's `NOT_RECORDED`);
//! - `Json(json!({"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}))` as the answer.
//!
//! With `ROOM_WEBHOOK_REDIS_REPLICAS=N` (`bench/load.sh`, `axum_xadd_wait`), the same
//! promise as the reference server's: after the `XADD`, `WAIT N 800` on the same
//! connection (`WAIT` covers the writes sent before it on its connection), and OK only
//! when it answers at least N replicas; 503 FAIL otherwise. One `WAIT` per callback, as a
//! user writes it first: sharing one among concurrent callbacks is this crate's group
//! commit.
//!
//! No trimming, no other fields, no reconnection, no wait of its own: what a user writes
//! first. (The reference server trims with `MAXLEN ~`, adds `sdk_app_id`, `room_id`,
//! `event_time` and `delivery`, reconnects through a `ConnectionManager` and bounds each
//! append by its wait; BENCHMARKS.md measures what each costs.)
//!
//! Settings from the environment, the reference server's names: `ROOM_WEBHOOK_REDIS_URL`
//! (default `redis://127.0.0.1:6379`), `ROOM_WEBHOOK_STREAM` (default `room-callbacks`).
//! Everything around the route is the reference server's (`examples/support/mod.rs`): its
//! serve loop and its logging, as `axum_hand_written` has them.
//!
//! ```text
//! ROOM_WEBHOOK_REDIS_URL=redis://127.0.0.1:6390 \
//!   cargo run --release -p tencent-room-webhook-bench --bin axum_xadd -- 127.0.0.1:18087
//! ```
//!
//! It listens on the loopback address given (default `127.0.0.1:18087`), refuses any
//! other, and runs until it is killed.

#[path = "../../../examples/support/mod.rs"]
mod support;

use std::process::ExitCode;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use redis::aio::MultiplexedConnection;
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
    redis: MultiplexedConnection,
    stream: String,
    /// Replicas waited for after each append (`WAIT`); 0 for none.
    replicas: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    support::init_logging();
    let url = std::env::var("ROOM_WEBHOOK_REDIS_URL")
        .unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    let stream = std::env::var("ROOM_WEBHOOK_STREAM").unwrap_or_else(|_| "room-callbacks".into());
    let replicas = std::env::var("ROOM_WEBHOOK_REDIS_REPLICAS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let connected = match redis::Client::open(url) {
        Ok(client) => client.get_multiplexed_async_connection().await,
        Err(error) => Err(error),
    };
    let redis = match connected {
        Ok(redis) => redis,
        Err(error) => {
            eprintln!("could not connect to ROOM_WEBHOOK_REDIS_URL: {error}");
            support::flush_logs();
            return ExitCode::FAILURE;
        }
    };
    let listener = match listen("axum_xadd", "127.0.0.1:18087").await {
        Ok(listener) => listener,
        Err(exit) => return exit,
    };
    let app = Arc::new(App {
        sdk_app_id: DEMO_SDK_APP_ID,
        redis,
        stream,
        replicas,
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
    let appended = match serde_json::to_vec(&event) {
        Err(error) => Err(redis::RedisError::from(std::io::Error::from(error))),
        Ok(json) => {
            let mut redis = app.redis.clone();
            let appended = redis::cmd("XADD")
                .arg(&app.stream)
                .arg("*")
                .arg("event")
                .arg(json)
                .arg("command")
                .arg(&query.command)
                .query_async::<String>(&mut redis)
                .await;
            match appended {
                Ok(id) if app.replicas > 0 => {
                    let waited = redis::cmd("WAIT")
                        .arg(app.replicas)
                        .arg(800)
                        .query_async::<u64>(&mut redis)
                        .await;
                    match waited {
                        Ok(n) if n >= app.replicas => Ok(id),
                        Ok(_) => Err(redis::RedisError::from((
                            redis::ErrorKind::IoError,
                            "not replicated in time",
                        ))),
                        Err(error) => Err(error),
                    }
                }
                appended => appended,
            }
        }
    };
    match appended {
        Ok(id) => tracing::debug!(stream = %app.stream, %id, "event appended"),
        Err(error) => {
            tracing::error!(%error, "could not append the event to the stream");
            let fail = json!({"ActionStatus": "FAIL", "ErrorInfo": "the event could not be recorded", "ErrorCode": 50001});
            return (StatusCode::SERVICE_UNAVAILABLE, Json(fail));
        }
    }
    (
        StatusCode::OK,
        Json(json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0})),
    )
}
