//! Helpers shared by the behaviour tests.
#![allow(dead_code)]

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body::{Body, Frame, SizeHint};
use http_body_util::Full;
use serde_json::Value;
use tencent_room_webhook::event::{ChatEvent, LiveEvent};
use tencent_room_webhook::handler::{ChatHandler, ChatReply, LiveHandler, LiveReply};
use tencent_room_webhook::testing::{self, CallbackRequest};
use tencent_room_webhook::{CallbackContext, Event, HandlerError, HandlerResult, RoomHandler};

/// The demo SDKAppID every test configures.
pub const APP: u64 = 1400000000;

/// The six Room callback commands, as the protocol names them.
pub const COMMANDS: [&str; 6] = [
    "Room.CallbackAfterCreateRoom",
    "Room.CallbackAfterDestroyRoom",
    "Room.CallbackAfterUpdateRoomInfo",
    "Room.CallbackAfterMemberEnter",
    "Room.CallbackAfterMemberLeave",
    "Mic.CallbackAfterSeatInfoChanged",
];

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn fixture(relative: &str) -> Vec<u8> {
    let path = fixtures_dir().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every callback body under `tests/fixtures/room` and `tests/fixtures/drift`, so that a
/// new fixture is tested without new code.
pub fn callback_fixtures() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for folder in ["room", "drift"] {
        let dir = fixtures_dir().join(folder);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let name = format!("{folder}/{}", path.file_name().unwrap().to_string_lossy());
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    assert!(out.len() >= 10, "fixtures missing: {out:?}");
    out
}

/// The `CallbackCommand` of a body.
pub fn command_of(body: &[u8]) -> String {
    let value: Value = serde_json::from_slice(body).unwrap();
    value["CallbackCommand"].as_str().unwrap().to_owned()
}

/// The query Tencent appends, for `command` of the demo app, from the test kit.
pub fn callback_uri(command: &str) -> String {
    CallbackRequest::new(command, "")
        .platform("Web")
        .path_and_query()
}

pub fn post(uri: &str, body: impl Into<Bytes>) -> Request<Full<Bytes>> {
    let body = body.into();
    Request::post(uri)
        .header("content-type", "application/json")
        .header("content-length", body.len())
        .body(Full::new(body))
        .unwrap()
}

/// A request for a fixture, as Tencent sends it.
pub fn fixture_request(relative: &str) -> Request<Full<Bytes>> {
    let body = fixture(relative);
    post(&callback_uri(&command_of(&body)), body)
}

/// A Tencent answer, checked for its form: JSON content type and exactly the three fields.
#[derive(Debug)]
pub struct Answered {
    pub status: StatusCode,
    pub action_status: String,
    pub code: i64,
    pub info: String,
    pub headers: http::HeaderMap,
}

/// Reads the answer with the test kit, which checks its form: JSON content type, exactly
/// the three fields, OK with code 0 or FAIL with another.
pub async fn answered<B>(response: Response<B>) -> Answered
where
    B: Body,
    B::Error: std::fmt::Debug,
{
    let read = testing::read_answer(response).await;
    Answered {
        status: read.status,
        action_status: read.answer.action_status().to_owned(),
        code: read.answer.error_code().get().into(),
        info: read.answer.error_info().to_owned(),
        headers: read.headers,
    }
}

impl Answered {
    pub fn assert_ok(&self) {
        assert_eq!(
            (self.status, self.action_status.as_str(), self.code),
            (StatusCode::OK, "OK", 0),
            "{self:?}"
        );
    }

    pub fn assert_fail(&self, status: u16, code: i64) {
        assert_eq!(
            (self.status.as_u16(), self.action_status.as_str(), self.code),
            (status, "FAIL", code),
            "{self:?}"
        );
    }
}

/// A handler that records what it receives and answers OK.
#[derive(Clone, Default)]
pub struct Recorder {
    pub events: Arc<Mutex<Vec<(Event, CallbackContext)>>>,
}

impl Recorder {
    pub fn take(&self) -> Vec<(Event, CallbackContext)> {
        std::mem::take(&mut *self.events.lock().unwrap())
    }
}

impl RoomHandler for Recorder {
    async fn handle(&self, event: Event, context: &CallbackContext) -> HandlerResult {
        self.events.lock().unwrap().push((event, context.clone()));
        Ok(())
    }
}

/// The Live family too, recorded as `Event::Live`; gifts and messages allowed.
impl LiveHandler for Recorder {
    async fn handle(
        &self,
        event: LiveEvent,
        context: &CallbackContext,
    ) -> Result<LiveReply, HandlerError> {
        let event = Event::Live(event);
        self.events.lock().unwrap().push((event, context.clone()));
        Ok(LiveReply::Done)
    }
}

/// The Chat families too, recorded as `Event::Chat`; every request allowed.
impl ChatHandler for Recorder {
    async fn handle(
        &self,
        event: ChatEvent,
        context: &CallbackContext,
    ) -> Result<ChatReply, HandlerError> {
        let event = Event::Chat(event);
        self.events.lock().unwrap().push((event, context.clone()));
        Ok(ChatReply::Done)
    }
}

type InnerFuture = std::future::Ready<Result<Response<Full<Bytes>>, Infallible>>;

/// The inner app: answers 200 `inner` to anything.
pub fn inner_app<B>() -> tower::util::ServiceFn<fn(Request<B>) -> InnerFuture> {
    fn answer<B>(_request: Request<B>) -> InnerFuture {
        std::future::ready(Ok(Response::new(Full::new(Bytes::from_static(b"inner")))))
    }
    tower::service_fn(answer::<B>)
}

/// A body that streams `chunks` frames of `chunk` bytes with no declared length, and
/// records whether it was polled and how many bytes it gave.
#[derive(Clone)]
pub struct ProbeBody {
    chunk: Bytes,
    remaining: usize,
    pub polled: Arc<AtomicBool>,
    pub given: Arc<AtomicUsize>,
}

impl ProbeBody {
    pub fn new(chunk: impl Into<Bytes>, chunks: usize) -> Self {
        Self {
            chunk: chunk.into(),
            remaining: chunks,
            polled: Arc::default(),
            given: Arc::default(),
        }
    }
}

impl Body for ProbeBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.polled.store(true, Ordering::SeqCst);
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        self.remaining -= 1;
        self.given.fetch_add(self.chunk.len(), Ordering::SeqCst);
        Poll::Ready(Some(Ok(Frame::data(self.chunk.clone()))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// The binary of example `name`, built by `cargo test` beside the test binaries.
pub fn example_binary(name: &str) -> PathBuf {
    // target/<profile>/deps/<this test> -> target/<profile>/examples/<name>
    let test = std::env::current_exe().unwrap();
    let profile = test.parent().and_then(|deps| deps.parent()).unwrap();
    let binary = profile
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: run `cargo test` (which builds the examples) or `cargo build --examples`",
        binary.display()
    );
    binary
}

/// Drops ANSI colour sequences from a log line.
pub fn plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// An example started as its own process on a free loopback port: killed when dropped.
pub struct RunningExample {
    pub child: tokio::process::Child,
    pub address: std::net::SocketAddr,
    pub stdout: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
}

/// Starts example `name` with `ROOM_WEBHOOK_ADDR=127.0.0.1:0` (and no token from the
/// environment unless `env` gives one), and waits for its `listening on http://ADDR` line.
pub async fn start_example(name: &str, env: &[(&str, &str)]) -> RunningExample {
    use tokio::io::AsyncBufReadExt;

    let mut child = tokio::process::Command::new(example_binary(name))
        .env("ROOM_WEBHOOK_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .env_remove("ROOM_WEBHOOK_TOKEN")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stderr = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let address = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while let Some(line) = stderr.next_line().await.unwrap() {
            let line = plain(&line);
            if let Some((_, rest)) = line.split_once("listening on http://") {
                let address = rest.split(|c: char| c.is_whitespace() || c == '/').next();
                return address.unwrap().parse().unwrap();
            }
        }
        panic!("{name} exited before listening");
    })
    .await
    .unwrap_or_else(|_| panic!("{name} did not say where it listens"));
    // Keep draining the logs so that the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = stderr.next_line().await {} });
    RunningExample {
        stdout: tokio::io::BufReader::new(child.stdout.take().unwrap()).lines(),
        child,
        address,
    }
}

