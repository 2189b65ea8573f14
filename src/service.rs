//! [`RoomWebhook`], the service the layer wraps around the application.
//!
//! A request off the callback path goes to the inner service untouched, body unread, on
//! an unboxed future. On the callback path the checks run in the order of the answer
//! table, cheapest first and before the body is read: method (405), `SdkAppid` (403),
//! `Sign` / `RequestTime` (401), content type (415), `CallbackCommand` in the query (400),
//! `Content-Length` against the limit (413). Then the body is read, never past the limit
//! (413), and decoded (400), and the event is delivered.
//!
//! `poll_ready` is the inner service's, in both modes: the service cannot know before
//! `call` whether a request is a callback. In handler mode, backpressure or load
//! shedding on the inner service therefore also holds back Tencent's callbacks; put
//! such layers inside this one (between it and the app) to spare the callbacks.

use std::borrow::Cow;
use std::fmt;
use std::future::poll_fn;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use http_body::Body;
use http_body_util::Full;
use tower_service::Service;
use tracing::Instrument;

use crate::answer::Rejection;
use crate::body::WebhookBody;
use crate::deliver::{claim, deliver, panicked, record, run};
use crate::event::Event;
use crate::future::{CallbackFuture, CatchUnwind, ResponseFuture};
use crate::handler::RoomHandler;
use crate::layer::{Config, ToExtensions, ToHandler};
use crate::query::{CallbackContext, OptPlatform, Param, Query, SdkAppId};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

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

impl<S, H, ReqBody, ResBody> Service<Request<ReqBody>> for RoomWebhook<S, ToHandler<H>>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    S::Error: 'static,
    H: RoomHandler,
    ReqBody: Body + Send + 'static,
    ReqBody::Data: Send,
    ReqBody::Error: Into<BoxError>,
    ResBody: Body<Data = Bytes> + Send + 'static,
{
    type Response = Response<WebhookBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody, S::Error>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        if request.uri().path() != &*self.config.path {
            return ResponseFuture::pass_through(self.inner.call(request));
        }
        let context = match self.config.check(&request) {
            Ok(context) => context,
            Err(rejection) => return refuse(rejection),
        };
        let handler = Arc::clone(&self.mode.0);
        let config = Arc::clone(&self.config);
        let span = callback_span(&context);
        // Only the body is kept: the boxed future stays small (under the allocator's
        // fast-path size), and the request's head is not needed any more.
        let body = request.into_body();
        let future: CallbackFuture<ResBody, S::Error> = Box::pin({
            let span = span.clone();
            async move {
                // Read, then decode outside any `await`: the event goes straight into the
                // handler's future rather than through the states of one more future.
                let received = read_limited(body, config.body_limit)
                    .await
                    .and_then(|bytes| {
                        Ok((decode_and_note(&bytes, &config, &context, &span)?, bytes))
                    });
                let response = match received {
                    Ok((event, _)) if !config.has_options() => {
                        run(&*handler, event, &context).await.into_response(&span)
                    }
                    // Boxed apart, so that the plain path's future stays small.
                    Ok((event, body)) => {
                        Box::pin(deliver(&config, handler, event, context, &body, &span)).await
                    }
                    Err(rejection) => rejected(rejection, &span),
                };
                Ok(response.map(WebhookBody::full))
            }
        });
        ResponseFuture::callback(instrumented(future, span))
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

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        if request.uri().path() != &*self.config.path {
            return ResponseFuture::pass_through(self.inner.call(request.map(WebhookBody::wrap)));
        }
        let context = match self.config.check(&request) {
            Ok(context) => context,
            Err(rejection) => return refuse(rejection),
        };
        // The service that was driven to readiness is the one to call; its clone stays.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let config = Arc::clone(&self.config);
        let span = callback_span(&context);
        let future: CallbackFuture<ResBody, S::Error> = Box::pin({
            let span = span.clone();
            async move {
                let (parts, body) = request.into_parts();
                let received = read_limited(body, config.body_limit)
                    .await
                    .and_then(|bytes| {
                        Ok((decode_and_note(&bytes, &config, &context, &span)?, bytes))
                    });
                let (event, bytes) = match received {
                    Ok(received) => received,
                    Err(rejection) => return Ok(rejected(rejection, &span).map(WebhookBody::full)),
                };
                let claim = match claim(&config, &context, &bytes, &span).await {
                    Ok(claim) => claim,
                    Err(duplicate) => return Ok(duplicate.map(WebhookBody::full)),
                };
                let mut request = Request::from_parts(parts, WebhookBody::full(bytes.into()));
                request.extensions_mut().insert(event);
                request.extensions_mut().insert(context);
                let response = match CatchUnwind::new(|| inner.call(request)).await {
                    Ok(response) => routed(response?, &span),
                    Err(_panic) => panicked(&span).map(WebhookBody::full),
                };
                // The application's own answer is opaque here: anything but a success
                // status counts as not handled, so that a retry is.
                if !response.status().is_success() {
                    if let Some(claim) = claim {
                        claim.release().await;
                    }
                }
                Ok(response)
            }
        });
        ResponseFuture::callback(instrumented(future, span))
    }
}

