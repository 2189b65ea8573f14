//! OK means recorded when a machine fails: `sink::RedisStream` waiting for replicas through
//! a failover (by hand, and by Redis Sentinel), on a Redis Cluster with the worker, and
//! `sink::JsonLines` whose every OK follows a sync of its file.
//!
//! Each test starts its own `redis-server` processes (and `redis-server --sentinel`,
//! `redis-cli --cluster create`) on free loopback ports (`.ci/run` installs them); where
//! they cannot be started it says SKIPPED and passes. The worker test needs the example
//! built: `cargo test` builds it.

use crate::common;

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tencent_room_webhook::dedup::{ClaimToken, Claimed, DeliveryKey, DeliveryStore, RedisStore};
use tencent_room_webhook::handler::Defaults;
use tencent_room_webhook::sink::{JsonLines, RedisConnection, RedisDeployment, RedisStream};
use tencent_room_webhook::testing::NotFound;
use tencent_room_webhook::testing::{self, CallbackRequest};
use tencent_room_webhook::{Answer, RoomWebhook, ToHandler};
use tencent_room_webhook::{ErrorCode, Event, SdkAppId};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::watch;

use common::{example_binary, StallingProxy};

/// Waits that only a broken build or a hung process reaches.
const PATIENCE: Duration = Duration::from_secs(60);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A redis-server (or Sentinel) of the test's own, killed when dropped.
struct Node {
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Node {
    /// A redis-server with `extra` arguments, or `None` (with the reason printed) when
    /// there is none to start.
    fn start(extra: &[&str]) -> Option<Self> {
        Self::spawn(extra, None)
    }

    /// A Sentinel watching the primary at `primary` under the name `master`.
    fn sentinel(master: &str, primary: u16) -> Option<Self> {
        let config = format!(
            "sentinel monitor {master} 127.0.0.1 {primary} 1\n\
             sentinel down-after-milliseconds {master} 1000\n\
             sentinel failover-timeout {master} 10000\n\
             sentinel parallel-syncs {master} 2\n"
        );
        Self::spawn(&["--sentinel"], Some(config))
    }

    fn spawn(extra: &[&str], sentinel_config: Option<String>) -> Option<Self> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let port = free_port();
        let dir = std::env::temp_dir().join(format!(
            "room-webhook-failover-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let mut command = Command::new("redis-server");
        if let Some(config) = sentinel_config {
            // Sentinel rewrites its configuration file: one of its own.
            let file = dir.join("sentinel.conf");
            std::fs::write(&file, config).unwrap();
            command.arg(file);
        }
        command
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .args(["--repl-diskless-sync-delay", "0"])
            .arg("--dir")
            .arg(&dir)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = match command.spawn() {
            Ok(child) => child,
            Err(error) => {
                eprintln!("SKIPPED: no redis-server could be started ({error}); install redis-server to run the failover tests");
                return None;
            }
        };
        let node = Self {
            port,
            dir,
            child: Some(child),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(node)
    }

    fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// SIGKILL: the machine gone, as far as Redis is concerned.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    async fn query<T: redis::FromRedisValue>(&self, command: &redis::Cmd) -> T {
        let client = redis::Client::open(self.url()).unwrap();
        let mut connection = client.get_multiplexed_async_connection().await.unwrap();
        command.query_async(&mut connection).await.unwrap()
    }

    async fn info(&self, section: &str) -> String {
        self.query(redis::cmd("INFO").arg(section)).await
    }

    /// Waits until this replica's link to its primary is up and in sync.
    async fn replicating(&self) {
        wait_for("the replica to sync", || async {
            self.info("replication")
                .await
                .contains("master_link_status:up")
        })
        .await;
    }
}

async fn wait_for<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + PATIENCE;
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A TCP proxy to `target` whose forwarding can be paused and resumed, both ways: a
/// replication link gone slow. Stopped when dropped.
struct PausingProxy {
    port: u16,
    paused: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for PausingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl PausingProxy {
    async fn start(target: u16) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (paused, watching) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut pumps = tokio::task::JoinSet::new();
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = tokio::net::TcpStream::connect(("127.0.0.1", target)).await else {
                    continue;
                };
                let (from_client, to_client) = client.into_split();
                let (from_server, to_server) = server.into_split();
                pumps.spawn(pump(from_client, to_server, watching.clone()));
                pumps.spawn(pump(from_server, to_client, watching.clone()));
            }
        });
        Self { port, paused, task }
    }

    fn pause(&self) {
        self.paused.send_replace(true);
    }
}

