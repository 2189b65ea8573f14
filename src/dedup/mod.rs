//! De-duplication of callbacks that Tencent delivers more than once.
//!
//! Tencent retries an after-callback that timed out (when the app enabled retries in the
//! console), and the retry carries no delivery ID. What identifies a delivery is its
//! SDKAppID, its command and its body (the body holds `EventTime` in milliseconds):
//! [`DeliveryKey`]. With a [`DeliveryStore`] configured
//! ([`RoomWebhookBuilder::dedup`](crate::RoomWebhookBuilder::dedup)), the layer claims
//! the key of each callback before delivering it; a callback already handled is answered
//! OK without being delivered again.
//!
//! A claim is **pending** while its delivery is handled, **done** once it was handled,
//! and only a done key answers a later delivery OK: a delivery arriving while another is
//! pending (Tencent retries exactly when the first is slow) is answered 503,
//! [`ErrorCode::DELIVERY_PENDING`](crate::ErrorCode::DELIVERY_PENDING), since the first
//! may still fail. A done key lasts the configured time to live; a pending one at most
//! [`PENDING_TTL`]. When the handler fails, panics or is cancelled at its deadline, or the
//! request is dropped before the handler ends (the connection went away), the claim is
//! released, so that Tencent's retry is handled; a release removes only the claim its own
//! delivery made ([`ClaimToken`]). When the store itself fails, the callback is delivered
//! anyway (at least once beats at most once) and a warning is logged; a claim the store
//! made although its answer was lost stays pending, never done, so it can refuse a retry
//! for a while, never answer it OK.
//!
//! [`MemoryStore`] serves one process; with several replicas behind one callback URL, a
//! retry may reach another replica, so use a shared store: `RedisStore` (feature `redis`).
//!
//! ```
//! use std::time::Duration;
//! use tencent_room_webhook::dedup::MemoryStore;
//! use tencent_room_webhook::{RoomHandler, RoomWebhookLayer};
//!
//! struct Handler;
//! impl RoomHandler for Handler {}
//!
//! let layer = RoomWebhookLayer::builder()
//!     .sdk_app_id(1400000000)
//!     .handler(Handler)
//!     .dedup(MemoryStore::new(100_000), Duration::from_secs(600))
//!     .build()?;
//! # Ok::<(), tencent_room_webhook::ConfigError>(())
//! ```

#[cfg(feature = "redis")]
mod redis;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use sha2::{Digest, Sha256};
use tokio_util::task::TaskTracker;

use crate::query::SdkAppId;

#[cfg(feature = "redis")]
pub use self::redis::RedisStore;

/// What identifies one delivery of a callback: SDKAppID, command and a SHA-256 of the body.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DeliveryKey {
    sdk_app_id: SdkAppId,
    command: String,
    digest: [u8; 32],
}

impl DeliveryKey {
    /// The key of a callback of `command` for `sdk_app_id` with `body`.
    pub fn new(sdk_app_id: SdkAppId, command: &str, body: &[u8]) -> Self {
        Self {
            sdk_app_id,
            command: command.to_owned(),
            digest: Sha256::digest(body).into(),
        }
    }

    /// The SDKAppID.
    pub fn sdk_app_id(&self) -> SdkAppId {
        self.sdk_app_id
    }

    /// The command.
    pub fn command(&self) -> &str {
        &self.command
    }

    /// The body's SHA-256.
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }
}

/// `SDKAPPID:COMMAND:HEX-DIGEST`, usable as a key in any store.
impl fmt::Display for DeliveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digest = hex::encode(self.digest);
        write!(f, "{}:{}:{digest}", self.sdk_app_id, self.command)
    }
}

impl fmt::Debug for DeliveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeliveryKey({self})")
    }
}

/// What a store found when a delivery claimed its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Claimed {
    /// Nobody held the key: it is now this delivery's, pending until it is completed or
    /// released.
    New,
    /// Another delivery holds the key and has not finished: answered 503, never OK, since
    /// that delivery may still fail.
    Pending,
    /// A delivery of this key was handled: answered OK without delivering it again.
    Done,
}

/// Who holds a pending claim: a value no other delivery has, so that a release removes
/// only the claim it made.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ClaimToken(u128);

impl ClaimToken {
    /// A token unlike any other this process or another makes (the process's random
    /// hashing seed, and a count).
    pub fn new() -> Self {
        use std::hash::{BuildHasher, Hasher};
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let count = COUNT.fetch_add(1, Ordering::Relaxed);
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(count);
        Self(u128::from(hasher.finish()) << 64 | u128::from(count))
    }
}

