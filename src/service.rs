//! [`RoomWebhook`], the service the layer wraps around the application.
//!
//! A request off the callback path goes to the inner service untouched, body unread, on
//! an unboxed future. A request on it goes through the stages in order: `check` (before
//! the body), `read`, decode ([`Event::decode`](crate::Event::decode)), the mode's
//! delivery ([`deliver`](crate::deliver)), and the answer.
//!
//! `poll_ready` is the inner service's, in both modes: the service cannot know before
//! `call` whether a request is a callback. In handler mode, backpressure or load
//! shedding on the inner service therefore also holds back Tencent's callbacks; put
//! such layers inside this one (between it and the app) to spare the callbacks.
//!
//! # Composition
//!
//! The layer is an ordinary tower [`Layer`](tower_layer::Layer): put it in a
//! `tower::ServiceBuilder` with `tower_http::trace::TraceLayer` or a timeout, on
//! `axum::Router::layer`, or around any service served by `hyper` through
//! `hyper_util::service::TowerToHyperService`. Its errors are the inner service's:
//! refusals are responses, never errors. `poll_ready` is the inner service's.
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

use std::sync::Arc;
use std::task::{Context, Poll};

use http::{Request, Response};
use http_body::Body;
use tower_service::Service;
use tracing::Instrument;

use crate::body::WebhookBody;
use crate::check::check;
use crate::config::Config;
use crate::deliver::{Callback, CallbackFuture, Deliver};
use crate::future::ResponseFuture;
use crate::state::Shared;
use crate::trace::Trace;

/// Receives Room callbacks on one path and passes every other request to `S`.
///
/// `M` is the delivery mode: [`ToExtensions`](crate::ToExtensions) or
/// [`ToHandler`](crate::ToHandler). Made by [`RoomWebhookLayer`](crate::RoomWebhookLayer).
#[derive(Debug, Clone)]
pub struct RoomWebhook<S, M> {
    inner: S,
    config: Arc<Config>,
    shared: Arc<Shared>,
    mode: M,
}

impl<S, M> RoomWebhook<S, M> {
    pub(crate) fn new(inner: S, config: Arc<Config>, shared: Arc<Shared>, mode: M) -> Self {
        Self {
            inner,
            config,
            shared,
            mode,
        }
    }

    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The inner service, consuming this one.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, M, ReqBody> Service<Request<ReqBody>> for RoomWebhook<S, M>
where
    M: Deliver<S, ReqBody>,
    ReqBody: Body,
{
    type Response = Response<WebhookBody<M::ResBody>>;
    type Error = M::Error;
    type Future = ResponseFuture<M::Future, M::ResBody, M::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        M::poll_ready(&mut self.inner, cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        if request.uri().path() != &*self.config.path {
            return ResponseFuture::pass_through(M::pass_through(&mut self.inner, request));
        }
        let context = match check(&self.config, &request) {
            Ok(context) => context,
            Err(refusal) => {
                let answer = Trace::none().refused(&self.shared.warnings, refusal);
                return ResponseFuture::refused(answer);
            }
        };
        let callback = Callback::new(&self.config, &self.shared, context);
        let span = callback.trace.span.clone();
        let future = self.mode.deliver(&mut self.inner, request, callback);
        ResponseFuture::callback(instrumented(future, span))
    }
}

/// The callback's future, in its span when anything listens: entering a disabled span on
/// every poll still costs a call into the `log` crate when tracing's `log` feature is on.
fn instrumented<B, E: 'static>(
    future: CallbackFuture<B, E>,
    span: tracing::Span,
) -> CallbackFuture<B, E>
where
    B: 'static,
{
    if span.is_disabled() {
        future
    } else {
        Box::pin(future.instrument(span))
    }
}
