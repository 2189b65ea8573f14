//! Handler mode: the layer runs the family's handler and answers from its outcome, at
//! once, by a deadline, or after queueing it (answer-first).

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::FutureExt;
use http::{Request, Response, StatusCode};
use http_body::Body;
use http_body_util::Full;
use tokio::time::Instant;
use tower_service::Service;
use tracing::Instrument;

use super::{Accepted, Asks, Callback, CallbackFuture, Deliver};
use crate::answer::{Answer, Refusal};
use crate::body::WebhookBody;
use crate::config::OnDeadline;
use crate::deadline::within;
#[cfg(feature = "chat")]
use crate::decision::{ChatbotReply, FriendDecision};
use crate::dedup::Claim;
use crate::event::Event;
#[cfg(feature = "chat")]
use crate::handler::ChatReply;
use crate::handler::{ChatHandler, Defaults, HandlerError, LiveHandler, LiveReply, RoomHandler};
use crate::metrics::{self, Started};
use crate::query::CallbackContext;
use crate::trace::Trace;
use crate::BoxError;

/// Handler mode: the layer calls a [`RoomHandler`] for the Room family's callbacks and a
/// [`LiveHandler`] for the Live family's, and answers itself; the inner service only sees
/// requests off the callback path. The family given no handler gets [`Defaults`]: OK,
/// and allow.
pub struct ToHandler<H, L = Defaults, C = Defaults> {
    pub(crate) room: Arc<H>,
    pub(crate) live: Arc<L>,
    pub(crate) chat: Arc<C>,
}

// By hand: derived, they would ask `H`, `L` and `C` for `Clone` and `Debug`.
impl<H, L, C> Clone for ToHandler<H, L, C> {
    fn clone(&self) -> Self {
        Self {
            room: Arc::clone(&self.room),
            live: Arc::clone(&self.live),
            chat: Arc::clone(&self.chat),
        }
    }
}

impl<H, L, C> fmt::Debug for ToHandler<H, L, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToHandler")
            .field("room", &std::any::type_name::<H>())
            .field("live", &std::any::type_name::<L>())
            .field("chat", &std::any::type_name::<C>())
            .finish()
    }
}

impl<S, B, R, H, L, C> Deliver<S, B> for ToHandler<H, L, C>
where
    S: Service<Request<B>, Response = Response<R>>,
    S::Error: 'static,
    R: 'static,
    H: RoomHandler,
    L: LiveHandler,
    C: ChatHandler,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type ResBody = R;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(inner: &mut S, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        inner.poll_ready(cx)
    }

    fn pass_through(inner: &mut S, request: Request<B>) -> S::Future {
        inner.call(request)
    }

    fn deliver(
        &self,
        _: &mut S,
        request: Request<B>,
        callback: Callback,
    ) -> CallbackFuture<R, S::Error> {
        let (handlers, body) = (self.clone(), request.into_body());
        Box::pin(async move {
            let answer = match callback.accept(body).await {
                Ok(accepted) => handlers.answer(accepted, &callback).await,
                Err(answer) => answer,
            };
            Ok(answer.map(WebhookBody::full))
        })
    }
}

impl<H: RoomHandler, L: LiveHandler, C: ChatHandler> ToHandler<H, L, C> {
    /// Runs the handler the way the configuration says, by its deadline at the latest,
    /// and answers.
    async fn answer(self, accepted: Accepted, callback: &Callback) -> Response<Full<Bytes>> {
        let Accepted { event, claim, .. } = accepted;
        let decides = Asks::of(&event).decides();
        // Neither queued nor detached, a before-callback is never answered before it is
        // decided.
        if callback.config.answer_first && !decides {
            return self.queue(event, claim, callback);
        }
        let (deadline, on_deadline) = handler_deadline(callback, decides);
        let trace = &callback.trace;
        if on_deadline == OnDeadline::Detach {
            return self.detachable(event, claim, callback, deadline).await;
        }
        let work = async {
            let outcome = self.run(event, &callback.context, trace).await;
            settled(claim, outcome).await
        };
        match within(deadline, work).await {
            Ok(outcome) => outcome.into_response(trace),
            Err(_elapsed) => {
                trace.record("cancelled");
                tracing::warn!("room callback handler cancelled at its deadline");
                Refusal::HandlerTimeout.into_response()
            }
        }
    }