impl Default for ClaimToken {
    fn default() -> Self {
        Self::new()
    }
}

/// 32 hexadecimal digits.
impl fmt::Display for ClaimToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl fmt::Debug for ClaimToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClaimToken({self})")
    }
}

/// A store of claimed deliveries. A key is absent, pending (held by the delivery whose
/// [`ClaimToken`] claimed it) or done.
pub trait DeliveryStore: Send + Sync + 'static {
    /// Claims `key` for the delivery holding `token`, pending for `ttl`, unless it is
    /// pending or done already.
    fn claim(
        &self,
        key: &DeliveryKey,
        token: &ClaimToken,
        ttl: Duration,
    ) -> impl Future<Output = Result<Claimed, StoreError>> + Send;

    /// Marks `key` done for `ttl`: the delivery holding `token` was handled, so later
    /// deliveries of the key are duplicates.
    fn complete(
        &self,
        key: &DeliveryKey,
        token: &ClaimToken,
        ttl: Duration,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Removes the claim on `key` if it is the pending claim of `token` (and nothing
    /// else: another delivery's claim, or a done key, stays), so that the next delivery
    /// is handled.
    fn release(
        &self,
        key: &DeliveryKey,
        token: &ClaimToken,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// A store's failure: it could not be reached, or answered something unexpected.
#[derive(Debug)]
pub struct StoreError(crate::BoxError);

impl StoreError {
    /// A failure caused by `error`.
    pub fn new(error: impl Into<crate::BoxError>) -> Self {
        Self(error.into())
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the delivery store failed: {}", self.0)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// An in-memory store for one process, bounded in size: past `capacity` keys the oldest
/// claim is forgotten first, expired or not.
#[derive(Debug)]
pub struct MemoryStore {
    capacity: usize,
    claims: Mutex<Claims>,
}

#[derive(Debug, Default)]
struct Claims {
    held: HashMap<DeliveryKey, Held>,
    /// Claims in the order made, to expire and evict the oldest first.
    order: VecDeque<(DeliveryKey, Instant)>,
}

/// A key's claim: until when, and whose while pending (`None` once done).
#[derive(Debug)]
struct Held {
    until: Instant,
    pending: Option<ClaimToken>,
}

impl MemoryStore {
    /// A store remembering at most `capacity` claims (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            claims: Mutex::default(),
        }
    }

    /// The number of claims held.
    pub fn len(&self) -> usize {
        self.lock().held.len()
    }

    /// Whether no claim is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Claims> {
        self.claims
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn claim_now(
        &self,
        key: &DeliveryKey,
        token: Option<&ClaimToken>,
        ttl: Duration,
        now: Instant,
    ) -> Claimed {
        let mut claims = self.lock();
        claims.expire(now);
        match claims.held.get(key) {
            Some(Held { pending: None, .. }) if token.is_some() => return Claimed::Done,
            Some(Held {
                pending: Some(_), ..
            }) if token.is_some() => return Claimed::Pending,
            _ => {}
        }
        claims.hold(key, token.cloned(), now + ttl, self.capacity);
        Claimed::New
    }
}

impl Claims {
    /// Drops what has expired, oldest first; an entry whose key was released or claimed
    /// again since is stale and just goes.
    fn expire(&mut self, now: Instant) {
        while let Some((oldest, until)) = self.order.front() {
            let current = self
                .held
                .get(oldest)
                .is_some_and(|held| held.until == *until);
            if current && *until > now {
                break;
            }
            if current {
                self.held.remove(oldest);
            }
            self.order.pop_front();
        }
    }

    /// Holds `key` until `until`, pending for `token` or done; past `capacity` keys the
    /// oldest is forgotten.
    fn hold(
        &mut self,
        key: &DeliveryKey,
        pending: Option<ClaimToken>,
        until: Instant,
        capacity: usize,
    ) {
        self.held.insert(key.clone(), Held { until, pending });
        self.order.push_back((key.clone(), until));
        while self.held.len() > capacity {
            let Some((oldest, until)) = self.order.pop_front() else {
                break;
            };
            if self
                .held
                .get(&oldest)
                .is_some_and(|held| held.until == until)
            {
                self.held.remove(&oldest);
            }
        }
    }
}

impl DeliveryStore for MemoryStore {
    fn claim(
        &self,
        key: &DeliveryKey,
        token: &ClaimToken,
        ttl: Duration,
    ) -> impl Future<Output = Result<Claimed, StoreError>> + Send {
        std::future::ready(Ok(self.claim_now(key, Some(token), ttl, Instant::now())))
    }

    fn complete(
        &self,
        key: &DeliveryKey,
        _: &ClaimToken,
        ttl: Duration,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.claim_now(key, None, ttl, Instant::now());
        std::future::ready(Ok(()))
    }

    fn release(
        &self,
        key: &DeliveryKey,
        token: &ClaimToken,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        let mut claims = self.lock();
        if claims
            .held
            .get(key)
            .is_some_and(|held| held.pending.as_ref() == Some(token))
        {
            claims.held.remove(key);
        }
        std::future::ready(Ok(()))
    }
}

/// How long a claim stays pending at most: a delivery whose process died mid-way leaves a
/// pending claim that later deliveries are refused over (503) until then.
pub const PENDING_TTL: Duration = Duration::from_secs(30);

type Boxed<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// The object-safe form of [`DeliveryStore`], so that the layer's type does not name it.
trait DynStore: Send + Sync + 'static {
    fn claim_dyn<'a>(
        &'a self,
        key: &'a DeliveryKey,
        token: &'a ClaimToken,
        ttl: Duration,
    ) -> Boxed<'a, Claimed>;
    fn complete_dyn<'a>(
        &'a self,
        key: &'a DeliveryKey,
        token: &'a ClaimToken,
        ttl: Duration,
    ) -> Boxed<'a, ()>;
    fn release_dyn<'a>(&'a self, key: &'a DeliveryKey, token: &'a ClaimToken) -> Boxed<'a, ()>;
}

