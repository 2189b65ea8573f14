//! Heap allocations per callback, counted by a counting global allocator, for each Room
//! fixture through the layer and the contenders of `benches/callback.rs` here; and a loop
//! mode that runs one contender N times, for `valgrind --tool=callgrind`.
//!
//! ```text
//! cargo run --release -p tencent-room-webhook-bench --bin alloc_count            # the tables of BENCHMARKS.md
//! cargo run --release -p tencent-room-webhook-bench --bin alloc_count -- sizes   # each allocation's size, in order
//! cargo run --release -p tencent-room-webhook-bench --bin alloc_count -- loop layer 10000
//! ```
//!
//! In loop mode the work is done inside `measured`, so that callgrind can count it alone:
//!
//! ```text
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*alloc_count*measured*' \
//!     target/release/alloc_count loop layer 10000
//! ```
//!
//! Loop variants: `layer`, `layer_signed`, `extensions`, `floor`, `axum`, `decode`
//! (`serde_json::from_slice::<MemberLeft>` alone), `event_decode` (`Event::decode`
//! alone), `pass_inner` and `pass_layer` (`GET /healthz` without and with the layer),
//! `pass_router` and `pass_layer_router` (the same with an axum `Router` inside), and
//! `growth_layer` / `growth_decode` (a 10,000-member body); `decode_str` and
//! `growth_decode_str` decode with `serde_json::from_str` after one UTF-8 check of the
//! whole body, an alternative to `from_slice`; `growth_decode_borrowed` borrows each ID
//! from the body (no allocation per member), a lower bound. Requests are built before
//! `measured` runs; it does what the benchmark times: `poll_ready`, `call`, the response
//! future, the answer body read to its end.

#[path = "../../benches/support/mod.rs"]
mod bench_support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};

use bench_support::*;
use bytes::Bytes;
use http::Request;
use http_body_util::Full;
use tencent_room_webhook::event::MemberLeft;
use tencent_room_webhook::Event;

/// Counts every allocation and reallocation, and the bytes asked for.
struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static REALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

/// With `TRACING` on, the size of each allocation goes into `SIZES` (no allocation of
/// its own), so that `sizes` mode can tell the allocations apart.
static TRACING: AtomicBool = AtomicBool::new(false);
static TRACED: AtomicUsize = AtomicUsize::new(0);
static SIZES: [AtomicUsize; 64] = [const { AtomicUsize::new(0) }; 64];