/// Copies `from` to `to`, holding what it read while paused.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut paused: watch::Receiver<bool>,
) {
    let mut buffer = vec![0; 16 * 1024];
    loop {
        let read = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => read,
        };
        if paused.wait_for(|paused| !*paused).await.is_err() {
            return;
        }
        if to.write_all(&buffer[..read]).await.is_err() {
            return;
        }
    }
}

fn member_left(i: usize) -> Bytes {
    Bytes::from(format!(
        r#"{{"CallbackCommand":"Room.CallbackAfterMemberLeave","RoomId":"room-{i}","Type":"Leave","MemberList_Account":["u{i}"],"EventTime":{}}}"#,
        1_700_000_000_000_u64 + i as u64
    ))
}

/// What the senders saw.
#[derive(Default)]
struct Outcomes {
    next: AtomicUsize,
    stop: AtomicBool,
    ok: AtomicUsize,
    failed: AtomicUsize,
    answered_ok: Mutex<HashSet<String>>,
    /// When each OK was answered.
    ok_at: Mutex<Vec<Instant>>,
}

impl Outcomes {
    fn ok(&self) -> usize {
        self.ok.load(Ordering::SeqCst)
    }

    fn failed(&self) -> usize {
        self.failed.load(Ordering::SeqCst)
    }
}

/// Where callbacks are sent: a layer in this process, or a server over loopback.
#[derive(Clone)]
enum Target {
    Layer(RoomWebhook<NotFound, ToHandler<Defaults>>),
    Server(SocketAddr, Client<HttpConnector, Full<Bytes>>),
}

impl Target {
    fn layer(sink: RedisStream) -> Self {
        Self::Layer(testing::recording(sink))
    }

    fn server(address: SocketAddr) -> Self {
        Self::Server(address, Client::builder(TokioExecutor::new()).build_http())
    }

    /// Member-leave callback `i`, and its answer.
    async fn send(&self, i: usize) -> Answer {
        let request = CallbackRequest::member_left().body(member_left(i));
        match self {
            Self::Layer(service) => testing::send(service.clone(), request).await.answer,
            Self::Server(address, client) => {
                let (mut parts, body) = request.build().into_parts();
                parts.uri = format!("http://{address}{}", parts.uri).parse().unwrap();
                let response = client
                    .request(http::Request::from_parts(parts, body))
                    .await
                    .unwrap_or_else(|e| panic!("callback {i} got no answer: {e}"));
                let bytes = response.into_body().collect().await.unwrap().to_bytes();
                serde_json::from_slice(&bytes).expect("a Tencent answer")
            }
        }
    }
}

/// Sends callbacks `from`, `from + 1`, … until one is answered OK (a loaded machine may take
/// longer than a short wait); the next index.
async fn send_until_ok(target: &Target, from: usize) -> usize {
    let deadline = Instant::now() + PATIENCE;
    let mut i = from;
    while !target.send(i).await.is_ok() {
        assert!(Instant::now() < deadline, "never recorded");
        i += 1;
    }
    i + 1
}

