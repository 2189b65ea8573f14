//! The `ChatHandler` in the layer: every Chat command answered as the pages show by
//! default, each decision answered as it was made, push batches an event a call, and the
//! before-callbacks never answered before they are decided.

use crate::common;

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tencent_room_webhook::decision::{
    C2cForbidCode, C2cMessageDecision, ChatbotReply, FriendDecision, FriendRefusalCode,
    InviteDecision,
};
use tencent_room_webhook::dedup::MemoryStore;
use tencent_room_webhook::event::chat::c2c::C2cMessageSending;
use tencent_room_webhook::event::chat::push::OfflinePushResult;
use tencent_room_webhook::event::chat::sns::FriendRequest;
use tencent_room_webhook::event::ChatEvent;
use tencent_room_webhook::handler::{ChatHandler, ChatReply};
use tencent_room_webhook::sink::JsonLines;
use tencent_room_webhook::testing::{self, CallbackRequest, NotFound, TestAnswer};
use tencent_room_webhook::{
    CallbackContext, ErrorCode, HandlerError, HandlerResult, RoomWebhookLayer,
};
use tower::Layer;

use common::*;

/// The answer's JSON, as sent.
fn json_of(answer: &TestAnswer) -> Value {
    serde_json::from_str(&answer.answer.to_json()).unwrap()
}

fn answer_fixture(name: &str) -> Value {
    serde_json::from_slice(&fixture(&format!("chat/answers/{name}.json"))).unwrap()
}

/// The documented answer of each command to a handler that decides nothing.
fn default_answer(command: &str) -> Value {
    match command {
        "Sns.CallbackPrevFriendAdd" => answer_fixture("sns_prev_friend_add_result_items"),
        "Sns.CallbackPrevFriendResponse" => answer_fixture("sns_prev_friend_response_result_items"),
        "Chatbot.OnC2CSignalMessage" => {
            json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 1, "RspData": ""})
        }
        "C2C.CallbackBeforeSendMsg" => answer_fixture("c2c_before_send_msg_allow"),
        "Group.CallbackBeforeCreateGroup" => answer_fixture("group_before_create_group_allow"),
        "Group.CallbackBeforeApplyJoinGroup" => {
            answer_fixture("group_before_apply_join_group_allow")
        }
        "Group.CallbackBeforeInviteJoinGroup" => {
            answer_fixture("group_before_invite_join_group_allow")
        }
        "Group.CallbackBeforeCreateTopic" => answer_fixture("group_before_create_topic_allow"),
        "OfficialAccount.CallbackBeforeCreateOfficialAccount" => {
            answer_fixture("official_account_before_create_official_account_allow")
        }
        "OfficialAccount.CallbackBeforeAddSubscriber" => {
            answer_fixture("official_account_before_add_subscriber_allow")
        }
        "OfficialAccount.CallbackBeforeSendMsg" => {
            answer_fixture("official_account_before_send_msg_allow")
        }
        _ => answer_fixture("after_callback_ok"),
    }
}

struct Nothing;
impl ChatHandler for Nothing {}

#[tokio::test]
async fn every_chat_command_is_answered_as_its_page_shows_by_a_handler_that_decides_nothing() {
    let samples = CallbackRequest::chat_samples();
    assert_eq!(samples.len(), 60);
    for request in samples {
        let command = request.command().to_owned();
        let answer = testing::send(testing::chat_service(Nothing), request).await;
        assert_eq!(answer.status, 200, "{command}: {answer}");
        assert_eq!(json_of(&answer), default_answer(&command), "{command}");
    }
}

/// Answers a one-to-one message with `decision`, counting the calls.
#[derive(Clone)]
struct Messages {
    decision: C2cMessageDecision,
    calls: Arc<AtomicUsize>,
}

impl Messages {
    fn new(decision: C2cMessageDecision) -> Self {
        Self {
            decision,
            calls: Arc::default(),
        }
    }
}

impl ChatHandler for Messages {
    async fn on_c2c_message_sending(
        &self,
        _: C2cMessageSending,
        _: &CallbackContext,
    ) -> Result<C2cMessageDecision, HandlerError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(self.decision.clone())
    }
}

#[tokio::test]
async fn a_one_to_one_message_forbidden_is_answered_as_the_page_prints_it() {
    let service = testing::chat_service(Messages::new(C2cMessageDecision::Forbid));
    let answer = testing::send(service, CallbackRequest::c2c_message_sending()).await;
    assert_eq!(
        json_of(&answer),
        answer_fixture("c2c_before_send_msg_forbid")
    );
}

