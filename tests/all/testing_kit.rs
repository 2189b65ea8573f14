//! The test kit (feature `testing`) builds requests as Tencent sends them and reads the
//! answers back.

use std::sync::{Arc, Mutex};

use tencent_room_webhook::event::{
    MemberChangeType, MemberEntered, MemberLeft, RoomCreated, RoomDestroyed, RoomInfoUpdated,
    SeatListChanged,
};
use tencent_room_webhook::testing::{self, CallbackRequest, NotFound};
use tencent_room_webhook::verify::sign;
use tencent_room_webhook::{
    CallbackContext, Event, HandlerError, HandlerResult, RoomHandler, RoomWebhookLayer,
};
use tower::Layer;

struct RefusesKicks;

impl RoomHandler for RefusesKicks {
    async fn on_member_left(&self, event: MemberLeft, _: &CallbackContext) -> HandlerResult {
        match event.change_type.as_ref().map(|t| t.as_str()) {
            Some("Kicked") => Err(HandlerError::new(7, "kicks are not allowed")),
            _ => Ok(()),
        }
    }
}

#[tokio::test]
async fn a_handler_is_tested_in_five_lines() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(RefusesKicks)
        .build()
        .unwrap();
    testing::send(layer.layer(NotFound), CallbackRequest::member_left())
        .await
        .assert_ok();
    let kicked = CallbackRequest::member_left()
        .body(r#"{"CallbackCommand":"Room.CallbackAfterMemberLeave","Type":"Kicked"}"#);
    testing::send(layer.layer(NotFound), kicked)
        .await
        .assert_fail(200, 7);
}

#[test]
fn every_sample_is_its_commands_typed_event() {
    for request in CallbackRequest::all_samples() {
        let event = Event::from_json(request.body_bytes()).unwrap();
        assert!(!matches!(event, Event::Unknown(_) | Event::Undecodable(_)));
        assert!(request
            .path_and_query()
            .contains(&format!("CallbackCommand={}", event.command())));
    }
}

#[test]
fn a_request_carries_the_query_tencent_sends() {
    let request = CallbackRequest::room_destroyed()
        .sdk_app_id(1400000009_u64)
        .build();
    assert_eq!(request.method(), "POST");
    assert_eq!(request.uri().path(), "/callback");
    assert_eq!(
        request.uri().query().unwrap(),
        "SdkAppid=1400000009&CallbackCommand=Room.CallbackAfterDestroyRoom&contenttype=json\
         &ClientIP=127.0.0.1&OptPlatform=RESTAPI"
    );
    assert_eq!(request.headers()["content-type"], "application/json");
}

#[test]
fn a_signed_request_carries_sign_and_request_time() {
    let query = CallbackRequest::room_destroyed()
        .signed("xxxxyyyy", 1669872112)
        .path_and_query();
    assert!(query.ends_with(&format!(
        "&Sign={}&RequestTime=1669872112",
        sign(b"xxxxyyyy", 1669872112)
    )));
}

#[test]
fn an_event_becomes_a_request_with_its_command_and_body() {
    let event = Event::from_json(CallbackRequest::seat_list_changed().body_bytes()).unwrap();
    let request = CallbackRequest::event(&event);
    assert_eq!(Event::from_json(request.body_bytes()).unwrap(), event);
}

#[tokio::test]
async fn the_bad_case_builders_are_refused_as_the_contract_says() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .token("kit-token")
        .body_limit(4096)
        .handler(RefusesKicks)
        .build()
        .unwrap();
    let send = |request: CallbackRequest| testing::send(layer.layer(NotFound), request);
    send(CallbackRequest::room_destroyed().signed_now("kit-token"))
        .await
        .assert_ok();
    send(
        CallbackRequest::room_destroyed()
            .sdk_app_id(1_u64)
            .signed_now("kit-token"),
    )
    .await
    .assert_fail(403, 40300);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    send(CallbackRequest::room_destroyed().stale_signature("kit-token", now))
        .await
        .assert_fail(401, 40100);
    send(
        CallbackRequest::room_destroyed()
            .signed_now("kit-token")
            .oversize(4096),
    )
    .await
    .assert_fail(413, 41300);
    send(CallbackRequest::sample("Room.CallbackAfterFuture").signed_now("kit-token"))
        .await
        .assert_ok();
}

#[tokio::test]
#[should_panic(expected = "expected 200 OK")]
async fn assert_ok_fails_on_a_fail_answer() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .build()
        .unwrap();
    let request = CallbackRequest::room_destroyed().sdk_app_id(5_u64);
    testing::send(layer.layer(NotFound), request)
        .await
        .assert_ok();
}

#[tokio::test]
#[should_panic(expected = "an answer is JSON")]
async fn reading_a_response_that_is_not_an_answer_fails() {
    testing::send(NotFound, CallbackRequest::room_destroyed()).await;
}

