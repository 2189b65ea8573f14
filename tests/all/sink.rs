//! The record stage and `sink::JsonLines`: a callback is answered OK only once its line is
//! written and flushed, for every family;
//! a failing or stalled output answers 503 FAIL, never OK, and never blocks the runtime.

use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use serde_json::Value;
use tencent_room_webhook::event::{MemberLeft, RoomId};
use tencent_room_webhook::sink::JsonLines;
use tencent_room_webhook::testing::{self, CallbackRequest, TestAnswer};
use tencent_room_webhook::{ErrorCode, Event};

/// A callback whose line says which one it was.
fn numbered(n: usize) -> CallbackRequest {
    let mut event = MemberLeft::sample();
    event.room_id = Some(RoomId::from(format!("room-{n}")));
    CallbackRequest::event(&Event::MemberLeft(event))
}

/// Sends callbacks 0..count at once through `lines`.
async fn send_at_once(lines: &JsonLines, count: usize) -> Vec<TestAnswer> {
    let service = testing::recording(lines.clone());
    let sends = (0..count).map(|n| {
        let service = service.clone();
        tokio::spawn(async move { testing::send(service, numbered(n)).await })
    });
    let mut answers = Vec::new();
    for send in sends.collect::<Vec<_>>() {
        answers.push(send.await.unwrap());
    }
    answers
}

/// An output that keeps what was flushed, and can be made to fail or to stall.
#[derive(Clone, Default)]
struct Output {
    state: Arc<(Mutex<OutputState>, Condvar)>,
}

#[derive(Default)]
struct OutputState {
    pending: Vec<u8>,
    flushed: Vec<u8>,
    fail_writes: bool,
    fail_flushes: bool,
    stalled: bool,
}

impl Output {
    fn set(&self, change: impl FnOnce(&mut OutputState)) {
        let (state, wake) = &*self.state;
        change(&mut state.lock().unwrap());
        wake.notify_all();
    }

    fn flushed_rooms(&self) -> Vec<String> {
        let flushed = self.state.0.lock().unwrap().flushed.clone();
        String::from_utf8(flushed)
            .unwrap()
            .lines()
            .filter(|line| !line.is_empty())
            .map(|line| {
                let line: Value = serde_json::from_str(line).expect("whole lines of JSON");
                line["event"]["RoomId"].as_str().unwrap().to_owned()
            })
            .collect()
    }
}

