//! The Chat families other than messages, groups and official accounts
//! (`protocol-chat.md` sections 4.1–4.9, 4.45–4.48, 4.60–4.64): online state, profiles,
//! relationships, chatbots, moderation, push and calls. Every sample of these families
//! decodes to its typed event, names every member and is written back as it arrived; each
//! command's key members; the drifts of section 8 read both ways; and the bodies without a
//! top-level `CallbackCommand` (section 1.2), decided by the query's command.

use crate::common;

use serde_json::{json, Value};
use tencent_room_webhook::event::chat::account::{
    DevicePlatform, ProfileValue, StateAction, StateReason,
};
use tencent_room_webhook::event::chat::call::{
    CallAction, CallMediaType, CallOutcome, CallResult, CallType, CallUserStatus,
};
use tencent_room_webhook::event::chat::moderation::{
    ModerationContentType, ModerationLabel, ModerationScene, ModerationSuggestion,
};
use tencent_room_webhook::event::chat::sns::{
    FriendAddCommand, FriendAddType, FriendResponseAction,
};
use tencent_room_webhook::event::live::MsgElement;
use tencent_room_webhook::event::{ChatEvent, DecodeError, Event};
use tencent_room_webhook::testing::{self, CallbackRequest};

use common::*;

/// The fixture names' prefixes of these families.
const FAMILIES: [&str; 9] = [
    "alert_", "state_", "profile_", "sns_", "bot_", "chatbot_", "content_", "push_", "call_",
];

/// The commands whose body has no top-level `CallbackCommand`, by fixture stem.
const QUERY_DECIDES: [(&str, &str); 3] = [
    ("push_offline_push", "Push.OfflinePush"),
    ("push_all_member_push", "Push.AllMemberPush"),
    (
        "content_callback_result_notify",
        "ContentCallback.ResultNotify",
    ),
];