fn trace(size: usize) {
    if TRACING.load(Relaxed) {
        let i = TRACED.fetch_add(1, Relaxed);
        if let Some(slot) = SIZES.get(i) {
            slot.store(size, Relaxed);
        }
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counters are
// plain atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        trace(layout.size());
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        trace(layout.size());
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        REALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size.saturating_sub(layout.size()) as u64, Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations, reallocations and bytes of one run of `work`, averaged over `RUNS` runs
/// after two warm-up runs (first calls register tracing callsites and the like). Inputs
/// are made by `setup`, outside the count.
#[derive(Clone, Copy)]
struct Count {
    allocs: f64,
    reallocs: f64,
    bytes: f64,
}

const RUNS: u64 = 100;

fn count<I>(mut setup: impl FnMut() -> I, mut work: impl FnMut(I)) -> Count {
    for _ in 0..2 {
        work(setup());
    }
    let (mut allocs, mut reallocs, mut bytes) = (0, 0, 0);
    for _ in 0..RUNS {
        let input = setup();
        let (a, r, b) = (
            ALLOCS.load(Relaxed),
            REALLOCS.load(Relaxed),
            BYTES.load(Relaxed),
        );
        work(input);
        allocs += ALLOCS.load(Relaxed) - a;
        reallocs += REALLOCS.load(Relaxed) - r;
        bytes += BYTES.load(Relaxed) - b;
    }
    let per = |n: u64| n as f64 / RUNS as f64;
    Count {
        allocs: per(allocs),
        reallocs: per(reallocs),
        bytes: per(bytes),
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Whole numbers when the count is the same every run, which it should be.
        let n = |x: f64| {
            if x.fract() == 0.0 {
                format!("{x:.0}")
            } else {
                format!("{x:.2}")
            }
        };
        write!(
            f,
            "{} + {} ({} B)",
            n(self.allocs),
            n(self.reallocs),
            n(self.bytes)
        )
    }
}

fn tables() {
    println!("Allocations per request: allocations + reallocations (bytes requested).");
    println!(
        "`decode` = `serde_json::from_slice` into the command's struct (the floor's decode, which"
    );
    println!(
        "keeps `CallbackCommand` in `extra`); `event decode` = `Event::decode` (the layer's)."
    );
    println!("`layer own` = layer minus `event decode`; `floor own` = floor minus `decode`.");
    println!("The harness reads each answer without allocating (`read_body`).");
    println!();
    println!("| fixture | layer | layer, signed | extension mode | floor | decode | event decode | axum hand-written | layer own | floor own |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (name, file) in FIXTURES {
        let body = fixture(file);
        let command = command_of(&body);
        let uri = callback_uri(&command);
        let signed = signed_uri(&command);
        let request = || post(&uri, &body);

        let mut layer = layer();
        let mut layer_signed = layer_signed();
        let mut extensions = layer_extensions();
        let mut floor = floor_for(file);
        let mut axum = axum_hand_written();

        let l = count(request, |r| drop(black_box(run(&mut layer, r))));
        let s = count(
            || post(&signed, &body),
            |r| drop(black_box(run(&mut layer_signed, r))),
        );
        let e = count(request, |r| drop(black_box(run(&mut extensions, r))));
        let f = count(request, |r| drop(black_box(floor.run(r))));
        let d = count(|| (), |()| floor.decode_only(black_box(&body)));
        let ed = count(
            || (),
            |()| {
                drop(black_box(
                    Event::decode(&command, black_box(&body)).unwrap(),
                ))
            },
        );
        let a = count(request, |r| drop(black_box(run(&mut axum, r))));
        let own =
            |x: Count, decode: Count| (x.allocs + x.reallocs) - (decode.allocs + decode.reallocs);
        println!(
            "| {name} | {l} | {s} | {e} | {f} | {d} | {ed} | {a} | {} | {} |",
            own(l, ed),
            own(f, d)
        );
    }

    println!();
    println!("| decode alone | allocations |");
    println!("| --- | --- |");
    let body = fixture(MEMBER_LEAVE);
    let command = command_of(&body);
    let d = count(
        || (),
        |()| {
            let event: MemberLeft = serde_json::from_slice(black_box(&body)).unwrap();
            drop(black_box(event));
        },
    );
    let e = count(
        || (),
        |()| {
            drop(black_box(
                Event::decode(&command, black_box(&body)).unwrap(),
            ))
        },
    );
    println!("| member_leave, `serde_json::from_slice::<MemberLeft>` | {d} |");
    println!("| member_leave, `Event::decode` | {e} |");

    println!();
    println!("| pass-through (`GET /healthz`) | allocations |");
    println!("| --- | --- |");
    let mut bare = inner();
    let mut wrapped = layer();
    let i = count(healthz, |r| drop(black_box(run(&mut bare, r))));
    let l = count(healthz, |r| drop(black_box(run(&mut wrapped, r))));
    println!("| inner service alone | {i} |");
    println!("| through the layer | {l} |");

    println!();
    println!("| member-leave body, members | layer | floor | decode |");
    println!("| --- | --- | --- | --- |");
    for members in [10usize, 1_000, 10_000] {
        let body = member_leave_body(members);
        let uri = callback_uri("Room.CallbackAfterMemberLeave");
        let request = || post(&uri, &body);
        let mut layer = layer();
        let mut floor = floor_for(MEMBER_LEAVE);
        let l = count(request, |r| drop(black_box(run(&mut layer, r))));
        let f = count(request, |r| drop(black_box(floor.run(r))));
        let d = count(|| (), |()| floor.decode_only(black_box(&body)));
        println!("| {members} | {l} | {f} | {d} |");
    }
}

/// The size of each allocation of one member-leave callback, in order, for the layer,
/// the floor and the decode alone; and the sizes of the types that move around.
fn sizes() {
    fn traced(work: impl FnOnce()) -> Vec<usize> {
        TRACED.store(0, Relaxed);
        TRACING.store(true, Relaxed);
        work();
        TRACING.store(false, Relaxed);
        let n = TRACED.load(Relaxed).min(SIZES.len());
        SIZES[..n].iter().map(|size| size.load(Relaxed)).collect()
    }
    let body = fixture(MEMBER_LEAVE);
    let uri = callback_uri(&command_of(&body));
    let mut layer = layer();
    let mut floor = floor_for(MEMBER_LEAVE);
    // Warm up (first calls register tracing callsites and the like).
    drop(run(&mut layer, post(&uri, &body)));
    drop(floor.run(post(&uri, &body)));
    let request = post(&uri, &body);
    let l = traced(|| drop(black_box(run(&mut layer, request))));
    let request = post(&uri, &body);
    let f = traced(|| drop(black_box(floor.run(request))));
    let d = traced(|| floor.decode_only(black_box(&body)));
    println!("allocation sizes, in order (bytes):");
    println!("layer  ({:2}): {l:?}", l.len());
    println!("floor  ({:2}): {f:?}", f.len());
    println!("decode ({:2}): {d:?}", d.len());
    println!();
    println!("size_of: Event {} B, MemberLeft {} B, CallbackContext {} B, Request<Full<Bytes>> {} B, Response<Full<Bytes>> {} B",
        std::mem::size_of::<Event>(),
        std::mem::size_of::<MemberLeft>(),
        std::mem::size_of::<tencent_room_webhook::CallbackContext>(),
        std::mem::size_of::<Request<Full<Bytes>>>(),
        std::mem::size_of::<http::Response<Full<Bytes>>>(),
    );
}

/// The work callgrind counts: `requests` through `service`, one by one.
#[inline(never)]
fn measured<I>(inputs: Vec<I>, mut work: impl FnMut(I)) {
    for input in inputs {
        work(input);
    }
}

fn repeat(variant: &str, n: usize) -> Result<(), String> {
    let body = fixture(MEMBER_LEAVE);
    let command = command_of(&body);
    let uri = callback_uri(&command);
    let requests = |uri: &str, body: &Bytes| -> Vec<Request<Full<Bytes>>> {
        (0..n).map(|_| post(uri, body)).collect()
    };
    match variant {
        "layer" => {
            let mut s = layer();
            measured(requests(&uri, &body), |r| drop(black_box(run(&mut s, r))));
        }
        "layer_signed" => {
            let mut s = layer_signed();
            let signed = signed_uri(&command);
            measured(requests(&signed, &body), |r| {
                drop(black_box(run(&mut s, r)))
            });
        }
        "extensions" => {
            let mut s = layer_extensions();
            measured(requests(&uri, &body), |r| drop(black_box(run(&mut s, r))));
        }
        "floor" => {
            let mut s = floor_for(MEMBER_LEAVE);
            measured(requests(&uri, &body), |r| drop(black_box(s.run(r))));
        }
        "axum" => {
            let mut s = axum_hand_written();
            measured(requests(&uri, &body), |r| drop(black_box(run(&mut s, r))));
        }
        "decode" => measured(vec![(); n], |()| {
            let event: MemberLeft = serde_json::from_slice(black_box(&body)).unwrap();
            drop(black_box(event));
        }),
        // The alternative decode: the whole body checked as UTF-8 once, then read with
        // `from_str`, which skips serde_json's check of each string.
        "decode_str" => measured(vec![(); n], |()| {
            let text = std::str::from_utf8(black_box(&body)).unwrap();
            let event: MemberLeft = serde_json::from_str(text).unwrap();
            drop(black_box(event));
        }),
        "growth_decode_str" => {
            let big = member_leave_body(10_000);
            measured(vec![(); n], |()| {
                let text = std::str::from_utf8(black_box(&big)).unwrap();
                let event: MemberLeft = serde_json::from_str(text).unwrap();
                drop(black_box(event));
            });
        }
        // A lower bound for a list of IDs that allocates nothing per member: the same
        // body into a struct that borrows each ID from it (from_str, as above).
        "growth_decode_borrowed" => {
            #[derive(serde::Deserialize)]
            struct Borrowed<'a> {
                #[serde(rename = "MemberList_Account", borrow)]
                members: Vec<&'a str>,
            }
            let big = member_leave_body(10_000);
            measured(vec![(); n], |()| {
                let text = std::str::from_utf8(black_box(&big)).unwrap();
                let event: Borrowed<'_> = serde_json::from_str(text).unwrap();
                drop(black_box(event.members));
            });
        }
        "event_decode" => measured(vec![(); n], |()| {
            drop(black_box(
                Event::decode(&command, black_box(&body)).unwrap(),
            ));
        }),
        "pass_inner" => {
            let mut s = inner();
            measured((0..n).map(|_| healthz()).collect(), |r| {
                drop(black_box(run(&mut s, r)))
            });
        }
        "pass_layer" => {
            let mut s = layer();
            measured((0..n).map(|_| healthz()).collect(), |r| {
                drop(black_box(run(&mut s, r)))
            });
        }
        "pass_router" => {
            let mut s = app_router();
            measured((0..n).map(|_| healthz()).collect(), |r| {
                drop(black_box(run(&mut s, r)))
            });
        }
        "pass_layer_router" => {
            let mut s = layer_around_router();
            measured((0..n).map(|_| healthz()).collect(), |r| {
                drop(black_box(run(&mut s, r)))
            });
        }
        "growth_layer" => {
            let big = member_leave_body(10_000);
            let mut s = layer();
            measured(requests(&uri, &big), |r| drop(black_box(run(&mut s, r))));
        }
        "growth_decode" => {
            let big = member_leave_body(10_000);
            measured(vec![(); n], |()| {
                let event: MemberLeft = serde_json::from_slice(black_box(&big)).unwrap();
                drop(black_box(event));
            });
        }
        other => return Err(format!("unknown variant {other:?}")),
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => {
            tables();
            ExitCode::SUCCESS
        }
        [mode] if mode == "sizes" => {
            sizes();
            ExitCode::SUCCESS
        }
        [mode, variant, n] if mode == "loop" => {
            let Ok(n) = n.parse() else {
                eprintln!("N must be a number");
                return ExitCode::from(2);
            };
            match repeat(variant, n) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("{error}");
                    ExitCode::from(2)
                }
            }
        }
        _ => {
            eprintln!("usage: alloc_count [sizes | loop VARIANT N]");
            ExitCode::from(2)
        }
    }
}
