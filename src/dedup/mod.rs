//! De-duplication of callbacks that Tencent delivers more than once.
//!
//! Tencent retries an after-callback that timed out (when the app enabled retries in the
//! console), and the retry carries no delivery ID. What identifies a delivery is its
//! SDKAppID, its command and its body (the body holds `EventTime` in milliseconds):
//! [`DeliveryKey`]. With a [`DeliveryStore`] configured
//! ([`RoomWebhookBuilder::dedup`](crate::RoomWebhookBuilder::dedup)), the layer claims
//! the key of each callback before delivering it; a callback whose key is already
//! claimed is answered OK without being delivered again.
//!
//! A claim lasts its time to live. When the handler fails, panics or is cancelled at its
//! deadline, or the request is dropped before the handler ends (the connection went away),
//! the claim is released, so that Tencent's retry is handled (after a drop, in a tokio
//! task where the release waits on I/O). When the store
//! itself fails, the callback is delivered anyway (at least once beats at most once) and
//! a warning is logged.
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

/// A store of claimed deliveries.
pub trait DeliveryStore: Send + Sync + 'static {
    /// Claims `key` for `ttl`: `true` if nobody held it (deliver the callback), `false`
    /// if it is claimed already (a duplicate).
    fn claim(
        &self,
        key: &DeliveryKey,
        ttl: Duration,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Releases a claim, so that the next delivery with this key is handled.
    fn release(&self, key: &DeliveryKey) -> impl Future<Output = Result<(), StoreError>> + Send;
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
    expiry: HashMap<DeliveryKey, Instant>,
    /// Claims in the order made, to expire and evict the oldest first.
    order: VecDeque<(DeliveryKey, Instant)>,
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
        self.lock().expiry.len()
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

    fn claim_now(&self, key: &DeliveryKey, ttl: Duration, now: Instant) -> bool {
        let mut claims = self.lock();
        let Claims { expiry, order } = &mut *claims;
        // Drop what has expired, oldest first; an entry whose key was released or
        // claimed again since is stale and just goes.
        while let Some((oldest, until)) = order.front() {
            let current = expiry.get(oldest) == Some(until);
            if current && *until > now {
                break;
            }
            if current {
                expiry.remove(oldest);
            }
            order.pop_front();
        }
        if expiry.get(key).is_some_and(|until| *until > now) {
            return false;
        }
        let until = now + ttl;
        expiry.insert(key.clone(), until);
        order.push_back((key.clone(), until));
        while expiry.len() > self.capacity {
            let Some((oldest, until)) = order.pop_front() else {
                break;
            };
            if expiry.get(&oldest) == Some(&until) {
                expiry.remove(&oldest);
            }
        }
        true
    }
}

impl DeliveryStore for MemoryStore {
    fn claim(
        &self,
        key: &DeliveryKey,
        ttl: Duration,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        std::future::ready(Ok(self.claim_now(key, ttl, Instant::now())))
    }

    fn release(&self, key: &DeliveryKey) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.lock().expiry.remove(key);
        std::future::ready(Ok(()))
    }
}

/// The object-safe form of [`DeliveryStore`], so that the layer's type does not name it.
trait DynStore: Send + Sync + 'static {
    fn claim_boxed<'a>(
        &'a self,
        key: &'a DeliveryKey,
        ttl: Duration,
    ) -> Pin<Box<dyn Future<Output = Result<bool, StoreError>> + Send + 'a>>;

    fn release_boxed<'a>(
        &'a self,
        key: &'a DeliveryKey,
    ) -> Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + 'a>>;
}

impl<S: DeliveryStore> DynStore for S {
    fn claim_boxed<'a>(
        &'a self,
        key: &'a DeliveryKey,
        ttl: Duration,
    ) -> Pin<Box<dyn Future<Output = Result<bool, StoreError>> + Send + 'a>> {
        Box::pin(self.claim(key, ttl))
    }

    fn release_boxed<'a>(
        &'a self,
        key: &'a DeliveryKey,
    ) -> Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + 'a>> {
        Box::pin(self.release(key))
    }
}