/// Every sample of these families in `tests/fixtures/chat` and `chat/variants`, with the
/// command Tencent sends it with in the query.
fn family_fixtures() -> Vec<(String, String, Vec<u8>)> {
    let mut out = Vec::new();
    for folder in ["chat", "chat/variants"] {
        for entry in std::fs::read_dir(fixtures_dir().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !path.extension().is_some_and(|e| e == "json")
                || !FAMILIES.iter().any(|family| name.starts_with(family))
            {
                continue;
            }
            let body = std::fs::read(&path).unwrap();
            let stem = name.split('.').next().unwrap();
            let command = match QUERY_DECIDES.iter().find(|(file, _)| *file == stem) {
                Some((_, command)) => command.to_string(),
                None => command_of(&body),
            };
            out.push((format!("{folder}/{name}"), command, body));
        }
    }
    out.sort();
    // 1 + 2 + 6 + 3 + 1 + 2 + 3 commands, and the second moderation sample.
    assert_eq!(
        out.len(),
        19,
        "{:?}",
        out.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    out
}

/// The sample of `relative`, decoded with the command Tencent sends it with.
fn chat(relative: &str) -> ChatEvent {
    let (_, command, body) = family_fixtures()
        .into_iter()
        .find(|(name, _, _)| name == &format!("chat/{relative}"))
        .unwrap_or_else(|| panic!("no fixture {relative}"));
    match Event::decode(&command, &body).unwrap() {
        Event::Chat(event) => event,
        other => panic!("{relative} decoded as {other:?}"),
    }
}

/// `body` decoded as its own command says.
fn from_value(body: Value) -> ChatEvent {
    match Event::from_json(body.to_string().as_bytes()).unwrap() {
        Event::Chat(event) => event,
        other => panic!("decoded as {other:?}"),
    }
}

/// The event written back, as JSON.
fn written(event: &Event) -> Value {
    serde_json::to_value(event).unwrap()
}

#[test]
fn every_sample_of_these_families_is_typed_named_and_written_back() {
    for (name, command, body) in family_fixtures() {
        let event = Event::decode(&command, &body).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(matches!(event, Event::Chat(_)), "{name}: {event:?}");
        assert_eq!(event.command(), command, "{name}");
        let unnamed = testing::unnamed_members(&event);
        assert!(unnamed.is_empty(), "{name}: {unnamed:?}");
        let sent: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(written(&event), sent, "{name}");
    }
}

#[test]
fn the_kit_has_a_sample_of_every_command_of_these_families() {
    let requests = [
        CallbackRequest::state_changed(),
        CallbackRequest::profile_updated(),
        CallbackRequest::friend_request(),
        CallbackRequest::friend_request_answered(),
        CallbackRequest::friends_added(),
        CallbackRequest::friends_deleted(),
        CallbackRequest::blocklist_added(),
        CallbackRequest::blocklist_removed(),
        CallbackRequest::bot_message_received(),
        CallbackRequest::bot_group_message_received(),
        CallbackRequest::signal_message(),
        CallbackRequest::moderation_result(),
        CallbackRequest::offline_push_results(),
        CallbackRequest::all_member_push_results(),
        CallbackRequest::call_started(),
        CallbackRequest::call_ended(),
        CallbackRequest::call_members_changed(),
    ];
    for request in requests {
        let event = Event::decode(request.command(), request.body_bytes()).unwrap();
        assert!(matches!(event, Event::Chat(_)), "{event:?}");
        assert_eq!(event.command(), request.command());
    }
}

// Online state and profiles (`chat::account`).

#[test]
fn state_change_reads_action_reason_and_kicked_devices() {
    let ChatEvent::StateChanged(changed) = chat("state_state_change.json") else {
        panic!()
    };
    assert_eq!(changed.event_time.unwrap().as_millis(), 1629883332497);
    let info = changed.info.as_ref().unwrap();
    assert_eq!(info.action, Some(StateAction::Login));
    assert_eq!(info.reason, Some(StateReason::Register));
    assert_eq!(info.to_account.as_ref().unwrap(), "testuser316");
    let platforms: Vec<_> = changed
        .kicked_device
        .iter()
        .map(|device| device.platform.clone().unwrap())
        .collect();
    assert_eq!(
        platforms,
        [DevicePlatform::Windows, DevicePlatform::Android]
    );
    assert_eq!(changed.custom_status(), None);
    let event = Event::Chat(ChatEvent::StateChanged(changed));
    assert_eq!(event.room_id(), None);
    assert_eq!(event.event_time().unwrap().as_millis(), 1629883332497);
}

#[test]
fn a_custom_status_change_is_read_inside_info_or_at_the_top_its_action_kept() {
    // The Chinese table (2024 on) lists `CustomStatus` after `Info.Reason`, and names no
    // `Action` value for it: both placements read, an unlisted action kept as sent.
    let inside = json!({
        "CallbackCommand": "State.StateChange",
        "EventTime": 1629883332497u64,
        "Info": {
            "Action": "CustomStatusChange",
            "To_Account": "u1",
            "Reason": "SetCustomStatus",
            "CustomStatus": "busy"
        }
    });
    let mut top = inside.clone();
    let status = top["Info"].as_object_mut().unwrap().remove("CustomStatus");
    top["CustomStatus"] = status.unwrap();
    for body in [inside, top] {
        let event = Event::from_json(body.to_string().as_bytes()).unwrap();
        let Event::Chat(ChatEvent::StateChanged(changed)) = &event else {
            panic!()
        };
        assert_eq!(changed.custom_status(), Some("busy"));
        let info = changed.info.as_ref().unwrap();
        assert_eq!(info.reason, Some(StateReason::SetCustomStatus));
        assert_eq!(
            info.action,
            Some(StateAction::Other("CustomStatusChange".into()))
        );
        assert!(testing::unnamed_members(&event).is_empty());
        assert_eq!(written(&event), body);
    }
}

#[test]
fn portrait_set_reads_the_items_and_their_text_or_number_values() {
    let ChatEvent::ProfileUpdated(updated) = chat("profile_portrait_set.json") else {
        panic!()
    };
    assert_eq!(updated.operator_account.as_ref().unwrap(), "id1");
    assert_eq!(updated.from_account.as_ref().unwrap(), "id1");
    assert_eq!(updated.event_time.unwrap().as_millis(), 1656921052497);
    assert_eq!(updated.profile_item.len(), 4);
    let nick = &updated.profile_item[0];
    assert_eq!(nick.tag.as_deref(), Some("Tag_Profile_IM_Nick"));
    assert_eq!(nick.value.as_ref().unwrap().as_str(), Some("nick1"));

    // "uint32/string": a numeric field's value is a number, written back as one.
    let body = json!({
        "CallbackCommand": "Profile.CallbackPortraitSet",
        "From_Account": "id1",
        "ProfileItem": [
            {"Tag": "Tag_Profile_IM_Level", "Value": 3},
            {"Tag": "Tag_Profile_IM_Nick", "Value": "3"}
        ]
    });
    let event = Event::from_json(body.to_string().as_bytes()).unwrap();
    let Event::Chat(ChatEvent::ProfileUpdated(updated)) = &event else {
        panic!()
    };
    assert_eq!(updated.profile_item[0].value, Some(ProfileValue::Number(3)));
    assert_eq!(
        updated.profile_item[1].value,
        Some(ProfileValue::Text("3".into()))
    );
    assert_eq!(written(&event), body);
}

// Relationships (`chat::sns`).

#[test]
fn prev_friend_add_reads_the_requester_and_each_user_asked_for() {
    let ChatEvent::FriendRequest(request) = chat("sns_prev_friend_add.json") else {
        panic!()
    };
    assert_eq!(request.requester_account.as_ref().unwrap(), "id");
    assert_eq!(request.from_account.as_ref().unwrap(), "id");
    assert_eq!(request.add_type, Some(FriendAddType::Both));
    assert_eq!(request.force_add_flags, Some(0));
    assert_eq!(request.event_time.unwrap().as_millis(), 1631777344870);
    let [first, second] = &request.friend_item[..] else {
        panic!()
    };
    assert_eq!(first.to_account.as_ref().unwrap(), "id1");
    assert_eq!(first.remark.as_deref(), Some("remark1"));
    assert_eq!(first.group_name.as_deref(), Some("group1"));
    assert_eq!(first.add_source.as_deref(), Some("AddSource_Type_Android"));
    assert_eq!(first.add_wording.as_deref(), Some("this is id1!"));
    assert_eq!(second.to_account.as_ref().unwrap(), "id2");
}

#[test]
fn prev_friend_response_reads_each_answer_and_its_action() {
    let ChatEvent::FriendRequestAnswered(answered) = chat("sns_prev_friend_response.json") else {
        panic!()
    };
    assert_eq!(answered.from_account.as_ref().unwrap(), "id");
    assert_eq!(answered.event_time.unwrap().as_millis(), 1631777645424);
    let [first, second] = &answered.response_friend_item[..] else {
        panic!()
    };
    assert_eq!(first.to_account.as_ref().unwrap(), "id1");
    assert_eq!(first.tag_name.as_deref(), Some("group1"));
    assert_eq!(
        first.response_action,
        Some(FriendResponseAction::AgreeAndAdd)
    );
    assert_eq!(second.response_action, Some(FriendResponseAction::Reject));
}

#[test]
fn friend_add_reads_the_pairs_the_client_command_and_the_empty_admin() {
    let ChatEvent::FriendsAdded(added) = chat("sns_friend_add.json") else {
        panic!()
    };
    assert_eq!(added.pair_list.len(), 3);
    let pair = &added.pair_list[2];
    assert_eq!(pair.from_account.as_ref().unwrap(), "id");
    assert_eq!(pair.to_account.as_ref().unwrap(), "id3");
    assert_eq!(pair.initiator_account.as_ref().unwrap(), "id");
    assert_eq!(added.client_cmd, Some(FriendAddCommand::FriendAdd));
    // An empty string stays one.
    assert_eq!(added.admin_account.as_ref().unwrap(), "");
    assert_eq!(added.force_flag, Some(1));
    assert_eq!(
        Event::Chat(ChatEvent::FriendsAdded(added)).event_time(),
        None
    );
}

#[test]
fn friend_add_reads_either_spelling_of_the_client_command() {
    let added = from_value(json!({
        "CallbackCommand": "Sns.CallbackFriendAdd",
        "ClientCmd": "FriendResponse"
    }));
    let ChatEvent::FriendsAdded(added) = added else {
        panic!()
    };
    let command = added.client_cmd.unwrap();
    assert_eq!(command.as_str(), "FriendResponse");
    assert_eq!(command.normalized(), FriendAddCommand::FriendResponse);
}

#[test]
fn friend_delete_reads_whose_list_lost_whom() {
    let ChatEvent::FriendsDeleted(deleted) = chat("sns_friend_delete.json") else {
        panic!()
    };
    let pairs: Vec<_> = deleted
        .pair_list
        .iter()
        .map(|pair| {
            (
                pair.from_account.clone().unwrap(),
                pair.to_account.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("id".into(), "id1".into()),
            ("id".into(), "id2".into()),
            ("id".into(), "id3".into())
        ]
    );
}

#[test]
fn blocklist_add_reads_whose_blocklist_gained_whom() {
    let ChatEvent::BlocklistAdded(added) = chat("sns_black_list_add.json") else {
        panic!()
    };
    assert_eq!(added.pair_list.len(), 3);
    assert_eq!(added.pair_list[0].from_account.as_ref().unwrap(), "id");
    assert_eq!(added.pair_list[0].to_account.as_ref().unwrap(), "id1");
    assert_eq!(added.pair_list[0].initiator_account, None);
}

#[test]
fn blocklist_delete_reads_whose_blocklist_lost_whom() {
    let ChatEvent::BlocklistRemoved(removed) = chat("sns_black_list_delete.json") else {
        panic!()
    };
    assert_eq!(removed.pair_list.len(), 3);
    assert_eq!(removed.pair_list[1].to_account.as_ref().unwrap(), "id2");
}

// Chatbots (`chat::bot`).

#[test]
fn bot_c2c_message_reads_the_message_its_result_and_times() {
    let ChatEvent::BotMessageReceived(message) = chat("bot_on_c2c_message.json") else {
        panic!()
    };
    assert_eq!(message.from_account.as_ref().unwrap(), "jared");
    assert_eq!(message.to_account.as_ref().unwrap(), "Jonh");
    assert_eq!(message.msg_seq, Some(48374));
    assert_eq!(message.msg_random, Some(2837546));
    assert_eq!(message.msg_time, Some(1557481126));
    assert_eq!(message.msg_key.as_deref(), Some("48374_2837546_1557481126"));
    assert_eq!(message.online_only_flag, Some(1));
    assert_eq!(message.send_msg_result, Some(0));
    assert_eq!(message.error_info.as_deref(), Some("send msg succeed"));
    assert_eq!(message.msg_body, [MsgElement::text("red packet")]);
    assert_eq!(
        message.cloud_custom_data.as_deref(),
        Some("your cloud custom data")
    );
    assert_eq!(message.msg_id, None);
    let event = Event::Chat(ChatEvent::BotMessageReceived(message));
    assert_eq!(event.event_time().unwrap().as_millis(), 1670574414123);
    assert_eq!(event.room_id(), None);
}

#[test]
fn bot_c2c_message_reads_the_msg_id_of_the_chinese_copy() {
    let body = json!({
        "CallbackCommand": "Bot.OnC2CMessage",
        "From_Account": "jared",
        "MsgId": "144115233406643804-1727580296-4026038328",
        "EventTime": 1670574414123u64
    });
    let event = Event::from_json(body.to_string().as_bytes()).unwrap();
    let Event::Chat(ChatEvent::BotMessageReceived(message)) = &event else {
        panic!()
    };
    assert_eq!(
        message.msg_id.as_deref(),
        Some("144115233406643804-1727580296-4026038328")
    );
    assert!(testing::unnamed_members(&event).is_empty());
    assert_eq!(written(&event), body);
}

#[test]
fn bot_group_message_reads_the_group_and_the_mentioned_bots() {
    let ChatEvent::BotGroupMessageReceived(message) = chat("bot_on_group_message.json") else {
        panic!()
    };
    assert_eq!(message.group_id.as_ref().unwrap(), "@TGS#2J4SZEAEL");
    assert_eq!(message.group_type.as_deref(), Some("Public"));
    assert_eq!(message.operator_account.as_ref().unwrap(), "admin");
    assert_eq!(message.random, Some(123456));
    assert_eq!(message.msg_seq, Some(123));
    assert_eq!(message.msg_time, Some(1490686222));
    assert_eq!(message.at_robots_account, ["@RBT#001"]);
    assert_eq!(message.msg_body, [MsgElement::text("@@RBT#001 hello")]);
    let event = Event::Chat(ChatEvent::BotGroupMessageReceived(message));
    assert_eq!(event.room_id().unwrap(), "@TGS#2J4SZEAEL");
    assert_eq!(event.event_time().unwrap().as_millis(), 1670574414123);
}

#[test]
fn the_mentioned_bots_are_read_under_either_name() {
    // The pages say `AtRobots_Account`, a third-party SDK `AtRobotAccount`.
    for name in ["AtRobots_Account", "AtRobotAccount"] {
        let event = Event::from_json(
            json!({"CallbackCommand": "Bot.OnGroupMessage", name: ["@RBT#001", "@RBT#002"]})
                .to_string()
                .as_bytes(),
        )
        .unwrap();
        let Event::Chat(ChatEvent::BotGroupMessageReceived(message)) = &event else {
            panic!()
        };
        assert_eq!(
            message.at_robots_account,
            ["@RBT#001", "@RBT#002"],
            "{name}"
        );
        assert!(testing::unnamed_members(&event).is_empty());
        // Written back under the pages' name.
        assert_eq!(
            written(&event)["AtRobots_Account"],
            json!(["@RBT#001", "@RBT#002"])
        );
    }
}

#[test]
fn signal_message_keeps_data_as_text_and_parses_it_on_demand() {
    let ChatEvent::SignalMessage(message) = chat("chatbot_on_c2c_signal_message.json") else {
        panic!()
    };
    assert_eq!(message.from_account.as_ref().unwrap(), "user01");
    assert_eq!(message.to_account.as_ref().unwrap(), "@RBT#chatbot");
    assert_eq!(message.msg_seq, Some(5678));
    assert_eq!(message.msg_random, Some(8765));
    assert_eq!(message.msg_key.as_deref(), Some("8765_5678_4321"));
    assert_eq!(message.event_time.unwrap().as_millis(), 1670574414123);
    assert_eq!(
        message.data.as_deref(),
        Some(r#"{"msg":"这是自定义透传内容"}"#)
    );
    let data: Value = message.parse_data().unwrap().unwrap();
    assert_eq!(data, json!({"msg": "这是自定义透传内容"}));
}

#[test]
fn signal_data_escaped_as_the_page_copies_print_it_is_kept_though_it_does_not_parse() {
    // The page copies print `\\"` inside `Data` (section 8, item 7): as JSON text, the
    // string then holds backslashes, which is no JSON; the event keeps it as sent.
    let body = r#"{"CallbackCommand": "Chatbot.OnC2CSignalMessage","Data": "{\\\"msg\\\":1}"}"#;
    let event = Event::from_json(body.as_bytes()).unwrap();
    let Event::Chat(ChatEvent::SignalMessage(message)) = &event else {
        panic!()
    };
    assert_eq!(message.data.as_deref(), Some(r#"{\"msg\":1}"#));
    assert!(message.parse_data::<Value>().unwrap().is_err());
    assert_eq!(
        written(&event),
        serde_json::from_str::<Value>(body).unwrap()
    );
    let mut none = message.clone();
    none.data = None;
    assert!(none.parse_data::<Value>().is_none());
}

// Content moderation (`chat::moderation`).

#[test]
fn moderation_result_reads_the_verdict_from_a_body_without_a_command() {
    let ChatEvent::ModerationResult(result) = chat("content_callback_result_notify.json") else {
        panic!()
    };
    assert_eq!(result.scene, Some(ModerationScene::C2c));
    assert_eq!(result.sdk_app_id, Some(1400187352));
    assert_eq!(result.from_account.as_ref().unwrap(), "jared");
    let contact = result.contact_item.as_ref().unwrap();
    assert_eq!(contact.contact_type, Some(1));
    assert_eq!(contact.to_account.as_ref().unwrap(), "Jonh");
    assert_eq!(contact.to_group_id, None);
    assert_eq!(result.content_type, Some(ModerationContentType::Text));
    assert_eq!(result.text_content, ["aaabbbccc", "1234567"]);
    assert_eq!(
        result.msg_id.as_deref(),
        Some("1434460578_4137340972_1661154487")
    );
    assert_eq!(result.ctxcb_result, Some(1));
    assert_eq!(
        result.ctxcb_request_id.as_deref(),
        Some("241ed925-4c56-4357-95dd-1e6e7798f214")
    );
    assert_eq!(result.ctxcb_keywords, ["aaabbbccc", "1234567"]);
    assert_eq!(result.ctxcb_suggestion, Some(ModerationSuggestion::Review));
    assert_eq!(result.ctxcb_label, Some(ModerationLabel::Sexy));
    assert_eq!(result.ctxcb_sub_label.as_deref(), Some("InsinuationPorn"));
    assert_eq!(result.ctxcb_sub_label_desc.as_deref(), Some("影射XX"));
    assert_eq!(result.ctxcb_lib_name.as_deref(), Some("test"));
    assert_eq!(result.cloud_custom_data.as_deref(), Some("aaabbbccc"));
    let event = Event::Chat(ChatEvent::ModerationResult(result));
    assert_eq!(event.room_id(), None);
    assert_eq!(event.event_time(), None);
}

#[test]
fn a_group_moderation_result_is_about_its_group() {
    let body = json!({
        "Scene": "Group",
        "ContactItem": {"ContactType": 2, "ToGroupId": "@TGS#1"},
        "ContentType": "Image",
        "FileURL": "https://example.com/a.png"
    });
    let event = Event::decode("ContentCallback.ResultNotify", body.to_string().as_bytes()).unwrap();
    assert_eq!(event.room_id().unwrap(), "@TGS#1");
    let Event::Chat(ChatEvent::ModerationResult(result)) = &event else {
        panic!()
    };
    assert_eq!(
        result.file_url.as_deref(),
        Some("https://example.com/a.png")
    );
    assert!(testing::unnamed_members(&event).is_empty());
    assert_eq!(written(&event), body);
}

// Push results (`chat::push`).

#[test]
fn offline_push_reads_both_events_of_its_envelope_with_times_in_seconds() {
    let ChatEvent::OfflinePushResults(results) = chat("push_offline_push.json") else {
        panic!()
    };
    let [c2c, group] = &results.events[..] else {
        panic!("{results:?}")
    };
    assert_eq!(c2c.callback_command.as_deref(), Some("Push.OfflinePush"));
    assert_eq!(c2c.event_type, Some(1));
    assert_eq!(c2c.event_time, Some(1557481127));
    assert_eq!(c2c.from_account.as_ref().unwrap(), "user1");
    assert_eq!(c2c.to_account.as_ref().unwrap(), "user2");
    assert_eq!(c2c.push_platform, Some(1));
    assert_eq!(c2c.push_stage, Some(1));
    assert_eq!(c2c.msg_key.as_deref(), Some("48374_2837546_1557481126"));
    assert_eq!(c2c.group_id, None);
    assert_eq!(c2c.msg_seq, Some(48374));
    assert_eq!(c2c.msg_time, Some(1557481126));
    assert_eq!(
        c2c.push_id.as_deref(),
        Some("67120c46_6a4086c0_9bf5fb50_200002d1089b322_2000005d8d46421")
    );
    assert_eq!(c2c.err_code, Some(0));
    assert_eq!(c2c.err_info.as_deref(), Some("OK"));
    assert_eq!(group.event_type, Some(2));
    assert_eq!(group.group_id.as_ref().unwrap(), "@TGS#12DEVUDHQ");
    assert_eq!(group.msg_key, None);
    // Seconds are no `EventTime`: the batch has none.
    assert_eq!(
        Event::Chat(ChatEvent::OfflinePushResults(results)).event_time(),
        None
    );
}

#[test]
fn all_member_push_reads_each_task_result() {
    let ChatEvent::AllMemberPushResults(results) = chat("push_all_member_push.json") else {
        panic!()
    };
    let [offline, online] = &results.events[..] else {
        panic!("{results:?}")
    };
    assert_eq!(
        offline.callback_command.as_deref(),
        Some("Push.AllMemberPush")
    );
    assert_eq!(offline.event_type, Some(1));
    assert_eq!(
        offline.task_id.as_deref(),
        Some("657bf434_537529d8_2000005e80aa873_2780d131_bc614e")
    );
    assert_eq!(offline.task_time, Some(1557481127));
    assert_eq!(offline.event_time, Some(1557481128));
    assert_eq!(offline.to_account.as_ref().unwrap(), "user2");
    assert_eq!(offline.push_platform, Some(1));
    assert_eq!(offline.push_stage, Some(1));
    assert_eq!(offline.err_code, Some(0));
    assert_eq!(online.event_type, Some(2));
    assert_eq!(online.push_platform, Some(0));
    assert_eq!(online.event_time, Some(1557481129));
}

// Calls (`chat::call`).

#[test]
fn start_call_reads_the_call_and_its_members() {
    let ChatEvent::CallStarted(started) = chat("call_after_start_call.json") else {
        panic!()
    };
    let info = started.call_info.as_ref().unwrap();
    assert_eq!(
        info.call_id.as_deref(),
        Some("055662e1-bc8a-469c-a334-1126c8c17d58")
    );
    assert_eq!(info.media_type, Some(CallMediaType::Audio));
    assert_eq!(info.chat_group_id.as_deref(), Some(""));
    assert_eq!(info.room_id.as_ref().unwrap(), "");
    assert_eq!(info.room_id_type, Some(1));
    let members: Vec<_> = started
        .user_list
        .iter()
        .map(|user| {
            (
                user.user_account.clone().unwrap(),
                user.status.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        members,
        [
            ("user1".into(), CallUserStatus::Calling),
            ("user2".into(), CallUserStatus::Waiting)
        ]
    );
    let event = Event::Chat(ChatEvent::CallStarted(started));
    assert_eq!(event.event_time().unwrap().as_millis(), 1740464128807);
    assert_eq!(event.room_id(), None);
}

#[test]
fn end_call_reads_the_record_with_times_in_seconds() {
    let ChatEvent::CallEnded(ended) = chat("call_after_end_call.json") else {
        panic!()
    };
    let record = ended.call_record.as_ref().unwrap();
    assert_eq!(
        record.call_id.as_deref(),
        Some("055662e1-bc8a-469c-a334-1126c8c17d58")
    );
    assert_eq!(record.caller_account.as_ref().unwrap(), "10001");
    assert_eq!(record.media_type, Some(CallMediaType::Audio));
    assert_eq!(record.call_type, Some(CallType::SingleCall));
    assert_eq!(record.start_time, Some(1741231146));
    assert_eq!(record.end_time, Some(1741231296));
    assert_eq!(record.accept_time, Some(0));
    assert_eq!(
        record.call_result,
        Some(CallResult::Outcome(CallOutcome::NotAnswer))
    );
    assert_eq!(record.callee_list_account, ["10001", "user2"]);
    assert_eq!(record.room_id.as_ref().unwrap(), "roomid-1434");
    assert_eq!(record.room_id_type, Some(2));
    assert_eq!(ended.event_time.unwrap().as_millis(), 1703589922780);
}

#[test]
fn member_changed_reads_every_member_and_the_changes() {
    let ChatEvent::CallMembersChanged(changed) = chat("call_after_member_changed.json") else {
        panic!()
    };
    assert_eq!(
        changed.call_id.as_deref(),
        Some("055662e1-bc8a-469c-a334-1126c8c17d58")
    );
    assert_eq!(changed.user_list.len(), 2);
    assert_eq!(changed.user_list[1].status, Some(CallUserStatus::Calling));
    let [change] = &changed.changed_user_list[..] else {
        panic!()
    };
    assert_eq!(change.user_account.as_ref().unwrap(), "user2");
    assert_eq!(change.action_type, Some(CallAction::Accept));
    assert_eq!(changed.event_time.unwrap().as_millis(), 1740464128807);

    let change = from_value(json!({
        "CallbackCommand": "Call.CallbackAfterMemberChanged",
        "ChangedUserList": [{"User_Account": "u", "ActionType": "Cancel_Invite"}]
    }));
    let ChatEvent::CallMembersChanged(changed) = change else {
        panic!()
    };
    assert_eq!(
        changed.changed_user_list[0].action_type,
        Some(CallAction::CancelInvite)
    );
}

#[test]
fn the_media_type_is_read_under_either_name_in_call_info_and_call_record() {
    // The start page's sample says `CallInfo.CallMediaType`, its table `MediaType`; the
    // end page's `CallRecord` says `MediaType`.
    for name in ["CallMediaType", "MediaType"] {
        let started = from_value(json!({
            "CallbackCommand": "Call.CallbackAfterStartCall",
            "CallInfo": {name: "Video"}
        }));
        let ChatEvent::CallStarted(started) = started else {
            panic!()
        };
        let info = started.call_info.as_ref().unwrap();
        assert_eq!(info.media_type, Some(CallMediaType::Video), "{name}");
        assert!(info.extra.is_empty());

        let ended = from_value(json!({
            "CallbackCommand": "Call.CallbackAfterEndCall",
            "CallRecord": {name: "Video"}
        }));
        let ChatEvent::CallEnded(ended) = ended else {
            panic!()
        };
        let record = ended.call_record.as_ref().unwrap();
        assert_eq!(record.media_type, Some(CallMediaType::Video), "{name}");
        assert!(record.extra.is_empty());
    }
}

#[test]
fn the_call_result_is_read_as_the_samples_text_or_the_tables_integer() {
    for (sent, read) in [
        (
            json!("NotAnswer"),
            CallResult::Outcome(CallOutcome::NotAnswer),
        ),
        (
            json!("Hangup"),
            CallResult::Outcome(CallOutcome::Other("Hangup".into())),
        ),
        (json!(2), CallResult::Code(2)),
    ] {
        let body = json!({
            "CallbackCommand": "Call.CallbackAfterEndCall",
            "CallRecord": {"CallResult": sent}
        });
        let event = Event::from_json(body.to_string().as_bytes()).unwrap();
        let Event::Chat(ChatEvent::CallEnded(ended)) = &event else {
            panic!()
        };
        assert_eq!(ended.call_record.as_ref().unwrap().call_result, Some(read));
        assert!(testing::unnamed_members(&event).is_empty());
        assert_eq!(written(&event), body);
    }
}

// Bodies without a top-level `CallbackCommand` (section 1.2): the query's decides.

#[test]
fn a_push_envelope_of_two_events_decodes_to_both_and_is_written_back_without_a_command() {
    let body = json!({"Events": [
        {"CallbackCommand": "Push.OfflinePush", "EventType": 1, "To_Account": "a", "ErrCode": 0},
        {"CallbackCommand": "Push.OfflinePush", "EventType": 2, "GroupID": "@TGS#g", "ErrCode": 6}
    ]});
    let event = Event::decode("Push.OfflinePush", body.to_string().as_bytes()).unwrap();
    assert_eq!(event.command(), "Push.OfflinePush");
    let Event::Chat(ChatEvent::OfflinePushResults(results)) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(results.events.len(), 2);
    assert_eq!(results.events[0].to_account.as_ref().unwrap(), "a");
    assert_eq!(results.events[1].group_id.as_ref().unwrap(), "@TGS#g");
    assert_eq!(results.events[1].err_code, Some(6));
    assert!(testing::unnamed_members(&event).is_empty());
    let written = written(&event);
    assert!(written.get("CallbackCommand").is_none());
    assert_eq!(written, body);
}

#[test]
fn each_query_decided_sample_is_written_back_exactly_without_a_command() {
    for (stem, command) in QUERY_DECIDES {
        let body = fixture(&format!("chat/{stem}.json"));
        let event = Event::decode(command, &body).unwrap();
        assert_eq!(event.command(), command);
        let sent: Value = serde_json::from_slice(&body).unwrap();
        assert!(sent.get("CallbackCommand").is_none());
        assert_eq!(written(&event), sent, "{stem}");
        // The text, too: the members in the order sent, no command added first.
        assert_eq!(
            serde_json::to_string(&event).unwrap(),
            sent.to_string(),
            "{stem}"
        );
    }
}

#[test]
fn a_body_without_a_command_under_another_query_command_is_still_missing_its_command() {
    for stem in ["push_offline_push", "content_callback_result_notify"] {
        let body = fixture(&format!("chat/{stem}.json"));
        for query in [
            "Sns.CallbackFriendAdd",
            "Room.CallbackAfterCreateRoom",
            "Chatbot.OnC2CSignalMessage",
            "Push.Invented",
        ] {
            assert_eq!(
                Event::decode(query, &body).unwrap_err(),
                DecodeError::MissingCommand,
                "{stem} under {query}"
            );
        }
        // Without a query, nothing decides.
        assert_eq!(
            Event::from_json(&body).unwrap_err(),
            DecodeError::MissingCommand
        );
    }
}

#[test]
fn a_body_with_its_own_command_is_that_command_even_under_a_push_query() {
    let body = fixture("chat/sns_friend_delete.json");
    let event = Event::decode("Push.OfflinePush", &body).unwrap();
    assert!(matches!(event, Event::Chat(ChatEvent::FriendsDeleted(_))));
}

#[test]
fn an_unreadable_member_of_a_query_decided_body_is_kept_and_the_rest_typed() {
    let body = json!({"Events": [
        {"CallbackCommand": "Push.AllMemberPush", "EventType": "offline", "TaskId": "t1"}
    ]});
    let event = Event::decode("Push.AllMemberPush", body.to_string().as_bytes()).unwrap();
    let Event::Chat(ChatEvent::AllMemberPushResults(results)) = &event else {
        panic!("{event:?}")
    };
    let [result] = &results.events[..] else {
        panic!()
    };
    assert_eq!(result.event_type, None);
    assert_eq!(result.extra["EventType"], "offline");
    assert_eq!(result.task_id.as_deref(), Some("t1"));
    assert_eq!(written(&event), body);
}

#[tokio::test]
async fn a_push_body_sent_with_its_query_command_is_delivered_and_answered_ok() {
    let recorder = Recorder::default();
    let request = CallbackRequest::new("Push.OfflinePush", fixture("chat/push_offline_push.json"));
    testing::send(testing::chat_service(recorder.clone()), request)
        .await
        .assert_ok();
    let [(event, context)] = &recorder.take()[..] else {
        panic!()
    };
    let Event::Chat(ChatEvent::OfflinePushResults(results)) = event else {
        panic!("{event:?}")
    };
    assert_eq!(results.events.len(), 2);
    assert_eq!(context.command, "Push.OfflinePush");
}

#[tokio::test]
async fn a_body_without_a_command_under_another_query_command_is_answered_400() {
    let request = CallbackRequest::new(
        "Sns.CallbackFriendAdd",
        fixture("chat/content_callback_result_notify.json"),
    );
    testing::send(testing::service(Recorder::default()), request)
        .await
        .assert_fail(400, 40000);
}
