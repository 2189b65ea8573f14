//! The decisions of the Chat before-callbacks and of the chatbot's signal message: each
//! documented answer is built from a decision exactly as the page prints it
//! (`tests/fixtures/chat/answers/`), and an undocumented one cannot be built.

use crate::common;

use serde_json::{json, Value};
use tencent_room_webhook::decision::{
    C2cForbidCode, C2cMessageDecision, ChatbotReply, FriendDecision, FriendRefusalCode,
    GroupRequestDecision, InviteDecision, MessageDecision, MessageForbidCode,
    OfficialAccountCreationDecision, OfficialAccountMessageDecision, RefusedUsers, Rewrite,
    SubscriberDecision,
};
use tencent_room_webhook::event::live::MsgElement;
use tencent_room_webhook::event::UserId;
use tencent_room_webhook::Answer;

/// The answer as the JSON Tencent reads.
fn written(answer: &Answer) -> Value {
    serde_json::from_str(&answer.to_json()).unwrap()
}

fn answer_fixture(name: &str) -> Value {
    serde_json::from_slice(&common::fixture(&format!("chat/answers/{name}.json"))).unwrap()
}

/// The users the friend-request fixtures answer for.
fn requested() -> [UserId; 2] {
    [UserId::from("id1"), UserId::from("id2")]
}

/// The one-to-one page's rewritten message (its text keeps the page's spaces).
fn c2c_rewrite() -> Rewrite {
    let body = vec![
        MsgElement::text("red packet"),
        MsgElement::custom(" LV1", " CustomElement.MemberLevel "),
    ];
    Rewrite::new(body)
        .unwrap()
        .with_cloud_custom_data("your new cloud custom data")
}

/// The group and official-account pages' rewritten message.
fn group_rewrite() -> Rewrite {
    let body = vec![
        MsgElement::text("red packet"),
        MsgElement::custom("LV1", "CustomElement.MemberLevel"),
    ];
    Rewrite::new(body)
        .unwrap()
        .with_cloud_custom_data("your cloud custom data")
}

/// A test a documented answer: the decision's answer is the fixture, as the page prints it.
macro_rules! answered_as_printed {
    ($($test:ident: $decision:expr => $fixture:literal;)*) => {
        $(
            #[test]
            fn $test() {
                assert_eq!(written(&Answer::from($decision)), answer_fixture($fixture));
            }
        )*
    };
}

