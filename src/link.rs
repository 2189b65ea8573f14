//! [`RedisDeployment`] and [`RedisConnection`]: where Redis is (one server, a primary
//! watched by Sentinel, or a Cluster), and a connection to it that notices a dead or hung
//! peer and follows a failover (feature `redis`).
//!
//! Three ways a connection stops serving writes without closing:
//!
//! - the peer is gone (its host crashed, a NAT or load balancer forgot the connection):
//!   TCP keepalive probes an idle connection and `TCP_USER_TIMEOUT` (Linux) bounds how long
//!   sent data may stay unacknowledged, so that the kernel closes the socket and the
//!   [`ConnectionManager`] reconnects by itself;
//! - the peer's TCP answers but nothing above it does (a proxy or a Redis that hangs):
//!   only a command's own timeout sees it, and the connection manager does not reconnect
//!   on a timeout, so the connection is replaced in the background;
//! - the primary is no longer the primary (Sentinel promoted a replica): the old address
//!   refuses connections, answers `READONLY`, or takes writes no replica receives. Through
//!   Sentinel, each of these asks Sentinel for the primary again and moves there.
//!
//! A Cluster connection follows `MOVED`, `ASK` and failovers inside the cluster by itself.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::io::tcp::socket2::TcpKeepalive;
use redis::io::tcp::TcpSettings;
use redis::sentinel::{SentinelClient, SentinelNodeConnectionInfo, SentinelServerType};
use redis::{
    Cmd, ErrorKind, IntoConnectionInfo, Pipeline, RedisError, RedisFuture, RedisResult, Value,
};

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
/// At most one replacement of a connection this often, however many commands fail.
const RESPITE: Duration = Duration::from_millis(500);
/// How long asking Sentinel for the primary may take: its client sets no timeout of its
/// own, and a Sentinel on a machine that went down with the primary would hang it.
const LOOKUP: Duration = Duration::from_secs(2);

/// The TCP settings of every connection the crate opens: keepalive probes, a bound on
/// unacknowledged data, and no Nagle delay for commands of a few hundred bytes.
fn tcp_settings() -> TcpSettings {
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

/// Where Redis is: one server (or a proxy in front of several), a primary that Redis
/// Sentinel watches and replaces when it fails, or a Redis Cluster.
///
/// ```no_run
/// use tencent_room_webhook::sink::{RedisDeployment, RedisStream};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// // Sentinel finds the primary named `callbacks`, and again after a failover.
/// let redis = RedisDeployment::sentinel(["10.0.0.1:26379", "10.0.0.2:26379"], "callbacks");
/// let stream = RedisStream::connect(&redis, "room-callbacks")
///     .await?
///     .with_replicas(1);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisDeployment {
    kind: Kind,
    connect_timeout: Duration,
    response_timeout: Option<Duration>,
}

#[derive(Clone)]
enum Kind {
    Server {
        url: String,
        password: Option<String>,
    },
    Sentinel {
        sentinels: Vec<String>,
        master: String,
        password: Option<String>,
    },
    Cluster {
        nodes: Vec<String>,
        password: Option<String>,
    },
}

/// What it is and where; never a password.
impl fmt::Debug for RedisDeployment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Server { .. } => f.write_str("RedisDeployment::Server"),
            Kind::Sentinel {
                sentinels, master, ..
            } => f
                .debug_struct("RedisDeployment::Sentinel")
                .field(
                    "sentinels",
                    &sentinels.iter().map(|s| host(s)).collect::<Vec<_>>(),
                )
                .field("master", master)
                .finish_non_exhaustive(),
            Kind::Cluster { nodes, .. } => f
                .debug_struct("RedisDeployment::Cluster")
                .field("nodes", &nodes.iter().map(|s| host(s)).collect::<Vec<_>>())
                .finish_non_exhaustive(),
        }
    }
}

/// An address without the credentials a URL may hold.
fn host(address: &str) -> &str {
    let address = address.rsplit_once('@').map_or(address, |(_, host)| host);
    address.trim_start_matches("redis://")
}

/// `host:port` as a URL; a URL as it is.
fn url(address: &str) -> String {
    if address.contains("://") {
        address.to_owned()
    } else {
        format!("redis://{address}")
    }
}

