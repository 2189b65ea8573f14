//! The axum extractor of extension mode (feature `axum`): `RoomCallback` takes the event
//! out of the request, and says so, with Tencent's answer, when there is none.
#![cfg(feature = "axum")]

use std::sync::{Arc, Mutex};

use axum::routing::post;
use axum::{Extension, Router};
use tencent_room_webhook::extract::RoomCallback;
use tencent_room_webhook::testing::{self, CallbackRequest};
use tencent_room_webhook::{Answer, Event, RoomWebhookLayer};

fn layer() -> RoomWebhookLayer {
    RoomWebhookLayer::builder()
        .sdk_app_id(testing::DEMO_SDK_APP_ID)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_route_with_the_extractor_receives_the_callback_and_its_answer_is_sent() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let app = Router::new()
        .route(
            "/callback",
            post(
                move |RoomCallback(event, context): RoomCallback| async move {
                    record
                        .lock()
                        .unwrap()
                        .push((event.command().to_owned(), context.sdk_app_id));
                    match event {
                        Event::MemberLeft(_) => Answer::ok(),
                        _ => Answer::fail(7, "not a leave"),
                    }
                },
            ),
        )
        .layer(layer());
    testing::send(app.clone(), CallbackRequest::member_left())
        .await
        .assert_ok();
    testing::send(app, CallbackRequest::room_destroyed())
        .await
        .assert_fail(200, 7);
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].0, "Room.CallbackAfterMemberLeave");
    assert_eq!(seen[1].0, "Room.CallbackAfterDestroyRoom");
    assert_eq!(seen[0].1.get(), testing::DEMO_SDK_APP_ID);
}

#[tokio::test]
async fn the_extractor_moves_the_event_out_of_the_request_rather_than_cloning_it() {
    let app = Router::new()
        .route(
            "/callback",
            post(
                |RoomCallback(_, _): RoomCallback, left: Option<Extension<Event>>| async move {
                    match left {
                        None => Answer::ok(),
                        Some(_) => Answer::fail(1, "the event is still in the request"),
                    }
                },
            ),
        )
        .layer(layer());
    testing::send(app, CallbackRequest::member_left())
        .await
        .assert_ok();
}

async fn route(RoomCallback(_, _): RoomCallback) -> Answer {
    Answer::ok()
}

#[tokio::test]
async fn without_the_layer_the_extractor_answers_fail_500_no_callback() {
    let app = Router::new().route("/callback", post(route));
    let answer = testing::send(app, CallbackRequest::member_left()).await;
    answer.assert_fail(500, 50003);
    assert!(
        answer.answer.error_info().contains("no callback"),
        "{answer}"
    );
}

#[tokio::test]
async fn on_a_route_off_the_layers_path_the_extractor_answers_fail_500_no_callback() {
    let app = Router::new().route("/cb", post(route)).layer(layer());
    testing::send(app, CallbackRequest::member_left().path("/cb"))
        .await
        .assert_fail(500, 50003);
}

#[tokio::test]
async fn the_rejection_names_the_path_and_the_mistakes() {
    use axum::extract::FromRequestParts;

    let (mut parts, ()) = http::Request::post("/cb").body(()).unwrap().into_parts();
    let rejection = RoomCallback::from_request_parts(&mut parts, &())
        .await
        .unwrap_err();
    assert_eq!(rejection.path(), "/cb");
    let message = rejection.to_string();
    assert!(message.contains("\"/cb\""), "{message}");
    assert!(message.contains("Router::layer"), "{message}");
    assert!(message.contains("the layer's path"), "{message}");
}
