//! The reference server over loopback, as an operator runs it: it answers OK only for
//! events written and flushed to standard output, whatever happens to standard output,
//! and holds its memory bound against clients that stall their uploads.
//!
//! The events on Redis (stopped and restarted, a consumer killed) are in `tests/stream.rs`.

use crate::common;

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, ChildStdout, Command};
use tokio::time::timeout;

use common::*;

const WAIT: Duration = Duration::from_secs(30);

struct Server {
    child: Child,
    address: SocketAddr,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Server {
    /// The reference server with its standard output on `stdout`, the wait for a line
    /// `record_wait_ms`.
    async fn start(stdout: Stdio, record_wait_ms: u64) -> Self {
        Self::start_logging(stdout, record_wait_ms, "info", true).await
    }

    /// The reference server logging at `log` (`RUST_LOG`); with `read_stderr` false,
    /// nobody reads its standard error once it said where it listens.
    async fn start_logging(
        stdout: Stdio,
        record_wait_ms: u64,
        log: &str,
        read_stderr: bool,
    ) -> Self {
        let mut child = Command::new(example_binary("server"))
            .env("ROOM_WEBHOOK_ADDR", "127.0.0.1:0")
            .env("ROOM_WEBHOOK_RECORD_WAIT_MS", record_wait_ms.to_string())
            .env("RUST_LOG", log)
            // A short queue of log lines: a few hundred callbacks fill it.
            .env("ROOM_WEBHOOK_LOG_LINES", "64")
            .env("NO_COLOR", "1")
            .env_remove("ROOM_WEBHOOK_TOKEN")
            .env_remove("ROOM_WEBHOOK_REDIS_URL")
            .stdout(stdout)
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let address = timeout(WAIT, async {
            while let Some(line) = stderr.next_line().await.unwrap() {
                if let Some((_, rest)) = plain(&line).split_once("listening on http://") {
                    let address = rest.split(|c: char| c.is_whitespace() || c == '/').next();
                    return address.unwrap().parse().unwrap();
                }
            }
            panic!("the server exited before listening");
        })
        .await
        .expect("the server says where it listens");
        if read_stderr {
            tokio::spawn(async move { while let Ok(Some(_)) = stderr.next_line().await {} });
        } else {
            // Kept open, never read: the pipe fills up.
            std::mem::forget(stderr);
        }
        Self {
            child,
            address,
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// Sends callback `n` (a destroy of room `room-n`, with a padding member of `pad`
    /// bytes) and reads the answer.
    async fn send(&self, n: usize, pad: usize) -> Answered {
        let body = json!({
            "CallbackCommand": "Room.CallbackAfterDestroyRoom",
            "RoomId": format!("room-{n}"),
            "EventTime": 1_700_000_000_000_u64 + n as u64,
            "Padding": "x".repeat(pad),
        });
        let uri = format!(
            "http://{}{}",
            self.address,
            callback_uri("Room.CallbackAfterDestroyRoom")
        );
        let request = post(&uri, serde_json::to_vec(&body).unwrap());
        let response = timeout(WAIT, self.client.request(request))
            .await
            .expect("answered in time")
            .unwrap();
        answered(response).await
    }

    /// Sends callbacks `numbers` at once; their answers, in order.
    async fn send_at_once(self: &Arc<Self>, numbers: std::ops::Range<usize>) -> Vec<Answered> {
        let sends: Vec<_> = numbers
            .map(|n| {
                let server = Arc::clone(self);
                tokio::spawn(async move { server.send(n, 0).await })
            })
            .collect();
        let mut answers = Vec::new();
        for send in sends {
            answers.push(send.await.unwrap());
        }
        answers
    }

    async fn healthz(&self) -> StatusCode {
        let uri = format!("http://{}/healthz", self.address);
        let request = Request::get(uri).body(Full::default()).unwrap();
        timeout(WAIT, self.client.request(request))
            .await
            .expect("/healthz answered in time")
            .unwrap()
            .status()
    }

    /// The server's peak resident memory, from `/proc`.
    fn peak_memory_kib(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.child.id().unwrap())).unwrap();
        let line = status
            .lines()
            .find(|line| line.starts_with("VmHWM:"))
            .unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
}

/// Reads the room of every event line until the line of `last` (included).
async fn rooms_until(
    stdout: &mut tokio::io::Lines<BufReader<ChildStdout>>,
    last: &str,
) -> Vec<String> {
    let mut rooms = Vec::new();
    loop {
        let line = timeout(WAIT, stdout.next_line())
            .await
            .expect("an event line in time")
            .unwrap()
            .expect("standard output open");
        if line.is_empty() {
            continue;
        }
        let line: Value = serde_json::from_str(&line).expect("whole lines of JSON");
        let room = line["event"]["RoomId"].as_str().unwrap().to_owned();
        let done = room == last;
        rooms.push(room);
        if done {
            return rooms;
        }
    }
}

#[tokio::test]
async fn with_standard_output_closed_no_callback_is_answered_ok() {
    let mut server = Server::start(Stdio::piped(), 1000).await;
    drop(server.child.stdout.take());
    let server = Arc::new(server);
    server.send(0, 0).await.assert_fail(503, 50303);
    for answer in server.send_at_once(1..50).await {
        answer.assert_fail(503, 50303);
    }
}

#[tokio::test]
async fn with_standard_output_on_a_full_disk_no_callback_is_answered_ok() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full, on Linux");
    let server = Arc::new(Server::start(Stdio::from(full), 1000).await);
    server.send(0, 0).await.assert_fail(503, 50303);
    for answer in server.send_at_once(1..50).await {
        answer.assert_fail(503, 50303);
    }
}

#[tokio::test]
async fn with_standard_output_stalled_callbacks_wait_then_answer_503_and_healthz_answers_at_once() {
    let mut server = Server::start(Stdio::piped(), 300).await;
    // Nobody reads standard output: once the pipe is full (64 KiB on Linux), writes block.
    let mut stdout = BufReader::new(server.child.stdout.take().unwrap()).lines();
    let mut answered_ok = Vec::new();
    let mut stalled = None;
    for n in 0..200 {
        let answer = server.send(n, 16 * 1024).await;
        if answer.status == StatusCode::OK {
            answered_ok.push(format!("room-{n}"));
        } else {
            stalled = Some(answer);
            break;
        }
    }
    let stalled = stalled.expect("standard output stalls once the pipe is full");
    stalled.assert_fail(503, 50304);
    // The runtime is not blocked: off the callback path, requests are answered at once.
    assert_eq!(server.healthz().await, StatusCode::OK);
    // The reader comes back: every callback answered OK is there, whole, and so is the
    // next one.
    let reader = tokio::spawn(async move {
        let rooms = rooms_until(&mut stdout, "room-1000").await;
        (rooms, stdout)
    });
    server.send(1000, 0).await.assert_ok();
    let (rooms, _stdout) = reader.await.unwrap();
    for room in &answered_ok {
        assert_eq!(
            rooms.iter().filter(|written| *written == room).count(),
            1,
            "{room} answered OK, written once"
        );
    }
}

#[tokio::test]
async fn stalled_uploads_are_refused_or_dropped_at_the_body_timeout_within_the_memory_bound() {
    const CLIENTS: usize = 200;
    const SENT: usize = 1024 * 1024 - 1024;
    let mut server = Server::start(Stdio::piped(), 1000).await;
    let mut stdout = BufReader::new(server.child.stdout.take().unwrap()).lines();
    let before = server.peak_memory_kib();
    let address = server.address;
    // Each client declares a body at the limit, sends all but the last kilobyte, and stops.
    let uploads: Vec<_> = (0..CLIENTS)
        .map(|_| {
            tokio::spawn(async move {
                let stream = TcpStream::connect(address).await.unwrap();
                let (mut reading, mut writing) = stream.into_split();
                let head = format!(
                    "POST {} HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    callback_uri("Room.CallbackAfterDestroyRoom"),
                    1024 * 1024
                );
                let writer = tokio::spawn(async move {
                    let _ = writing.write_all(head.as_bytes()).await;
                    let _ = writing.write_all(&vec![b' '; SENT]).await;
                    // Stalled: the connection stays open, the body unfinished.
                    std::future::pending::<()>().await;
                });
                let mut answer = Vec::new();
                let read = timeout(WAIT, async {
                    let mut buffer = [0; 1024];
                    loop {
                        match reading.read(&mut buffer).await {
                            Ok(0) | Err(_) => break,
                            Ok(read) => answer.extend_from_slice(&buffer[..read]),
                        }
                        if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"}") {
                            break;
                        }
                    }
                })
                .await;
                writer.abort();
                read.expect("a stalled upload is answered or dropped in time");
                String::from_utf8_lossy(&answer).into_owned()
            })
        })
        .collect();
    let mut timed_out = 0;
    let mut busy = 0;
    for upload in uploads {
        let answer = upload.await.unwrap();
        if answer.starts_with("HTTP/1.1 408") {
            assert!(answer.contains("\"ErrorCode\":40800"), "{answer}");
            timed_out += 1;
        } else if answer.starts_with("HTTP/1.1 503") {
            assert!(answer.contains("\"ErrorCode\":50302"), "{answer}");
            busy += 1;
        } else {
            assert!(answer.is_empty(), "answered, or dropped: {answer}");
        }
    }
    assert!(
        timed_out > 0,
        "some uploads were held until the body timeout"
    );
    assert!(busy > 0, "the uploads past the buffered limit were refused");
    let peak = server.peak_memory_kib();
    eprintln!(
        "{CLIENTS} stalled uploads: {timed_out} answered 408, {busy} answered 503; peak resident \
         memory {peak} KiB (before: {before} KiB)"
    );
    assert!(
        peak < 64 * 1024,
        "peak resident memory {peak} KiB (before the uploads {before} KiB), over 64 MiB"
    );
    // And the server answers Tencent's callbacks again.
    let reader = tokio::spawn(async move { rooms_until(&mut stdout, "room-1").await });
    server.send(1, 0).await.assert_ok();
    assert_eq!(reader.await.unwrap(), ["room-1"]);
}

