//! The callback path, from the request to Tencent's answer.
//!
//! [`check`] runs the checks that need no body, in the order of the answer table, cheapest
//! first: method (405), `SdkAppid` (403), `Sign` / `RequestTime` (401), content type (415),
//! `CallbackCommand` in the query (400), `Content-Length` against the limit (413). Then
//! [`receive`] reads the body, never past the limit (413), and decodes it (400). What follows
//! is the mode's: [`to_handler`] runs the handler (at once, by a deadline, or queued) and
//! answers from its outcome; [`to_extensions`] calls the application with the event in the
//! request extensions and passes its answer on. Both claim the delivery first when
//! de-duplication is on, and settle the claim once the outcome is known.

use std::borrow::Cow;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::future::{poll_immediate, select, Either};
use futures_util::FutureExt;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use http_body::Body;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use tower_service::Service;
use tracing::{Instrument, Span};

use crate::answer::{Answer, AnswerMark, ErrorCode, Rejection};
use crate::background::Refused;
use crate::body::WebhookBody;
use crate::budget::{BudgetFull, Metered};
use crate::config::{Config, OnDeadline};
use crate::dedup::{Claim, Claimed, DeliveryKey};
use crate::event::{Event, LiveEvent};
use crate::handler::{HandlerError, LiveHandler, LiveReply, RoomHandler};
use crate::metrics::{self, InFlight, Started};
use crate::query::{CallbackContext, OptPlatform, Param, Query, SdkAppId};
use crate::verify::AuthError;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Everything that can be checked before reading the body.
pub(crate) fn check<B: Body>(
    config: &Config,
    request: &Request<B>,
) -> Result<CallbackContext, Rejection> {
    if request.method() != Method::POST {
        return Err(Rejection::new(
            ErrorCode::METHOD_NOT_ALLOWED,
            "callbacks are sent with POST",
        ));
    }
    let query = Query::parse(request.uri().query().unwrap_or_default());

    let sdk_app_id = match &query.sdk_app_id {
        Param::Value(value) => SdkAppId::parse(value).ok_or_else(|| {
            Rejection::new(
                ErrorCode::UNKNOWN_APP,
                "SdkAppid in the query is not a decimal SDKAppID",
            )
        })?,
        Param::Absent => {
            return Err(Rejection::new(
                ErrorCode::UNKNOWN_APP,
                "SdkAppid is missing from the query",
            ))
        }
        Param::Repeated => {
            return Err(Rejection::new(
                ErrorCode::UNKNOWN_APP,
                "SdkAppid appears more than once in the query",
            ))
        }
    };
    let app = config.app(sdk_app_id).ok_or_else(|| {
        Rejection::new(
            ErrorCode::UNKNOWN_APP,
            format!("SdkAppid {sdk_app_id} is not an SDKAppID this endpoint is configured for"),
        )
    })?;

    let request_time = match &app.verifier {
        None => None,
        Some(_) if query.sign == Param::Repeated || query.request_time == Param::Repeated => {
            return Err(Rejection::new(
                ErrorCode::UNAUTHORIZED,
                AuthError::Repeated.to_string(),
            ))
        }
        Some(verifier) => Some(
            verifier
                .verify(query.sign.value(), query.request_time.value())
                .map_err(|error| Rejection::new(ErrorCode::UNAUTHORIZED, error.to_string()))?,
        ),
    };

    match &query.content_type {
        Param::Absent => {}
        Param::Value(value) if value.eq_ignore_ascii_case("json") => {}
        Param::Repeated => {
            return Err(Rejection::new(
                ErrorCode::UNSUPPORTED_MEDIA_TYPE,
                "contenttype appears more than once in the query, with different values",
            ))
        }
        Param::Value(_) => {
            return Err(Rejection::new(
                ErrorCode::UNSUPPORTED_MEDIA_TYPE,
                "contenttype in the query must be json",
            ))
        }
    }
    let mut headers = request.headers().get_all(CONTENT_TYPE).iter();
    let header = headers.next();
    if headers.next().is_some() {
        return Err(Rejection::new(
            ErrorCode::UNSUPPORTED_MEDIA_TYPE,
            "the Content-Type header appears more than once",
        ));
    }
    if !config.content_type.accepts(header) {
        return Err(Rejection::new(
            ErrorCode::UNSUPPORTED_MEDIA_TYPE,
            "the Content-Type header is refused by the content-type policy: callbacks are JSON",
        ));
    }

    let command = match &query.command {
        Param::Value(value) if !value.is_empty() => match Event::known_command(value) {
            Some(known) => Cow::Borrowed(known),
            None => Cow::Owned(value.clone().into_owned()),
        },
        Param::Repeated => {
            return Err(Rejection::new(
                ErrorCode::BAD_REQUEST,
                "CallbackCommand appears more than once in the query",
            ))
        }
        Param::Absent | Param::Value(_) => {
            return Err(Rejection::new(
                ErrorCode::BAD_REQUEST,
                "CallbackCommand is missing from the query",
            ))
        }
    };

    let mut lengths = request.headers().get_all(CONTENT_LENGTH).iter();
    if let Some(length) = lengths.next() {
        if lengths.any(|other| other != length) {
            return Err(Rejection::new(
                ErrorCode::BAD_REQUEST,
                "Content-Length appears more than once, with different values",
            ));
        }
        // RFC 9110: `1*DIGIT`, no sign; a numeral past `u64` is a length past any limit.
        let length = length.to_str().unwrap_or_default();
        if !crate::lenient::is_numeral(length) {
            return Err(Rejection::new(
                ErrorCode::BAD_REQUEST,
                "Content-Length is not a number",
            ));
        }
        if length.parse().unwrap_or(u64::MAX) > config.body_limit as u64 {
            return Err(Rejection::payload_too_large(config.body_limit));
        }
    }
    if request.body().size_hint().lower() > config.body_limit as u64 {
        return Err(Rejection::payload_too_large(config.body_limit));
    }

    Ok(CallbackContext {
        sdk_app_id,
        command,
        client_ip: query
            .client_ip
            .informational()
            .and_then(|ip| ip.parse().ok()),
        platform: query.platform.informational().map(OptPlatform::from),
        request_time,
    })
}