answered_as_printed! {
    a_c2c_message_allowed_is_answered_as_the_page_prints_it:
        C2cMessageDecision::Allow => "c2c_before_send_msg_allow";
    a_c2c_message_forbidden_is_answered_as_the_page_prints_it:
        C2cMessageDecision::Forbid => "c2c_before_send_msg_forbid";
    a_c2c_message_discarded_is_answered_as_the_page_prints_it:
        C2cMessageDecision::Discard => "c2c_before_send_msg_discard";
    a_c2c_message_rewritten_is_answered_as_the_page_prints_it:
        C2cMessageDecision::Rewrite(c2c_rewrite()) => "c2c_before_send_msg_modify";

    a_group_message_allowed_is_answered_as_the_chat_page_prints_it:
        MessageDecision::Allow => "group_before_send_msg_allow";
    a_group_message_forbidden_is_answered_as_the_chat_page_prints_it:
        MessageDecision::Forbid => "group_before_send_msg_forbid";
    a_group_message_discarded_is_answered_as_the_chat_page_prints_it:
        MessageDecision::Discard => "group_before_send_msg_discard";
    a_group_message_rewritten_is_answered_as_the_chat_page_prints_it:
        MessageDecision::Rewrite(group_rewrite()) => "group_before_send_msg_modify";

    an_official_account_message_allowed_is_answered_as_the_page_prints_it:
        OfficialAccountMessageDecision::Allow => "official_account_before_send_msg_allow";
    an_official_account_message_forbidden_is_answered_as_the_page_prints_it:
        OfficialAccountMessageDecision::Forbid => "official_account_before_send_msg_forbid";
    an_official_account_message_discarded_is_answered_as_the_page_prints_it:
        OfficialAccountMessageDecision::Discard => "official_account_before_send_msg_discard";
    an_official_account_message_rewritten_is_answered_as_the_page_prints_it:
        OfficialAccountMessageDecision::Rewrite(group_rewrite())
            => "official_account_before_send_msg_modify";

    a_group_creation_allowed_is_answered_as_the_page_prints_it:
        GroupRequestDecision::Allow => "group_before_create_group_allow";
    a_group_creation_refused_is_answered_as_the_page_prints_it:
        GroupRequestDecision::Refuse => "group_before_create_group_deny";
    an_application_to_join_allowed_is_answered_as_the_page_prints_it:
        GroupRequestDecision::Allow => "group_before_apply_join_group_allow";
    an_application_to_join_refused_is_answered_as_the_page_prints_it:
        GroupRequestDecision::Refuse => "group_before_apply_join_group_deny";
    a_topic_creation_allowed_is_answered_as_the_page_prints_it:
        GroupRequestDecision::Allow => "group_before_create_topic_allow";
    a_topic_creation_refused_is_answered_as_the_page_prints_it:
        GroupRequestDecision::Refuse => "group_before_create_topic_deny";

    an_invitation_allowed_is_answered_as_the_page_prints_it:
        InviteDecision::Allow => "group_before_invite_join_group_allow";
    an_invitation_refused_for_some_is_answered_as_the_page_prints_it:
        InviteDecision::refuse_some(["jared"]).unwrap()
            => "group_before_invite_join_group_refuse_some";

    an_official_account_creation_allowed_is_answered_as_the_page_prints_it:
        OfficialAccountCreationDecision::Allow
            => "official_account_before_create_official_account_allow";
    an_official_account_creation_refused_is_answered_as_the_page_prints_it:
        OfficialAccountCreationDecision::Refuse
            => "official_account_before_create_official_account_deny";

    subscribers_allowed_are_answered_as_the_page_prints_it:
        SubscriberDecision::Allow => "official_account_before_add_subscriber_allow";
    subscribers_refused_for_some_are_answered_as_the_page_prints_it:
        SubscriberDecision::refuse_some(["jared"]).unwrap()
            => "official_account_before_add_subscriber_refuse_some";

    a_chatbot_reply_is_answered_as_the_page_prints_it:
        ChatbotReply::reply(r#"{"msg":"这是回复给机器人的自定义透传内容"}"#)
            => "chatbot_on_c2c_signal_message_reply";
}

#[test]
fn friends_added_unrefused_are_answered_as_the_page_prints_it() {
    let answer = FriendDecision::default().answer(&requested());
    assert_eq!(
        written(&answer),
        answer_fixture("sns_prev_friend_add_result_items")
    );
}

#[test]
fn friend_responses_unrefused_are_answered_as_the_page_prints_it() {
    let answer = FriendDecision::default().answer(&requested());
    assert_eq!(
        written(&answer),
        answer_fixture("sns_prev_friend_response_result_items")
    );
}

#[test]
fn a_c2c_message_forbidden_with_a_code_passes_the_code_and_message_to_the_sender() {
    let code = C2cForbidCode::new(120500).unwrap();
    let answer = Answer::from(C2cMessageDecision::forbid_with(code, "slow down"));
    let expected = json!({"ActionStatus": "OK", "ErrorInfo": "slow down", "ErrorCode": 120500});
    assert_eq!(written(&answer), expected);
}

#[test]
fn an_official_account_message_forbidden_with_a_code_uses_the_c2c_range() {
    let code = C2cForbidCode::new(130000).unwrap();
    let answer = Answer::from(OfficialAccountMessageDecision::forbid_with(code, "no ads"));
    let expected = json!({"ActionStatus": "OK", "ErrorInfo": "no ads", "ErrorCode": 130000});
    assert_eq!(written(&answer), expected);
}

#[test]
fn a_group_request_refused_with_a_code_passes_the_code_and_message_to_the_caller() {
    let code = MessageForbidCode::new(10150).unwrap();
    let answer = Answer::from(GroupRequestDecision::refuse_with(code, "too many groups"));
    let expected =
        json!({"ActionStatus": "OK", "ErrorInfo": "too many groups", "ErrorCode": 10150});
    assert_eq!(written(&answer), expected);
}

#[test]
fn an_invitation_refused_whole_is_answered_ok_with_code_1() {
    let answer = Answer::from(InviteDecision::Refuse);
    let expected = json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 1});
    assert_eq!(written(&answer), expected);
}

#[test]
fn an_invitation_refused_with_a_code_passes_the_code_and_message_to_the_caller() {
    let code = MessageForbidCode::new(10100).unwrap();
    let answer = Answer::from(InviteDecision::refuse_with(code, "members only"));
    let expected = json!({"ActionStatus": "OK", "ErrorInfo": "members only", "ErrorCode": 10100});
    assert_eq!(written(&answer), expected);
}

#[test]
fn an_official_account_creation_refused_with_a_code_passes_the_code_and_message() {
    let code = C2cForbidCode::new(120001).unwrap();
    let decision = OfficialAccountCreationDecision::refuse_with(code, "name taken");
    let expected = json!({"ActionStatus": "OK", "ErrorInfo": "name taken", "ErrorCode": 120001});
    assert_eq!(written(&Answer::from(decision)), expected);
}

#[test]
fn subscribers_refused_whole_are_answered_ok_with_code_1() {
    let answer = Answer::from(SubscriberDecision::Refuse);
    let expected = json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 1});
    assert_eq!(written(&answer), expected);
}

#[test]
fn a_chatbot_signal_ignored_is_answered_code_1_with_an_empty_rsp_data() {
    let answer = Answer::from(ChatbotReply::Ignore);
    let expected = json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 1, "RspData": ""});
    assert_eq!(written(&answer), expected);
}