/// A tower service served with hyper 1 on a loopback port, one task per connection;
/// stopped when dropped.
pub struct LoopbackServer {
    pub address: std::net::SocketAddr,
    /// Connections accepted so far.
    pub accepted: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn serve_loopback<S, B>(service: S) -> LoopbackServer
where
    S: tower::Service<Request<hyper::body::Incoming>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    let task = tokio::spawn(async move {
        loop {
            // Under load an accept may fail (too many open files): keep serving.
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            let service = hyper_util::service::TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    LoopbackServer {
        address,
        accepted,
        task,
    }
}

/// How the first delivery of a de-duplication scenario ends, after 400 ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirstEnds {
    Failing,
    Panicking,
}

/// A handler whose first delivery takes 400 ms and then fails or panics; every later one
/// is handled at once. Counts the deliveries it handled.
#[derive(Clone)]
pub struct SlowFirst {
    pub ends: FirstEnds,
    pub calls: Arc<AtomicUsize>,
    pub handled: Arc<AtomicUsize>,
}

impl SlowFirst {
    pub fn new(ends: FirstEnds) -> Self {
        Self {
            ends,
            calls: Arc::default(),
            handled: Arc::default(),
        }
    }
}

impl RoomHandler for SlowFirst {
    async fn handle(&self, _: Event, _: &CallbackContext) -> HandlerResult {
        if self.calls.fetch_add(1, Ordering::SeqCst) == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
            match self.ends {
                FirstEnds::Failing => return Err(HandlerError::new(3, "not stored")),
                FirstEnds::Panicking => panic!("the first delivery panics"),
            }
        }
        self.handled.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// Tencent's retry of a slow first delivery: the same callback 100 ms after the first,
/// whose delivery then fails or panics. The duplicate must not be answered OK while the
/// first may still fail; once the first failed, the next retry is handled. In every case no
/// callback answered OK goes unhandled.
pub async fn a_duplicate_of_a_pending_delivery_is_never_answered_ok<S, B>(
    service: S,
    handler: SlowFirst,
) where
    S: tower::Service<Request<Full<Bytes>>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: std::fmt::Debug + Send,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: std::fmt::Debug,
{
    let request = CallbackRequest::member_left();
    let first = tokio::spawn(testing::send(service.clone(), request.clone()));
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let duplicate = testing::send(service.clone(), request.clone()).await;
    duplicate.assert_fail(503, tencent_room_webhook::ErrorCode::DELIVERY_PENDING);
    let first = first.await.unwrap();
    assert!(!first.answer.is_ok(), "the first delivery failed: {first}");
    assert_eq!(handler.handled.load(Ordering::SeqCst), 0);
    testing::send(service, request).await.assert_ok();
    assert_eq!(
        handler.handled.load(Ordering::SeqCst),
        1,
        "the retry was handled"
    );
}

/// A TCP proxy on a loopback port to `target` whose connections can be made to stop
/// answering: a stalled connection stays open and forwards nothing either way, as a peer
/// that hangs or a NAT that forgot the connection (the kernel still acknowledges what is
/// sent, so TCP sees nothing wrong). Connections opened after a stall forward as usual.
/// Stopped when dropped.
pub struct StallingProxy {
    pub address: std::net::SocketAddr,
    connections: Arc<Mutex<Vec<Arc<AtomicBool>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for StallingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl StallingProxy {
    pub async fn start(target: std::net::SocketAddr) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let connections: Arc<Mutex<Vec<Arc<AtomicBool>>>> = Arc::default();
        let opened = connections.clone();
        let task = tokio::spawn(async move {
            // Aborted with the proxy's task, so that every connection closes with it.
            let mut pumps = tokio::task::JoinSet::new();
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = tokio::net::TcpStream::connect(target).await else {
                    continue;
                };
                let stalled = Arc::new(AtomicBool::new(false));
                opened.lock().unwrap().push(stalled.clone());
                let (from_client, to_client) = client.into_split();
                let (from_server, to_server) = server.into_split();
                pumps.spawn(pump(from_client, to_server, stalled.clone()));
                pumps.spawn(pump(from_server, to_client, stalled));
            }
        });
        Self {
            address,
            connections,
            task,
        }
    }

    /// The proxy's address as a Redis URL.
    pub fn url(&self) -> String {
        format!("redis://{}", self.address)
    }

    /// Every connection open now stops forwarding, for good.
    pub fn stall(&self) {
        for stalled in self.connections.lock().unwrap().iter() {
            stalled.store(true, Ordering::SeqCst);
        }
    }
}

/// Copies `from` to `to` until either closes; once `stalled`, reads on and forwards
/// nothing more.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    stalled: Arc<AtomicBool>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let mut buffer = vec![0; 16 * 1024];
    loop {
        match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(_) if stalled.load(Ordering::SeqCst) => {}
            Ok(read) => {
                if to.write_all(&buffer[..read]).await.is_err() {
                    return;
                }
            }
        }
    }
}