/// The callback's future, inside its span when anything listens to it. It comes boxed
/// already (boxed where it is written, it is not also moved through this function's
/// argument: a copy of some 800 bytes less); the span costs one more box, only when it
/// is enabled.
fn instrumented<B: 'static, E: 'static>(
    future: CallbackFuture<B, E>,
    span: tracing::Span,
) -> CallbackFuture<B, E> {
    if span.is_disabled() {
        future
    } else {
        Box::pin(future.instrument(span))
    }
}

/// One span per callback that passed the checks made before reading: the room and the
/// outcome are recorded as they become known. Never the body, a token or `Sign`.
fn callback_span(context: &CallbackContext) -> tracing::Span {
    tracing::debug_span!(
        "room_callback",
        sdk_app_id = %context.sdk_app_id,
        command = %context.command,
        room_id = tracing::field::Empty,
        outcome = tracing::field::Empty,
    )
}

fn refuse<F, B, E>(rejection: Rejection) -> ResponseFuture<F, B, E> {
    ResponseFuture::refused(rejected(rejection, &tracing::Span::none()))
}

fn rejected(rejection: Rejection, span: &tracing::Span) -> Response<Full<Bytes>> {
    record(span, "refused");
    tracing::debug!(
        status = rejection.status.as_u16(),
        code = rejection.code.get(),
        reason = %rejection.info,
        "room callback refused"
    );
    rejection.into_response()
}