#[tokio::test]
async fn the_kit_service_is_the_layer_in_handler_mode_for_the_demo_app() {
    testing::send(
        testing::service(RefusesKicks),
        CallbackRequest::member_left(),
    )
    .await
    .assert_ok();
    let kicked = CallbackRequest::member_left()
        .body(r#"{"CallbackCommand":"Room.CallbackAfterMemberLeave","Type":"Kicked"}"#);
    testing::send(testing::service(RefusesKicks), kicked)
        .await
        .assert_fail(200, 7);
    // Off the callback path: the NotFound inside.
    let response = testing::call(
        testing::service(RefusesKicks),
        http::Request::get("/healthz")
            .body(http_body_util::Full::new(bytes::Bytes::new()))
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn the_kit_service_with_a_layer_keeps_its_configuration() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(testing::DEMO_SDK_APP_ID)
        .token("kit-token")
        .handler(RefusesKicks)
        .build()
        .unwrap();
    let signed = CallbackRequest::room_destroyed().signed_now("kit-token");
    testing::send(testing::service_with(&layer), signed)
        .await
        .assert_ok();
    testing::send(
        testing::service_with(&layer),
        CallbackRequest::room_destroyed(),
    )
    .await
    .assert_fail(401, 40100);
}

#[tokio::test]
async fn a_handler_is_called_directly_with_a_sample_and_a_context() {
    let mut event = MemberLeft::sample();
    event.change_type = Some(MemberChangeType::Kicked);
    let context = testing::context(MemberLeft::COMMAND);
    let error = RefusesKicks
        .on_member_left(event, &context)
        .await
        .unwrap_err();
    assert_eq!(error.code().get(), 7);
}

#[test]
fn every_event_sample_is_its_sample_request_decoded() {
    let decoded = |request: CallbackRequest| Event::from_json(request.body_bytes()).unwrap();
    assert_eq!(
        Event::RoomCreated(RoomCreated::sample()),
        decoded(CallbackRequest::room_created())
    );
    assert_eq!(
        Event::RoomDestroyed(RoomDestroyed::sample()),
        decoded(CallbackRequest::room_destroyed())
    );
    assert_eq!(
        Event::RoomInfoUpdated(RoomInfoUpdated::sample()),
        decoded(CallbackRequest::room_info_updated())
    );
    assert_eq!(
        Event::MemberEntered(MemberEntered::sample()),
        decoded(CallbackRequest::member_entered())
    );
    assert_eq!(
        Event::MemberLeft(MemberLeft::sample()),
        decoded(CallbackRequest::member_left())
    );
    assert_eq!(
        Event::SeatListChanged(SeatListChanged::sample()),
        decoded(CallbackRequest::seat_list_changed())
    );
}

/// Keeps the context the layer hands over.
#[derive(Clone, Default)]
struct Contexts(Arc<Mutex<Vec<CallbackContext>>>);

impl RoomHandler for Contexts {
    async fn handle(&self, _: Event, context: &CallbackContext) -> HandlerResult {
        self.0.lock().unwrap().push(context.clone());
        Ok(())
    }
}

#[tokio::test]
async fn the_kit_context_is_what_the_layer_hands_over_for_a_kit_request() {
    let contexts = Contexts::default();
    testing::send(
        testing::service(contexts.clone()),
        CallbackRequest::member_left(),
    )
    .await
    .assert_ok();
    let handed = contexts.0.lock().unwrap().pop().unwrap();
    assert_eq!(handed, testing::context(MemberLeft::COMMAND));
}

#[tokio::test]
#[should_panic(expected = "expected 200 OK, got 200 FAIL 7 \"kicks are not allowed\"")]
async fn assert_ok_on_a_fail_says_status_code_and_message() {
    let kicked = CallbackRequest::member_left()
        .body(r#"{"CallbackCommand":"Room.CallbackAfterMemberLeave","Type":"Kicked"}"#);
    testing::send(testing::service(RefusesKicks), kicked)
        .await
        .assert_ok();
}

#[tokio::test]
#[should_panic(expected = "expected 401 FAIL 40100, got 200 OK")]
async fn assert_fail_on_an_ok_says_ok() {
    testing::send(
        testing::service(RefusesKicks),
        CallbackRequest::member_left(),
    )
    .await
    .assert_fail(401, 40100);
}

#[tokio::test]
#[should_panic(expected = "expected 200 FAIL 8, got 200 FAIL 7")]
async fn assert_fail_with_another_code_says_the_code_that_came() {
    let kicked = CallbackRequest::member_left()
        .body(r#"{"CallbackCommand":"Room.CallbackAfterMemberLeave","Type":"Kicked"}"#);
    testing::send(testing::service(RefusesKicks), kicked)
        .await
        .assert_fail(200, 8);
}

#[tokio::test]
#[should_panic(expected = "got Some(\"text/plain\"), status 200, body \"done\"")]
async fn reading_a_response_that_is_not_an_answer_says_what_came() {
    let response = http::Response::builder()
        .header("content-type", "text/plain")
        .body(http_body_util::Full::new(bytes::Bytes::from_static(
            b"done",
        )))
        .unwrap();
    testing::read_answer(response).await;
}
