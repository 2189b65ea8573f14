//! [`Link`]: the Redis connection of [`RedisStream`](crate::sink::RedisStream) and
//! [`RedisStore`](crate::dedup::RedisStore), which notices a dead or hung peer (feature
//! `redis`).
//!
//! Two ways a connection goes quiet without closing:
//!
//! - the peer is gone (its host crashed, a NAT or load balancer forgot the connection):
//!   TCP keepalive probes an idle connection and `TCP_USER_TIMEOUT` (Linux) bounds how long
//!   sent data may stay unacknowledged, so that the kernel closes the socket and the
//!   [`ConnectionManager`] reconnects by itself;
//! - the peer's TCP answers but nothing above it does (a proxy or a Redis that hangs):
//!   only a command's own timeout sees it, and the connection manager does not reconnect
//!   on a timeout, so [`Link::stalled`] replaces the connection in the background.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::io::tcp::socket2::TcpKeepalive;
use redis::io::tcp::TcpSettings;
use redis::RedisError;

/// How long a connection stays idle before TCP probes the peer.
const KEEPALIVE_IDLE: Duration = Duration::from_secs(5);
/// Between two probes the peer did not answer (Linux).
#[cfg(target_os = "linux")]
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(2);
/// Probes unanswered before the kernel closes the connection (Linux).
#[cfg(target_os = "linux")]
const KEEPALIVE_PROBES: u32 = 3;
/// How long sent data may stay unacknowledged by the peer's TCP before the kernel closes
/// the connection (Linux; otherwise retransmissions go on for about fifteen minutes).
#[cfg(target_os = "linux")]
const USER_TIMEOUT: Duration = Duration::from_secs(10);
/// At most one replacement of a connection this often, however many commands time out.
const RESPITE: Duration = Duration::from_secs(1);

/// The TCP settings of every connection the crate opens: keepalive probes, a bound on
/// unacknowledged data, and no Nagle delay for commands of a few hundred bytes.
pub(crate) fn tcp_settings() -> TcpSettings {
    let keepalive = TcpKeepalive::new().with_time(KEEPALIVE_IDLE);
    #[cfg(target_os = "linux")]
    let keepalive = keepalive
        .with_interval(KEEPALIVE_INTERVAL)
        .with_retries(KEEPALIVE_PROBES);
    let settings = TcpSettings::default()
        .set_nodelay(true)
        .set_keepalive(keepalive);
    #[cfg(target_os = "linux")]
    let settings = settings.set_user_timeout(USER_TIMEOUT);
    settings
}

/// A connection manager that can be replaced when its connection stops answering.
pub(crate) struct Link {
    current: RwLock<ConnectionManager>,
    /// How to open another; `None` for a connection given by the application, which
    /// knows its own address only.
    reopen: Option<Reopen>,
}

struct Reopen {
    client: redis::Client,
    config: ConnectionManagerConfig,
    /// A replacement is under way (or was, less than [`RESPITE`] ago).
    busy: AtomicBool,
}

impl Link {
    /// Connects to `url` with `config` and the crate's TCP settings.
    pub(crate) async fn open(
        url: &str,
        config: ConnectionManagerConfig,
    ) -> Result<Arc<Self>, RedisError> {
        let client = redis::Client::open(url)?;
        let config = config.set_tcp_settings(tcp_settings());
        let manager = client
            .get_connection_manager_with_config(config.clone())
            .await?;
        Ok(Arc::new(Self {
            current: RwLock::new(manager),
            reopen: Some(Reopen {
                client,
                config,
                busy: AtomicBool::new(false),
            }),
        }))
    }

    /// The application's own connection, never replaced.
    pub(crate) fn fixed(manager: ConnectionManager) -> Arc<Self> {
        Arc::new(Self {
            current: RwLock::new(manager),
            reopen: None,
        })
    }

    /// The connection to send a command on (a cheap clone).
    pub(crate) fn connection(&self) -> ConnectionManager {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// A command got no answer in time: opens another connection in the background and
    /// uses it once it answers, at most once per [`RESPITE`]. The commands already sent
    /// on the old one finish or time out there.
    pub(crate) fn stalled(self: &Arc<Self>) {
        let Some(reopen) = &self.reopen else { return };
        if reopen.busy.swap(true, Ordering::AcqRel) {
            return;
        }
        let link = Arc::clone(self);
        tokio::spawn(async move {
            let Some(reopen) = &link.reopen else { return };
            match reopen
                .client
                .get_connection_manager_with_config(reopen.config.clone())
                .await
            {
                Ok(manager) => {
                    *link.current.write().unwrap_or_else(PoisonError::into_inner) = manager;
                    tracing::info!("replaced a Redis connection that stopped answering");
                }
                // Still unreachable: the next command that times out tries again.
                Err(error) => tracing::warn!(%error, "could not reconnect to Redis"),
            }
            tokio::time::sleep(RESPITE).await;
            reopen.busy.store(false, Ordering::Release);
        });
    }
}