impl RedisDeployment {
    /// One server at `url` (`redis://[[user]:password@]host:port[/db]`), or a proxy.
    pub fn server(url: impl Into<String>) -> Self {
        Self::of(Kind::Server {
            url: url.into(),
            password: None,
        })
    }

    /// The primary that Redis Sentinel calls `master`, asked of the first of `sentinels`
    /// (`host:port`, or a URL carrying the Sentinel's own password) that answers. The
    /// primary is checked to be one (`ROLE`), and asked for again whenever it refuses a
    /// connection, answers `READONLY`, stops answering, or its replicas do not receive
    /// the writes waited for: so a failover is followed within a second or two of
    /// Sentinel's promotion.
    pub fn sentinel(
        sentinels: impl IntoIterator<Item = impl Into<String>>,
        master: impl Into<String>,
    ) -> Self {
        Self::of(Kind::Sentinel {
            sentinels: sentinels.into_iter().map(Into::into).collect(),
            master: master.into(),
            password: None,
        })
    }

    /// A Redis Cluster, discovered from any of `nodes` (`host:port` or URLs). Keys are
    /// sent to the node that holds their slot, `MOVED` and `ASK` are followed, and so is
    /// a failover inside the cluster. Keys one script touches must share a slot: see
    /// [`RedisStream`](crate::sink::RedisStream)'s docs on hash tags.
    pub fn cluster(nodes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self::of(Kind::Cluster {
            nodes: nodes.into_iter().map(Into::into).collect(),
            password: None,
        })
    }

    fn of(kind: Kind) -> Self {
        Self {
            kind,
            connect_timeout: Duration::from_millis(300),
            response_timeout: None,
        }
    }

    /// The password of the server (instead of the one its URL may hold), of the primary
    /// (Sentinel), or of every node (Cluster).
    pub fn with_password(mut self, secret: impl Into<String>) -> Self {
        match &mut self.kind {
            Kind::Server { password, .. }
            | Kind::Sentinel { password, .. }
            | Kind::Cluster { password, .. } => *password = Some(secret.into()),
        }
        self
    }

    /// Gives up on a connection attempt after `timeout` instead of 300 ms.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Fails a command Redis has not answered within `timeout` (none by default: the
    /// caller bounds its own wait).
    pub fn with_response_timeout(mut self, timeout: Duration) -> Self {
        self.response_timeout = Some(timeout);
        self
    }

    /// Whether keys land on several nodes, so that one script's keys need a hash tag.
    pub fn is_cluster(&self) -> bool {
        matches!(self.kind, Kind::Cluster { .. })
    }

    /// Connects. Fails when no server, Sentinel or node can be reached, when Sentinel
    /// knows no such master or its address is not a primary, or when the credentials are
    /// refused: the error is Redis's own, whose kind tells which.
    pub async fn connect(&self) -> Result<RedisConnection, RedisError> {
        let mut config = ConnectionManagerConfig::new()
            .set_connection_timeout(self.connect_timeout)
            .set_number_of_retries(1)
            .set_max_delay(100)
            .set_tcp_settings(tcp_settings());
        if let Some(timeout) = self.response_timeout {
            config = config.set_response_timeout(timeout);
        }
        let source = match &self.kind {
            Kind::Server { url, password } => {
                let mut info = url.as_str().into_connection_info()?;
                if password.is_some() {
                    info.redis.password.clone_from(password);
                }
                Source::Server(redis::Client::open(info)?)
            }
            Kind::Sentinel {
                sentinels,
                master,
                password,
            } => {
                let sentinel = Sentinel {
                    sentinels: sentinels.iter().map(|s| url(s)).collect(),
                    master: master.clone(),
                    password: password.clone(),
                };
                Source::Sentinel {
                    client: Box::new(tokio::sync::Mutex::new(sentinel.client()?)),
                    sentinel,
                    primary: RwLock::default(),
                }
            }
            Kind::Cluster { nodes, password } => {
                let mut builder = ClusterClient::builder(nodes.iter().map(|n| url(n)))
                    .connection_timeout(self.connect_timeout)
                    .retries(2)
                    .max_retry_wait(200)
                    .tcp_settings(tcp_settings());
                if let Some(timeout) = self.response_timeout {
                    builder = builder.response_timeout(timeout);
                }
                if let Some(password) = password {
                    builder = builder.password(password.clone());
                }
                let cluster = builder.build()?.get_async_connection().await?;
                return Ok(RedisConnection {
                    link: Arc::new(Link::Cluster(cluster)),
                });
            }
        };
        // The first connection is opened as every later one is.
        let reopen = Reopen {
            source,
            config,
            busy: AtomicBool::new(false),
        };
        let manager = reopen.open().await?;
        Ok(RedisConnection {
            link: Arc::new(Link::Single {
                current: RwLock::new(manager),
                reopen: Some(Box::new(reopen)),
            }),
        })
    }
}