impl<S: DeliveryStore> DynStore for S {
    fn claim_dyn<'a>(
        &'a self,
        key: &'a DeliveryKey,
        token: &'a ClaimToken,
        ttl: Duration,
    ) -> Boxed<'a, Claimed> {
        Box::pin(DeliveryStore::claim(self, key, token, ttl))
    }

    fn complete_dyn<'a>(
        &'a self,
        key: &'a DeliveryKey,
        token: &'a ClaimToken,
        ttl: Duration,
    ) -> Boxed<'a, ()> {
        Box::pin(DeliveryStore::complete(self, key, token, ttl))
    }

    fn release_dyn<'a>(&'a self, key: &'a DeliveryKey, token: &'a ClaimToken) -> Boxed<'a, ()> {
        Box::pin(DeliveryStore::release(self, key, token))
    }
}

/// The layer's de-duplication: a store and how long a handled delivery is remembered.
#[derive(Clone)]
pub(crate) struct Dedup {
    store: Arc<dyn DynStore>,
    ttl: Duration,
    /// Where a dropped claim's release runs: the layer's background work, so that a
    /// shutdown's drain waits for it rather than leave the claim pending until it expires.
    releases: TaskTracker,
}

impl fmt::Debug for Dedup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dedup")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

/// What the layer does with a delivery after claiming it.
pub(crate) enum Admission {
    /// Deliver it, then settle the claim (none when the store failed: at least once beats
    /// at most once, and a claim the store may hold stays pending, never done).
    Deliver(Option<Claim>),
    /// Another delivery of it is under way: 503.
    Pending,
    /// It was handled: OK without delivering it again.
    Duplicate,
}

/// A delivery's pending claim. Settled as handled, it is completed (done); settled as
/// failed, it is released at once; dropped unsettled (the handler was cancelled at its
/// deadline, the queue refused it, or the connection went away mid-handler), it is
/// released at once where the store's release does not wait (a [`MemoryStore`]), in a
/// tokio task otherwise, which the layer's drain waits for. A release removes this claim only, never another delivery's.
pub(crate) struct Claim {
    dedup: Dedup,
    key: DeliveryKey,
    token: ClaimToken,
    settled: bool,
}

impl Claim {
    /// Marks the delivery done when the callback was handled, releases it otherwise.
    pub(crate) async fn settle(mut self, handled: bool) {
        self.settled = true;
        let (store, key, token) = (&self.dedup.store, &self.key, &self.token);
        if !handled {
            return release(Arc::clone(store), key.clone(), token.clone()).await;
        }
        if let Err(error) = store.complete_dyn(key, token, self.dedup.ttl).await {
            // Still pending: a retry is refused (503) until the claim expires, never OK.
            tracing::warn!(%error, key = %key, "could not mark a delivery done");
        }
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let (store, key, token) = (
            Arc::clone(&self.dedup.store),
            self.key.clone(),
            self.token.clone(),
        );
        let mut release = Box::pin(release(store, key, token));
        if (&mut release).now_or_never().is_some() {
            return;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(self.dedup.releases.spawn_on(release, &runtime)),
            Err(_) => tracing::warn!(key = %self.key, "a delivery claim could not be released \
                outside a tokio runtime; a retry of this callback is refused until it expires"),
        }
    }
}

