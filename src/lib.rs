//! Receive Tencent Cloud Chat **Room** callbacks (the server side of TUIRoomKit) in any
//! tower-based server: axum, hyper, or anything else that speaks `tower::Service`.
//!
//! [`RoomWebhookLayer`] sits in front of your app. On the configured path it checks the
//! SDKAppID, the content type and (when configured) Tencent's `Sign`, decodes the body
//! into a typed [`Event`], delivers it, and answers Tencent's
//! `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`. Every other request passes
//! through untouched, body unread. The callbacks of Tencent's Live backend (TUILiveKit),
//! which may share the URL, arrive on the same path as [`Event::Live`]: give the layer a
//! [`LiveHandler`](handler::LiveHandler) with
//! [`live_handler`](RoomWebhookBuilder::live_handler) to receive them, and to decide the
//! two before-callbacks (whether a gift goes through, what becomes of a room message:
//! [`decision`]). Without one they are answered OK, which allows.
//!
//! # Quick start
//!
//! On axum, with the features an axum app wants (the [`Answer`] as a response and the
//! extension mode's extractor) and the test kit for your tests:
//!
//! ```sh
//! cargo add tencent-room-webhook --features axum
//! cargo add --dev tencent-room-webhook --features testing
//! ```
//!
//! (On plain hyper or another tower server, `cargo add tencent-room-webhook` is enough.)
//! Pick a mode below, configure the SDKAppID (and the token, if callback authentication
//! is on in the console), and set the callback URL in the console to your server's
//! callback path. `examples/server.rs` is a complete reference server.
//!
//! Two things surprise: in handler mode the layer answers the callback path itself, so a
//! route of your own on that path never runs; and on axum, add the layer with
//! `Router::layer`, not `route_layer`, which runs only for paths that have a route (in
//! handler mode the callback path has none, and callbacks would get axum's empty 404).
//!
//! # Two ways to receive
//!
//! **Handler mode**: implement [`RoomHandler`], one async method per command, each
//! answering OK unless you override it. The layer answers from its result.
//!
//! ```no_run
//! use axum::{routing::get, Router};
//! use tencent_room_webhook::event::RoomDestroyed;
//! use tencent_room_webhook::handler::{HandlerResult, RoomHandler};
//! use tencent_room_webhook::{CallbackContext, RoomWebhookLayer};
//!
//! struct Rooms;
//!
//! impl RoomHandler for Rooms {
//!     async fn on_room_destroyed(&self, event: RoomDestroyed, _: &CallbackContext) -> HandlerResult {
//!         println!("room {:?} destroyed", event.room_id);
//!         Ok(())
//!     }
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let webhook = RoomWebhookLayer::builder()
//!     .sdk_app_id(1400000000)
//!     .handler(Rooms)
//!     .build()?;
//! let app = Router::new()
//!     .route("/healthz", get(|| async { "ok" }))
//!     .layer(webhook);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
//!
//! **Extension mode**: without a handler, the layer puts the [`Event`] and the
//! [`CallbackContext`] into the request extensions and calls your app, whose route on
//! the callback path takes them and returns an [`Answer`], which is what Tencent reads
//! (anything else is passed on as it is, and warned about once). With the `axum`
//! feature, the `extract::RoomCallback` extractor moves them out of the request, and
//! [`Answer`] implements axum's `IntoResponse`; without it, read the extensions and
//! return [`Answer::into_http_response`], an `http::Response` that axum and hyper take as
//! is.
//!
//! ```no_run
//! # #[cfg(feature = "axum")]
//! # mod example {
//! use axum::{routing::post, Router};
//! use tencent_room_webhook::extract::RoomCallback;
//! use tencent_room_webhook::{Answer, RoomWebhookLayer};
//!
//! async fn callback(RoomCallback(event, context): RoomCallback) -> Answer {
//!     println!("{} from app {}", event.command(), context.sdk_app_id);
//!     Answer::ok()
//! }
//!
//! # fn app() -> Result<Router, tencent_room_webhook::ConfigError> {
//! let app = Router::new()
//!     .route("/callback", post(callback))
//!     .layer(RoomWebhookLayer::builder().sdk_app_id(1400000000).build()?);
//! # Ok(app) }
//! # }
//! ```
//!
//! # Configuration
//!
//! [`RoomWebhookLayer::builder`] takes the path (default `/callback`), the SDKAppIDs
//! (required), the authentication tokens (optional), the time window (60 s), the body
//! limit (1 MiB), the buffered limit shared by the bodies being read (16 MiB), the body
//! timeout (2 s, with a [runtime](RoomWebhookBuilder::runtime)) and the
//! [`ContentTypePolicy`]. Mistakes are errors of
//! [`build`](RoomWebhookBuilder::build), with a message saying what to change and a
//! [`ConfigErrorKind`] to match on, never a surprise at the first callback.
//!
//! ```
//! use std::time::Duration;
//! use tencent_room_webhook::RoomWebhookLayer;
//!
//! let webhook = RoomWebhookLayer::builder()
//!     .path("/tencent/room")
//!     .sdk_app_id(1400000000)
//!     .token(std::env::var("ROOM_TOKEN").unwrap_or_else(|_| "from the console".into()))
//!     .time_window(Duration::from_secs(30))
//!     .body_limit(256 * 1024)
//!     .build()?;
//! # Ok::<(), tencent_room_webhook::ConfigError>(())
//! ```
//!
//! # What is answered
//!
//! Every answer on the callback path is JSON with `Content-Type: application/json` and
//! the three fields. The table of HTTP statuses and stable error codes is in the
//! [`answer`] module: 200 OK, or FAIL with 400, 401, 403, 405, 408, 413, 415 or 500, with
//! 503 when the answer-first queue is full or draining, when the bodies being read hold
//! the buffered limit, or when a sink could not record the event, and 504 when a handler
//! is cancelled at its deadline; each with a code whose hundreds are the status. Refusals never contain a
//! token, a `Sign` or the body, and are logged as [Observability](#observability) says.
//! Requests off the path are the inner service's business.
//!
//! # Authentication
//!
//! With one or more tokens configured, every callback must carry `Sign` and
//! `RequestTime` with `Sign = lower_hex(SHA-256(token || RequestTime))` and `RequestTime`
//! within the window of the server's clock, either way. The check is constant-time,
//! accepts upper-case hex, and accepts any configured token, so that a token can be
//! rotated: add the new one, change it in the console, remove the old one. `Sign` covers
//! neither the body nor the other parameters; terminate TLS in front of the server. The
//! [`verify`] module has the pieces for use outside the layer.
//!
//! # Several apps on one endpoint
//!
//! Give each app with [`AppConfig`] (its own tokens, or the builder's); the
//! [`CallbackContext`] tells the handler which app a callback is for, and
//! [`handler::PerApp`] routes each app to a handler of its own.
//!
//! # Composition
//!
//! The layer is an ordinary tower [`Layer`](tower_layer::Layer): put it in a
//! `tower::ServiceBuilder` with `tower_http::trace::TraceLayer` or a timeout, on
//! `axum::Router::layer`, or around any service served by `hyper` through
//! `hyper_util::service::TowerToHyperService`. Its errors are the inner service's:
//! refusals are responses, never errors. `poll_ready` is the inner service's. By default
//! the layer depends on neither tokio nor axum (see the feature flags).
//!
//! On an axum app, `Router::layer(webhook)` is the simplest (the quick start). axum runs
//! `Router::layer` middleware after routing, so each callback first costs a route lookup
//! (in handler mode it lands on the fallback). Around the whole `Router`, callbacks skip
//! routing; the result is a tower service, served through hyper as the reference server
//! (`examples/server.rs`) does, or by `axum::serve` once its answers are axum's:
//!
//! ```no_run
//! use axum::response::IntoResponse;
//! use axum::{routing::get, Router, ServiceExt};
//! use tencent_room_webhook::{RoomHandler, RoomWebhookLayer};
//! use tower::ServiceBuilder;
//!
//! struct MyHandler;
//! impl RoomHandler for MyHandler {}
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let webhook = RoomWebhookLayer::builder().sdk_app_id(1400000000).handler(MyHandler).build()?;
//! let routes = Router::new().route("/healthz", get(|| async { "ok" }));
//! let app = ServiceBuilder::new()
//!     .map_response(IntoResponse::into_response)
//!     .layer(webhook)
//!     .service(routes);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let app = ServiceExt::<axum::extract::Request>::into_make_service(app);
//! axum::serve(listener, app).await?;
//! # Ok(())
//! # }
//! ```
//!
//! ```
//! use std::time::Duration;
//! use axum::http::StatusCode;
//! use tencent_room_webhook::RoomWebhookLayer;
//! use tower::ServiceBuilder;
//!
//! let webhook = RoomWebhookLayer::builder().sdk_app_id(1400000000).build()?;
//! let layers = ServiceBuilder::new()
//!     .layer(tower_http::trace::TraceLayer::new_for_http())
//!     // Tencent waits two seconds: answer before it gives up.
//!     .layer(tower_http::timeout::TimeoutLayer::with_status_code(
//!         StatusCode::GATEWAY_TIMEOUT,
//!         Duration::from_millis(1800),
//!     ))
//!     .layer(webhook);
//! # let _ = layers;
//! # Ok::<(), tencent_room_webhook::ConfigError>(())
//! ```
//!
//! # Observability
//!
//! Each callback that passes the checks made before reading gets a `room_callback` span
//! (`debug`) with `sdk_app_id`, `command`, `room_id` and `outcome`. Nothing logged holds
//! the body, a token or a `Sign`. What is logged, by level, so that `info` shows what
//! needs acting on:
//!
//! - `error`: a handler panicked (500), in the background too; in extension mode, no
//!   route took the callback path (500, [`ErrorCode::NO_ROUTE`]) or the `RoomCallback`
//!   extractor found no callback (500, [`ErrorCode::NO_CALLBACK`]).
//! - `warn`, at most one line per kind every 10 seconds, with `suppressed` counting the
//!   refusals of that kind since the last line (logged at `debug` only): refusals that
//!   mean misconfiguration or an attack: a wrong or missing `SdkAppid` (403), a missing
//!   or bad `Sign` (401), a refused content type (415), a body over the limit (413), a
//!   body not whole within the body timeout (408), the buffered limit full (503).
//! - `warn`: a handler's FAIL, with its code, its message and, for an error converted by
//!   `?`, the error; a handler cancelled at its deadline; a callback not taken by a full
//!   or draining queue (503); in extension mode, the first response on the callback path
//!   not made from an [`Answer`]; the first time an unknown command or field arrives
//!   (that is how Tencent's protocol drift shows up); an undecodable body left to the
//!   default `on_undecodable`; a de-duplication store that failed.
//! - `info`: a handler that went on in the background after its deadline.
//! - `debug`: every other refusal (a method other than `POST`, a body that is no
//!   callback), a repeated delivery answered without handling it.
//!
//! With the `metrics` feature, the layer counts callbacks by command and outcome,
//! refusals and handler failures by code, times handlers, and gauges the callbacks in
//! flight and queued, through the [`metrics`](https://docs.rs/metrics) facade: install
//! the recorder of your choice (the reference server serves Prometheus text on
//! `GET /metrics`). The names and labels are in the README, under Features.
//!
//! # Testing your handler
//!
//! The `testing` feature, for your tests (the quick start's `cargo add --dev`), has a
//! kit, the `testing` module, that builds requests exactly as Tencent sends them (every
//! command, signed or not, and the bad cases), sends them through the layer and reads the
//! answers back; its docs also show a handler called directly, with a sample event.
//!
//! ```
//! # #[cfg(feature = "testing")]
//! # async fn test() {
//! use tencent_room_webhook::testing::{self, CallbackRequest};
//! use tencent_room_webhook::RoomHandler;
//!
//! struct MyHandler;
//! impl RoomHandler for MyHandler {}
//!
//! testing::send(testing::service(MyHandler), CallbackRequest::member_left()).await.assert_ok();
//! # }
//! ```
//!
//! # Several replicas
//!
//! Without de-duplication and the answer-first mode, the layer keeps no state between
//! callbacks (but for the once-only drift warnings), so any number of replicas can serve
//! the callback URL behind a load balancer. (The answer-first queue lives in one process;
//! [`dedup::MemoryStore`] too.) Two things need care: the clocks (keep them in sync with NTP, or `RequestTime` falls out
//! of the window), and duplicates: Tencent retries an after-callback that timed out (when
//! the app enabled retries) with no delivery ID, possibly to another replica. Make the
//! handler's effects idempotent, or let the layer de-duplicate with a store all replicas
//! share: [`dedup`], with `RedisStore` (feature `redis`).
//!
//! To hand events to workers, record them in a Redis stream with `sink::RedisStream`
//! (feature `redis`): each replica appends, once per event with its de-duplication on, and
//! answers OK only once Redis acknowledged; workers read the stream through a consumer
//! group (`examples/consume.rs`).
//!
//! # Slow handlers, and shutting down
//!
//! Tencent waits two seconds. [`RoomWebhookBuilder::deadline`] answers by a deadline,
//! cancelling the handler or letting it finish in the background
//! ([`OnDeadline`]); [`RoomWebhookBuilder::answer_first`] answers at once and handles
//! callbacks in the background, with bounded concurrency and a bounded queue. Both need a
//! [`runtime::Runtime`] (`TokioRuntime` with the `tokio` feature); the library itself is
//! tied to none. At shutdown, stop accepting connections, then await
//! [`RoomWebhookLayer::drain`] so that no accepted callback is lost.
//!
//! # Feature flags
//!
//! - `axum`: [`Answer`] implements axum's `IntoResponse`, so that an axum route can
//!   return it; the `extract` module, with the `RoomCallback` extractor.
//! - `testing`: the `testing` module, the test kit.
//! - `tokio`: `runtime::TokioRuntime`; the `sink` module, with `sink::JsonLines`.
//! - `redis`: `dedup::RedisStore`; `sink::RedisStream`. Implies `tokio`.
//! - `metrics`: the layer's metrics, through the `metrics` facade.
//!
//! # Minimum Rust version
//!
//! 1.75, for `async fn` in traits. The `axum` feature needs what `axum-core` 0.5 needs
//! (1.78).
//!
//! # Modules
//!
//! One concern each. A callback goes [`layer`] (the layer and its builder, which checks
//! the [`config`]) → [`service`] (the `Service`, in one of two modes) → `callback` (the
//! private callback path: the checks, reading, decoding, delivery) → [`answer`]; off the
//! path, [`service`] → [`future`] and [`body`] pass the inner service's response through.
//! The callback path uses [`query`] (the query and the [`CallbackContext`]), [`verify`]
//! (the signature), [`event`] (the typed events), [`handler`] (the handler traits and
//! [`handler::PerApp`]), [`decision`] (the before-callbacks' answers), [`dedup`] (repeated
//! deliveries) and [`runtime`] (what background work needs); `sink` (feature `tokio`)
//! holds handlers that record. With the `axum` feature, `extract` takes a callback out of the request
//! in extension mode; with `testing`, `testing` builds requests and reads answers. Every
//! arrow points down this list; none back:
//!
//! ```text
//! testing  → layer, service, handler, event, query, verify, answer
//! extract  → event, query, answer
//! layer    → service, config, handler, dedup, verify, runtime
//! service  → callback, future, body, config, handler
//! callback → config, query, verify, event, handler, dedup, answer, body
//! sink     → handler, event, query, answer, dedup
//! config   → verify, dedup, query          future → body
//! handler  → answer, decision, event, query
//! answer   → decision                      decision → event
//! dedup    → query, runtime                verify → (the private `error`)
//! event, query, body, runtime → nothing
//! ```
//!
//! (Private modules not drawn: `budget`, the buffered limit, and `metrics`, the metrics
//! facade's calls, both under `callback`; `background`, the answer-first queue and the detached
//! handlers, under `runtime`; `drift`, the once-only warnings, over `event`; `warnings`,
//! the rate-limited refusal warnings, under `config` and over `answer`; `lenient`, the
//! lenient readers, under `event`, `query` and `verify`.)

