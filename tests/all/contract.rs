//! The answer contract of `protocol.md` section 4, row by row, through the service.

use crate::common;

use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use tencent_room_webhook::event::MemberLeft;
use tencent_room_webhook::verify::sign;
use tencent_room_webhook::{
    CallbackContext, ContentTypePolicy, ErrorCode, Event, HandlerError, HandlerResult, RoomHandler,
    RoomWebhookLayer,
};
use tower::{Layer, Service, ServiceExt};

use common::*;

const TOKEN: &str = "room-callback-token";
const NOW: u64 = 1_700_000_000;

fn clock() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW)
}

fn signed_uri(command: &str, token: &str, time: u64) -> String {
    format!(
        "{}&Sign={}&RequestTime={time}",
        callback_uri(command),
        sign(token.as_bytes(), time)
    )
}

/// Sends `request` through the layer in handler mode with `recorder`.
async fn send_to(recorder: &Recorder, request: Request<Full<Bytes>>) -> Answered {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(recorder.clone())
        .build()
        .unwrap();
    answered(layer.layer(inner_app()).oneshot(request).await.unwrap()).await
}

async fn send(request: Request<Full<Bytes>>) -> Answered {
    send_to(&Recorder::default(), request).await
}

async fn send_signed(request: Request<Full<Bytes>>) -> Answered {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .token(TOKEN)
        .clock(clock)
        .handler(Recorder::default())
        .build()
        .unwrap();
    answered(layer.layer(inner_app()).oneshot(request).await.unwrap()).await
}

fn destroy_body() -> Vec<u8> {
    fixture("room/after_destroy_room.json")
}

const DESTROY: &str = "Room.CallbackAfterDestroyRoom";

// Row: handled, handler succeeded.

#[tokio::test]
async fn every_fixture_is_answered_ok_and_delivered_once() {
    for (name, body) in callback_fixtures() {
        let recorder = Recorder::default();
        let command = command_of(&body);
        send_to(&recorder, post(&callback_uri(&command), body))
            .await
            .assert_ok();
        let delivered = recorder.take();
        assert_eq!(delivered.len(), 1, "{name}");
        assert_eq!(delivered[0].0.command(), command, "{name}");
        assert!(
            !matches!(delivered[0].0, Event::Unknown(_) | Event::Undecodable(_)),
            "{name} decodes to its typed event"
        );
    }
}

#[tokio::test]
async fn the_context_carries_the_query() {
    let recorder = Recorder::default();
    send_to(&recorder, fixture_request("room/after_destroy_room.json"))
        .await
        .assert_ok();
    let (_, context) = recorder.take().pop().unwrap();
    assert_eq!(context.sdk_app_id.get(), APP);
    assert_eq!(context.command, DESTROY);
    assert_eq!(context.client_ip, Some("127.0.0.1".parse().unwrap()));
    assert_eq!(context.platform.unwrap().as_str(), "Web");
    assert_eq!(context.request_time, None);
}

#[tokio::test]
async fn a_handler_with_no_overrides_answers_ok() {
    struct Nothing;
    impl RoomHandler for Nothing {}
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(Nothing)
        .build()
        .unwrap();
    for (_, body) in callback_fixtures() {
        let request = post(&callback_uri(&command_of(&body)), body);
        answered(layer.layer(inner_app()).oneshot(request).await.unwrap())
            .await
            .assert_ok();
    }
}

#[tokio::test]
async fn a_shared_handler_behind_an_arc_handles_as_itself() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(std::sync::Arc::new(Failing))
        .build()
        .unwrap();
    let response = layer
        .layer(inner_app())
        .oneshot(fixture_request("room/after_member_leave.json"))
        .await
        .unwrap();
    answered(response).await.assert_fail(200, 1234);
}

// Row: handled, handler returned an error.

struct Failing;

impl RoomHandler for Failing {
    async fn on_member_left(&self, _: MemberLeft, _: &CallbackContext) -> HandlerResult {
        Err(HandlerError::new(1234, "member store unavailable"))
    }
}

#[tokio::test]
async fn a_handler_error_is_answered_fail_with_its_code_and_status_200() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(Failing)
        .build()
        .unwrap();
    let response = layer
        .layer(inner_app())
        .oneshot(fixture_request("room/after_member_leave.json"))
        .await
        .unwrap();
    let answer = answered(response).await;
    answer.assert_fail(200, 1234);
    assert_eq!(answer.info, "member store unavailable");
}

// Row: handler panicked.

