//! Several apps on one endpoint: each with its own tokens, optionally its own handler.

use crate::common;

use std::time::{Duration, UNIX_EPOCH};

use tencent_room_webhook::handler::PerApp;
use tencent_room_webhook::verify::sign;
use tencent_room_webhook::{
    AppConfig, CallbackContext, Event, HandlerError, HandlerResult, RoomHandler, RoomWebhookLayer,
};
use tower::{Layer, ServiceExt};

use common::*;

const NOW: u64 = 1_700_000_000;
const DESTROY: &str = "Room.CallbackAfterDestroyRoom";

fn signed(app: u64, token: &str) -> http::Request<http_body_util::Full<bytes::Bytes>> {
    let uri = format!(
        "/callback?SdkAppid={app}&CallbackCommand={DESTROY}&Sign={}&RequestTime={NOW}",
        sign(token.as_bytes(), NOW)
    );
    post(&uri, fixture("room/after_destroy_room.json"))
}

fn two_apps(recorder: &Recorder) -> RoomWebhookLayer<tencent_room_webhook::ToHandler<Recorder>> {
    RoomWebhookLayer::builder()
        .token("shared-token")
        .app(AppConfig::new(1400000001).token("token-of-one"))
        .app(AppConfig::new(1400000002))
        .clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
        .handler(recorder.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn each_app_is_checked_with_its_own_token() {
    let recorder = Recorder::default();
    let layer = two_apps(&recorder);
    for (app, token, ok) in [
        (1400000001, "token-of-one", true),
        (1400000001, "shared-token", false),
        (1400000002, "shared-token", true),
        (1400000002, "token-of-one", false),
    ] {
        let response = layer
            .layer(inner_app())
            .oneshot(signed(app, token))
            .await
            .unwrap();
        let answer = answered(response).await;
        if ok {
            answer.assert_ok();
        } else {
            answer.assert_fail(401, 40100);
        }
    }
    let apps: Vec<u64> = recorder
        .take()
        .iter()
        .map(|(_, c)| c.sdk_app_id.get())
        .collect();
    assert_eq!(apps, [1400000001, 1400000002], "the context says which app");
}

#[tokio::test]
async fn an_app_given_twice_is_a_configuration_error() {
    let error = RoomWebhookLayer::builder()
        .sdk_app_id(1400000001_u64)
        .app(AppConfig::new(1400000001).token("t"))
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("1400000001 is configured twice"),
        "{error}"
    );
}

#[tokio::test]
async fn an_empty_token_of_one_app_names_the_app() {
    let error = RoomWebhookLayer::builder()
        .app(AppConfig::new(1400000003).token(""))
        .build()
        .unwrap_err();
    assert!(
        error.to_string().starts_with("SDKAppID 1400000003: "),
        "{error}"
    );
}

#[test]
fn debug_of_an_app_shows_no_token() {
    let shown = format!("{:?}", AppConfig::new(1).token("per-app-secret"));
    assert!(!shown.contains("per-app-secret"), "{shown}");
}

struct Named(&'static str);

impl RoomHandler for Named {
    async fn handle(&self, _: Event, _: &CallbackContext) -> HandlerResult {
        Err(HandlerError::new(1, self.0))
    }
}

#[tokio::test]
async fn per_app_handlers_receive_their_apps_callbacks_and_the_fallback_the_rest() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_ids([1400000001_u64, 1400000002, 1400000003])
        .handler(
            PerApp::new()
                .app(1400000001_u64, Named("one"))
                .app(1400000002_u64, Named("two"))
                .fallback(Named("fallback")),
        )
        .build()
        .unwrap();
    for (app, expected) in [
        (1400000001, "one"),
        (1400000002, "two"),
        (1400000003, "fallback"),
    ] {
        let uri = format!("/callback?SdkAppid={app}&CallbackCommand={DESTROY}");
        let request = post(&uri, fixture("room/after_destroy_room.json"));
        let answer = answered(layer.layer(inner_app()).oneshot(request).await.unwrap()).await;
        assert_eq!(answer.info, expected);
    }
}

#[tokio::test]
async fn an_app_without_handler_or_fallback_is_answered_ok() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_ids([1400000001_u64, 1400000002])
        .handler(PerApp::new().app(1400000001_u64, Named("one")))
        .build()
        .unwrap();
    let uri = format!("/callback?SdkAppid=1400000002&CallbackCommand={DESTROY}");
    let request = post(&uri, fixture("room/after_destroy_room.json"));
    answered(layer.layer(inner_app()).oneshot(request).await.unwrap())
        .await
        .assert_ok();
}
