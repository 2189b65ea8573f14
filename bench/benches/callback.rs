//! In-process cost of a callback, per request, against the floor and the hand-written
//! axum route, measured in the same run. See `BENCHMARKS.md` for the figures and how to
//! reproduce them.
//!
//! ```text
//! cargo bench -p tencent-room-webhook-bench --bench callback                    # everything, about 3 minutes
//! cargo bench -p tencent-room-webhook-bench --bench callback -- per_callback    # one group
//! cargo bench -p tencent-room-webhook-bench --bench callback -- --interleaved   # the target ratios, alternating blocks
//! ```
//!
//! Groups:
//!
//! - `per_callback`: the member-leave fixture through the layer's `Service::call` (no-op
//!   handler), the floor, the hand-written axum route, the signed path, extension mode
//!   (a `service_fn` and an axum route behind it), and the layer on `Router::layer` as
//!   the quick start has it.
//! - `fixtures`: each of the six Room fixtures through the layer, its floor and the
//!   hand-written axum route.
//! - `live`: the Live destroy (an after-callback) and a gift decided by its price (a
//!   before-callback) through the layer and the hand-written axum route.
//! - `chat`: `State.StateChange` (a notification) and a one-to-one message decided by a
//!   banned word (`C2C.CallbackBeforeSendMsg`, a before-callback) through the layer and the
//!   hand-written axum route.
//! - `pass_through`: `GET /healthz` through the inner service alone and through the
//!   layer around it, for a bare `service_fn` and for an axum `Router` with a few routes.
//! - `growth`: member-leave bodies with 10, 1,000 and 10,000 members through the layer,
//!   the floor, and `serde_json::from_slice::<MemberLeft>` alone, in bytes per second.
//!
//! Every future completes without I/O (`Full` bodies), so each request is polled once
//! with a no-op waker (`support::now`) instead of an executor. Requests are built in the
//! untimed setup (`iter_batched`); the timed routine is `poll_ready`, `call`, the
//! response future and reading the answer body to its end.

#[path = "support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{criterion_group, BatchSize, BenchmarkId, Criterion, Throughput};

use support::*;

