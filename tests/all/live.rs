//! The Live family (`protocol-live.md`): every sample decodes to its typed event and is
//! written back as it arrived; the leniency its pages need; members that cannot be read
//! kept as sent; the body's command deciding over the query's.

use crate::common;

use serde_json::{json, Value};
use tencent_room_webhook::decision::GiftDecision;
use tencent_room_webhook::event::live::{
    AdminOperation, DestroyType, GiftSending, MemberState, MemberStateCause, MsgElement,
};
use tencent_room_webhook::event::{
    DecodeError, Event, EventTime, LiveEvent, MemberChangeType, RoomType, TakeSeatMode,
};
use tencent_room_webhook::handler::LiveHandler;
use tencent_room_webhook::testing::{self, CallbackRequest};
use tencent_room_webhook::{CallbackContext, RoomHandler};

use common::*;

fn decode(relative: &str) -> Event {
    let body = fixture(relative);
    Event::from_json(&body).unwrap_or_else(|error| panic!("{relative}: {error}"))
}

fn live(relative: &str) -> LiveEvent {
    match decode(relative) {
        Event::Live(event) => event,
        other => panic!("{relative} decoded as {other:?}"),
    }
}

fn from_value(body: Value) -> Event {
    Event::from_json(body.to_string().as_bytes()).unwrap()
}

