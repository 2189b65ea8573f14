//! `Event::from_json` and `Event::decode` on arbitrary bytes, and the round trip of what
//! they decode.
//!
//! The first byte picks the entry point: `from_json`, or `decode` with one of `COMMANDS`
//! (the six Room commands, an unknown one, the three query-decided ones, the alias, the
//! Live family, the other Chat commands). A seed is a fixture prefixed with one 0 byte;
//! the three fixtures without a top-level `CallbackCommand` are prefixed with 8, 9 or 10
//! (`decode` with `Push.OfflinePush`, `Push.AllMemberPush`, `ContentCallback.ResultNotify`).
//!
//! Invariants (see FUZZING.md):
//! - no panic;
//! - `decode(command, ..)` gives the event of the body's own command, whatever `command`
//!   is: `from_json` and `decode` agree; but for a body without a top-level
//!   `CallbackCommand` (by this file's own reading) and `command` one of `QUERY_DECIDES`:
//!   then `from_json` says `MissingCommand` and `decode` gives an event of `command`;
//! - `from_json` says `MissingCommand` exactly for a JSON object without one;
//! - a decoded event serializes to a JSON object whose `CallbackCommand` is its command
//!   (none for the commands of `QUERY_DECIDES`), and decoding that again gives an equal
//!   event, through both entry points (`decode` with its command for those three);
//! - a typed event (Room, Live or Chat) stays typed;
//! - an error's message never quotes the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tencent_room_webhook::event::{DecodeError, Event};

/// The commands `decode` is given (selector `i` in 1..=84: `COMMANDS[i - 1]`). The first
/// seven in their original places; the three query-decided ones at 7, 8, 9 (selectors 8,
/// 9, 10: `fuzz/seed-corpus.sh` relies on it); all known to the crate but
/// `Room.CallbackAfterSomethingNew`.
const COMMANDS: [&str; 84] = [
    "Room.CallbackAfterCreateRoom",
    "Room.CallbackAfterDestroyRoom",
    "Room.CallbackAfterUpdateRoomInfo",
    "Room.CallbackAfterMemberEnter",
    "Room.CallbackAfterMemberLeave",
    "Mic.CallbackAfterSeatInfoChanged",
    "Room.CallbackAfterSomethingNew",
    "Push.OfflinePush",
    "Push.AllMemberPush",
    "ContentCallback.ResultNotify",
    "Room.CallbackUpdateRoomInfo",
    "Live.CallbackAfterCreateRoom",
    "Live.CallbackAfterDestroyRoom",
    "Live.CallbackAfterUpdateRoomInfo",
    "Live.CallbackAfterSetMetadata",
    "Live.CallbackAfterDelMetadata",
    "Live.CallbackAfterCreateRoomReachingThreshold",
    "Live.CallbackAfterMemberStateChanged",
    "Live.CallbackAfterChangeOwner",
    "Live.CallbackAfterModifyAdmin",
    "Live.CallbackAfterCreateBattle",
    "Live.CallbackAfterStartBattle",
    "Live.CallbackAfterEndBattle",
    "Live.CallbackBeforeSendGift",
    "Group.CallbackAfterSendMsg",
    "Group.CallbackBeforeSendMsg",
    "Follow.CallbackAfterFollowAdd",
    "Follow.CallbackAfterFollowDelete",
    "Alert.RequestOverLimit",
    "State.StateChange",
    "Profile.CallbackPortraitSet",
    "Sns.CallbackPrevFriendAdd",
    "Sns.CallbackPrevFriendResponse",
    "Sns.CallbackFriendAdd",
    "Sns.CallbackFriendDelete",
    "Sns.CallbackBlackListAdd",
    "Sns.CallbackBlackListDelete",
    "Bot.OnC2CMessage",
    "Bot.OnGroupMessage",
    "Chatbot.OnC2CSignalMessage",
    "Call.CallbackAfterStartCall",
    "Call.CallbackAfterEndCall",
    "Call.CallbackAfterMemberChanged",
    "C2C.CallbackBeforeSendMsg",
    "C2C.CallbackAfterSendMsg",
    "C2C.CallbackAfterMsgReport",
    "C2C.CallbackAfterMsgWithDraw",
    "C2C.CallbackAfterC2CMsgExtension",
    "C2C.CallbackAfterMsgReadReceipt",
    "C2C.CallbackAfterModifyMsg",
    "C2C.CallbackAfterMsgReadAll",
    "Group.CallbackBeforeCreateGroup",
    "Group.CallbackAfterCreateGroup",
    "Group.CallbackBeforeApplyJoinGroup",
    "Group.CallbackBeforeInviteJoinGroup",
    "Group.CallbackAfterNewMemberJoin",
    "Group.CallbackAfterMemberExit",
    "Group.CallbackAfterGroupFull",
    "Group.CallbackAfterGroupDestroyed",
    "Group.CallbackAfterGroupInfoChanged",
    "Group.CallbackAfterRecallMsg",
    "Group.CallbackOnMemberStateChange",
    "Group.CallbackSendMsgException",
    "Group.CallbackBeforeCreateTopic",
    "Group.CallbackAfterCreateTopic",
    "Group.CallbackAfterTopicDestroyed",
    "Group.CallbackAfterTopicInfoChanged",
    "Group.CallbackAfterMemberFieldChanged",
    "Group.CallbackAfterGroupAttrChanged",
    "Group.CallbackAfterReadReceipt",
    "Group.CallbackAfterChangeGroupOwner",
    "Group.CallbackOnDailyGroupQuotaAlarm",
    "Group.CallbackAfterGroupMsgExtension",
    "Group.CallbackAfterModifyMsg",
    "OfficialAccount.CallbackBeforeCreateOfficialAccount",
    "OfficialAccount.CallbackAfterCreateOfficialAccount",
    "OfficialAccount.CallbackAfterOfficialAccountInfoChanged",
    "OfficialAccount.CallbackAfterOfficialAccountDestroyed",
    "OfficialAccount.CallbackBeforeAddSubscriber",
    "OfficialAccount.CallbackAfterAddSubscriber",
    "OfficialAccount.CallbackAfterOfficialAccountFull",
    "OfficialAccount.CallbackAfterDeleteSubscriber",
    "OfficialAccount.CallbackBeforeSendMsg",
    "OfficialAccount.CallbackAfterSendMsg",
];

