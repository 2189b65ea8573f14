//! The callback simulator (`examples/send.rs`) run as a user runs it: against the
//! reference server (`examples/server.rs`), and against a bare receiver that shows what
//! arrives on the wire.
//!
//! `cargo test` builds the examples before it runs this file; the binaries are found
//! beside the test's own.

use crate::common;

use common::{example_binary, start_example, RunningExample, COMMANDS};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tencent_room_webhook::testing::CallbackRequest;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::net::TcpListener;
use tokio::process::{Child, ChildStdout, Command};
use tokio::time::timeout;

const WAIT: Duration = Duration::from_secs(20);

const OK_ANSWER: &str = r#"{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}"#;

/// The reference server on a free port; killed when dropped.
struct Server {
    _child: Child,
    address: SocketAddr,
    /// Its event lines, read as they come: a pipe nobody reads would stall the server.
    events: tokio::sync::mpsc::UnboundedReceiver<String>,
}

impl Server {
    async fn start(env: &[(&str, &str)]) -> Self {
        let RunningExample {
            child,
            address,
            stdout,
        } = start_example("server", env).await;
        let (lines, events) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(read_lines(stdout, lines));
        Self {
            events,
            _child: child,
            address,
        }
    }

    fn url(&self) -> String {
        format!("http://{}/callback", self.address)
    }

    /// The next `n` lines the server printed: `{"delivery":…,"event":…}`.
    async fn lines(&mut self, n: usize) -> Vec<Value> {
        let mut lines = Vec::with_capacity(n);
        for _ in 0..n {
            let line = timeout(WAIT, self.events.recv())
                .await
                .expect("an event line in time")
                .expect("stdout open");
            lines.push(serde_json::from_str(&line).unwrap());
        }
        lines
    }

    /// The next `n` events the server printed.
    async fn events(&mut self, n: usize) -> Vec<Value> {
        let mut lines = self.lines(n).await;
        lines.iter_mut().map(|line| line["event"].take()).collect()
    }
}

async fn read_lines(
    mut stdout: Lines<BufReader<ChildStdout>>,
    lines: tokio::sync::mpsc::UnboundedSender<String>,
) {
    while let Ok(Some(line)) = stdout.next_line().await {
        if lines.send(line).is_err() {
            return;
        }
    }
}

/// What a run of the simulator gave.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the simulator with `args`, without the token of the environment unless given.
async fn send(args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = Command::new(example_binary("send"))
        .args(args)
        .env_remove("ROOM_WEBHOOK_TOKEN")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = timeout(WAIT, output).await.expect("send finishes").unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

impl Run {
    /// The value of a summary line: `name value ...`.
    fn summary(&self, name: &str) -> &str {
        self.stdout
            .lines()
            .find_map(|line| {
                let mut words = line.split_whitespace();
                (words.next() == Some(name)).then(|| words.next()).flatten()
            })
            .unwrap_or_else(|| panic!("no {name} line in {}", self.stdout))
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Room's 6, Live's 17, and Chat's own 60 (the 4 it shares with Live are Live's).
const ALL: usize = 6 + 17 + 60;

/// Every command of every family, from the test kit.
fn every_command() -> BTreeSet<String> {
    let mut expected: BTreeSet<String> =
        COMMANDS.iter().map(|command| command.to_string()).collect();
    let kit = CallbackRequest::live_samples()
        .into_iter()
        .chain(CallbackRequest::chat_samples());
    expected.extend(kit.map(|request| request.command().to_owned()));
    expected
}

/// The first word of each line of a `--all` run, and what follows ` -> `, if anything.
fn decisions(run: &Run) -> BTreeMap<String, String> {
    run.stdout
        .lines()
        .map(|line| {
            let command = line.split_whitespace().next().unwrap().to_owned();
            let decided = line.split(" -> ").nth(1).unwrap_or("").to_owned();
            (command, decided)
        })
        .collect()
}

#[tokio::test]
async fn all_sends_each_command_of_every_family_once_and_the_server_prints_each() {
    let mut server = Server::start(&[]).await;
    let run = send(&["--all", "--url", &server.url()], &[]).await;
    assert_eq!(run.code, Some(0), "{run:?}");

    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), ALL, "{run:?}");
    let mut commands = BTreeSet::new();
    for line in &lines {
        let mut words = line.split_whitespace();
        commands.insert(words.next().unwrap().to_owned());
        assert_eq!(words.next(), Some("200"), "{line}");
        // A notification's answer is the plain OK; a decision's is on its line.
        if !line.contains(" -> ") {
            assert_eq!(words.next(), Some(OK_ANSWER), "{line}");
        }
    }
    let expected = every_command();
    assert_eq!(commands, expected);

    // Named by the delivery: a push batch's body has no `CallbackCommand` of its own.
    let printed: BTreeSet<String> = server
        .lines(ALL)
        .await
        .iter()
        .map(|line| {
            let delivery = line["delivery"].as_str().unwrap();
            delivery.split(':').nth(1).unwrap().to_owned()
        })
        .collect();
    assert_eq!(printed, expected);
}

