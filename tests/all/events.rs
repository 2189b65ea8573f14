//! The typed events: every fixture, the lenient rules, open enums, and the JSON written back.

use crate::common;

use serde_json::{json, Value};
use tencent_room_webhook::event::live::DestroyType;
use tencent_room_webhook::event::{
    DecodeError, EventTime, MemberChangeType, RoomDestroyed, RoomStatus, RoomType, TakeSeatMode,
    UserId,
};
use tencent_room_webhook::{Event, OptPlatform};

use common::*;

fn decode(relative: &str) -> Event {
    Event::from_json(&fixture(relative)).unwrap()
}

#[test]
fn every_fixture_decodes_to_its_typed_event() {
    for (name, body) in callback_fixtures() {
        let event = Event::from_json(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            !matches!(event, Event::Unknown(_) | Event::Undecodable(_)),
            "{name} decoded as {event:?}"
        );
        assert_eq!(event.command(), command_of(&body), "{name}");
    }
}

#[test]
fn every_fixture_written_back_keeps_every_member_and_decodes_the_same() {
    for (name, body) in callback_fixtures() {
        let event = Event::from_json(&body).unwrap();
        let written = serde_json::to_vec(&event).unwrap();
        assert_eq!(Event::from_json(&written).unwrap(), event, "{name}");
        let original: Value = serde_json::from_slice(&body).unwrap();
        let written: Value = serde_json::from_slice(&written).unwrap();
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            keys(&written),
            keys(&original),
            "{name}: same top-level members"
        );
    }
}

#[test]
fn room_created_reads_every_room_info_member() {
    let Event::RoomCreated(created) = decode("room/after_create_room.json") else {
        panic!()
    };
    assert_eq!(created.operator_account.as_ref().unwrap(), "admin");
    assert_eq!(
        created.schedule_invitee_list_account,
        ["user2", "user3", "user3"].map(UserId::from)
    );
    assert_eq!(
        created.event_time,
        Some(EventTime::from_millis(1703589922780))
    );
    let info = created.room_info.as_ref().unwrap();
    assert_eq!(created.room_id().unwrap(), "tandy-test-rest");
    assert_eq!(info.room_name.as_deref(), Some("tandy-test-rest"));
    assert_eq!(info.room_type, Some(RoomType::Meeting));
    assert_eq!(info.owner_account.as_ref().unwrap(), "user3");
    assert_eq!(
        (info.max_member_count, info.max_seat_count),
        (Some(300), Some(16))
    );
    assert_eq!(info.is_video_disabled, Some(true));
    assert_eq!(info.is_audio_disabled, Some(true));
    assert_eq!(info.is_message_disabled, Some(true));
    assert_eq!(info.is_screen_sharing_disabled, Some(true));
    assert_eq!(info.is_cloud_recording_disabled, Some(true));
    assert_eq!(info.is_seat_enabled, Some(true));
    assert_eq!(info.custom_info.as_deref(), Some("custom123"));
    assert_eq!(info.schedule_start_time, Some(1703589922));
    assert_eq!(info.schedule_end_time, Some(1703593522));
    assert_eq!(info.create_time, Some(1703589922));
    assert_eq!(info.room_status, Some(RoomStatus::Running));
    assert_eq!(info.take_seat_mode, Some(TakeSeatMode::ApplyToTake));
    assert!(info.extra.is_empty() && created.extra.is_empty());
}

#[test]
fn room_destroyed_reads_its_room() {
    let Event::RoomDestroyed(destroyed) = decode("room/after_destroy_room.json") else {
        panic!()
    };
    assert_eq!(destroyed.room_id.as_ref().unwrap(), "tandy-test-rest");
    assert_eq!(destroyed.operator_account.as_ref().unwrap(), "admin");
    assert_eq!(destroyed.event_time.unwrap().as_millis(), 1703589922780);
}

#[test]
fn room_info_updated_reads_the_members_sent() {
    let Event::RoomInfoUpdated(updated) = decode("room/after_update_room_info.json") else {
        panic!()
    };
    let info = updated.room_info.unwrap();
    assert_eq!(info.room_id.unwrap(), "rid-123");
    assert_eq!(info.take_seat_mode, Some(TakeSeatMode::FreeToTake));
    assert_eq!(info.is_video_disabled, Some(false));
    assert_eq!(info.room_status, None, "a member not sent stays None");
}

#[test]
fn member_entered_reads_its_members() {
    let Event::MemberEntered(entered) = decode("room/after_member_enter.json") else {
        panic!()
    };
    assert_eq!(entered.member_count, Some(20));
    assert_eq!(entered.change_type, Some(MemberChangeType::Enter));
    assert_eq!(entered.member_list_account, ["user1"].map(UserId::from));
}

