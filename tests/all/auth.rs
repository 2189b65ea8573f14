//! Callback authentication (protocol.md section 3), through the verifier.

use crate::common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use tencent_room_webhook::verify::{sign, AuthError, SignatureVerifier};

#[derive(Deserialize)]
struct Vector {
    token: String,
    request_time: u64,
    sign: String,
}

fn vector() -> Vector {
    serde_json::from_slice(&common::fixture("auth.json")).unwrap()
}

fn at(secs: u64) -> impl Fn() -> SystemTime + Send + Sync + 'static {
    move || UNIX_EPOCH + Duration::from_secs(secs)
}

#[test]
fn sign_reproduces_the_documented_vector() {
    let v = vector();
    assert_eq!(sign(v.token.as_bytes(), v.request_time), v.sign);
}

#[test]
fn the_documented_vector_verifies_at_its_time() {
    let v = vector();
    let verifier = SignatureVerifier::new([&v.token])
        .unwrap()
        .with_clock(at(v.request_time));
    let time = v.request_time.to_string();
    assert_eq!(
        verifier.verify(Some(&v.sign), Some(&time)),
        Ok(v.request_time)
    );
}

#[test]
fn upper_case_hex_verifies() {
    let v = vector();
    let verifier = SignatureVerifier::new([&v.token])
        .unwrap()
        .with_clock(at(v.request_time));
    let time = v.request_time.to_string();
    assert!(verifier
        .verify(Some(&v.sign.to_uppercase()), Some(&time))
        .is_ok());
}

#[test]
fn the_window_holds_both_ways_and_is_configurable() {
    let v = vector();
    let time = v.request_time.to_string();
    for (now, ok) in [
        (v.request_time + 60, true),
        (v.request_time - 60, true),
        (v.request_time + 61, false),
        (v.request_time - 61, false),
    ] {
        let verifier = SignatureVerifier::new([&v.token])
            .unwrap()
            .with_clock(at(now));
        assert_eq!(
            verifier.verify(Some(&v.sign), Some(&time)).is_ok(),
            ok,
            "now {now}"
        );
    }
    let narrow = SignatureVerifier::new([&v.token])
        .unwrap()
        .with_window(Duration::from_secs(5))
        .with_clock(at(v.request_time + 6));
    assert_eq!(
        narrow.verify(Some(&v.sign), Some(&time)),
        Err(AuthError::OutsideWindow { window_secs: 5 })
    );
}

#[test]
fn any_of_several_tokens_verifies() {
    let v = vector();
    let verifier = SignatureVerifier::new(["newer-token", v.token.as_str()])
        .unwrap()
        .with_clock(at(v.request_time));
    assert_eq!(verifier.token_count(), 2);
    assert!(verifier
        .verify(Some(&v.sign), Some(&v.request_time.to_string()))
        .is_ok());
}

#[test]
fn a_wrong_or_missing_part_is_refused_with_its_reason() {
    let v = vector();
    let verifier = SignatureVerifier::new([&v.token])
        .unwrap()
        .with_clock(at(v.request_time));
    let time = v.request_time.to_string();
    let other = sign(b"other", v.request_time);
    assert_eq!(
        verifier.verify(None, Some(&time)),
        Err(AuthError::MissingSign)
    );
    assert_eq!(
        verifier.verify(Some(&v.sign), None),
        Err(AuthError::MissingRequestTime)
    );
    assert_eq!(
        verifier.verify(Some(&other), Some(&time)),
        Err(AuthError::Mismatch)
    );
    assert_eq!(
        verifier.verify(Some("abc"), Some(&time)),
        Err(AuthError::MalformedSign)
    );
    assert_eq!(
        verifier.verify(Some(&v.sign), Some("1669872112000ms")),
        Err(AuthError::MalformedRequestTime)
    );
}

#[test]
fn no_token_or_an_empty_token_is_a_configuration_error() {
    assert!(SignatureVerifier::new(Vec::<String>::new()).is_err());
    let error = SignatureVerifier::new(["good", ""]).unwrap_err();
    assert!(error.to_string().contains("#2"), "{error}");
}

#[test]
fn auth_errors_never_hold_the_sign() {
    let v = vector();
    let verifier = SignatureVerifier::new(["other"])
        .unwrap()
        .with_clock(at(v.request_time));
    let error = verifier
        .verify(Some(&v.sign), Some(&v.request_time.to_string()))
        .unwrap_err();
    assert!(!error.to_string().contains(&v.sign));
    assert!(!format!("{error:?}").contains(&v.sign));
}
