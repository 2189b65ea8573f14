//! A handler fails with `HandlerError`: its own code and message, or any error through `?`,
//! whose text stays out of the answer.

use std::fmt;

use tencent_room_webhook::event::MemberLeft;
use tencent_room_webhook::testing::{self, CallbackRequest, NotFound};
use tencent_room_webhook::{
    CallbackContext, HandlerError, HandlerResult, RoomHandler, RoomWebhookLayer,
};
use tower::Layer;

/// An error whose text must not reach Tencent.
#[derive(Debug)]
struct StoreDown;

impl fmt::Display for StoreDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("store at 10.0.0.7 refused the password")
    }
}

impl std::error::Error for StoreDown {}

fn save() -> Result<(), StoreDown> {
    Err(StoreDown)
}

enum Fails {
    Plain,
    WithCode,
    WithInfo,
    Text,
}

impl RoomHandler for Fails {
    async fn on_member_left(&self, _: MemberLeft, _: &CallbackContext) -> HandlerResult {
        match self {
            Self::Plain => save()?,
            Self::WithCode => save().map_err(|error| HandlerError::from(error).with_code(1002))?,
            Self::WithInfo => save().map_err(|e| HandlerError::from(e).with_info("store down"))?,
            Self::Text => Err("plain text")?,
        }
        Ok(())
    }
}

async fn answer_of(handler: Fails) -> testing::TestAnswer {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(testing::DEMO_SDK_APP_ID)
        .handler(handler)
        .build()
        .unwrap();
    testing::send(layer.layer(NotFound), CallbackRequest::member_left()).await
}

#[tokio::test]
async fn question_mark_on_any_error_answers_fail_50001_without_its_text() {
    for handler in [Fails::Plain, Fails::Text] {
        let answer = answer_of(handler).await;
        answer.assert_fail(200, 50001);
        assert_eq!(answer.answer.error_info(), "the callback handler failed");
    }
}

#[tokio::test]
async fn a_converted_error_answers_the_code_given_with_with_code() {
    let answer = answer_of(Fails::WithCode).await;
    answer.assert_fail(200, 1002);
    assert_eq!(answer.answer.error_info(), "the callback handler failed");
}

#[tokio::test]
async fn a_converted_error_answers_the_message_given_with_with_info() {
    let answer = answer_of(Fails::WithInfo).await;
    answer.assert_fail(200, 50001);
    assert_eq!(answer.answer.error_info(), "store down");
}

#[test]
fn a_converted_error_keeps_its_source_for_the_logs() {
    let error = HandlerError::from(StoreDown);
    assert_eq!(error.code().get(), 50001);
    assert_eq!(error.info(), "the callback handler failed");
    assert_eq!(
        error.source().unwrap().to_string(),
        "store at 10.0.0.7 refused the password"
    );
    assert_eq!(
        error.to_string(),
        "callback handler failed with code 50001: the callback handler failed \
         (caused by: store at 10.0.0.7 refused the password)"
    );
    assert!(HandlerError::new(7, "no").source().is_none());
    assert_eq!(HandlerError::new(0, "no").with_code(0).code().get(), 50001);
}
