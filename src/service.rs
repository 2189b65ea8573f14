//! [`RoomWebhook`], the service the layer wraps around the application, and the two
//! delivery modes, [`ToExtensions`] and [`ToHandler`].
//!
//! A request off the callback path goes to the inner service untouched, body unread, on
//! an unboxed future. A request on it is checked, read and delivered by the callback path
//! (see the crate's `callback` module, in the order of the answer table); the two
//! `Service` impls differ only in what they hand it.
//!
//! `poll_ready` is the inner service's, in both modes: the service cannot know before
//! `call` whether a request is a callback. In handler mode, backpressure or load
//! shedding on the inner service therefore also holds back Tencent's callbacks; put
//! such layers inside this one (between it and the app) to spare the callbacks.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::FutureExt;
use http::{Request, Response};
use http_body::Body;
use tower_service::Service;
use tracing::Instrument;

use crate::body::WebhookBody;
use crate::callback;
use crate::config::Config;
use crate::future::{CallbackFuture, ResponseFuture};
use crate::handler::{Defaults, LiveHandler, RoomHandler};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Extension mode: the layer puts the [`Event`](crate::Event) and the
/// [`CallbackContext`](crate::CallbackContext) into the request extensions and calls the
/// inner service, whose handler answers with an [`Answer`](crate::Answer).
#[derive(Debug, Clone, Copy, Default)]
pub struct ToExtensions;

/// Handler mode: the layer calls a [`RoomHandler`] for the Room family's callbacks and a
/// [`LiveHandler`] for the Live family's, and answers itself; the inner service only sees
/// requests off the callback path. The family given no handler gets
/// [`Defaults`]: OK, and allow.
pub struct ToHandler<H, L = Defaults> {
    pub(crate) room: Arc<H>,
    pub(crate) live: Arc<L>,
}

impl<H, L> Clone for ToHandler<H, L> {
    fn clone(&self) -> Self {
        Self {
            room: Arc::clone(&self.room),
            live: Arc::clone(&self.live),
        }
    }
}

impl<H, L> fmt::Debug for ToHandler<H, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToHandler")
            .field("room", &std::any::type_name::<H>())
            .field("live", &std::any::type_name::<L>())
            .finish()
    }
}

/// Receives Room callbacks on one path and passes every other request to `S`.
///
/// `M` is the delivery mode: [`ToExtensions`] or [`ToHandler`]. Made by
/// [`RoomWebhookLayer`](crate::RoomWebhookLayer).
pub struct RoomWebhook<S, M> {
    inner: S,
    config: Arc<Config>,
    mode: M,
}

impl<S, M> RoomWebhook<S, M> {
    pub(crate) fn new(inner: S, config: Arc<Config>, mode: M) -> Self {
        Self {
            inner,
            config,
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

impl<S: Clone, M: Clone> Clone for RoomWebhook<S, M> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            config: Arc::clone(&self.config),
            mode: self.mode.clone(),
        }
    }
}

impl<S: fmt::Debug, M: fmt::Debug> fmt::Debug for RoomWebhook<S, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoomWebhook")
            .field("inner", &self.inner)
            .field("config", &self.config)
            .field("mode", &self.mode)
            .finish()
    }
}

impl<S, H, L, ReqBody, ResBody> Service<Request<ReqBody>> for RoomWebhook<S, ToHandler<H, L>>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    S::Error: 'static,
    H: RoomHandler,
    L: LiveHandler,
    ReqBody: Body + Send + 'static,
    ReqBody::Data: Send,
    ReqBody::Error: Into<BoxError>,
    ResBody: 'static,
{
    type Response = Response<WebhookBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        if request.uri().path() != &*self.config.path {
            return ResponseFuture::pass_through(self.inner.call(request));
        }
        let context = match callback::check(&self.config, &request) {
            Ok(context) => context,
            Err(rejection) => {
                return ResponseFuture::refused(callback::refused(&self.config, rejection))
            }
        };
        let trace = callback::Trace::new(&context);
        let answer = callback::to_handler(
            Arc::clone(&self.config),
            Arc::clone(&self.mode.room),
            Arc::clone(&self.mode.live),
            request.into_body(),
            context,
            trace.clone(),
        );
        let answer = answer.map(|answer| Ok(answer.map(WebhookBody::full)));
        ResponseFuture::callback(instrumented(answer, trace.span))
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for RoomWebhook<S, ToExtensions>
where
    S: Service<Request<WebhookBody<ReqBody>>, Response = Response<ResBody>>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
    S::Error: 'static,
    ReqBody: Body<Data = Bytes> + Send + 'static,
    ReqBody::Error: Into<BoxError>,
    ResBody: Body<Data = Bytes> + Send + 'static,
{
    type Response = Response<WebhookBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        if request.uri().path() != &*self.config.path {
            return ResponseFuture::pass_through(self.inner.call(request.map(WebhookBody::wrap)));
        }
        let context = match callback::check(&self.config, &request) {
            Ok(context) => context,
            Err(rejection) => {
                return ResponseFuture::refused(callback::refused(&self.config, rejection))
            }
        };
        // The service that was driven to readiness is the one to call; its clone stays.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let trace = callback::Trace::new(&context);
        let delivered = callback::to_extensions(
            Arc::clone(&self.config),
            inner,
            request,
            context,
            trace.clone(),
        );
        ResponseFuture::callback(instrumented(delivered, trace.span))
    }
}

/// The callback's future, in its span when anything listens: entering a disabled span on
/// every poll still costs a call into the `log` crate when tracing's `log` feature is on.
fn instrumented<F, B, E>(future: F, span: tracing::Span) -> CallbackFuture<B, E>
where
    F: Future<Output = Result<Response<WebhookBody<B>>, E>> + Send + 'static,
{
    if span.is_disabled() {
        Box::pin(future)
    } else {
        Box::pin(future.instrument(span))
    }
}