struct Panicking;

impl RoomHandler for Panicking {
    async fn on_room_destroyed(
        &self,
        _: tencent_room_webhook::event::RoomDestroyed,
        _: &CallbackContext,
    ) -> HandlerResult {
        panic!("handler bug");
    }

    #[allow(clippy::manual_async_fn)]
    fn on_member_left(
        &self,
        _: MemberLeft,
        _: &CallbackContext,
    ) -> impl std::future::Future<Output = HandlerResult> + Send {
        panic!("panics before making its future");
        #[allow(unreachable_code)]
        async {
            Ok(())
        }
    }
}

#[tokio::test]
async fn a_handler_panic_is_answered_500_and_the_service_carries_on() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(Panicking)
        .build()
        .unwrap();
    let mut service = layer.layer(inner_app());
    let first = service
        .ready()
        .await
        .unwrap()
        .call(fixture_request("room/after_destroy_room.json"))
        .await
        .unwrap();
    answered(first)
        .await
        .assert_fail(500, ErrorCode::HANDLER_PANICKED.get().into());
    // The same service answers the next callback.
    let next = service
        .ready()
        .await
        .unwrap()
        .call(fixture_request("room/after_create_room.json"))
        .await
        .unwrap();
    answered(next).await.assert_ok();
}

#[tokio::test]
async fn a_handler_panicking_before_its_future_exists_is_answered_500() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(Panicking)
        .build()
        .unwrap();
    let response = layer
        .layer(inner_app())
        .oneshot(fixture_request("room/after_member_leave.json"))
        .await
        .unwrap();
    answered(response)
        .await
        .assert_fail(500, ErrorCode::HANDLER_PANICKED.get().into());
}

// Row: method is not POST.

#[tokio::test]
async fn a_method_other_than_post_is_answered_405_with_allow_post() {
    for method in ["GET", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"] {
        let request = Request::builder()
            .method(method)
            .uri(callback_uri(DESTROY))
            .body(Full::new(Bytes::new()))
            .unwrap();
        let answer = send(request).await;
        answer.assert_fail(405, 40500);
        assert_eq!(answer.headers.get("allow").unwrap(), "POST", "{method}");
    }
}

// Row: SdkAppid missing, malformed or not configured.

#[tokio::test]
async fn a_missing_sdkappid_is_answered_403() {
    let uri = format!("/callback?CallbackCommand={DESTROY}&contenttype=json");
    send(post(&uri, destroy_body()))
        .await
        .assert_fail(403, 40300);
}

#[tokio::test]
async fn a_malformed_sdkappid_is_answered_403() {
    for bad in [
        "abc",
        "-1400000000",
        "1400000000x",
        "",
        "%ZZ",
        "99999999999999999999999",
    ] {
        let uri = format!("/callback?SdkAppid={bad}&CallbackCommand={DESTROY}&contenttype=json");
        send(post(&uri, destroy_body()))
            .await
            .assert_fail(403, 40300);
    }
}

#[tokio::test]
async fn an_sdkappid_not_configured_is_answered_403() {
    let uri = format!("/callback?SdkAppid=1400000001&CallbackCommand={DESTROY}&contenttype=json");
    send(post(&uri, destroy_body()))
        .await
        .assert_fail(403, 40300);
}

#[tokio::test]
async fn a_repeated_sdkappid_is_answered_403_even_when_both_match() {
    let uri = format!(
        "/callback?SdkAppid={APP}&SdkAppid={APP}&CallbackCommand={DESTROY}&contenttype=json"
    );
    send(post(&uri, destroy_body()))
        .await
        .assert_fail(403, 40300);
}

#[tokio::test]
async fn any_of_several_configured_sdkappids_is_accepted() {
    let recorder = Recorder::default();
    let layer = RoomWebhookLayer::builder()
        .sdk_app_ids([1400000001_u64, APP])
        .handler(recorder.clone())
        .build()
        .unwrap();
    let uri = format!("/callback?SdkAppid=1400000001&CallbackCommand={DESTROY}");
    let response = layer
        .layer(inner_app())
        .oneshot(post(&uri, destroy_body()))
        .await
        .unwrap();
    answered(response).await.assert_ok();
    assert_eq!(recorder.take()[0].1.sdk_app_id.get(), 1400000001);
}

// Row: token configured and Sign / RequestTime missing, wrong or outside the window.

