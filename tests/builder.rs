//! Configuration mistakes are build errors that say what to change.

use std::time::Duration;

use tencent_room_webhook::{ConfigErrorKind, RoomWebhookLayer};

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
