//! The Chat families (`protocol-chat.md`): every sample of `tests/fixtures/chat` (one a
//! command) and of `chat/variants` decodes to its typed event, names every member, and is
//! written back as it arrived; the test kit has a sample of every command.

use crate::common;

use serde_json::Value;
use tencent_room_webhook::event::Event;
use tencent_room_webhook::testing::{self, CallbackRequest};

use common::*;

/// The commands whose body carries no top-level `CallbackCommand` (section 1.2): the
/// query's decides.
const QUERY_DECIDES: [(&str, &str); 3] = [
    ("push_offline_push", "Push.OfflinePush"),
    ("push_all_member_push", "Push.AllMemberPush"),
    (
        "content_callback_result_notify",
        "ContentCallback.ResultNotify",
    ),
];

/// Every request sample of `tests/fixtures/chat` (or of `chat/variants`, with `variants`),
/// with the command Tencent sends it with in the query.
fn chat_fixtures(folder: &str) -> Vec<(String, String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(fixtures_dir().join(folder)).unwrap() {
        let path = entry.unwrap().path();
        if path.extension() != Some("json".as_ref()) {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let body = std::fs::read(&path).unwrap();
        let stem = name.split('.').next().unwrap();
        let command = match QUERY_DECIDES.iter().find(|(file, _)| *file == stem) {
            Some((_, command)) => command.to_string(),
            None => command_of(&body),
        };
        out.push((format!("{folder}/{name}"), command, body));
    }
    out.sort();
    out
}

fn all_chat_fixtures() -> Vec<(String, String, Vec<u8>)> {
    let mut all = chat_fixtures("chat");
    assert_eq!(all.len(), 64, "one sample a command");
    let variants = chat_fixtures("chat/variants");
    assert_eq!(variants.len(), 10);
    all.extend(variants);
    all
}

/// The Chat commands that `Event::Live` carries: one type a command, in `event::live`.
const SHARED_WITH_LIVE: [&str; 4] = [
    "Group.CallbackBeforeSendMsg",
    "Group.CallbackAfterSendMsg",
    "Follow.CallbackAfterFollowAdd",
    "Follow.CallbackAfterFollowDelete",
];

#[test]
fn every_chat_sample_decodes_to_a_typed_event_of_its_command() {
    for (name, command, body) in all_chat_fixtures() {
        let event = Event::decode(&command, &body).unwrap_or_else(|e| panic!("{name}: {e}"));
        let typed = if SHARED_WITH_LIVE.contains(&command.as_str()) {
            matches!(event, Event::Live(_))
        } else {
            matches!(event, Event::Chat(_))
        };
        assert!(typed, "{name} decoded as {event:?}");
        assert_eq!(event.command(), command, "{name}");
    }
}

#[test]
fn every_member_of_every_chat_sample_is_named() {
    for (name, command, body) in all_chat_fixtures() {
        let event = Event::decode(&command, &body).unwrap();
        let unnamed = testing::unnamed_members(&event);
        assert!(unnamed.is_empty(), "{name}: {unnamed:?}");
    }
}

#[test]
fn every_chat_sample_is_written_back_as_it_arrived() {
    for (name, command, body) in all_chat_fixtures() {
        let event = Event::decode(&command, &body).unwrap();
        let sent: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(serde_json::to_value(&event).unwrap(), sent, "{name}");
    }
}

#[test]
fn the_test_kit_has_the_sample_of_every_chat_command() {
    let requests = CallbackRequest::chat_samples();
    let commands: Vec<String> = chat_fixtures("chat")
        .into_iter()
        .map(|(_, command, _)| command)
        .filter(|command| !SHARED_WITH_LIVE.contains(&command.as_str()))
        .collect();
    assert_eq!(requests.len(), commands.len());
    for request in requests {
        let event = Event::decode(request.command(), request.body_bytes()).unwrap();
        assert!(matches!(event, Event::Chat(_)), "{event:?}");
        assert!(commands.iter().any(|command| command == event.command()));
    }
}
