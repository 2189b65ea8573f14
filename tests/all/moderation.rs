//! The moderation example (`examples/moderation.rs`) run as a user runs it, over a real
//! loopback socket: each decision answered exactly as Tencent reads it, and each event
//! printed on standard output before its answer.
//!
//! `cargo test` builds the examples before it runs this file; the binaries are found
//! beside the test's own.

use serde_json::{json, Value};
use tencent_room_webhook::testing::CallbackRequest;

use crate::examples::Example;

/// The example's settings, spelled out (they are its defaults too).
const SETTINGS: [(&str, &str); 3] = [
    ("ROOM_WEBHOOK_BANNED", "spam,scam"),
    ("ROOM_WEBHOOK_MASKED", "darn,heck"),
    // id2 takes no friend request from id, jared no invitation from leckie.
    ("ROOM_WEBHOOK_BLOCKLIST", "id2:id,jared:leckie"),
];

/// A message sample whose text is `text`.
fn saying(request: CallbackRequest, text: &str) -> CallbackRequest {
    let mut body: Value = serde_json::from_slice(request.body_bytes()).unwrap();
    body["MsgBody"][0]["MsgContent"]["Text"] = text.into();
    request.body(serde_json::to_vec(&body).unwrap())
}

#[tokio::test]
async fn a_one_to_one_message_with_a_banned_word_is_forbidden_with_a_c2c_code() {
    let server = Example::start("moderation", &SETTINGS).await;
    let request = saying(CallbackRequest::c2c_message_sending(), "buy SPAM now");
    let answer = server.answer_json(request.build()).await;
    assert_eq!(
        answer,
        json!({
            "ActionStatus": "OK",
            "ErrorInfo": "this message has a word not allowed here",
            "ErrorCode": 120001
        })
    );
}

#[tokio::test]
async fn a_group_message_with_a_banned_word_is_forbidden_with_a_group_code() {
    let server = Example::start("moderation", &SETTINGS).await;
    let request = saying(CallbackRequest::message_sending(), "a scam");
    let answer = server.answer_json(request.build()).await;
    assert_eq!(
        answer,
        json!({
            "ActionStatus": "OK",
            "ErrorInfo": "this message has a word not allowed here",
            "ErrorCode": 10101
        })
    );
}

#[tokio::test]
async fn a_group_message_with_a_mild_word_is_rewritten_with_stars() {
    let server = Example::start("moderation", &SETTINGS).await;
    let request = saying(CallbackRequest::message_sending(), "what the Heck, heck");
    let answer = server.answer_json(request.build()).await;
    assert_eq!(
        answer,
        json!({
            "ActionStatus": "OK",
            "ErrorInfo": "",
            "ErrorCode": 0,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "what the ***, ***"}}]
        })
    );
}

#[tokio::test]
async fn a_clean_message_is_allowed_as_it_is() {
    let server = Example::start("moderation", &SETTINGS).await;
    // The sample's text, "red packet".
    let answer = server
        .answer_json(CallbackRequest::c2c_message_sending().build())
        .await;
    assert_eq!(
        answer,
        json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0})
    );
}

#[tokio::test]
async fn a_friend_request_is_refused_only_for_the_user_who_blocked_the_requester() {
    let server = Example::start("moderation", &SETTINGS).await;
    // The sample: id asks id1 and id2.
    let answer = server
        .answer_json(CallbackRequest::friend_request().build())
        .await;
    assert_eq!(
        answer,
        json!({
            "ActionStatus": "OK",
            "ErrorInfo": "",
            "ErrorCode": 0,
            "ResultItem": [
                {"To_Account": "id1", "ResultCode": 0, "ResultInfo": ""},
                {"To_Account": "id2", "ResultCode": 38001, "ResultInfo": "not accepting requests"}
            ]
        })
    );
}

#[tokio::test]
async fn an_invitation_leaves_out_the_members_who_blocked_the_inviter() {
    let server = Example::start("moderation", &SETTINGS).await;
    // The sample: leckie invites jared and leckie.
    let answer = server
        .answer_json(CallbackRequest::members_inviting().build())
        .await;
    assert_eq!(
        answer,
        json!({
            "ActionStatus": "OK",
            "ErrorInfo": "",
            "ErrorCode": 0,
            "RefusedMembers_Account": ["jared"]
        })
    );
}

/// What the example has written on standard output and nobody read yet, read without
/// waiting: a line there was written before the answer that preceded this call.
#[cfg(unix)]
fn written_already(example: &mut Example) -> String {
    use std::io::Read;
    use std::os::fd::AsFd;

    // A duplicate of the pipe's descriptor shares its non-blocking mode: an empty pipe is
    // `WouldBlock`, never a wait.
    let fd = example.stdout.get_mut().get_ref().as_fd();
    let mut pipe = std::fs::File::from(fd.try_clone_to_owned().unwrap());
    let mut written = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match pipe.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => written.extend_from_slice(&buffer[..read]),
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => break,
            Err(error) => panic!("reading the example's standard output: {error}"),
        }
    }
    String::from_utf8(written).unwrap()
}

#[cfg(unix)]
#[tokio::test]
async fn each_event_is_printed_before_its_answer() {
    let mut server = Example::start("moderation", &SETTINGS).await;
    for request in [
        saying(CallbackRequest::c2c_message_sending(), "buy spam now"),
        saying(CallbackRequest::message_sending(), "darn"),
        CallbackRequest::friend_request(),
        CallbackRequest::members_inviting(),
        CallbackRequest::c2c_message_sent(),
    ] {
        let sent: Value = serde_json::from_slice(request.body_bytes()).unwrap();
        let command = request.command().to_owned();
        server.answer_json(request.build()).await;
        let written = written_already(&mut server);
        let lines: Vec<&str> = written.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "{command}: one line before its answer: {written:?}"
        );
        let line: Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(line["event"], sent, "{command}");
        assert!(line["delivery"].is_string(), "{command}: {line}");
    }
}