impl Config {
    /// Everything that can be checked before reading the body.
    fn check<B: Body>(&self, request: &Request<B>) -> Result<CallbackContext, Rejection> {
        if request.method() != Method::POST {
            return Err(Rejection::method_not_allowed());
        }
        let query = Query::parse(request.uri().query().unwrap_or_default());

        let sdk_app_id = match &query.sdk_app_id {
            Param::Value(value) => SdkAppId::parse(value).ok_or_else(|| {
                Rejection::unknown_app("SdkAppid in the query is not a decimal SDKAppID")
            })?,
            Param::Absent => {
                return Err(Rejection::unknown_app("SdkAppid is missing from the query"))
            }
            Param::Repeated => {
                return Err(Rejection::unknown_app(
                    "SdkAppid appears more than once in the query",
                ))
            }
            Param::Malformed => {
                return Err(Rejection::unknown_app(
                    "SdkAppid in the query is not valid percent-encoded text",
                ))
            }
        };
        let app = self.app(sdk_app_id).ok_or_else(|| {
            Rejection::unknown_app(format!(
                "SdkAppid {sdk_app_id} is not an SDKAppID this endpoint is configured for"
            ))
        })?;

        let request_time = match &app.verifier {
            None => None,
            Some(verifier) => {
                let (sign, time) = match (&query.sign, &query.request_time) {
                    (Param::Repeated, _) | (_, Param::Repeated) => {
                        return Err(Rejection::unauthorized(
                            crate::verify::AuthError::Repeated.to_string(),
                        ))
                    }
                    (sign, time) => (value_of(sign), value_of(time)),
                };
                let time = verifier
                    .verify(sign, time)
                    .map_err(|error| Rejection::unauthorized(error.to_string()))?;
                Some(time)
            }
        };

        match &query.content_type {
            Param::Absent => {}
            Param::Value(value) if value.eq_ignore_ascii_case("json") => {}
            Param::Repeated => {
                return Err(Rejection::unsupported_media_type(
                    "contenttype appears more than once in the query, with different values",
                ))
            }
            _ => {
                return Err(Rejection::unsupported_media_type(
                    "contenttype in the query must be json",
                ))
            }
        }
        let mut headers = request.headers().get_all(CONTENT_TYPE).iter();
        let header = headers.next().map(|value| value.as_bytes());
        if headers.next().is_some() {
            return Err(Rejection::unsupported_media_type(
                "the Content-Type header appears more than once",
            ));
        }
        if !self.content_type.accepts(header) {
            return Err(Rejection::unsupported_media_type(
                "the Content-Type header is refused by the content-type policy: callbacks are JSON",
            ));
        }

        let command = match &query.command {
            Param::Value(value) if !value.is_empty() => match Event::known_command(value) {
                Some(known) => Cow::Borrowed(known),
                None => Cow::Owned(value.clone().into_owned()),
            },
            Param::Repeated => {
                return Err(Rejection::bad_request(
                    "CallbackCommand appears more than once in the query",
                ))
            }
            Param::Malformed => {
                return Err(Rejection::bad_request(
                    "CallbackCommand in the query is not valid percent-encoded text",
                ))
            }
            Param::Absent | Param::Value(_) => {
                return Err(Rejection::bad_request(
                    "CallbackCommand is missing from the query",
                ))
            }
        };

        if let Some(length) = request.headers().get(CONTENT_LENGTH) {
            let length = std::str::from_utf8(length.as_bytes())
                .ok()
                .and_then(|text| text.parse::<u64>().ok())
                .ok_or_else(|| Rejection::bad_request("Content-Length is not a number"))?;
            if length > self.body_limit as u64 {
                return Err(Rejection::payload_too_large(self.body_limit));
            }
        }
        if request.body().size_hint().lower() > self.body_limit as u64 {
            return Err(Rejection::payload_too_large(self.body_limit));
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
}

fn value_of<'a>(param: &'a Param<'_>) -> Option<&'a str> {
    match param {
        Param::Value(value) => Some(value),
        // A malformed value is passed on as text that cannot verify.
        Param::Malformed => Some(""),
        Param::Absent | Param::Repeated => None,
    }
}

/// Decodes the body against the query's command, and notes the room on the span and any
/// protocol drift.
fn decode_and_note(
    bytes: &Bytes,
    config: &Config,
    context: &CallbackContext,
    span: &tracing::Span,
) -> Result<Event, Rejection> {
    let event = Event::decode(&context.command, bytes)
        .map_err(|error| Rejection::bad_request(error.to_string()))?;
    if let Some(room) = event.room_id().filter(|_| !span.is_disabled()) {
        span.record("room_id", room.as_str());
    }
    config.drift.note(&event);
    Ok(event)
}

/// The whole body, refused as soon as it passes `limit`. A body in one frame (the usual
/// case) is kept as it came, without a copy; more frames are gathered into one buffer.
async fn read_limited<B>(body: B, limit: usize) -> Result<Bytes, Rejection>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let mut body = std::pin::pin!(body);
    let mut first: Option<Bytes> = None;
    let mut gathered: Option<BytesMut> = None;
    let mut total = 0usize;
    while let Some(frame) = poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        let frame =
            frame.map_err(|_| Rejection::bad_request("the body could not be read to its end"))?;
        let Ok(mut data) = frame.into_data() else {
            continue; // trailers: nothing to read
        };
        let length = data.remaining();
        total = total.saturating_add(length);
        if total > limit {
            return Err(Rejection::payload_too_large(limit));
        }
        let chunk = data.copy_to_bytes(length);
        match (&first, &mut gathered) {
            (None, _) => first = Some(chunk),
            (Some(_), Some(buffer)) => buffer.extend_from_slice(&chunk),
            (Some(head), None) => {
                let expected = usize::try_from(body.size_hint().lower())
                    .unwrap_or(usize::MAX)
                    .min(limit);
                let mut buffer = BytesMut::with_capacity(expected.max(total));
                buffer.extend_from_slice(head);
                buffer.extend_from_slice(&chunk);
                gathered = Some(buffer);
            }
        }
    }
    Ok(match gathered {
        Some(buffer) => buffer.freeze(),
        None => first.unwrap_or_default(),
    })
}

/// The inner service's answer to a callback. A 404 or 405 means no route took the
/// callback path: the event reached no one, so that is said, loudly, rather than
/// passing Tencent a body it cannot read.
fn routed<B>(response: Response<B>, span: &tracing::Span) -> Response<WebhookBody<B>> {
    let status = response.status();
    if status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED {
        tracing::error!(
            status = status.as_u16(),
            "no route took the callback path: in extension mode the application needs a POST \
             route on it (or give the layer a handler); answered 500"
        );
        record(span, "no_route");
        return Rejection::no_route().into_response().map(WebhookBody::full);
    }
    record(span, "delivered");
    response.map(WebhookBody::wrap)
}