fn per_callback(c: &mut Criterion) {
    let body = fixture(MEMBER_LEAVE);
    let command = command_of(&body);
    let uri = callback_uri(&command);
    let signed = signed_uri(&command);
    let request = || post(&uri, &body);

    let mut layer = layer();
    let mut floor = floor_for(MEMBER_LEAVE);
    let mut axum = axum_hand_written();
    let mut layer_signed = layer_signed();
    let mut extensions = layer_extensions();
    let mut extensions_axum = layer_extensions_axum();
    let mut in_router = layer_in_router();

    assert_answers_ok("layer", &mut layer, request());
    assert_answers_ok("axum", &mut axum, request());
    assert_answers_ok("layer_signed", &mut layer_signed, post(&signed, &body));
    assert_answers_ok("extensions", &mut extensions, request());
    assert_answers_ok("extensions_axum", &mut extensions_axum, request());
    assert_answers_ok("in_router", &mut in_router, request());
    assert_eq!(floor.run(request()).1, OK_BODY);

    let mut group = c.benchmark_group("per_callback");
    group.throughput(Throughput::Elements(1));
    group.bench_function("layer", |b| {
        b.iter_batched(request, |r| run(&mut layer, r), BatchSize::SmallInput)
    });
    group.bench_function("floor", |b| {
        b.iter_batched(request, |r| floor.run(r), BatchSize::SmallInput)
    });
    group.bench_function("axum_hand_written", |b| {
        b.iter_batched(request, |r| run(&mut axum, r), BatchSize::SmallInput)
    });
    group.bench_function("layer_signed", |b| {
        b.iter_batched(
            || post(&signed, &body),
            |r| run(&mut layer_signed, r),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("layer_extensions", |b| {
        b.iter_batched(request, |r| run(&mut extensions, r), BatchSize::SmallInput)
    });
    group.bench_function("layer_extensions_axum", |b| {
        b.iter_batched(
            request,
            |r| run(&mut extensions_axum, r),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("layer_in_axum_router", |b| {
        b.iter_batched(request, |r| run(&mut in_router, r), BatchSize::SmallInput)
    });
    group.finish();
}

fn fixtures(c: &mut Criterion) {
    let mut group = c.benchmark_group("fixtures");
    group.throughput(Throughput::Elements(1));
    for (name, file) in FIXTURES {
        let body = fixture(file);
        let uri = callback_uri(&command_of(&body));
        let request = || post(&uri, &body);
        let mut layer = layer();
        let mut floor = floor_for(file);
        let mut axum = axum_hand_written();
        assert_answers_ok(name, &mut layer, request());
        assert_answers_ok(name, &mut axum, request());
        assert_eq!(floor.run(request()).1, OK_BODY);

        group.bench_function(BenchmarkId::new("layer", name), |b| {
            b.iter_batched(request, |r| run(&mut layer, r), BatchSize::SmallInput)
        });
        group.bench_function(BenchmarkId::new("floor", name), |b| {
            b.iter_batched(request, |r| floor.run(r), BatchSize::SmallInput)
        });
        group.bench_function(BenchmarkId::new("axum_hand_written", name), |b| {
            b.iter_batched(request, |r| run(&mut axum, r), BatchSize::SmallInput)
        });
    }
    group.finish();
}

/// The Live family: an after-callback (the Live destroy) and a before-callback decided
/// (the gift), through the layer and the hand-written axum route.
fn live(c: &mut Criterion) {
    let mut group = c.benchmark_group("live");
    group.throughput(Throughput::Elements(1));
    for (name, file) in [("destroy_room", LIVE_DESTROY), ("gift_decision", GIFT)] {
        let body = fixture(file);
        let uri = callback_uri(&command_of(&body));
        let request = || post(&uri, &body);
        let mut layer = live_layer(Gifts);
        let mut axum = axum_hand_written();
        assert_answers_ok(name, &mut layer, request());
        assert_answers_ok(name, &mut axum, request());
        group.bench_function(BenchmarkId::new("layer", name), |b| {
            b.iter_batched(request, |r| run(&mut layer, r), BatchSize::SmallInput)
        });
        group.bench_function(BenchmarkId::new("axum_hand_written", name), |b| {
            b.iter_batched(request, |r| run(&mut axum, r), BatchSize::SmallInput)
        });
    }
    group.finish();
}

/// The Chat families: a notification (`State.StateChange`) and a one-to-one message
/// decided (`C2C.CallbackBeforeSendMsg`), through the layer and the hand-written route.
fn chat(c: &mut Criterion) {
    let mut group = c.benchmark_group("chat");
    group.throughput(Throughput::Elements(1));
    for (name, file) in [
        ("state_change", STATE_CHANGE),
        ("c2c_decision", C2C_SENDING),
    ] {
        let body = fixture(file);
        let uri = callback_uri(&command_of(&body));
        let request = || post(&uri, &body);
        let mut layer = chat_layer(Moderation);
        let mut axum = axum_hand_written();
        assert_answers_ok(name, &mut layer, request());
        assert_answers_ok(name, &mut axum, request());
        group.bench_function(BenchmarkId::new("layer", name), |b| {
            b.iter_batched(request, |r| run(&mut layer, r), BatchSize::SmallInput)
        });
        group.bench_function(BenchmarkId::new("axum_hand_written", name), |b| {
            b.iter_batched(request, |r| run(&mut axum, r), BatchSize::SmallInput)
        });
    }
    group.finish();
}

fn pass_through(c: &mut Criterion) {
    let mut bare = inner();
    let mut layer = layer();
    let mut extensions = layer_extensions_plain();
    assert_eq!(run(&mut bare, healthz()).1, "ok");
    assert_eq!(run(&mut layer, healthz()).1, "ok");
    assert_eq!(run(&mut extensions, healthz()).1, "ok");

    let mut router = app_router();
    let mut layer_router = layer_around_router();
    assert_eq!(run(&mut router, healthz()).1, "ok");
    assert_eq!(run(&mut layer_router, healthz()).1, "ok");

    let mut group = c.benchmark_group("pass_through");
    group.throughput(Throughput::Elements(1));
    group.bench_function("inner_alone", |b| {
        b.iter_batched(healthz, |r| run(&mut bare, r), BatchSize::SmallInput)
    });
    // An application that routes: what the layer adds in front of a real app.
    group.bench_function("router_alone", |b| {
        b.iter_batched(healthz, |r| run(&mut router, r), BatchSize::SmallInput)
    });
    group.bench_function("layer_around_router", |b| {
        b.iter_batched(
            healthz,
            |r| run(&mut layer_router, r),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("layer_handler_mode", |b| {
        b.iter_batched(healthz, |r| run(&mut layer, r), BatchSize::SmallInput)
    });
    // The same inner answer, monomorphized for the `WebhookBody` that extension mode
    // hands its inner service.
    group.bench_function("layer_extension_mode", |b| {
        b.iter_batched(healthz, |r| run(&mut extensions, r), BatchSize::SmallInput)
    });
    group.finish();
}

fn growth(c: &mut Criterion) {
    let mut group = c.benchmark_group("growth");
    for members in [10usize, 1_000, 10_000] {
        let body: Bytes = member_leave_body(members);
        let uri = callback_uri("Room.CallbackAfterMemberLeave");
        let request = || post(&uri, &body);
        let mut layer = layer();
        let mut floor = floor_for(MEMBER_LEAVE);
        assert_answers_ok("growth", &mut layer, request());

        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(BenchmarkId::new("layer", members), &members, |b, _| {
            b.iter_batched(request, |r| run(&mut layer, r), BatchSize::SmallInput)
        });
        group.bench_with_input(BenchmarkId::new("floor", members), &members, |b, _| {
            b.iter_batched(request, |r| floor.run(r), BatchSize::SmallInput)
        });
        group.bench_with_input(
            BenchmarkId::new("decode_only", members),
            &members,
            |b, _| b.iter(|| floor.decode_only(black_box(&body))),
        );
    }
    group.finish();
}

fn config() -> Criterion {
    // About 4 s a row; 38 rows. Command-line flags (--measurement-time ...) override.
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
        .noise_threshold(0.03)
}

criterion_group! {
    name = benches;
    config = config();
    targets = per_callback, fixtures, live, chat, pass_through, growth
}

fn main() {
    // `cargo bench -p tencent-room-webhook-bench --bench callback -- --interleaved`: the
    // ratios of the targets, timed in alternating blocks (see `interleaved`), instead of
    // criterion's rows.
    if std::env::args().any(|arg| arg == "--interleaved") {
        interleaved();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

/// One contender of the interleaved run: a name, how many requests a block holds, and
/// a block runner that builds its requests untimed and returns the timed nanoseconds.
struct Contender<'a> {
    name: &'static str,
    block: usize,
    run: Box<dyn FnMut(usize) -> f64 + 'a>,
    samples: Vec<f64>,
}

fn timed<I>(block: usize, mut setup: impl FnMut() -> I, mut routine: impl FnMut(I)) -> f64 {
    let inputs: Vec<I> = (0..block).map(|_| setup()).collect();
    let start = Instant::now();
    for input in inputs {
        routine(input);
    }
    start.elapsed().as_nanos() as f64 / block as f64
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The target ratios on a noisy machine: the contenders run in alternating blocks (the
/// order rotating every round), so that a burst of background load hits them alike; each
/// ratio is the median of its per-round ratios.
fn interleaved() {
    let rounds: usize = std::env::var("INTERLEAVED_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let body = fixture(MEMBER_LEAVE);
    let uri = callback_uri(&command_of(&body));
    let big = member_leave_body(10_000);
    let (mut layer_s, mut floor_s, mut axum_s) =
        (layer(), floor_for(MEMBER_LEAVE), axum_hand_written());
    let (mut bare_s, mut pass_s) = (inner(), layer());
    let (mut router_s, mut pass_router_s) = (app_router(), layer_around_router());
    let (mut big_layer_s, big_floor) = (layer(), floor_for(MEMBER_LEAVE));
    let (destroy, gift) = (fixture(LIVE_DESTROY), fixture(GIFT));
    let (destroy_uri, gift_uri) = (
        callback_uri(&command_of(&destroy)),
        callback_uri(&command_of(&gift)),
    );
    let (mut destroy_layer_s, mut destroy_axum_s) = (live_layer(Gifts), axum_hand_written());
    let (mut gift_layer_s, mut gift_axum_s) = (live_layer(Gifts), axum_hand_written());
    let (c2c, state) = (fixture(C2C_SENDING), fixture(STATE_CHANGE));
    let (c2c_uri, state_uri) = (
        callback_uri(&command_of(&c2c)),
        callback_uri(&command_of(&state)),
    );
    let (mut c2c_layer_s, mut c2c_axum_s) = (chat_layer(Moderation), axum_hand_written());
    let (mut state_layer_s, mut state_axum_s) = (chat_layer(Moderation), axum_hand_written());
    let mut contenders = vec![
        Contender {
            name: "layer",
            block: 200,
            run: Box::new(|n| {
                timed(
                    n,
                    || post(&uri, &body),
                    |r| drop(black_box(run(&mut layer_s, r))),
                )
            }),
            samples: Vec::new(),
        },
        Contender {
            name: "floor",
            block: 200,
            run: Box::new(|n| timed(n, || post(&uri, &body), |r| drop(black_box(floor_s.run(r))))),
            samples: Vec::new(),
        },
        Contender {
            name: "axum_hand_written",
            block: 200,
            run: Box::new(|n| {
                timed(
                    n,
                    || post(&uri, &body),
                    |r| drop(black_box(run(&mut axum_s, r))),
                )
            }),
            samples: Vec::new(),
        },
        Contender {
            name: "live_destroy_layer",
            block: 200,
            run: Box::new(|n| {
                timed(
                    n,
                    || post(&destroy_uri, &destroy),
                    |r| drop(black_box(run(&mut destroy_layer_s, r))),
                )
            }),
            samples: Vec::new(),
        },
        Contender {
            name: "live_destroy_axum",
            block: 200,
            run: Box::new(|n| {
                timed(
                    n,
                    || post(&destroy_uri, &destroy),
                    |r| drop(black_box(run(&mut destroy_axum_s, r))),
                )
            }),
            samples: Vec::new(),
        },
        Contender {
            name: "gift_decision_layer",
            block: 200,
            run: Box::new(|n| {
                timed(
                    n,
                    || post(&gift_uri, &gift),
                    |r| drop(black_box(run(&mut gift_layer_s, r))),
                )
            }),
            samples: Vec::new(),
        },
        Contender {
            name: "gift_decision_axum",
            block: 200,
            run: Box::new(|n| {
                timed(
                    n,
                    || post(&gift_uri, &gift),
                    |r| drop(black_box(run(&mut gift_axum_s, r))),
                )
            }),
            samples: Vec::new(),
        },
        Contender {
            name: "c2c_decision_layer",
            block: 200,
            run: Box::new(|n| {
                timed(
                    n,
                    || post(&c2c_uri, &c2c),
                    |r| drop(black_box(run(&mut c2c_layer_s, r))),
                )
            }),
            samples: Vec::new(),
        },
        Contender {
            name: "c2c_decision_axum",
            block: 200,
            run: Box::new(|n| {
                timed(
                    n,
                    || post(&c2c_uri, &c2c),
                    |r| drop(black_box(run(&mut c2c_axum_s, r))),
                )
            }),
            samples: Vec::new(),
        },
        Contender {
            name: "state_change_layer",
            block: 200,
            run: Box::new(|n| {
                timed(
                    n,
                    || post(&state_uri, &state),
                    |r| drop(black_box(run(&mut state_layer_s, r))),
                )
            }),
            samples: Vec::new(),
        },
        Contender {
            name: "state_change_axum",
            block: 200,
            run: Box::new(|n| {
                timed(
                    n,
                    || post(&state_uri, &state),
                    |r| drop(black_box(run(&mut state_axum_s, r))),
                )
            }),
            samples: Vec::new(),
        },
        Contender {
            name: "pass_inner_alone",
            block: 1000,
            run: Box::new(|n| timed(n, healthz, |r| drop(black_box(run(&mut bare_s, r))))),
            samples: Vec::new(),
        },
        Contender {
            name: "pass_layer",
            block: 1000,
            run: Box::new(|n| timed(n, healthz, |r| drop(black_box(run(&mut pass_s, r))))),
            samples: Vec::new(),
        },
        Contender {
            name: "pass_router_alone",
            block: 1000,
            run: Box::new(|n| timed(n, healthz, |r| drop(black_box(run(&mut router_s, r))))),
            samples: Vec::new(),
        },
        Contender {
            name: "pass_layer_router",
            block: 1000,
            run: Box::new(|n| timed(n, healthz, |r| drop(black_box(run(&mut pass_router_s, r))))),
            samples: Vec::new(),
        },
        Contender {
            name: "growth_10000_layer",
            block: 2,
            run: Box::new(|n| {
                timed(
                    n,
                    || post(&uri, &big),
                    |r| drop(black_box(run(&mut big_layer_s, r))),
                )
            }),
            samples: Vec::new(),
        },
        Contender {
            name: "growth_10000_decode",
            block: 2,
            run: Box::new(|n| timed(n, || (), |()| big_floor.decode_only(black_box(&big)))),
            samples: Vec::new(),
        },
    ];
    // Warm-up: a few blocks each.
    for contender in &mut contenders {
        for _ in 0..5 {
            (contender.run)(contender.block);
        }
    }
    let count = contenders.len();
    for round in 0..rounds {
        for k in 0..count {
            let contender = &mut contenders[(round + k) % count];
            let ns = (contender.run)(contender.block);
            contender.samples.push(ns);
        }
    }
    println!("interleaved: {rounds} rounds, order rotating; median ns per request");
    println!();
    println!("| contender | median ns | min ns |");
    println!("| --- | ---: | ---: |");
    for c in &contenders {
        let min = c.samples.iter().copied().fold(f64::INFINITY, f64::min);
        println!("| {} | {:.0} | {:.0} |", c.name, median(&c.samples), min);
    }
    let samples = |name: &str| {
        contenders
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.samples.clone())
            .expect("a contender")
    };
    let ratio = |a: &str, b: &str| {
        let (a, b) = (samples(a), samples(b));
        let per_round: Vec<f64> = a.iter().zip(&b).map(|(a, b)| a / b).collect();
        median(&per_round)
    };
    let big_len = big.len() as f64;
    println!();
    println!("| ratio (median of per-round ratios) | value |");
    println!("| --- | ---: |");
    println!(
        "| layer / axum_hand_written | {:.3} |",
        ratio("layer", "axum_hand_written")
    );
    println!("| layer / floor | {:.3} |", ratio("layer", "floor"));
    println!(
        "| Live destroy: layer / axum_hand_written | {:.3} |",
        ratio("live_destroy_layer", "live_destroy_axum")
    );
    println!(
        "| gift decision: layer / axum_hand_written | {:.3} |",
        ratio("gift_decision_layer", "gift_decision_axum")
    );
    println!(
        "| one-to-one decision: layer / axum_hand_written | {:.3} |",
        ratio("c2c_decision_layer", "c2c_decision_axum")
    );
    println!(
        "| State.StateChange: layer / axum_hand_written | {:.3} |",
        ratio("state_change_layer", "state_change_axum")
    );
    println!(
        "| pass_layer / pass_inner_alone | {:.3} |",
        ratio("pass_layer", "pass_inner_alone")
    );
    println!(
        "| pass_layer_router / pass_router_alone | {:.3} |",
        ratio("pass_layer_router", "pass_router_alone")
    );
    println!(
        "| 10,000-member body ({} B): layer MB/s | {:.0} |",
        big.len(),
        big_len / median(&samples("growth_10000_layer")) * 1e3
    );
    println!(
        "| 10,000-member body: decode alone MB/s | {:.0} |",
        big_len / median(&samples("growth_10000_decode")) * 1e3
    );
}