/// The answer to a request refused by [`check`], before any span exists.
pub(crate) fn refused(config: &Config, rejection: Rejection) -> Response<Full<Bytes>> {
    rejected(config, rejection, &Trace::none())
}

/// Handler mode: reads and decodes the body, runs the handler, answers from its outcome.
/// Runs inside the [`Trace`]'s span.
pub(crate) async fn to_handler<H, L, B>(
    config: Arc<Config>,
    room: Arc<H>,
    live: Arc<L>,
    body: B,
    context: CallbackContext,
    trace: Trace,
) -> Response<Full<Bytes>>
where
    H: RoomHandler,
    L: LiveHandler,
    B: Body,
    B::Error: Into<BoxError>,
{
    let _in_flight = InFlight::start();
    let (event, bytes) = match receive(&config, body, &context, &trace).await {
        Ok(received) => received,
        Err(rejection) => return rejected(&config, rejection, &trace),
    };
    // A before-callback's answer is its decision: it is never answered as a duplicate (a
    // gift let through that nobody charged), never answered before the handler decided.
    let decides = decides(&event);
    let claim = match claim(&config, &context, &bytes, decides).await {
        Ok(claim) => claim,
        Err(()) => return answered_duplicate(&trace),
    };
    let queued = config.answer_first && !decides;
    let deadline = match config.deadline {
        // Detached, a before-callback would be answered before it was decided.
        Some((deadline, _)) if decides => Some((deadline, OnDeadline::Cancel)),
        deadline => deadline,
    };
    // Without the queue or a deadline, the handler runs right here, borrowing the context:
    // its future is then the only copy of the event in this one's state.
    let command = trace.command();
    if !queued && deadline.is_none() {
        let started = Started::now();
        let outcome = run(&*room, &*live, event, &context).await;
        started.finished(command);
        return settled(claim, outcome).await.into_response(&trace);
    }
    // Owned, so that it can outlive the request in the background. Dropped before it ends
    // (cancelled, or refused by the queue), its claim releases itself.
    let work = async move {
        let started = Started::now();
        let outcome = run(&*room, &*live, event, &context).await;
        started.finished(command);
        settled(claim, outcome).await
    };

    if queued {
        let background = config.background.as_ref().expect("checked by build()");
        let job = work.map(|outcome| outcome.log_in_background());
        return match background.submit(Box::pin(job.instrument(trace.span.clone()))) {
            Ok(()) => {
                record(&trace, "queued");
                answered_ok()
            }
            Err(refused) => {
                let rejection = match refused {
                    Refused::Full => Rejection::new(
                        ErrorCode::QUEUE_FULL,
                        "the callback queue is full; the callback was not taken",
                    ),
                    Refused::Closed => Rejection::new(
                        ErrorCode::SHUTTING_DOWN,
                        "the server is shutting down; the callback was not taken",
                    ),
                };
                tracing::warn!(reason = %rejection.info, "room callback not taken");
                rejected(&config, rejection, &trace)
            }
        };
    }

    let (deadline, on_deadline) =
        deadline.expect("without the queue or a deadline, the plain path has answered");
    let background = config.background.as_ref().expect("checked by build()");
    let timer = background.runtime().sleep(deadline);
    match (select(Box::pin(work), timer).await, on_deadline) {
        (Either::Left((outcome, _)), _) => outcome.into_response(&trace),
        (Either::Right(((), work)), OnDeadline::Cancel) => {
            drop(work);
            record(&trace, "cancelled");
            tracing::warn!(?deadline, "room callback handler cancelled at its deadline");
            Rejection::new(
                ErrorCode::HANDLER_TIMEOUT,
                "the callback handler did not finish by its deadline and was cancelled",
            )
            .into_response()
        }
        (Either::Right(((), work)), OnDeadline::Detach) => {
            let rest = work.map(|outcome| outcome.log_in_background());
            background.detach(Box::pin(rest.instrument(trace.span.clone())));
            record(&trace, "detached");
            tracing::info!(
                ?deadline,
                "room callback answered at its deadline; the handler goes on"
            );
            answered_ok()
        }
    }
}