    /// The handler's work and the claim's settling, owning what they need, so that they
    /// can outlive the request. Dropped before it ends (refused by the queue), its claim
    /// releases itself.
    fn owned(
        self,
        event: Box<Event>,
        claim: Option<Claim>,
        callback: &Callback,
    ) -> impl Future<Output = Outcome> + Send + 'static {
        let (trace, context) = (callback.trace.clone(), callback.context.clone());
        async move {
            let outcome = self.run(event, &context, &trace).await;
            settled(claim, outcome).await
        }
    }

    /// Answer-first: queued, answered OK at once (the record, if any, is confirmed
    /// already), or refused when the queue is full or draining.
    fn queue(
        self,
        event: Box<Event>,
        claim: Option<Claim>,
        callback: &Callback,
    ) -> Response<Full<Bytes>> {
        let span = callback.trace.span.clone();
        let job = self
            .owned(event, claim, callback)
            .map(Outcome::log_in_background);
        match callback.shared.background.submit(job.instrument(span)) {
            Ok(()) => callback.trace.ok("queued"),
            Err(refusal) => {
                tracing::warn!(reason = %refusal, "room callback not taken");
                callback.refused(refusal)
            }
        }
    }

    /// Runs the handler, answering OK at `deadline` and letting it finish in the
    /// background if it has not by then.
    async fn detachable(
        self,
        event: Box<Event>,
        claim: Option<Claim>,
        callback: &Callback,
        deadline: Instant,
    ) -> Response<Full<Bytes>> {
        let mut work = Box::pin(self.owned(event, claim, callback));
        let trace = &callback.trace;
        match tokio::time::timeout_at(deadline, &mut work).await {
            Ok(outcome) => outcome.into_response(trace),
            Err(_elapsed) => {
                let rest = work.map(Outcome::log_in_background);
                callback
                    .shared
                    .background
                    .detach(rest.instrument(trace.span.clone()));
                tracing::info!("room callback answered at its deadline; the handler goes on");
                trace.ok("detached")
            }
        }
    }

    /// Runs the event's handler, the Room family's or the Live family's, its panics caught.
    async fn run(&self, event: Box<Event>, context: &CallbackContext, trace: &Trace) -> Outcome {
        let started = Started::now();
        let asks = Asks::of(&event);
        let handled = AssertUnwindSafe(async {
            match *event {
                Event::Live(event) => self
                    .live
                    .handle(event, context)
                    .await
                    .map(|r| asks.answer(r)),
                #[cfg(feature = "chat")]
                Event::Chat(event) => self
                    .chat
                    .handle(event, context)
                    .await
                    .map(|r| asks.answer_chat(r)),
                event => self
                    .room
                    .handle(event, context)
                    .await
                    .map(|()| Outcome::Ok(Answer::ok())),
            }
        })
        .catch_unwind()
        .await;
        started.finished(trace.command());
        match handled {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(error)) => Outcome::Fail(error),
            Err(_panic) => Outcome::Panicked,
        }
    }
}

/// When the handler must be done by, and what then: the configured deadline or the end of
/// the callback's time, whichever comes first. A before-callback is never detached.
fn handler_deadline(callback: &Callback, decides: bool) -> (Instant, OnDeadline) {
    let end = callback.deadline();
    match callback.config.deadline {
        Some((deadline, on_deadline)) => {
            let on_deadline = if decides {
                OnDeadline::Cancel
            } else {
                on_deadline
            };
            let configured = Instant::now().checked_add(deadline).unwrap_or(end);
            (configured.min(end), on_deadline)
        }
        None => (end, OnDeadline::Cancel),
    }
}