async fn release(store: Arc<dyn DynStore>, key: DeliveryKey, token: ClaimToken) {
    if let Err(error) = store.release_dyn(&key, &token).await {
        tracing::warn!(%error, key = %key, "could not release a delivery claim; \
            a retry of this callback is refused until the claim expires");
    }
}

impl Dedup {
    pub(crate) fn new(store: impl DeliveryStore, ttl: Duration) -> Self {
        Self {
            store: Arc::new(store),
            ttl,
            releases: TaskTracker::new(),
        }
    }

    /// With dropped claims released as work of `tracker`'s.
    pub(crate) fn released_by(mut self, tracker: TaskTracker) -> Self {
        self.releases = tracker;
        self
    }

    /// Claims `key` for a new delivery.
    pub(crate) async fn claim(&self, key: DeliveryKey) -> Admission {
        let token = ClaimToken::new();
        let pending = self.ttl.min(PENDING_TTL);
        match self.store.claim_dyn(&key, &token, pending).await {
            Ok(Claimed::New) => Admission::Deliver(Some(Claim {
                dedup: self.clone(),
                key,
                token,
                settled: false,
            })),
            Ok(Claimed::Pending) => Admission::Pending,
            Ok(Claimed::Done) => Admission::Duplicate,
            Err(error) => {
                tracing::warn!(%error, "could not claim a delivery; delivering it anyway");
                Admission::Deliver(None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> DeliveryKey {
        DeliveryKey::new(SdkAppId::new(1), "Room.X", &[n])
    }

    #[test]
    fn a_key_is_claimed_once_until_it_expires() {
        let store = MemoryStore::new(10);
        let t0 = Instant::now();
        let ttl = Duration::from_secs(10);
        let token = ClaimToken::new();
        assert_eq!(
            store.claim_now(&key(1), Some(&token), ttl, t0),
            Claimed::New
        );
        let later = t0 + Duration::from_secs(9);
        assert_eq!(
            store.claim_now(&key(1), Some(&token), ttl, later),
            Claimed::Pending
        );
        let expired = t0 + Duration::from_secs(11);
        assert_eq!(
            store.claim_now(&key(1), Some(&token), ttl, expired),
            Claimed::New
        );
    }

    #[test]
    fn past_capacity_the_oldest_claim_is_forgotten() {
        let store = MemoryStore::new(2);
        let t0 = Instant::now();
        let ttl = Duration::from_secs(60);
        let token = ClaimToken::new();
        for n in 1..=3 {
            assert_eq!(
                store.claim_now(&key(n), Some(&token), ttl, t0),
                Claimed::New
            );
        }
        assert_eq!(store.len(), 2);
        let again = store.claim_now(&key(1), Some(&token), ttl, t0);
        assert_eq!(again, Claimed::New, "key 1 was evicted");
        assert_eq!(
            store.claim_now(&key(3), Some(&token), ttl, t0),
            Claimed::Pending
        );
    }

    #[test]
    fn expired_claims_are_dropped_so_memory_stays_bounded_by_use() {
        let store = MemoryStore::new(1000);
        let t0 = Instant::now();
        let token = ClaimToken::new();
        for n in 0..100 {
            store.claim_now(&key(n), Some(&token), Duration::from_secs(1), t0);
        }
        let later = t0 + Duration::from_secs(2);
        store.claim_now(&key(200), Some(&token), Duration::from_secs(1), later);
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn a_completed_key_is_done_and_a_release_removes_only_its_own_pending_claim() {
        let store = MemoryStore::new(10);
        let (first, second) = (ClaimToken::new(), ClaimToken::new());
        assert_ne!(first, second);
        let ttl = Duration::from_secs(60);
        block_on(store.claim(&key(1), &first, ttl)).unwrap();
        block_on(store.release(&key(1), &second)).unwrap();
        assert_eq!(
            block_on(store.claim(&key(1), &second, ttl)).unwrap(),
            Claimed::Pending
        );
        block_on(store.complete(&key(1), &first, ttl)).unwrap();
        block_on(store.release(&key(1), &first)).unwrap();
        assert_eq!(
            block_on(store.claim(&key(1), &second, ttl)).unwrap(),
            Claimed::Done
        );
    }

    fn block_on<F: Future>(future: F) -> F::Output {
        future.now_or_never().expect("the memory store never waits")
    }

    #[test]
    fn the_key_reads_as_app_command_digest() {
        let text = DeliveryKey::new(SdkAppId::new(7), "Room.Y", b"").to_string();
        assert_eq!(
            text,
            "7:Room.Y:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
