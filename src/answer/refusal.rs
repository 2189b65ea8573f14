//! [`Refusal`]: why the layer answered a callback FAIL itself, one variant a reason.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderValue, ALLOW};
use http::{Response, StatusCode};
use http_body_util::Full;

use super::{Answer, ErrorCode};
use crate::event::DecodeError;
use crate::query::SdkAppId;
use crate::verify::AuthError;

/// Why the layer refused a callback. Each variant knows its [`ErrorCode`] (whose hundreds
/// are the HTTP status); its `Display` is the `ErrorInfo` sent, which never holds a token,
/// a `Sign` or the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    MethodNotAllowed,
    AppMissing,
    AppRepeated,
    AppNotANumber,
    AppUnknown(SdkAppId),
    Unauthorized(AuthError),
    ContentTypeParamRepeated,
    ContentTypeParamNotJson,
    ContentTypeHeaderRepeated,
    ContentTypeRefused,
    CommandMissing,
    CommandRepeated,
    LengthsDiffer,
    LengthNotANumber,
    TooLarge {
        limit: usize,
    },
    BodyTimeout(Duration),
    Busy,
    BodyCut,
    NotACallback(DecodeError),
    QueueFull,
    ShuttingDown,
    DeliveryPending,
    OutOfTime,
    NotRecorded,
    RecordTimedOut(Duration),
    Panicked,
    NoRoute,
    #[cfg_attr(not(feature = "axum"), allow(dead_code))]
    NoCallback,
    WrongDecision,
    HandlerTimeout,
}

impl Refusal {
    /// The code answered, whose hundreds are the HTTP status.
    pub(crate) fn code(&self) -> ErrorCode {
        self.describe().0
    }

    /// The code, and the message of the variants that carry nothing to say.
    fn describe(&self) -> (ErrorCode, &'static str) {
        use ErrorCode as C;
        match self {
            Self::MethodNotAllowed => (C::METHOD_NOT_ALLOWED, "callbacks are sent with POST"),
            Self::AppMissing => (C::UNKNOWN_APP, "SdkAppid is missing from the query"),
            Self::AppRepeated => (
                C::UNKNOWN_APP,
                "SdkAppid appears more than once in the query",
            ),
            Self::AppNotANumber => (
                C::UNKNOWN_APP,
                "SdkAppid in the query is not a decimal SDKAppID",
            ),
            Self::AppUnknown(_) => (C::UNKNOWN_APP, ""),
            Self::Unauthorized(_) => (C::UNAUTHORIZED, ""),
            Self::ContentTypeParamRepeated => (
                C::UNSUPPORTED_MEDIA_TYPE,
                "contenttype appears more than once in the query, with different values",
            ),
            Self::ContentTypeParamNotJson => (
                C::UNSUPPORTED_MEDIA_TYPE,
                "contenttype in the query must be json",
            ),
            Self::ContentTypeHeaderRepeated => (
                C::UNSUPPORTED_MEDIA_TYPE,
                "the Content-Type header appears more than once",
            ),
            Self::ContentTypeRefused => (
                C::UNSUPPORTED_MEDIA_TYPE,
                "the Content-Type header is refused by the content-type policy: callbacks are JSON",
            ),
            Self::CommandMissing => (C::BAD_REQUEST, "CallbackCommand is missing from the query"),
            Self::CommandRepeated => (
                C::BAD_REQUEST,
                "CallbackCommand appears more than once in the query",
            ),
            Self::LengthsDiffer => (
                C::BAD_REQUEST,
                "Content-Length appears more than once, with different values",
            ),
            Self::LengthNotANumber => (C::BAD_REQUEST, "Content-Length is not a number"),
            Self::TooLarge { .. } => (C::PAYLOAD_TOO_LARGE, ""),
            Self::BodyTimeout(_) => (C::BODY_TIMEOUT, ""),
            Self::Busy => (
                C::BUSY,
                "the callbacks being read hold the buffered limit already; the callback was \
                 not read",
            ),
            Self::BodyCut => (C::BAD_REQUEST, "the body could not be read to its end"),
            Self::NotACallback(_) => (C::BAD_REQUEST, ""),
            Self::QueueFull => (
                C::QUEUE_FULL,
                "the callback queue is full; the callback was not taken",
            ),
            Self::ShuttingDown => (
                C::SHUTTING_DOWN,
                "the server is shutting down; the callback was not taken",
            ),
            Self::NotRecorded => (C::NOT_RECORDED, "the event could not be recorded"),
            Self::RecordTimedOut(_) => (C::RECORD_TIMEOUT, ""),
            Self::OutOfTime => (
                C::OUT_OF_TIME,
                "the callback could not be handled within the time to answer it",
            ),
            Self::DeliveryPending => (
                C::DELIVERY_PENDING,
                "another delivery of this callback is being handled; the callback was not taken",
            ),
            Self::Panicked => (C::HANDLER_PANICKED, "the callback handler panicked"),
            Self::NoRoute => (
                C::NO_ROUTE,
                "the application has no route for the callback path",
            ),
            Self::NoCallback => (
                C::NO_CALLBACK,
                "the application's callback route received no callback from the webhook layer",
            ),
            Self::WrongDecision => (
                C::WRONG_DECISION,
                "the callback handler answered a decision of another callback's kind",
            ),
            Self::HandlerTimeout => (
                C::HANDLER_TIMEOUT,
                "the callback handler did not finish by its deadline and was cancelled",
            ),
        }
    }

    /// The HTTP status: the code's hundreds.
    pub(crate) fn status(&self) -> StatusCode {
        StatusCode::from_u16((self.code().get() / 100) as u16)
            .expect("the layer's own codes are an HTTP status times 100")
    }

    /// Tencent's FAIL answer, with `Allow: POST` for a wrong method.
    pub(crate) fn into_response(self) -> Response<Full<Bytes>> {
        let status = self.status();
        let mut response =
            Answer::fail(self.code(), self.to_string()).into_response_with_status(status);
        if status == StatusCode::METHOD_NOT_ALLOWED {
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("POST"));
        }
        response
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AppUnknown(id) => write!(
                f,
                "SdkAppid {id} is not an SDKAppID this endpoint is configured for"
            ),
            Self::Unauthorized(error) => error.fmt(f),
            Self::TooLarge { limit } => write!(f, "body is larger than the limit of {limit} bytes"),
            Self::BodyTimeout(timeout) => {
                write!(f, "the body did not arrive whole within {timeout:?}")
            }
            Self::NotACallback(error) => error.fmt(f),
            Self::RecordTimedOut(wait) => {
                write!(f, "the event was not confirmed recorded within {wait:?}")
            }
            fixed => f.write_str(fixed.describe().1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_answers_the_status_its_code_names() {
        for refusal in [
            Refusal::MethodNotAllowed,
            Refusal::AppUnknown(SdkAppId::new(7)),
            Refusal::TooLarge { limit: 10 },
            Refusal::BodyTimeout(Duration::from_secs(2)),
            Refusal::Busy,
            Refusal::HandlerTimeout,
        ] {
            let code = refusal.code().get();
            assert_eq!(refusal.status().as_u16() as i32, code / 100, "{refusal}");
            assert_eq!(refusal.into_response().status().as_u16() as i32, code / 100);
        }
    }
}