/// Distinct member-leave callbacks from `senders` concurrent senders to `target`, until
/// told to stop.
fn send_until_stopped(
    target: Target,
    senders: usize,
) -> (Arc<Outcomes>, Vec<tokio::task::JoinHandle<()>>) {
    let outcomes = Arc::new(Outcomes::default());
    let tasks = (0..senders)
        .map(|_| {
            let (target, outcomes) = (target.clone(), outcomes.clone());
            tokio::spawn(async move {
                while !outcomes.stop.load(Ordering::SeqCst) {
                    let i = outcomes.next.fetch_add(1, Ordering::SeqCst);
                    let answer = tokio::time::timeout(PATIENCE, target.send(i))
                        .await
                        .expect("answered, not hung");
                    if answer.is_ok() {
                        outcomes
                            .answered_ok
                            .lock()
                            .unwrap()
                            .insert(format!("room-{i}"));
                        outcomes.ok_at.lock().unwrap().push(Instant::now());
                        outcomes.ok.fetch_add(1, Ordering::SeqCst);
                    } else {
                        let code = answer.error_code();
                        assert!(
                            code == ErrorCode::NOT_RECORDED || code == ErrorCode::RECORD_TIMEOUT,
                            "callback {i} answered {code}"
                        );
                        outcomes.failed.fetch_add(1, Ordering::SeqCst);
                        // Refused at once while Redis is gone: not a busy loop.
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            })
        })
        .collect();
    (outcomes, tasks)
}

async fn stop(outcomes: &Outcomes, tasks: Vec<tokio::task::JoinHandle<()>>) {
    outcomes.stop.store(true, Ordering::SeqCst);
    for task in tasks {
        task.await.unwrap();
    }
}

/// The rooms of the entries of `stream` on `node`.
async fn rooms_in(node: &Node, stream: &str) -> HashSet<String> {
    let entries: Vec<(String, std::collections::HashMap<String, Vec<u8>>)> = node
        .query(redis::cmd("XRANGE").arg(stream).arg("-").arg("+"))
        .await;
    entries.iter().map(room_of).collect()
}

fn room_of(entry: &(String, std::collections::HashMap<String, Vec<u8>>)) -> String {
    let command = String::from_utf8(entry.1["command"].clone()).unwrap();
    let event = Event::decode(&command, &entry.1["event"]).unwrap();
    event.room_id().expect("a room").to_string()
}

/// A primary and its replica, whose link goes through a proxy that can pause it.
struct SlowLink {
    primary: Node,
    replica: Node,
    proxy: PausingProxy,
}

async fn slow_link() -> Option<SlowLink> {
    let primary = Node::start(&[])?;
    let proxy = PausingProxy::start(primary.port).await;
    let replica = Node::start(&["--replicaof", "127.0.0.1", &proxy.port.to_string()])?;
    replica.replicating().await;
    Some(SlowLink {
        primary,
        replica,
        proxy,
    })
}

/// Sends through `sink` until some were OK, pauses the replica's link until `during_pause`
/// more were answered (OK or not, as `count` says), kills the primary and promotes the
/// replica. Returns what the senders saw and what the promoted replica holds.
async fn fail_over_a_slow_replica(
    link: &mut SlowLink,
    sink: RedisStream,
    during_pause: impl Fn(&Outcomes) -> usize,
    wanted: usize,
) -> (Arc<Outcomes>, HashSet<String>) {
    let (outcomes, tasks) = send_until_stopped(Target::layer(sink), 16);
    wait_for("callbacks answered OK", || async { outcomes.ok() >= 200 }).await;
    link.proxy.pause();
    let before = during_pause(&outcomes);
    wait_for("callbacks answered while the link is paused", || async {
        during_pause(&outcomes) >= before + wanted
    })
    .await;
    link.primary.kill();
    stop(&outcomes, tasks).await;
    // The failover: the replica, its link still paused, becomes the primary.
    let _: () = link
        .replica
        .query(redis::cmd("REPLICAOF").arg("NO").arg("ONE"))
        .await;
    let held = rooms_in(&link.replica, "failover").await;
    (outcomes, held)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_for_a_replica_a_failover_after_its_link_went_slow_loses_nothing_answered_ok() {
    let Some(mut link) = slow_link().await else {
        return;
    };
    let sink = RedisStream::open(&link.primary.url(), "failover")
        .await
        .unwrap()
        .with_wait(Duration::from_millis(500))
        .with_replicas(1);
    let (outcomes, held) = fail_over_a_slow_replica(&mut link, sink, Outcomes::failed, 32).await;
    let answered_ok = outcomes.answered_ok.lock().unwrap().clone();
    let lost: Vec<_> = answered_ok.difference(&held).collect();
    assert!(
        lost.is_empty(),
        "{} of {} callbacks answered OK are not in the promoted replica: {lost:?}",
        lost.len(),
        answered_ok.len()
    );
    assert!(answered_ok.len() >= 200 && outcomes.failed() >= 32);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_waiting_for_replicas_a_failover_after_a_slow_link_loses_callbacks_answered_ok() {
    // What `with_replicas` is for: the same failover, answered once the primary holds it.
    let Some(mut link) = slow_link().await else {
        return;
    };
    let sink = RedisStream::open(&link.primary.url(), "failover")
        .await
        .unwrap()
        .with_wait(Duration::from_millis(500));
    let (outcomes, held) = fail_over_a_slow_replica(&mut link, sink, Outcomes::ok, 100).await;
    let answered_ok = outcomes.answered_ok.lock().unwrap().clone();
    let lost = answered_ok.difference(&held).count();
    assert!(lost >= 100, "only {lost} answered OK were lost");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_for_a_replica_that_is_not_there_answers_503_never_ok() {
    let Some(primary) = Node::start(&[]) else {
        return;
    };
    let sink = RedisStream::open(&primary.url(), "alone")
        .await
        .unwrap()
        .with_wait(Duration::from_secs(1))
        .with_replicas(1);
    let service = testing::recording(sink);
    let request = CallbackRequest::member_left().body(member_left(1));
    assert_refused_unrecorded(&testing::send(service, request).await);
}

/// 503, the event not recorded: `NotReplicated` (50303) once the `WAIT` answered, or 50304
/// on a machine too loaded for it to answer before the caller's wait ran out.
fn assert_refused_unrecorded(answered: &testing::TestAnswer) {
    let code = answered.answer.error_code();
    assert!(
        answered.status == 503
            && (code == ErrorCode::NOT_RECORDED || code == ErrorCode::RECORD_TIMEOUT),
        "expected 503 FAIL 50303 or 50304, got {answered}"
    );
}

/// Everything logged while `during` runs on this thread.
async fn logged(during: impl std::future::Future<Output = ()>) -> String {
    #[derive(Clone, Default)]
    struct Logs(Arc<Mutex<Vec<u8>>>);
    impl Write for Logs {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    during.await;
    drop(guard);
    let text = logs.0.lock().unwrap().clone();
    String::from_utf8(text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clone_told_to_wait_for_replicas_waits_though_the_original_appended_first() {
    let Some(primary) = Node::start(&[]) else {
        return;
    };
    let plain = RedisStream::open(&primary.url(), "cloned")
        .await
        .unwrap()
        .with_wait(Duration::from_secs(5));
    let request = CallbackRequest::member_left().body(member_left(1));
    testing::send(testing::recording(plain.clone()), request)
        .await
        .assert_ok();
    let waiting = plain.with_wait(Duration::from_secs(1)).with_replicas(1);
    let request = CallbackRequest::member_left().body(member_left(2));
    assert_refused_unrecorded(&testing::send(testing::recording(waiting), request).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_for_replicas_a_connection_that_stops_answering_is_refused_then_replaced() {
    let Some((primary, _replica)) = replicated().await else {
        return;
    };
    let proxy = StallingProxy::start(([127, 0, 0, 1], primary.port).into()).await;
    let sink = RedisStream::open(&proxy.url(), "stalled")
        .await
        .unwrap()
        .with_wait(Duration::from_millis(500))
        .with_replicas(1);
    let target = Target::layer(sink);
    // Recorded through the proxy first.
    let mut i = send_until_ok(&target, 0).await;
    if i > 1 {
        // A record that timed out started a new connection: let it land before the stall.
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    proxy.stall();
    // The pipeline sent on the stalled connection is given up at the deadline, not held
    // for ever with the appends queued behind it.
    assert_eq!(target.send(i).await.error_code(), ErrorCode::RECORD_TIMEOUT);
    i += 1;
    let deadline = Instant::now() + PATIENCE;
    while !target.send(i).await.is_ok() {
        assert!(Instant::now() < deadline, "never recorded again");
        tokio::time::sleep(Duration::from_millis(100)).await;
        i += 1;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sentinel_that_stops_answering_is_asked_again_on_a_new_connection() {
    let Some((mut primary, _replicas, sentinel)) = watched().await else {
        return;
    };
    // The sink asks Sentinel through a proxy whose open connections then hang.
    let proxy = StallingProxy::start(([127, 0, 0, 1], sentinel.port).into()).await;
    let redis = RedisDeployment::sentinel([proxy.address.to_string()], "callbacks");
    let sink = RedisStream::connect(&redis, "failover")
        .await
        .unwrap()
        .with_wait(Duration::from_millis(500))
        .with_replicas(1);
    let target = Target::layer(sink);
    let mut i = send_until_ok(&target, 0).await;
    proxy.stall();
    let killed = Instant::now();
    primary.kill();
    while !target.send(i).await.is_ok() {
        assert!(
            killed.elapsed() < Duration::from_secs(30),
            "the sink never found the new primary"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
        i += 1;
    }
}

#[tokio::test]
async fn a_primary_with_replicas_not_waited_for_is_named_at_start() {
    let Some((primary, _replica)) = replicated().await else {
        return;
    };
    let unwaited = RedisStream::open(&primary.url(), "checked").await.unwrap();
    assert_eq!(unwaited.check_replicas().await.unwrap(), Some(1));
    let logs = logged(async {
        let _ = unwaited.check_replicas().await;
    })
    .await;
    assert!(
        logs.contains("WARN")
            && logs.contains("a failover loses what the replicas had not received"),
        "{logs}"
    );
    let waited = unwaited.clone().with_replicas(1);
    let logs = logged(async {
        let _ = waited.check_replicas().await;
    })
    .await;
    assert!(!logs.contains("WARN"), "{logs}");
}

/// A primary and a replica in sync with it; `None` when they cannot be started.
async fn replicated() -> Option<(Node, Node)> {
    let primary = Node::start(&[])?;
    let replica = Node::start(&["--replicaof", "127.0.0.1", &primary.port.to_string()])?;
    replica.replicating().await;
    Some((primary, replica))
}

/// A primary named `callbacks`, two replicas, and a Sentinel watching them that knows both
/// replicas; `None` when they cannot be started.
async fn watched() -> Option<(Node, [Node; 2], Node)> {
    let primary = Node::start(&[])?;
    let replica_of = ["--replicaof", "127.0.0.1", &primary.port.to_string()];
    let replicas = [Node::start(&replica_of)?, Node::start(&replica_of)?];
    for replica in &replicas {
        replica.replicating().await;
    }
    let sentinel = Node::sentinel("callbacks", primary.port)?;
    wait_for("Sentinel to know both replicas", || async {
        let known: Vec<redis::Value> = sentinel
            .query(redis::cmd("SENTINEL").arg("REPLICAS").arg("callbacks"))
            .await;
        known.len() == 2
    })
    .await;
    Some((primary, replicas, sentinel))
}

/// The replica Sentinel promoted.
async fn promoted<'a>(sentinel: &Node, replicas: &'a [Node; 2]) -> &'a Node {
    let address: Vec<String> = sentinel
        .query(
            redis::cmd("SENTINEL")
                .arg("GET-MASTER-ADDR-BY-NAME")
                .arg("callbacks"),
        )
        .await;
    replicas
        .iter()
        .find(|node| node.port.to_string() == address[1])
        .expect("a replica promoted")
}

// The reference server and the worker share one failover: each is a few seconds of Sentinel.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_sentinel_the_reference_server_and_the_worker_follow_a_failover_losing_nothing() {
    let Some((mut primary, replicas, sentinel)) = watched().await else {
        return;
    };
    // The reference server and the worker, configured as the README says.
    let sentinels = sentinel.address();
    let through_sentinel = [
        ("ROOM_WEBHOOK_REDIS_SENTINELS", sentinels.as_str()),
        ("ROOM_WEBHOOK_REDIS_MASTER", "callbacks"),
        ("ROOM_WEBHOOK_STREAM", "failover"),
    ];
    let server = common::start_example(
        "server",
        &[
            through_sentinel.as_slice(),
            &[
                ("ROOM_WEBHOOK_REDIS_REPLICAS", "1"),
                ("ROOM_WEBHOOK_RECORD_WAIT_MS", "500"),
            ],
        ]
        .concat(),
    )
    .await;
    let mut worker = tokio::process::Command::new(example_binary("consume"))
        .envs(through_sentinel)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(worker.stdout.take().unwrap()).lines();
    let (processed, mut seen) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            let id = line.split(' ').next().unwrap_or_default().to_owned();
            let _ = processed.send(id);
        }
    });

    let (outcomes, tasks) = send_until_stopped(Target::server(server.address), 8);
    wait_for("callbacks answered OK", || async { outcomes.ok() >= 200 }).await;
    let killed = Instant::now();
    primary.kill();
    let ok_at_kill = outcomes.ok();
    // In-flight answers finish within the wait; OKs after that come from a new primary.
    wait_for("OK answers from the new primary", || async {
        outcomes.ok() >= ok_at_kill + 100
    })
    .await;
    stop(&outcomes, tasks).await;
    let resumed = outcomes
        .ok_at
        .lock()
        .unwrap()
        .iter()
        .copied()
        .filter(|at| *at > killed + Duration::from_millis(600))
        .min()
        .expect("OK after the kill");
    eprintln!(
        "OK answers resumed {:?} after the kill ({} OK, {} refused)",
        resumed - killed,
        outcomes.ok(),
        outcomes.failed()
    );
    assert!(
        resumed - killed < Duration::from_secs(15),
        "OK answers resumed {:?} after the kill",
        resumed - killed
    );
    let promoted = promoted(&sentinel, &replicas).await;
    let held = rooms_in(promoted, "failover").await;
    let answered_ok = outcomes.answered_ok.lock().unwrap().clone();
    let lost: Vec<_> = answered_ok.difference(&held).collect();
    assert!(
        lost.is_empty(),
        "{} of {} callbacks answered OK are not on the new primary: {lost:?}",
        lost.len(),
        answered_ok.len()
    );

    // Every entry on the new primary is processed by the worker (one the old primary had
    // acknowledged and the replica had not may be processed again: at least once).
    let entries: Vec<(String, std::collections::HashMap<String, Vec<u8>>)> = promoted
        .query(redis::cmd("XRANGE").arg("failover").arg("-").arg("+"))
        .await;
    let mut done = HashSet::new();
    for (id, _) in &entries {
        while !done.contains(id) {
            let next = tokio::time::timeout(PATIENCE, seen.recv())
                .await
                .unwrap_or_else(|_| panic!("entry {id} never processed after the failover"))
                .expect("the worker's output");
            done.insert(next);
        }
    }
    let _ = worker.kill().await;
}

/// Three primaries in a cluster, each with `replicas` replicas, or `None` when they
/// cannot be started.
async fn cluster(replicas: usize) -> Option<Vec<Node>> {
    let args = [
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        "nodes.conf",
        "--cluster-node-timeout",
        "2000",
    ];
    let mut nodes = Vec::new();
    for _ in 0..3 * (1 + replicas) {
        nodes.push(Node::start(&args)?);
    }
    let created = Command::new("redis-cli")
        .arg("--cluster")
        .arg("create")
        .args(nodes.iter().map(Node::address))
        .args(["--cluster-replicas", &replicas.to_string(), "--cluster-yes"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match created {
        Ok(status) if status.success() => {}
        Ok(status) => panic!("redis-cli --cluster create failed: {status}"),
        Err(error) => {
            eprintln!(
                "SKIPPED: no redis-cli ({error}); install redis-tools to run the Cluster test"
            );
            return None;
        }
    }
    for node in &nodes {
        wait_for("the cluster to be up", || async {
            node.query::<String>(redis::cmd("CLUSTER").arg("INFO"))
                .await
                .contains("cluster_state:ok")
        })
        .await;
    }
    for node in &nodes {
        if node.info("replication").await.contains("role:slave") {
            node.replicating().await;
        }
    }
    Some(nodes)
}

/// The port of the replica of the primary that holds `key`'s slot, once the cluster's
/// table shows one.
async fn replica_of_the_slot_of(nodes: &[Node], key: &str) -> u16 {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(port) = find_replica_of_the_slot_of(nodes, key).await {
            return port;
        }
        assert!(Instant::now() < deadline, "no replica of {key}'s primary");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn find_replica_of_the_slot_of(nodes: &[Node], key: &str) -> Option<u16> {
    let slot: u16 = nodes[0]
        .query(redis::cmd("CLUSTER").arg("KEYSLOT").arg(key))
        .await;
    let table: String = nodes[0].query(redis::cmd("CLUSTER").arg("NODES")).await;
    let holds = |ranges: &[&str]| {
        ranges.iter().any(|range| {
            let (low, high) = range.split_once('-').unwrap_or((range, range));
            (low.parse().unwrap_or(u16::MAX)..=high.parse().unwrap_or(0)).contains(&slot)
        })
    };
    let lines: Vec<Vec<&str>> = table
        .lines()
        .map(|line| line.split_whitespace().collect())
        .collect();
    let primary = lines
        .iter()
        .find(|fields| fields[2].contains("master") && holds(&fields[8..]))?[0];
    let replica = lines.iter().find(|fields| fields[3] == primary)?;
    let address = replica[1].split('@').next()?;
    address.rsplit_once(':')?.1.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_cluster_the_stream_its_de_duplication_the_store_and_the_worker_work() {
    let Some(nodes) = cluster(0).await else {
        return;
    };
    let addresses: Vec<String> = nodes.iter().map(Node::address).collect();
    let redis = RedisDeployment::cluster(addresses.clone());
    let sink = RedisStream::connect(&redis, "cluster-callbacks")
        .await
        .unwrap()
        .with_dedup(Duration::from_secs(600));
    let service = testing::recording(sink);
    // Every callback twice: appended once.
    for i in 0..30 {
        for _ in 0..2 {
            let request = CallbackRequest::member_left().body(member_left(i));
            testing::send(service.clone(), request).await.assert_ok();
        }
    }
    let mut connection: RedisConnection = redis.connect().await.unwrap();
    let entries: Vec<(String, std::collections::HashMap<String, Vec<u8>>)> = redis::cmd("XRANGE")
        .arg("cluster-callbacks")
        .arg("-")
        .arg("+")
        .query_async(&mut connection)
        .await
        .unwrap();
    let rooms: Vec<String> = entries.iter().map(room_of).collect();
    let distinct: HashSet<&String> = rooms.iter().collect();
    assert_eq!((rooms.len(), distinct.len()), (30, 30));

    // The layer's de-duplication store, on the cluster too.
    let store = RedisStore::connect(&redis, "room-webhook:").await.unwrap();
    let key = DeliveryKey::new(
        SdkAppId::new(1400000000),
        "Room.CallbackAfterMemberLeave",
        b"{}",
    );
    let token = ClaimToken::new();
    let ttl = Duration::from_secs(60);
    assert_eq!(store.claim(&key, &token, ttl).await.unwrap(), Claimed::New);
    store.complete(&key, &token, ttl).await.unwrap();
    assert_eq!(
        store.claim(&key, &ClaimToken::new(), ttl).await.unwrap(),
        Claimed::Done
    );

    // The worker reads the stream on the cluster and processes each event once.
    let mut worker = tokio::process::Command::new(example_binary("consume"))
        .env("ROOM_WEBHOOK_REDIS_CLUSTER", addresses.join(","))
        .env("ROOM_WEBHOOK_STREAM", "cluster-callbacks")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(worker.stdout.take().unwrap()).lines();
    let mut processed = HashSet::new();
    tokio::time::timeout(PATIENCE, async {
        while processed.len() < 30 {
            let line = lines
                .next_line()
                .await
                .unwrap()
                .expect("the worker's output");
            let id = line.split(' ').next().unwrap().to_owned();
            assert!(processed.insert(id), "processed twice: {line}");
        }
    })
    .await
    .expect("the worker processed every entry");
    let pending: Vec<redis::Value> = redis::cmd("XPENDING")
        .arg("cluster-callbacks")
        .arg("room-workers")
        .query_async(&mut connection)
        .await
        .unwrap();
    let pending: u64 = redis::from_redis_value(&pending[0]).unwrap();
    // Acknowledged as processed (the last one may still be on its way).
    assert!(pending <= 1, "{pending} entries pending");
    let _ = worker.kill().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_cluster_a_failover_of_the_streams_primary_is_followed_waiting_for_its_replica() {
    let Some(nodes) = cluster(1).await else {
        return;
    };
    let redis = RedisDeployment::cluster(nodes.iter().map(Node::address));
    let sink = RedisStream::connect(&redis, "{cluster}:callbacks")
        .await
        .unwrap()
        .with_wait(Duration::from_secs(1))
        .with_replicas(1);
    let (outcomes, tasks) = send_until_stopped(Target::layer(sink), 4);
    wait_for("callbacks answered OK", || async { outcomes.ok() >= 100 }).await;
    // The replica of the stream's primary takes over at once, without waiting for the primary
    // or for the other primaries' votes (an election can time out on a loaded machine): what
    // it has not received was never answered OK. The old primary becomes its replica.
    let port = replica_of_the_slot_of(&nodes, "{cluster}:callbacks").await;
    let replica = nodes.iter().find(|node| node.port == port).unwrap();
    let _: () = replica
        .query(redis::cmd("CLUSTER").arg("FAILOVER").arg("TAKEOVER"))
        .await;
    wait_for("the replica to take over", || async {
        replica.info("replication").await.contains("role:master")
    })
    .await;
    let ok_at_failover = outcomes.ok();
    wait_for("OK answers from the new primary", || async {
        outcomes.ok() >= ok_at_failover + 100
    })
    .await;
    stop(&outcomes, tasks).await;
    let mut connection = redis.connect().await.unwrap();
    let entries: Vec<(String, std::collections::HashMap<String, Vec<u8>>)> = redis::cmd("XRANGE")
        .arg("{cluster}:callbacks")
        .arg("-")
        .arg("+")
        .query_async(&mut connection)
        .await
        .unwrap();
    let held: HashSet<String> = entries.iter().map(room_of).collect();
    let answered_ok = outcomes.answered_ok.lock().unwrap().clone();
    let lost: Vec<_> = answered_ok.difference(&held).collect();
    assert!(lost.is_empty(), "answered OK, not in the stream: {lost:?}");
}

/// A writer whose bytes become durable only when synced; each sync can be made to fail.
#[derive(Clone, Default)]
struct Disk {
    written: Arc<Mutex<Vec<u8>>>,
    durable: Arc<Mutex<Vec<u8>>>,
    syncs: Arc<AtomicUsize>,
    failing: Arc<AtomicBool>,
}

impl Write for Disk {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.written.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Disk {
    fn sync(&mut self) -> io::Result<()> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(io::Error::other("the disk failed"));
        }
        self.syncs.fetch_add(1, Ordering::SeqCst);
        // A disk takes its time: lines queue behind a sync meanwhile.
        std::thread::sleep(Duration::from_millis(5));
        let written = self.written.lock().unwrap().clone();
        *self.durable.lock().unwrap() = written;
        Ok(())
    }

    fn durable(&self) -> String {
        String::from_utf8(self.durable.lock().unwrap().clone()).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ok_of_a_synced_file_follows_a_sync_of_its_line_shared_by_concurrent_callbacks() {
    let disk = Disk::default();
    let sink = JsonLines::with_sync(disk.clone(), Disk::sync);
    let service = testing::recording(sink);
    let senders: Vec<_> = (0..200)
        .map(|i| {
            let (service, disk) = (service.clone(), disk.clone());
            tokio::spawn(async move {
                let request = CallbackRequest::member_left().body(member_left(i));
                testing::send(service, request).await.assert_ok();
                // Answered OK: its line is durable already.
                assert!(
                    disk.durable().contains(&format!("\"room-{i}\"")),
                    "callback {i} answered OK before a sync of its line"
                );
            })
        })
        .collect();
    for sender in senders {
        sender.await.unwrap();
    }
    let syncs = disk.syncs.load(Ordering::SeqCst);
    assert!(syncs < 100, "{syncs} syncs for 200 lines: not shared");
    assert_eq!(disk.durable().lines().count(), 200);
}

#[tokio::test]
async fn a_failed_sync_answers_503_and_a_later_one_confirms_again() {
    let disk = Disk::default();
    let sink = JsonLines::with_sync(disk.clone(), Disk::sync);
    let service = testing::recording(sink);
    disk.failing.store(true, Ordering::SeqCst);
    let request = CallbackRequest::member_left().body(member_left(1));
    testing::send(service.clone(), request)
        .await
        .assert_fail(503, ErrorCode::NOT_RECORDED);
    disk.failing.store(false, Ordering::SeqCst);
    let request = CallbackRequest::member_left().body(member_left(2));
    testing::send(service, request).await.assert_ok();
    let durable = disk.durable();
    assert!(durable.contains("\"room-2\""), "{durable}");
    // The failed sync's line was whole: no blank line, no line joined to the next.
    assert!(
        durable.lines().all(|line| line.starts_with('{')),
        "{durable}"
    );
}

#[tokio::test]
async fn append_creates_the_file_and_holds_every_line_answered_ok() {
    let path =
        std::env::temp_dir().join(format!("room-webhook-synced-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let sink = JsonLines::append(&path).unwrap();
    let service = testing::recording(sink);
    for i in 0..20 {
        let request = CallbackRequest::member_left().body(member_left(i));
        testing::send(service.clone(), request).await.assert_ok();
    }
    let file = std::fs::read_to_string(&path).unwrap();
    assert_eq!(file.lines().count(), 20);
    for i in 0..20 {
        assert!(file.contains(&format!("\"room-{i}\"")));
    }
    let _ = std::fs::remove_file(&path);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_server_on_a_file_holds_every_callback_answered_ok() {
    let path =
        std::env::temp_dir().join(format!("room-webhook-server-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let file = path.to_str().unwrap();
    let server = common::start_example("server", &[("ROOM_WEBHOOK_FILE", file)]).await;
    let (outcomes, tasks) = send_until_stopped(Target::server(server.address), 8);
    wait_for("callbacks answered OK", || async { outcomes.ok() >= 200 }).await;
    stop(&outcomes, tasks).await;
    let lines = std::fs::read_to_string(&path).unwrap();
    let held: HashSet<String> = lines
        .lines()
        .map(|line| {
            let line: serde_json::Value = serde_json::from_str(line).unwrap();
            line["event"]["RoomId"].as_str().unwrap().to_owned()
        })
        .collect();
    let answered_ok = outcomes.answered_ok.lock().unwrap().clone();
    assert!(answered_ok.is_subset(&held), "answered OK, not in the file");
    let _ = std::fs::remove_file(&path);
}