#[test]
fn member_left_reads_its_reason() {
    let Event::MemberLeft(left) = decode("room/after_member_leave.json") else {
        panic!()
    };
    assert_eq!(left.change_type, Some(MemberChangeType::Leave));
    assert_eq!(left.reason.as_deref(), Some("xxxx"));
    assert_eq!(left.room_id().unwrap(), "rid-123");
}

#[test]
fn seat_list_changed_reads_every_seat() {
    let Event::SeatListChanged(changed) = decode("room/after_seat_info_changed.json") else {
        panic!()
    };
    assert_eq!(changed.seat_list.len(), 2);
    assert_eq!(changed.seat_list[0].index, Some(1));
    assert_eq!(changed.seat_list[0].occupant().unwrap(), "user7");
    assert_eq!(
        changed.seat_list[1].occupant(),
        None,
        "an empty Member_Account is a free seat"
    );
    assert_eq!(changed.seat_list[1].is_taken_disabled, Some(true));
}

// The lenient rules of protocol.md section 2.

#[test]
fn string_booleans_are_read_as_booleans() {
    let Event::RoomInfoUpdated(updated) = decode("drift/update_room_info_string_bool.json") else {
        panic!()
    };
    assert_eq!(
        updated.room_info.unwrap().is_cloud_recording_disabled,
        Some(false)
    );
    let body = json!({"CallbackCommand": "Mic.CallbackAfterSeatInfoChanged",
        "SeatList": [{"IsTakenDisabled": "TRUE", "IsVideoDisabled": 1, "IsAudioDisabled": "false"}]});
    let Event::SeatListChanged(changed) = Event::from_json(body.to_string().as_bytes()).unwrap()
    else {
        panic!()
    };
    let seat = &changed.seat_list[0];
    assert_eq!(
        (
            seat.is_taken_disabled,
            seat.is_video_disabled,
            seat.is_audio_disabled
        ),
        (Some(true), Some(true), Some(false))
    );
}

#[test]
fn a_numeric_member_account_is_read_as_its_digits() {
    let Event::SeatListChanged(changed) = decode("drift/seat_numeric_member.json") else {
        panic!()
    };
    assert_eq!(
        changed.seat_list[0].occupant().unwrap(),
        "144115233775727695"
    );
    assert_eq!(
        changed.seat_list[1].member_account, None,
        "absent when the seat is free"
    );
}

#[test]
fn a_string_event_time_is_read_as_milliseconds() {
    let Event::RoomDestroyed(destroyed) = decode("drift/destroy_room_extra_fields.json") else {
        panic!()
    };
    assert_eq!(
        destroyed.event_time,
        Some(EventTime::from_millis(1703589922780))
    );
}

#[test]
fn extra_members_are_kept_and_reachable() {
    let Event::RoomDestroyed(destroyed) = decode("drift/destroy_room_extra_fields.json") else {
        panic!()
    };
    // `EventType`, which the Live product adds, is typed now.
    assert_eq!(destroyed.event_type, Some(DestroyType::BySystem));
    assert!(
        !destroyed.extra.contains_key("CallbackCommand"),
        "the command is not an extra member"
    );
    let body = json!({"CallbackCommand": "Room.CallbackAfterUpdateRoomInfo",
        "RoomInfo": {"RoomId": "r", "NewSetting": [1, 2]}});
    let Event::RoomInfoUpdated(updated) = Event::from_json(body.to_string().as_bytes()).unwrap()
    else {
        panic!()
    };
    assert_eq!(
        updated.room_info.unwrap().extra["NewSetting"],
        json!([1, 2])
    );
}

#[test]
fn a_missing_reason_is_none() {
    let Event::MemberLeft(left) = decode("drift/member_leave_kicked_no_reason.json") else {
        panic!()
    };
    assert_eq!(left.reason, None);
    assert_eq!(left.change_type, Some(MemberChangeType::Kicked));
}

#[test]
fn a_body_with_only_the_command_decodes_with_every_field_missing() {
    for command in COMMANDS {
        let body = json!({ "CallbackCommand": command }).to_string();
        let event = Event::from_json(body.as_bytes()).unwrap();
        assert!(
            !matches!(event, Event::Unknown(_) | Event::Undecodable(_)),
            "{command}"
        );
        assert_eq!(event.room_id(), None);
        assert_eq!(event.event_time(), None);
    }
}