#[tokio::test]
async fn a_valid_signature_is_accepted_and_its_time_reaches_the_context() {
    let recorder = Recorder::default();
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .token(TOKEN)
        .clock(clock)
        .handler(recorder.clone())
        .build()
        .unwrap();
    let request = post(&signed_uri(DESTROY, TOKEN, NOW - 5), destroy_body());
    answered(layer.layer(inner_app()).oneshot(request).await.unwrap())
        .await
        .assert_ok();
    assert_eq!(recorder.take()[0].1.request_time, Some(NOW - 5));
}

#[tokio::test]
async fn an_upper_case_signature_is_accepted() {
    let uri = format!(
        "{}&Sign={}&RequestTime={NOW}",
        callback_uri(DESTROY),
        sign(TOKEN.as_bytes(), NOW).to_uppercase()
    );
    send_signed(post(&uri, destroy_body())).await.assert_ok();
}

#[tokio::test]
async fn a_missing_sign_is_answered_401() {
    let uri = format!("{}&RequestTime={NOW}", callback_uri(DESTROY));
    send_signed(post(&uri, destroy_body()))
        .await
        .assert_fail(401, 40100);
}

#[tokio::test]
async fn a_missing_request_time_is_answered_401() {
    let uri = format!(
        "{}&Sign={}",
        callback_uri(DESTROY),
        sign(TOKEN.as_bytes(), NOW)
    );
    send_signed(post(&uri, destroy_body()))
        .await
        .assert_fail(401, 40100);
}

#[tokio::test]
async fn a_signature_made_with_another_token_is_answered_401() {
    let uri = signed_uri(DESTROY, "another-token", NOW);
    send_signed(post(&uri, destroy_body()))
        .await
        .assert_fail(401, 40100);
}

#[tokio::test]
async fn a_signature_for_another_time_is_answered_401() {
    let uri = format!(
        "{}&Sign={}&RequestTime={NOW}",
        callback_uri(DESTROY),
        sign(TOKEN.as_bytes(), NOW - 1)
    );
    send_signed(post(&uri, destroy_body()))
        .await
        .assert_fail(401, 40100);
}

#[tokio::test]
async fn a_request_time_older_than_the_window_is_answered_401() {
    let uri = signed_uri(DESTROY, TOKEN, NOW - 61);
    send_signed(post(&uri, destroy_body()))
        .await
        .assert_fail(401, 40100);
}

#[tokio::test]
async fn a_request_time_ahead_of_the_window_is_answered_401() {
    let uri = signed_uri(DESTROY, TOKEN, NOW + 61);
    send_signed(post(&uri, destroy_body()))
        .await
        .assert_fail(401, 40100);
}

#[tokio::test]
async fn a_request_time_at_the_edge_of_the_window_is_accepted() {
    for time in [NOW - 60, NOW + 60] {
        send_signed(post(&signed_uri(DESTROY, TOKEN, time), destroy_body()))
            .await
            .assert_ok();
    }
}

#[tokio::test]
async fn a_malformed_sign_or_request_time_is_answered_401() {
    let good = sign(TOKEN.as_bytes(), NOW);
    for (sign, time) in [
        (&good[..63], NOW.to_string()),
        ("zz", NOW.to_string()),
        (&good[..], format!("{NOW}.0")),
        (&good[..], format!("-{NOW}")),
        (&good[..], "%ZZ".to_owned()),
    ] {
        let uri = format!("{}&Sign={sign}&RequestTime={time}", callback_uri(DESTROY));
        send_signed(post(&uri, destroy_body()))
            .await
            .assert_fail(401, 40100);
    }
}

#[tokio::test]
async fn a_request_time_past_what_a_system_time_holds_is_answered_401() {
    for time in [u64::MAX, i64::MAX as u64 + 1] {
        let uri = format!(
            "{}&Sign={}&RequestTime={time}",
            callback_uri(DESTROY),
            sign(TOKEN.as_bytes(), time)
        );
        send_signed(post(&uri, destroy_body()))
            .await
            .assert_fail(401, 40100);
    }
}

#[tokio::test]
async fn a_repeated_sign_is_answered_401() {
    let good = sign(TOKEN.as_bytes(), NOW);
    let uri = format!(
        "{}&Sign={good}&Sign={good}&RequestTime={NOW}",
        callback_uri(DESTROY)
    );
    send_signed(post(&uri, destroy_body()))
        .await
        .assert_fail(401, 40100);
}