#[tokio::test]
async fn all_prints_the_decision_of_each_before_callback_the_server_allows() {
    let server = Server::start(&[]).await;
    let run = send(&["--all", "--url", &server.url()], &[]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    let decided: BTreeMap<String, String> = decisions(&run)
        .into_iter()
        .filter(|(_, decided)| !decided.is_empty())
        .collect();
    let expected: BTreeMap<String, String> = [
        ("Live.CallbackBeforeSendGift", "gift allowed"),
        ("Group.CallbackBeforeSendMsg", "message allowed"),
        ("C2C.CallbackBeforeSendMsg", "c2c message allowed"),
        (
            "Sns.CallbackPrevFriendAdd",
            "friends: id1 allowed, id2 allowed",
        ),
        (
            "Sns.CallbackPrevFriendResponse",
            "friends: id1 allowed, id2 allowed",
        ),
        ("Group.CallbackBeforeCreateGroup", "group creation allowed"),
        (
            "Group.CallbackBeforeApplyJoinGroup",
            "application to join allowed",
        ),
        ("Group.CallbackBeforeInviteJoinGroup", "invitation allowed"),
        ("Group.CallbackBeforeCreateTopic", "topic creation allowed"),
        (
            "OfficialAccount.CallbackBeforeCreateOfficialAccount",
            "official account creation allowed",
        ),
        (
            "OfficialAccount.CallbackBeforeAddSubscriber",
            "subscribers allowed",
        ),
        (
            "OfficialAccount.CallbackBeforeSendMsg",
            "official account message allowed",
        ),
        ("Chatbot.OnC2CSignalMessage", "chatbot reply ignored"),
    ]
    .into_iter()
    .map(|(command, decided)| (command.to_owned(), decided.to_owned()))
    .collect();
    assert_eq!(decided, expected, "{run:?}");
}

#[tokio::test]
async fn all_prints_the_decisions_of_the_moderation_example() {
    let RunningExample {
        child: _child,
        address,
        mut stdout,
    } = start_example("moderation", &[]).await;
    // Its event lines, drained: a pipe nobody reads would stall it.
    tokio::spawn(async move { while let Ok(Some(_)) = stdout.next_line().await {} });
    let url = format!("http://{address}/callback");
    let run = send(&["--all", "--url", &url], &[]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    let decided = decisions(&run);
    // The example's default blocklist: id2 takes no request from id, jared no invitation
    // from leckie.
    assert_eq!(
        decided["Sns.CallbackPrevFriendAdd"],
        "friends: id1 allowed, id2 refused (38001)"
    );
    assert_eq!(
        decided["Group.CallbackBeforeInviteJoinGroup"],
        "invitation allowed but for jared"
    );
}

#[tokio::test]
async fn a_rejected_gift_is_printed_as_rejected() {
    let server = start_example("live", &[("ROOM_WEBHOOK_START_COINS", "0")]).await;
    let url = format!("http://{}/callback", server.address);
    let run = send(
        &["--command", "Live.CallbackBeforeSendGift", "--url", &url],
        &[],
    )
    .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout
            .trim_end()
            .ends_with("-> gift rejected, 102101 passed to the client"),
        "{run:?}"
    );
}

#[tokio::test]
async fn count_sends_distinct_rooms_concurrently_and_summarises() {
    let mut server = Server::start(&[]).await;
    let run = send(
        &[
            "--url",
            &server.url(),
            "--count",
            "200",
            "--concurrency",
            "8",
        ],
        &[],
    )
    .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.summary("sent"), "200", "{run:?}");
    assert_eq!(run.summary("OK"), "200", "{run:?}");
    assert_eq!(run.summary("FAIL"), "0", "{run:?}");
    assert_eq!(run.summary("errors"), "0", "{run:?}");
    assert_eq!(run.summary("statuses"), "200:200", "{run:?}");
    assert_eq!(run.summary("latency"), "p50", "{run:?}");
    // Not a terminal: no progress bar.
    assert!(!run.stderr.contains('\r'), "{run:?}");

    let events = server.events(200).await;
    let rooms: HashSet<&str> = events
        .iter()
        .map(|event| {
            assert_eq!(event["CallbackCommand"], "Room.CallbackAfterDestroyRoom");
            event["RoomId"].as_str().unwrap()
        })
        .collect();
    assert_eq!(rooms.len(), 200);
    for n in [1, 100, 200] {
        assert!(rooms.contains(format!("tandy-test-rest-{n}").as_str()));
    }
}