/// Extension mode: reads and decodes the body, then calls the application with the event
/// and the context in the request extensions, and the body, read already, as its body.
/// Runs inside the [`Trace`]'s span.
pub(crate) async fn to_extensions<S, ReqBody, ResBody>(
    config: Arc<Config>,
    mut inner: S,
    request: Request<ReqBody>,
    context: CallbackContext,
    trace: Trace,
) -> Result<Response<WebhookBody<ResBody>>, S::Error>
where
    S: Service<Request<WebhookBody<ReqBody>>, Response = Response<ResBody>>,
    ReqBody: Body,
    ReqBody::Error: Into<BoxError>,
{
    let _in_flight = InFlight::start();
    let (parts, body) = request.into_parts();
    let (event, bytes) = match receive(&config, body, &context, &trace).await {
        Ok(received) => received,
        Err(rejection) => return Ok(rejected(&config, rejection, &trace).map(WebhookBody::full)),
    };
    let claim = match claim(&config, &context, &bytes, decides(&event)).await {
        Ok(claim) => claim,
        Err(()) => return Ok(answered_duplicate(&trace).map(WebhookBody::full)),
    };
    let mut request = Request::from_parts(parts, WebhookBody::full(Full::new(bytes)));
    request.extensions_mut().insert(event);
    request.extensions_mut().insert(context);
    // In a block of its own: the application's error must not be held across the
    // `settle` below, which would make this future only as `Send` as that error.
    let response = {
        let started = Started::now();
        let called = AssertUnwindSafe(async { inner.call(request).await })
            .catch_unwind()
            .await;
        started.finished(trace.command());
        match called {
            Ok(response) => routed(&config, response?, &trace),
            Err(_panic) => panicked(&trace).map(WebhookBody::full),
        }
    };
    // The application's own answer is opaque here: anything but a success status
    // counts as not handled, so that a retry is.
    if let Some(claim) = claim {
        claim.settle(response.status().is_success()).await;
    }
    Ok(response)
}

