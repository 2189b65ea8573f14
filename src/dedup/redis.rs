//! [`RedisStore`]: claims shared by every replica, in Redis (feature `redis`).

use std::future::Future;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{DeliveryKey, DeliveryStore, StoreError};

/// Claims in Redis, shared by every replica: `SET key 1 NX PX ttl` to claim, `DEL` to
/// release. Keys are `PREFIX` followed by the [`DeliveryKey`] text.
///
/// A claim waits on Redis before the callback is delivered, inside Tencent's two
/// seconds: [`RedisStore::open`] sets timeouts that fail fast (then the callback is
/// delivered anyway); with [`RedisStore::new`], configure the connection likewise.
///
/// ```no_run
/// # async fn connect() -> Result<(), Box<dyn std::error::Error>> {
/// use tencent_room_webhook::dedup::RedisStore;
///
/// let store = RedisStore::open("redis://127.0.0.1:6379", "room-webhook:").await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
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
    /// A store on `connection` (which reconnects by itself), its keys starting with
    /// `prefix`.
    pub fn new(connection: ConnectionManager, prefix: impl Into<String>) -> Self {
        Self {
            connection,
            prefix: prefix.into(),
        }
    }

    /// Connects to the Redis at `url` with timeouts fit for Tencent's deadline: 300 ms to
    /// connect, 300 ms for an answer, one retry.
    pub async fn open(url: &str, prefix: impl Into<String>) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(StoreError::new)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_millis(300))
            .set_response_timeout(Duration::from_millis(300))
            .set_number_of_retries(1)
            .set_max_delay(100);
        let connection = client
            .get_connection_manager_with_config(config)
            .await
            .map_err(StoreError::new)?;
        Ok(Self::new(connection, prefix))
    }

    fn key(&self, key: &DeliveryKey) -> String {
        format!("{}{key}", self.prefix)
    }
}

impl DeliveryStore for RedisStore {
    fn claim(
        &self,
        key: &DeliveryKey,
        ttl: Duration,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        let mut connection = self.connection.clone();
        let key = self.key(key);
        // Redis refuses a zero expiry; a claim lasts at least a millisecond.
        let ttl = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        async move {
            let set: Option<String> = redis::cmd("SET")
                .arg(&key)
                .arg(1)
                .arg("NX")
                .arg("PX")
                .arg(ttl)
                .query_async(&mut connection)
                .await
                .map_err(StoreError::new)?;
            Ok(set.is_some())
        }
    }

    fn release(&self, key: &DeliveryKey) -> impl Future<Output = Result<(), StoreError>> + Send {
        let mut connection = self.connection.clone();
        let key = self.key(key);
        async move {
            redis::cmd("DEL")
                .arg(&key)
                .query_async::<i64>(&mut connection)
                .await
                .map_err(StoreError::new)?;
            Ok(())
        }
    }
}
