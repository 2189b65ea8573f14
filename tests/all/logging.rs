//! What the layer logs: a span per callback with its app, command, room and outcome, a
//! warning the first time something unknown arrives, and never a secret or the body.

use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use tencent_room_webhook::testing::{self, CallbackRequest};
use tencent_room_webhook::verify::sign;
use tencent_room_webhook::{HandlerError, RoomWebhookBuilder, RoomWebhookLayer, ToHandler};
use tower::{Layer, ServiceExt};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::fmt::MakeWriter;

use common::*;

#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Logs {
    type Writer = Logs;

    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

/// Collects everything logged, at every level, with span fields at span close.
fn capture() -> (Logs, tracing::subscriber::DefaultGuard) {
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(logs.clone())
        .finish();
    (logs, tracing::subscriber::set_default(subscriber))
}

async fn send(request: http::Request<http_body_util::Full<bytes::Bytes>>) -> Answered {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(Recorder::default())
        .build()
        .unwrap();
    answered(layer.layer(inner_app()).oneshot(request).await.unwrap()).await
}

#[tokio::test]
async fn a_callback_span_carries_app_command_room_and_outcome() {
    let (logs, _guard) = capture();
    send(fixture_request("room/after_member_leave.json"))
        .await
        .assert_ok();
    let logs = logs.text();
    let line = logs
        .lines()
        .find(|l| l.contains("room_callback"))
        .expect(&logs);
    for field in [
        "sdk_app_id=1400000000",
        "command=Room.CallbackAfterMemberLeave",
        "room_id=\"rid-123\"",
        "outcome=\"ok\"",
    ] {
        assert!(line.contains(field), "{field} missing from {line}");
    }
}

/// How many lines of `logs` at `level` tell of a refusal with `code`.
fn refusals(logs: &str, level: &str, code: i32) -> usize {
    logs.lines()
        .filter(|l| {
            l.contains(level)
                && l.contains("room callback refused")
                && l.contains(&format!("code={code}"))
        })
        .count()
}