/// What follows a callback that passed [`check`] to its answer: its span, where the room
/// and the outcome are recorded as they become known (never the body, a token or `Sign`),
/// and its command as a metrics label.
#[derive(Clone)]
pub(crate) struct Trace {
    pub(crate) span: Span,
    /// One of the commands the crate knows, or `other`: a sender cannot make labels
    /// without bound. `None` before the checks.
    command: Option<&'static str>,
}

impl Trace {
    pub(crate) fn new(context: &CallbackContext) -> Self {
        let span = tracing::debug_span!(
            "room_callback",
            sdk_app_id = %context.sdk_app_id,
            command = %context.command,
            room_id = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let command = match context.command {
            Cow::Borrowed(known) => known,
            Cow::Owned(_) => "other",
        };
        Self {
            span,
            command: Some(command),
        }
    }

    fn none() -> Self {
        Self {
            span: Span::none(),
            command: None,
        }
    }

    fn command(&self) -> &'static str {
        self.command.unwrap_or("other")
    }
}

/// Records how the callback ended on its span and in the metrics.
fn record(trace: &Trace, outcome: &'static str) {
    // A disabled span still reaches for the `log` crate when tracing's `log` feature is on
    // somewhere in the build.
    if !trace.span.is_disabled() {
        trace.span.record("outcome", outcome);
    }
    if let Some(command) = trace.command {
        metrics::callback(command, outcome);
    }
}

/// Reads the whole body, refused as soon as it passes the limit, and decodes it (its own
/// command decides); notes the room on the span and any protocol drift.
async fn receive<B>(
    config: &Config,
    body: B,
    context: &CallbackContext,
    trace: &Trace,
) -> Result<(Event, Bytes), Rejection>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let metered = Metered::new(body, &config.budget);
    let mut collect = std::pin::pin!(Limited::new(metered, config.body_limit).collect());
    // Most bodies arrive with their head: a timer only for those still on their way.
    let collected = match poll_immediate(collect.as_mut()).await {
        Some(collected) => collected,
        None => match timer(config) {
            None => collect.await,
            Some((timeout, timer)) => match select(collect, timer).await {
                Either::Left((collected, _)) => collected,
                Either::Right(((), _)) => {
                    return Err(Rejection::new(
                        ErrorCode::BODY_TIMEOUT,
                        format!("the body did not arrive whole within {timeout:?}"),
                    ))
                }
            },
        },
    };
    let bytes = match collected {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<LengthLimitError>() => {
            return Err(Rejection::payload_too_large(config.body_limit))
        }
        Err(error) if error.is::<BudgetFull>() => {
            return Err(Rejection::new(
                ErrorCode::BUSY,
                "the callbacks being read hold the buffered limit already; the callback was \
                 not read",
            ))
        }
        Err(_) => {
            return Err(Rejection::new(
                ErrorCode::BAD_REQUEST,
                "the body could not be read to its end",
            ))
        }
    };
    let event = Event::decode(&context.command, &bytes)
        .map_err(|error| Rejection::new(ErrorCode::BAD_REQUEST, error.to_string()))?;
    if let Some(room) = event.room_id().filter(|_| !trace.span.is_disabled()) {
        trace.span.record("room_id", room.as_str());
    }
    // The body's command decided the event; the context keeps the query's.
    config
        .drift
        .note_commands(&context.command, event.command());
    config.drift.note(&event);
    Ok((event, bytes))
}

/// The body timeout and its timer, when the layer has a runtime to make one.
fn timer(config: &Config) -> Option<(std::time::Duration, crate::runtime::BoxFuture)> {
    let timeout = config.body_timeout?;
    let background = config.background.as_ref()?;
    Some((timeout, background.runtime().sleep(timeout)))
}