#[tokio::test]
async fn during_a_rotation_either_token_is_accepted() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .tokens(["old-token", "new-token"])
        .clock(clock)
        .handler(Recorder::default())
        .build()
        .unwrap();
    for token in ["old-token", "new-token"] {
        let request = post(&signed_uri(DESTROY, token, NOW), destroy_body());
        answered(layer.layer(inner_app()).oneshot(request).await.unwrap())
            .await
            .assert_ok();
    }
    let request = post(&signed_uri(DESTROY, "retired-token", NOW), destroy_body());
    answered(layer.layer(inner_app()).oneshot(request).await.unwrap())
        .await
        .assert_fail(401, 40100);
}

#[tokio::test]
async fn without_a_token_sign_and_request_time_are_ignored() {
    let uri = format!(
        "{}&Sign=garbage&RequestTime=yesterday",
        callback_uri(DESTROY)
    );
    send(post(&uri, destroy_body())).await.assert_ok();
}

// Row: contenttype not json, or a refused Content-Type header.

#[tokio::test]
async fn contenttype_other_than_json_is_answered_415() {
    for value in ["xml", "form", "", "jsonp"] {
        let uri = format!("/callback?SdkAppid={APP}&CallbackCommand={DESTROY}&contenttype={value}");
        send(post(&uri, destroy_body()))
            .await
            .assert_fail(415, 41500);
    }
}

#[tokio::test]
async fn contenttype_repeated_with_the_same_value_is_accepted() {
    // A console URL may carry `contenttype=json` already; Tencent appends its own.
    let uri = format!("{}&contenttype=JSON", callback_uri(DESTROY));
    send(post(&uri, destroy_body())).await.assert_ok();
}

#[tokio::test]
async fn contenttype_repeated_with_different_values_is_answered_415() {
    let uri = format!("{}&contenttype=xml", callback_uri(DESTROY));
    send(post(&uri, destroy_body()))
        .await
        .assert_fail(415, 41500);
}

#[tokio::test]
async fn a_repeated_content_type_header_is_answered_415() {
    let mut request = with_content_type(Some("application/json"));
    request
        .headers_mut()
        .append("content-type", "multipart/form-data".parse().unwrap());
    send(request).await.assert_fail(415, 41500);
}

#[tokio::test]
async fn contenttype_json_is_accepted_in_any_case_or_absent() {
    for query in [
        "&contenttype=json",
        "&contenttype=JSON",
        "&contenttype=Json",
        "",
    ] {
        let uri = format!("/callback?SdkAppid={APP}&CallbackCommand={DESTROY}{query}");
        send(post(&uri, destroy_body())).await.assert_ok();
    }
}

fn with_content_type(content_type: Option<&str>) -> Request<Full<Bytes>> {
    let mut request = post(&callback_uri(DESTROY), destroy_body());
    request.headers_mut().remove("content-type");
    if let Some(value) = content_type {
        request
            .headers_mut()
            .insert("content-type", value.parse().unwrap());
    }
    request
}

#[tokio::test]
async fn a_form_or_multipart_content_type_is_answered_415() {
    for value in [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "Multipart/Mixed",
    ] {
        send(with_content_type(Some(value)))
            .await
            .assert_fail(415, 41500);
    }
}

#[tokio::test]
async fn json_text_or_no_content_type_is_accepted() {
    for value in [
        None,
        Some("application/json"),
        Some("Application/JSON; charset=UTF-8"),
        Some("text/plain"),
        Some("text/plain;charset=utf-8"),
    ] {
        send(with_content_type(value)).await.assert_ok();
    }
}

#[tokio::test]
async fn the_strict_policy_refuses_other_types_and_any_ignores_the_header() {
    let build = |policy| {
        RoomWebhookLayer::builder()
            .sdk_app_id(APP)
            .content_type_policy(policy)
            .handler(Recorder::default())
            .build()
            .unwrap()
    };
    let strict = build(ContentTypePolicy::Strict);
    let response = strict
        .layer(inner_app())
        .oneshot(with_content_type(Some("application/octet-stream")))
        .await
        .unwrap();
    answered(response).await.assert_fail(415, 41500);
    let any = build(ContentTypePolicy::Any);
    let response = any
        .layer(inner_app())
        .oneshot(with_content_type(Some("multipart/form-data")))
        .await
        .unwrap();
    answered(response).await.assert_ok();
}

// Row: body larger than the limit.

