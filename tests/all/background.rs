//! Handler faults and slow handlers: the deadline, the answer-first mode and its drain,
//! and de-duplication of repeated deliveries.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tencent_room_webhook::dedup::{
    ClaimToken, Claimed, DeliveryKey, DeliveryStore, MemoryStore, StoreError,
};
use tencent_room_webhook::testing::{self, CallbackRequest, NotFound};
use tencent_room_webhook::{
    CallbackContext, Event, HandlerError, HandlerResult, OnDeadline, RoomHandler, RoomWebhookLayer,
};
use tokio::sync::Semaphore;
use tower::Layer;

/// Counts the callbacks it started and finished; sleeps `delay` in between, or waits for
/// a permit of `gate` when there is one.
#[derive(Clone, Default)]
struct Slow {
    delay: Duration,
    gate: Option<Arc<Semaphore>>,
    started: Arc<AtomicUsize>,
    finished: Arc<AtomicUsize>,
    fail: bool,
}

impl RoomHandler for Slow {
    async fn handle(&self, _: Event, _: &CallbackContext) -> HandlerResult {
        self.started.fetch_add(1, Ordering::SeqCst);
        match &self.gate {
            Some(gate) => gate.acquire().await.unwrap().forget(),
            None => tokio::time::sleep(self.delay).await,
        }
        self.finished.fetch_add(1, Ordering::SeqCst);
        if self.fail {
            Err(HandlerError::new(5, "failed"))
        } else {
            Ok(())
        }
    }
}

fn slow(delay: Duration) -> Slow {
    Slow {
        delay,
        ..Slow::default()
    }
}

