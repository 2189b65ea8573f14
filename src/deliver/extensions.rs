//! Extension mode: the application's own route receives the callback, with the event and
//! its context in the request extensions, and answers it.

use std::panic::AssertUnwindSafe;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::FutureExt;
use http::{Request, Response, StatusCode};
use http_body::Body;
use http_body_util::Full;
use tower_service::Service;

use super::{Accepted, Callback, CallbackFuture, Deliver};
use crate::answer::{AnswerMark, Refusal};
use crate::body::WebhookBody;
use crate::deadline::within;
use crate::metrics::Started;
use crate::BoxError;

/// Extension mode: the layer puts the [`Event`](crate::Event) and the
/// [`CallbackContext`](crate::CallbackContext) into the request extensions and calls the
/// inner service, whose handler answers with an [`Answer`](crate::Answer).
#[derive(Debug, Clone, Copy, Default)]
pub struct ToExtensions;

impl<S, B, R> Deliver<S, B> for ToExtensions
where
    S: Service<Request<WebhookBody<B>>, Response = Response<R>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
    R: Body<Data = Bytes> + Send + 'static,
{
    type ResBody = R;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(inner: &mut S, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        inner.poll_ready(cx)
    }

    fn pass_through(inner: &mut S, request: Request<B>) -> S::Future {
        inner.call(request.map(WebhookBody::wrap))
    }

    fn deliver(
        &self,
        inner: &mut S,
        request: Request<B>,
        callback: Callback,
    ) -> CallbackFuture<R, S::Error> {
        // The service that was driven to readiness is the one to call; its clone stays.
        let clone = inner.clone();
        let inner = std::mem::replace(inner, clone);
        Box::pin(deliver(inner, request, callback))
    }
}

/// Calls the application with the event and the context in the request extensions, and
/// the body, read already, as its body; passes its answer on.
async fn deliver<S, B, R>(
    mut inner: S,
    request: Request<B>,
    callback: Callback,
) -> Result<Response<WebhookBody<R>>, S::Error>
where
    S: Service<Request<WebhookBody<B>>, Response = Response<R>>,
    B: Body,
    B::Error: Into<BoxError>,
{
    let (parts, body) = request.into_parts();
    let Accepted { event, body, claim } = match callback.accept(body).await {
        Ok(accepted) => accepted,
        Err(answer) => return Ok(answer.map(WebhookBody::full)),
    };
    let mut request = Request::from_parts(parts, WebhookBody::full(Full::new(body)));
    request.extensions_mut().insert(*event);
    request.extensions_mut().insert(callback.context.clone());
    // In a block of its own: the application's error must not be held across the
    // `settle` below, which would make this future only as `Send` as that error.
    let response = {
        let started = Started::now();
        // In the block, a panic in `call` itself is caught too.
        let called = AssertUnwindSafe(async { inner.call(request).await }).catch_unwind();
        let called = within(callback.deadline(), called).await;
        started.finished(callback.trace.command());
        match called {
            Ok(Ok(response)) => routed(&callback, response?),
            Ok(Err(_panic)) => callback.trace.panicked().map(WebhookBody::full),
            Err(_elapsed) => {
                callback.trace.record("cancelled");
                tracing::warn!("the application did not answer the callback in time; answered 504");
                Refusal::HandlerTimeout
                    .into_response()
                    .map(WebhookBody::full)
            }
        }
    };
    // Only an `Answer` whose `ActionStatus` is OK took the callback: a FAIL, or any other
    // response (Tencent reads only its JSON), leaves the retry to be handled.
    if let Some(claim) = claim {
        let mark = response.extensions().get::<AnswerMark>();
        let taken = response.status().is_success() && mark.is_some_and(|mark| mark.ok);
        claim.settle(taken).await;
    }
    Ok(response)
}

/// The application's answer to a callback. A 404 or 405 means no route took the callback
/// path: the event reached no one, so that is said, loudly, rather than passing Tencent a
/// body it cannot read.
fn routed<B>(callback: &Callback, response: Response<B>) -> Response<WebhookBody<B>> {
    let (status, trace) = (response.status(), &callback.trace);
    if status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED {
        tracing::error!(
            status = status.as_u16(),
            "no route took the callback path: in extension mode the application needs a POST \
             route on it (or give the layer a handler); answered 500"
        );
        trace.record("no_route");
        return Refusal::NoRoute.into_response().map(WebhookBody::full);
    }
    // A response made elsewhere than from an `Answer` (a route's "done", say) goes to
    // Tencent as it is, but Tencent reads only its own JSON: say so, once.
    if response.extensions().get::<AnswerMark>().is_none()
        && callback.shared.warnings.first_not_an_answer()
    {
        tracing::warn!(
            status = status.as_u16(),
            "the route on the callback path answered with a response not made from an Answer: \
             Tencent reads only its JSON answer; return Answer::ok() (feature axum) or \
             Answer::ok().into_http_response() (this is said once)"
        );
    }
    trace.record("delivered");
    response.map(WebhookBody::wrap)
}
