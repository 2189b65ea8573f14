//! Extension mode, and the layer composed with other layers, with axum, and with plain
//! hyper over a real loopback socket.

use crate::common;

use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::routing::{get, post as axum_post};
use axum::{Extension, Router};
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tencent_room_webhook::event::RoomDestroyed;
use tencent_room_webhook::{
    Answer, CallbackContext, Event, HandlerResult, RoomHandler, RoomWebhookLayer, WebhookBody,
};
use tower::{Layer, ServiceBuilder, ServiceExt};

use common::*;

const DESTROY: &str = "Room.CallbackAfterDestroyRoom";

// Extension mode through a tower service.

#[tokio::test]
async fn extension_mode_gives_the_inner_service_the_event_the_context_and_the_body() {
    let layer = RoomWebhookLayer::builder().sdk_app_id(APP).build().unwrap();
    let inner = tower::service_fn(|request: Request<WebhookBody<Full<Bytes>>>| async move {
        let event = request.extensions().get::<Event>().cloned().expect("event");
        let context = request
            .extensions()
            .get::<CallbackContext>()
            .cloned()
            .expect("context");
        let body = request.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, Bytes::from(fixture("room/after_destroy_room.json")));
        let Event::RoomDestroyed(destroyed) = event else {
            panic!("{event:?}")
        };
        assert_eq!(destroyed.room_id.unwrap(), "tandy-test-rest");
        assert_eq!(context.sdk_app_id.get(), APP);
        Ok::<_, Infallible>(Answer::fail(7, "seen").into_http_response())
    });
    let response = layer
        .layer(inner)
        .oneshot(fixture_request("room/after_destroy_room.json"))
        .await
        .unwrap();
    answered(response).await.assert_fail(200, 7);
}

#[tokio::test]
async fn extension_mode_answers_refusals_itself_without_calling_the_inner_service() {
    let layer = RoomWebhookLayer::builder().sdk_app_id(APP).build().unwrap();
    let inner = tower::service_fn(|_: Request<WebhookBody<Full<Bytes>>>| async {
        panic!("the inner service must not see a refused callback");
        #[allow(unreachable_code)]
        Ok::<_, Infallible>(Answer::ok().into_http_response())
    });
    let uri = format!("/callback?SdkAppid=1&CallbackCommand={DESTROY}");
    let response = layer
        .layer(inner)
        .oneshot(post(&uri, fixture("room/after_destroy_room.json")))
        .await
        .unwrap();
    answered(response).await.assert_fail(403, 40300);
}

#[tokio::test]
async fn extension_mode_answers_500_when_the_inner_service_panics() {
    let layer = RoomWebhookLayer::builder().sdk_app_id(APP).build().unwrap();
    let inner = tower::service_fn(|_: Request<WebhookBody<Full<Bytes>>>| async {
        panic!("a bug in the application's route");
        #[allow(unreachable_code)]
        Ok::<_, Infallible>(Answer::ok().into_http_response())
    });
    let response = layer
        .layer(inner)
        .oneshot(fixture_request("room/after_destroy_room.json"))
        .await
        .unwrap();
    answered(response).await.assert_fail(500, 50000);
}

#[tokio::test]
async fn extension_mode_without_a_route_on_the_callback_path_is_answered_500_not_dropped() {
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .layer(RoomWebhookLayer::builder().sdk_app_id(APP).build().unwrap());
    let response = axum_request(app, fixture_request("room/after_destroy_room.json")).await;
    answered(response).await.assert_fail(500, 50002);
}

#[tokio::test]
async fn extension_mode_passes_other_requests_with_their_body_intact() {
    let layer = RoomWebhookLayer::builder().sdk_app_id(APP).build().unwrap();
    let inner = tower::service_fn(|request: Request<WebhookBody<Full<Bytes>>>| async move {
        assert!(request.extensions().get::<Event>().is_none());
        let body = request.into_body().collect().await.unwrap().to_bytes();
        Ok::<_, Infallible>(Response::new(Full::new(body)))
    });
    let request = Request::post("/upload")
        .body(Full::new(Bytes::from("payload")))
        .unwrap();
    let response = layer.layer(inner).oneshot(request).await.unwrap();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"payload");
}

// Composition with other tower layers.

struct SlowDestroy;

impl RoomHandler for SlowDestroy {
    async fn on_room_destroyed(&self, _: RoomDestroyed, _: &CallbackContext) -> HandlerResult {
        tokio::time::sleep(Duration::from_secs(5)).await;
        Ok(())
    }
}

#[tokio::test]
async fn the_layer_composes_in_a_service_builder_with_trace_and_timeout() {
    let webhook = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(Recorder::default())
        .build()
        .unwrap();
    let service = ServiceBuilder::new()
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::GATEWAY_TIMEOUT,
            Duration::from_secs(1),
        ))
        .layer(webhook)
        .service(inner_app());
    let response = service
        .clone()
        .oneshot(fixture_request("room/after_member_enter.json"))
        .await
        .unwrap();
    answered(response).await.assert_ok();
    let response = service
        .oneshot(
            Request::get("/healthz")
                .body(Full::new(Bytes::new()))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test(start_paused = true)]
