//! The axum extractor of extension mode (feature `axum`): [`RoomCallback`] takes the
//! event and its context out of the request, where the layer put them.
//!
//! ```no_run
//! use axum::{routing::post, Router};
//! use tencent_room_webhook::extract::RoomCallback;
//! use tencent_room_webhook::{Answer, Event, RoomWebhookLayer};
//!
//! async fn callback(RoomCallback(event, context): RoomCallback) -> Answer {
//!     if let Event::MemberLeft(left) = &event {
//!         println!("app {}: {:?} left", context.sdk_app_id, left.member_list_account);
//!     }
//!     Answer::ok()
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let webhook = RoomWebhookLayer::builder().sdk_app_id(1400000000).build()?;
//! let app = Router::new()
//!     .route(webhook.path(), post(callback))
//!     .layer(webhook);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
//!
//! The event is moved out of the request, not cloned (`Extension<Event>` would clone it,
//! member lists and all). Where there is no callback to take, because the layer is not
//! in front of the route or the route is not on the layer's path, the extractor's
//! rejection, [`NoCallback`], answers Tencent's FAIL with HTTP 500 and
//! [`ErrorCode::NO_CALLBACK`](crate::ErrorCode::NO_CALLBACK) and logs an error saying which mistake it is.
//!
//! Return an [`Answer`](crate::Answer): it is what Tencent reads. Anything else sent on
//! the callback path (a route's `"done"`, say) is passed on as it is, and the layer warns
//! about it once.

use std::fmt;

use axum_core::extract::FromRequestParts;
use axum_core::response::{IntoResponse, Response};
use http::request::Parts;

use crate::answer::{AnswerMark, Refusal};
use crate::event::Event;
use crate::query::CallbackContext;

/// A callback in extension mode: the decoded [`Event`] and its [`CallbackContext`], taken
/// out of the request extensions, where the layer put them.
///
/// Take it once per request: a second `RoomCallback` in the same handler finds nothing.
#[derive(Debug, Clone)]
pub struct RoomCallback(pub Event, pub CallbackContext);

impl<S: Send + Sync> FromRequestParts<S> for RoomCallback {
    type Rejection = NoCallback;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, NoCallback> {
        let event = parts.extensions.remove::<Event>();
        let context = parts.extensions.remove::<CallbackContext>();
        match (event, context) {
            (Some(event), Some(context)) => Ok(Self(event, context)),
            _ => Err(NoCallback {
                path: parts.uri.path().to_owned(),
            }),
        }
    }
}

/// The rejection of [`RoomCallback`]: the request holds no callback, because no
/// `RoomWebhookLayer` in extension mode is in front of the route, or the route's path is
/// not the layer's.
///
/// As a response, it is Tencent's FAIL with HTTP 500 and [`ErrorCode::NO_CALLBACK`](crate::ErrorCode::NO_CALLBACK); it
/// logs an error with the request's path.
#[derive(Debug, Clone)]
pub struct NoCallback {
    path: String,
}

impl NoCallback {
    /// The path of the request that held no callback.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for NoCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no room callback in the request to {:?}: put the RoomWebhookLayer (without a \
             handler) in front of this route with Router::layer, and give the route the \
             layer's path",
            self.path
        )
    }
}

impl std::error::Error for NoCallback {}

impl IntoResponse for NoCallback {
    fn into_response(self) -> Response {
        tracing::error!(path = %self.path, "{self}; answered 500");
        let mut response = Refusal::NoCallback.into_response();
        // An answer of the crate's: the layer need not warn about it.
        response.extensions_mut().insert(AnswerMark { ok: false });
        response.map(axum_core::body::Body::new)
    }
}