#[tokio::test]
async fn count_numbers_the_room_inside_room_info() {
    let mut server = Server::start(&[]).await;
    let run = send(
        &[
            "--url",
            &server.url(),
            "--command",
            "create",
            "--count",
            "3",
        ],
        &[],
    )
    .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    let rooms: BTreeSet<String> = server
        .events(3)
        .await
        .iter()
        .map(|event| event["RoomInfo"]["RoomId"].as_str().unwrap().to_owned())
        .collect();
    let expected: BTreeSet<String> = (1..=3).map(|n| format!("tandy-test-rest-{n}")).collect();
    assert_eq!(rooms, expected);
}

#[tokio::test]
async fn a_server_with_a_token_refuses_unsigned_requests_and_takes_signed_ones() {
    let mut server = Server::start(&[("ROOM_WEBHOOK_TOKEN", "t")]).await;
    let url = server.url();

    let unsigned = send(&["--url", &url], &[]).await;
    assert_eq!(unsigned.code, Some(1), "{unsigned:?}");
    let mut words = unsigned.stdout.split_whitespace();
    assert_eq!(words.next(), Some("Room.CallbackAfterDestroyRoom"));
    assert_eq!(words.next(), Some("401"), "{unsigned:?}");
    assert!(unsigned.stdout.contains(r#""ErrorCode":40100"#));

    let signed = send(&["--url", &url, "--token", "t", "--command", "leave"], &[]).await;
    assert_eq!(signed.code, Some(0), "{signed:?}");
    assert!(signed.stdout.contains(OK_ANSWER), "{signed:?}");

    // The token of the environment signs too, and --no-token overrides it.
    let from_env = send(&["--url", &url], &[("ROOM_WEBHOOK_TOKEN", "t")]).await;
    assert_eq!(from_env.code, Some(0), "{from_env:?}");
    let no_token = send(
        &["--url", &url, "--no-token"],
        &[("ROOM_WEBHOOK_TOKEN", "t")],
    )
    .await;
    assert_eq!(no_token.code, Some(1), "{no_token:?}");

    let events = server.events(2).await;
    assert_eq!(
        events[0]["CallbackCommand"],
        "Room.CallbackAfterMemberLeave"
    );
    assert_eq!(
        events[1]["CallbackCommand"],
        "Room.CallbackAfterDestroyRoom"
    );
}

#[tokio::test]
async fn bad_options_exit_2_with_a_message() {
    for args in [
        &["--bogus"][..],
        &["--count", "0"],
        &["--count"],
        &["--concurrency", "many"],
        &["--command", "nope"],
        &["--url", "ftp://example.com/callback"],
        &["--url", "https://example.com/callback"],
        &["--sdkappid", "-1"],
        &["--timeout", "0"],
        &["--all", "--command", "leave"],
        &["--all", "--count", "5"],
        &["--file", "/nonexistent/body.json"],
        &["--token", ""],
        &["--count", "2", "--count", "3"],
        &["stray"],
    ] {
        let run = send(args, &[]).await;
        assert_eq!(run.code, Some(2), "{args:?}: {run:?}");
        assert!(run.stdout.is_empty(), "{args:?}: {run:?}");
        assert!(run.stderr.starts_with("send: "), "{args:?}: {run:?}");
    }
    let help = send(&["--help"], &[]).await;
    assert_eq!(help.code, Some(0), "{help:?}");
    assert!(help.stdout.contains("--concurrency"), "{help:?}");
}

/// Any receiver: the URL's own query comes first and Tencent's parameters follow, the
/// request is signed as Tencent signs, and a body that is not an answer fails the run.
#[tokio::test]
async fn a_bare_receiver_sees_tencents_request_and_a_non_answer_exits_1() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let receiver = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut received = Vec::new();
        let mut buffer = [0u8; 4096];
        let head_end = loop {
            let read = stream.read(&mut buffer).await.unwrap();
            assert_ne!(read, 0, "closed before the request's head");
            received.extend_from_slice(&buffer[..read]);
            if let Some(at) = received.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
        };
        let head = String::from_utf8(received[..head_end].to_vec()).unwrap();
        let length: usize = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().unwrap())
            })
            .expect("a Content-Length");
        while received.len() < head_end + length {
            let read = stream.read(&mut buffer).await.unwrap();
            assert_ne!(read, 0, "closed before the body's end");
            received.extend_from_slice(&buffer[..read]);
        }
        let body = received[head_end..].to_vec();
        stream
            .write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\
                  Connection: close\r\n\r\nhello",
            )
            .await
            .unwrap();
        (head, body)
    });

    let url = format!("http://{address}/hooks/room?tenant=a%20b");
    let run = send(
        &[
            "--url",
            &url,
            "--command",
            "leave",
            "--sdkappid",
            "1400000001",
            "--token",
            "secret",
        ],
        &[],
    )
    .await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("200  not an answer"), "{run:?}");
    assert!(run.stdout.contains("\"hello\""), "{run:?}");

    let (head, body) = timeout(WAIT, receiver).await.unwrap().unwrap();
    let request_line = head.lines().next().unwrap();
    let target = request_line
        .strip_prefix("POST ")
        .and_then(|rest| rest.strip_suffix(" HTTP/1.1"))
        .unwrap_or_else(|| panic!("{request_line}"));
    let (path, query) = target.split_once('?').unwrap();
    assert_eq!(path, "/hooks/room");
    let parameters: Vec<(&str, &str)> = query
        .split('&')
        .map(|pair| pair.split_once('=').unwrap())
        .collect();
    let names: Vec<&str> = parameters.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names,
        [
            "tenant",
            "SdkAppid",
            "CallbackCommand",
            "contenttype",
            "ClientIP",
            "OptPlatform",
            "Sign",
            "RequestTime"
        ]
    );
    let value = |name: &str| parameters.iter().find(|(n, _)| *n == name).unwrap().1;
    assert_eq!(value("tenant"), "a%20b");
    assert_eq!(value("SdkAppid"), "1400000001");
    assert_eq!(value("CallbackCommand"), "Room.CallbackAfterMemberLeave");
    assert_eq!(value("contenttype"), "json");
    let time: u64 = value("RequestTime").parse().unwrap();
    assert_eq!(
        value("Sign"),
        tencent_room_webhook::verify::sign(b"secret", time)
    );
    let lower = head.to_ascii_lowercase();
    assert!(
        lower.contains("\r\ncontent-type: application/json\r\n"),
        "{head}"
    );
    assert!(
        lower.contains(&format!("\r\nhost: {address}\r\n")),
        "{head}"
    );
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["CallbackCommand"], "Room.CallbackAfterMemberLeave");
    assert_eq!(
        body["RoomId"], "rid-123",
        "a single send keeps the sample body"
    );
}

#[tokio::test]
async fn no_receiver_is_an_error_and_exits_1() {
    // A port that was free a moment ago, with nothing listening now.
    let address = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let url = format!("http://{address}/callback");
    let run = send(&["--url", &url], &[]).await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("error: "), "{run:?}");

    let run = send(&["--url", &url, "--count", "3", "--concurrency", "3"], &[]).await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(run.summary("errors"), "3", "{run:?}");
    assert_eq!(run.summary("OK"), "0", "{run:?}");
}