async fn an_outer_timeout_cuts_a_slow_handler() {
    let webhook = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(SlowDestroy)
        .build()
        .unwrap();
    let service = ServiceBuilder::new()
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::GATEWAY_TIMEOUT,
            Duration::from_secs(1),
        ))
        .layer(webhook)
        .service(inner_app());
    let response = service
        .oneshot(fixture_request("room/after_destroy_room.json"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
}

// axum.

async fn axum_request(app: Router, request: Request<Full<Bytes>>) -> Response<axum::body::Body> {
    app.oneshot(request.map(axum::body::Body::new))
        .await
        .unwrap()
}

#[tokio::test]
async fn on_an_axum_router_the_handler_mode_answers_callbacks_and_passes_routes() {
    let recorder = Recorder::default();
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .layer(
            RoomWebhookLayer::builder()
                .sdk_app_id(APP)
                .handler(recorder.clone())
                .build()
                .unwrap(),
        );
    let response = axum_request(app.clone(), fixture_request("room/after_destroy_room.json")).await;
    answered(response).await.assert_ok();
    assert_eq!(recorder.take().len(), 1);
    let response = axum_request(
        app,
        Request::get("/healthz")
            .body(Full::new(Bytes::new()))
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"ok");
}

async fn extension_handler(
    Extension(event): Extension<Event>,
    Extension(context): Extension<CallbackContext>,
) -> Response<Full<Bytes>> {
    assert_eq!(context.command, event.command());
    match event {
        Event::MemberLeft(_) => Answer::ok().into_http_response(),
        other => Answer::fail(99, format!("unexpected {}", other.command())).into_http_response(),
    }
}

#[tokio::test]
async fn on_an_axum_router_the_extension_mode_reaches_an_axum_handler() {
    let app = Router::new()
        .route("/callback", axum_post(extension_handler))
        .layer(RoomWebhookLayer::builder().sdk_app_id(APP).build().unwrap());
    let response = axum_request(app.clone(), fixture_request("room/after_member_leave.json")).await;
    answered(response).await.assert_ok();
    let response = axum_request(app, fixture_request("room/after_member_enter.json")).await;
    answered(response).await.assert_fail(200, 99);
}

#[tokio::test]
async fn around_a_whole_axum_router_both_modes_answer_callbacks_and_pass_routes() {
    let routes = || {
        Router::new()
            .route("/healthz", get(|| async { "ok" }))
            .route("/callback", axum_post(extension_handler))
    };
    let recorder = Recorder::default();
    let handler_mode = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(recorder.clone())
        .build()
        .unwrap()
        .layer(routes());
    let extension_mode = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .build()
        .unwrap()
        .layer(routes());

    let response = handler_mode
        .clone()
        .oneshot(fixture_request("room/after_destroy_room.json").map(axum::body::Body::new))
        .await
        .unwrap();
    answered(response).await.assert_ok();
    assert_eq!(recorder.take().len(), 1, "the handler, not the route");
    let response = extension_mode
        .clone()
        .oneshot(fixture_request("room/after_member_enter.json").map(axum::body::Body::new))
        .await
        .unwrap();
    answered(response).await.assert_fail(200, 99);

    for app in [
        handler_mode.oneshot(healthz()).await,
        extension_mode.oneshot(healthz()).await,
    ] {
        let response = app.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(&body[..], b"ok");
    }

    fn healthz() -> Request<axum::body::Body> {
        Request::get("/healthz")
            .body(axum::body::Body::empty())
            .unwrap()
    }
}

// Plain hyper 1, over a real socket, with a real client.

fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

#[tokio::test]
async fn on_plain_hyper_over_loopback_callbacks_and_other_requests_are_served() {
    let recorder = Recorder::default();
    let service = ServiceBuilder::new()
        .layer(
            RoomWebhookLayer::builder()
                .sdk_app_id(APP)
                .handler(recorder.clone())
                .build()
                .unwrap(),
        )
        .service(inner_app::<hyper::body::Incoming>());
    let server = serve_loopback(service).await;
    let address = server.address;
    let client = client();
    for (name, body) in callback_fixtures() {
        let uri = format!("http://{address}{}", callback_uri(&command_of(&body)));
        let response = client.request(post(&uri, body)).await.unwrap();
        let answer = answered(response).await;
        assert_eq!(answer.action_status, "OK", "{name}");
    }
    assert_eq!(recorder.take().len(), callback_fixtures().len());

    let response = client
        .request(
            Request::get(format!("http://{address}/healthz"))
                .body(Full::default())
                .unwrap(),
        )
        .await
        .unwrap();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"inner");
    drop(server);
}

struct PanicsOnDestroy;

impl RoomHandler for PanicsOnDestroy {
    async fn on_room_destroyed(&self, _: RoomDestroyed, _: &CallbackContext) -> HandlerResult {
        panic!("a bug in the application's handler");
    }
}

#[tokio::test]
async fn over_loopback_a_panicking_handler_is_answered_500_and_the_connection_carries_on() {
    let service = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .handler(PanicsOnDestroy)
        .build()
        .unwrap()
        .layer(inner_app::<hyper::body::Incoming>());
    let server = serve_loopback(service).await;
    let address = server.address;
    // One connection at most, so the requests after the panic reuse it.
    let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(1)
        .build_http();
    let url = |relative: &str| {
        let body = fixture(relative);
        post(
            &format!("http://{address}{}", callback_uri(&command_of(&body))),
            body,
        )
    };
    for _ in 0..3 {
        let response = client
            .request(url("room/after_destroy_room.json"))
            .await
            .unwrap();
        answered(response).await.assert_fail(500, 50000);
        let response = client
            .request(url("room/after_member_leave.json"))
            .await
            .unwrap();
        answered(response).await.assert_ok();
    }
    assert_eq!(
        server.accepted.load(Ordering::SeqCst),
        1,
        "one connection served them all"
    );
    drop(server);
}

#[cfg(feature = "axum")]
#[tokio::test]
async fn with_the_axum_feature_an_answer_is_an_axum_response() {
    use axum::response::IntoResponse;

    // Through axum's trait, not the inherent method of the same name.
    let response: axum::response::Response = IntoResponse::into_response(Answer::fail(3, "no"));
    answered(response).await.assert_fail(200, 3);
}