/// A connection to a [`RedisDeployment`], cheap to clone (the clones share it), that
/// notices a peer gone or hung and follows a failover: a
/// [`ConnectionLike`](redis::aio::ConnectionLike), so every command of the `redis` crate
/// runs on it.
///
/// A command that fails is failed (on one server or through Sentinel it is never sent
/// again by this connection: the caller knows whether it is safe to; a Cluster's client
/// sends it again after a redirection or a lost connection), and the failure replaces the
/// connection in the background when it says the peer is gone, hung, or no longer the
/// primary: at most twice a second.
#[derive(Clone)]
pub struct RedisConnection {
    link: Arc<Link>,
}

impl fmt::Debug for RedisConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &*self.link {
            Link::Single { reopen: None, .. } => "given",
            Link::Single {
                reopen: Some(reopen),
                ..
            } => match reopen.source {
                Source::Server(_) => "server",
                Source::Sentinel { .. } => "sentinel",
            },
            Link::Cluster(_) => "cluster",
        };
        f.debug_tuple("RedisConnection").field(&kind).finish()
    }
}

enum Link {
    Single {
        current: RwLock<ConnectionManager>,
        /// How to open another; `None` for a connection given by the application, which
        /// knows its own address only.
        reopen: Option<Box<Reopen>>,
    },
    Cluster(ClusterConnection),
}

struct Reopen {
    source: Source,
    config: ConnectionManagerConfig,
    /// A replacement is under way (or was, less than [`RESPITE`] ago).
    busy: AtomicBool,
}

enum Source {
    Server(redis::Client),
    Sentinel {
        /// Boxed: the client is large.
        client: Box<tokio::sync::Mutex<SentinelClient>>,
        sentinel: Sentinel,
        /// The primary's address as last found (empty before the first).
        primary: RwLock<String>,
    },
}

/// What a Sentinel client is made of: made anew when a lookup hangs, since the client
/// keeps its connections to the Sentinels.
struct Sentinel {
    sentinels: Vec<String>,
    master: String,
    password: Option<String>,
}

impl Sentinel {
    fn client(&self) -> Result<SentinelClient, RedisError> {
        let primary = SentinelNodeConnectionInfo {
            tls_mode: None,
            redis_connection_info: Some(redis::RedisConnectionInfo {
                password: self.password.clone(),
                ..Default::default()
            }),
        };
        SentinelClient::build(
            self.sentinels.clone(),
            self.master.clone(),
            Some(primary),
            SentinelServerType::Master,
        )
    }

    /// The primary `client` names (checked with `ROLE`), within [`LOOKUP`].
    async fn primary(&self, client: &mut SentinelClient) -> Result<redis::Client, RedisError> {
        match tokio::time::timeout(LOOKUP, client.async_get_client()).await {
            Ok(found) => found,
            Err(_elapsed) => Err(RedisError::from((
                ErrorKind::IoError,
                "no Sentinel named the primary in time",
            ))),
        }
    }
}

/// One of the connections a [`Link`] hands out.
enum Current {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl RedisConnection {
    /// The application's own connection, never replaced (it reconnects by itself when
    /// its connection drops).
    pub fn from_manager(manager: ConnectionManager) -> Self {
        Self {
            link: Arc::new(Link::Single {
                current: RwLock::new(manager),
                reopen: None,
            }),
        }
    }

    /// Whether keys land on several nodes.
    pub fn is_cluster(&self) -> bool {
        matches!(&*self.link, Link::Cluster(_))
    }

    fn current(&self) -> Current {
        match &*self.link {
            Link::Single { current, .. } => Current::Single(
                current
                    .read()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone(),
            ),
            Link::Cluster(cluster) => Current::Cluster(cluster.clone()),
        }
    }

