//! `sink::RedisStream` on a real Redis server, served over loopback, and the worker of
//! `examples/consume.rs` run as the process a user starts.
//!
//! Each test starts its own `redis-server` on a free loopback port, with the append-only
//! file synced at every write in a directory of its own, so that an entry Redis
//! acknowledged survives Redis being killed (`.ci/run` installs it); where none can be
//! started it says SKIPPED and passes. The consumer tests need the example built:
//! `cargo test` builds it, or `cargo build --example consume` before `--test stream`.

use crate::common;

use std::collections::{HashMap, HashSet};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Request;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use redis::aio::MultiplexedConnection;
use tencent_room_webhook::dedup::DeliveryKey;
use tencent_room_webhook::handler::Defaults;
use tencent_room_webhook::sink::{BacklogFull, Record, RecordError, RedisStream, Sink};
use tencent_room_webhook::testing::{self, CallbackRequest, NotFound};
use tencent_room_webhook::{Answer, ErrorCode, Event, RoomWebhookLayer, SdkAppId};
use tokio::io::{AsyncBufReadExt, BufReader};
use tower::Layer;

use common::{example_binary, serve_loopback, StallingProxy, APP};

/// Waits that only a broken build or a hung process reaches.
const PATIENCE: Duration = Duration::from_secs(60);

/// One entry as read back: ID and fields.
type Entry = (String, HashMap<String, Vec<u8>>);

/// A redis-server of the test's own, restartable on the same port with the same data.
struct Redis {
    port: u16,
    dir: PathBuf,
    extra: Vec<String>,
    child: Option<Child>,
    url: String,
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Redis {
    /// A fresh redis-server on a free port, or `None` (with the reason printed) when
    /// there is no redis-server to start.
    fn start() -> Option<Self> {
        Self::start_with(&[])
    }

    fn start_with(extra: &[&str]) -> Option<Self> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let dir = std::env::temp_dir().join(format!(
            "room-webhook-stream-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let mut redis = Self {
            port,
            dir,
            extra: extra.iter().map(|&arg| arg.to_owned()).collect(),
            child: None,
            url: format!("redis://127.0.0.1:{port}"),
        };
        match redis.spawn() {
            Ok(()) => Some(redis),
            Err(error) => {
                eprintln!("SKIPPED: no redis-server could be started ({error}); install redis-server to run the Redis stream tests");
                None
            }
        }
    }

    /// Starts the server (again) and waits until it listens.
    fn spawn(&mut self) -> std::io::Result<()> {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
            ])
            .arg("--dir")
            .arg(&self.dir)
            .args(&self.extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not start listening"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    /// SIGKILL: no chance to save anything beyond what the append-only file holds.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn pid(&self) -> String {
        self.child.as_ref().unwrap().id().to_string()
    }