#[tokio::test]
async fn a_one_to_one_message_forbidden_with_a_code_passes_it_to_the_sender() {
    let code = C2cForbidCode::new(120_001).unwrap();
    let decision = C2cMessageDecision::forbid_with(code, "no links");
    let service = testing::chat_service(Messages::new(decision));
    let answer = testing::send(service, CallbackRequest::c2c_message_sending()).await;
    assert_eq!(
        json_of(&answer),
        json!({"ActionStatus": "OK", "ErrorInfo": "no links", "ErrorCode": 120001})
    );
}

/// Refuses the friendship with `id2`.
struct NoId2;

impl ChatHandler for NoId2 {
    async fn on_friend_request(
        &self,
        _: FriendRequest,
        _: &CallbackContext,
    ) -> Result<FriendDecision, HandlerError> {
        let code = FriendRefusalCode::new(38_001).unwrap();
        Ok(FriendDecision::default().refuse("id2", code, "blocked"))
    }
}

#[tokio::test]
async fn a_friend_request_refused_for_one_user_answers_an_item_for_each_user_requested() {
    let answer = testing::send(
        testing::chat_service(NoId2),
        CallbackRequest::friend_request(),
    )
    .await;
    assert_eq!(
        json_of(&answer),
        json!({
            "ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
            "ResultItem": [
                {"To_Account": "id1", "ResultCode": 0, "ResultInfo": ""},
                {"To_Account": "id2", "ResultCode": 38001, "ResultInfo": "blocked"}
            ]
        })
    );
}

/// Answers every Chat callback with `reply` through `handle`.
struct Replies(ChatReply);

impl ChatHandler for Replies {
    async fn handle(&self, _: ChatEvent, _: &CallbackContext) -> Result<ChatReply, HandlerError> {
        Ok(self.0.clone())
    }
}

#[tokio::test]
async fn a_decision_of_another_kind_is_answered_500_wrong_decision() {
    let invite = ChatReply::Invite(InviteDecision::Refuse);
    testing::send(
        testing::chat_service(Replies(invite)),
        CallbackRequest::c2c_message_sending(),
    )
    .await
    .assert_fail(500, ErrorCode::WRONG_DECISION);
}

#[tokio::test]
async fn a_decision_to_an_after_callback_is_answered_500_wrong_decision() {
    let reply = ChatReply::Chatbot(ChatbotReply::reply("hi"));
    testing::send(
        testing::chat_service(Replies(reply)),
        CallbackRequest::state_changed(),
    )
    .await
    .assert_fail(500, ErrorCode::WRONG_DECISION);
}

