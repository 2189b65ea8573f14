//! The messaging families of Chat (`protocol-chat.md` sections 3.3 and 4.12-4.44,
//! 4.49-4.59): one-to-one messages (`chat::c2c`), groups (`chat::group`, with the two
//! `Group.*SendMsg` commands typed once in `event::live`) and official accounts
//! (`chat::official_account`). Every sample of the three families decodes to its typed
//! event, names every member and is written back as it arrived; each command's key
//! members read as the page means them; the drifts of section 8 are accepted both ways;
//! and the `MsgBody` elements of section 3.3 are named only when written back exactly.

use crate::common;

use serde_json::{json, Value};
use tencent_room_webhook::event::chat::group::{
    ExitType, GroupAttrOperation, GroupMemberRole, GroupMemberStateCause, JoinType,
};
use tencent_room_webhook::event::live::{MemberState, MsgElement, RelayMessage};
use tencent_room_webhook::event::{ChatEvent, Event, LiveEvent};
use tencent_room_webhook::testing::{self, CallbackRequest};

use common::*;

/// The file-name prefixes of the three families' samples.
const FAMILIES: [&str; 3] = ["c2c_", "group_", "official_account_"];

/// The samples of the three families, top level and `variants/`, with their names.
fn family_fixtures(prefix: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for folder in ["chat", "chat/variants"] {
        for entry in std::fs::read_dir(fixtures_dir().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.extension().is_some_and(|e| e == "json") && name.starts_with(prefix) {
                out.push((format!("{folder}/{name}"), std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn decode(relative: &str) -> Event {
    let body = fixture(relative);
    Event::from_json(&body).unwrap_or_else(|error| panic!("{relative}: {error}"))
}

fn chat(relative: &str) -> ChatEvent {
    match decode(relative) {
        Event::Chat(event) => event,
        other => panic!("{relative} decoded as {other:?}"),
    }
}

fn from_value(body: &Value) -> Event {
    Event::from_json(body.to_string().as_bytes()).unwrap()
}

fn written_back(event: &Event) -> Value {
    serde_json::to_value(event).unwrap()
}

/// A `MsgBody` element read alone, and written back.
fn element(value: Value) -> MsgElement {
    let element: MsgElement = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(serde_json::to_value(&element).unwrap(), value);
    element
}

// Every sample of the three families.

#[test]
fn every_messaging_sample_is_typed_named_and_written_back() {
    let mut seen = 0;
    for prefix in FAMILIES {
        let samples = family_fixtures(prefix);
        assert!(!samples.is_empty(), "{prefix}");
        for (name, body) in samples {
            let command = command_of(&body);
            let event = Event::decode(&command, &body).unwrap_or_else(|e| panic!("{name}: {e}"));
            let typed = match command.as_str() {
                "Group.CallbackBeforeSendMsg" | "Group.CallbackAfterSendMsg" => {
                    matches!(event, Event::Live(_))
                }
                _ => matches!(event, Event::Chat(_)),
            };
            assert!(typed, "{name} decoded as {event:?}");
            assert_eq!(event.command(), command, "{name}");
            let unnamed = testing::unnamed_members(&event);
            assert!(unnamed.is_empty(), "{name}: {unnamed:?}");
            let sent: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(written_back(&event), sent, "{name}");
            // The group is the room; one-to-one and official-account events have none.
            match sent.get("GroupId") {
                Some(group) => assert_eq!(
                    event.room_id().map(|room| room.as_str()),
                    group.as_str(),
                    "{name}"
                ),
                None => assert_eq!(event.room_id(), None, "{name}"),
            }
            seen += 1;
        }
    }
    // 8 + 25 + 11 commands, and the 9 variants of these families.
    assert_eq!(seen, 44 + 9);
}

#[test]
fn the_test_kit_has_a_sample_of_every_messaging_command() {
    let requests = [
        CallbackRequest::c2c_message_sending(),
        CallbackRequest::c2c_message_sent(),
        CallbackRequest::c2c_read_reported(),
        CallbackRequest::c2c_message_recalled(),
        CallbackRequest::c2c_message_extension_changed(),
        CallbackRequest::c2c_read_receipts_sent(),
        CallbackRequest::c2c_message_modified(),
        CallbackRequest::all_messages_read(),
        CallbackRequest::group_creating(),
        CallbackRequest::group_created(),
        CallbackRequest::join_applying(),
        CallbackRequest::members_inviting(),
        CallbackRequest::members_joined(),
        CallbackRequest::members_exited(),
        CallbackRequest::group_full(),
        CallbackRequest::group_destroyed(),
        CallbackRequest::group_info_changed(),
        CallbackRequest::group_messages_recalled(),
        CallbackRequest::group_member_state_changed(),
        CallbackRequest::group_message_failed(),
        CallbackRequest::topic_creating(),
        CallbackRequest::topic_created(),
        CallbackRequest::topics_destroyed(),
        CallbackRequest::topic_info_changed(),
        CallbackRequest::member_field_changed(),
        CallbackRequest::group_attr_changed(),
        CallbackRequest::group_read_receipts_sent(),
        CallbackRequest::group_owner_changed(),
        CallbackRequest::daily_group_quota_alarm(),
        CallbackRequest::group_message_extension_changed(),
        CallbackRequest::group_message_modified(),
        CallbackRequest::official_account_creating(),
        CallbackRequest::official_account_created(),
        CallbackRequest::official_account_info_changed(),
        CallbackRequest::official_account_destroyed(),
        CallbackRequest::subscribers_adding(),
        CallbackRequest::subscribers_added(),
        CallbackRequest::official_account_full(),
        CallbackRequest::subscribers_deleted(),
        CallbackRequest::official_account_message_sending(),
        CallbackRequest::official_account_message_sent(),
        CallbackRequest::official_account_messages_recalled(),
    ];
    for request in requests {
        let event = Event::decode(request.command(), request.body_bytes()).unwrap();
        assert!(matches!(event, Event::Chat(_)), "{event:?}");
        assert_eq!(event.command(), request.command());
    }
}

// One-to-one messages.

#[test]
fn c2c_message_sending_reads_sender_recipient_and_body() {
    let ChatEvent::C2cMessageSending(sending) = chat("chat/c2c_before_send_msg.json") else {
        panic!()
    };
    assert_eq!(sending.from_account.as_ref().unwrap(), "jared");
    assert_eq!(sending.to_account.as_ref().unwrap(), "John");
    assert_eq!(sending.msg_seq, Some(48374));
    assert_eq!(sending.msg_random, Some(2837546));
    assert_eq!(sending.msg_time, Some(1557481126));
    assert_eq!(sending.msg_key.as_deref(), Some("48374_2837546_1557481126"));
    assert_eq!(sending.online_only_flag, Some(1));
    assert_eq!(sending.msg_body, [MsgElement::text("red packet")]);
    assert_eq!(
        sending.cloud_custom_data.as_deref(),
        Some("your cloud custom data")
    );
    // No `EventTime` on the page.
    assert_eq!(sending.event_time, None);
}

#[test]
fn c2c_message_sent_reads_the_result_and_the_unread_count() {
    let ChatEvent::C2cMessageSent(sent) = chat("chat/c2c_after_send_msg.json") else {
        panic!()
    };
    assert_eq!(sent.from_account.as_ref().unwrap(), "jared");
    assert_eq!(sent.to_account.as_ref().unwrap(), "Jonh");
    assert_eq!(sent.send_msg_result, Some(0));
    assert!(sent.delivered());
    assert_eq!(sent.error_info.as_deref(), Some("send msg succeed"));
    assert_eq!(sent.unread_msg_num, Some(7));
    assert_eq!(sent.msg_body, [MsgElement::text("red packet")]);
}

#[test]
fn c2c_message_sent_that_failed_reads_a_negative_unread_count() {
    for unread in [json!(-1), json!("-1"), json!(-1.0)] {
        let event = from_value(&json!({
            "CallbackCommand": "C2C.CallbackAfterSendMsg",
            "SendMsgResult": 80001,
            "ErrorInfo": "dirty words",
            "UnreadMsgNum": unread,
        }));
        let Event::Chat(ChatEvent::C2cMessageSent(sent)) = &event else {
            panic!("{event:?}")
        };
        assert!(!sent.delivered());
        assert_eq!(sent.send_msg_result, Some(80001));
        assert_eq!(sent.unread_msg_num, Some(-1));
        assert!(sent.extra.is_empty());
    }
}

#[test]
fn c2c_send_callbacks_name_event_time_and_msg_id_when_a_newer_copy_sends_them() {
    for command in ["C2C.CallbackBeforeSendMsg", "C2C.CallbackAfterSendMsg"] {
        let body = json!({
            "CallbackCommand": command,
            "From_Account": "jared",
            "MsgId": "144115233406643804-1727580296-4026038328",
            "EventTime": 1670574414123u64,
        });
        let event = from_value(&body);
        assert!(testing::unnamed_members(&event).is_empty(), "{event:?}");
        assert_eq!(event.event_time().unwrap().as_millis(), 1670574414123);
        assert_eq!(written_back(&event), body);
    }
}

#[test]
fn c2c_read_reported_reads_the_reader_and_the_time_read_to() {
    let ChatEvent::C2cReadReported(report) = chat("chat/c2c_after_msg_report.json") else {
        panic!()
    };
    assert_eq!(report.report_account.as_ref().unwrap(), "jared");
    assert_eq!(report.peer_account.as_ref().unwrap(), "Jonh");
    assert_eq!(report.last_read_time, Some(1614754606));
    assert_eq!(report.event_time.unwrap().as_millis(), 1670574414123);
    assert_eq!(report.unread_msg_num, None);
}

#[test]
fn c2c_read_reported_of_the_english_page_has_an_unread_count_and_no_time() {
    let ChatEvent::C2cReadReported(report) =
        chat("chat/variants/c2c_after_msg_report.intl_2023.json")
    else {
        panic!()
    };
    assert_eq!(report.unread_msg_num, Some(7));
    assert_eq!(report.event_time, None);
    assert_eq!(report.last_read_time, Some(1614754606));
}

#[test]
fn c2c_message_recalled_reads_the_key_with_either_page_s_tail() {
    let ChatEvent::C2cMessageRecalled(english) = chat("chat/c2c_after_msg_with_draw.json") else {
        panic!()
    };
    assert_eq!(english.from_account.as_ref().unwrap(), "jared");
    assert_eq!(english.to_account.as_ref().unwrap(), "Jonh");
    assert_eq!(english.msg_key.as_deref(), Some("48374_2837546_1557481126"));
    assert_eq!(english.unread_msg_num, Some(7));
    assert_eq!(english.event_time, None);

    let ChatEvent::C2cMessageRecalled(chinese) =
        chat("chat/variants/c2c_after_msg_with_draw.cn_61697.json")
    else {
        panic!()
    };
    assert_eq!(chinese.msg_key, english.msg_key);
    assert_eq!(chinese.unread_msg_num, None);
    assert_eq!(chinese.event_time.unwrap().as_millis(), 1670574414123);
}

#[test]
fn c2c_message_extension_changed_reads_the_keys_set_deleted_and_cleared() {
    let ChatEvent::C2cMessageExtensionChanged(set) = chat("chat/c2c_after_c2c_msg_extension.json")
    else {
        panic!()
    };
    assert_eq!(set.from_account.as_ref().unwrap(), "user1");
    assert_eq!(set.to_account.as_ref().unwrap(), "user2");
    assert_eq!(set.msg_key.as_deref(), Some("93847636_1287657_1764688415"));
    assert_eq!(set.operate_type, Some(1));
    let list = set.extension_list.as_ref().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0].key.as_deref(), Some("k1"));
    assert_eq!(list[0].value.as_deref(), Some("v1"));
    assert_eq!(list[0].seq, Some(1));
    assert_eq!(set.seq, Some(1));

    let ChatEvent::C2cMessageExtensionChanged(deleted) =
        chat("chat/variants/c2c_after_c2c_msg_extension.delete.json")
    else {
        panic!()
    };
    assert_eq!(deleted.operate_type, Some(2));
    assert_eq!(
        deleted.extension_list.unwrap()[1].value.as_deref(),
        Some("")
    );

    let event = decode("chat/variants/c2c_after_c2c_msg_extension.clear.json");
    let Event::Chat(ChatEvent::C2cMessageExtensionChanged(cleared)) = &event else {
        panic!()
    };
    assert_eq!(cleared.operate_type, Some(3));
    assert_eq!(cleared.extension_list.as_deref(), Some(&[][..]));
    // The empty list is written back.
    assert_eq!(written_back(&event)["ExtensionList"], json!([]));
}

#[test]
fn c2c_read_receipts_sent_reads_the_messages_receipted() {
    let ChatEvent::C2cReadReceiptsSent(receipts) = chat("chat/c2c_after_msg_read_receipt.json")
    else {
        panic!()
    };
    assert_eq!(receipts.operator_account.as_ref().unwrap(), "jared");
    assert_eq!(receipts.peer_account.as_ref().unwrap(), "Jonh");
    let [message] = &receipts.c2c_msg_info[..] else {
        panic!()
    };
    assert_eq!(message.from_account.as_ref().unwrap(), "Jonh");
    assert_eq!(message.to_account.as_ref().unwrap(), "jared");
    assert_eq!(
        message.msg_key.as_deref(),
        Some("33973751_24064952_1769139583")
    );
    assert_eq!(
        message.msg_id.as_deref(),
        Some("144115433090395387-1769139578-24064952")
    );
    assert_eq!(receipts.event_time.unwrap().as_millis(), 1769139587754);
}

#[test]
fn c2c_message_modified_reads_the_edited_message_whatever_the_key_order() {
    let ChatEvent::C2cMessageModified(modified) = chat("chat/c2c_after_modify_msg.json") else {
        panic!()
    };
    assert_eq!(modified.operator_account.as_ref().unwrap(), "jared");
    assert_eq!(modified.from_account.as_ref().unwrap(), "jared");
    assert_eq!(modified.to_account.as_ref().unwrap(), "Jonh");
    assert_eq!(modified.msg_seq, Some(609));
    assert_eq!(modified.msg_random, Some(690));
    assert_eq!(modified.msg_time, Some(1769771529));
    assert_eq!(modified.msg_key.as_deref(), Some("609_690_1769771529"));
    assert_eq!(
        modified.msg_body,
        [MsgElement::text("2026-01-30T11:20:26.548Z")]
    );
    assert_eq!(modified.cloud_custom_data.as_deref(), Some("1769772027"));
}

#[test]
fn all_messages_read_reads_the_user_and_the_groups_cleared() {
    let event = decode("chat/c2c_after_msg_read_all.json");
    assert_eq!(event.room_id(), None);
    let Event::Chat(ChatEvent::AllMessagesRead(read)) = event else {
        panic!()
    };
    assert_eq!(read.report_account.as_ref().unwrap(), "Jonh");
    let [group] = &read.group_read_info[..] else {
        panic!()
    };
    assert_eq!(group.group_id.as_ref().unwrap(), "groupid");
    assert_eq!(group.msg_seq, Some(100));
    assert_eq!(read.event_time.unwrap().as_millis(), 1769773302575);
}

// Groups.

#[test]
fn group_creating_reads_owner_name_and_members_with_or_without_the_count() {
    let event = decode("chat/group_before_create_group.json");
    assert_eq!(event.room_id(), None, "no group yet");
    let Event::Chat(ChatEvent::GroupCreating(english)) = event else {
        panic!()
    };
    assert_eq!(english.operator_account.as_ref().unwrap(), "leckie");
    assert_eq!(english.owner_account.as_ref().unwrap(), "leckie");
    assert_eq!(english.group_type.as_deref(), Some("Public"));
    assert_eq!(english.name.as_deref(), Some("MyFirstGroup"));
    assert_eq!(english.create_group_num, Some(123));
    assert_eq!(english.member_list.len(), 2);
    let time = english.event_time.unwrap();
    assert!(time.is_text());

    let ChatEvent::GroupCreating(chinese) =
        chat("chat/variants/group_before_create_group.cn_1662.json")
    else {
        panic!()
    };
    assert_eq!(chinese.create_group_num, None);
    assert_eq!(chinese.event_time.unwrap(), time);
    assert!(!chinese.event_time.unwrap().is_text());
    assert_eq!(chinese.member_list, english.member_list);
}

#[test]
fn group_created_reads_the_group_members_and_custom_fields() {
    let ChatEvent::GroupCreated(created) = chat("chat/group_after_create_group.json") else {
        panic!()
    };
    assert_eq!(created.group_id.as_ref().unwrap(), "@TGS#2J4SZEAEL");
    assert_eq!(created.operator_account.as_ref().unwrap(), "group_root");
    assert_eq!(created.owner_account.as_ref().unwrap(), "leckie");
    let members: Vec<_> = created
        .member_list
        .iter()
        .map(|m| m.member_account.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(members, ["bob", "peter"]);
    assert_eq!(created.user_defined_data_list.len(), 2);
    assert_eq!(
        created.user_defined_data_list[1].key.as_deref(),
        Some("UserDefined2")
    );
    assert_eq!(
        created.user_defined_data_list[1].value.as_deref(),
        Some("world")
    );
    assert_eq!(created.event_time.unwrap().as_millis(), 1670574414123);
}

#[test]
fn join_applying_reads_the_requestor() {
    let ChatEvent::JoinApplying(applying) = chat("chat/group_before_apply_join_group.json") else {
        panic!()
    };
    assert_eq!(applying.group_id.as_ref().unwrap(), "@TGS#2J4SZEAEL");
    assert_eq!(applying.group_type.as_deref(), Some("Public"));
    assert_eq!(applying.requestor_account.as_ref().unwrap(), "jared");
}

#[test]
fn members_inviting_reads_the_inviter_and_the_users_to_add() {
    let ChatEvent::MembersInviting(inviting) = chat("chat/group_before_invite_join_group.json")
    else {
        panic!()
    };
    assert_eq!(inviting.operator_account.as_ref().unwrap(), "leckie");
    let users: Vec<_> = inviting.members().map(|user| user.as_str()).collect();
    assert_eq!(users, ["jared", "leckie"]);
}

#[test]
fn members_joined_reads_how_and_who() {
    let ChatEvent::MembersJoined(joined) = chat("chat/group_after_new_member_join.json") else {
        panic!()
    };
    assert_eq!(joined.join_type, Some(JoinType::Apply));
    assert_eq!(joined.operator_account.as_ref().unwrap(), "leckie");
    let users: Vec<_> = joined.members().map(|user| user.as_str()).collect();
    assert_eq!(users, ["jared", "tommy"]);
}

#[test]
fn members_exited_reads_how_and_who() {
    let ChatEvent::MembersExited(exited) = chat("chat/group_after_member_exit.json") else {
        panic!()
    };
    assert_eq!(exited.exit_type, Some(ExitType::Kicked));
    let users: Vec<_> = exited.members().map(|user| user.as_str()).collect();
    assert_eq!(users, ["jared", "tommy"]);
    // An exit type the page does not list is kept.
    let event = from_value(&json!({
        "CallbackCommand": "Group.CallbackAfterMemberExit",
        "ExitType": "Banned",
    }));
    let Event::Chat(ChatEvent::MembersExited(other)) = &event else {
        panic!()
    };
    assert_eq!(other.exit_type, Some(ExitType::Other("Banned".into())));
    assert_eq!(written_back(&event)["ExitType"], "Banned");
}

#[test]
fn group_full_reads_the_group() {
    let event = decode("chat/group_after_group_full.json");
    assert_eq!(event.room_id().unwrap(), "@TGS#2J4SZEAEL");
    assert!(matches!(event, Event::Chat(ChatEvent::GroupFull(_))));
}

#[test]
fn group_destroyed_reads_owner_name_and_last_members() {
    let ChatEvent::GroupDestroyed(destroyed) = chat("chat/group_after_group_destroyed.json") else {
        panic!()
    };
    assert_eq!(destroyed.owner_account.as_ref().unwrap(), "leckie");
    assert_eq!(destroyed.name.as_deref(), Some("MyFirstGroup"));
    assert_eq!(destroyed.member_list.len(), 3);
}

#[test]
fn group_info_changed_reads_only_what_changed() {
    let ChatEvent::GroupInfoChanged(changed) = chat("chat/group_after_group_info_changed.json")
    else {
        panic!()
    };
    assert_eq!(changed.operator_account.as_ref().unwrap(), "leckie");
    assert_eq!(changed.notification.as_deref(), Some("NewNotification"));
    assert_eq!(changed.name, None);
    assert_eq!(changed.introduction, None);
    assert_eq!(changed.face_url, None);
}

#[test]
fn group_messages_recalled_reads_the_messages_and_the_topic() {
    let event = decode("chat/group_after_recall_msg.json");
    assert_eq!(event.room_id().unwrap(), "1213456");
    let Event::Chat(ChatEvent::GroupMessagesRecalled(recalled)) = event else {
        panic!()
    };
    assert_eq!(recalled.operator_account.as_ref().unwrap(), "admin");
    assert_eq!(recalled.group_type.as_deref(), Some("Community"));
    let [message] = &recalled.msg_seq_list[..] else {
        panic!()
    };
    assert_eq!(message.msg_seq, Some(130));
    assert_eq!(
        message.msg_id.as_deref(),
        Some("144115213033478435-1739361321-2512805311")
    );
    assert_eq!(
        recalled.topic_id.as_deref(),
        Some("@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic")
    );
    // The older copy: no `MsgId`, no topic, no time.
    let older = json!({
        "CallbackCommand": "Group.CallbackAfterRecallMsg",
        "Operator_Account": "admin",
        "Type": "Public",
        "GroupId": "1213456",
        "MsgSeqList": [{"MsgSeq": 130}],
    });
    let event = from_value(&older);
    assert!(testing::unnamed_members(&event).is_empty());
    assert_eq!(written_back(&event), older);
}

#[test]
fn group_member_state_changed_reads_the_state_the_cause_and_the_members() {
    let ChatEvent::GroupMemberStateChanged(changed) =
        chat("chat/group_on_member_state_change.json")
    else {
        panic!()
    };
    assert_eq!(changed.event_type, Some(MemberState::Offline));
    assert_eq!(changed.event_cause, None, "a comment line on the page");
    let users: Vec<_> = changed.members().map(|user| user.as_str()).collect();
    assert_eq!(users, ["jared", "tommy"]);
    // The 2025 table's `EventCause`.
    let event = from_value(&json!({
        "CallbackCommand": "Group.CallbackOnMemberStateChange",
        "GroupId": "@TGS#2J4SZEAEL",
        "EventType": "Online",
        "EventCause": "Join",
        "MemberList": [{"Member_Account": "jared"}],
    }));
    let Event::Chat(ChatEvent::GroupMemberStateChanged(joined)) = event else {
        panic!()
    };
    assert_eq!(joined.event_type, Some(MemberState::Online));
    assert_eq!(joined.event_cause, Some(GroupMemberStateCause::Join));
}

#[test]
fn group_message_failed_reads_the_message_and_its_error() {
    let ChatEvent::GroupMessageFailed(failed) = chat("chat/group_send_msg_exception.json") else {
        panic!()
    };
    assert_eq!(failed.from_account.as_ref().unwrap(), "jared");
    assert_eq!(failed.operator_account.as_ref().unwrap(), "admin");
    assert_eq!(failed.random, Some(123456));
    assert_eq!(failed.online_only_flag, Some(1));
    assert_eq!(failed.msg_body, [MsgElement::text("red packet")]);
    assert_eq!(failed.error_code, Some(10023));
    assert_eq!(
        failed.error_info.as_deref(),
        Some("msg count exceeds limit,please retry later")
    );
}

#[test]
fn topic_creating_reads_the_topic_to_be_and_names_no_room() {
    let event = decode("chat/group_before_create_topic.json");
    assert_eq!(event.room_id(), None);
    assert_eq!(event.event_time(), None);
    let Event::Chat(ChatEvent::TopicCreating(creating)) = event else {
        panic!()
    };
    assert_eq!(creating.operator_account.as_ref().unwrap(), "leckie");
    assert_eq!(creating.group_type.as_deref(), Some("Community"));
    assert_eq!(creating.name.as_deref(), Some("MyFirstTopic"));
}

#[test]
fn topic_created_reads_the_community_and_the_topic() {
    let event = decode("chat/group_after_create_topic.json");
    assert_eq!(event.room_id().unwrap(), "@TGS#2J4SZEAEL");
    let Event::Chat(ChatEvent::TopicCreated(created)) = event else {
        panic!()
    };
    assert_eq!(
        created.topic_id.as_deref(),
        Some("@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_@TOPIC#cRTE3HIM62C5")
    );
    assert_eq!(created.owner_account.as_ref().unwrap(), "leckie");
    assert_eq!(created.name.as_deref(), Some("MyFirstTopic"));
    assert_eq!(created.user_defined_data_list.len(), 2);
}

#[test]
fn topics_destroyed_reads_the_topic_list() {
    let ChatEvent::TopicsDestroyed(destroyed) = chat("chat/group_after_topic_destroyed.json")
    else {
        panic!()
    };
    assert_eq!(
        destroyed.topic_id_list,
        [
            "@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic",
            "@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic_1"
        ]
    );
    // The table's String: kept as sent, the event typed.
    let body = json!({
        "CallbackCommand": "Group.CallbackAfterTopicDestroyed",
        "GroupId": "@TGS#_@TGS#cQVLVHIM62CJ",
        "TopicIdList": "@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic",
    });
    let event = from_value(&body);
    let Event::Chat(ChatEvent::TopicsDestroyed(single)) = &event else {
        panic!("{event:?}")
    };
    assert!(single.topic_id_list.is_empty());
    assert_eq!(single.extra["TopicIdList"], body["TopicIdList"]);
    assert_eq!(written_back(&event), body);
}

#[test]
fn topic_info_changed_reads_the_new_profile() {
    let ChatEvent::TopicInfoChanged(changed) = chat("chat/group_after_topic_info_changed.json")
    else {
        panic!()
    };
    assert_eq!(changed.group_id.as_ref().unwrap(), "@TGS#2J4SZEAEL");
    assert_eq!(changed.name.as_deref(), Some("TestTopic"));
    assert_eq!(changed.introduction.as_deref(), Some("TestIntroduction"));
    assert_eq!(changed.notification.as_deref(), Some("NewNotification"));
    assert_eq!(changed.face_url.as_deref(), Some("http://this.is.face.url"));
}

#[test]
fn member_field_changed_reads_the_member_under_either_name() {
    let ChatEvent::MemberFieldChanged(trtc) = chat("chat/group_after_member_field_changed.json")
    else {
        panic!()
    };
    assert_eq!(trtc.member().unwrap(), "123456");
    assert_eq!(trtc.member_account.as_ref().unwrap(), "123456");
    assert_eq!(trtc.modified_account, None);
    assert_eq!(trtc.role, Some(GroupMemberRole::Admin));
    assert_eq!(trtc.name_card.as_deref(), Some("jacky"));

    let ChatEvent::MemberFieldChanged(cloud) =
        chat("chat/variants/group_after_member_field_changed.cn_105353.json")
    else {
        panic!()
    };
    assert_eq!(cloud.member().unwrap(), "123456");
    assert_eq!(cloud.member_account, None);
    assert_eq!(cloud.modified_account.as_ref().unwrap(), "123456");
}

#[test]
fn group_attr_changed_reads_the_lower_case_attributes() {
    let ChatEvent::GroupAttrChanged(changed) = chat("chat/group_after_group_attr_changed.json")
    else {
        panic!()
    };
    assert_eq!(changed.option_type, Some(GroupAttrOperation::Set));
    let attrs = changed.group_attr.unwrap();
    assert_eq!(attrs[0].key.as_deref(), Some("key1"));
    assert_eq!(attrs[0].value.as_deref(), Some("value1"));
    assert_eq!(attrs[1].value.as_deref(), Some("values"));
    // A clear with an empty list is written back with it.
    let body = json!({
        "CallbackCommand": "Group.CallbackAfterGroupAttrChanged",
        "OptionType": "clear",
        "GroupAttr": [],
    });
    let event = from_value(&body);
    assert_eq!(written_back(&event), body);
}

#[test]
fn group_read_receipts_sent_reads_each_message_s_counts_and_readers() {
    let ChatEvent::GroupReadReceiptsSent(receipts) = chat("chat/group_after_read_receipt.json")
    else {
        panic!()
    };
    assert_eq!(receipts.group_id.as_ref().unwrap(), "@TGS#2TTV7VSII");
    let [first, second] = &receipts.group_msg_receipt_list[..] else {
        panic!()
    };
    assert_eq!(
        (first.msg_seq, first.read_num, first.unread_num),
        (Some(1), Some(1), Some(6))
    );
    assert_eq!(second.msg_seq, Some(2));
    assert_eq!(
        first.read_receipt_members[0]
            .member_account
            .as_ref()
            .unwrap(),
        "user0"
    );
}

#[test]
fn group_owner_changed_reads_the_old_and_new_owner() {
    let ChatEvent::GroupOwnerChanged(changed) = chat("chat/group_after_change_group_owner.json")
    else {
        panic!()
    };
    assert_eq!(changed.operator_account.as_ref().unwrap(), "admin");
    assert_eq!(changed.old_owner_account.as_ref().unwrap(), "user1");
    assert_eq!(changed.new_owner_account.as_ref().unwrap(), "user2");
}

#[test]
fn daily_group_quota_alarm_reads_use_and_quota_and_names_no_room() {
    let event = decode("chat/group_on_daily_group_quota_alarm.json");
    assert_eq!(event.room_id(), None);
    assert_eq!(event.event_time().unwrap().as_millis(), 1670574414123);
    let Event::Chat(ChatEvent::DailyGroupQuotaAlarm(alarm)) = event else {
        panic!()
    };
    assert_eq!(alarm.quota_used, Some(7321));
    assert_eq!(alarm.quota, Some(10000));
}

#[test]
fn group_message_extension_changed_reads_the_message_and_the_keys() {
    let ChatEvent::GroupMessageExtensionChanged(set) =
        chat("chat/group_after_group_msg_extension.json")
    else {
        panic!()
    };
    assert_eq!(set.group_id.as_ref().unwrap(), "test");
    assert_eq!(set.msg_seq, Some(10));
    assert_eq!(set.operate_type, Some(1));
    let list = set.extension_list.unwrap();
    assert_eq!(list[1].key.as_deref(), Some("key3"));
    assert_eq!(list[1].value.as_deref(), Some("12122"));
    assert_eq!(list[1].seq, Some(56));
    assert_eq!(set.seq, Some(56));

    let event = decode("chat/variants/group_after_group_msg_extension.clear.json");
    let Event::Chat(ChatEvent::GroupMessageExtensionChanged(cleared)) = &event else {
        panic!()
    };
    assert_eq!(cleared.operate_type, Some(3));
    assert_eq!(cleared.extension_list.as_deref(), Some(&[][..]));
    assert_eq!(written_back(&event)["ExtensionList"], json!([]));
}

#[test]
fn group_message_modified_reads_the_edit_and_keeps_an_empty_topic() {
    let ChatEvent::GroupMessageModified(modified) = chat("chat/group_after_modify_msg.json") else {
        panic!()
    };
    assert_eq!(modified.operator_account.as_ref().unwrap(), "oper-user");
    assert_eq!(modified.group_id.as_ref().unwrap(), "group-test-2");
    assert_eq!(modified.topic_id.as_deref(), Some(""));
    assert_eq!(modified.msg_seq, Some(53));
    assert_eq!(
        modified.msg_body,
        [MsgElement::text("2026-03-06T02:09:35.302Z")]
    );
}

#[test]
fn message_sending_of_a_chat_group_reads_the_topic_and_the_online_flag() {
    let event = decode("chat/group_before_send_msg.json");
    let Event::Live(LiveEvent::MessageSending(sending)) = event else {
        panic!()
    };
    assert_eq!(sending.group_type.as_deref(), Some("Community"));
    assert_eq!(sending.online_only_flag, Some(1));
    assert_eq!(
        sending.topic_id.as_deref(),
        Some("@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic")
    );
    assert_eq!(sending.msg_body, [MsgElement::text("red packet")]);
}

#[test]
fn message_sent_of_a_chat_group_reads_seq_time_and_mentions() {
    let Event::Live(LiveEvent::MessageSent(english)) = decode("chat/group_after_send_msg.json")
    else {
        panic!()
    };
    assert_eq!(english.group_type.as_deref(), Some("Public"));
    assert_eq!(english.msg_seq, Some(123));
    assert_eq!(english.msg_time, Some(1490686222));
    assert_eq!(english.online_only_flag, Some(1));
    assert!(english.group_at_info.is_empty());
    assert!(english.event_time.unwrap().is_text());

    let Event::Live(LiveEvent::MessageSent(chinese)) =
        decode("chat/variants/group_after_send_msg.cn_2661.json")
    else {
        panic!()
    };
    assert_eq!(chinese.event_time, english.event_time);
    let [all, brennan, tandy] = &chinese.group_at_info[..] else {
        panic!()
    };
    assert!(all.is_all());
    assert_eq!(all.group_at_account, None);
    assert!(!brennan.is_all());
    assert_eq!(brennan.group_at_account.as_ref().unwrap(), "brennan");
    assert_eq!(tandy.group_at_account.as_ref().unwrap(), "tandy");
}

// Official accounts.

#[test]
fn official_account_creating_reads_owner_and_name() {
    let event = decode("chat/official_account_before_create_official_account.json");
    assert_eq!(event.room_id(), None);
    let Event::Chat(ChatEvent::OfficialAccountCreating(creating)) = event else {
        panic!()
    };
    assert_eq!(creating.operator_account.as_ref().unwrap(), "107867");
    assert_eq!(creating.owner_account.as_ref().unwrap(), "107867");
    assert_eq!(creating.name.as_deref(), Some("TestOfficialAccount"));
    assert_eq!(creating.event_time.unwrap().as_millis(), 1670574414123);
}

#[test]
fn official_account_created_reads_the_new_account() {
    let ChatEvent::OfficialAccountCreated(created) =
        chat("chat/official_account_after_create_official_account.json")
    else {
        panic!()
    };
    assert_eq!(
        created.official_account.as_ref().unwrap(),
        "@TOA#_test_OA_for_penn"
    );
    assert_eq!(created.owner_account.as_ref().unwrap(), "107867");
    assert_eq!(created.name.as_deref(), Some("TestOfficialAccount"));
}

#[test]
fn official_account_info_changed_reads_the_new_profile() {
    let ChatEvent::OfficialAccountInfoChanged(changed) =
        chat("chat/official_account_after_official_account_info_changed.json")
    else {
        panic!()
    };
    assert_eq!(changed.operator_account.as_ref().unwrap(), "leckie");
    assert_eq!(changed.introduction.as_deref(), Some("NewNotification"));
    assert_eq!(changed.name.as_deref(), Some("NewName"));
    assert_eq!(
        changed.face_url.as_deref(),
        Some("http://this.is.newface.url")
    );
    assert_eq!(changed.organization.as_deref(), Some("NewOrganization"));
}

#[test]
fn official_account_destroyed_reads_the_account_and_owner() {
    let ChatEvent::OfficialAccountDestroyed(destroyed) =
        chat("chat/official_account_after_official_account_destroyed.json")
    else {
        panic!()
    };
    assert_eq!(
        destroyed.official_account.as_ref().unwrap(),
        "@TOA#_test_OA_for_penn"
    );
    assert_eq!(destroyed.owner_account.as_ref().unwrap(), "107867");
    assert_eq!(destroyed.name.as_deref(), Some("TestOfficialAccount"));
}

#[test]
fn subscribers_adding_added_and_deleted_read_the_subscribers() {
    for (file, users) in [
        (
            "chat/official_account_before_add_subscriber.json",
            ["jared", "leckie"],
        ),
        (
            "chat/official_account_after_add_subscriber.json",
            ["jared", "leckie"],
        ),
        (
            "chat/official_account_after_delete_subscriber.json",
            ["jared", "leckie"],
        ),
    ] {
        let found: Vec<String> = match chat(file) {
            ChatEvent::SubscribersAdding(e) => e.subscribers().map(|u| u.to_string()).collect(),
            ChatEvent::SubscribersAdded(e) => e.subscribers().map(|u| u.to_string()).collect(),
            ChatEvent::SubscribersDeleted(e) => e.subscribers().map(|u| u.to_string()).collect(),
            other => panic!("{file}: {other:?}"),
        };
        assert_eq!(found, users, "{file}");
    }
}

#[test]
fn official_account_full_reads_the_account() {
    let ChatEvent::OfficialAccountFull(full) =
        chat("chat/official_account_after_official_account_full.json")
    else {
        panic!()
    };
    assert_eq!(
        full.official_account.as_ref().unwrap(),
        "@TOA#_test_OA_for_penn"
    );
}

#[test]
fn official_account_message_sending_reads_the_account_and_body() {
    let ChatEvent::OfficialAccountMessageSending(sending) =
        chat("chat/official_account_before_send_msg.json")
    else {
        panic!()
    };
    assert_eq!(
        sending.official_account.as_ref().unwrap(),
        "@TOA#_2J4SZEAEL"
    );
    assert_eq!(sending.online_only_flag, Some(1));
    assert_eq!(sending.msg_body, [MsgElement::text("red packet")]);
    assert_eq!(
        sending.cloud_custom_data.as_deref(),
        Some("your cloud custom data")
    );
}

#[test]
fn official_account_message_sent_reads_key_time_and_body() {
    let ChatEvent::OfficialAccountMessageSent(sent) =
        chat("chat/official_account_after_send_msg.json")
    else {
        panic!()
    };
    assert_eq!(sent.msg_key.as_deref(), Some("71_1_1698741698"));
    assert_eq!(sent.msg_time, Some(1490686222));
    assert_eq!(sent.msg_body, [MsgElement::text("red packet")]);
}

#[test]
fn official_account_messages_recalled_reads_the_keys_and_keeps_the_odd_prefix() {
    let ChatEvent::OfficialAccountMessagesRecalled(recalled) =
        chat("chat/official_account_after_msg_with_draw.json")
    else {
        panic!()
    };
    assert_eq!(recalled.official_account.as_ref().unwrap(), "#TOA#_123");
    assert_eq!(
        recalled.withdraw_msg_list[0].msg_key.as_deref(),
        Some("71_1_1698741698")
    );
}

// `MsgBody` elements (section 3.3).

#[test]
fn a_sound_element_is_named_when_exact_and_kept_otherwise() {
    let full = element(json!({
        "MsgType": "TIMSoundElem",
        "MsgContent": {"Url": "https://x/s.m4a", "UUID": "u1", "Size": 2048, "Second": 3, "Download_Flag": 2}
    }));
    let MsgElement::Sound {
        url,
        uuid,
        size,
        second,
        download_flag,
        ..
    } = &full
    else {
        panic!("{full:?}")
    };
    assert_eq!(url.as_deref(), Some("https://x/s.m4a"));
    assert_eq!(uuid.as_deref(), Some("u1"));
    assert_eq!(
        (*size, *second, *download_flag),
        (Some(2048), Some(3), Some(2))
    );
    assert_eq!(full.msg_type(), Some("TIMSoundElem"));
    // SDK 2.x/3.x: no URL, no flag.
    let old = element(json!({
        "MsgType": "TIMSoundElem",
        "MsgContent": {"UUID": "u1", "Size": 2048, "Second": 3}
    }));
    assert!(matches!(old, MsgElement::Sound { .. }));
    // A member it does not name, or one of another JSON type: kept as sent.
    for content in [
        json!({"UUID": "u1", "Second": 3, "Codec": "amr"}),
        json!({"UUID": "u1", "Second": "3"}),
    ] {
        let kept = element(json!({"MsgType": "TIMSoundElem", "MsgContent": content}));
        assert!(matches!(kept, MsgElement::Other(_)), "{kept:?}");
        assert_eq!(kept.msg_type(), Some("TIMSoundElem"));
    }
}

#[test]
fn a_file_element_is_named_when_exact_and_kept_otherwise() {
    let file = element(json!({
        "MsgType": "TIMFileElem",
        "MsgContent": {"Url": "https://x/f.pdf", "UUID": "f1", "FileSize": 1773552, "FileName": "file:///a.pdf", "Download_Flag": 2}
    }));
    let MsgElement::File {
        file_size,
        file_name,
        ..
    } = &file
    else {
        panic!("{file:?}")
    };
    assert_eq!(*file_size, Some(1773552));
    assert_eq!(file_name.as_deref(), Some("file:///a.pdf"));
    assert_eq!(file.msg_type(), Some("TIMFileElem"));
    // The format table's `fileName` spelling: kept as sent.
    let table = element(json!({
        "MsgType": "TIMFileElem",
        "MsgContent": {"UUID": "f1", "FileSize": 1, "fileName": "a.pdf"}
    }));
    assert!(matches!(table, MsgElement::Other(_)), "{table:?}");
}

#[test]
fn a_video_element_is_named_when_exact_and_kept_otherwise() {
    let video = element(json!({
        "MsgType": "TIMVideoFileElem",
        "MsgContent": {
            "VideoUrl": "https://x/v.mp4", "VideoUUID": "v1", "VideoSize": 1000, "VideoSecond": 0,
            "VideoFormat": "mp4", "VideoDownloadFlag": 2,
            "ThumbUrl": "https://x/t.jpg", "ThumbUUID": "t1", "ThumbSize": 100, "ThumbWidth": 720,
            "ThumbHeight": 1280, "ThumbFormat": "JPG", "ThumbDownloadFlag": 2
        }
    }));
    let MsgElement::Video {
        video_uuid,
        video_second,
        video_format,
        thumb_width,
        thumb_height,
        ..
    } = &video
    else {
        panic!("{video:?}")
    };
    assert_eq!(video_uuid.as_deref(), Some("v1"));
    assert_eq!(*video_second, Some(0));
    assert_eq!(video_format.as_deref(), Some("mp4"));
    assert_eq!((*thumb_width, *thumb_height), (Some(720), Some(1280)));
    assert_eq!(video.msg_type(), Some("TIMVideoFileElem"));
    let odd = element(json!({
        "MsgType": "TIMVideoFileElem",
        "MsgContent": {"VideoUUID": "v1", "VideoSize": -1}
    }));
    assert!(matches!(odd, MsgElement::Other(_)), "{odd:?}");
}

#[test]
fn a_relay_element_is_named_with_its_nested_bodies_when_exact() {
    let relay = element(json!({
        "MsgType": "TIMRelayElem",
        "MsgContent": {
            "Title": "Chat history",
            "MsgNum": 2,
            "CompatibleText": "upgrade to see merged messages",
            "AbstractList": ["jared: hi", "John: a sound"],
            "MsgList": [
                {
                    "From_Account": "jared", "To_Account": "John", "MsgSeq": 1, "MsgRandom": 7,
                    "MsgTimeStamp": 1557481126,
                    "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}],
                    "CloudCustomData": ""
                },
                {
                    "From_Account": 144115245353757792u64, "GroupId": "@TGS#2J4SZEAEL", "MsgSeq": 2,
                    "MsgRandom": 8, "MsgTimeStamp": 1557481127,
                    "MsgBody": [{"MsgType": "TIMSoundElem", "MsgContent": {"UUID": "u1", "Second": "3"}}]
                }
            ]
        }
    }));
    let MsgElement::Relay {
        title,
        msg_num,
        abstract_list,
        msg_list,
        json_msg_key,
        ..
    } = &relay
    else {
        panic!("{relay:?}")
    };
    assert_eq!(title.as_deref(), Some("Chat history"));
    assert_eq!(*msg_num, Some(2));
    assert_eq!(abstract_list.as_ref().unwrap().len(), 2);
    assert_eq!(*json_msg_key, None);
    let [first, second]: &[RelayMessage] = msg_list.as_deref().unwrap() else {
        panic!()
    };
    assert_eq!(first.from_account.as_ref().unwrap(), "jared");
    assert_eq!(first.msg_time_stamp, Some(1557481126));
    assert_eq!(
        first.msg_body.as_deref(),
        Some(&[MsgElement::text("hi")][..])
    );
    assert_eq!(first.cloud_custom_data.as_deref(), Some(""));
    assert!(second.from_account.as_ref().unwrap().is_number());
    assert_eq!(second.group_id.as_ref().unwrap(), "@TGS#2J4SZEAEL");
    // A nested element that is not exact is kept in `Other`: the bundle is still exact.
    assert!(matches!(
        second.msg_body.as_deref(),
        Some([MsgElement::Other(_)])
    ));
    // A bundle too large to inline: its key instead of the messages.
    let stored = element(json!({
        "MsgType": "TIMRelayElem",
        "MsgContent": {"Title": "t", "MsgNum": 40, "CompatibleText": "c", "AbstractList": [], "JsonMsgKey": "k-1"}
    }));
    assert!(matches!(stored, MsgElement::Relay { .. }), "{stored:?}");
}

#[test]
fn a_relay_element_with_an_unnamed_member_is_kept_whole() {
    for content in [
        json!({"Title": "t", "Layout": 1}),
        json!({"Title": "t", "MsgList": [{"From_Account": "jared", "Extra": true}]}),
        json!({"Title": "t", "MsgList": [{"MsgTimeStamp": "1557481126"}]}),
    ] {
        let kept = element(json!({"MsgType": "TIMRelayElem", "MsgContent": content}));
        assert!(matches!(kept, MsgElement::Other(_)), "{kept:?}");
    }
}

#[test]
fn new_elements_in_a_c2c_body_are_written_back_as_they_arrived() {
    let body = json!({
        "CallbackCommand": "C2C.CallbackAfterSendMsg",
        "From_Account": "jared",
        "MsgBody": [
            {"MsgType": "TIMSoundElem", "MsgContent": {"UUID": "u1", "Size": 2048, "Second": 3}},
            {"MsgType": "TIMFileElem", "MsgContent": {"UUID": "f1", "FileSize": 10, "FileName": "a"}},
            {"MsgType": "TIMVideoFileElem", "MsgContent": {"VideoUUID": "v1", "VideoSize": 1}},
            {"MsgType": "TIMRelayElem", "MsgContent": {"Title": "t", "MsgList": []}},
            {"MsgType": "TIMMarkdownElem", "MsgContent": {"Markdown": "**hi**"}}
        ]
    });
    let event = from_value(&body);
    let Event::Chat(ChatEvent::C2cMessageSent(sent)) = &event else {
        panic!("{event:?}")
    };
    let types: Vec<_> = sent
        .msg_body
        .iter()
        .map(|e| e.msg_type().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "TIMSoundElem",
            "TIMFileElem",
            "TIMVideoFileElem",
            "TIMRelayElem",
            "TIMMarkdownElem"
        ]
    );
    assert!(matches!(sent.msg_body[3], MsgElement::Relay { .. }));
    assert!(matches!(sent.msg_body[4], MsgElement::Other(_)));
    assert_eq!(written_back(&event), body);
}

#[test]
fn relays_nested_past_three_levels_are_kept_as_sent_and_written_back() {
    // A relay holding a relay holding ... twenty deep (near what JSON's depth limit lets
    // through), a text at the bottom.
    let mut element = serde_json::json!({"MsgType": "TIMTextElem", "MsgContent": {"Text": "deep"}});
    for _ in 0..20 {
        element = serde_json::json!({
            "MsgType": "TIMRelayElem",
            "MsgContent": {"Title": "t", "MsgNum": 1, "MsgList": [{"MsgBody": [element]}]}
        });
    }
    let body = serde_json::json!({
        "CallbackCommand": "C2C.CallbackAfterSendMsg",
        "MsgBody": [element]
    });
    let event = Event::decode("C2C.CallbackAfterSendMsg", body.to_string().as_bytes()).unwrap();
    assert_eq!(serde_json::to_value(&event).unwrap(), body);
    let Event::Chat(ChatEvent::C2cMessageSent(sent)) = &event else {
        panic!("{event:?}")
    };
    // Three levels typed, the fourth kept as sent.
    let mut element = &sent.msg_body[0];
    for level in 0..3 {
        let MsgElement::Relay { msg_list, .. } = element else {
            panic!("level {level} typed as a relay: {element:?}")
        };
        let inner: &RelayMessage = &msg_list.as_ref().unwrap()[0];
        element = &inner.msg_body.as_ref().unwrap()[0];
    }
    assert!(matches!(element, MsgElement::Other(_)), "{element:?}");
}