/// Claims the delivery when de-duplication is on. `Err` means a duplicate.
async fn claim(
    config: &Config,
    context: &CallbackContext,
    body: &Bytes,
    decides: bool,
) -> Result<Option<Claim>, ()> {
    let Some(dedup) = config.dedup.as_ref().filter(|_| !decides) else {
        return Ok(None);
    };
    let key = DeliveryKey::new(context.sdk_app_id, &context.command, body);
    let runtime = config
        .background
        .as_ref()
        .map(|background| background.runtime());
    match dedup.claim(key, runtime).await {
        Claimed::New(claim) => Ok(Some(claim)),
        Claimed::Unknown => Ok(None),
        Claimed::Duplicate => Err(()),
    }
}

/// The OK answer, unmarked: the layer's own (see [`AnswerMark`]).
fn answered_ok() -> Response<Full<Bytes>> {
    Answer::ok().into_response_with_status(StatusCode::OK)
}

fn answered_duplicate(trace: &Trace) -> Response<Full<Bytes>> {
    record(trace, "duplicate");
    tracing::debug!("a delivery already claimed: answered OK, not handled again");
    answered_ok()
}

/// Whether the event is a before-callback, whose answer is a decision.
fn decides(event: &Event) -> bool {
    match event {
        Event::Live(event) => !matches!(Asks::of(event), Asks::Nothing),
        _ => false,
    }
}

/// What a Live callback's answer decides.
#[derive(Debug, Clone, Copy)]
enum Asks {
    Nothing,
    Gift,
    Message,
}

impl Asks {
    fn of(event: &LiveEvent) -> Self {
        match event {
            LiveEvent::GiftSending(_) => Self::Gift,
            LiveEvent::MessageSending(_) => Self::Message,
            _ => Self::Nothing,
        }
    }

    /// The answer to `reply`: `Done` is the default decision (allow); a decision of the
    /// other kind is a handler's mistake, answered as one.
    fn answer(self, reply: LiveReply) -> Outcome {
        match (reply, self) {
            (LiveReply::Gift(decision), Self::Gift) => Outcome::Ok(Answer::from(decision)),
            (LiveReply::Message(decision), Self::Message) => Outcome::Ok(Answer::from(decision)),
            (LiveReply::Done, _) => Outcome::Ok(Answer::ok()),
            _ => Outcome::WrongDecision,
        }
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

/// Runs the event's handler, the Room family's or the Live family's, catching a panic
/// (also one raised before its future is made).
///
/// Not an `async fn` nor an `async` block: either would keep the event (or the handler's
/// future) in its state beside the handler's future; an event is a few hundred bytes.
fn run<'a, H: RoomHandler, L: LiveHandler>(
    room: &'a H,
    live: &'a L,
    event: Event,
    context: &'a CallbackContext,
) -> impl Future<Output = Outcome> + Send + 'a {
    match event {
        Event::Live(event) => {
            let asks = Asks::of(&event);
            Either::Left(
                caught(|| live.handle(event, context)).map(move |caught| match caught {
                    Some(Ok(reply)) => asks.answer(reply),
                    Some(Err(error)) => Outcome::Fail(error),
                    None => Outcome::Panicked,
                }),
            )
        }
        event => Either::Right(
            caught(|| room.handle(event, context)).map(|caught| match caught {
                Some(Ok(())) => Outcome::Ok(Answer::ok()),
                Some(Err(error)) => Outcome::Fail(error),
                None => Outcome::Panicked,
            }),
        ),
    }
}

/// `make`'s future, run with its panics caught (also one raised while making it): `None`
/// for a panic.
fn caught<'a, F>(make: impl FnOnce() -> F) -> impl Future<Output = Option<F::Output>> + Send + 'a
where
    F: Future + Send + 'a,
    F::Output: Send,
{
    match std::panic::catch_unwind(AssertUnwindSafe(make)) {
        Ok(future) => Either::Left(AssertUnwindSafe(future).catch_unwind().map(Result::ok)),
        Err(_panic) => Either::Right(std::future::ready(None)),
    }
}

/// Keeps the claim when the callback was handled, releases it otherwise.
async fn settled(claim: Option<Claim>, outcome: Outcome) -> Outcome {
    if let Some(claim) = claim {
        claim.settle(outcome.is_ok()).await;
    }
    outcome
}

impl Outcome {
    fn is_ok(&self) -> bool {
        matches!(self, Self::Ok(_))
    }

