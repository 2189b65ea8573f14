//! The whole decode path of the layer, in handler mode and in extension mode.
//!
//! The input is a 24-byte control header followed by an extra query string and the body
//! (see `Input::parse`). A header of 24 zero bytes means "a well-formed, signed callback
//! whose query command is the body's own", so the fixtures, prefixed with 24 zero bytes,
//! are seeds that reach the handler (see `fuzz/seed-corpus.sh`).
//!
//! Invariants checked on every input (see FUZZING.md):
//! - no panic, and the response future is ready without I/O;
//! - off the callback path the inner service answers, untouched, and nothing is delivered;
//! - on the callback path the status is one of 200, 400, 401, 403, 405, 413, 415 (500 is
//!   documented for a panicking handler, which this harness does not have, so it is a
//!   finding here), every answer is `application/json` with exactly ActionStatus,
//!   ErrorInfo and ErrorCode, OK only with code 0 and status 200, FAIL with a non-zero
//!   code, 405 with `Allow: POST`;
//! - ErrorInfo never contains the token, the `Sign` value or the body (see `leaks`);
//! - the handler (or the inner service, in extension mode) saw the event exactly once
//!   when the status is 200 and never otherwise, with the query's command;
//! - both modes give the same status and code.
#![no_main]

use std::convert::Infallible;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tencent_room_webhook::verify::sign;
use tencent_room_webhook::{
    Answer, CallbackContext, Event, HandlerResult, RoomHandler, RoomWebhookLayer, WebhookBody,
};
use tower_layer::Layer;
use tower_service::Service;

const APP: u64 = 1400000000;
const TOKEN: &str = "fuzz-TOKEN-7f3e!#";
const NOW: u64 = 1_700_000_000;
const LIMIT: usize = 4096;
const PATH: &str = "/callback";
const HEADER: usize = 24;
/// The inner service's own status, off the callback path.
const INNER_STATUS: u16 = 418;

const COMMANDS: [&str; 8] = [
    "Room.CallbackAfterCreateRoom",
    "Room.CallbackAfterDestroyRoom",
    "Room.CallbackAfterUpdateRoomInfo",
    "Room.CallbackAfterMemberEnter",
    "Room.CallbackAfterMemberLeave",
    "Mic.CallbackAfterSeatInfoChanged",
    "Room.CallbackAfterSomethingNew",
    "Group.CallbackAfterSendMsg",
];

fn clock() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW)
}

// The executor: the layer's futures complete without I/O on a `Full` body.

fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..64 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("a future stayed pending with no I/O to wait for");
}

// What the layer delivered.

type Seen = Arc<Mutex<Vec<(Event, CallbackContext)>>>;

#[derive(Clone)]
struct Recorder(Seen);

impl RoomHandler for Recorder {
    async fn handle(&self, event: Event, context: &CallbackContext) -> HandlerResult {
        self.0.lock().unwrap().push((event, context.clone()));
        Ok(())
    }
}

fn inner_response() -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(b"inner")));
    *response.status_mut() = StatusCode::from_u16(INNER_STATUS).unwrap();
    response
}

struct Harness {
    handler_seen: Seen,
    extension_seen: Seen,
    handler_layer: RoomWebhookLayer<tencent_room_webhook::ToHandler<Recorder>>,
    extension_layer: RoomWebhookLayer,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let handler_seen = Seen::default();
        let handler_layer = RoomWebhookLayer::builder()
            .sdk_app_id(APP)
            .token(TOKEN)
            .clock(clock)
            .body_limit(LIMIT)
            .handler(Recorder(handler_seen.clone()))
            .build()
            .unwrap();
        let extension_layer = RoomWebhookLayer::builder()
            .sdk_app_id(APP)
            .token(TOKEN)
            .clock(clock)
            .body_limit(LIMIT)
            .build()
            .unwrap();
        Harness {
            handler_seen,
            extension_seen: Seen::default(),
            handler_layer,
            extension_layer,
        }
    })
}

// The request, derived from the input.

struct Input<'a> {
    h: [u8; HEADER],
    extra_query: &'a [u8],
    body: &'a [u8],
}

