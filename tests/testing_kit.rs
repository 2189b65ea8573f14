//! The test kit (feature `testing`) builds requests as Tencent sends them and reads the
//! answers back.

use tencent_room_webhook::testing::{self, CallbackRequest, NotFound};
use tencent_room_webhook::verify::sign;
use tencent_room_webhook::{Event, HandlerError, HandlerResult, RoomHandler, RoomWebhookLayer};
use tower::Layer;

struct RefusesKicks;

impl RoomHandler for RefusesKicks {
    async fn on_member_left(
        &self,
        event: tencent_room_webhook::event::MemberLeft,
        _: &tencent_room_webhook::CallbackContext,
    ) -> HandlerResult {
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