    /// The answer to Tencent, the outcome recorded on the callback's span.
    fn into_response(self, trace: &Trace) -> Response<Full<Bytes>> {
        match self {
            Self::Ok(answer) => {
                record(trace, "ok");
                answer.into_response_with_status(StatusCode::OK)
            }
            Self::Fail(error) => {
                record(trace, "fail");
                metrics::handler_failed(error.code());
                tracing::warn!(
                    code = error.code().get(),
                    info = error.info(),
                    error = error.source().map(tracing::field::display),
                    "room callback handler answered FAIL"
                );
                let status = error.status();
                error.into_answer().into_response_with_status(status)
            }
            Self::Panicked => panicked(trace),
            Self::WrongDecision => {
                record(trace, "wrong_decision");
                tracing::error!(
                    "the Live handler answered a decision of another callback's kind (a gift's \
                     for a message, or one for an after-callback); answered 500"
                );
                Rejection::new(
                    ErrorCode::WRONG_DECISION,
                    "the callback handler answered a decision of another callback's kind",
                )
                .into_response()
            }
        }
    }

    /// After the answer, nobody hears of the outcome but the logs.
    fn log_in_background(self) {
        match self {
            Self::Ok(_) => tracing::debug!("room callback handled in the background"),
            Self::Fail(error) => {
                metrics::handler_failed(error.code());
                tracing::warn!(
                    code = error.code().get(),
                    info = error.info(),
                    error = error.source().map(tracing::field::display),
                    "room callback handler failed in the background, after the answer"
                )
            }
            Self::Panicked => tracing::error!("room callback handler panicked in the background"),
            Self::WrongDecision => {
                tracing::error!("the Live handler answered a decision in the background")
            }
        }
    }
}

fn panicked(trace: &Trace) -> Response<Full<Bytes>> {
    record(trace, "panicked");
    // The panic hook has already printed the message; the payload may hold anything, so
    // it is not logged again here.
    tracing::error!("room callback handler panicked; answered 500");
    Rejection::new(ErrorCode::HANDLER_PANICKED, "the callback handler panicked").into_response()
}

/// Misconfiguration and attacks are warned about, rate-limited; the other refusals are
/// the sender's mistakes, logged at `debug`.
fn rejected(config: &Config, rejection: Rejection, trace: &Trace) -> Response<Full<Bytes>> {
    record(trace, "refused");
    metrics::refused(rejection.code);
    let (status, code, reason) = (
        rejection.status.as_u16(),
        rejection.code.get(),
        &rejection.info,
    );
    match config.warnings.refusal(rejection.code) {
        Some(suppressed) => tracing::warn!(
            status,
            code,
            %reason,
            suppressed,
            "room callback refused"
        ),
        None => tracing::debug!(status, code, %reason, "room callback refused"),
    }
    rejection.into_response()
}

/// The application's answer to a callback. A 404 or 405 means no route took the callback
/// path: the event reached no one, so that is said, loudly, rather than passing Tencent a
/// body it cannot read.
fn routed<B>(config: &Config, response: Response<B>, trace: &Trace) -> Response<WebhookBody<B>> {
    let status = response.status();
    if status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED {
        tracing::error!(
            status = status.as_u16(),
            "no route took the callback path: in extension mode the application needs a POST \
             route on it (or give the layer a handler); answered 500"
        );
        record(trace, "no_route");
        return Rejection::new(
            ErrorCode::NO_ROUTE,
            "the application has no route for the callback path",
        )
        .into_response()
        .map(WebhookBody::full);
    }
    // A response made elsewhere than from an `Answer` (a route's "done", say) goes to
    // Tencent as it is, but Tencent reads only its own JSON: say so, once.
    if response.extensions().get::<AnswerMark>().is_none() && config.warnings.first_not_an_answer()
    {
        tracing::warn!(
            status = status.as_u16(),
            "the route on the callback path answered with a response not made from an Answer: \
             Tencent reads only its JSON answer; return Answer::ok() (feature axum) or \
             Answer::ok().into_http_response() (this is said once)"
        );
    }
    record(trace, "delivered");
    response.map(WebhookBody::wrap)
}
