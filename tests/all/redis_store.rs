//! De-duplication on a real Redis server, shared by two layers as two replicas would.
//!
//! The test starts its own `redis-server` on a free loopback port (`.ci/run` installs it);
//! where none can be started it says so and skips.

use crate::common;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tencent_room_webhook::dedup::{ClaimToken, Claimed, DeliveryKey, DeliveryStore, RedisStore};
use tencent_room_webhook::testing::{self, CallbackRequest, NotFound};
use tencent_room_webhook::{
    CallbackContext, Event, HandlerError, HandlerResult, RoomHandler, RoomWebhookLayer, SdkAppId,
};
use tower::Layer;

struct Redis {
    child: Child,
    port: u16,
    url: String,
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh redis-server on a free port, or `None` (with the reason printed) when there
/// is no redis-server to start.
fn start_redis() -> Option<Redis> {
    let port = TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = match Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(error) => {
            eprintln!("SKIPPED: no redis-server could be started ({error}); install redis-server to run the Redis tests");
            return None;
        }
    };
    let redis = Redis {
        child,
        port,
        url: format!("redis://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "redis-server did not start listening"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(redis)
}

async fn store(redis: &Redis, prefix: &str) -> RedisStore {
    RedisStore::open(&redis.url, prefix).await.unwrap()
}

#[derive(Clone, Default)]
struct Counting {
    handled: Arc<AtomicUsize>,
    fail: bool,
}

impl RoomHandler for Counting {
    async fn handle(&self, _: Event, _: &CallbackContext) -> HandlerResult {
        self.handled.fetch_add(1, Ordering::SeqCst);
        if self.fail {
            Err(HandlerError::new(3, "try again"))
        } else {
            Ok(())
        }
    }
}

#[tokio::test]
async fn a_claim_is_pending_until_completed_or_released_by_its_own_delivery_or_expired() {
    let Some(redis) = start_redis() else { return };
    let store = store(&redis, "t1:").await;
    let key = DeliveryKey::new(SdkAppId::new(1), "Room.X", b"{}");
    let (first, second) = (ClaimToken::new(), ClaimToken::new());
    let minute = Duration::from_secs(60);
    assert_eq!(
        store.claim(&key, &first, minute).await.unwrap(),
        Claimed::New
    );
    assert_eq!(
        store.claim(&key, &second, minute).await.unwrap(),
        Claimed::Pending
    );
    store.release(&key, &second).await.unwrap();
    assert_eq!(
        store.claim(&key, &second, minute).await.unwrap(),
        Claimed::Pending,
        "another delivery's release leaves the claim"
    );
    store.release(&key, &first).await.unwrap();
    assert_eq!(
        store.claim(&key, &second, minute).await.unwrap(),
        Claimed::New
    );
    store
        .complete(&key, &second, Duration::from_millis(50))
        .await
        .unwrap();
    store.release(&key, &second).await.unwrap();
    assert_eq!(
        store.claim(&key, &first, minute).await.unwrap(),
        Claimed::Done
    );
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        store.claim(&key, &first, minute).await.unwrap(),
        Claimed::New,
        "expired"
    );
}

#[tokio::test]
async fn two_replicas_sharing_redis_handle_a_repeated_delivery_once() {
    let Some(redis) = start_redis() else { return };
    let handler = Counting::default();
    let replica = |store| {
        RoomWebhookLayer::builder()
            .sdk_app_id(1400000000_u64)
            .handler(handler.clone())
            .dedup(store, Duration::from_secs(600))
            .build()
            .unwrap()
    };
    let first = replica(store(&redis, "room:").await);
    let second = replica(store(&redis, "room:").await);
    testing::send(first.layer(NotFound), CallbackRequest::member_left())
        .await
        .assert_ok();
    testing::send(second.layer(NotFound), CallbackRequest::member_left())
        .await
        .assert_ok();
    testing::send(second.layer(NotFound), CallbackRequest::member_entered())
        .await
        .assert_ok();
    assert_eq!(handler.handled.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_failed_delivery_is_released_in_redis_for_the_retry() {
    let Some(redis) = start_redis() else { return };
    let handler = Counting {
        fail: true,
        ..Counting::default()
    };
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(handler.clone())
        .dedup(store(&redis, "retry:").await, Duration::from_secs(600))
        .build()
        .unwrap();
    for _ in 0..2 {
        testing::send(layer.layer(NotFound), CallbackRequest::member_left())
            .await
            .assert_fail(200, 3);
    }
    assert_eq!(handler.handled.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn with_redis_gone_callbacks_are_still_delivered() {
    let Some(mut redis) = start_redis() else {
        return;
    };
    let handler = Counting::default();
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(handler.clone())
        .dedup(store(&redis, "gone:").await, Duration::from_secs(600))
        .build()
        .unwrap();
    redis.child.kill().unwrap();
    redis.child.wait().unwrap();
    for _ in 0..2 {
        testing::send(layer.layer(NotFound), CallbackRequest::member_left())
            .await
            .assert_ok();
    }
    assert_eq!(
        handler.handled.load(Ordering::SeqCst),
        2,
        "at least once when the store fails"
    );
}

fn deduplicated_in_redis(
    handler: &common::SlowFirst,
    store: RedisStore,
) -> RoomWebhookLayer<tencent_room_webhook::ToHandler<common::SlowFirst>> {
    RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(handler.clone())
        .dedup(store, Duration::from_secs(600))
        .build()
        .unwrap()
}

#[tokio::test]
async fn in_redis_a_duplicate_while_the_first_delivery_is_slow_and_fails_is_answered_503_not_ok() {
    let Some(redis) = start_redis() else { return };
    let handler = common::SlowFirst::new(common::FirstEnds::Failing);
    let layer = deduplicated_in_redis(&handler, store(&redis, "slow-fail:").await);
    common::a_duplicate_of_a_pending_delivery_is_never_answered_ok(layer.layer(NotFound), handler)
        .await;
}

#[tokio::test]
async fn in_redis_a_duplicate_while_the_first_delivery_is_slow_and_panics_is_answered_503_not_ok() {
    let Some(redis) = start_redis() else { return };
    let handler = common::SlowFirst::new(common::FirstEnds::Panicking);
    let layer = deduplicated_in_redis(&handler, store(&redis, "slow-panic:").await);
    common::a_duplicate_of_a_pending_delivery_is_never_answered_ok(layer.layer(NotFound), handler)
        .await;
}

/// A claim that landed in Redis although its answer was lost (the store reported a
/// failure) stays pending: the retry of a delivery that then failed is refused, never
/// answered OK.
#[tokio::test]
async fn a_claim_whose_answer_was_lost_never_turns_a_retry_into_an_ok() {
    let Some(redis) = start_redis() else { return };
    let store = store(&redis, "lost:").await;
    let key = DeliveryKey::new(
        SdkAppId::new(1400000000),
        "Room.CallbackAfterMemberLeave",
        CallbackRequest::member_left().body_bytes(),
    );
    // The claim of a first delivery whose answer never reached the layer.
    store
        .claim(&key, &ClaimToken::new(), Duration::from_secs(30))
        .await
        .unwrap();
    let handler = Counting::default();
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(handler.clone())
        .dedup(store, Duration::from_secs(600))
        .build()
        .unwrap();
    testing::send(layer.layer(NotFound), CallbackRequest::member_left())
        .await
        .assert_fail(503, tencent_room_webhook::ErrorCode::DELIVERY_PENDING);
    assert_eq!(handler.handled.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_store_whose_connection_stops_answering_fails_the_claim_then_claims_again() {
    let Some(redis) = start_redis() else { return };
    let proxy = common::StallingProxy::start(([127, 0, 0, 1], redis.port).into()).await;
    let store = RedisStore::open(&proxy.url(), "half-open:").await.unwrap();
    let minute = Duration::from_secs(60);
    let key = |n: u32| DeliveryKey::new(SdkAppId::new(1), "Room.X", n.to_string().as_bytes());
    let patience = Duration::from_secs(60);
    let claim = |n: u32| {
        let store = store.clone();
        async move {
            tokio::time::timeout(patience, store.claim(&key(n), &ClaimToken::new(), minute))
                .await
                .expect("answered, not hung")
        }
    };
    // Before: claimed through the proxy (a busy machine may take longer than 300 ms).
    let deadline = Instant::now() + patience;
    let mut n = 0;
    while claim(n).await.is_err() {
        assert!(Instant::now() < deadline, "never claimed");
        n += 1;
    }
    if n > 0 {
        // A claim that timed out started a new connection: let it land before the stall.
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    proxy.stall();
    n += 1;
    assert!(
        claim(n).await.is_err(),
        "the response timeout fails the claim"
    );
    // A new connection replaces the one that stopped answering.
    let deadline = Instant::now() + patience;
    n += 1;
    while claim(n).await.is_err() {
        assert!(Instant::now() < deadline, "never claimed again");
        tokio::time::sleep(Duration::from_millis(100)).await;
        n += 1;
    }
}