#[tokio::test]
async fn a_chatbot_reply_is_answered_with_its_data() {
    let reply = ChatReply::Chatbot(ChatbotReply::reply(r#"{"msg":"hi"}"#));
    let answer = testing::send(
        testing::chat_service(Replies(reply)),
        CallbackRequest::signal_message(),
    )
    .await;
    assert_eq!(
        json_of(&answer),
        json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0, "RspData": r#"{"msg":"hi"}"#})
    );
}

/// Keeps the push results it is given, failing on the one whose `MsgKey` is `fail`.
#[derive(Clone, Default)]
struct Pushes(Arc<Mutex<Vec<OfflinePushResult>>>);

impl ChatHandler for Pushes {
    async fn on_offline_push(
        &self,
        result: OfflinePushResult,
        _: &CallbackContext,
    ) -> HandlerResult {
        let fail = result.extra.get("Fail").is_some();
        self.0.lock().unwrap().push(result);
        if fail {
            return Err(HandlerError::new(7, "push result not kept"));
        }
        Ok(())
    }
}

fn push_batch(events: usize, failing: Option<usize>) -> CallbackRequest {
    let events: Vec<Value> = (0..events)
        .map(|n| {
            let mut event = json!({
                "CallbackCommand": "Push.OfflinePush",
                "PushID": format!("push-{n}"),
                "EventTime": 1_700_000_000 + n,
            });
            if failing == Some(n) {
                event["Fail"] = json!(true);
            }
            event
        })
        .collect();
    CallbackRequest::new("Push.OfflinePush", json!({ "Events": events }).to_string())
}

#[tokio::test]
async fn a_push_batch_reaches_the_handler_an_event_a_call_in_order() {
    let pushes = Pushes::default();
    testing::send(testing::chat_service(pushes.clone()), push_batch(3, None))
        .await
        .assert_ok();
    let seen: Vec<Value> = pushes
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|result| serde_json::to_value(result).unwrap()["PushID"].clone())
        .collect();
    assert_eq!(seen, [json!("push-0"), json!("push-1"), json!("push-2")]);
}

#[tokio::test]
async fn a_push_batch_is_answered_fail_at_the_first_event_its_handler_fails() {
    let pushes = Pushes::default();
    testing::send(
        testing::chat_service(pushes.clone()),
        push_batch(3, Some(1)),
    )
    .await
    .assert_fail(200, 7);
    assert_eq!(
        pushes.0.lock().unwrap().len(),
        2,
        "the third event is not handled"
    );
}

#[tokio::test]
async fn a_one_to_one_message_is_decided_before_the_answer_in_answer_first_mode() {
    let handler = Messages::new(C2cMessageDecision::Discard);
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .record(JsonLines::new(io::sink()))
        .chat_handler(handler.clone())
        .answer_first(1, 10)
        .build()
        .unwrap();
    let answer = testing::send(
        layer.layer(NotFound),
        CallbackRequest::c2c_message_sending(),
    )
    .await;
    assert_eq!(answer.answer.error_code(), ErrorCode::new(2));
    assert_eq!(handler.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_repeated_one_to_one_message_is_decided_again_not_answered_as_a_duplicate() {
    let handler = Messages::new(C2cMessageDecision::Forbid);
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .chat_handler(handler.clone())
        .dedup(MemoryStore::new(100), std::time::Duration::from_secs(600))
        .build()
        .unwrap();
    for _ in 0..2 {
        let answer = testing::send(
            layer.layer(NotFound),
            CallbackRequest::c2c_message_sending(),
        )
        .await;
        assert_eq!(answer.answer.error_code(), ErrorCode::new(1));
    }
    assert_eq!(handler.calls.load(Ordering::SeqCst), 2);
}

/// An output whose every write fails.
struct Broken;

impl io::Write for Broken {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other("disk gone"))
    }

    fn flush(&mut self) -> io::Result<()> {
        Err(io::Error::other("disk gone"))
    }
}

#[tokio::test]
async fn a_one_to_one_message_whose_record_failed_is_still_decided_since_a_fail_lets_it_through() {
    let handler = Messages::new(C2cMessageDecision::Forbid);
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .record(JsonLines::new(Broken))
        .chat_handler(handler.clone())
        .build()
        .unwrap();
    let answer = testing::send(
        layer.layer(NotFound),
        CallbackRequest::c2c_message_sending(),
    )
    .await;
    assert_eq!(answer.answer.error_code(), ErrorCode::new(1));
    assert_eq!(handler.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_chat_notification_whose_record_failed_is_answered_503_not_handled() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .record(JsonLines::new(Broken))
        .chat_handler(Nothing)
        .build()
        .unwrap();
    testing::send(layer.layer(NotFound), CallbackRequest::state_changed())
        .await
        .assert_fail(503, ErrorCode::NOT_RECORDED);
}

/// Counts the gifts it is asked about; allows them.
#[derive(Clone, Default)]
struct CountsUndecodable(Arc<AtomicUsize>);

impl tencent_room_webhook::RoomHandler for CountsUndecodable {
    async fn on_undecodable(
        &self,
        _: tencent_room_webhook::event::UndecodableEvent,
        _: &CallbackContext,
    ) -> HandlerResult {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::test]
async fn an_undecodable_before_callback_is_handled_before_the_answer_in_answer_first_mode() {
    let handler = CountsUndecodable::default();
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(APP)
        .record(JsonLines::new(io::sink()))
        .handler(handler.clone())
        .answer_first(1, 10)
        .build()
        .unwrap();
    // `RoomId` twice, with different values: no reading makes one event of it.
    let body =
        r#"{"CallbackCommand":"C2C.CallbackBeforeSendMsg","From_Account":"a","From_Account":"b"}"#;
    let request = CallbackRequest::new("C2C.CallbackBeforeSendMsg", body);
    testing::send(layer.layer(NotFound), request)
        .await
        .assert_ok();
    assert_eq!(
        handler.0.load(Ordering::SeqCst),
        1,
        "handled before the answer, not queued"
    );
}
