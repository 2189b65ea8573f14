//! The before-callbacks of the Live family: the handler's decision is the answer, byte for
//! byte as Tencent's pages print it (`tests/fixtures/live/answers/`), and the layer never
//! answers one without a decision.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use serde_json::Value;
use tencent_room_webhook::decision::{
    GiftDecision, GiftRejectionCode, MessageDecision, MessageForbidCode, Rewrite,
};
use tencent_room_webhook::dedup::MemoryStore;
use tencent_room_webhook::event::live::{GiftSending, MessageSending, MsgElement};
use tencent_room_webhook::event::LiveEvent;
use tencent_room_webhook::handler::{LiveHandler, LiveReply};
use tencent_room_webhook::testing::{self, CallbackRequest, NotFound};
use tencent_room_webhook::{
    Answer, CallbackContext, ErrorCode, HandlerError, OnDeadline, RoomWebhookLayer,
};
use tower::Layer;

use common::fixture;

/// Answers every gift and message with the decisions it holds, counting its calls.
#[derive(Clone, Default)]
struct Decides {
    gift: GiftDecision,
    message: MessageDecision,
    delay: Duration,
    calls: Arc<AtomicUsize>,
}

impl LiveHandler for Decides {
    async fn on_gift_sending(
        &self,
        _: GiftSending,
        _: &CallbackContext,
    ) -> Result<GiftDecision, HandlerError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        Ok(self.gift.clone())
    }

    async fn on_message_sending(
        &self,
        _: MessageSending,
        _: &CallbackContext,
    ) -> Result<MessageDecision, HandlerError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        Ok(self.message.clone())
    }
}

/// The answer's body as JSON, and its status.
async fn answer_to(handler: impl LiveHandler, request: CallbackRequest) -> (u16, Value) {
    let service = testing::live_service(handler);
    let response = testing::call(service, request.build()).await.unwrap();
    let status = response.status().as_u16();
    let body: Bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap())
}

fn answer_fixture(name: &str) -> Value {
    serde_json::from_slice(&fixture(&format!("live/answers/{name}.json"))).unwrap()
}

fn gift(decision: GiftDecision) -> Decides {
    Decides {
        gift: decision,
        ..Decides::default()
    }
}

fn message(decision: MessageDecision) -> Decides {
    Decides {
        message: decision,
        ..Decides::default()
    }
}

#[tokio::test]
async fn a_gift_allowed_is_answered_as_the_page_prints_it() {
    let answer = answer_to(gift(GiftDecision::Allow), CallbackRequest::gift_sending()).await;
    assert_eq!(answer, (200, answer_fixture("live_before_send_gift_allow")));
}

#[tokio::test]
async fn a_gift_rejected_is_answered_ok_with_code_1() {
    let answer = answer_to(gift(GiftDecision::Reject), CallbackRequest::gift_sending()).await;
    let expected = r#"{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":1}"#;
    assert_eq!(answer, (200, serde_json::from_str(expected).unwrap()));
}

#[tokio::test]
async fn a_gift_rejected_with_a_code_passes_the_code_and_message_to_the_client() {
    let code = GiftRejectionCode::new(102150).unwrap();
    let decision = GiftDecision::reject_with(code, "not enough coins");
    let answer = answer_to(gift(decision), CallbackRequest::gift_sending()).await;
    let expected = r#"{"ActionStatus":"OK","ErrorInfo":"not enough coins","ErrorCode":102150}"#;
    assert_eq!(answer, (200, serde_json::from_str(expected).unwrap()));
}

#[test]
fn a_gift_code_outside_the_documented_range_cannot_be_made() {
    assert!(GiftRejectionCode::new(102099).is_none());
    assert!(GiftRejectionCode::new(102201).is_none());
    assert!(GiftRejectionCode::new(1).is_none());
    assert_eq!(GiftRejectionCode::new(102100).unwrap().get(), 102100);
    assert_eq!(GiftRejectionCode::new(102200).unwrap().get(), 102200);
}

#[tokio::test]
async fn a_message_allowed_is_answered_as_the_page_prints_it() {
    let answer = answer_to(
        message(MessageDecision::Allow),
        CallbackRequest::message_sending(),
    )
    .await;
    assert_eq!(answer, (200, answer_fixture("group_before_send_msg_allow")));
}

#[tokio::test]
async fn a_message_forbidden_is_answered_as_the_page_prints_it() {
    let answer = answer_to(
        message(MessageDecision::Forbid),
        CallbackRequest::message_sending(),
    )
    .await;
    assert_eq!(
        answer,
        (200, answer_fixture("group_before_send_msg_forbid"))
    );
}

#[tokio::test]
async fn a_message_discarded_is_answered_as_the_page_prints_it() {
    let answer = answer_to(
        message(MessageDecision::Discard),
        CallbackRequest::message_sending(),
    )
    .await;
    assert_eq!(
        answer,
        (200, answer_fixture("group_before_send_msg_discard"))
    );
}

