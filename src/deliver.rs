//! Handing a decoded callback to a [`RoomHandler`]: at once, by a deadline, or in the
//! background (answer-first), each de-duplicated when configured.

use std::borrow::Cow;
use std::future::{poll_fn, Future};
use std::sync::Arc;
use std::task::Poll;

use bytes::Bytes;
use http::Response;
use http_body_util::Full;
use tracing::{Instrument, Span};

use crate::answer::{Answer, ErrorCode, Rejection};
use crate::background::Refused;
use crate::dedup::{Claim, Claimed, DeliveryKey};
use crate::event::Event;
use crate::future::CatchUnwind;
use crate::handler::RoomHandler;
use crate::layer::{Config, OnDeadline};
use crate::query::CallbackContext;

/// How a handler ended.
pub(crate) enum Outcome {
    Ok,
    Fail(ErrorCode, Cow<'static, str>),
    Panicked,
}

impl Outcome {
    fn is_ok(&self) -> bool {
        matches!(self, Self::Ok)
    }

    /// The answer to Tencent, the outcome recorded on the callback's span.
    pub(crate) fn into_response(self, span: &Span) -> Response<Full<Bytes>> {
        match self {
            Self::Ok => {
                record(span, "ok");
                Answer::ok().into_http_response()
            }
            Self::Fail(code, info) => {
                record(span, "fail");
                tracing::debug!(code = code.get(), "room callback handler answered FAIL");
                Answer::fail(code, info).into_http_response()
            }
            Self::Panicked => panicked(span),
        }
    }

    /// After the answer, nobody hears of the outcome but the logs.
    fn log_in_background(&self) {
        match self {
            Self::Ok => tracing::debug!("room callback handled in the background"),
            Self::Fail(code, info) => tracing::warn!(
                code = code.get(),
                info = %info,
                "room callback handler failed in the background, after the answer"
            ),
            Self::Panicked => {
                tracing::error!("room callback handler panicked in the background")
            }
        }
    }
}

/// Records how the callback ended on its span (nothing when the span is disabled).
pub(crate) fn record(span: &Span, outcome: &'static str) {
    // A disabled span still reaches for the `log` crate when tracing's `log` feature is
    // on somewhere in the build: skip it outright.
    if !span.is_disabled() {
        span.record("outcome", outcome);
    }
}

pub(crate) fn panicked(span: &Span) -> Response<Full<Bytes>> {
    record(span, "panicked");
    // The panic hook has already printed the message; the payload may hold anything, so
    // it is not logged again here.
    tracing::error!("room callback handler panicked; answered 500");
    Rejection::handler_panicked().into_response()
}

/// Runs the handler, catching a panic. Not an `async fn`: the event moves straight into
/// the handler's future instead of being kept in this one's state as well.
pub(crate) fn run<'a, H: RoomHandler>(
    handler: &'a H,
    event: Event,
    context: &'a CallbackContext,
) -> impl Future<Output = Outcome> + Send + 'a {
    let caught = CatchUnwind::new(|| handler.handle(event, context));
    async move {
        match caught.await {
            Ok(Ok(())) => Outcome::Ok,
            Ok(Err(error)) => {
                let (code, info) = error.into_parts();
                Outcome::Fail(code, info)
            }
            Err(_panic) => Outcome::Panicked,
        }
    }
}

/// Claims the delivery when de-duplication is on. `Err` is the answer to a duplicate.
pub(crate) async fn claim(
    config: &Config,
    context: &CallbackContext,
    body: &Bytes,
    span: &Span,
) -> Result<Option<Claim>, Response<Full<Bytes>>> {
    let Some(dedup) = &config.dedup else {
        return Ok(None);
    };
    match dedup
        .claim(DeliveryKey::new(context.sdk_app_id, &context.command, body))
        .await
    {
        Claimed::New(claim) => Ok(Some(claim)),
        Claimed::Unknown => Ok(None),
        Claimed::Duplicate => {
            record(span, "duplicate");
            tracing::debug!("a delivery already claimed: answered OK, not handled again");
            Err(Answer::ok().into_http_response())
        }
    }
}

async fn release(claim: Option<Claim>) {
    if let Some(claim) = claim {
        claim.release().await;
    }
}

/// Delivery with de-duplication, a deadline or the answer-first mode; without them, the
/// service awaits [`run`] itself.
pub(crate) async fn deliver<H: RoomHandler>(
    config: &Config,
    handler: Arc<H>,
    event: Event,
    context: CallbackContext,
    body: &Bytes,
    span: &Span,
) -> Response<Full<Bytes>> {
    let claim = match claim(config, &context, body, span).await {
        Ok(claim) => claim,
        Err(duplicate) => return duplicate,
    };
    // Owned, so that it can outlive this request when it goes to the background.
    let work = async move { run(&*handler, event, &context).await };

    if config.answer_first {
        let background = config.background.as_ref().expect("checked by build()");
        let held = claim.clone();
        let job = async move {
            let outcome = work.await;
            outcome.log_in_background();
            if !outcome.is_ok() {
                release(held).await;
            }
        };
        return match background.submit(Box::pin(job.instrument(span.clone()))) {
            Ok(()) => {
                record(span, "queued");
                Answer::ok().into_http_response()
            }
            Err(refused) => {
                release(claim).await;
                record(span, "refused");
                let rejection = match refused {
                    Refused::Full => Rejection::queue_full(),
                    Refused::Closed => Rejection::shutting_down(),
                };
                tracing::warn!(reason = %rejection.info, "room callback not taken");
                rejection.into_response()
            }
        };
    }

    let Some((deadline, on_deadline)) = config.deadline else {
        let outcome = work.await;
        if !outcome.is_ok() {
            release(claim).await;
        }
        return outcome.into_response(span);
    };
    let background = config.background.as_ref().expect("checked by build()");
    let mut work = Box::pin(work);
    let mut timer = background.runtime().sleep(deadline);
    let finished = poll_fn(|cx| {
        if let Poll::Ready(outcome) = work.as_mut().poll(cx) {
            return Poll::Ready(Some(outcome));
        }
        timer.as_mut().poll(cx).map(|()| None)
    })
    .await;
    match (finished, on_deadline) {
        (Some(outcome), _) => {
            if !outcome.is_ok() {
                release(claim).await;
            }
            outcome.into_response(span)
        }
        (None, OnDeadline::Cancel) => {
            drop(work);
            release(claim).await;
            record(span, "cancelled");
            tracing::warn!(?deadline, "room callback handler cancelled at its deadline");
            Rejection::handler_timeout().into_response()
        }
        (None, OnDeadline::Detach) => {
            let rest = async move {
                let outcome = work.await;
                outcome.log_in_background();
                if !outcome.is_ok() {
                    release(claim).await;
                }
            };
            background.detach(Box::pin(rest.instrument(span.clone())));
            record(span, "detached");
            tracing::info!(
                ?deadline,
                "room callback answered at its deadline; the handler goes on"
            );
            Answer::ok().into_http_response()
        }
    }
}