impl Write for Output {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let (state, wake) = &*self.state;
        let mut state = wake
            .wait_while(state.lock().unwrap(), |state| state.stalled)
            .unwrap();
        if state.fail_writes {
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
        }
        state.pending.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut state = self.state.0.lock().unwrap();
        if state.fail_flushes {
            state.pending.clear();
            return Err(io::Error::other("no space left on the device"));
        }
        let pending = std::mem::take(&mut state.pending);
        state.flushed.extend_from_slice(&pending);
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_callback_answered_ok_is_a_whole_flushed_line() {
    let output = Output::default();
    let lines = JsonLines::new(output.clone());
    let answers = send_at_once(&lines, 200).await;
    for answer in &answers {
        answer.assert_ok();
    }
    let mut rooms = output.flushed_rooms();
    rooms.sort();
    let mut expected: Vec<String> = (0..200).map(|n| format!("room-{n}")).collect();
    expected.sort();
    assert_eq!(rooms, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_flush_fails_no_concurrent_callback_is_answered_ok() {
    let output = Output::default();
    output.set(|state| state.fail_flushes = true);
    let lines = JsonLines::new(output.clone());
    for answer in send_at_once(&lines, 100).await {
        answer.assert_fail(503, ErrorCode::NOT_RECORDED);
    }
    assert!(output.flushed_rooms().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_write_fails_the_callback_is_answered_503_not_recorded() {
    let output = Output::default();
    output.set(|state| state.fail_writes = true);
    let lines = JsonLines::new(output);
    let answer = testing::send(testing::recording(lines), numbered(0)).await;
    answer.assert_fail(503, ErrorCode::NOT_RECORDED);
    assert_eq!(
        answer.answer.error_info(),
        "the event could not be recorded"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_output_answers_503_record_timeout_after_the_wait_and_recovers() {
    let output = Output::default();
    output.set(|state| state.stalled = true);
    let lines = JsonLines::with_queue(output.clone(), 4).with_wait(Duration::from_millis(100));
    // More callbacks than the queue holds: those beyond it wait for room, then give up.
    for answer in send_at_once(&lines, 10).await {
        answer.assert_fail(503, ErrorCode::RECORD_TIMEOUT);
    }
    output.set(|state| state.stalled = false);
    testing::send(testing::recording(lines), numbered(99))
        .await
        .assert_ok();
    // What the writer held when it stalled may still be written, after its callbacks
    // were answered FAIL; the line answered OK is there, whole.
    let rooms = output.flushed_rooms();
    assert_eq!(
        rooms.last().map(String::as_str),
        Some("room-99"),
        "{rooms:?}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_stalled_output_does_not_block_the_runtime() {
    let output = Output::default();
    output.set(|state| state.stalled = true);
    let lines = JsonLines::new(output.clone()).with_wait(Duration::from_millis(200));
    // One thread for the runtime: were the write done on it, the timer below would
    // never fire and this would hang instead of answering.
    let service = testing::recording(lines);
    let waiting = tokio::spawn(testing::send(service, numbered(0)));
    let ticked = tokio::time::timeout(Duration::from_secs(30), async {
        tokio::time::sleep(Duration::from_millis(10)).await;
    })
    .await;
    assert!(ticked.is_ok());
    waiting
        .await
        .unwrap()
        .assert_fail(503, ErrorCode::RECORD_TIMEOUT);
    output.set(|state| state.stalled = false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_failed_write_the_next_line_starts_on_a_line_of_its_own() {
    let output = Output::default();
    let lines = JsonLines::new(output.clone());
    output.set(|state| state.fail_flushes = true);
    testing::send(testing::recording(lines.clone()), numbered(0))
        .await
        .assert_fail(503, ErrorCode::NOT_RECORDED);
    output.set(|state| state.fail_flushes = false);
    testing::send(testing::recording(lines), numbered(1))
        .await
        .assert_ok();
    let flushed = String::from_utf8(output.state.0.lock().unwrap().flushed.clone()).unwrap();
    assert!(flushed.starts_with('\n'), "{flushed:?}");
    assert_eq!(output.flushed_rooms(), ["room-1"]);
}

impl Output {
    fn flushed_commands(&self) -> Vec<String> {
        let flushed = self.state.0.lock().unwrap().flushed.clone();
        String::from_utf8(flushed)
            .unwrap()
            .lines()
            .map(|line| {
                let line: Value = serde_json::from_str(line).unwrap();
                line["event"]["CallbackCommand"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }
}

/// One callback of each family, an unknown command and an undecodable body.
fn every_family() -> Vec<CallbackRequest> {
    let mut requests: Vec<CallbackRequest> = [
        "Room.CallbackAfterMemberLeave",
        "Live.CallbackAfterDestroyRoom",
        "Live.CallbackAfterCreateRoom",
        "Follow.CallbackAfterFollowAdd",
        "Group.CallbackAfterSendMsg",
        "Live.CallbackBeforeSendGift",
    ]
    .into_iter()
    .map(CallbackRequest::sample)
    .collect();
    requests.push(CallbackRequest::new(
        "State.StateChange",
        r#"{"CallbackCommand":"State.StateChange","Info":{"To_Account":"u1"}}"#,
    ));
    requests.push(CallbackRequest::new(
        "Room.CallbackAfterMemberLeave",
        r#"{"CallbackCommand":"Room.CallbackAfterMemberLeave","RoomId":"r","RoomId":"twice"}"#,
    ));
    requests
}

#[tokio::test]
async fn the_record_stage_records_every_family_and_unknown_commands_before_answering_ok() {
    let output = Output::default();
    let service = testing::recording(JsonLines::new(output.clone()));
    let mut answered_ok = Vec::new();
    for request in every_family() {
        let command = request.clone().build();
        let body: Value = serde_json::from_slice(
            &http_body_util::BodyExt::collect(command.into_body())
                .await
                .unwrap()
                .to_bytes(),
        )
        .unwrap();
        let answer = testing::send(service.clone(), request).await;
        answer.assert_ok();
        answered_ok.push(body["CallbackCommand"].as_str().unwrap().to_owned());
    }
    assert_eq!(output.flushed_commands(), answered_ok);
}

#[tokio::test]
async fn each_line_names_its_delivery_the_same_for_a_retry_and_another_for_another_callback() {
    let output = Output::default();
    let service = testing::recording(JsonLines::new(output.clone()));
    for request in [numbered(1), numbered(1), numbered(2)] {
        testing::send(service.clone(), request).await.assert_ok();
    }
    let flushed = output.state.0.lock().unwrap().flushed.clone();
    let lines: Vec<Value> = String::from_utf8(flushed)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let keys: Vec<&str> = lines
        .iter()
        .map(|line| line["delivery"].as_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 3);
    assert_eq!(keys[0], keys[1], "a retry carries the first delivery's key");
    assert_ne!(keys[0], keys[2]);
    assert!(
        keys[0].starts_with("1400000000:Room.CallbackAfterMemberLeave:"),
        "{}",
        keys[0]
    );
    assert_eq!(lines[2]["event"]["RoomId"], "room-2");
}

#[tokio::test]
async fn in_extension_mode_the_application_sees_a_callback_only_once_it_is_recorded() {
    let output = Output::default();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (flushed, log) = (output.clone(), seen.clone());
    let application = tower::service_fn(move |request: http::Request<_>| {
        let event = request.extensions().get::<Event>().unwrap();
        // Recorded already when the application is called.
        assert!(flushed
            .flushed_commands()
            .contains(&event.command().to_owned()));
        log.lock().unwrap().push(event.command().to_owned());
        std::future::ready(Ok::<_, std::convert::Infallible>(
            tencent_room_webhook::Answer::ok().into_http_response(),
        ))
    });
    let layer = tencent_room_webhook::RoomWebhookLayer::builder()
        .sdk_app_id(testing::DEMO_SDK_APP_ID)
        .record(JsonLines::new(output.clone()))
        .build()
        .unwrap();
    for request in every_family() {
        testing::send(tower::Layer::layer(&layer, application.clone()), request)
            .await
            .assert_ok();
    }
    assert_eq!(output.flushed_commands(), *seen.lock().unwrap());
}

#[tokio::test]
async fn with_the_output_failing_no_callback_of_any_family_reaches_a_handler_or_is_answered_ok() {
    let output = Output::default();
    output.set(|state| state.fail_writes = true);
    let handled = Arc::new(Mutex::new(0));
    let layer = tencent_room_webhook::RoomWebhookLayer::builder()
        .sdk_app_id(testing::DEMO_SDK_APP_ID)
        .record(JsonLines::new(output.clone()))
        .handler(Counting(handled.clone()))
        .build()
        .unwrap();
    for request in every_family() {
        let answer = testing::send(testing::service_with(&layer), request).await;
        answer.assert_fail(503, ErrorCode::NOT_RECORDED);
    }
    assert_eq!(*handled.lock().unwrap(), 0);
}

#[derive(Clone)]
struct Counting(Arc<Mutex<usize>>);

impl tencent_room_webhook::RoomHandler for Counting {
    async fn handle(
        &self,
        _: Event,
        _: &tencent_room_webhook::CallbackContext,
    ) -> tencent_room_webhook::HandlerResult {
        *self.0.lock().unwrap() += 1;
        Ok(())
    }
}

struct Forbidding;

impl tencent_room_webhook::handler::LiveHandler for Forbidding {
    async fn on_message_sending(
        &self,
        _: tencent_room_webhook::event::live::MessageSending,
        _: &tencent_room_webhook::CallbackContext,
    ) -> Result<tencent_room_webhook::decision::MessageDecision, tencent_room_webhook::HandlerError>
    {
        Ok(tencent_room_webhook::decision::MessageDecision::Forbid)
    }
}

#[tokio::test]
async fn a_message_whose_record_failed_is_still_decided_and_a_gift_is_blocked() {
    let output = Output::default();
    output.set(|state| state.fail_writes = true);
    let layer = tencent_room_webhook::RoomWebhookLayer::builder()
        .sdk_app_id(testing::DEMO_SDK_APP_ID)
        .record(JsonLines::new(output.clone()))
        .live_handler(Forbidding)
        .build()
        .unwrap();
    let message = CallbackRequest::sample("Group.CallbackBeforeSendMsg");
    let answer = testing::send(testing::service_with(&layer), message).await;
    assert!(answer.answer.is_ok(), "{answer}");
    assert_eq!(
        answer.answer.error_code(),
        ErrorCode::new(1),
        "forbidden: {answer}"
    );
    let gift = CallbackRequest::sample("Live.CallbackBeforeSendGift");
    testing::send(testing::service_with(&layer), gift)
        .await
        .assert_fail(503, ErrorCode::NOT_RECORDED);
}

#[tokio::test]
async fn appending_to_a_file_left_with_half_a_line_never_glues_an_event_to_it() {
    let path = std::env::temp_dir().join(format!("torn-{}.jsonl", std::process::id()));
    std::fs::write(&path, b"{\"CallbackCommand\":\"Room.Callback").unwrap();
    let lines = JsonLines::append(&path).unwrap();
    testing::send(testing::recording(lines), numbered(1))
        .await
        .assert_ok();
    let written = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines.len(), 2, "{written:?}");
    assert_eq!(lines[0], "{\"CallbackCommand\":\"Room.Callback");
    let line: Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(line["event"]["RoomId"], "room-1");
}
