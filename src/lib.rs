//! Receive Tencent Cloud Chat **Room** callbacks (the server side of TUIRoomKit) in any
//! tower-based server: axum, hyper, or anything else that speaks `tower::Service`.
//!
//! [`RoomWebhookLayer`] sits in front of your app. On the configured path it checks the
//! SDKAppID, the content type and (when configured) Tencent's `Sign`, decodes the body
//! into a typed [`Event`], delivers it, and answers Tencent's
//! `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`. Every other request passes
//! through untouched, body unread.
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
//! [`CallbackContext`] into the request extensions and calls your app, whose handler on
//! the callback path reads them and returns an [`Answer`]. With the `axum` feature,
//! [`Answer`] implements axum's `IntoResponse`; without it, return
//! [`Answer::into_http_response`], an `http::Response` that axum and hyper take as is.
//!
//! ```no_run
//! use axum::{routing::post, Extension, Router};
//! use tencent_room_webhook::{Answer, CallbackContext, Event, RoomWebhookLayer};
//!
//! async fn callback(Extension(event): Extension<Event>, Extension(context): Extension<CallbackContext>)
//!     -> impl axum::response::IntoResponse
//! {
//!     println!("{} from app {}", event.command(), context.sdk_app_id);
//!     Answer::ok().into_http_response()
//! }
//!
//! # fn app() -> Result<Router, tencent_room_webhook::ConfigError> {
//! let app = Router::new()
//!     .route("/callback", post(callback))
//!     .layer(RoomWebhookLayer::builder().sdk_app_id(1400000000).build()?);
//! # Ok(app) }
//! ```
//!
//! # What is answered
//!
//! Every answer is JSON with `Content-Type: application/json` and the three fields; the
//! table of statuses and stable error codes is in the [`answer`] module. Refusals never
//! contain a token, a `Sign` or the body.
//!
//! # Composition
//!
//! The layer is an ordinary tower [`Layer`](tower_layer::Layer): put it in a
//! `tower::ServiceBuilder` with `tower_http::trace::TraceLayer` or a timeout, on
//! `axum::Router::layer`, or around any service served by `hyper` through
//! `hyper_util::service::TowerToHyperService`. Its errors are the inner service's:
//! refusals are responses, never errors. `poll_ready` is the inner service's.
//!
//! # Modules
//!
//! One concern each: [`layer`] (the layer and its builder), [`service`] (the service and
//! its checks), [`future`], [`body`], [`event`] (the typed events), [`query`] (the query
//! and the context), [`verify`] (the signature), [`answer`] (Tencent's answer and the
//! error codes), [`handler`] (the handler trait).

#![deny(missing_docs, unreachable_pub)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

#[macro_use]
mod macros;
mod drift;
mod lenient;

pub mod answer;
pub mod body;
pub mod event;
pub mod future;
pub mod handler;
pub mod layer;
pub mod query;
pub mod service;
#[cfg(feature = "testing")]
pub mod testing;
pub mod verify;

pub use answer::{Answer, ErrorCode};
pub use body::WebhookBody;
pub use event::Event;
pub use handler::{HandlerError, HandlerResult, RoomHandler};
pub use layer::{
    AppConfig, ConfigError, ConfigErrorKind, ContentTypePolicy, RoomWebhookBuilder,
    RoomWebhookLayer, ToExtensions, ToHandler,
};
pub use query::{CallbackContext, OptPlatform, ParseSdkAppIdError, SdkAppId};
pub use service::RoomWebhook;

// The README's Rust example compiles as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
