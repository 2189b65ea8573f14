//! [`RedisStore`]: claims shared by every replica, in Redis (feature `redis`).

use std::future::Future;
use std::time::Duration;

use redis::aio::ConnectionManager;

use super::{ClaimToken, Claimed, DeliveryKey, DeliveryStore, StoreError};
use crate::link::{RedisConnection, RedisDeployment};

/// Claims in Redis, shared by every replica. A key is `PREFIX` followed by the
/// [`DeliveryKey`] text; its value is `pending:TOKEN` while a delivery holds it and `done`
/// once one was handled. A claim is one script (`GET`, then `SET … PX` when absent), a
/// completion a `SET key done PX ttl`, and a release a script that deletes the key only
/// when it is still `pending:` the releasing delivery's token.
///
/// A claim waits on Redis before the callback is delivered, inside Tencent's two
/// seconds: [`RedisStore::open`] sets timeouts that fail fast (then the callback is
/// delivered anyway), TCP keepalive, and replaces a connection on which Redis stopped
/// answering; with [`RedisStore::new`], configure the connection likewise. A claim
/// that landed although its answer timed out stays pending until it expires
/// ([`PENDING_TTL`](super::PENDING_TTL) at most): a retry is refused meanwhile, never
/// answered OK.
///
/// ```no_run
/// # async fn connect() -> Result<(), Box<dyn std::error::Error>> {
/// use tencent_room_webhook::dedup::RedisStore;
///
/// let store = RedisStore::open("redis://127.0.0.1:6379", "room-webhook:").await?;
/// # Ok(()) }
/// ```
///
/// A failover that loses a `done` key lets a retry of its delivery through again: handled
/// twice, never lost (the record of an event is the sink's, which waits for replicas).
#[derive(Clone)]
pub struct RedisStore {
    link: RedisConnection,
    prefix: String,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// A store on `connection` (which reconnects by itself when the connection drops;
    /// unlike [`open`](Self::open)'s, it is not replaced when Redis stops answering on
    /// it), its keys starting with `prefix`.
    pub fn new(connection: ConnectionManager, prefix: impl Into<String>) -> Self {
        Self {
            link: RedisConnection::from_manager(connection),
            prefix: prefix.into(),
        }
    }

    /// Connects to the Redis at `url`: [`connect`](Self::connect) to
    /// [`RedisDeployment::server`].
    pub async fn open(url: &str, prefix: impl Into<String>) -> Result<Self, StoreError> {
        Self::connect(&RedisDeployment::server(url), prefix).await
    }

    /// Connects to `redis` (one server, a primary found through Sentinel, or a Cluster)
    /// with timeouts fit for Tencent's deadline: 300 ms to connect, 300 ms for an answer
    /// (after which the connection is replaced in the background, in case Redis or a
    /// proxy stopped answering on it), one retry, and TCP keepalive, so that a peer that
    /// is gone is noticed.
    pub async fn connect(
        redis: &RedisDeployment,
        prefix: impl Into<String>,
    ) -> Result<Self, StoreError> {
        let link = redis
            .clone()
            .with_response_timeout(Duration::from_millis(300))
            .connect()
            .await
            .map_err(StoreError::new)?;
        Ok(Self {
            link,
            prefix: prefix.into(),
        })
    }

    fn key(&self, key: &DeliveryKey) -> String {
        format!("{}{key}", self.prefix)
    }
}

/// `new`, `pending` or `done`: claims the key for `ARGV[1]` for `ARGV[2]` ms when absent.
const CLAIM: &str = r"
local held = redis.call('GET', KEYS[1])
if not held then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 'new'
end
if held == 'done' then return 'done' end
return 'pending'
";

/// Deletes the key only while it is `ARGV[1]`'s pending claim.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// Redis refuses a zero expiry: a claim lasts at least a millisecond.
fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

fn pending(token: &ClaimToken) -> String {
    format!("pending:{token}")
}

impl DeliveryStore for RedisStore {
    fn claim(
        &self,
        key: &DeliveryKey,
        token: &ClaimToken,
        ttl: Duration,
    ) -> impl Future<Output = Result<Claimed, StoreError>> + Send {
        let mut connection = self.link.clone();
        let (key, value) = (self.key(key), pending(token));
        async move {
            // EVAL, as the stream's script: Redis compiles a script once and keeps it.
            let found: String = redis::cmd("EVAL")
                .arg(CLAIM)
                .arg(1)
                .arg(key)
                .arg(value)
                .arg(millis(ttl))
                .query_async(&mut connection)
                .await
                .map_err(StoreError::new)?;
            match found.as_str() {
                "new" => Ok(Claimed::New),
                "done" => Ok(Claimed::Done),
                _ => Ok(Claimed::Pending),
            }
        }
    }

    fn complete(
        &self,
        key: &DeliveryKey,
        _: &ClaimToken,
        ttl: Duration,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        let mut connection = self.link.clone();
        let key = self.key(key);
        async move {
            redis::cmd("SET")
                .arg(&key)
                .arg("done")
                .arg("PX")
                .arg(millis(ttl))
                .query_async::<()>(&mut connection)
                .await
                .map_err(StoreError::new)
        }
    }

    fn release(
        &self,
        key: &DeliveryKey,
        token: &ClaimToken,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        let mut connection = self.link.clone();
        let (key, value) = (self.key(key), pending(token));
        async move {
            redis::cmd("EVAL")
                .arg(RELEASE)
                .arg(1)
                .arg(key)
                .arg(value)
                .query_async::<i64>(&mut connection)
                .await
                .map_err(StoreError::new)?;
            Ok(())
        }
    }
}