#[test]
fn null_members_read_as_missing() {
    let body = json!({"CallbackCommand": "Room.CallbackAfterMemberLeave", "RoomId": null,
        "MemberCount": null, "Type": null, "MemberList_Account": null, "EventTime": null});
    let Event::MemberLeft(left) = Event::from_json(body.to_string().as_bytes()).unwrap() else {
        panic!()
    };
    assert_eq!(left, Default::default());
}

#[test]
fn numbers_sent_as_decimal_strings_are_read() {
    let body = json!({"CallbackCommand": "Room.CallbackAfterMemberEnter", "MemberCount": "21", "RoomId": 12345});
    let Event::MemberEntered(entered) = Event::from_json(body.to_string().as_bytes()).unwrap()
    else {
        panic!()
    };
    assert_eq!(entered.member_count, Some(21));
    assert_eq!(entered.room_id.unwrap(), "12345");
}

#[test]
fn a_whole_number_written_as_a_float_is_read() {
    let body =
        br#"{"CallbackCommand":"Room.CallbackAfterDestroyRoom","EventTime":1.670574414123e12}"#;
    let event = Event::from_json(body).unwrap();
    assert_eq!(
        event.event_time(),
        Some(EventTime::from_millis(1670574414123))
    );
    // A fraction is no millisecond count: kept as sent, not rounded.
    let body = br#"{"CallbackCommand":"Room.CallbackAfterDestroyRoom","EventTime":1.5}"#;
    let Event::RoomDestroyed(destroyed) = Event::from_json(body).unwrap() else {
        panic!()
    };
    assert_eq!(destroyed.event_time(), None);
    assert_eq!(destroyed.extra["EventTime"], 1.5);
}

#[test]
fn ids_look_up_str_keyed_maps() {
    let mut rooms = std::collections::HashMap::new();
    rooms.insert(tencent_room_webhook::event::RoomId::from("rid-123"), 1);
    assert_eq!(rooms.get("rid-123"), Some(&1));
}

#[test]
fn unlisted_enumeration_values_are_kept() {
    let body = json!({"CallbackCommand": "Room.CallbackAfterCreateRoom",
        "RoomInfo": {"RoomType": "Webinar", "RoomStatus": "Paused", "TakeSeatMode": "Lottery"}});
    let Event::RoomCreated(created) = Event::from_json(body.to_string().as_bytes()).unwrap() else {
        panic!()
    };
    let info = created.room_info.unwrap();
    assert_eq!(info.room_type, Some(RoomType::Other("Webinar".into())));
    assert_eq!(info.room_status.unwrap().as_str(), "Paused");
    assert_eq!(info.take_seat_mode.unwrap().as_str(), "Lottery");
    let body = json!({"CallbackCommand": "Room.CallbackAfterMemberLeave", "Type": "Banned"});
    let Event::MemberLeft(left) = Event::from_json(body.to_string().as_bytes()).unwrap() else {
        panic!()
    };
    assert_eq!(
        left.change_type,
        Some(MemberChangeType::Other("Banned".into()))
    );
}

#[test]
fn enumeration_values_are_matched_without_regard_to_case() {
    assert_eq!(RoomType::from("conference"), RoomType::Conference);
    assert_eq!(MemberChangeType::from("KICKED"), MemberChangeType::Kicked);
    assert_eq!(OptPlatform::from("IOS"), OptPlatform::Ios);
    assert_eq!(OptPlatform::from("Mac"), OptPlatform::MacOs);
    assert_eq!(OptPlatform::from("macOS"), OptPlatform::MacOs);
    assert_eq!(OptPlatform::from("RESTAPI"), OptPlatform::RestApi);
    assert_eq!(
        OptPlatform::from("HarmonyOS"),
        OptPlatform::Other("HarmonyOS".into())
    );
}

#[test]
fn a_named_member_given_twice_makes_an_undecodable_event_not_an_error() {
    let body =
        br#"{"CallbackCommand":"Room.CallbackAfterMemberEnter","MemberCount":3,"MemberCount":4}"#;
    let Event::Undecodable(undecodable) = Event::from_json(body).unwrap() else {
        panic!()
    };
    assert_eq!(undecodable.body["MemberCount"], 4);
    assert!(
        undecodable.reason.contains("MemberCount"),
        "{}",
        undecodable.reason
    );
    // Written back as read (one member of a name, as JSON objects have).
    let written: Value = serde_json::to_value(Event::Undecodable(undecodable)).unwrap();
    assert_eq!(written, serde_json::from_slice::<Value>(body).unwrap());
}