impl Asks {
    /// The answer to a Live handler's `reply`: `Done` is the default decision (allow); a
    /// decision of another kind is a handler's mistake, answered as one.
    fn answer(self, reply: LiveReply) -> Outcome {
        match (reply, self) {
            (LiveReply::Gift(decision), Self::Gift) => Outcome::Ok(Answer::from(decision)),
            (LiveReply::Message(decision), Self::GroupMessage) => {
                Outcome::Ok(Answer::from(decision))
            }
            (LiveReply::Done, _) => Outcome::Ok(Answer::ok()),
            _ => Outcome::WrongDecision,
        }
    }

    #[cfg(feature = "chat")]
    /// The answer to a Chat handler's `reply`, as [`answer`](Self::answer)'s. `Done` to a
    /// friend request answers every requested user allowed; to a chatbot's signal, the
    /// default reply (ignore).
    fn answer_chat(self, reply: ChatReply) -> Outcome {
        let answer = match (reply, self) {
            (ChatReply::Done, Self::Friends(requested)) => {
                FriendDecision::default().answer(&requested)
            }
            (ChatReply::Done, Self::Chatbot) => Answer::from(ChatbotReply::default()),
            (ChatReply::Done, _) => Answer::ok(),
            (ChatReply::Message(decision), Self::DirectMessage) => Answer::from(decision),
            (ChatReply::GroupRequest(decision), Self::GroupRequest) => Answer::from(decision),
            (ChatReply::Invite(decision), Self::Invite) => Answer::from(decision),
            (ChatReply::OfficialAccountCreation(decision), Self::OfficialAccountCreation) => {
                Answer::from(decision)
            }
            (ChatReply::Subscribers(decision), Self::Subscribers) => Answer::from(decision),
            (ChatReply::Friends(decision), Self::Friends(requested)) => decision.answer(&requested),
            (ChatReply::Chatbot(reply), Self::Chatbot) => Answer::from(reply),
            _ => return Outcome::WrongDecision,
        };
        Outcome::Ok(answer)
    }
}

/// How a handler ended.
enum Outcome {
    /// Handled: the answer (OK, or a before-callback's decision).
    Ok(Answer),
    Fail(HandlerError),
    Panicked,
    /// A decision of another callback's kind (a gift's for a message, say).
    WrongDecision,
}

/// Keeps the claim when the callback was handled, releases it otherwise.
async fn settled(claim: Option<Claim>, outcome: Outcome) -> Outcome {
    if let Some(claim) = claim {
        claim.settle(matches!(outcome, Outcome::Ok(_))).await;
    }
    outcome
}

impl Outcome {
    /// The answer to Tencent, the outcome recorded on the callback's trace.
    fn into_response(self, trace: &Trace) -> Response<Full<Bytes>> {
        match self {
            Self::Ok(answer) => {
                trace.record("ok");
                answer.into_response_with_status(StatusCode::OK)
            }
            Self::Fail(error) => {
                trace.record("fail");
                error.log("room callback handler answered FAIL");
                let status = error.status();
                error.into_answer().into_response_with_status(status)
            }
            Self::Panicked => trace.panicked(),
            Self::WrongDecision => {
                trace.record("wrong_decision");
                tracing::error!(
                    "the Live or Chat handler answered a decision of another callback's kind (a gift's \
                     for a message, or one for an after-callback); answered 500"
                );
                Refusal::WrongDecision.into_response()
            }
        }
    }

    /// After the answer, nobody hears of the outcome but the logs.
    fn log_in_background(self) {
        match self {
            Self::Ok(_) => tracing::debug!("room callback handled in the background"),
            Self::Fail(error) => {
                error.log("room callback handler failed in the background, after the answer")
            }
            Self::Panicked => tracing::error!("room callback handler panicked in the background"),
            Self::WrongDecision => {
                tracing::error!("the Live or Chat handler answered a decision in the background")
            }
        }
    }
}

impl HandlerError {
    /// Counts and logs a FAIL, with the error it was converted from.
    fn log(&self, message: &'static str) {
        metrics::handler_failed(self.code());
        tracing::warn!(
            code = self.code().get(),
            info = self.info(),
            error = self.source().map(tracing::field::display),
            "{message}"
        );
    }
}
