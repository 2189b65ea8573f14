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
    TooLarge { limit: usize },
    BodyTimeout(Duration),
    Busy,
    BodyCut,
    NotACallback(DecodeError),
    QueueFull,
    ShuttingDown,
    Panicked,
    NoRoute,
    NoCallback,
    WrongDecision,
    HandlerTimeout,
}

impl Refusal {
    /// The code answered, whose hundreds are the HTTP status.
    pub(crate) fn code(&self) -> ErrorCode {
        match self {
            Self::MethodNotAllowed => ErrorCode::METHOD_NOT_ALLOWED,
            Self::AppMissing | Self::AppRepeated | Self::AppNotANumber | Self::AppUnknown(_) => {
                ErrorCode::UNKNOWN_APP
            }
            Self::Unauthorized(_) => ErrorCode::UNAUTHORIZED,
            Self::ContentTypeParamRepeated
            | Self::ContentTypeParamNotJson
            | Self::ContentTypeHeaderRepeated
            | Self::ContentTypeRefused => ErrorCode::UNSUPPORTED_MEDIA_TYPE,
            Self::CommandMissing
            | Self::CommandRepeated
            | Self::LengthsDiffer
            | Self::LengthNotANumber
            | Self::BodyCut
            | Self::NotACallback(_) => ErrorCode::BAD_REQUEST,
            Self::TooLarge { .. } => ErrorCode::PAYLOAD_TOO_LARGE,
            Self::BodyTimeout(_) => ErrorCode::BODY_TIMEOUT,
            Self::Busy => ErrorCode::BUSY,
            Self::QueueFull => ErrorCode::QUEUE_FULL,
            Self::ShuttingDown => ErrorCode::SHUTTING_DOWN,
            Self::Panicked => ErrorCode::HANDLER_PANICKED,
            Self::NoRoute => ErrorCode::NO_ROUTE,
            Self::NoCallback => ErrorCode::NO_CALLBACK,
            Self::WrongDecision => ErrorCode::WRONG_DECISION,
            Self::HandlerTimeout => ErrorCode::HANDLER_TIMEOUT,
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
            Self::MethodNotAllowed => f.write_str("callbacks are sent with POST"),
            Self::AppMissing => f.write_str("SdkAppid is missing from the query"),
            Self::AppRepeated => f.write_str("SdkAppid appears more than once in the query"),
            Self::AppNotANumber => f.write_str("SdkAppid in the query is not a decimal SDKAppID"),
            Self::AppUnknown(id) => write!(
                f,
                "SdkAppid {id} is not an SDKAppID this endpoint is configured for"
            ),
            Self::Unauthorized(error) => error.fmt(f),
            Self::ContentTypeParamRepeated => f.write_str(
                "contenttype appears more than once in the query, with different values",
            ),
            Self::ContentTypeParamNotJson => f.write_str("contenttype in the query must be json"),
            Self::ContentTypeHeaderRepeated => {
                f.write_str("the Content-Type header appears more than once")
            }
            Self::ContentTypeRefused => f.write_str(
                "the Content-Type header is refused by the content-type policy: callbacks are JSON",
            ),
            Self::CommandMissing => f.write_str("CallbackCommand is missing from the query"),
            Self::CommandRepeated => {
                f.write_str("CallbackCommand appears more than once in the query")
            }
            Self::LengthsDiffer => {
                f.write_str("Content-Length appears more than once, with different values")
            }
            Self::LengthNotANumber => f.write_str("Content-Length is not a number"),
            Self::TooLarge { limit } => {
                write!(f, "body is larger than the limit of {limit} bytes")
            }
            Self::BodyTimeout(timeout) => {
                write!(f, "the body did not arrive whole within {timeout:?}")
            }
            Self::Busy => f.write_str(
                "the callbacks being read hold the buffered limit already; the callback was \
                 not read",
            ),
            Self::BodyCut => f.write_str("the body could not be read to its end"),
            Self::NotACallback(error) => error.fmt(f),
            Self::QueueFull => {
                f.write_str("the callback queue is full; the callback was not taken")
            }
            Self::ShuttingDown => {
                f.write_str("the server is shutting down; the callback was not taken")
            }
            Self::Panicked => f.write_str("the callback handler panicked"),
            Self::NoRoute => f.write_str("the application has no route for the callback path"),
            Self::NoCallback => f.write_str(
                "the application's callback route received no callback from the webhook layer",
            ),
            Self::WrongDecision => {
                f.write_str("the callback handler answered a decision of another callback's kind")
            }
            Self::HandlerTimeout => {
                f.write_str("the callback handler did not finish by its deadline and was cancelled")
            }
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
