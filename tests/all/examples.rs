//! The examples, run as the processes a user starts, over a real loopback socket with a
//! real HTTP client: the contract through the reference server, one line of JSON per
//! event on standard output, graceful shutdown.
//!
//! `cargo test` builds the examples before it runs this file; the binaries are found
//! beside the test's own.

use crate::common;

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use tencent_room_webhook::verify::sign;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use tokio::time::timeout;

use common::*;

const WAIT: Duration = Duration::from_secs(30);

/// An example running as its own process (`tests/all/moderation.rs` runs one too).
pub(crate) struct Example {
    child: Child,
    address: SocketAddr,
    /// Its standard output, one event line a callback.
    pub(crate) stdout: Lines<BufReader<ChildStdout>>,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Example {
    pub(crate) async fn start(name: &str, env: &[(&str, &str)]) -> Self {
        let RunningExample {
            child,
            address,
            stdout,
        } = start_example(name, env).await;
        Self {
            stdout,
            child,
            address,
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// Sends `request` (its path and query) to the example.
    async fn request(&self, request: Request<Full<Bytes>>) -> Response<Incoming> {
        let (mut parts, body) = request.into_parts();
        parts.uri = format!("http://{}{}", self.address, parts.uri)
            .parse()
            .unwrap();
        self.client
            .request(Request::from_parts(parts, body))
            .await
            .unwrap()
    }

    async fn send(&self, request: Request<Full<Bytes>>) -> Answered {
        answered(self.request(request).await).await
    }

    async fn get(&self, path: &str) -> (StatusCode, Bytes) {
        let uri = format!("http://{}{path}", self.address);
        let response = self
            .client
            .request(Request::get(uri).body(Full::default()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        (
            status,
            response.into_body().collect().await.unwrap().to_bytes(),
        )
    }

    async fn next_event_line(&mut self) -> Value {
        let line = timeout(WAIT, self.stdout.next_line())
            .await
            .expect("an event line in time")
            .unwrap()
            .expect("stdout open");
        let mut line: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("not one JSON line: {line:?}: {e}"));
        let delivery = line["delivery"]
            .as_str()
            .expect("every line names its delivery");
        assert!(delivery.starts_with("1400000000:"), "{delivery}");
        line["event"].take()
    }

    /// Sends SIGTERM and returns the exit code.
    async fn terminate(mut self) -> Option<i32> {
        let pid = self.child.id().unwrap().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .unwrap();
        assert!(status.success());
        timeout(WAIT, self.child.wait())
            .await
            .expect("exits after SIGTERM")
            .unwrap()
            .code()
    }
}

/// A fixture's body as the server should print it: the same members and values.
fn as_printed(relative: &str) -> Value {
    let event = tencent_room_webhook::Event::from_json(&fixture(relative)).unwrap();
    serde_json::to_value(event).unwrap()
}

#[tokio::test]
async fn the_reference_server_prints_the_destroy_event_and_answers_ok() {
    let mut server = Example::start("server", &[]).await;
    server
        .send(fixture_request("room/after_destroy_room.json"))
        .await
        .assert_ok();
    let line = server.next_event_line().await;
    assert_eq!(line, as_printed("room/after_destroy_room.json"));
    assert_eq!(line["RoomId"], "tandy-test-rest");
    assert_eq!(
        server.terminate().await,
        Some(0),
        "graceful exit on SIGTERM"
    );
}

#[tokio::test]
async fn the_reference_server_prints_one_line_per_fixture_in_order() {
    let mut server = Example::start("server", &[]).await;
    for (name, body) in callback_fixtures() {
        let command = command_of(&body);
        server
            .send(post(&callback_uri(&command), body))
            .await
            .assert_ok();
        let line = server.next_event_line().await;
        assert_eq!(line, as_printed(&name), "{name}");
    }
}

#[tokio::test]
async fn the_reference_server_holds_every_refusal_row_of_the_contract() {
    let mut server = Example::start("server", &[]).await;
    let destroy = fixture("room/after_destroy_room.json");
    let uri = callback_uri("Room.CallbackAfterDestroyRoom");

    let get = Request::get(&uri).body(Full::default()).unwrap();
    let answer = server.send(get).await;
    answer.assert_fail(405, 40500);
    assert_eq!(answer.headers["allow"], "POST");

    let wrong_app = uri.replace("SdkAppid=1400000000", "SdkAppid=1400000001");
    server
        .send(post(&wrong_app, destroy.clone()))
        .await
        .assert_fail(403, 40300);

    let xml = uri.replace("contenttype=json", "contenttype=xml");
    server
        .send(post(&xml, destroy.clone()))
        .await
        .assert_fail(415, 41500);

    server
        .send(post(&uri, "not json"))
        .await
        .assert_fail(400, 40000);
    server
        .send(post(&uri, r#"{"RoomId":"r1"}"#))
        .await
        .assert_fail(400, 40000);
    // The body's command decides, whatever the query says.
    let leave = fixture("room/after_member_leave.json");
    server.send(post(&uri, leave.clone())).await.assert_ok();
    let line = server.next_event_line().await;
    assert_eq!(line, serde_json::from_slice::<Value>(&leave).unwrap());

    // An unknown command is delivered, printed, and answered OK.
    let unknown = r#"{"CallbackCommand":"Room.CallbackAfterFuture","X":1}"#;
    server
        .send(post(&callback_uri("Room.CallbackAfterFuture"), unknown))
        .await
        .assert_ok();
    let line = server.next_event_line().await;
    assert_eq!(line, serde_json::from_str::<Value>(unknown).unwrap());

    // Off the path: the inner app answers.
    let (status, body) = server.get("/healthz").await;
    assert_eq!((status, &body[..]), (StatusCode::OK, &b"ok"[..]));
}

#[tokio::test]
async fn the_reference_server_refuses_a_declared_oversize_body_before_reading_it() {
    let server = Example::start("server", &[]).await;
    let mut stream = tokio::net::TcpStream::connect(server.address)
        .await
        .unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        callback_uri("Room.CallbackAfterDestroyRoom"),
        2 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // No body is sent: the answer must come from the declared length alone.
    let mut response = Vec::new();
    let mut buffer = [0u8; 4096];
    timeout(WAIT, async {
        while !String::from_utf8_lossy(&response).contains("\"ErrorCode\":41300") {
            let read = stream.read(&mut buffer).await.unwrap();
            assert_ne!(
                read,
                0,
                "closed before answering: {:?}",
                String::from_utf8_lossy(&response)
            );
            response.extend_from_slice(&buffer[..read]);
        }
    })
    .await
    .expect("413 without the body");
    assert!(String::from_utf8_lossy(&response).starts_with("HTTP/1.1 413"));
}

#[tokio::test]
async fn the_reference_server_checks_the_signature_when_given_a_token() {
    let token = "example-token";
    let mut server = Example::start("server", &[("ROOM_WEBHOOK_TOKEN", token)]).await;
    let uri = callback_uri("Room.CallbackAfterDestroyRoom");
    let destroy = fixture("room/after_destroy_room.json");
    server
        .send(post(&uri, destroy.clone()))
        .await
        .assert_fail(401, 40100);

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let signed = format!(
        "{uri}&Sign={}&RequestTime={now}",
        sign(token.as_bytes(), now)
    );
    server.send(post(&signed, destroy)).await.assert_ok();
    assert_eq!(
        server.next_event_line().await["CallbackCommand"],
        "Room.CallbackAfterDestroyRoom"
    );
}

#[tokio::test]
async fn the_reference_server_exits_2_on_bad_configuration() {
    for (name, value) in [
        ("ROOM_WEBHOOK_SDKAPPID", "not-a-number"),
        ("ROOM_WEBHOOK_TOKEN", ""),
    ] {
        let output = Command::new(example_binary("server"))
            .env("ROOM_WEBHOOK_ADDR", "127.0.0.1:0")
            .env(name, value)
            .output();
        let output = timeout(WAIT, output).await.unwrap().unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}={value:?}");
        assert!(!output.stderr.is_empty());
    }
}

#[tokio::test]
async fn the_extension_example_delivers_through_an_axum_route() {
    let mut server = Example::start("extensions", &[]).await;
    server
        .send(fixture_request("room/after_member_enter.json"))
        .await
        .assert_ok();
    assert_eq!(
        server.next_event_line().await,
        as_printed("room/after_member_enter.json")
    );
    server
        .send(post(&callback_uri("Room.CallbackAfterMemberEnter"), "[]"))
        .await
        .assert_fail(400, 40000);
    assert_eq!(server.terminate().await, Some(0));
}

#[tokio::test]
async fn the_hyper_example_serves_callbacks_without_axum() {
    let mut server = Example::start("hyper", &[]).await;
    server
        .send(fixture_request("room/after_seat_info_changed.json"))
        .await
        .assert_ok();
    assert_eq!(
        server.next_event_line().await,
        as_printed("room/after_seat_info_changed.json")
    );
    let (status, _) = server.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(server.terminate().await, Some(0));
}

/// The Live samples and their variants, by path under `tests/fixtures`.
fn live_fixtures() -> Vec<String> {
    let mut paths = Vec::new();
    for dir in ["live", "live/variants"] {
        for entry in std::fs::read_dir(fixtures_dir().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".json") {
                paths.push(format!("{dir}/{name}"));
            }
        }
    }
    paths.sort();
    paths
}

#[tokio::test]
async fn the_reference_server_records_every_live_sample_typed_and_answers_as_the_pages_show() {
    let mut server = Example::start("server", &[]).await;
    let fixtures = live_fixtures();
    assert_eq!(
        fixtures.len(),
        21,
        "18 samples and 3 variants: {fixtures:?}"
    );
    for relative in &fixtures {
        let body = fixture(relative);
        let event = tencent_room_webhook::Event::from_json(&body).unwrap();
        let typed = matches!(
            event,
            tencent_room_webhook::Event::Live(_) | tencent_room_webhook::Event::SeatListChanged(_)
        );
        assert!(typed, "{relative} is typed");
        // The reference server allows every gift and message: the pages' "allow" answer,
        // which is the after-callbacks' OK too.
        let answered = server.send(fixture_request(relative)).await;
        answered.assert_ok();
        assert_eq!(answered.info, "", "{relative}");
        assert_eq!(
            server.next_event_line().await,
            as_printed(relative),
            "{relative}"
        );
    }
}

impl Example {
    /// Sends `request` and returns the answer's JSON, whatever it holds.
    pub(crate) async fn answer_json(&self, request: Request<Full<Bytes>>) -> Value {
        let response = self.request(request).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice(&body).unwrap()
    }
}

#[tokio::test]
async fn the_live_example_charges_gifts_and_moderates_messages() {
    use tencent_room_webhook::testing::CallbackRequest;

    // The sample gift costs 1000 coins (Coins 1000, Count 1, one recipient).
    let mut server = Example::start("live", &[("ROOM_WEBHOOK_START_COINS", "1500")]).await;
    let gift = || CallbackRequest::gift_sending().build();
    let first = server.answer_json(gift()).await;
    assert_eq!(first["ErrorCode"], 0, "{first}");
    let second = server.answer_json(gift()).await;
    assert_eq!(
        second,
        serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "not enough coins", "ErrorCode": 102101})
    );

    // The sample message ("red packet") is rewritten with the sender's level.
    let rewritten = server
        .answer_json(CallbackRequest::message_sending().build())
        .await;
    assert_eq!(rewritten["ErrorCode"], 0, "{rewritten}");
    assert_eq!(
        rewritten["MsgBody"],
        serde_json::json!([
            {"MsgType": "TIMTextElem", "MsgContent": {"Text": "red packet"}},
            {"MsgType": "TIMCustomElem", "MsgContent": {"Data": "LV1", "Desc": "CustomElement.MemberLevel"}}
        ])
    );

    let mut spam: Value =
        serde_json::from_slice(CallbackRequest::message_sending().body_bytes()).unwrap();
    spam["MsgBody"][0]["MsgContent"]["Text"] = "buy SPAM now".into();
    let forbidden = server
        .answer_json(
            CallbackRequest::message_sending()
                .body(serde_json::to_vec(&spam).unwrap())
                .build(),
        )
        .await;
    assert_eq!(forbidden["ErrorCode"], 10101, "{forbidden}");

    // Every callback was recorded, before-callbacks too.
    for _ in 0..4 {
        let line = server.next_event_line().await;
        assert!(
            line["CallbackCommand"].as_str().unwrap().contains("Before"),
            "{line}"
        );
    }
}

/// The bodies without a top-level `CallbackCommand`, by file stem, with the command the
/// query gives them (as `tests/all/chat.rs`'s `QUERY_DECIDES`).
const QUERY_DECIDES: [(&str, &str); 3] = [
    ("push_offline_push", "Push.OfflinePush"),
    ("push_all_member_push", "Push.AllMemberPush"),
    (
        "content_callback_result_notify",
        "ContentCallback.ResultNotify",
    ),
];

/// The Chat samples and their variants, by path under `tests/fixtures`, each with the
/// command Tencent sends it with in the query.
fn chat_fixtures() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["chat", "chat/variants"] {
        for entry in std::fs::read_dir(fixtures_dir().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if !name.ends_with(".json") {
                continue;
            }
            let relative = format!("{dir}/{name}");
            let stem = name.split('.').next().unwrap();
            let command = match QUERY_DECIDES.iter().find(|(file, _)| *file == stem) {
                Some((_, command)) => command.to_string(),
                None => command_of(&fixture(&relative)),
            };
            out.push((relative, command));
        }
    }
    out.sort();
    out
}

/// What the pages print for the reference server's decision on a Chat sample (allow, or
/// the chatbot's signal ignored), and whether it is a before-callback's.
fn chat_answer(relative: &str) -> (Value, bool) {
    let name = relative.rsplit('/').next().unwrap();
    let stem = name.split('.').next().unwrap();
    if stem == "chatbot_on_c2c_signal_message" {
        let ignored = serde_json::json!(
            {"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 1, "RspData": ""}
        );
        return (ignored, true);
    }
    // The before-callbacks' allow answers, the friend requests' one item a user.
    for kind in ["allow", "result_items"] {
        let path = format!("chat/answers/{stem}_{kind}.json");
        if fixtures_dir().join(&path).exists() {
            return (serde_json::from_slice(&fixture(&path)).unwrap(), true);
        }
    }
    let ok = fixture("chat/answers/after_callback_ok.json");
    (serde_json::from_slice(&ok).unwrap(), false)
}

#[tokio::test]
async fn the_reference_server_records_every_chat_sample_typed_and_answers_as_the_pages_show() {
    let mut server = Example::start("server", &[]).await;
    let fixtures = chat_fixtures();
    assert_eq!(
        fixtures.len(),
        74,
        "64 samples and 10 variants: {fixtures:?}"
    );
    let mut decided = std::collections::BTreeSet::new();
    for (relative, command) in &fixtures {
        let body = fixture(relative);
        let event = tencent_room_webhook::Event::decode(command, &body).unwrap();
        let typed = matches!(
            event,
            tencent_room_webhook::Event::Chat(_) | tencent_room_webhook::Event::Live(_)
        );
        assert!(typed, "{relative} is typed: {event:?}");

        let (expected, before) = chat_answer(relative);
        let answer = server
            .answer_json(post(&callback_uri(command), body.clone()))
            .await;
        assert_eq!(answer, expected, "{relative}");
        if before {
            decided.insert(command.clone());
        }
        // Written back as sent, whatever its command's family.
        let sent: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(server.next_event_line().await, sent, "{relative}");
    }
    // The eleven before-callbacks of the page's summary, and the chatbot's signal.
    assert_eq!(decided.len(), 12, "{decided:?}");
}
