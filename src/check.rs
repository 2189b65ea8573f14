//! The first stage of a callback: everything that can be checked before reading the body,
//! in the order of the answer table, cheapest first: method (405), `SdkAppid` (403),
//! `Sign` / `RequestTime` (401), content type (415), `CallbackCommand` in the query
//! (400), `Content-Length` against the limit (413).

use std::borrow::Cow;

use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{Method, Request};
use http_body::Body;

use crate::answer::Refusal;
use crate::config::{App, Config};
use crate::event::Event;
use crate::query::{CallbackContext, OptPlatform, Param, Query, SdkAppId};
use crate::verify::AuthError;

/// The callback's context when the request may be a callback, or why it is not.
pub(crate) fn check<B: Body>(
    config: &Config,
    request: &Request<B>,
) -> Result<CallbackContext, Refusal> {
    if request.method() != Method::POST {
        return Err(Refusal::MethodNotAllowed);
    }
    let query = Query::parse(request.uri().query().unwrap_or_default());
    let sdk_app_id = sdk_app_id(&query.sdk_app_id)?;
    let app = config
        .app(sdk_app_id)
        .ok_or(Refusal::AppUnknown(sdk_app_id))?;
    let request_time = signature(app, &query)?;
    content_type(config, &query.content_type, request)?;
    let command = command(&query.command)?;
    length(config, request)?;
    Ok(CallbackContext {
        sdk_app_id,
        command,
        client_ip: (query.client_ip.informational()).and_then(|ip| ip.parse().ok()),
        platform: query.platform.informational().map(OptPlatform::from),
        request_time,
    })
}

fn sdk_app_id(param: &Param<'_>) -> Result<SdkAppId, Refusal> {
    match param {
        Param::Value(value) => SdkAppId::parse(value).ok_or(Refusal::AppNotANumber),
        Param::Absent => Err(Refusal::AppMissing),
        Param::Repeated => Err(Refusal::AppRepeated),
    }
}

/// `RequestTime`, checked with `Sign` when the app has tokens.
fn signature(app: &App, query: &Query<'_>) -> Result<Option<u64>, Refusal> {
    let Some(verifier) = &app.verifier else {
        return Ok(None);
    };
    if query.sign == Param::Repeated || query.request_time == Param::Repeated {
        return Err(Refusal::Unauthorized(AuthError::Repeated));
    }
    verifier
        .verify(query.sign.value(), query.request_time.value())
        .map(Some)
        .map_err(Refusal::Unauthorized)
}

/// The `contenttype` parameter, when sent, is `json`; the header is the policy's to judge.
fn content_type<B>(
    config: &Config,
    param: &Param<'_>,
    request: &Request<B>,
) -> Result<(), Refusal> {
    match param {
        Param::Absent => {}
        Param::Value(value) if value.eq_ignore_ascii_case("json") => {}
        Param::Repeated => return Err(Refusal::ContentTypeParamRepeated),
        Param::Value(_) => return Err(Refusal::ContentTypeParamNotJson),
    }
    let mut headers = request.headers().get_all(CONTENT_TYPE).iter();
    let header = headers.next();
    if headers.next().is_some() {
        return Err(Refusal::ContentTypeHeaderRepeated);
    }
    match config.content_type.accepts(header) {
        true => Ok(()),
        false => Err(Refusal::ContentTypeRefused),
    }
}

/// The query's command, borrowed when the crate knows it (no allocation, a bounded label).
fn command(param: &Param<'_>) -> Result<Cow<'static, str>, Refusal> {
    match param {
        Param::Value(value) if !value.is_empty() => Ok(match Event::known_command(value) {
            Some(known) => Cow::Borrowed(known),
            None => Cow::Owned(value.clone().into_owned()),
        }),
        Param::Repeated => Err(Refusal::CommandRepeated),
        Param::Absent | Param::Value(_) => Err(Refusal::CommandMissing),
    }
}

/// A declared length past the limit is refused before a byte is read.
fn length<B: Body>(config: &Config, request: &Request<B>) -> Result<(), Refusal> {
    let too_large = Refusal::TooLarge {
        limit: config.body_limit,
    };
    let mut lengths = request.headers().get_all(CONTENT_LENGTH).iter();
    if let Some(length) = lengths.next() {
        if lengths.any(|other| other != length) {
            return Err(Refusal::LengthsDiffer);
        }
        // RFC 9110: `1*DIGIT`, no sign; a numeral past `u64` is a length past any limit.
        let length = length.to_str().unwrap_or_default();
        if !crate::lenient::is_numeral(length) {
            return Err(Refusal::LengthNotANumber);
        }
        if length.parse().unwrap_or(u64::MAX) > config.body_limit as u64 {
            return Err(too_large);
        }
    }
    if request.body().size_hint().lower() > config.body_limit as u64 {
        return Err(too_large);
    }
    Ok(())
}