#![deny(missing_docs, unreachable_pub)]
#![forbid(unsafe_code)]
// docs.rs documents with `--cfg docsrs` on nightly; `doc_cfg` labels the feature-gated
// items (it took `doc_auto_cfg` over in Rust 1.92).
#![cfg_attr(docsrs, feature(doc_cfg))]

#[macro_use]
mod macros;
mod budget;
mod check;
mod drift;
mod error;
mod lenient;
mod metrics;
mod read;
mod state;
mod warnings;

pub mod answer;
pub mod body;
pub mod config;
pub mod decision;
pub mod dedup;
pub mod deliver;
pub mod event;
#[cfg(feature = "axum")]
pub mod extract;
pub mod future;
pub mod handler;
pub mod layer;
pub mod query;
pub mod service;
pub mod sink;
#[cfg(feature = "testing")]
pub mod testing;
pub mod verify;

pub use answer::{Answer, ErrorCode};
pub use body::WebhookBody;
pub use config::{AppConfig, ContentTypePolicy, OnDeadline};
pub use deliver::{ToExtensions, ToHandler};
pub use error::{ConfigError, ConfigErrorKind};
pub use event::Event;
pub use handler::{HandlerError, HandlerResult, RoomHandler};
pub use layer::{RoomWebhookBuilder, RoomWebhookLayer};
pub use query::{CallbackContext, OptPlatform, ParseSdkAppIdError, SdkAppId};
pub use service::RoomWebhook;
pub use state::Drain;

/// The error type of bodies and of the errors a handler converts with `?`.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

// The README's Rust example compiles as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
