//! Nothing lost under load: many concurrent keep-alive connections through a real
//! loopback server, every accepted callback handled exactly once, every sender answered.
//!
//! `soak_memory_stays_flat` is the long variant, not run by default:
//!
//! ```text
//! SOAK_SECS=600 cargo test --release --test all load:: -- --ignored --nocapture
//! ```

use crate::common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Request;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tencent_room_webhook::testing::{CallbackRequest, NotFound};
use tencent_room_webhook::{
    Answer, CallbackContext, Event, HandlerResult, RoomHandler, RoomWebhookLayer,
};
use tower::Layer;

use common::serve_loopback;

/// Counts each room it sees.
#[derive(Clone, Default)]
struct Tally(Arc<Mutex<HashMap<String, u32>>>);

impl RoomHandler for Tally {
    async fn handle(&self, event: Event, _: &CallbackContext) -> HandlerResult {
        let room = event
            .room_id()
            .expect("every load callback names a room")
            .to_string();
        *self.0.lock().unwrap().entry(room).or_default() += 1;
        Ok(())
    }
}

/// What the senders saw.
#[derive(Debug, Default)]
struct Sent {
    ok: AtomicUsize,
    refused: AtomicUsize,
}

/// Sends `total` member-leave callbacks, room `room-<i>`, from `in_flight` concurrent
/// senders over a keep-alive pool; panics on any transport error or malformed answer.
async fn drive(address: SocketAddr, total: usize, in_flight: usize) -> Arc<Sent> {
    let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(in_flight)
        .build_http();
    let next = Arc::new(AtomicUsize::new(0));
    let sent = Arc::new(Sent::default());
    let senders: Vec<_> = (0..in_flight)
        .map(|_| {
            let (client, next, sent) = (client.clone(), next.clone(), sent.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        return;
                    }
                    let body = format!(
                        r#"{{"CallbackCommand":"Room.CallbackAfterMemberLeave","RoomId":"room-{i}","Type":"Leave","MemberList_Account":["u{i}"],"EventTime":{i}}}"#
                    );
                    let request = CallbackRequest::member_left().body(body).build();
                    let (mut parts, body) = request.into_parts();
                    parts.uri = format!("http://{address}{}", parts.uri).parse().unwrap();
                    let response = client
                        .request(Request::from_parts(parts, body))
                        .await
                        .unwrap_or_else(|e| panic!("callback {i} got no answer: {e}"));
                    let status = response.status();
                    let bytes = response.into_body().collect().await.unwrap().to_bytes();
                    let answer: Answer = serde_json::from_slice(&bytes).expect("a Tencent answer");
                    if answer.is_ok() {
                        assert_eq!(status, 200);
                        sent.ok.fetch_add(1, Ordering::Relaxed);
                    } else {
                        assert_eq!((status.as_u16(), answer.error_code().get()), (503, 50300));
                        sent.refused.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for sender in senders {
        sender.await.unwrap();
    }
    sent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_thousand_callbacks_through_loopback_are_each_handled_exactly_once() {
    const TOTAL: usize = 50_000;
    let tally = Tally::default();
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(tally.clone())
        .build()
        .unwrap();
    let server = serve_loopback(layer.layer(NotFound)).await;
    let address = server.address;
    let sent = drive(address, TOTAL, 300).await;
    assert_eq!(
        sent.ok.load(Ordering::Relaxed),
        TOTAL,
        "every sender answered OK"
    );
    let seen = tally.0.lock().unwrap();
    assert_eq!(seen.len(), TOTAL, "every callback reached the handler");
    assert!(seen.values().all(|&n| n == 1), "none twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_answer_first_mode_every_accepted_callback_is_handled_once_after_the_drain() {
    const TOTAL: usize = 20_000;
    let tally = Tally::default();
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(tally.clone())
        // A small queue, so that some callbacks are refused under this load.
        .answer_first(4, 64)
        .allow_unrecorded_ok()
        .build()
        .unwrap();
    let server = serve_loopback(layer.layer(NotFound)).await;
    let address = server.address;
    let sent = drive(address, TOTAL, 300).await;
    layer.drain().drain().await;
    let (ok, refused) = (
        sent.ok.load(Ordering::Relaxed),
        sent.refused.load(Ordering::Relaxed),
    );
    assert_eq!(ok + refused, TOTAL, "every sender answered");
    let seen = tally.0.lock().unwrap();
    assert_eq!(
        seen.len(),
        ok,
        "every accepted callback handled, no refused one"
    );
    assert!(seen.values().all(|&n| n == 1), "none twice");
}

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches(" kB").parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "soak: minutes long; run it by hand (see the top of this file)"]
async fn soak_memory_stays_flat() {
    let seconds: u64 = std::env::var("SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let tally = Tally::default();
    let layer = RoomWebhookLayer::builder()
        .sdk_app_id(1400000000_u64)
        .handler(tally.clone())
        .build()
        .unwrap();
    let server = serve_loopback(layer.layer(NotFound)).await;
    let address = server.address;
    let started = Instant::now();
    let mut samples = Vec::new();
    let mut round = 0;
    while started.elapsed() < Duration::from_secs(seconds) {
        drive(address, 20_000, 200).await;
        // The tally grows by design; clear it so that only the layer's memory is seen.
        tally.0.lock().unwrap().clear();
        round += 1;
        samples.push(resident_kib());
        println!(
            "round {round}: {} s, VmRSS {} KiB",
            started.elapsed().as_secs(),
            samples[samples.len() - 1]
        );
    }
    let warm = samples[samples.len().min(2) - 1];
    let last = *samples.last().unwrap();
    assert!(
        last <= warm + warm / 5 + 4096,
        "memory grew from {warm} KiB to {last} KiB"
    );
}
