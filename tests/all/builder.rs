//! Configuration mistakes are build errors that say what to change.

use std::time::Duration;

use tencent_room_webhook::sink::JsonLines;
use tencent_room_webhook::{ConfigErrorKind, OnDeadline, RoomWebhookLayer};

#[test]
fn a_layer_without_an_sdkappid_does_not_build() {
    let error = RoomWebhookLayer::builder().build().unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::NoSdkAppId);
    assert!(error.to_string().contains("no SDKAppID"), "{error}");
    assert!(
        error.to_string().contains("sdk_app_id()"),
        "says what to call: {error}"
    );
}

#[test]
fn an_empty_token_does_not_build_and_is_named_by_position() {
    let error = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .tokens(["first", ""])
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::EmptyToken);
    assert!(error.to_string().contains("#2 is empty"), "{error}");
}

#[test]
fn a_path_without_a_leading_slash_does_not_build() {
    let error = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .path("callback")
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::InvalidPath);
    assert!(error.to_string().contains("must start with '/'"), "{error}");
}

#[test]
fn a_body_limit_of_zero_does_not_build() {
    let error = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .body_limit(0)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::ZeroBodyLimit);
    assert!(error.to_string().contains("body limit of 0"), "{error}");
}

#[test]
fn the_defaults_build_with_just_an_sdkappid() {
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .time_window(Duration::from_secs(30))
        .build()
        .unwrap();
    assert_eq!(layer.path(), "/callback");
}

#[test]
fn debug_output_never_shows_a_token() {
    let builder = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .tokens(["token-one-secret", "token-two-secret"]);
    let shown = format!("{builder:?}");
    assert!(!shown.contains("secret"), "{shown}");
    let layer = builder.build().unwrap();
    for shown in [format!("{layer:?}"), format!("{layer:#?}")] {
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
    }
}

#[test]
fn configuration_errors_never_show_a_token() {
    let errors = [
        RoomWebhookLayer::builder()
            .token("config-secret-token")
            .build()
            .unwrap_err(),
        RoomWebhookLayer::builder()
            .sdk_app_id(1400000000_u64)
            .tokens(["config-secret-token", ""])
            .build()
            .unwrap_err(),
        RoomWebhookLayer::builder()
            .sdk_app_id(1400000000_u64)
            .token("config-secret-token")
            .body_limit(0)
            .build()
            .unwrap_err(),
    ];
    for error in errors {
        for shown in [error.to_string(), format!("{error:?}")] {
            assert!(!shown.contains("config-secret-token"), "{shown}");
        }
    }
}

fn path_error(path: &str) -> tencent_room_webhook::ConfigError {
    RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .path(path)
        .build()
        .unwrap_err()
}

#[test]
fn a_path_with_a_query_does_not_build() {
    let error = path_error("/cb?tenant=a");
    assert_eq!(error.kind(), ConfigErrorKind::InvalidPath);
    assert!(error.to_string().contains("holds a query"), "{error}");
    assert!(error.to_string().contains("without the query"), "{error}");
}

#[test]
fn a_path_with_a_fragment_does_not_build() {
    let error = path_error("/cb#top");
    assert_eq!(error.kind(), ConfigErrorKind::InvalidPath);
    assert!(error.to_string().contains("fragment"), "{error}");
}

#[test]
fn a_path_with_route_parameters_does_not_build() {
    for path in ["/cb/{tenant}", "/cb/:tenant", "/cb/*rest", "/{*rest}"] {
        let error = path_error(path);
        assert_eq!(error.kind(), ConfigErrorKind::InvalidPath, "{path}");
        assert!(error.to_string().contains("route parameter"), "{error}");
        assert!(error.to_string().contains("literally"), "{error}");
    }
    // A colon or a star inside a segment is an ordinary character.
    for path in ["/tencent:room/callback", "/cb*"] {
        let layer = RoomWebhookLayer::builder()
            .sdk_app_id(1400000000_u64)
            .path(path)
            .build();
        assert!(layer.is_ok(), "{path}");
    }
}

#[test]
fn a_token_with_surrounding_whitespace_does_not_build() {
    for token in ["from-a-file\n", " leading", "trailing\t", "\r\n"] {
        let error = RoomWebhookLayer::builder()
            .sdk_app_id(1400000000_u64)
            .tokens(["good", token])
            .build()
            .unwrap_err();
        assert_eq!(error.kind(), ConfigErrorKind::TokenWhitespace, "{token:?}");
        let message = error.to_string();
        assert!(
            message.contains("#2 starts or ends with whitespace"),
            "{message}"
        );
        assert!(message.contains("trim it"), "{message}");
        assert!(!message.contains(token), "never the token: {message}");
    }
}

#[test]
fn an_app_token_with_surrounding_whitespace_does_not_build() {
    let error = RoomWebhookLayer::builder()
        .app(tencent_room_webhook::AppConfig::new(1400000000_u64).token("app-token\n"))
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::TokenWhitespace);
    assert!(
        error.to_string().starts_with("SDKAppID 1400000000: "),
        "{error}"
    );
}

#[test]
fn a_time_window_under_a_second_does_not_build() {
    for window in [Duration::ZERO, Duration::from_millis(999)] {
        let error = RoomWebhookLayer::builder()
            .sdk_app_id(1400000000_u64)
            .token("token")
            .time_window(window)
            .build()
            .unwrap_err();
        assert_eq!(error.kind(), ConfigErrorKind::ZeroTimeWindow, "{window:?}");
        assert!(
            error.to_string().contains("at least a few seconds"),
            "{error}"
        );
    }
}

#[test]
fn sdkappid_zero_does_not_build() {
    for builder in [
        RoomWebhookLayer::builder().sdk_app_id(0_u64),
        RoomWebhookLayer::builder().sdk_app_ids([1400000000_u64, 0]),
        RoomWebhookLayer::builder().app(tencent_room_webhook::AppConfig::new(0_u64)),
    ] {
        let error = builder.build().unwrap_err();
        assert_eq!(error.kind(), ConfigErrorKind::ZeroSdkAppId);
        assert!(error.to_string().contains("console"), "{error}");
    }
}

struct Rooms;
impl tencent_room_webhook::RoomHandler for Rooms {}

#[test]
fn answer_first_without_a_record_stage_is_refused_saying_what_to_change() {
    let error = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(Rooms)
        .answer_first(1, 10)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::OkBeforeRecorded);
    let message = error.to_string();
    assert!(message.contains("record(sink)"), "{message}");
    assert!(message.contains("allow_unrecorded_ok()"), "{message}");
}

#[test]
fn a_detaching_deadline_without_a_record_stage_is_refused() {
    let error = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(Rooms)
        .deadline(Duration::from_millis(1500), OnDeadline::Detach)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::OkBeforeRecorded);
}

#[test]
fn answer_first_and_detach_build_with_a_record_stage_or_when_the_loss_is_accepted() {
    let recorded = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .record(JsonLines::new(std::io::sink()))
        .handler(Rooms)
        .answer_first(1, 10)
        .deadline(Duration::from_millis(1500), OnDeadline::Detach)
        .build();
    assert!(recorded.is_ok());
    let accepted = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(Rooms)
        .answer_first(1, 10)
        .allow_unrecorded_ok()
        .build();
    assert!(accepted.is_ok());
}