#[test]
fn an_unknown_command_keeps_its_raw_json() {
    let body =
        br#"{"CallbackCommand":"Group.CallbackAfterFutureCommand","GroupId":"g1","EventTime":"5"}"#;
    let event = Event::from_json(body).unwrap();
    assert_eq!(event.command(), "Group.CallbackAfterFutureCommand");
    assert_eq!(event.event_time(), Some(EventTime::from_millis(5)));
    let Event::Unknown(unknown) = &event else {
        panic!()
    };
    assert_eq!(unknown.body["GroupId"], "g1");
    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        serde_json::from_slice::<Value>(body).unwrap()
    );
}

#[test]
fn the_body_command_decides_whatever_the_query_says() {
    let body = fixture("room/after_member_leave.json");
    for query in ["Room.CallbackAfterDestroyRoom", "Some.Unknown", ""] {
        let event = Event::decode(query, &body).unwrap();
        assert!(matches!(event, Event::MemberLeft(_)), "{query}: {event:?}");
    }
}

#[test]
fn decode_errors_say_what_is_wrong_without_quoting_the_body() {
    let error = Event::from_json(b"{\"CallbackCommand\": secret}").unwrap_err();
    assert!(matches!(error, DecodeError::NotJson { .. }));
    assert!(!error.to_string().contains("secret"), "{error}");
    assert_eq!(
        Event::from_json(b"[1]").unwrap_err(),
        DecodeError::NotAnObject
    );
    assert_eq!(
        Event::from_json(b"{}").unwrap_err(),
        DecodeError::MissingCommand
    );
}

#[test]
fn a_body_with_two_different_commands_is_refused_even_when_one_is_escaped() {
    for body in [
        r#"{"CallbackCommand":"Room.CallbackAfterMemberLeave","CallbackCommand":"Room.CallbackAfterDestroyRoom"}"#,
        r#"{"CallbackCommand":"Room.CallbackAfterDestroyRoom","Callback\u0043ommand":"Room.X"}"#,
    ] {
        assert_eq!(
            Event::decode("Room.CallbackAfterDestroyRoom", body.as_bytes()).unwrap_err(),
            DecodeError::CommandRepeated,
            "{body}"
        );
    }
}

#[test]
fn a_body_repeating_the_same_command_is_read() {
    let body = r#"{"CallbackCommand":"Room.CallbackAfterDestroyRoom","CallbackCommand":"Room.CallbackAfterDestroyRoom","RoomId":"r"}"#;
    let event = Event::decode("Room.CallbackAfterDestroyRoom", body.as_bytes()).unwrap();
    assert_eq!(event.room_id().unwrap(), "r");
}

#[test]
fn an_event_is_written_with_its_command_once_even_when_extra_has_one() {
    // A struct read on its own (not through `Event`) keeps the body's command among
    // its unnamed members; written back as an `Event`, the command appears once.
    let body = br#"{"CallbackCommand":"Room.CallbackAfterDestroyRoom","RoomId":"r1"}"#;
    let destroyed: RoomDestroyed = serde_json::from_slice(body).unwrap();
    assert_eq!(
        destroyed.extra["CallbackCommand"],
        "Room.CallbackAfterDestroyRoom"
    );
    let written = serde_json::to_string(&Event::RoomDestroyed(destroyed)).unwrap();
    assert_eq!(written.matches("CallbackCommand").count(), 1, "{written}");
}

#[test]
fn a_body_without_a_textual_command_is_refused_even_after_an_unreadable_field() {
    let cases: [(&str, DecodeError); 3] = [
        (r#"{"MemberCount":"x"}"#, DecodeError::MissingCommand),
        (r#"{"CallbackCommand":null}"#, DecodeError::CommandNotText),
        (
            r#"{"MemberCount":"x","CallbackCommand":7}"#,
            DecodeError::CommandNotText,
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(
            Event::decode("Room.CallbackAfterMemberLeave", body.as_bytes()).unwrap_err(),
            expected,
            "{body}"
        );
    }
}

#[test]
fn a_callback_command_inside_room_info_is_one_of_its_members() {
    let body = br#"{"CallbackCommand":"Room.CallbackAfterUpdateRoomInfo",
        "RoomInfo":{"RoomId":"r1","CallbackCommand":"kept"}}"#;
    let event = Event::from_json(body).unwrap();
    let Event::RoomInfoUpdated(updated) = &event else {
        panic!("{event:?}")
    };
    let info = updated.room_info.as_ref().unwrap();
    assert_eq!(info.extra["CallbackCommand"], "kept");
    let written: Value = serde_json::to_value(&event).unwrap();
    assert_eq!(written["RoomInfo"]["CallbackCommand"], "kept");
    assert_eq!(
        written["CallbackCommand"],
        "Room.CallbackAfterUpdateRoomInfo"
    );
}