#[tokio::test]
async fn a_message_rewritten_is_answered_as_the_page_prints_it() {
    let body = vec![
        MsgElement::text("red packet"),
        serde_json::from_value(serde_json::json!({
            "MsgType": "TIMCustomElem",
            "MsgContent": {"Desc": "CustomElement.MemberLevel", "Data": "LV1"}
        }))
        .unwrap(),
    ];
    let rewrite = Rewrite::new(body)
        .unwrap()
        .with_cloud_custom_data("your cloud custom data");
    let answer = answer_to(
        message(MessageDecision::Rewrite(rewrite)),
        CallbackRequest::message_sending(),
    )
    .await;
    assert_eq!(
        answer,
        (200, answer_fixture("group_before_send_msg_modify"))
    );
}

#[tokio::test]
async fn a_message_forbidden_with_a_code_passes_the_code_and_message_to_the_client() {
    let code = MessageForbidCode::new(10150).unwrap();
    let decision = MessageDecision::forbid_with(code, "mind your language");
    let answer = answer_to(message(decision), CallbackRequest::message_sending()).await;
    let expected = r#"{"ActionStatus":"OK","ErrorInfo":"mind your language","ErrorCode":10150}"#;
    assert_eq!(answer, (200, serde_json::from_str(expected).unwrap()));
}

#[test]
fn a_message_code_outside_the_documented_range_or_an_empty_rewrite_cannot_be_made() {
    assert!(MessageForbidCode::new(10099).is_none());
    assert!(MessageForbidCode::new(10201).is_none());
    assert!(MessageForbidCode::new(10100).is_some());
    assert!(Rewrite::new(Vec::new()).is_none());
}

#[tokio::test]
async fn without_a_live_handler_gifts_and_messages_are_allowed() {
    struct Room;
    impl tencent_room_webhook::RoomHandler for Room {}
    for request in [
        CallbackRequest::gift_sending(),
        CallbackRequest::message_sending(),
    ] {
        testing::send(testing::service(Room), request)
            .await
            .assert_ok();
    }
}

#[tokio::test]
async fn a_handler_error_on_a_gift_is_a_fail_which_blocks_the_gift() {
    struct Broke;
    impl LiveHandler for Broke {
        async fn on_gift_sending(
            &self,
            _: GiftSending,
            _: &CallbackContext,
        ) -> Result<GiftDecision, HandlerError> {
            Err(HandlerError::new(7, "the wallet is down"))
        }
    }
    testing::send(
        testing::live_service(Broke),
        CallbackRequest::gift_sending(),
    )
    .await
    .assert_fail(200, 7);
}

#[tokio::test]
async fn a_decision_of_the_other_kind_is_answered_500_wrong_decision() {
    struct Confused;
    impl LiveHandler for Confused {
        async fn handle(
            &self,
            _: LiveEvent,
            _: &CallbackContext,
        ) -> Result<LiveReply, HandlerError> {
            Ok(LiveReply::Gift(GiftDecision::Reject))
        }
    }
    testing::send(
        testing::live_service(Confused),
        CallbackRequest::message_sending(),
    )
    .await
    .assert_fail(500, ErrorCode::WRONG_DECISION);
    testing::send(
        testing::live_service(Confused),
        CallbackRequest::follow_added(),
    )
    .await
    .assert_fail(500, ErrorCode::WRONG_DECISION);
}

#[tokio::test]
async fn a_repeated_gift_is_decided_again_never_answered_as_a_duplicate() {
    let handler = gift(GiftDecision::Reject);
    let calls = Arc::clone(&handler.calls);
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(common::APP)
        .dedup(MemoryStore::new(100), Duration::from_secs(600))
        .live_handler(handler)
        .build()
        .unwrap();
    for _ in 0..2 {
        let answer = testing::send(layer.layer(NotFound), CallbackRequest::gift_sending()).await;
        assert_eq!(answer.answer.error_code(), ErrorCode::new(1));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn in_the_answer_first_mode_a_gift_is_decided_before_the_answer() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(common::APP)
        .live_handler(gift(GiftDecision::Reject))
        .answer_first(1, 10)
        .allow_unrecorded_ok()
        .build()
        .unwrap();
    let answer = testing::send(layer.layer(NotFound), CallbackRequest::gift_sending()).await;
    assert_eq!(answer.answer.error_code(), ErrorCode::new(1));
}

#[tokio::test(start_paused = true)]
async fn a_gift_undecided_at_a_detaching_deadline_is_cancelled_not_allowed() {
    let slow = Decides {
        delay: Duration::from_secs(10),
        ..gift(GiftDecision::Allow)
    };
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(common::APP)
        .live_handler(slow)
        .deadline(Duration::from_millis(1500), OnDeadline::Detach)
        .allow_unrecorded_ok()
        .build()
        .unwrap();
    testing::send(layer.layer(NotFound), CallbackRequest::gift_sending())
        .await
        .assert_fail(504, ErrorCode::HANDLER_TIMEOUT);
}

#[tokio::test]
async fn in_extension_mode_a_route_answers_with_the_decision() {
    let code = MessageForbidCode::new(10101).unwrap();
    let answer = Answer::from(MessageDecision::forbid_with(code, "no"));
    assert_eq!(
        answer.to_json(),
        r#"{"ActionStatus":"OK","ErrorInfo":"no","ErrorCode":10101}"#
    );
    let read: Answer = serde_json::from_str(&answer.to_json()).unwrap();
    assert_eq!(read, answer);
}