    /// A command failed with `error`: replaces the connection when the error says it
    /// no longer serves (hung; through Sentinel also gone or demoted).
    pub(crate) fn failed(&self, error: &RedisError) {
        let gone = error.is_io_error()
            || error.is_connection_refusal()
            || error.is_connection_dropped()
            || matches!(
                error.kind(),
                ErrorKind::ReadOnly | ErrorKind::MasterDown | ErrorKind::BusyLoadingError
            );
        if error.is_timeout() {
            self.replace(false);
        } else if gone {
            self.replace(true);
        }
    }

    /// A command got no answer within its caller's wait: Redis, or a proxy on the way,
    /// may have stopped answering this connection.
    pub(crate) fn stalled(&self) {
        self.replace(false);
    }

    /// The writes waited for did not reach the replicas: through Sentinel, this primary
    /// may have been replaced while cut off from the others, so ask again.
    pub(crate) fn unreplicated(&self) {
        self.replace(true);
    }

    /// Opens another connection in the background and uses it once it answers, at most
    /// once per [`RESPITE`]. `sentinel_only`: only when Sentinel may name another primary
    /// (a plain server's connection manager reconnects by itself). The commands already
    /// sent on the old one finish or fail there.
    fn replace(&self, sentinel_only: bool) {
        let Link::Single {
            reopen: Some(reopen),
            ..
        } = &*self.link
        else {
            return;
        };
        if sentinel_only && matches!(reopen.source, Source::Server(_)) {
            return;
        }
        if reopen.busy.swap(true, Ordering::AcqRel) {
            return;
        }
        let link = Arc::clone(&self.link);
        tokio::spawn(async move {
            let Link::Single {
                current,
                reopen: Some(reopen),
            } = &*link
            else {
                return;
            };
            match reopen.open().await {
                Ok(manager) => {
                    *current.write().unwrap_or_else(PoisonError::into_inner) = manager;
                    if matches!(reopen.source, Source::Server(_)) {
                        tracing::info!("replaced a Redis connection that stopped answering");
                    }
                }
                // Still unreachable: the next command that fails tries again.
                Err(error) => tracing::warn!(%error, "could not reconnect to Redis"),
            }
            tokio::time::sleep(RESPITE).await;
            reopen.busy.store(false, Ordering::Release);
        });
    }
}

impl Reopen {
    async fn open(&self) -> Result<ConnectionManager, RedisError> {
        match &self.source {
            Source::Server(client) => {
                client
                    .get_connection_manager_with_config(self.config.clone())
                    .await
            }
            Source::Sentinel {
                client,
                sentinel,
                primary,
            } => {
                let master = &sentinel.master;
                let mut client = client.lock().await;
                let found = match sentinel.primary(&mut client).await {
                    Ok(found) => found,
                    Err(error) => {
                        // Its connections to the Sentinels may be the ones that hang.
                        *client = sentinel.client()?;
                        return Err(error);
                    }
                };
                drop(client);
                let address = found.get_connection_info().addr.to_string();
                let manager = found
                    .get_connection_manager_with_config(self.config.clone())
                    .await?;
                let before = std::mem::replace(
                    &mut *primary.write().unwrap_or_else(PoisonError::into_inner),
                    address.clone(),
                );
                if before.is_empty() {
                    tracing::info!(%master, primary = %address, "connected to the primary Sentinel names");
                } else if before == address {
                    tracing::info!(%master, primary = %address, "reconnected to the primary");
                } else {
                    tracing::warn!(%master, %before, primary = %address, "Sentinel names another primary: writing there");
                }
                Ok(manager)
            }
        }
    }
}

impl ConnectionLike for RedisConnection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        Box::pin(async move {
            let answered = match self.current() {
                Current::Single(mut c) => c.req_packed_command(cmd).await,
                Current::Cluster(mut c) => c.req_packed_command(cmd).await,
            };
            self.check(answered)
        })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        cmd: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        Box::pin(async move {
            let answered = match self.current() {
                Current::Single(mut c) => c.req_packed_commands(cmd, offset, count).await,
                Current::Cluster(mut c) => c.req_packed_commands(cmd, offset, count).await,
            };
            self.check(answered)
        })
    }

    fn get_db(&self) -> i64 {
        match self.current() {
            Current::Single(c) => c.get_db(),
            Current::Cluster(c) => c.get_db(),
        }
    }
}

impl RedisConnection {
    fn check<T>(&self, answered: RedisResult<T>) -> RedisResult<T> {
        if let Err(error) = &answered {
            self.failed(error);
        }
        answered
    }
}
