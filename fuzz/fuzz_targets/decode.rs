//! `Event::from_json` and `Event::decode` on arbitrary bytes, and the round trip of what
//! they decode.
//!
//! The first byte picks the entry point: `from_json`, or `decode` with one of the six
//! known commands or an unknown one. A seed is a fixture prefixed with one 0 byte.
//!
//! Invariants (see FUZZING.md):
//! - no panic;
//! - `decode(command, ..)` gives the event of the body's own command, whatever `command`
//!   is: `from_json` and `decode` agree;
//! - a decoded event serializes to a JSON object whose `CallbackCommand` is its command,
//!   and decoding that again gives an equal event, through both entry points;
//! - a typed event (one of the six) stays typed;
//! - an error's message never quotes the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tencent_room_webhook::event::Event;

const COMMANDS: [&str; 7] = [
    "Room.CallbackAfterCreateRoom",
    "Room.CallbackAfterDestroyRoom",
    "Room.CallbackAfterUpdateRoomInfo",
    "Room.CallbackAfterMemberEnter",
    "Room.CallbackAfterMemberLeave",
    "Mic.CallbackAfterSeatInfoChanged",
    "Room.CallbackAfterSomethingNew",
];

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
            // The body's command decides: the query's changes nothing.
            match (&result, Event::from_json(body)) {
                (Ok(event), Ok(by_body)) => {
                    assert!(same(event, &by_body), "{event:?}\n{by_body:?}")
                }
                (Err(error), Err(by_body)) => assert_eq!(error, &by_body),
                (result, by_body) => panic!("decode: {result:?}, from_json: {by_body:?}"),
            }
            result
        }
    };
    match result {
        Ok(event) => {
            // from_json and decode agree on the body's own command.
            let by_body = Event::from_json(body).expect("decodable with its command");
            let by_command = Event::decode(event.command(), body).unwrap();
            assert!(same(&by_body, &by_command), "{by_body:?}\n{by_command:?}");
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