fn small_limit_layer(
    recorder: &Recorder,
) -> RoomWebhookLayer<tencent_room_webhook::ToHandler<Recorder>> {
    RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .body_limit(1024)
        .handler(recorder.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_answered_413_before_reading() {
    let recorder = Recorder::default();
    let body = ProbeBody::new(vec![b' '; 100], 20);
    let polled = body.polled.clone();
    let request = Request::post(callback_uri(DESTROY))
        .header("content-length", "2000")
        .body(body)
        .unwrap();
    let response = small_limit_layer(&recorder)
        .layer(inner_app())
        .oneshot(request)
        .await
        .unwrap();
    answered(response).await.assert_fail(413, 41300);
    assert!(!polled.load(Ordering::SeqCst), "the body was not read");
    assert!(recorder.take().is_empty());
}

#[tokio::test]
async fn an_undeclared_body_over_the_limit_is_answered_413_without_buffering_past_it() {
    let recorder = Recorder::default();
    let body = ProbeBody::new(vec![b' '; 100], 10_000);
    let given = body.given.clone();
    let request = Request::post(callback_uri(DESTROY)).body(body).unwrap();
    let response = small_limit_layer(&recorder)
        .layer(inner_app())
        .oneshot(request)
        .await
        .unwrap();
    answered(response).await.assert_fail(413, 41300);
    // Reading stops at the first frame past the limit.
    assert!(given.load(Ordering::SeqCst) <= 1024 + 100, "{given:?}");
}

#[tokio::test]
async fn a_body_exactly_at_the_limit_is_accepted() {
    let recorder = Recorder::default();
    let mut body = destroy_body();
    body.resize(1024, b' ');
    let response = small_limit_layer(&recorder)
        .layer(inner_app())
        .oneshot(post(&callback_uri(DESTROY), body))
        .await
        .unwrap();
    answered(response).await.assert_ok();
}

// Row: body not a JSON object, or no CallbackCommand in it.

#[tokio::test]
async fn a_body_that_is_not_json_is_answered_400() {
    for body in [
        &b"not json"[..],
        b"",
        b"{",
        b"{\"CallbackCommand\":",
        b"\xff\xfe",
    ] {
        send(post(&callback_uri(DESTROY), body.to_vec()))
            .await
            .assert_fail(400, 40000);
    }
}

#[tokio::test]
async fn a_json_body_that_is_not_an_object_is_answered_400() {
    for body in [
        "[]",
        "null",
        "42",
        "\"Room.CallbackAfterDestroyRoom\"",
        "true",
    ] {
        send(post(&callback_uri(DESTROY), body))
            .await
            .assert_fail(400, 40000);
    }
}

#[tokio::test]
async fn a_body_without_callback_command_is_answered_400() {
    send(post(&callback_uri(DESTROY), r#"{"RoomId":"r1"}"#))
        .await
        .assert_fail(400, 40000);
}

#[tokio::test]
async fn a_body_whose_command_is_not_text_is_answered_400() {
    send(post(&callback_uri(DESTROY), r#"{"CallbackCommand":7}"#))
        .await
        .assert_fail(400, 40000);
}

#[tokio::test]
async fn a_query_without_callback_command_is_answered_400() {
    let uri = format!("/callback?SdkAppid={APP}&contenttype=json");
    send(post(&uri, destroy_body()))
        .await
        .assert_fail(400, 40000);
}

// Row: body and query commands differ.

#[tokio::test]
async fn a_body_whose_command_differs_from_the_query_is_delivered_as_the_bodys() {
    let recorder = Recorder::default();
    let body = fixture("room/after_member_leave.json");
    send_to(&recorder, post(&callback_uri(DESTROY), body))
        .await
        .assert_ok();
    let (event, context) = recorder.take().pop().expect("delivered");
    assert!(matches!(event, Event::MemberLeft(_)), "{event:?}");
    assert_eq!(context.command, DESTROY, "the context keeps the query's");
}

// Row: a known command whose fields cannot be read, even leniently.

#[tokio::test]
async fn an_unreadable_member_of_a_known_command_is_kept_and_the_event_still_typed() {
    let recorder = Recorder::default();
    let body = r#"{"CallbackCommand":"Room.CallbackAfterMemberLeave","RoomId":{"nested":true},"MemberCount":"many","Reason":"r"}"#;
    let uri = callback_uri("Room.CallbackAfterMemberLeave");
    send_to(&recorder, post(&uri, body)).await.assert_ok();
    let (event, _) = recorder.take().pop().expect("delivered, not dropped");
    let Event::MemberLeft(left) = event else {
        panic!("expected MemberLeft, got {event:?}");
    };
    assert_eq!(left.extra["RoomId"]["nested"], true);
    assert_eq!(left.extra["MemberCount"], "many");
    assert_eq!(left.reason.as_deref(), Some("r"));
}

#[tokio::test]
async fn an_undecodable_body_of_a_known_command_reaches_the_handler() {
    let recorder = Recorder::default();
    // A named member twice: neither the first nor the last is right.
    let body = r#"{"CallbackCommand":"Room.CallbackAfterMemberLeave","RoomId":"a","RoomId":"b"}"#;
    let uri = callback_uri("Room.CallbackAfterMemberLeave");
    send_to(&recorder, post(&uri, body)).await.assert_ok();
    let (event, _) = recorder.take().pop().expect("delivered, not dropped");
    let Event::Undecodable(undecodable) = event else {
        panic!("expected Undecodable, got {event:?}");
    };
    assert_eq!(undecodable.command, "Room.CallbackAfterMemberLeave");
    assert_eq!(undecodable.body["RoomId"], "b");
    assert!(
        undecodable.reason.contains("RoomId"),
        "{}",
        undecodable.reason
    );
}

#[tokio::test]
async fn an_unknown_command_reaches_the_handler_with_its_raw_json_and_is_answered_ok() {
    let recorder = Recorder::default();
    let body = r#"{"CallbackCommand":"Room.CallbackAfterSomethingNew","Answer":42}"#;
    send_to(
        &recorder,
        post(&callback_uri("Room.CallbackAfterSomethingNew"), body),
    )
    .await
    .assert_ok();
    let (event, _) = recorder.take().pop().unwrap();
    let Event::Unknown(unknown) = event else {
        panic!("expected Unknown, got {event:?}");
    };
    assert_eq!(unknown.command, "Room.CallbackAfterSomethingNew");
    assert_eq!(unknown.body["Answer"], 42);
}

// Pass-through.

#[tokio::test]
async fn a_request_off_the_callback_path_reaches_the_inner_service_with_its_body_unread() {
    let recorder = Recorder::default();
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(recorder.clone())
        .build()
        .unwrap();
    for path in [
        "/",
        "/healthz",
        "/callback/",
        "/callbacks",
        "/Callback",
        "/api/callback",
    ] {
        let body = ProbeBody::new("x", 3);
        let polled = body.polled.clone();
        let request = Request::post(format!("{path}?SdkAppid={APP}"))
            .body(body)
            .unwrap();
        let response = layer.layer(inner_app()).oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(&bytes[..], b"inner", "{path}");
        assert!(!polled.load(Ordering::SeqCst), "{path}: body unread");
    }
    assert!(recorder.take().is_empty());
}

#[tokio::test]
async fn a_configured_path_replaces_the_default() {
    let recorder = Recorder::default();
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .path("/tencent/room")
        .handler(recorder.clone())
        .build()
        .unwrap();
    let uri = callback_uri(DESTROY).replace("/callback", "/tencent/room");
    let response = layer
        .layer(inner_app())
        .oneshot(post(&uri, destroy_body()))
        .await
        .unwrap();
    answered(response).await.assert_ok();
    let response = layer
        .layer(inner_app())
        .oneshot(post(&callback_uri(DESTROY), destroy_body()))
        .await
        .unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&bytes[..], b"inner");
    assert_eq!(recorder.take().len(), 1);
}

// Secrets.

#[tokio::test]
async fn no_refusal_echoes_the_token_the_sign_or_the_body() {
    let secret_body =
        r#"{"CallbackCommand":"Room.CallbackAfterMemberLeave","RoomId":"secret-room-xyz"}"#;
    let wrong_sign = sign(b"attacker", NOW);
    let cases = [
        post(&signed_uri(DESTROY, "attacker", NOW), secret_body),
        post(&signed_uri(DESTROY, TOKEN, NOW + 3600), secret_body),
        post(&callback_uri(DESTROY), secret_body),
        post(&signed_uri(DESTROY, TOKEN, NOW), "secret-room-xyz not json"),
        post(&signed_uri(DESTROY, TOKEN, NOW), "[\"secret-room-xyz\"]"),
    ];
    for request in cases {
        let answer = send_signed(request).await;
        assert_eq!(answer.action_status, "FAIL");
        for secret in [
            TOKEN,
            &wrong_sign,
            &sign(TOKEN.as_bytes(), NOW),
            "secret-room-xyz",
        ] {
            assert!(!answer.info.contains(secret), "{answer:?} leaks {secret}");
        }
    }
}
