//! Receive Tencent Cloud Chat callbacks for **Room** (TUIRoomKit), **Live** (TUILiveKit) and
//! every **Chat** family on the same SDKAppID (online state, friends, one-to-one and group
//! messages, groups, official accounts, chatbots, push, moderation, calls) in any
//! tower-based server: axum, hyper, or anything else that speaks `tower::Service`.
//!
//! [`RoomWebhookLayer`] sits in front of your app. On the configured path a callback goes
//! through the stages the source files are named for:
//!
//! 1. **check**: the method, the `SdkAppid`, Tencent's `Sign` when a token is configured
//!    ([`verify`]), the content type and the declared length, before a byte of the body;
//! 2. **read**: the body, within the body limit, the buffered limit shared by the bodies
//!    being read and the body timeout (2 s);
//! 3. **decode**: a typed [`Event`] chosen by the body's own `CallbackCommand` ([`event`]);
//! 4. **deliver**: to your async handler, or to your own route through the request
//!    extensions ([`deliver`]), claimed first when de-duplication is on ([`dedup`]);
//! 5. **answer**: Tencent's `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`, a
//!    before-callback's [`decision`], or a FAIL with a stable code ([`answer`]).
//!
//! Every other request passes through untouched, body unread.
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
//! Configure the SDKAppID (and the token, if callback authentication is on in the
//! console), and set the callback URL in the console to your server's callback path.
//!
//! **Handler mode**: implement [`RoomHandler`], one async method per command, each
//! answering OK unless you override it; the layer answers from its result.
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
//! Built so, the layer has its safe defaults: a body not whole within 2 s is answered 408,
//! the bodies being read hold at most 16 MiB together (503 past it), a body past 1 MiB is
//! refused (413). It runs on tokio, as tower-http's timeouts do.
//!
//! In handler mode the layer answers the callback path itself: a route of your own on that
//! path never runs. On axum, add the layer with `Router::layer`, not `route_layer`, which
//! runs only for paths that have a route (callbacks would get axum's empty 404). The Live
//! family arrives on the same path as [`Event::Live`]: give a
//! [`LiveHandler`](handler::LiveHandler) with
//! [`live_handler`](RoomWebhookBuilder::live_handler) to receive it and to decide its
//! before-callbacks (a gift, a room message); without one it is answered OK, which allows.
//! Chat's other families arrive as [`Event::Chat`]: give a
//! [`ChatHandler`](handler::ChatHandler) with
//! [`chat_handler`](RoomWebhookBuilder::chat_handler) to receive them and to decide
//! their before-callbacks (a one-to-one message, a friend request, an invitation, ...);
//! without one they are answered OK, which allows. A Room-only handler sees neither family's
//! typed events (only bodies that could not be typed, as `Event::Undecodable` or
//! `Event::Unknown`).
//!
//! **Extension mode**: without a handler, the layer puts the [`Event`] and the
//! [`CallbackContext`] into the request extensions and calls your app, whose route on the
//! callback path returns an [`Answer`]. With the `axum` feature, the `extract::RoomCallback`
//! extractor takes them out of the request and [`Answer`] is axum's `IntoResponse`.
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
//! Test a handler with the `testing` module (feature `testing`), which sends requests
//! exactly as Tencent does through the layer and reads the answers back:
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
//! # Where to read on
//!
//! - the builder, its defaults and the errors of [`build`](RoomWebhookBuilder::build),
//!   several replicas, slow handlers and shutting down: [`layer`], with [`config`];
//! - what is answered, each code, and what is logged at which level: [`answer`];
//! - putting the layer in a `ServiceBuilder`, around a whole `Router`, on hyper: [`service`];
//! - the events and how leniently they are read: [`event`]; the handlers: [`handler`];
//! - the before-callbacks' answers: [`decision`]; repeated deliveries: [`dedup`];
//!   recording before answering OK: [`sink`].
//!
//! # Feature flags
//!
//! - `axum`: [`Answer`] implements axum's `IntoResponse`; the `extract` module, with the
//!   `RoomCallback` extractor.
//! - `testing`: the `testing` module, the test kit.
//! - `redis`: `dedup::RedisStore`; `sink::RedisStream`.
//! - `metrics`: the layer's metrics, through the `metrics` facade (names in the README).
//!
//! # Minimum Rust version
//!
//! 1.75, for `async fn` in traits. The `axum` feature needs what `axum-core` 0.5 needs
//! (1.78).

#![deny(missing_docs, unreachable_pub)]
#![forbid(unsafe_code)]
// docs.rs documents with `--cfg docsrs` on nightly; `doc_cfg` labels the feature-gated
// items (it took `doc_auto_cfg` over in Rust 1.92).
#![cfg_attr(docsrs, feature(doc_cfg))]

#[macro_use]
mod macros;
mod budget;
mod check;
mod deadline;
mod drift;
mod error;
mod lenient;
#[cfg(feature = "redis")]
mod link;
mod metrics;
mod read;
mod state;
mod trace;
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