fn layer_with(
    configure: impl FnOnce(RoomWebhookBuilder) -> RoomWebhookBuilder,
) -> RoomWebhookLayer<ToHandler<Recorder>> {
    configure(RoomWebhookLayer::builder().sdk_app_id(APP))
        .handler(Recorder::default())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_wrong_sdkappid_is_warned_about_with_its_reason() {
    let (logs, _guard) = capture();
    let uri = callback_uri("Room.CallbackAfterDestroyRoom").replace("1400000000", "1400000009");
    send(post(&uri, fixture("room/after_destroy_room.json")))
        .await
        .assert_fail(403, 40300);
    let logs = logs.text();
    assert!(
        logs.lines().any(|l| l.contains("WARN")
            && l.contains("refused")
            && l.contains("40300")
            && l.contains("SdkAppid 1400000009 is not an SDKAppID")),
        "{logs}"
    );
}

#[tokio::test]
async fn a_bad_sign_is_warned_about() {
    let (logs, _guard) = capture();
    let layer = layer_with(|builder| builder.token("the-token"));
    let request = CallbackRequest::room_destroyed().signed_now("another-token");
    testing::send(testing::service_with(&layer), request)
        .await
        .assert_fail(401, 40100);
    assert_eq!(refusals(&logs.text(), "WARN", 40100), 1, "{}", logs.text());
}

#[tokio::test]
async fn a_refused_content_type_is_warned_about() {
    let (logs, _guard) = capture();
    let layer = layer_with(|builder| builder);
    let request = CallbackRequest::room_destroyed().content_type(Some("multipart/form-data"));
    testing::send(testing::service_with(&layer), request)
        .await
        .assert_fail(415, 41500);
    assert_eq!(refusals(&logs.text(), "WARN", 41500), 1, "{}", logs.text());
}

#[tokio::test]
async fn a_body_over_the_limit_is_warned_about() {
    let (logs, _guard) = capture();
    let layer = layer_with(|builder| builder.body_limit(1024));
    let request = CallbackRequest::room_destroyed().oversize(1024);
    testing::send(testing::service_with(&layer), request)
        .await
        .assert_fail(413, 41300);
    assert_eq!(refusals(&logs.text(), "WARN", 41300), 1, "{}", logs.text());
}

#[tokio::test]
async fn a_wrong_method_and_a_malformed_body_are_logged_at_debug_only() {
    let (logs, _guard) = capture();
    let layer = layer_with(|builder| builder);
    let (mut parts, body) = CallbackRequest::room_destroyed().build().into_parts();
    parts.method = http::Method::GET;
    testing::send(
        testing::service_with(&layer),
        http::Request::from_parts(parts, body),
    )
    .await
    .assert_fail(405, 40500);
    testing::send(
        testing::service_with(&layer),
        CallbackRequest::room_destroyed().body("not json"),
    )
    .await
    .assert_fail(400, 40000);
    let logs = logs.text();
    assert_eq!(refusals(&logs, "DEBUG", 40500), 1, "{logs}");
    assert_eq!(refusals(&logs, "DEBUG", 40000), 1, "{logs}");
    assert!(!logs.contains("WARN"), "{logs}");
}

#[tokio::test]
async fn refusal_warnings_are_rate_limited_per_kind_the_rest_at_debug() {
    let (logs, _guard) = capture();
    let layer = layer_with(|builder| builder);
    for _ in 0..5 {
        let request = CallbackRequest::room_destroyed().sdk_app_id(1400000009_u64);
        testing::send(testing::service_with(&layer), request)
            .await
            .assert_fail(403, 40300);
    }
    let request = CallbackRequest::room_destroyed().content_type(Some("multipart/form-data"));
    testing::send(testing::service_with(&layer), request)
        .await
        .assert_fail(415, 41500);
    let logs = logs.text();
    assert_eq!(refusals(&logs, "WARN", 40300), 1, "{logs}");
    assert!(
        logs.contains("suppressed=0"),
        "the first counts none: {logs}"
    );
    assert_eq!(refusals(&logs, "DEBUG", 40300), 4, "{logs}");
    assert_eq!(refusals(&logs, "WARN", 41500), 1, "another kind: {logs}");
}

#[tokio::test]
async fn an_unknown_command_is_warned_about_once() {
    let (logs, _guard) = capture();
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(Recorder::default())
        .build()
        .unwrap();
    let body = r#"{"CallbackCommand":"Room.CallbackAfterNovelty"}"#;
    for _ in 0..3 {
        let request = post(&callback_uri("Room.CallbackAfterNovelty"), body);
        answered(layer.layer(inner_app()).oneshot(request).await.unwrap())
            .await
            .assert_ok();
    }
    let warnings = logs
        .text()
        .lines()
        .filter(|l| l.contains("WARN") && l.contains("unknown callback command"))
        .count();
    assert_eq!(warnings, 1);
}

#[tokio::test]
async fn an_unknown_field_is_warned_about_once_per_place() {
    let (logs, _guard) = capture();
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(Recorder::default())
        .build()
        .unwrap();
    let body = r#"{"CallbackCommand":"Room.CallbackAfterUpdateRoomInfo","Shard":1,"RoomInfo":{"RoomId":"r","Theme":"dark"}}"#;
    for _ in 0..2 {
        let request = post(&callback_uri("Room.CallbackAfterUpdateRoomInfo"), body);
        answered(layer.layer(inner_app()).oneshot(request).await.unwrap())
            .await
            .assert_ok();
    }
    let logs = logs.text();
    let warned = |field: &str| {
        logs.lines()
            .filter(|l| l.contains("unknown callback field") && l.contains(field))
            .count()
    };
    assert_eq!((warned("Shard"), warned("Theme")), (1, 1), "{logs}");
}

#[tokio::test]
async fn a_query_command_differing_from_the_bodys_is_warned_about_once_per_pair() {
    let (logs, _guard) = capture();
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(Recorder::default())
        .build()
        .unwrap();
    let member_state = r#"{"CallbackCommand":"Live.CallbackAfterMemberStateChanged","RoomId":"r"}"#;
    let same = r#"{"CallbackCommand":"Room.CallbackAfterDestroyRoom","RoomId":"r"}"#;
    for (query, body) in [
        ("Live.CallbackMemberStateChanged", member_state),
        ("Live.CallbackMemberStateChanged", member_state),
        ("Room.CallbackAfterDestroyRoom", same),
    ] {
        let request = post(&callback_uri(query), body);
        answered(layer.layer(inner_app()).oneshot(request).await.unwrap())
            .await
            .assert_ok();
    }
    let logs = logs.text();
    let warnings: Vec<_> = logs
        .lines()
        .filter(|l| l.contains("WARN") && l.contains("differs from the body's"))
        .collect();
    assert_eq!(warnings.len(), 1, "{logs}");
    assert!(
        warnings[0].contains("Live.CallbackMemberStateChanged"),
        "{logs}"
    );
    assert!(
        warnings[0].contains("Live.CallbackAfterMemberStateChanged"),
        "{logs}"
    );
}

struct FailsWith;

impl tencent_room_webhook::RoomHandler for FailsWith {
    async fn handle(
        &self,
        _: tencent_room_webhook::Event,
        _: &tencent_room_webhook::CallbackContext,
    ) -> tencent_room_webhook::HandlerResult {
        Err(HandlerError::new(9, "nope"))
    }
}

#[tokio::test]
async fn no_log_line_holds_the_token_the_sign_or_the_body() {
    let (logs, _guard) = capture();
    let token = "log-secret-token";
    let now = 1_700_000_000;
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .token(token)
        .clock(move || UNIX_EPOCH + Duration::from_secs(now))
        .handler(FailsWith)
        .build()
        .unwrap();
    let good = sign(token.as_bytes(), now);
    let bad = sign(b"attacker", now);
    let body = r#"{"CallbackCommand":"Room.CallbackAfterDestroyRoom","RoomId":"r","Secret":"body-secret-value"}"#;
    let signed = |sign: &str, time: u64| {
        format!(
            "{}&Sign={sign}&RequestTime={time}",
            callback_uri("Room.CallbackAfterDestroyRoom")
        )
    };
    for request in [
        post(&signed(&good, now), body),
        post(&signed(&bad, now), body),
        post(&signed(&good, now + 600), body),
        post(&signed(&good, now), "body-secret-value is not json"),
    ] {
        layer.layer(inner_app()).oneshot(request).await.unwrap();
    }
    let logs = logs.text();
    assert!(
        logs.contains("room_callback"),
        "something was logged: {logs}"
    );
    for secret in [token, &good, &bad, "body-secret-value"] {
        assert!(!logs.contains(secret), "logs hold {secret}: {logs}");
    }
}

struct FailsOnStore;

impl tencent_room_webhook::RoomHandler for FailsOnStore {
    async fn handle(
        &self,
        _: tencent_room_webhook::Event,
        _: &tencent_room_webhook::CallbackContext,
    ) -> tencent_room_webhook::HandlerResult {
        Err(std::io::Error::other("member store unavailable"))?
    }
}

#[tokio::test]
async fn a_handler_fail_is_warned_about_with_its_code_and_message() {
    let (logs, _guard) = capture();
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(FailsWith)
        .build()
        .unwrap();
    let request = fixture_request("room/after_destroy_room.json");
    answered(layer.layer(inner_app()).oneshot(request).await.unwrap())
        .await
        .assert_fail(200, 9);
    let logs = logs.text();
    assert!(
        logs.lines().any(|l| l.contains("WARN")
            && l.contains("answered FAIL")
            && l.contains("code=9")
            && l.contains("info=\"nope\"")),
        "{logs}"
    );
}

#[tokio::test]
async fn a_handler_error_converted_by_question_mark_is_warned_about_with_the_error() {
    let (logs, _guard) = capture();
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(FailsOnStore)
        .build()
        .unwrap();
    let request = fixture_request("room/after_destroy_room.json");
    let answer = answered(layer.layer(inner_app()).oneshot(request).await.unwrap()).await;
    answer.assert_fail(200, 50001);
    assert_eq!(answer.info, "the callback handler failed");
    let logs = logs.text();
    assert!(
        logs.lines().any(|l| l.contains("WARN")
            && l.contains("answered FAIL")
            && l.contains("code=50001")
            && l.contains("error=member store unavailable")),
        "{logs}"
    );
}

/// Extension mode in front of an inner service answering with `answer`.
async fn through_extension_mode<F>(answer: F, times: usize)
where
    F: Fn() -> http::Response<http_body_util::Full<bytes::Bytes>> + Clone + Send + 'static,
{
    let layer = RoomWebhookLayer::builder().sdk_app_id(APP).build().unwrap();
    for _ in 0..times {
        let answer = answer.clone();
        let inner = tower::service_fn(move |_: http::Request<_>| {
            let response = answer();
            async move { Ok::<_, std::convert::Infallible>(response) }
        });
        let request = fixture_request("room/after_destroy_room.json");
        layer.layer(inner).oneshot(request).await.unwrap();
    }
}

#[tokio::test]
async fn a_route_answering_something_else_than_an_answer_is_warned_about_once() {
    let (logs, _guard) = capture();
    let done = || http::Response::new(http_body_util::Full::new(bytes::Bytes::from("done")));
    through_extension_mode(done, 3).await;
    let logs = logs.text();
    let warned = logs
        .lines()
        .filter(|l| l.contains("WARN") && l.contains("not made from an Answer"))
        .count();
    assert_eq!(warned, 1, "{logs}");
}

#[tokio::test]
async fn a_route_answering_an_answer_is_not_warned_about() {
    let (logs, _guard) = capture();
    let ok = || tencent_room_webhook::Answer::fail(3, "no").into_http_response();
    through_extension_mode(ok, 2).await;
    let logs = logs.text();
    assert!(logs.contains("room_callback"), "{logs}");
    assert!(!logs.contains("not made from an Answer"), "{logs}");
}

#[cfg(feature = "axum")]
#[tokio::test]
async fn the_extractor_without_a_callback_logs_an_error_saying_why() {
    use axum::routing::post;
    use tencent_room_webhook::extract::RoomCallback;

    let (logs, _guard) = capture();
    let app = axum::Router::new().route(
        "/callback",
        post(|RoomCallback(_, _): RoomCallback| async { "unreachable" }),
    );
    answered(
        app.oneshot(fixture_request("room/after_member_leave.json"))
            .await
            .unwrap(),
    )
    .await
    .assert_fail(500, 50003);
    let logs = logs.text();
    assert!(
        logs.lines().any(|l| l.contains("ERROR")
            && l.contains("no room callback")
            && l.contains("path=/callback")),
        "{logs}"
    );
}
