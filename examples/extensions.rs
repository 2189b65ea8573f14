//! Extension mode on axum: the layer checks and decodes each callback, then hands it to
//! an ordinary axum handler through the request extensions.
//!
//! Unlike handler mode (`examples/server.rs`), the callback reaches your router: a
//! `post` route on the callback path takes `Extension<Event>` and
//! `Extension<CallbackContext>` and returns Tencent's [`Answer`] itself, so it can use
//! axum's extractors, state and middleware. (With the crate's `axum` feature, which this
//! example goes without, the `extract::RoomCallback` extractor moves the event out of the
//! request rather than cloning it, and the route can return the `Answer` itself.) The
//! layer's record stage writes each event to standard output as one line of JSON
//! (Tencent's field names) before the route sees it; the route logs it on standard error.
//!
//! Configuration, from the environment, as in `examples/server.rs` (read by the shared
//! `examples/support/mod.rs`):
//! `ROOM_WEBHOOK_ADDR` (default `127.0.0.1:8081`; port 0 picks a free port),
//! `ROOM_WEBHOOK_SDKAPPID` (default: the demo value `1400000000`; several may be
//! comma-separated), `ROOM_WEBHOOK_PATH` (default `/callback`), `ROOM_WEBHOOK_TOKEN`
//! (unset: no authentication), `RUST_LOG` (default `info`). Bad configuration exits with
//! status 2. Ctrl-C or SIGTERM stops accepting connections, lets the open ones finish
//! their request in flight (for up to a few seconds), and exits with status 0.
//!
//! ```text
//! cargo run --example extensions
//! curl -s -X POST 'http://127.0.0.1:8081/callback?SdkAppid=1400000000&CallbackCommand=Room.CallbackAfterDestroyRoom&contenttype=json' -H 'Content-Type: application/json' -d @tests/fixtures/room/after_destroy_room.json
//! ```

mod support;

use std::process::ExitCode;

use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Extension, Router};
use tencent_room_webhook::{Answer, CallbackContext, Event, RoomWebhookLayer};

const DEFAULT_ADDR: &str = "127.0.0.1:8081";

#[tokio::main]
async fn main() -> ExitCode {
    // Extension mode: no handler, so the layer passes callbacks on to `app`'s route.
    // build() refuses a path axum would read as a route parameter.
    let started = support::start(DEFAULT_ADDR, |layer, _recorder| layer.build());
    match started.await {
        Ok((listener, webhook, shutdown)) => support::serve(listener, app(webhook), shutdown).await,
        Err(exit) => exit,
    }
}

/// The axum app with the webhook layer in front of it.
fn app(webhook: RoomWebhookLayer) -> Router {
    Router::new()
        // On the layer's own path: requests there arrive checked, decoded and recorded.
        .route(webhook.path(), post(callback))
        .route("/healthz", get(|| async { "ok" }))
        .layer(webhook)
}

/// The callback route. The extensions are always there: the layer refuses, with
/// Tencent's answer, anything on this path it could not decode.
async fn callback(
    Extension(event): Extension<Event>,
    Extension(context): Extension<CallbackContext>,
) -> impl IntoResponse {
    let room_id = event.room_id().map_or("-", |room| room.as_str());
    tracing::info!(
        sdk_app_id = %context.sdk_app_id,
        command = event.command(),
        room_id,
        client_ip = ?context.client_ip,
        platform = context.platform.as_ref().map_or("-", |platform| platform.as_str()),
        "callback received"
    );
    if let Event::Undecodable(undecodable) = &event {
        tracing::warn!(
            command = event.command(),
            reason = %undecodable.reason,
            "the callback's body does not fit its command"
        );
    }
    // The layer recorded the event before calling this route: OK keeps its promise.
    Answer::ok().into_http_response()
}