    async fn connection(&self) -> MultiplexedConnection {
        let client = redis::Client::open(self.url.as_str()).unwrap();
        let deadline = Instant::now() + PATIENCE;
        loop {
            // A restarted server answers LOADING until it has read its file back.
            match client.get_multiplexed_async_connection().await {
                Ok(mut connection) => {
                    let ping: redis::RedisResult<String> =
                        redis::cmd("PING").query_async(&mut connection).await;
                    if ping.is_ok() {
                        return connection;
                    }
                }
                Err(error) => assert!(Instant::now() < deadline, "no Redis connection: {error}"),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn entries(&self, stream: &str) -> Vec<Entry> {
        redis::cmd("XRANGE")
            .arg(stream)
            .arg("-")
            .arg("+")
            .query_async(&mut self.connection().await)
            .await
            .unwrap()
    }

    /// Entries delivered to a consumer of `group` and not acknowledged.
    async fn pending(&self, stream: &str, group: &str) -> u64 {
        let summary: Vec<redis::Value> = redis::cmd("XPENDING")
            .arg(stream)
            .arg(group)
            .query_async(&mut self.connection().await)
            .await
            .unwrap();
        redis::from_redis_value(&summary[0]).unwrap()
    }
}

fn text(entry: &Entry, field: &str) -> Option<String> {
    entry
        .1
        .get(field)
        .map(|value| String::from_utf8(value.clone()).unwrap())
}

/// The room of the entry's event.
fn room_of(entry: &Entry) -> String {
    let event = Event::decode(&text(entry, "command").unwrap(), &entry.1["event"]).unwrap();
    event.room_id().expect("a room").to_string()
}

/// Entries per room (every test callback names a distinct room).
fn rooms(entries: &[Entry]) -> HashMap<String, usize> {
    let mut rooms = HashMap::new();
    for entry in entries {
        *rooms.entry(room_of(entry)).or_default() += 1;
    }
    rooms
}

fn member_left(i: usize) -> Bytes {
    Bytes::from(format!(
        r#"{{"CallbackCommand":"Room.CallbackAfterMemberLeave","RoomId":"room-{i}","Type":"Leave","MemberList_Account":["u{i}"],"EventTime":{}}}"#,
        1_700_000_000_000_u64 + i as u64
    ))
}

/// A sink on `name` that waits long for Redis: an `fsync` on a busy disk may take over a
/// second, and these tests are about what is recorded, not how fast.
async fn stream(redis: &Redis, name: &str) -> RedisStream {
    RedisStream::open(&redis.url, name)
        .await
        .unwrap()
        .with_wait(Duration::from_secs(10))
}

fn layer(stream: RedisStream) -> RoomWebhookLayer<tencent_room_webhook::ToHandler<Defaults>> {
    RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .record(stream)
        .handler(Defaults)
        .build()
        .unwrap()
}

/// Posts member-leave callback `i` to the server at `address`: `true` for OK, `false` for
/// a 503 saying the event was not recorded; panics on anything else.
async fn post(client: &Client<HttpConnector, Full<Bytes>>, address: SocketAddr, i: usize) -> bool {
    let request = CallbackRequest::member_left().body(member_left(i)).build();
    let (mut parts, body) = request.into_parts();
    parts.uri = format!("http://{address}{}", parts.uri).parse().unwrap();
    let response = client
        .request(Request::from_parts(parts, body))
        .await
        .unwrap_or_else(|e| panic!("callback {i} got no answer: {e}"));
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let answer: Answer = serde_json::from_slice(&bytes).expect("a Tencent answer");
    if answer.is_ok() {
        assert_eq!(status, 200);
        return true;
    }
    let code = answer.error_code();
    assert!(
        status == 503 && (code == ErrorCode::NOT_RECORDED || code == ErrorCode::RECORD_TIMEOUT),
        "callback {i}: {status} {code}"
    );
    false
}

/// What the senders saw.
#[derive(Default)]
struct Outcomes {
    next: AtomicUsize,
    stop: AtomicBool,
    ok: AtomicUsize,
    failed: AtomicUsize,
    /// The callbacks answered OK by at least one replica.
    answered_ok: Mutex<HashSet<usize>>,
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Sends distinct callbacks from `senders` concurrent senders, each to every replica,
/// kills Redis once some were answered OK, restarts it once some were answered FAIL, and
/// stops once some more were answered OK.
async fn send_through_a_restart(redis: &mut Redis, replicas: &[SocketAddr]) -> Arc<Outcomes> {
    const SENDERS: usize = 8;
    const SOME: usize = 100;
    let outcomes = Arc::new(Outcomes::default());
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let senders: Vec<_> = (0..SENDERS)
        .map(|_| {
            let (client, outcomes, replicas) =
                (client.clone(), outcomes.clone(), replicas.to_vec());
            tokio::spawn(async move {
                while !outcomes.stop.load(Ordering::SeqCst) {
                    let i = outcomes.next.fetch_add(1, Ordering::SeqCst);
                    let answers = futures_util::future::join_all(
                        replicas.iter().map(|&address| post(&client, address, i)),
                    )
                    .await;
                    for ok in &answers {
                        let counter = if *ok { &outcomes.ok } else { &outcomes.failed };
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                    if answers.contains(&true) {
                        outcomes.answered_ok.lock().unwrap().insert(i);
                    }
                }
            })
        })
        .collect();
    wait_until("some callbacks are answered OK", || {
        outcomes.ok.load(Ordering::SeqCst) >= SOME
    })
    .await;
    redis.kill();
    let failed = outcomes.failed.load(Ordering::SeqCst);
    wait_until("callbacks are answered FAIL while Redis is down", || {
        outcomes.failed.load(Ordering::SeqCst) >= failed + 20
    })
    .await;
    redis.spawn().unwrap();
    let ok = outcomes.ok.load(Ordering::SeqCst);
    wait_until("callbacks are answered OK again once Redis is back", || {
        outcomes.ok.load(Ordering::SeqCst) >= ok + SOME
    })
    .await;
    outcomes.stop.store(true, Ordering::SeqCst);
    for sender in senders {
        sender.await.unwrap();
    }
    outcomes
}

/// Every callback answered OK is in the stream exactly once, and none more than once.
fn assert_exactly_once(outcomes: &Outcomes, entries: &[Entry]) {
    let rooms = rooms(entries);
    let sent = outcomes.next.load(Ordering::SeqCst);
    for (room, count) in &rooms {
        assert_eq!(*count, 1, "{room} is in the stream {count} times");
        let i: usize = room.strip_prefix("room-").unwrap().parse().unwrap();
        assert!(i < sent, "{room} was never sent");
    }
    let answered_ok = outcomes.answered_ok.lock().unwrap();
    let missing: Vec<_> = answered_ok
        .iter()
        .filter(|i| !rooms.contains_key(&format!("room-{i}")))
        .collect();
    assert!(
        missing.is_empty(),
        "answered OK but not in the stream: {missing:?}"
    );
    println!(
        "{sent} callbacks sent, {} answered OK, {} FAIL answers, {} entries",
        answered_ok.len(),
        outcomes.failed.load(Ordering::SeqCst),
        entries.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_answered_ok_while_redis_restarts_are_each_in_the_stream_exactly_once() {
    let Some(mut redis) = Redis::start() else {
        return;
    };
    let server = serve_loopback(layer(stream(&redis, "restart").await).layer(NotFound)).await;
    let outcomes = send_through_a_restart(&mut redis, &[server.address]).await;
    assert_exactly_once(&outcomes, &redis.entries("restart").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_dedup_two_replicas_receiving_every_callback_through_a_restart_append_each_once() {
    let Some(mut redis) = Redis::start() else {
        return;
    };
    let ttl = Duration::from_secs(600);
    let first = layer(stream(&redis, "replicas").await.with_dedup(ttl));
    let second = layer(stream(&redis, "replicas").await.with_dedup(ttl));
    let first = serve_loopback(first.layer(NotFound)).await;
    let second = serve_loopback(second.layer(NotFound)).await;
    let outcomes = send_through_a_restart(&mut redis, &[first.address, second.address]).await;
    assert_exactly_once(&outcomes, &redis.entries("replicas").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_reference_servers_on_one_redis_through_a_restart_append_each_callback_once() {
    let Some(mut redis) = Redis::start() else {
        return;
    };
    // The operator's setup: the reference server on two replicas, one stream, de-duplicated.
    let env = [
        ("ROOM_WEBHOOK_REDIS_URL", redis.url.as_str()),
        ("ROOM_WEBHOOK_STREAM", "reference"),
        ("ROOM_WEBHOOK_DEDUP_SECS", "600"),
        ("ROOM_WEBHOOK_RECORD_WAIT_MS", "10000"),
    ];
    let first = common::start_example("server", &env).await;
    let second = common::start_example("server", &env).await;
    let outcomes = send_through_a_restart(&mut redis, &[first.address, second.address]).await;
    assert_exactly_once(&outcomes, &redis.entries("reference").await);
}

#[tokio::test]
async fn with_index_fields_each_entry_holds_the_event_and_the_fields_consumers_filter_on() {
    let Some(redis) = Redis::start() else { return };
    let service = testing::recording(stream(&redis, "fields").await.with_index_fields());
    let left = CallbackRequest::member_left();
    let unknown = CallbackRequest::new(
        "Room.CallbackAfterSomethingNew",
        r#"{"CallbackCommand":"Room.CallbackAfterSomethingNew","Answer":42}"#,
    );
    for request in [left.clone(), unknown.clone()] {
        testing::send(service.clone(), request).await.assert_ok();
    }
    let entries = redis.entries("fields").await;
    assert_eq!(entries.len(), 2);

    let sent = Event::decode("Room.CallbackAfterMemberLeave", left.body_bytes().as_ref()).unwrap();
    let entry = &entries[0];
    assert_eq!(
        text(entry, "command").as_deref(),
        Some("Room.CallbackAfterMemberLeave")
    );
    assert_eq!(text(entry, "sdk_app_id"), Some(APP.to_string()));
    assert_eq!(
        text(entry, "room_id"),
        sent.room_id().map(|r| r.to_string())
    );
    assert_eq!(
        text(entry, "event_time"),
        sent.event_time().map(|t| t.as_millis().to_string())
    );
    let recorded = Event::decode(&text(entry, "command").unwrap(), &entry.1["event"]).unwrap();
    assert_eq!(
        recorded, sent,
        "the event field reads back as the event sent"
    );

    let entry = &entries[1];
    assert_eq!(
        text(entry, "command").as_deref(),
        Some("Room.CallbackAfterSomethingNew")
    );
    assert_eq!(text(entry, "room_id"), None, "absent, not empty");
    assert_eq!(text(entry, "event_time"), None);
    let body: serde_json::Value = serde_json::from_slice(&entry.1["event"]).unwrap();
    assert_eq!(body["Answer"], 42, "an unknown event is kept as sent");
}

#[tokio::test]
async fn with_dedup_a_callback_failed_while_redis_was_down_is_appended_on_the_retry() {
    let Some(mut redis) = Redis::start() else {
        return;
    };
    let service = testing::recording(
        stream(&redis, "retry")
            .await
            .with_dedup(Duration::from_secs(600)),
    );
    redis.kill();
    testing::send(service.clone(), CallbackRequest::member_left())
        .await
        .assert_fail(503, ErrorCode::NOT_RECORDED);
    redis.spawn().unwrap();
    // The connection comes back at the first callback after Redis did, or the next.
    let deadline = Instant::now() + PATIENCE;
    while !testing::send(service.clone(), CallbackRequest::member_left())
        .await
        .answer
        .is_ok()
    {
        assert!(Instant::now() < deadline, "Redis never came back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    testing::send(service.clone(), CallbackRequest::member_left())
        .await
        .assert_ok();
    assert_eq!(redis.entries("retry").await.len(), 1, "appended once");
}

#[tokio::test]
async fn with_redis_stalled_a_callback_is_answered_record_timeout_after_the_wait() {
    let Some(redis) = Redis::start() else { return };
    let sink = stream(&redis, "stalled")
        .await
        .with_wait(Duration::from_millis(300));
    let service = testing::recording(sink);
    let pid = redis.pid();
    assert!(Command::new("kill")
        .args(["-STOP", &pid])
        .status()
        .unwrap()
        .success());
    let answer = testing::send(service.clone(), CallbackRequest::member_left()).await;
    assert!(Command::new("kill")
        .args(["-CONT", &pid])
        .status()
        .unwrap()
        .success());
    answer.assert_fail(503, ErrorCode::RECORD_TIMEOUT);
    testing::send(service, CallbackRequest::member_entered())
        .await
        .assert_ok();
}

/// Appends member-leave events `range` with `stream`, directly through the sink.
async fn append(stream: &RedisStream, range: std::ops::Range<usize>) {
    let context = testing::context("Room.CallbackAfterMemberLeave");
    for i in range {
        let event = Event::decode("Room.CallbackAfterMemberLeave", &member_left(i)).unwrap();
        stream
            .record(Record::new(&event, &context))
            .await
            .unwrap_or_else(|error| panic!("{error}"));
    }
}

impl Redis {
    /// Creates consumer group `group` of `stream` at its start (the stream too).
    async fn group(&self, stream: &str, group: &str) {
        redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(stream)
            .arg(group)
            .arg("0")
            .arg("MKSTREAM")
            .query_async::<()>(&mut self.connection().await)
            .await
            .unwrap();
    }

    /// `count` new entries delivered to `group`, of which the first `acknowledged` are
    /// acknowledged: the rest stay pending.
    async fn read(&self, stream: &str, group: &str, count: usize, acknowledged: usize) {
        let mut connection = self.connection().await;
        let reply: Vec<(String, Vec<Entry>)> = redis::cmd("XREADGROUP")
            .arg("GROUP")
            .arg(group)
            .arg("reader")
            .arg("COUNT")
            .arg(count)
            .arg("STREAMS")
            .arg(stream)
            .arg(">")
            .query_async(&mut connection)
            .await
            .unwrap();
        let ids: Vec<String> = reply[0].1.iter().map(|(id, _)| id.clone()).collect();
        assert_eq!(ids.len(), count, "{count} entries to read");
        if acknowledged > 0 {
            redis::cmd("XACK")
                .arg(stream)
                .arg(group)
                .arg(&ids[..acknowledged])
                .query_async::<()>(&mut connection)
                .await
                .unwrap();
        }
    }
}

#[tokio::test]
async fn by_default_appends_never_trim_the_stream() {
    let Some(redis) = Redis::start() else { return };
    // A group that reads nothing: each entry is unread.
    redis.group("untrimmed", "workers").await;
    append(&stream(&redis, "untrimmed").await, 0..300).await;
    let entries = redis.entries("untrimmed").await;
    assert_eq!(entries.len(), 300, "every entry kept");
    assert_eq!(room_of(&entries[0]), "room-0");
}

#[tokio::test]
async fn with_trim_only_the_entries_every_group_acknowledged_are_removed() {
    let Some(redis) = Redis::start() else { return };
    redis.group("trimmed", "fast").await;
    redis.group("trimmed", "slow").await;
    append(&stream(&redis, "trimmed").await, 0..400).await;
    let before = redis.entries("trimmed").await;
    // `fast` acknowledged everything; `slow` read 250 and acknowledged 200 of them.
    redis.read("trimmed", "fast", 400, 400).await;
    redis.read("trimmed", "slow", 250, 200).await;
    let trimming = stream(&redis, "trimmed").await.with_trim(1);
    append(&trimming, 400..401).await;
    // The trim follows the append in a task of its own.
    let mut after = redis.entries("trimmed").await;
    for _ in 0..100 {
        if after.len() < 400 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = redis.entries("trimmed").await;
    }
    assert!(
        after.len() < 400,
        "the entries both groups acknowledged were trimmed: {} left",
        after.len()
    );
    let kept: HashSet<&String> = after.iter().map(|(id, _)| id).collect();
    let missing: Vec<usize> = (200..400)
        .filter(|&i| !kept.contains(&before[i].0))
        .collect();
    assert!(
        missing.is_empty(),
        "entries `slow` has not acknowledged were removed: {missing:?}"
    );
    assert_eq!(redis.pending("trimmed", "slow").await, 50);
}

#[tokio::test]
async fn with_trim_a_group_that_read_nothing_keeps_every_entry() {
    let Some(redis) = Redis::start() else { return };
    redis.group("idle-group", "fast").await;
    redis.group("idle-group", "idle").await;
    append(&stream(&redis, "idle-group").await, 0..300).await;
    redis.read("idle-group", "fast", 300, 300).await;
    append(&stream(&redis, "idle-group").await.with_trim(1), 300..301).await;
    // The trim follows the append in a task of its own: time for it to have run.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(redis.entries("idle-group").await.len(), 301);
}

#[tokio::test]
async fn past_the_high_water_mark_callbacks_are_answered_503_until_the_workers_catch_up() {
    let Some(redis) = Redis::start() else { return };
    redis.group("high-water", "workers").await;
    let sink = stream(&redis, "high-water").await.with_high_water(20);
    let service = testing::recording(sink.clone());
    let mut answered_ok = HashSet::new();
    for i in 0..30 {
        let request = CallbackRequest::member_left().body(member_left(i));
        let answer = testing::send(service.clone(), request).await;
        if answer.answer.is_ok() {
            answered_ok.insert(format!("room-{i}"));
        } else {
            answer.assert_fail(503, ErrorCode::NOT_RECORDED);
        }
    }
    assert_eq!(answered_ok.len(), 20, "OK up to the mark, 503 past it");
    let in_stream: HashSet<String> = rooms(&redis.entries("high-water").await)
        .into_keys()
        .collect();
    assert_eq!(in_stream, answered_ok, "exactly the callbacks answered OK");

    // The refusal says why, typed.
    let event = Event::decode("Room.CallbackAfterMemberLeave", &member_left(99)).unwrap();
    let context = testing::context("Room.CallbackAfterMemberLeave");
    let Err(RecordError::Failed(error)) = sink.record(Record::new(&event, &context)).await else {
        panic!("refused at the mark");
    };
    let full = error.downcast_ref::<BacklogFull>().expect("a BacklogFull");
    assert_eq!((full.backlog(), full.high_water()), (20, 20));

    // The workers acknowledge ten: appends resume.
    redis.read("high-water", "workers", 10, 10).await;
    let request = CallbackRequest::member_left().body(member_left(30));
    testing::send(service, request).await.assert_ok();
    assert_eq!(redis.entries("high-water").await.len(), 21);
}

#[tokio::test]
async fn with_the_high_water_mark_unacknowledged_pending_entries_count_as_backlog() {
    let Some(redis) = Redis::start() else { return };
    redis.group("pending-backlog", "workers").await;
    let sink = stream(&redis, "pending-backlog").await.with_high_water(10);
    append(&sink, 0..10).await;
    // Read, never acknowledged: still owed.
    redis.read("pending-backlog", "workers", 10, 0).await;
    let event = Event::decode("Room.CallbackAfterMemberLeave", &member_left(10)).unwrap();
    let context = testing::context("Room.CallbackAfterMemberLeave");
    let refused = sink.record(Record::new(&event, &context)).await;
    assert!(
        matches!(refused, Err(RecordError::Failed(_))),
        "{refused:?}"
    );
    assert_eq!(redis.entries("pending-backlog").await.len(), 10);
}

#[tokio::test]
async fn debug_shows_the_stream_and_its_settings_never_the_url() {
    let Some(redis) = Redis::start_with(&["--requirepass", "s3cret-pass"]) else {
        return;
    };
    let url = format!("redis://:s3cret-pass@127.0.0.1:{}", redis.port);
    let stream = RedisStream::open(&url, "room-callbacks")
        .await
        .unwrap()
        .with_dedup(Duration::from_secs(600));
    let debug = format!("{stream:?}");
    assert!(debug.contains("\"room-callbacks\""), "{debug}");
    assert!(debug.contains("room-callbacks:dedup:"), "{debug}");
    assert!(debug.contains("1000000"), "{debug}");
    assert!(!debug.contains("s3cret"), "{debug}");
    assert!(!debug.contains("127.0.0.1"), "{debug}");
}

// ---------------------------------------------------------------------------------------
// The worker, examples/consume.rs

/// A worker process; killed when dropped.
struct Consumer {
    child: tokio::process::Child,
    /// The entry IDs it printed, one per event processed.
    processed: tokio::sync::mpsc::UnboundedReceiver<String>,
    /// Its log lines.
    logs: tokio::sync::mpsc::UnboundedReceiver<String>,
}

impl Consumer {
    fn start(redis: &Redis, stream: &str, name: &str, env: &[(&str, &str)]) -> Self {
        Self::start_on(&redis.url, stream, name, env)
    }

    /// A worker on the Redis at `url`.
    fn start_on(url: &str, stream: &str, name: &str, env: &[(&str, &str)]) -> Self {
        let mut child = tokio::process::Command::new(example_binary("consume"))
            .env("ROOM_WEBHOOK_REDIS_URL", url)
            .env("ROOM_WEBHOOK_STREAM", stream)
            .env("ROOM_WEBHOOK_GROUP", "workers")
            .env("ROOM_WEBHOOK_CONSUMER", name)
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let (sender, processed) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok(Some(line)) = stdout.next_line().await {
                let id = line.split(' ').next().unwrap_or_default().to_owned();
                let _ = sender.send(id);
            }
        });
        let name = name.to_owned();
        let (log, logs) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                eprintln!("[consumer {name}] {line}");
                let _ = log.send(line);
            }
        });
        Self {
            child,
            processed,
            logs,
        }
    }

    /// Waits for a log line at `level` that contains `text`.
    async fn logged(&mut self, level: &str, text: &str) -> String {
        tokio::time::timeout(PATIENCE, async {
            while let Some(line) = self.logs.recv().await {
                let line = common::plain(&line);
                if line.contains(level) && line.contains(text) {
                    return line;
                }
            }
            panic!("the consumer exited before logging {level} {text:?}");
        })
        .await
        .unwrap_or_else(|_| panic!("no {level} line with {text:?} in time"))
    }

    /// SIGTERM, a clean exit, and the entry IDs it printed before it.
    async fn stop(mut self) -> Vec<String> {
        let mut processed = std::mem::replace(
            &mut self.processed,
            tokio::sync::mpsc::unbounded_channel().1,
        );
        assert_eq!(self.terminate().await, Some(0), "clean exit on SIGTERM");
        let mut rest = Vec::new();
        while let Some(id) = processed.recv().await {
            rest.push(id);
        }
        rest
    }

    /// The next entry ID it processed.
    async fn next(&mut self) -> String {
        tokio::time::timeout(PATIENCE, self.processed.recv())
            .await
            .expect("the consumer processed an entry in time")
            .expect("the consumer is running")
    }

    /// SIGKILL, as a crash: whatever it read and did not acknowledge stays pending.
    async fn kill(mut self) -> Vec<String> {
        self.child.kill().await.unwrap();
        let mut rest = Vec::new();
        while let Some(id) = self.processed.recv().await {
            rest.push(id);
        }
        rest
    }

    /// SIGTERM: the worker stops after the entry in hand, with status 0.
    async fn terminate(mut self) -> Option<i32> {
        let pid = self.child.id().unwrap().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        tokio::time::timeout(PATIENCE, self.child.wait())
            .await
            .expect("exits after SIGTERM")
            .unwrap()
            .code()
    }
}

/// `count` events appended to `name`, and their entry IDs.
async fn fill(redis: &Redis, name: &str, count: usize) -> HashSet<String> {
    let stream = stream(redis, name).await;
    let context = testing::context("Room.CallbackAfterMemberLeave");
    for i in 0..count {
        let event = Event::decode("Room.CallbackAfterMemberLeave", &member_left(i)).unwrap();
        stream
            .record(Record::new(&event, &context))
            .await
            .unwrap_or_else(|error| panic!("{error}"));
    }
    let ids: HashSet<String> = redis
        .entries(name)
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids.len(), count);
    ids
}

/// Starts a slow consumer that reads the whole stream in one batch, lets it process two
/// entries, and kills it: the rest of its batch is pending. Returns what it processed.
async fn crash_mid_batch(redis: &Redis, name: &str, count: usize) -> HashSet<String> {
    let batch = count.to_string();
    let mut crashing = Consumer::start(
        redis,
        name,
        "crashing",
        &[
            ("ROOM_WEBHOOK_BATCH", batch.as_str()),
            ("ROOM_WEBHOOK_WORK_DELAY_MS", "1000"),
            ("ROOM_WEBHOOK_MIN_IDLE_MS", "600000"),
        ],
    );
    let mut processed: HashSet<String> = HashSet::new();
    processed.insert(crashing.next().await);
    processed.insert(crashing.next().await);
    processed.extend(crashing.kill().await);
    let pending = redis.pending(name, "workers").await;
    assert!(
        pending > 0 && pending < count as u64,
        "killed mid-batch: {pending} of {count} pending"
    );
    processed
}

/// Reads what `consumer` processes until every entry was processed by someone and none
/// is pending, then stops it with SIGTERM.
async fn finish(
    redis: &Redis,
    name: &str,
    mut consumer: Consumer,
    mut processed: HashSet<String>,
    ids: &HashSet<String>,
) {
    while !ids.is_subset(&processed) {
        processed.insert(consumer.next().await);
    }
    let deadline = Instant::now() + PATIENCE;
    while redis.pending(name, "workers").await > 0 {
        assert!(Instant::now() < deadline, "entries stay pending");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(consumer.terminate().await, Some(0), "clean exit on SIGTERM");
    assert!(processed.is_subset(ids), "only entries of the stream");
    assert_eq!(redis.pending(name, "workers").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_killed_mid_batch_leaves_nothing_pending() {
    const COUNT: usize = 20;
    let Some(redis) = Redis::start() else { return };
    let ids = fill(&redis, "crash", COUNT).await;
    let processed = crash_mid_batch(&redis, "crash", COUNT).await;
    // Another worker, with a short minimum idle time, claims what the crashed one left.
    let rescuer = Consumer::start(
        &redis,
        "crash",
        "rescuer",
        &[("ROOM_WEBHOOK_MIN_IDLE_MS", "300")],
    );
    finish(&redis, "crash", rescuer, processed, &ids).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_restarted_under_its_name_first_finishes_what_it_left_pending() {
    const COUNT: usize = 20;
    let Some(redis) = Redis::start() else { return };
    let ids = fill(&redis, "restart-name", COUNT).await;
    let processed = crash_mid_batch(&redis, "restart-name", COUNT).await;
    // The same name, and no claiming from others: its own pending entries come first.
    let restarted = Consumer::start(
        &redis,
        "restart-name",
        "crashing",
        &[("ROOM_WEBHOOK_MIN_IDLE_MS", "600000")],
    );
    finish(&redis, "restart-name", restarted, processed, &ids).await;
}

/// The entry ID of each room of `stream`.
async fn ids_by_room(redis: &Redis, stream: &str) -> HashMap<String, String> {
    redis
        .entries(stream)
        .await
        .iter()
        .map(|entry| (room_of(entry), entry.0.clone()))
        .collect()
}

/// Waits until no entry of `stream` is pending in group `workers` and none is left to
/// deliver to it.
async fn all_acknowledged(redis: &Redis, stream: &str) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let groups: Vec<HashMap<String, redis::Value>> = redis::cmd("XINFO")
            .arg("GROUPS")
            .arg(stream)
            .query_async(&mut redis.connection().await)
            .await
            .unwrap();
        // Not there until the worker made it.
        let number = |name: &str| -> Option<i64> {
            redis::from_redis_value(groups.first()?.get(name)?).ok()
        };
        if number("pending") == Some(0) && number("lag") == Some(0) {
            return;
        }
        assert!(Instant::now() < deadline, "entries stay unacknowledged");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_moves_an_entry_that_failed_max_attempts_times_to_the_dead_letter_stream() {
    let Some(redis) = Redis::start() else { return };
    let ids = fill(&redis, "failing", 5).await;
    let rooms = ids_by_room(&redis, "failing").await;
    let failing = rooms["room-2"].clone();
    let consumer = Consumer::start(
        &redis,
        "failing",
        "worker",
        &[
            ("ROOM_WEBHOOK_FAIL_ROOM", "room-2"),
            ("ROOM_WEBHOOK_MAX_ATTEMPTS", "3"),
            ("ROOM_WEBHOOK_MIN_IDLE_MS", "100"),
        ],
    );
    all_acknowledged(&redis, "failing").await;
    let processed: HashSet<String> = consumer.stop().await.into_iter().collect();
    let mut expected = ids.clone();
    expected.remove(&failing);
    assert_eq!(processed, expected, "every other entry processed, once");

    let dead = redis.entries("failing:dead").await;
    assert_eq!(dead.len(), 1, "one dead letter");
    let letter = &dead[0];
    assert_eq!(text(letter, "entry"), Some(failing));
    assert_eq!(text(letter, "attempts").as_deref(), Some("3"));
    assert_eq!(text(letter, "group").as_deref(), Some("workers"));
    assert_eq!(text(letter, "stream").as_deref(), Some("failing"));
    assert!(text(letter, "error").unwrap().contains("room-2"));
    let original = redis
        .entries("failing")
        .await
        .into_iter()
        .find(|(id, _)| *id == rooms["room-2"])
        .expect("the entry stays in the stream");
    for field in ["command", "delivery", "event"] {
        assert_eq!(
            letter.1.get(field),
            original.1.get(field),
            "the original {field}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_delivered_more_than_max_attempts_times_is_dead_lettered_unprocessed() {
    let Some(redis) = Redis::start() else { return };
    redis.group("poison", "workers").await;
    let ids = fill(&redis, "poison", 3).await;
    let rooms = ids_by_room(&redis, "poison").await;
    // Delivered to a worker that is gone, nine times so far, as workers that crashed on it.
    redis.read("poison", "workers", 3, 0).await;
    let _: redis::Value = redis::cmd("XCLAIM")
        .arg("poison")
        .arg("workers")
        .arg("reader")
        .arg(0)
        .arg(&rooms["room-0"])
        .arg("RETRYCOUNT")
        .arg(9)
        .query_async(&mut redis.connection().await)
        .await
        .unwrap();
    let consumer = Consumer::start(
        &redis,
        "poison",
        "worker",
        &[
            ("ROOM_WEBHOOK_MAX_ATTEMPTS", "5"),
            ("ROOM_WEBHOOK_MIN_IDLE_MS", "100"),
        ],
    );
    all_acknowledged(&redis, "poison").await;
    let processed: HashSet<String> = consumer.stop().await.into_iter().collect();
    let mut expected = ids.clone();
    expected.remove(&rooms["room-0"]);
    assert_eq!(processed, expected, "not processed again");
    let dead = redis.entries("poison:dead").await;
    assert_eq!(dead.len(), 1);
    assert_eq!(text(&dead[0], "entry").as_ref(), Some(&rooms["room-0"]));
    assert_eq!(text(&dead[0], "attempts").as_deref(), Some("10"));
    assert!(
        text(&dead[0], "error")
            .unwrap()
            .contains("delivered 10 times"),
        "{:?}",
        text(&dead[0], "error")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_processes_the_entries_of_one_delivery_once() {
    let Some(redis) = Redis::start() else { return };
    // Two replicas without de-duplication each appended the same delivery.
    let stream = stream(&redis, "deliveries").await;
    let context = testing::context("Room.CallbackAfterMemberLeave");
    let appends = [(0, true), (0, true), (1, true), (2, false), (2, false)];
    for (i, with_delivery) in appends {
        let body = member_left(i);
        let event = Event::decode("Room.CallbackAfterMemberLeave", &body).unwrap();
        let key = DeliveryKey::new(SdkAppId::new(APP), "Room.CallbackAfterMemberLeave", &body);
        let record = Record::new(&event, &context);
        let record = if with_delivery {
            record.delivery(&key)
        } else {
            record
        };
        stream.record(record).await.unwrap();
    }
    let entries = redis.entries("deliveries").await;
    assert_eq!(entries.len(), 5);
    let consumer = Consumer::start(&redis, "deliveries", "worker", &[]);
    all_acknowledged(&redis, "deliveries").await;
    let processed = consumer.stop().await;
    let expected: Vec<String> = [0, 2, 3, 4].iter().map(|&n| entries[n].0.clone()).collect();
    assert_eq!(
        processed, expected,
        "the delivery's second entry skipped; entries without a delivery each processed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_logs_an_error_for_each_claimed_entry_deleted_from_the_stream() {
    let Some(redis) = Redis::start() else { return };
    redis.group("deleted", "workers").await;
    let ids = fill(&redis, "deleted", 5).await;
    let rooms = ids_by_room(&redis, "deleted").await;
    // A worker that is gone read them all; then two were deleted (XDEL, or a MAXLEN trim).
    redis.read("deleted", "workers", 5, 0).await;
    let deleted = [rooms["room-1"].clone(), rooms["room-3"].clone()];
    let _: u64 = redis::cmd("XDEL")
        .arg("deleted")
        .arg(&deleted)
        .query_async(&mut redis.connection().await)
        .await
        .unwrap();
    let mut consumer = Consumer::start(
        &redis,
        "deleted",
        "worker",
        &[("ROOM_WEBHOOK_MIN_IDLE_MS", "100")],
    );
    for id in &deleted {
        consumer.logged("ERROR", id).await;
    }
    all_acknowledged(&redis, "deleted").await;
    let processed: HashSet<String> = consumer.stop().await.into_iter().collect();
    let expected: HashSet<String> = ids.difference(&deleted.into()).cloned().collect();
    assert_eq!(processed, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_whose_connection_stops_answering_reconnects_and_processes_new_entries() {
    let Some(redis) = Redis::start() else { return };
    let proxy = StallingProxy::start(([127, 0, 0, 1], redis.port).into()).await;
    let mut consumer = Consumer::start_on(&proxy.url(), "half-open", "worker", &[]);
    let sink = stream(&redis, "half-open").await;
    append(&sink, 0..1).await;
    let first = consumer.next().await;
    // The worker now waits in a blocking read on a connection that stops answering.
    proxy.stall();
    append(&sink, 1..3).await;
    let entries: HashSet<String> = redis
        .entries("half-open")
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    // The first entry's acknowledgement may have been caught in the stall: the worker then
    // finishes it again, as its own pending entry, before the new ones (at least once).
    let mut later = HashSet::new();
    while later.len() < 2 {
        let id = consumer.next().await;
        assert!(entries.contains(&id), "{id} is not in the stream");
        if id != first {
            later.insert(id);
        }
    }
    assert_eq!(&later | &[first].into(), entries);
    consumer.logged("INFO", "replaced a Redis connection").await;
    all_acknowledged(&redis, "half-open").await;
}

#[tokio::test]
async fn a_sink_whose_connection_stops_answering_answers_503_within_its_wait_then_records_again() {
    let Some(redis) = Redis::start() else { return };
    let proxy = StallingProxy::start(([127, 0, 0, 1], redis.port).into()).await;
    let sink = RedisStream::open(&proxy.url(), "sink-half-open")
        .await
        .unwrap()
        .with_wait(Duration::from_secs(1));
    let service = testing::recording(sink);
    let mut answered_ok = HashSet::new();
    let send = |i: usize| {
        let service = service.clone();
        async move {
            let request = CallbackRequest::member_left().body(member_left(i));
            tokio::time::timeout(PATIENCE, testing::send(service, request))
                .await
                .expect("answered, not hung")
        }
    };
    // Before: recorded through the proxy (a slow disk may take longer than the wait).
    let mut i = 0;
    let deadline = Instant::now() + PATIENCE;
    while !send(i).await.answer.is_ok() {
        assert!(Instant::now() < deadline, "never recorded");
        i += 1;
    }
    answered_ok.insert(format!("room-{i}"));
    if i > 0 {
        // A record that timed out started a new connection: let it land before the stall.
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    proxy.stall();
    i += 1;
    send(i).await.assert_fail(503, ErrorCode::RECORD_TIMEOUT);
    // A new connection replaces the one that stopped answering.
    let deadline = Instant::now() + PATIENCE;
    loop {
        i += 1;
        if send(i).await.answer.is_ok() {
            answered_ok.insert(format!("room-{i}"));
            break;
        }
        assert!(Instant::now() < deadline, "never recorded again");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let in_stream: HashSet<String> = rooms(&redis.entries("sink-half-open").await)
        .into_keys()
        .collect();
    assert!(
        answered_ok.is_subset(&in_stream),
        "answered OK but not in the stream: {:?}",
        answered_ok.difference(&in_stream)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_server_refuses_past_its_high_water_mark_and_gauges_the_backlog() {
    let Some(redis) = Redis::start() else { return };
    redis.group("gauged", "workers").await;
    let env = [
        ("ROOM_WEBHOOK_REDIS_URL", redis.url.as_str()),
        ("ROOM_WEBHOOK_STREAM", "gauged"),
        ("ROOM_WEBHOOK_HIGH_WATER", "5"),
        ("ROOM_WEBHOOK_RECORD_WAIT_MS", "10000"),
    ];
    let server = common::start_example("server", &env).await;
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let mut answered_ok = HashSet::new();
    for i in 0..8 {
        if post(&client, server.address, i).await {
            answered_ok.insert(format!("room-{i}"));
        }
    }
    assert_eq!(answered_ok.len(), 5, "OK up to the mark");
    let in_stream: HashSet<String> = rooms(&redis.entries("gauged").await).into_keys().collect();
    assert_eq!(in_stream, answered_ok);

    let uri = format!("http://{}/metrics", server.address);
    let response = client
        .request(Request::get(uri).body(Full::default()).unwrap())
        .await
        .unwrap();
    let text = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8(text.to_vec()).unwrap();
    assert!(
        text.contains("room_webhook_stream_backlog{stream=\"gauged\"} 5"),
        "{text}"
    );
    assert!(
        text.contains("room_webhook_refusals_total{code=\"50303\"} 3"),
        "{text}"
    );
}

#[tokio::test]
async fn by_default_an_entry_holds_its_command_its_delivery_and_its_event() {
    let Some(redis) = Redis::start() else { return };
    let service = testing::recording(stream(&redis, "lean").await);
    testing::send(service, CallbackRequest::member_left())
        .await
        .assert_ok();
    let entries = redis.entries("lean").await;
    let mut fields: Vec<&str> = entries[0].1.keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["command", "delivery", "event"]);
}