#[test]
fn a_chatbot_reply_as_json_is_sent_as_json_text() {
    let reply = ChatbotReply::reply_json(&json!({"msg": "hi"})).unwrap();
    assert_eq!(reply, ChatbotReply::reply(r#"{"msg":"hi"}"#));
}

#[test]
fn a_refused_friend_gets_its_code_and_info_and_the_others_are_allowed() {
    let code = FriendRefusalCode::new(38001).unwrap();
    let decision = FriendDecision::default().refuse("id2", code, "blocked");
    let expected = json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0, "ResultItem": [
        {"To_Account": "id1", "ResultCode": 0, "ResultInfo": ""},
        {"To_Account": "id2", "ResultCode": 38001, "ResultInfo": "blocked"},
    ]});
    assert_eq!(written(&decision.answer(&requested())), expected);
}

#[test]
fn a_friend_refusal_of_a_user_not_requested_is_left_out() {
    let code = FriendRefusalCode::new(38000).unwrap();
    let decision = FriendDecision::default().refuse("stranger", code, "who?");
    assert_eq!(
        written(&decision.answer(&requested())),
        answer_fixture("sns_prev_friend_add_result_items")
    );
}

#[test]
fn friend_results_follow_the_requests_order_one_item_a_user() {
    let requested = ["c", "a", "b"].map(UserId::from);
    let answer = FriendDecision::default().answer(&requested);
    let items = answer.decided("ResultItem").unwrap().as_array().unwrap();
    let users: Vec<&str> = items
        .iter()
        .map(|item| item["To_Account"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["c", "a", "b"]);
}

#[test]
fn a_friend_refused_again_keeps_the_later_refusal() {
    let first = FriendRefusalCode::new(38001).unwrap();
    let later = FriendRefusalCode::new(38002).unwrap();
    let decision = FriendDecision::default()
        .refuse("id1", first, "first")
        .refuse("id1", later, "later");
    assert_eq!(decision.refusal("id1"), Some((later, "later")));
}

#[test]
fn user_ids_that_arrived_as_numbers_are_answered_as_strings() {
    let number: UserId = serde_json::from_str("107867").unwrap();
    let code = FriendRefusalCode::new(38000).unwrap();
    let friends = FriendDecision::default().refuse(number.clone(), code, "");
    let items = written(&friends.answer([&number]));
    assert_eq!(items["ResultItem"][0]["To_Account"], json!("107867"));
    let invite = Answer::from(InviteDecision::refuse_some([number]).unwrap());
    assert_eq!(
        written(&invite)["RefusedMembers_Account"],
        json!(["107867"])
    );
}

#[test]
fn every_decisions_default_is_the_pages_allow() {
    let allow = answer_fixture("c2c_before_send_msg_allow");
    assert_eq!(written(&C2cMessageDecision::default().into()), allow);
    assert_eq!(written(&MessageDecision::default().into()), allow);
    assert_eq!(written(&GroupRequestDecision::default().into()), allow);
    assert_eq!(written(&InviteDecision::default().into()), allow);
    assert_eq!(
        written(&OfficialAccountCreationDecision::default().into()),
        allow
    );
    assert_eq!(written(&SubscriberDecision::default().into()), allow);
    assert_eq!(FriendDecision::default().refusal("id1"), None);
}

#[test]
fn a_chatbot_reply_defaults_to_ignoring() {
    assert_eq!(ChatbotReply::default(), ChatbotReply::Ignore);
}

#[test]
fn a_c2c_code_outside_120001_to_130000_cannot_be_made() {
    assert!(C2cForbidCode::new(120000).is_none());
    assert!(C2cForbidCode::new(130001).is_none());
    assert!(C2cForbidCode::new(10100).is_none());
    assert_eq!(C2cForbidCode::new(120001).unwrap().get(), 120001);
    assert_eq!(C2cForbidCode::new(130000).unwrap().get(), 130000);
}

#[test]
fn a_friend_refusal_code_outside_38000_to_39000_cannot_be_made() {
    assert!(FriendRefusalCode::new(37999).is_none());
    assert!(FriendRefusalCode::new(39001).is_none());
    assert!(FriendRefusalCode::new(1).is_none());
    assert_eq!(FriendRefusalCode::new(38000).unwrap().get(), 38000);
    assert_eq!(FriendRefusalCode::new(39000).unwrap().get(), 39000);
}

#[test]
fn refusing_some_of_nobody_cannot_be_made() {
    let nobody: [&str; 0] = [];
    assert!(RefusedUsers::new(nobody).is_none());
    assert!(InviteDecision::refuse_some(nobody).is_none());
    assert!(SubscriberDecision::refuse_some(nobody).is_none());
}

#[test]
fn every_chat_answer_fixture_reads_as_an_answer_that_writes_it_back() {
    let dir = common::fixtures_dir().join("chat/answers");
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let answer: Answer =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let printed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(written(&answer), printed, "{}", path.display());
        read += 1;
    }
    assert!(read >= 28, "answer fixtures missing: {read} read");
}

#[test]
fn a_documented_answer_read_back_equals_the_decisions() {
    let text = common::fixture("chat/answers/group_before_invite_join_group_refuse_some.json");
    let read: Answer = serde_json::from_slice(&text).unwrap();
    assert_eq!(
        read,
        Answer::from(InviteDecision::refuse_some(["jared"]).unwrap())
    );
}