/// The commands whose bodies carry no top-level `CallbackCommand`: for a body without one,
/// `decode` takes the query's command when it is exactly one of these (the crate's
/// documented rule), and their events are written back without one.
const QUERY_DECIDES: [&str; 3] = [
    "Push.OfflinePush",
    "Push.AllMemberPush",
    "ContentCallback.ResultNotify",
];

/// The body by this file's own reading: `Some(true)` for a JSON object with a top-level
/// `CallbackCommand`, `Some(false)` for one without, `None` for anything else (not JSON,
/// not an object, or past serde_json's limits).
fn has_command(body: &[u8]) -> Option<bool> {
    match serde_json::from_slice::<Value>(body).ok()? {
        Value::Object(members) => Some(members.contains_key("CallbackCommand")),
        _ => None,
    }
}

fn typed(event: &Event) -> bool {
    !matches!(event, Event::Unknown(_) | Event::Undecodable(_))
}

/// Equality, with two allowances:
/// - an undecodable event's reason names a line and a column of the text it was decoded
///   from, and its body may decode once serialized: it was read into a map, so of a
///   duplicated member (`"RoomId"` twice, the reason it was undecodable) only the last
///   is serialized, and the event may come back typed. Its command must survive.
/// - a float among the members the crate does not name may move by an ulp: serde_json
///   without its `float_roundtrip` feature does not round every long decimal correctly
///   (known; see FUZZING.md and `tests/all/properties.rs`).
fn same(a: &Event, b: &Event) -> bool {
    if a == b {
        return true;
    }
    let commands = a.command() == b.command();
    if matches!(a, Event::Undecodable(_)) {
        return commands;
    }
    let kinds = std::mem::discriminant(a) == std::mem::discriminant(b);
    let values = match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(a), Ok(b)) => close(&a, &b),
        _ => false,
    };
    commands && kinds && values
}

fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x != y => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y))
                if x.is_finite() && y.is_finite() && !(x.fract() == 0.0 && x.abs() < 9e15) =>
            {
                (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs())
            }
            _ => false,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| close(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
        }
        _ => a == b,
    }
}