/// Every request sample of `tests/fixtures/live` and `live/variants`.
fn live_fixtures() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for folder in ["live", "live/variants"] {
        for entry in std::fs::read_dir(fixtures_dir().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let name = format!("{folder}/{}", path.file_name().unwrap().to_string_lossy());
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    assert_eq!(out.len(), 18 + 3, "fixtures missing: {out:?}");
    out
}

// Every sample.

#[test]
fn every_live_sample_decodes_to_a_typed_event_of_its_command() {
    for (name, body) in live_fixtures() {
        let event = Event::from_json(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            matches!(event, Event::Live(_) | Event::SeatListChanged(_)),
            "{name} decoded as {event:?}"
        );
        assert_eq!(event.command(), command_of(&body), "{name}");
        // Every member of every sample is named: nothing is left in an `extra`.
        let unnamed = unnamed_members(&event);
        assert!(unnamed.is_empty(), "{name}: {unnamed:?}");
    }
}

/// The members of the samples that no field names, found through the events' `extra`s.
fn unnamed_members(event: &Event) -> Vec<String> {
    let extras: Vec<&serde_json::Map<String, Value>> = match event {
        Event::SeatListChanged(e) => std::iter::once(&e.extra)
            .chain(e.seat_list.iter().map(|seat| &seat.extra))
            .collect(),
        Event::Live(LiveEvent::RoomCreated(e)) => {
            vec![&e.extra, &e.room_info.as_ref().unwrap().extra]
        }
        Event::Live(LiveEvent::RoomDestroyed(e)) => vec![
            &e.extra,
            &e.room_info.as_ref().unwrap().extra,
            &e.statistic.as_ref().unwrap().extra,
        ],
        Event::Live(LiveEvent::RoomInfoUpdated(e)) => {
            vec![&e.extra, &e.room_info.as_ref().unwrap().extra]
        }
        Event::Live(LiveEvent::GiftSending(e)) => {
            vec![&e.extra, &e.gift_water.as_ref().unwrap().extra]
        }
        Event::Live(LiveEvent::BattleStarted(e)) => std::iter::once(&e.extra)
            .chain(e.from_room_info.iter().map(|room| &room.extra))
            .chain(e.to_room_list.iter().map(|room| &room.extra))
            .collect(),
        Event::Live(LiveEvent::BattleEnded(e)) => std::iter::once(&e.extra)
            .chain(e.from_room_info.iter().map(|room| &room.extra))
            .chain(e.to_room_list.iter().map(|room| &room.extra))
            .collect(),
        Event::Live(LiveEvent::MetadataSet(e)) => std::iter::once(&e.extra)
            .chain(e.metadata.iter().map(|entry| &entry.extra))
            .collect(),
        Event::Live(LiveEvent::MemberStateChanged(e)) => std::iter::once(&e.extra)
            .chain(e.member_list.iter().map(|member| &member.extra))
            .collect(),
        Event::Live(LiveEvent::FollowAdded(e)) => std::iter::once(&e.extra)
            .chain(e.follow_list.iter().map(|followed| &followed.extra))
            .collect(),
        Event::Live(LiveEvent::MetadataDeleted(e)) => vec![&e.extra],
        Event::Live(LiveEvent::RoomCountThresholdReached(e)) => vec![&e.extra],
        Event::Live(LiveEvent::OwnerChanged(e)) => vec![&e.extra],
        Event::Live(LiveEvent::AdminsModified(e)) => vec![&e.extra],
        Event::Live(LiveEvent::BattleCreated(e)) => vec![&e.extra],
        Event::Live(LiveEvent::MessageSent(e)) => vec![&e.extra],
        Event::Live(LiveEvent::MessageSending(e)) => vec![&e.extra],
        Event::Live(LiveEvent::FollowDeleted(e)) => vec![&e.extra],
        other => panic!("not a Live sample: {other:?}"),
    };
    extras
        .into_iter()
        .flat_map(|extra| extra.keys().cloned())
        .collect()
}

#[test]
fn every_live_sample_is_written_back_as_it_arrived() {
    for (name, body) in live_fixtures() {
        let event = Event::from_json(&body).unwrap();
        let sent: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(serde_json::to_value(&event).unwrap(), sent, "{name}");
    }
}

#[test]
fn every_live_sample_of_the_kit_decodes_as_its_event() {
    let requests = CallbackRequest::live_samples();
    assert_eq!(requests.len(), 17);
    for request in requests {
        let event = Event::from_json(request.body_bytes()).unwrap();
        assert!(matches!(event, Event::Live(_)), "{event:?}");
    }
    assert_eq!(
        tencent_room_webhook::event::live::BattleEnded::sample()
            .battle_id
            .as_deref(),
        Some("4siHsNsWN/T3aub9zKraqPfGQAimPhdFoe6VWhtz9lY=")
    );
}

// Each command, its key fields.

#[test]
fn live_room_created_reads_its_room_info_with_the_live_members() {
    let LiveEvent::RoomCreated(created) = live("live/live_after_create_room.json") else {
        panic!()
    };
    assert_eq!(created.operator_account.as_ref().unwrap(), "admin");
    let info = created.room_info.as_ref().unwrap();
    assert_eq!(created.room_id().unwrap(), "tandy-test-rest");
    assert_eq!(info.room_type, Some(RoomType::Live));
    assert_eq!(info.owner_account.as_ref().unwrap(), "user3");
    assert_eq!(info.max_member_count, Some(300));
    assert_eq!(info.take_seat_mode, Some(TakeSeatMode::ApplyToTake));
    assert_eq!(info.create_time, Some(1703589922));
    assert_eq!(info.is_public_visible, Some(true));
    assert_eq!(info.cover_url.as_deref(), Some("cover url"));
    assert_eq!(info.category, Some(vec![1, 2]));
    // The English sample has no EventTime anywhere.
    assert_eq!(created.event_time(), None);
}

#[test]
fn live_room_created_finds_event_time_at_the_top_or_inside_room_info() {
    for variant in [
        "live/variants/live_after_create_room.cn_110523.json",
        "live/variants/live_after_create_room.cn_110679.json",
    ] {
        let event = decode(variant);
        assert_eq!(
            event.event_time(),
            Some(EventTime::from_millis(1703589922780)),
            "{variant}"
        );
    }
}

#[test]
fn live_room_destroyed_reads_its_type_room_info_and_statistic() {
    let LiveEvent::RoomDestroyed(destroyed) = live("live/live_after_destroy_room.json") else {
        panic!()
    };
    assert_eq!(destroyed.room_id().unwrap(), "tandy-test-rest");
    assert_eq!(destroyed.event_type, Some(DestroyType::ByUser));
    assert_eq!(
        destroyed.event_time(),
        Some(EventTime::from_millis(1703589922780))
    );
    let info = destroyed.room_info.as_ref().unwrap();
    assert_eq!(info.room_name.as_deref(), Some("live name"));
    assert_eq!(info.category, Some(vec![1, 2, 3]));
    assert_eq!(info.activity_status, Some(0));
    assert_eq!(info.view_count, Some(0));
    assert_eq!(info.background_url.as_deref(), Some("background url"));
    assert_eq!(info.is_unlimited_room_enabled, Some(true));
    let statistic = destroyed.statistic.as_ref().unwrap();
    assert_eq!(statistic.total_viewers, Some(0));
    assert_eq!(statistic.total_likes_received, Some(0));
}

#[test]
fn live_room_info_updated_reads_the_members_sent() {
    let LiveEvent::RoomInfoUpdated(updated) = live("live/live_after_update_room_info.json") else {
        panic!()
    };
    let info = updated.room_info.as_ref().unwrap();
    assert_eq!(updated.room_id().unwrap(), "live-room");
    assert_eq!(info.cover_url.as_deref(), Some("https://xxxx.png"));
    assert_eq!(info.activity_status, Some(1));
    assert_eq!(info.is_public_visible, Some(false));
    assert_eq!(
        updated.event_time(),
        Some(EventTime::from_millis(1670574414123))
    );
}

#[test]
fn metadata_set_reads_its_keys_and_values() {
    let LiveEvent::MetadataSet(set) = live("live/live_after_set_metadata.json") else {
        panic!()
    };
    assert_eq!(set.room_id().unwrap(), "live-room1111");
    let pairs: Vec<_> = set
        .metadata
        .iter()
        .map(|entry| {
            (
                entry.key.as_deref().unwrap(),
                entry.value.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(pairs, [("key1", "value1"), ("key2", "value2")]);
}

#[test]
fn metadata_deleted_reads_its_keys() {
    let LiveEvent::MetadataDeleted(deleted) = live("live/live_after_del_metadata.json") else {
        panic!()
    };
    assert_eq!(deleted.keys, ["key1", "key2"]);
    assert_eq!(
        deleted.event_time(),
        Some(EventTime::from_millis(1739966441121))
    );
}

#[test]
fn room_count_threshold_reached_reads_its_counts() {
    let LiveEvent::RoomCountThresholdReached(reached) =
        live("live/live_after_create_room_reaching_threshold.json")
    else {
        panic!()
    };
    assert_eq!(reached.cur_room_count, Some(400));
    assert_eq!(reached.max_room_count, Some(500));
    assert_eq!(reached.room_id(), None);
}

#[test]
fn member_state_changed_reads_state_cause_and_members() {
    let LiveEvent::MemberStateChanged(changed) = live("live/live_after_member_state_changed.json")
    else {
        panic!()
    };
    assert_eq!(changed.room_id().unwrap(), "room_id");
    assert_eq!(changed.event_type, Some(MemberState::Online));
    assert_eq!(changed.event_cause, Some(MemberStateCause::Enter));
    let members: Vec<_> = changed
        .member_list
        .iter()
        .map(|member| member.member_account.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(members, ["jared", "tommy"]);
}

#[test]
fn owner_changed_reads_both_owners() {
    let LiveEvent::OwnerChanged(changed) = live("live/live_after_change_owner.json") else {
        panic!()
    };
    assert_eq!(changed.current_owner_account.as_ref().unwrap(), "user2");
    assert_eq!(changed.original_owner_account.as_ref().unwrap(), "user1");
    assert_eq!(changed.operator_account.as_ref().unwrap(), "admin");
}

#[test]
fn admins_modified_reads_the_lower_case_op_type() {
    let LiveEvent::AdminsModified(modified) = live("live/live_after_modify_admin.json") else {
        panic!()
    };
    assert_eq!(modified.admin_account, ["user1", "user2"]);
    assert_eq!(modified.op_type, Some(AdminOperation::Add));
}

#[test]
fn battle_created_reads_its_rooms_and_durations() {
    let LiveEvent::BattleCreated(created) = live("live/live_after_create_battle.json") else {
        panic!()
    };
    assert_eq!(
        created.battle_id.as_deref(),
        Some("4siHsNsWN/T3aub9zKraqPbSEGRX2z6gs3LDFi+d/3M=")
    );
    assert_eq!(created.room_id().unwrap(), "pk-3");
    assert_eq!(created.to_room_id_list, ["pk-5"]);
    assert_eq!(created.timeout, Some(30000));
    assert_eq!(created.duration, Some(60000));
    assert_eq!(created.need_response, Some(false));
    assert_eq!(created.extension_info.as_deref(), Some("extension pk"));
}

#[test]
fn battle_started_reads_its_rooms_and_times() {
    let LiveEvent::BattleStarted(started) = live("live/live_after_start_battle.json") else {
        panic!()
    };
    assert_eq!(started.start_time, Some(1739954005));
    let caller = started.from_room_info.as_ref().unwrap();
    assert_eq!(caller.room_id.as_ref().unwrap(), "pk-3");
    assert_eq!(caller.owner_account.as_ref().unwrap(), "brennan");
    assert_eq!(
        started.to_room_list[0].owner_account.as_ref().unwrap(),
        "tandy"
    );
}

#[test]
fn battle_ended_reads_its_reason_and_scores() {
    let LiveEvent::BattleEnded(ended) = live("live/live_after_end_battle.json") else {
        panic!()
    };
    assert_eq!(ended.op_type, Some(0));
    assert_eq!(ended.end_time, Some(1739956145));
    let callee = &ended.to_room_list[0];
    assert_eq!(callee.room_id.as_ref().unwrap(), "pk-5");
    assert_eq!(callee.score, Some(0));
    assert_eq!(callee.owner_account.as_ref().unwrap(), "144115245442327522");
}

#[test]
fn gift_sending_reads_its_gift_water() {
    let LiveEvent::GiftSending(sending) = live("live/live_before_send_gift.json") else {
        panic!()
    };
    assert_eq!(sending.room_id().unwrap(), "room_id");
    let gift = sending.gift_water.as_ref().unwrap();
    assert_eq!(gift.from_account.as_ref().unwrap(), "from");
    assert_eq!(gift.to_account, ["to1"]);
    assert_eq!(gift.gift_id.as_deref(), Some("gift1"));
    assert_eq!(
        (gift.count, gift.coins, gift.time),
        (Some(1), Some(1000), Some(1703589922))
    );
    assert_eq!(sending.event_time(), None);
}

#[test]
fn message_sent_reads_its_message_and_string_event_time() {
    let LiveEvent::MessageSent(sent) = live("live/group_after_send_msg.json") else {
        panic!()
    };
    assert_eq!(sent.room_id().unwrap(), "@TGS#2J4SZEAEL");
    assert_eq!(sent.group_type.as_deref(), Some("Live"));
    assert_eq!(sent.from_account.as_ref().unwrap(), "jared");
    assert_eq!(
        (sent.random, sent.msg_seq, sent.msg_time),
        (Some(123456), Some(123), Some(1490686222))
    );
    assert_eq!(sent.msg_body, [MsgElement::text("red packet")]);
    assert_eq!(
        sent.cloud_custom_data.as_deref(),
        Some("your cloud custom data")
    );
    assert_eq!(
        sent.event_time(),
        Some(EventTime::from_millis(1670574414123))
    );
}

#[test]
fn message_sent_reads_the_online_only_flag_of_the_tencentcloud_copy() {
    let body = json!({
        "CallbackCommand": "Group.CallbackAfterSendMsg",
        "GroupId": "@TGS#2J4SZEAEL",
        "OnlineOnlyFlag": 1,
        "EventTime": "1670574414123",
    });
    let event = from_value(body.clone());
    let Event::Live(LiveEvent::MessageSent(sent)) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(sent.online_only_flag, Some(1));
    assert_eq!(serde_json::to_value(&event).unwrap(), body);
}

#[test]
fn message_sending_reads_its_message() {
    let LiveEvent::MessageSending(sending) = live("live/group_before_send_msg.json") else {
        panic!()
    };
    assert_eq!(
        sending.msg_id.as_deref(),
        Some("144115233406643804-1727580296-4026038328")
    );
    assert_eq!(sending.msg_body, [MsgElement::text("red packet")]);
    assert_eq!(
        sending.event_time(),
        Some(EventTime::from_millis(1670574414123))
    );
}

#[test]
fn follow_added_reads_its_follow_list() {
    let LiveEvent::FollowAdded(added) = live("live/follow_after_follow_add.json") else {
        panic!()
    };
    assert_eq!(added.from_account.as_ref().unwrap(), "UserID_001");
    let followed: Vec<_> = added
        .follow_list
        .iter()
        .map(|entry| entry.to_account.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(followed, ["UserID_002", "UserID_003"]);
}

#[test]
fn follow_deleted_reads_its_plain_list() {
    let LiveEvent::FollowDeleted(deleted) = live("live/follow_after_follow_delete.json") else {
        panic!()
    };
    assert_eq!(deleted.to_account, ["UserID_002", "UserID_003"]);
    assert_eq!(deleted.room_id(), None);
}

#[test]
fn the_live_seat_callback_is_the_room_seat_event() {
    let Event::SeatListChanged(changed) = decode("live/mic_after_seat_info_changed.json") else {
        panic!()
    };
    assert_eq!(changed.room_id().unwrap(), "rid-123");
    assert_eq!(changed.operator_account, None);
    let seat = &changed.seat_list[0];
    assert_eq!(seat.index, Some(1));
    assert_eq!(seat.occupant().unwrap(), "144115233775727695");
    let Event::SeatListChanged(older) =
        decode("live/variants/mic_after_seat_info_changed.cn_110684.json")
    else {
        panic!()
    };
    assert_eq!(older.seat_list[0].occupant().unwrap(), "user2");
}

// Leniency.

#[test]
fn an_id_sent_as_an_integer_past_2_pow_53_is_kept_exactly_and_written_back_as_one() {
    let LiveEvent::RoomDestroyed(destroyed) = live("live/live_after_destroy_room.json") else {
        panic!()
    };
    let owner = destroyed
        .room_info
        .as_ref()
        .unwrap()
        .owner_account
        .clone()
        .unwrap();
    assert_eq!(owner, "144115216631667826");
    assert!(owner.is_number());
    // 144115216631667826 is not a double: through f64 it would be ...824.
    let written = serde_json::to_string(&Event::Live(LiveEvent::RoomDestroyed(destroyed))).unwrap();
    assert!(
        written.contains(r#""Owner_Account":144115216631667826"#),
        "{written}"
    );
}

#[test]
fn event_time_sent_as_a_string_is_written_back_as_a_string() {
    let event = decode("live/group_after_send_msg.json");
    assert!(event.event_time().unwrap().is_text());
    assert_eq!(
        serde_json::to_value(&event).unwrap()["EventTime"],
        "1670574414123"
    );
    // The same instant, whichever way it was sent.
    assert_eq!(
        event.event_time(),
        Some(EventTime::from_millis(1670574414123))
    );
}

#[test]
fn op_type_is_read_in_either_case() {
    for name in ["opType", "OpType"] {
        let event =
            from_value(json!({"CallbackCommand": "Live.CallbackAfterModifyAdmin", name: "delete"}));
        let Event::Live(LiveEvent::AdminsModified(modified)) = event else {
            panic!("{name}")
        };
        assert_eq!(modified.op_type, Some(AdminOperation::Delete), "{name}");
        let event = from_value(json!({"CallbackCommand": "Live.CallbackAfterEndBattle", name: 2}));
        let Event::Live(LiveEvent::BattleEnded(ended)) = event else {
            panic!("{name}")
        };
        assert_eq!(ended.op_type, Some(2), "{name}");
    }
}

#[test]
fn threshold_counts_are_read_as_the_table_says_or_as_the_sample_has_them() {
    for (current, max) in [(json!(400), json!(500)), (json!("400"), json!("500"))] {
        let event = from_value(json!({
            "CallbackCommand": "Live.CallbackAfterCreateRoomReachingThreshold",
            "CurRoomCount": current, "MaxRoomCount": max,
        }));
        let Event::Live(LiveEvent::RoomCountThresholdReached(reached)) = event else {
            panic!()
        };
        assert_eq!(
            (reached.cur_room_count, reached.max_room_count),
            (Some(400), Some(500))
        );
    }
}

#[test]
fn from_room_info_sent_as_a_string_as_the_table_says_is_kept_and_the_rest_typed() {
    let event = from_value(json!({
        "CallbackCommand": "Live.CallbackAfterStartBattle",
        "BattleId": "b1",
        "FromRoomInfo": "pk-3",
    }));
    let Event::Live(LiveEvent::BattleStarted(started)) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(started.battle_id.as_deref(), Some("b1"));
    assert_eq!(started.from_room_info, None);
    assert_eq!(started.extra["FromRoomInfo"], "pk-3");
}

#[test]
fn a_room_destroy_carrying_the_live_members_has_them_typed() {
    let event = from_value(json!({
        "CallbackCommand": "Room.CallbackAfterDestroyRoom",
        "RoomId": "r1",
        "EventType": "DestroyBySystem",
        "RoomInfo": {"RoomType": "Live", "ViewCount": 12},
        "Statistic": {"TotalViewers": 30},
    }));
    let Event::RoomDestroyed(destroyed) = event else {
        panic!()
    };
    assert_eq!(destroyed.event_type, Some(DestroyType::BySystem));
    assert_eq!(destroyed.room_info.unwrap().view_count, Some(12));
    assert_eq!(destroyed.statistic.unwrap().total_viewers, Some(30));
}

#[test]
fn an_open_enumeration_writes_back_the_spelling_it_arrived_with() {
    let body = json!({"CallbackCommand": "Room.CallbackAfterMemberLeave", "Type": "kicked"});
    let event = from_value(body.clone());
    let Event::MemberLeft(left) = &event else {
        panic!()
    };
    let change = left.change_type.clone().unwrap();
    assert_eq!(change.as_str(), "kicked");
    assert_eq!(change.normalized(), MemberChangeType::Kicked);
    assert_eq!(serde_json::to_value(&event).unwrap(), body);
}

#[test]
fn an_unknown_event_is_written_back_with_its_members_in_the_order_sent() {
    let body = r#"{"CallbackCommand":"Live.CallbackBeforeCallBackNotBlock","Zeta":1,"Alpha":2,"Mid":{"b":1,"a":2}}"#;
    let event = Event::from_json(body.as_bytes()).unwrap();
    assert!(matches!(event, Event::Unknown(_)));
    assert_eq!(serde_json::to_string(&event).unwrap(), body);
}

// Message bodies.

#[test]
fn message_elements_of_the_named_types_are_typed() {
    let body: Vec<MsgElement> = serde_json::from_value(json!([
        {"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}},
        {"MsgType": "TIMCustomElem", "MsgContent": {"Data": "LV1", "Desc": "CustomElement.MemberLevel", "Ext": "e", "Sound": "s"}},
        {"MsgType": "TIMFaceElem", "MsgContent": {"Index": 1, "Data": "content"}},
        {"MsgType": "TIMImageElem", "MsgContent": {"UUID": "u1", "ImageFormat": 1,
            "ImageInfoArray": [{"Type": 1, "Size": 1853095, "Width": 2448, "Height": 3264, "URL": "https://x/1.jpg"}]}},
    ]))
    .unwrap();
    assert_eq!(body[0], MsgElement::text("hi"));
    let MsgElement::Custom {
        data,
        desc,
        ext,
        sound,
        ..
    } = &body[1]
    else {
        panic!("{:?}", body[1])
    };
    assert_eq!(
        (
            data.as_deref(),
            desc.as_deref(),
            ext.as_deref(),
            sound.as_deref()
        ),
        (
            Some("LV1"),
            Some("CustomElement.MemberLevel"),
            Some("e"),
            Some("s")
        )
    );
    let MsgElement::Face { index, data, .. } = &body[2] else {
        panic!("{:?}", body[2])
    };
    assert_eq!((*index, data.as_deref()), (Some(1), Some("content")));
    let MsgElement::Image {
        uuid,
        image_info_array,
        ..
    } = &body[3]
    else {
        panic!("{:?}", body[3])
    };
    assert_eq!(uuid.as_deref(), Some("u1"));
    assert_eq!(image_info_array.as_ref().unwrap()[0].width, Some(2448));
}

#[test]
fn a_message_element_of_another_type_or_with_unnamed_members_is_kept_as_sent() {
    let sent = json!([
        {"MsgType": "TIMGroupTipElem", "MsgContent": {"OpType": 1}},
        {"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi", "Mention": ["u1"]}},
        {"MsgType": "TIMFaceElem", "MsgContent": {"Index": "1"}},
        {"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}, "Extra": true},
        "not an element",
    ]);
    let body: Vec<MsgElement> = serde_json::from_value(sent.clone()).unwrap();
    for (element, sent) in body.iter().zip(sent.as_array().unwrap()) {
        assert_eq!(element, &MsgElement::Other(sent.clone()));
    }
    assert_eq!(body[0].msg_type(), Some("TIMGroupTipElem"));
    assert_eq!(serde_json::to_value(&body).unwrap(), sent);
}

#[test]
fn message_elements_are_written_back_exactly() {
    let sent = json!([
        {"MsgType": "TIMCustomElem", "MsgContent": {"Desc": "CustomElement.MemberLevel", "Data": "LV1"}},
        {"MsgType": "TIMLocationElem", "MsgContent": {"Desc": "here", "Latitude": 22.5, "Longitude": 113.9}},
    ]);
    let body: Vec<MsgElement> = serde_json::from_value(sent.clone()).unwrap();
    assert!(body
        .iter()
        .all(|element| !matches!(element, MsgElement::Other(_))));
    assert_eq!(serde_json::to_value(&body).unwrap(), sent);
}

// Members that cannot be read, even leniently.

#[test]
fn a_room_type_sent_as_an_integer_is_kept_in_room_info_and_the_rest_typed() {
    let body = json!({
        "CallbackCommand": "Live.CallbackAfterCreateRoom",
        "RoomInfo": {"RoomId": "r1", "RoomType": 1, "MaxMemberCount": 300},
        "EventTime": 5,
    });
    let event = from_value(body.clone());
    let Event::Live(LiveEvent::RoomCreated(created)) = &event else {
        panic!("{event:?}")
    };
    let info = created.room_info.as_ref().unwrap();
    assert_eq!(info.room_type, None);
    assert_eq!(info.extra["RoomType"], 1);
    assert_eq!(info.max_member_count, Some(300));
    assert_eq!(created.event_time(), Some(EventTime::from_millis(5)));
    assert_eq!(serde_json::to_value(&event).unwrap(), body);
}

#[test]
fn a_number_out_of_its_fields_range_is_kept_as_sent_never_clamped() {
    let body = json!({
        "CallbackCommand": "Room.CallbackAfterMemberEnter",
        "RoomId": "r1",
        "MemberCount": 1_u64 << 40,
    });
    let event = from_value(body.clone());
    let Event::MemberEntered(entered) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(entered.member_count, None);
    assert_eq!(entered.extra["MemberCount"], 1_u64 << 40);
    assert_eq!(entered.room_id().unwrap(), "r1");
    assert_eq!(serde_json::to_value(&event).unwrap(), body);
}

#[test]
fn an_unreadable_seat_member_is_kept_in_its_seat() {
    let body = json!({
        "CallbackCommand": "Mic.CallbackAfterSeatInfoChanged",
        "SeatList": [{"Index": 0}, {"Index": "second", "IsTakenDisabled": true}],
    });
    let event = from_value(body.clone());
    let Event::SeatListChanged(changed) = &event else {
        panic!("{event:?}")
    };
    let seat = &changed.seat_list[1];
    assert_eq!(seat.index, None);
    assert_eq!(seat.extra["Index"], "second");
    assert_eq!(seat.is_taken_disabled, Some(true));
    assert_eq!(serde_json::to_value(&event).unwrap(), body);
}

#[test]
fn several_unreadable_members_are_all_kept_where_they_were() {
    let body = json!({
        "CallbackCommand": "Live.CallbackAfterEndBattle",
        "BattleId": "b1",
        "OpType": -1,
        "FromRoomInfo": {"RoomId": "pk-3", "Score": "high"},
        "ToRoomList": [{"RoomId": "pk-5", "Owner_Account": {"id": 1}}],
        "EventTime": true,
    });
    let event = from_value(body.clone());
    let Event::Live(LiveEvent::BattleEnded(ended)) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(ended.battle_id.as_deref(), Some("b1"));
    assert_eq!(ended.extra["OpType"], -1);
    assert_eq!(ended.extra["EventTime"], true);
    assert_eq!(
        ended.from_room_info.as_ref().unwrap().extra["Score"],
        "high"
    );
    assert_eq!(
        ended.to_room_list[0].extra["Owner_Account"],
        json!({"id": 1})
    );
    assert_eq!(ended.to_room_list[0].room_id.as_ref().unwrap(), "pk-5");
    assert_eq!(serde_json::to_value(&event).unwrap(), body);
}

#[test]
fn an_unreadable_list_entry_keeps_its_list_as_sent() {
    let body = json!({
        "CallbackCommand": "Follow.CallbackAfterFollowDelete",
        "From_Account": "u1",
        "To_Account": ["u2", {"x": 1}],
    });
    let event = from_value(body.clone());
    let Event::Live(LiveEvent::FollowDeleted(deleted)) = &event else {
        panic!("{event:?}")
    };
    assert!(deleted.to_account.is_empty());
    assert_eq!(deleted.extra["To_Account"], json!(["u2", {"x": 1}]));
    assert_eq!(deleted.from_account.as_ref().unwrap(), "u1");
}

#[test]
fn a_body_without_its_command_is_still_refused() {
    assert_eq!(
        Event::decode("Live.CallbackAfterCreateRoom", br#"{"RoomId":"r"}"#).unwrap_err(),
        DecodeError::MissingCommand
    );
}

// The body's command decides, through the layer.

#[tokio::test]
async fn a_member_state_change_with_the_pages_query_command_is_delivered_and_the_query_kept() {
    let recorder = Recorder::default();
    let body = fixture("live/live_after_member_state_changed.json");
    let request = CallbackRequest::new("Live.CallbackMemberStateChanged", body);
    testing::send(testing::live_service(recorder.clone()), request)
        .await
        .assert_ok();
    let [(event, context)] = &recorder.take()[..] else {
        panic!()
    };
    assert!(matches!(
        event,
        Event::Live(LiveEvent::MemberStateChanged(_))
    ));
    assert_eq!(context.command, "Live.CallbackMemberStateChanged");
}

#[tokio::test]
async fn a_metadata_deletion_sent_with_the_set_command_in_the_query_is_a_deletion() {
    let recorder = Recorder::default();
    let body = fixture("live/live_after_del_metadata.json");
    let request = CallbackRequest::new("Live.CallbackAfterSetMetadata", body);
    testing::send(testing::live_service(recorder.clone()), request)
        .await
        .assert_ok();
    let [(event, context)] = &recorder.take()[..] else {
        panic!()
    };
    assert!(matches!(event, Event::Live(LiveEvent::MetadataDeleted(_))));
    assert_eq!(context.command, "Live.CallbackAfterSetMetadata");
}

#[tokio::test]
async fn the_chinese_spelling_of_the_room_update_is_the_room_update() {
    let recorder = Recorder::default();
    let body =
        json!({"CallbackCommand": "Room.CallbackUpdateRoomInfo", "RoomInfo": {"RoomId": "r1"}});
    let request = CallbackRequest::new("Room.CallbackUpdateRoomInfo", body.to_string());
    testing::send(testing::service(recorder.clone()), request)
        .await
        .assert_ok();
    let [(event, context)] = &recorder.take()[..] else {
        panic!()
    };
    let Event::RoomInfoUpdated(updated) = event else {
        panic!("{event:?}")
    };
    assert_eq!(updated.room_id().unwrap(), "r1");
    // The handler sees one name per command, whichever spelling the query used.
    assert_eq!(context.command, "Room.CallbackAfterUpdateRoomInfo");
}

#[tokio::test]
async fn a_body_without_a_command_is_answered_400_whatever_the_query_says() {
    let request = CallbackRequest::new("Live.CallbackAfterCreateRoom", r#"{"RoomId":"r"}"#);
    testing::send(testing::service(Recorder::default()), request)
        .await
        .assert_fail(400, 40000);
}

struct Room;
impl RoomHandler for Room {}

#[tokio::test]
async fn a_room_handler_answers_every_live_callback_ok_by_default() {
    for request in CallbackRequest::live_samples() {
        testing::send(testing::service(Room), request)
            .await
            .assert_ok();
    }
}

struct Gifts;
impl LiveHandler for Gifts {
    async fn on_gift_sending(
        &self,
        _: GiftSending,
        _: &CallbackContext,
    ) -> Result<GiftDecision, tencent_room_webhook::HandlerError> {
        Err(tencent_room_webhook::HandlerError::new(1, "no gifts"))
    }
}

#[tokio::test]
async fn live_events_reach_the_live_handler() {
    testing::send(
        testing::live_service(Gifts),
        CallbackRequest::gift_sending(),
    )
    .await
    .assert_fail(200, 1);
    testing::send(
        testing::live_service(Gifts),
        CallbackRequest::follow_added(),
    )
    .await
    .assert_ok();
}
