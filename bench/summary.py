#!/usr/bin/env python3
"""The tables of BENCHMARKS.md from criterion's results of
`cargo bench -p tencent-room-webhook-bench --bench callback`.

    python3 bench/summary.py [CRITERION_DIR]

CRITERION_DIR defaults to $CARGO_TARGET_DIR/criterion (or target/criterion). Times are
criterion's median estimates (robust to the bursts of a shared machine), in ns; ratios
are taken between rows of the same run.
"""

import json
import os
import sys
from pathlib import Path

FIXTURES = [
    "create_room",
    "destroy_room",
    "update_room_info",
    "member_enter",
    "member_leave",
    "seat_info_changed",
]


def main() -> None:
    default = Path(os.environ.get("CARGO_TARGET_DIR", "target")) / "criterion"
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    if not root.is_dir():
        sys.exit(
            f"{root}: no criterion results; run "
            "`cargo bench -p tencent-room-webhook-bench --bench callback` first"
        )

    def estimate(*parts: str) -> float | None:
        path = root.joinpath(*parts, "new", "estimates.json")
        if not path.exists():
            return None
        return json.loads(path.read_text())["median"]["point_estimate"]

    def throughput_bytes(*parts: str) -> int | None:
        path = root.joinpath(*parts, "new", "benchmark.json")
        if not path.exists():
            return None
        return json.loads(path.read_text()).get("throughput", {}).get("Bytes")

    def ns(value: float | None) -> str:
        if value is None:
            return "-"
        return f"{value / 1000:.2f} µs" if value >= 10_000 else f"{value:.0f} ns"

    def ratio(a: float | None, b: float | None) -> str:
        return "-" if a is None or b is None else f"{a / b:.3f}"

    print("### Per callback: member-leave fixture (criterion medians)\n")
    print("| contender | time | ÷ floor | ÷ axum hand-written |")
    print("| --- | ---: | ---: | ---: |")
    floor = estimate("per_callback", "floor")
    axum = estimate("per_callback", "axum_hand_written")
    for name in [
        "layer",
        "floor",
        "axum_hand_written",
        "layer_signed",
        "layer_extensions",
        "layer_extensions_axum",
        "layer_in_axum_router",
    ]:
        t = estimate("per_callback", name)
        print(f"| {name} | {ns(t)} | {ratio(t, floor)} | {ratio(t, axum)} |")

    print("\n### Each fixture (criterion medians)\n")
    print("| fixture | layer | floor | axum hand-written | layer ÷ floor | layer ÷ axum |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for fixture in FIXTURES:
        layer = estimate("fixtures", "layer", fixture)
        floor_f = estimate("fixtures", "floor", fixture)
        axum_f = estimate("fixtures", "axum_hand_written", fixture)
        print(
            f"| {fixture} | {ns(layer)} | {ns(floor_f)} | {ns(axum_f)} "
            f"| {ratio(layer, floor_f)} | {ratio(layer, axum_f)} |"
        )

    print("\n### Pass-through: GET /healthz (criterion medians)\n")
    inner = estimate("pass_through", "inner_alone")
    print("| path | time | overhead |")
    print("| --- | ---: | ---: |")
    print(f"| inner service alone | {ns(inner)} | |")
    for name in ["layer_handler_mode", "layer_extension_mode"]:
        t = estimate("pass_through", name)
        extra = "-" if t is None or inner is None else f"{t - inner:+.0f} ns ({(t / inner - 1) * 100:+.1f} %)"
        print(f"| {name} | {ns(t)} | {extra} |")
    router = estimate("pass_through", "router_alone")
    if router is not None:
        print(f"| axum Router alone | {ns(router)} | |")
        t = estimate("pass_through", "layer_around_router")
        extra = "-" if t is None else f"{t - router:+.0f} ns ({(t / router - 1) * 100:+.1f} %)"
        print(f"| layer_around_router | {ns(t)} | {extra} |")

    print("\n### Growth: member-leave bodies (criterion medians)\n")
    print("| members | body | layer | MB/s | floor | MB/s | decode alone | MB/s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    rows = []
    for members in ["10", "1000", "10000"]:
        size = throughput_bytes("growth", "layer", members)
        cells = [members, f"{size} B" if size else "-"]
        times = []
        for name in ["layer", "floor", "decode_only"]:
            t = estimate("growth", name, members)
            times.append(t)
            mbps = "-" if t is None or not size else f"{size / t * 1000:.0f}"
            cells += [ns(t), mbps]
        rows.append((int(members), size, times))
        print("| " + " | ".join(cells) + " |")
    # The cost per extra member between the smallest and the largest body.
    (m0, s0, t0), (m1, s1, t1) = rows[0], rows[-1]
    if all(t is not None for t in t0 + t1) and s0 and s1:
        print()
        for i, name in enumerate(["layer", "floor", "decode alone"]):
            per_member = (t1[i] - t0[i]) / (m1 - m0)
            per_byte = (t1[i] - t0[i]) / (s1 - s0)
            print(
                f"- {name}: {per_member:.1f} ns per extra member, "
                f"{per_byte:.2f} ns per extra byte ({1000 / per_byte:.0f} MB/s at the margin)"
            )


if __name__ == "__main__":
    main()