/// The layer's de-duplication: a store and the time to live of claims.
#[derive(Clone)]
pub(crate) struct Dedup {
    store: Arc<dyn DynStore>,
    ttl: Duration,
}

impl fmt::Debug for Dedup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dedup")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

/// What claiming a delivery found.
pub(crate) enum Claimed {
    /// Not seen before: deliver it, then settle the claim.
    New(Claim),
    /// Claimed already: answer OK without delivering it again.
    Duplicate,
    /// The store failed: deliver it anyway (at least once beats at most once).
    Unknown,
}

/// A delivery claimed in the store. It releases itself unless the delivery is settled as
/// done, so that Tencent's retry of a callback that was not handled is handled: settled
/// as failed, it is released at once; dropped unsettled (the handler was cancelled at its
/// deadline, the queue refused it, or the connection went away mid-handler), it is
/// released at once where the store's release does not wait (a [`MemoryStore`]), in a
/// tokio task otherwise.
pub(crate) struct Claim {
    store: Arc<dyn DynStore>,
    key: DeliveryKey,
    settled: bool,
}

impl Claim {
    /// Keeps the claim when the callback was handled, releases it otherwise.
    pub(crate) async fn settle(mut self, handled: bool) {
        self.settled = true;
        if !handled {
            release(Arc::clone(&self.store), self.key.clone()).await;
        }
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let mut release = Box::pin(release(Arc::clone(&self.store), self.key.clone()));
        if (&mut release).now_or_never().is_some() {
            return;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn(release)),
            Err(_) => tracing::warn!(key = %self.key, "a delivery claim could not be released \
                outside a tokio runtime; a retry of this callback will be taken for a duplicate \
                until the claim expires"),
        }
    }
}

async fn release(store: Arc<dyn DynStore>, key: DeliveryKey) {
    if let Err(error) = store.release_boxed(&key).await {
        tracing::warn!(%error, key = %key, "could not release a delivery claim; \
            a retry of this callback will be taken for a duplicate until the claim expires");
    }
}

impl Dedup {
    pub(crate) fn new(store: impl DeliveryStore, ttl: Duration) -> Self {
        Self {
            store: Arc::new(store),
            ttl,
        }
    }

    /// Claims `key`; a new claim releases itself if dropped unsettled.
    pub(crate) async fn claim(&self, key: DeliveryKey) -> Claimed {
        match self.store.claim_boxed(&key, self.ttl).await {
            Ok(true) => Claimed::New(Claim {
                store: Arc::clone(&self.store),
                key,
                settled: false,
            }),
            Ok(false) => Claimed::Duplicate,
            Err(error) => {
                tracing::warn!(%error, "could not claim a delivery; delivering it anyway");
                Claimed::Unknown
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
        assert!(store.claim_now(&key(1), ttl, t0));
        assert!(!store.claim_now(&key(1), ttl, t0 + Duration::from_secs(9)));
        assert!(store.claim_now(&key(1), ttl, t0 + Duration::from_secs(11)));
    }

    #[test]
    fn past_capacity_the_oldest_claim_is_forgotten() {
        let store = MemoryStore::new(2);
        let t0 = Instant::now();
        let ttl = Duration::from_secs(60);
        for n in 1..=3 {
            assert!(store.claim_now(&key(n), ttl, t0));
        }
        assert_eq!(store.len(), 2);
        assert!(store.claim_now(&key(1), ttl, t0), "key 1 was evicted");
        assert!(!store.claim_now(&key(3), ttl, t0));
    }

    #[test]
    fn expired_claims_are_dropped_so_memory_stays_bounded_by_use() {
        let store = MemoryStore::new(1000);
        let t0 = Instant::now();
        for n in 0..100 {
            store.claim_now(&key(n), Duration::from_secs(1), t0);
        }
        store.claim_now(
            &key(200),
            Duration::from_secs(1),
            t0 + Duration::from_secs(2),
        );
        assert_eq!(store.len(), 1);
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