impl<'a> Input<'a> {
    /// `[0..24)` control bytes (missing bytes read as 0), then `h[10]` bytes of extra
    /// query, then the body.
    fn parse(data: &'a [u8]) -> Self {
        let mut h = [0u8; HEADER];
        let split = data.len().min(HEADER);
        h[..split].copy_from_slice(&data[..split]);
        let rest = &data[split..];
        let extra = usize::from(h[10]).min(rest.len());
        Self {
            h,
            extra_query: &rest[..extra],
            body: &rest[extra..],
        }
    }

    fn time(&self) -> u64 {
        u64::from_le_bytes(self.h[12..20].try_into().unwrap())
    }

    fn aux(&self) -> u32 {
        u32::from_le_bytes(self.h[20..24].try_into().unwrap())
    }
}

/// Keeps what `http::Uri` takes in a query as is (`%`, `&`, `=` and `+` included, so that
/// broken escapes and repeated parameters get through), escapes the rest.
fn push_query_bytes(out: &mut String, bytes: &[u8]) {
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"!$&'()*+,-./:;=?@_~%".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

struct Built {
    request: Request<Full<Bytes>>,
    /// The `Sign` values sent, for the leak check.
    signs: Vec<String>,
    /// Whether the request is on the callback path.
    on_path: bool,
}

fn body_command(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    value.get("CallbackCommand")?.as_str().map(str::to_owned)
}

fn build(input: &Input<'_>) -> Option<Built> {
    let h = &input.h;
    let method = match h[0] {
        0..=199 => Method::POST,
        b => {
            let names: [&[u8]; 10] = [
                b"GET", b"PUT", b"HEAD", b"DELETE", b"OPTIONS", b"PATCH", b"post", b"PoSt",
                b"TRACE", b"CONNECT",
            ];
            Method::from_bytes(names[usize::from(b) % names.len()]).unwrap()
        }
    };
    let path = match h[1] {
        0..=199 => PATH,
        b => {
            let paths = [
                "/callback/",
                "/Callback",
                "/callback;x",
                "//callback",
                "/%63allback",
                "/callbacks",
                "/",
                "/callback/..",
                "/api/callback",
            ];
            paths[usize::from(b) % paths.len()]
        }
    };

    let mut params: Vec<String> = Vec::new();
    let app = APP.to_string();
    match h[2] % 10 {
        0 => params.push(format!("SdkAppid={app}")),
        1 => {}
        2 => params.push("SdkAppid=1400000001".into()),
        3 => {
            params.push(format!("SdkAppid={app}"));
            params.push(format!("SdkAppid={app}"));
        }
        4 => params.push(format!("sdkappid={app}")),
        5 => params.push("SdkAppid=%31400000000".into()),
        6 => {
            params.push(format!("SdkAppid={app}"));
            params.push(format!("%53dkAppid={app}"));
        }
        7 => params.push(format!("SdkAppid=0{app}")),
        8 => params.push(format!("SdkAppid={}", input.aux())),
        _ => params.push(format!("SdkAppid={app}%00")),
    }
    match h[3] % 8 {
        0 => params.push("contenttype=json".into()),
        1 => {}
        2 => params.push("contenttype=JSON".into()),
        3 => params.push("contenttype=xml".into()),
        4 => {
            params.push("contenttype=json".into());
            params.push("contenttype=json".into());
        }
        5 => params.push("contenttype=json%00".into()),
        6 => params.push("contenttype=".into()),
        _ => params.push("contenttype=%6Aso%6E".into()),
    }

    let mut signs = Vec::new();
    let mut signed = |time: u64, token: &str, upper: bool| {
        let mut s = sign(token.as_bytes(), time);
        if upper {
            s = s.to_uppercase();
        }
        signs.push(s.clone());
        s
    };
    let offset = i64::from(h[5] as i8);
    match h[4] % 11 {
        0 => {
            let s = signed(NOW, TOKEN, false);
            params.push(format!("Sign={s}&RequestTime={NOW}"));
        }
        1 => {}
        2 => {
            let time = NOW.saturating_add_signed(offset);
            let s = signed(time, TOKEN, false);
            params.push(format!("Sign={s}&RequestTime={time}"));
        }
        3 => {
            let time = input.time();
            let s = signed(time, TOKEN, false);
            params.push(format!("Sign={s}&RequestTime={time}"));
        }
        4 => {
            let s = signed(NOW, "another-token", false);
            params.push(format!("Sign={s}&RequestTime={NOW}"));
        }
        5 => {
            let s = signed(NOW, TOKEN, true);
            params.push(format!("Sign={s}&RequestTime={NOW}"));
        }
        6 => {
            let s = signed(NOW, TOKEN, false);
            params.push(format!("Sign={s}"));
        }
        7 => params.push(format!("RequestTime={NOW}")),
        8 => {
            let s = signed(NOW, TOKEN, false);
            params.push(format!("Sign={s}&sign={s}&RequestTime={NOW}"));
        }
        9 => {
            let s = signed(NOW, TOKEN, false);
            params.push(format!("Sign={s}&RequestTime=0{NOW}"));
        }
        _ => {
            // The right Sign for the time, sent as a time of another spelling.
            let s = signed(NOW, TOKEN, false);
            params.push(format!("Sign={s}&RequestTime={NOW}%00"));
        }
    }

    let body_cmd = body_command(input.body);
    match h[8] % 12 {
        0 => {
            let command = body_cmd.clone().unwrap_or_else(|| COMMANDS[1].to_owned());
            let mut value = String::new();
            push_query_bytes(&mut value, command.as_bytes());
            params.push(format!("CallbackCommand={value}"));
        }
        1 => {}
        2..=9 => params.push(format!(
            "CallbackCommand={}",
            COMMANDS[usize::from(h[8] % 12) - 2]
        )),
        10 => params.push("CallbackCommand=".into()),
        _ => {
            params.push(format!("CallbackCommand={}", COMMANDS[1]));
            params.push(format!("callbackcommand={}", COMMANDS[1]));
        }
    }

    let misc = h[9];
    if misc & 1 != 0 {
        params.push("ClientIP=127.0.0.1".into());
    }
    if misc & 2 != 0 {
        params.push("OptPlatform=Web".into());
    }
    if misc & 4 != 0 {
        params.reverse();
    }
    if misc & 8 != 0 {
        params.insert(0, "own=1&&=&".into());
    }
    let mut query = params.join("&");
    if !input.extra_query.is_empty() {
        if !query.is_empty() {
            query.push('&');
        }
        push_query_bytes(&mut query, input.extra_query);
    }
    let uri = if query.is_empty() && misc & 16 != 0 {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    };

    let mut builder = Request::builder().method(method).uri(uri);
    let aux = input.aux();
    let content_types: [&[u8]; 9] = [
        b"application/json",
        b"",
        b"text/plain",
        b"application/x-www-form-urlencoded",
        b"multipart/form-data; boundary=x",
        b"APPLICATION/JSON; charset=UTF-8",
        b"application/octet-stream",
        b"application/problem+json",
        b"\tmultipart/mixed ",
    ];
    match h[6] % 11 {
        1 => {}
        9 => {
            builder = builder
                .header("content-type", "application/json")
                .header("content-type", "multipart/form-data");
        }
        10 => {
            let raw = aux.to_le_bytes();
            if let Ok(value) = HeaderValue::from_bytes(&raw) {
                builder = builder.header("content-type", value);
            }
        }
        i => {
            builder = builder.header(
                "content-type",
                HeaderValue::from_bytes(content_types[usize::from(i)]).unwrap(),
            );
        }
    }
    let len = input.body.len() as u64;
    let content_length: Option<String> = match h[7] % 10 {
        0 => Some(len.to_string()),
        1 => None,
        2 => Some(len.saturating_add(u64::from(aux)).to_string()),
        3 => Some(len.saturating_sub(u64::from(aux)).to_string()),
        4 => Some(u64::MAX.to_string()),
        5 => Some("abc".into()),
        6 => Some(format!("+{len}")),
        7 => Some(aux.to_string()),
        8 => {
            builder = builder.header("content-length", len);
            Some(len.to_string())
        }
        _ => Some("99999999999999999999999".into()),
    };
    if let Some(value) = content_length {
        builder = builder.header("content-length", value);
    }
    let request = builder
        .body(Full::new(Bytes::copy_from_slice(input.body)))
        .ok()?;
    let on_path = request.uri().path() == PATH;
    Some(Built {
        request,
        signs,
        on_path,
    })
}

// The checks.

#[derive(Debug, PartialEq, Eq)]
struct Checked {
    status: u16,
    code: Option<i64>,
}

/// Whether `needle` appearing in an ErrorInfo can only have been copied there. The
/// layer's own messages are English words, digits and a little punctuation; a needle
/// that is short, or made only of such characters, may appear in them by chance (a body
/// `callbacks` in "callbacks are sent with POST").
fn distinctive(needle: &str) -> bool {
    needle.len() >= 8
        && needle
            .bytes()
            .any(|b| !(b.is_ascii_alphanumeric() || b" ,.'():;/-_".contains(&b)))
}

fn leaks(info: &str, input: &Input<'_>, signs: &[String], query_sign: &[String]) -> Option<String> {
    if info.contains(TOKEN) {
        return Some("the token".into());
    }
    for sign in signs.iter().chain(query_sign) {
        // A Sign is 64 hex digits when well formed: no message has such a run.
        let hexy = sign.len() >= 16 && sign.bytes().all(|b| b.is_ascii_hexdigit());
        if (hexy || distinctive(sign)) && info.contains(sign.as_str()) {
            return Some(format!("the Sign {sign:?}"));
        }
    }
    let body = String::from_utf8_lossy(input.body);
    let body = body.trim();
    if distinctive(body) && info.contains(body) {
        return Some("the body".into());
    }
    // Also every string of the body (serde's messages quote values they refuse).
    if let Ok(value) = serde_json::from_slice::<Value>(input.body) {
        let mut stack = vec![&value];
        while let Some(value) = stack.pop() {
            match value {
                Value::String(s) if distinctive(s) && info.contains(s.as_str()) => {
                    return Some(format!("the body's string {s:?}"));
                }
                Value::Array(items) => stack.extend(items),
                Value::Object(map) => {
                    for (key, item) in map {
                        if distinctive(key) && info.contains(key.as_str()) {
                            return Some(format!("the body's key {key:?}"));
                        }
                        stack.push(item);
                    }
                }
                _ => {}
            }
        }
    }
    None
}

/// The `Sign` values of the query as written (the extra query may carry its own).
fn query_signs(request: &Request<Full<Bytes>>) -> Vec<String> {
    request
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(name, _)| name.eq_ignore_ascii_case("Sign"))
        .map(|(_, value)| value.to_owned())
        .collect()
}