#[tokio::test]
async fn the_reference_server_serves_its_metrics_on_get_metrics() {
    let mut server = Server::start(Stdio::piped(), 1000).await;
    let mut stdout = BufReader::new(server.child.stdout.take().unwrap()).lines();
    let reader = tokio::spawn(async move { rooms_until(&mut stdout, "room-7").await });
    server.send(7, 0).await.assert_ok();
    reader.await.unwrap();
    let uri = format!("http://{}/metrics", server.address);
    let request = Request::get(uri).body(Full::default()).unwrap();
    let response = server.client.request(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8(text.to_vec()).unwrap();
    assert!(
        text.contains(
            "room_webhook_callbacks_total{command=\"Room.CallbackAfterDestroyRoom\",outcome=\"ok\"} 1"
        ),
        "{text}"
    );
    assert!(
        text.contains("room_webhook_handler_duration_seconds"),
        "{text}"
    );
}

#[tokio::test]
async fn with_standard_error_stalled_every_callback_is_answered_and_the_dropped_lines_counted() {
    // Every callback logs a line at debug: the unread pipe (64 KiB) and the writer's
    // queue (64 lines) fill up within the first few hundred callbacks.
    let mut server = Server::start_logging(Stdio::piped(), 1000, "debug", false).await;
    let mut stdout = BufReader::new(server.child.stdout.take().unwrap()).lines();
    let server = Arc::new(server);
    const CALLBACKS: usize = 3000;
    let reader = tokio::spawn(async move {
        let mut rooms = std::collections::HashSet::new();
        while rooms.len() < CALLBACKS {
            let line = timeout(WAIT, stdout.next_line())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            let line: Value = serde_json::from_str(&line).expect("whole lines of JSON");
            rooms.insert(line["event"]["RoomId"].as_str().unwrap().to_owned());
        }
        rooms.len()
    });
    for first in (0..CALLBACKS).step_by(50) {
        for (n, answer) in (first..).zip(server.send_at_once(first..first + 50).await) {
            assert_eq!(answer.status, StatusCode::OK, "callback {n}: {answer:?}");
        }
    }
    assert_eq!(
        reader.await.unwrap(),
        CALLBACKS,
        "every OK on standard output"
    );
    assert_eq!(server.healthz().await, StatusCode::OK);
    let dropped = timeout(WAIT, async {
        loop {
            let uri = format!("http://{}/metrics", server.address);
            let request = Request::get(uri).body(Full::default()).unwrap();
            let response = server.client.request(request).await.unwrap();
            let text = response.into_body().collect().await.unwrap().to_bytes();
            let text = String::from_utf8(text.to_vec()).unwrap();
            let dropped = text
                .lines()
                .find(|line| line.starts_with("room_webhook_log_lines_dropped_total"))
                .and_then(|line| line.split_whitespace().last()?.parse::<f64>().ok());
            if let Some(dropped) = dropped.filter(|dropped| *dropped > 0.0) {
                return dropped;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await
    .expect("the dropped lines are counted");
    eprintln!("{CALLBACKS} callbacks answered OK with standard error stalled; {dropped} log lines dropped");
}