fn round_trip(event: &Event) {
    let json = serde_json::to_vec(event).expect("an event serializes");
    let value: Value = serde_json::from_slice(&json).expect("the serialization is JSON");
    assert!(value.is_object(), "an event serializes to a JSON object");
    if QUERY_DECIDES.contains(&event.command()) && !value.get("CallbackCommand").is_some() {
        // Written back without a command (a typed event of the three always so, an
        // undecodable one as its body was): only the query's command decides it.
        assert!(
            !matches!(event, Event::Unknown(_)),
            "a command of the crate's is not unknown"
        );
        assert_eq!(
            Event::from_json(&json),
            Err(DecodeError::MissingCommand),
            "without its command, the serialization is no callback of its own"
        );
    } else {
        assert!(
            !(typed(event) && QUERY_DECIDES.contains(&event.command())),
            "a typed event of {} is written back without a command",
            event.command()
        );
        assert_eq!(
            value.get("CallbackCommand").and_then(Value::as_str),
            Some(event.command()),
            "the serialization carries the command"
        );
        let again = Event::from_json(&json).expect("a serialized event decodes");
        assert!(
            same(event, &again),
            "from_json(serialize(e)) == e\n{event:?}\n{again:?}"
        );
    }
    let again = Event::decode(event.command(), &json).expect("a serialized event decodes");
    assert!(
        same(event, &again),
        "decode(command, serialize(e)) == e\n{event:?}\n{again:?}"
    );
    if typed(event) {
        assert!(typed(&again), "a typed event stays typed");
    }
}

/// Whether `needle` appearing in a message can only have been copied there: the messages
/// are English words, digits and a little punctuation, so a needle made only of those may
/// appear in one by chance (the fuzzer finds `body is not vali` quickly).
fn distinctive(needle: &str) -> bool {
    needle.len() >= 8
        && needle
            .bytes()
            .any(|b| !(b.is_ascii_alphanumeric() || b" ,.'():;/-_".contains(&b)))
}

fn run(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(body);
    let result = match usize::from(selector) % (COMMANDS.len() + 1) {
        0 => Event::from_json(body),
        i => {
            let command = COMMANDS[i - 1];
            let result = Event::decode(command, body);
            let by_body = Event::from_json(body);
            // `from_json` says `MissingCommand` exactly for an object without one.
            if let Some(has) = has_command(body) {
                assert_eq!(
                    matches!(by_body, Err(DecodeError::MissingCommand)),
                    !has,
                    "MissingCommand for an object without CallbackCommand: {by_body:?}"
                );
            }
            if QUERY_DECIDES.contains(&command) && by_body == Err(DecodeError::MissingCommand) {
                // The query's command decides a body without one.
                let event = result.as_ref().expect("an object decodes under the three");
                assert_eq!(event.command(), command, "the query's command decides");
                assert!(!matches!(event, Event::Unknown(_)), "{event:?}");
            } else {
                // The body's command decides: the query's changes nothing.
                match (&result, by_body) {
                    (Ok(event), Ok(by_body)) => {
                        assert!(same(event, &by_body), "{event:?}\n{by_body:?}")
                    }
                    (Err(error), Err(by_body)) => assert_eq!(error, &by_body),
                    (result, by_body) => panic!("decode: {result:?}, from_json: {by_body:?}"),
                }
            }
            result
        }
    };
    match result {
        Ok(event) => {
            // from_json and decode agree on the body's own command (for a body without
            // one, decode with the query's command is the only reading).
            let by_command = Event::decode(event.command(), body).unwrap();
            match Event::from_json(body) {
                Ok(by_body) => assert!(same(&by_body, &by_command), "{by_body:?}\n{by_command:?}"),
                Err(DecodeError::MissingCommand) => {
                    assert!(QUERY_DECIDES.contains(&event.command()), "{event:?}");
                    assert!(same(&event, &by_command), "{event:?}\n{by_command:?}");
                }
                Err(error) => panic!("decoded by decode, not by from_json: {error:?}"),
            }
            round_trip(&event);
        }
        Err(error) => {
            let message = error.to_string();
            let trimmed = text.trim();
            assert!(
                !distinctive(trimmed) || !message.contains(trimmed),
                "the error {message:?} quotes the body"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| run(data));