fn check(
    mode: &str,
    response: Response<WebhookBody<Full<Bytes>>>,
    built: &Built,
    input: &Input<'_>,
    query_sign: &[String],
    seen: Vec<(Event, CallbackContext)>,
) -> Checked {
    let (parts, body) = response.into_parts();
    let bytes = block_on(body.collect())
        .unwrap_or_else(|never| match never {})
        .to_bytes();
    let status = parts.status.as_u16();
    if !built.on_path {
        assert_eq!(
            status, INNER_STATUS,
            "{mode}: off the path, the inner service answers"
        );
        assert_eq!(&bytes[..], b"inner", "{mode}: the inner answer, untouched");
        assert!(seen.is_empty(), "{mode}: nothing delivered off the path");
        return Checked { status, code: None };
    }
    assert!(
        [200, 400, 401, 403, 405, 413, 415].contains(&status),
        "{mode}: undocumented status {status}"
    );
    assert_eq!(
        parts.headers.get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/json"[..]),
        "{mode}: every answer is JSON"
    );
    let value: Value = serde_json::from_slice(&bytes).expect("the answer is JSON");
    let object = value.as_object().expect("the answer is an object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["ActionStatus", "ErrorCode", "ErrorInfo"], "{mode}");
    let action = object["ActionStatus"]
        .as_str()
        .expect("ActionStatus is text");
    let code = object["ErrorCode"]
        .as_i64()
        .expect("ErrorCode is an integer");
    let info = object["ErrorInfo"].as_str().expect("ErrorInfo is text");
    match action {
        "OK" => {
            assert_eq!(code, 0, "{mode}: OK has code 0");
            assert_eq!(status, 200, "{mode}: OK has status 200");
            assert!(info.is_empty(), "{mode}: OK has no ErrorInfo");
        }
        "FAIL" => {
            assert_ne!(code, 0, "{mode}: FAIL has a non-zero code");
            assert_ne!(status, 200, "{mode}: this harness's receivers never fail");
            assert_eq!(
                i64::from(status) * 100,
                code,
                "{mode}: the code of the status"
            );
        }
        other => panic!("{mode}: ActionStatus {other:?}"),
    }
    if status == 405 {
        assert_eq!(parts.headers.get("allow").unwrap(), "POST", "{mode}");
    }
    if let Some(what) = leaks(info, input, &built.signs, query_sign) {
        panic!("{mode}: ErrorInfo {info:?} leaks {what}");
    }
    if status == 200 {
        assert_eq!(
            seen.len(),
            1,
            "{mode}: a 200 delivers the event exactly once"
        );
        let (event, context) = &seen[0];
        assert_eq!(
            event.command(),
            context.command,
            "{mode}: the query's command"
        );
        assert_eq!(context.sdk_app_id.get(), APP, "{mode}");
        assert!(context.request_time.is_some(), "{mode}: signed");
    } else {
        assert!(seen.is_empty(), "{mode}: a refusal delivers nothing");
    }
    Checked {
        status,
        code: Some(code),
    }
}

fn run(data: &[u8]) {
    let input = Input::parse(data);
    let Some(built) = build(&input) else {
        return;
    };
    let harness = harness();
    let query_sign = query_signs(&built.request);

    // Handler mode.
    harness.handler_seen.lock().unwrap().clear();
    let mut service = harness
        .handler_layer
        .layer(tower_service_fn(|_: Request<Full<Bytes>>| {
            std::future::ready(Ok::<_, Infallible>(inner_response()))
        }));
    let request = clone_request(&built.request);
    let response = block_on(service.call(request)).unwrap_or_else(|never| match never {});
    let seen = std::mem::take(&mut *harness.handler_seen.lock().unwrap());
    let by_handler = check("handler mode", response, &built, &input, &query_sign, seen);

    // Extension mode: the inner service answers OK to a callback and records it.
    harness.extension_seen.lock().unwrap().clear();
    let seen_by_inner = harness.extension_seen.clone();
    let mut service = harness.extension_layer.layer(tower_service_fn(
        move |request: Request<WebhookBody<Full<Bytes>>>| {
            let event = request.extensions().get::<Event>().cloned();
            let context = request.extensions().get::<CallbackContext>().cloned();
            let response = match (event, context) {
                (Some(event), Some(context)) => {
                    seen_by_inner.lock().unwrap().push((event, context));
                    Answer::ok().into_http_response()
                }
                (None, None) => inner_response(),
                _ => panic!("the event and the context come together"),
            };
            std::future::ready(Ok::<_, Infallible>(response))
        },
    ));
    let response = block_on(service.call(clone_request(&built.request)))
        .unwrap_or_else(|never| match never {});
    let seen = std::mem::take(&mut *harness.extension_seen.lock().unwrap());
    let by_extension = check(
        "extension mode",
        response,
        &built,
        &input,
        &query_sign,
        seen,
    );

    assert_eq!(by_handler, by_extension, "both modes answer alike");
}

fn clone_request(request: &Request<Full<Bytes>>) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(request.method().clone())
        .uri(request.uri().clone());
    for (name, value) in request.headers() {
        builder = builder.header(name, value);
    }
    // Full is Clone.
    builder.body(request.body().clone()).unwrap()
}

/// `tower::service_fn` without tower.
#[derive(Clone)]
struct ServiceFn<F>(F);

fn tower_service_fn<F>(f: F) -> ServiceFn<F> {
    ServiceFn(f)
}

impl<F, Req, Fut, Res> Service<Req> for ServiceFn<F>
where
    F: FnMut(Req) -> Fut,
    Fut: Future<Output = Result<Res, Infallible>>,
{
    type Response = Res;
    type Error = Infallible;
    type Future = Fut;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Req) -> Fut {
        (self.0)(request)
    }
}

fuzz_target!(|data: &[u8]| run(data));