#[tokio::test(start_paused = true)]
async fn a_handler_within_its_deadline_is_answered_from_its_result() {
    let handler = slow(Duration::from_millis(100));
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(handler.clone())
        .deadline(Duration::from_millis(1500), OnDeadline::Cancel)
        .build()
        .unwrap();
    testing::send(layer.layer(NotFound), CallbackRequest::room_destroyed())
        .await
        .assert_ok();
    assert_eq!(handler.finished.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn a_handler_past_its_deadline_is_cancelled_and_answered_504() {
    let handler = slow(Duration::from_secs(10));
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(handler.clone())
        .deadline(Duration::from_millis(1500), OnDeadline::Cancel)
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    testing::send(layer.layer(NotFound), CallbackRequest::room_destroyed())
        .await
        .assert_fail(504, 50400);
    assert_eq!(
        started.elapsed(),
        Duration::from_millis(1500),
        "answered at the deadline"
    );
    tokio::time::sleep(Duration::from_secs(20)).await;
    assert_eq!(handler.started.load(Ordering::SeqCst), 1);
    assert_eq!(
        handler.finished.load(Ordering::SeqCst),
        0,
        "its work was dropped"
    );
}

#[tokio::test(start_paused = true)]
async fn a_handler_past_its_deadline_when_detached_finishes_after_the_ok_answer() {
    let handler = slow(Duration::from_secs(10));
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(handler.clone())
        .deadline(Duration::from_millis(1500), OnDeadline::Detach)
        .allow_unrecorded_ok()
        .build()
        .unwrap();
    testing::send(layer.layer(NotFound), CallbackRequest::room_destroyed())
        .await
        .assert_ok();
    assert_eq!(handler.finished.load(Ordering::SeqCst), 0);
    let drain = layer.drain();
    assert_eq!(drain.pending(), 1);
    drain.drain().await;
    assert_eq!(
        handler.finished.load(Ordering::SeqCst),
        1,
        "drain waited for it"
    );
}

fn answer_first(
    handler: &Slow,
    concurrency: usize,
    queue: usize,
) -> RoomWebhookLayer<tencent_room_webhook::ToHandler<Slow>> {
    RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(handler.clone())
        .answer_first(concurrency, queue)
        .allow_unrecorded_ok()
        .build()
        .unwrap()
}

fn numbered(i: usize) -> CallbackRequest {
    CallbackRequest::room_destroyed().body(format!(
        r#"{{"CallbackCommand":"Room.CallbackAfterDestroyRoom","RoomId":"room-{i}"}}"#
    ))
}

#[tokio::test]
async fn answer_first_answers_at_once_and_bounds_running_and_queued_callbacks() {
    let gate = Arc::new(Semaphore::new(0));
    let handler = Slow {
        gate: Some(gate.clone()),
        ..Slow::default()
    };
    let layer = answer_first(&handler, 2, 3);
    for i in 0..5 {
        testing::send(layer.layer(NotFound), numbered(i))
            .await
            .assert_ok();
    }
    tokio::task::yield_now().await;
    assert_eq!(
        handler.started.load(Ordering::SeqCst),
        2,
        "two run, three wait"
    );
    testing::send(layer.layer(NotFound), numbered(5))
        .await
        .assert_fail(503, 50300);
    gate.add_permits(5);
    layer.drain().drain().await;
    assert_eq!(
        handler.finished.load(Ordering::SeqCst),
        5,
        "every accepted callback handled"
    );
}

#[tokio::test]
async fn draining_refuses_new_callbacks_and_loses_no_accepted_one() {
    let gate = Arc::new(Semaphore::new(0));
    let handler = Slow {
        gate: Some(gate.clone()),
        ..Slow::default()
    };
    let layer = answer_first(&handler, 1, 100);
    for i in 0..20 {
        testing::send(layer.layer(NotFound), numbered(i))
            .await
            .assert_ok();
    }
    let drain = layer.drain();
    let draining = tokio::spawn({
        let drain = drain.clone();
        async move { drain.drain().await }
    });
    tokio::task::yield_now().await;
    testing::send(layer.layer(NotFound), numbered(99))
        .await
        .assert_fail(503, 50301);
    assert!(!draining.is_finished());
    gate.add_permits(20);
    draining.await.unwrap();
    assert_eq!(handler.finished.load(Ordering::SeqCst), 20);
    assert_eq!(drain.pending(), 0);
}

#[tokio::test]
async fn a_panic_in_the_background_does_not_stop_the_queue() {
    struct PanicsOnOdd(Arc<AtomicUsize>);
    impl RoomHandler for PanicsOnOdd {
        async fn handle(&self, event: Event, _: &CallbackContext) -> HandlerResult {
            let room = event.room_id().unwrap().as_str().to_owned();
            let n: usize = room.trim_start_matches("room-").parse().unwrap();
            assert!(n % 2 == 0, "odd room {n}");
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }
    let handled = Arc::new(AtomicUsize::new(0));
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(PanicsOnOdd(handled.clone()))
        .answer_first(1, 100)
        .allow_unrecorded_ok()
        .build()
        .unwrap();
    for i in 0..10 {
        testing::send(layer.layer(NotFound), numbered(i))
            .await
            .assert_ok();
    }
    layer.drain().drain().await;
    assert_eq!(handled.load(Ordering::SeqCst), 5);
}

fn deduplicated(handler: &Slow) -> RoomWebhookLayer<tencent_room_webhook::ToHandler<Slow>> {
    RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(handler.clone())
        .dedup(MemoryStore::new(1000), Duration::from_secs(600))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_repeated_delivery_is_answered_ok_and_handled_once() {
    let handler = slow(Duration::ZERO);
    let layer = deduplicated(&handler);
    for _ in 0..3 {
        testing::send(layer.layer(NotFound), numbered(1))
            .await
            .assert_ok();
    }
    testing::send(layer.layer(NotFound), numbered(2))
        .await
        .assert_ok();
    assert_eq!(handler.finished.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn the_same_body_for_another_app_is_another_delivery() {
    let handler = slow(Duration::ZERO);
    let layer = RoomWebhookLayer::builder()
        .sdk_app_ids([1400000000_u64, 1400000001])
        .handler(handler.clone())
        .dedup(MemoryStore::new(1000), Duration::from_secs(600))
        .build()
        .unwrap();
    testing::send(layer.layer(NotFound), numbered(1))
        .await
        .assert_ok();
    testing::send(
        layer.layer(NotFound),
        numbered(1).sdk_app_id(1400000001_u64),
    )
    .await
    .assert_ok();
    assert_eq!(handler.finished.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_failed_delivery_is_handled_again_when_retried() {
    let handler = Slow {
        fail: true,
        ..Slow::default()
    };
    let layer = deduplicated(&handler);
    for _ in 0..2 {
        testing::send(layer.layer(NotFound), numbered(1))
            .await
            .assert_fail(200, 5);
    }
    assert_eq!(handler.finished.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn extension_mode_deduplicates_too() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let inner = tower::service_fn(move |_: http::Request<_>| {
        counter.fetch_add(1, Ordering::SeqCst);
        async {
            Ok::<_, std::convert::Infallible>(
                tencent_room_webhook::Answer::ok().into_http_response(),
            )
        }
    });
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .dedup(MemoryStore::new(10), Duration::from_secs(60))
        .build()
        .unwrap();
    for _ in 0..3 {
        testing::send(layer.layer(inner.clone()), numbered(7))
            .await
            .assert_ok();
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// The application's route in extension mode answering with `answer` to every callback,
/// counting the calls.
fn application(
    answer: fn() -> tencent_room_webhook::Answer,
    calls: &Arc<AtomicUsize>,
) -> impl tower::Service<
    http::Request<tencent_room_webhook::WebhookBody<http_body_util::Full<bytes::Bytes>>>,
    Response = http::Response<http_body_util::Full<bytes::Bytes>>,
    Error = std::convert::Infallible,
    Future = impl Send,
> + Clone
       + Send
       + 'static {
    let counter = calls.clone();
    tower::service_fn(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        std::future::ready(Ok(answer().into_http_response()))
    })
}

#[tokio::test]
async fn extension_mode_hands_the_retry_of_a_fail_answer_to_the_application_again() {
    let calls = Arc::new(AtomicUsize::new(0));
    let fail = || tencent_room_webhook::Answer::fail(5, "not stored");
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .dedup(MemoryStore::new(10), Duration::from_secs(60))
        .build()
        .unwrap();
    for _ in 0..2 {
        let answer = testing::send(layer.layer(application(fail, &calls)), numbered(7)).await;
        assert!(
            !answer.answer.is_ok(),
            "the application's FAIL is passed on: {answer}"
        );
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "the retry reached the application"
    );
}

fn deduplicated_in_memory(
    handler: &common::SlowFirst,
) -> RoomWebhookLayer<tencent_room_webhook::ToHandler<common::SlowFirst>> {
    RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(handler.clone())
        .dedup(MemoryStore::new(1000), Duration::from_secs(600))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_duplicate_while_the_first_delivery_is_slow_and_fails_is_answered_503_not_ok() {
    let handler = common::SlowFirst::new(common::FirstEnds::Failing);
    let service = deduplicated_in_memory(&handler).layer(NotFound);
    common::a_duplicate_of_a_pending_delivery_is_never_answered_ok(service, handler).await;
}

#[tokio::test]
async fn a_duplicate_while_the_first_delivery_is_slow_and_panics_is_answered_503_not_ok() {
    let handler = common::SlowFirst::new(common::FirstEnds::Panicking);
    let service = deduplicated_in_memory(&handler).layer(NotFound);
    common::a_duplicate_of_a_pending_delivery_is_never_answered_ok(service, handler).await;
}

#[tokio::test(start_paused = true)]
async fn a_handler_without_a_deadline_is_cancelled_when_the_time_to_answer_ends() {
    let handler = slow(Duration::from_secs(3));
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(handler.clone())
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    testing::send(layer.layer(NotFound), CallbackRequest::member_left())
        .await
        .assert_fail(504, tencent_room_webhook::ErrorCode::HANDLER_TIMEOUT);
    assert_eq!(started.elapsed(), Duration::from_millis(1800));
    assert_eq!(handler.finished.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn a_deadline_past_the_time_to_answer_is_cut_to_it() {
    let handler = slow(Duration::from_secs(3));
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .answer_within(Duration::from_millis(1200))
        .handler(handler.clone())
        .deadline(Duration::from_secs(5), OnDeadline::Cancel)
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    testing::send(layer.layer(NotFound), CallbackRequest::member_left())
        .await
        .assert_fail(504, tencent_room_webhook::ErrorCode::HANDLER_TIMEOUT);
    assert_eq!(started.elapsed(), Duration::from_millis(1200));
}

/// A `MemoryStore` whose release takes `delay`, as a store across the network does.
#[derive(Clone)]
struct SlowRelease {
    inner: Arc<MemoryStore>,
    delay: Duration,
    released: Arc<AtomicUsize>,
}

impl DeliveryStore for SlowRelease {
    async fn claim(
        &self,
        key: &DeliveryKey,
        token: &ClaimToken,
        ttl: Duration,
    ) -> Result<Claimed, StoreError> {
        self.inner.claim(key, token, ttl).await
    }

    async fn complete(
        &self,
        key: &DeliveryKey,
        token: &ClaimToken,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        self.inner.complete(key, token, ttl).await
    }

    async fn release(&self, key: &DeliveryKey, token: &ClaimToken) -> Result<(), StoreError> {
        tokio::time::sleep(self.delay).await;
        self.released.fetch_add(1, Ordering::SeqCst);
        self.inner.release(key, token).await
    }
}

#[tokio::test(start_paused = true)]
async fn the_drain_waits_for_the_release_of_a_claim_dropped_at_the_deadline() {
    let store = SlowRelease {
        inner: Arc::new(MemoryStore::new(10)),
        delay: Duration::from_millis(300),
        released: Arc::default(),
    };
    let handler = slow(Duration::from_secs(10));
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(handler.clone())
        .dedup(store.clone(), Duration::from_secs(60))
        .deadline(Duration::from_millis(500), OnDeadline::Cancel)
        .build()
        .unwrap();
    testing::send(layer.layer(NotFound), numbered(1))
        .await
        .assert_fail(504, tencent_room_webhook::ErrorCode::HANDLER_TIMEOUT);
    let drain = layer.drain();
    assert_eq!(drain.pending(), 1, "the release is background work");
    drain.drain().await;
    assert_eq!(store.released.load(Ordering::SeqCst), 1);
}
