//! Bounded reading: a body that does not arrive in time is answered 408, and the bodies
//! being read at once never hold more than the buffered limit.

use crate::common;

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::Request;
use http_body::{Body, Frame, SizeHint};
use tencent_room_webhook::testing::{self, CallbackRequest, NotFound};
use tencent_room_webhook::{ConfigErrorKind, ErrorCode, RoomWebhookLayer, ToHandler};
use tower::Layer;

use common::Recorder;

/// A body that gives `first` at once, then nothing, ever: a client that stopped sending.
struct Stalled {
    first: Option<Bytes>,
}

impl Stalled {
    fn after(first: impl Into<Bytes>) -> Self {
        Self {
            first: Some(first.into()),
        }
    }
}

impl Body for Stalled {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.first.take() {
            Some(first) => Poll::Ready(Some(Ok(Frame::data(first)))),
            None => Poll::Pending,
        }
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// A callback request whose body stalls after `first`.
fn stalled_request(first: impl Into<Bytes>) -> Request<Stalled> {
    let (parts, _) = CallbackRequest::member_left().build().into_parts();
    Request::from_parts(parts, Stalled::after(first))
}

fn layer(buffered_limit: usize, body_limit: usize) -> RoomWebhookLayer<ToHandler<Recorder>> {
    RoomWebhookLayer::builder()
        .sdk_app_id(common::APP)
        .body_limit(body_limit)
        .buffered_limit(buffered_limit)
        .body_timeout(Duration::from_millis(500))
        .handler(Recorder::default())
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_body_that_stalls_is_answered_408_at_the_body_timeout() {
    let service = layer(1 << 20, 1 << 20).layer(NotFound);
    let response = testing::call(service, stalled_request(&b"{\"RoomId\":"[..]))
        .await
        .unwrap();
    let answer = testing::read_answer(response).await;
    answer.assert_fail(408, ErrorCode::BODY_TIMEOUT);
    assert_eq!(
        answer.answer.error_info(),
        "the body did not arrive whole within 500ms"
    );
}

#[tokio::test(start_paused = true)]
async fn by_default_a_stalled_body_is_answered_408_within_the_1_8_s_to_answer() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(common::APP)
        .handler(Recorder::default())
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let response = testing::call(layer.layer(NotFound), stalled_request(&b"{"[..]))
        .await
        .unwrap();
    testing::read_answer(response)
        .await
        .assert_fail(408, ErrorCode::BODY_TIMEOUT);
    assert_eq!(started.elapsed(), Duration::from_millis(1800));
}

#[tokio::test(start_paused = true)]
async fn the_default_body_timeout_is_two_seconds_when_the_time_to_answer_allows() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(common::APP)
        .answer_within(Duration::from_secs(5))
        .handler(Recorder::default())
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let response = testing::call(layer.layer(NotFound), stalled_request(&b"{"[..]))
        .await
        .unwrap();
    testing::read_answer(response)
        .await
        .assert_fail(408, ErrorCode::BODY_TIMEOUT);
    assert_eq!(started.elapsed(), Duration::from_secs(2));
}

#[tokio::test]
async fn a_body_whole_at_once_is_read_within_any_body_timeout() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(common::APP)
        .body_timeout(Duration::from_nanos(1))
        .handler(Recorder::default())
        .build()
        .unwrap();
    testing::send(layer.layer(NotFound), CallbackRequest::member_left())
        .await
        .assert_ok();
}

#[tokio::test]
async fn a_body_past_the_buffered_limit_is_answered_503_busy_and_the_share_comes_back() {
    let service = layer(16 * 1024, 16 * 1024).layer(NotFound);
    // One client holds nearly all of the limit, and stalls.
    let stalled = tokio::spawn(testing::call(
        service.clone(),
        stalled_request(vec![b' '; 16 * 1024 - 64]),
    ));
    // On this one-thread runtime, the spawned request reads its first frame here.
    tokio::task::yield_now().await;
    testing::send(service.clone(), CallbackRequest::member_left())
        .await
        .assert_fail(503, ErrorCode::BUSY);
    // At its body timeout the stalled client is answered, and its share comes back.
    let answer = testing::read_answer(stalled.await.unwrap().unwrap()).await;
    answer.assert_fail(408, ErrorCode::BODY_TIMEOUT);
    testing::send(service, CallbackRequest::member_left())
        .await
        .assert_ok();
}

#[tokio::test]
async fn a_callback_fits_beside_a_body_trickled_a_byte_at_a_time() {
    let service = layer(16 * 1024, 16 * 1024).layer(NotFound);
    let stalled = tokio::spawn(testing::call(service.clone(), stalled_request(&b"{"[..])));
    tokio::task::yield_now().await;
    testing::send(service, CallbackRequest::member_left())
        .await
        .assert_ok();
    stalled.abort();
}

#[test]
fn a_buffered_limit_below_the_body_limit_is_a_configuration_error() {
    let error = RoomWebhookLayer::builder()
        .sdk_app_id(common::APP)
        .body_limit(2 << 20)
        .buffered_limit(1 << 20)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::BufferedLimitBelowBodyLimit);
    assert!(
        error.to_string().contains("raise the buffered limit"),
        "{error}"
    );
}

#[test]
fn a_zero_body_timeout_is_a_configuration_error() {
    let error = RoomWebhookLayer::builder()
        .sdk_app_id(common::APP)
        .body_timeout(Duration::ZERO)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::ZeroBodyTimeout);
}

/// The README's quick start, as written (no timer configured), on `axum::serve`: a client
/// that sends half a body and then stalls for 3 s is answered 408 at the body timeout.
#[tokio::test]
async fn the_readme_example_as_written_answers_a_body_stalled_for_3_s_with_408() {
    use axum::{routing::get, Router};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let webhook = RoomWebhookLayer::builder()
        .sdk_app_id(common::APP)
        .handler(Recorder::default())
        .build()
        .unwrap();
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .layer(webhook);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let mut client = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"Callback",
        common::callback_uri("Room.CallbackAfterMemberLeave")
    );
    client.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(3), async {
        let mut buffer = [0; 1024];
        while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = client.read(&mut buffer).await.unwrap();
            assert!(n > 0, "the server closed without an answer");
            answer.extend_from_slice(&buffer[..n]);
        }
    })
    .await;
    server.abort();
    assert!(read.is_ok(), "no answer within 3 s: the body was not timed");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}
