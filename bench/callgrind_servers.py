#!/usr/bin/env python3
"""The tables of bench/callgrind_servers.sh from its callgrind dumps.

    python3 bench/callgrind_servers.py BASE TOP NAME DUMP CALLBACKS [NAME DUMP CALLBACKS ...]

Self instructions per callback (each dump divided by its own callbacks) by crate (the
first crate named in the function's path) and, for each server but BASE, the TOP functions
that differ most from BASE's.
"""
import re, subprocess, sys

base, top, rest = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
CRATES = ["redis", "tencent_room_webhook", "axum", "hyper_util", "hyper", "http", "tokio",
          "serde_json", "serde", "metrics_exporter_prometheus", "metrics", "sha2", "tracing",
          "futures_util", "combine", "bytes", "arc_swap", "std", "core", "alloc"]
LIBC = re.compile(r"(malloc|free|realloc|memcpy|memmove|memset|memcmp|strlen|__libc|_int_|pthread|clone|syscall|epoll|writev|recv|send|read|write)")

def self_ir(path, n):
    out = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100", path],
                         capture_output=True, text=True, check=True).stdout
    costs = {}
    total = None
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)", line)
        if not m:
            continue
        ir = int(m.group(1).replace(",", ""))
        if "PROGRAM TOTALS" in line:
            total = ir
            continue
        # The frames on the stack when the counters were zeroed (the runtime's threads)
        # come out with the whole program's cost as their own: not a function's.
        if total and ir > total / 2:
            continue
        name = re.sub(r" \[/[^\]]*\]$", "", m.group(2))
        name = re.sub(r"^\?\?\?:", "", name)
        name = re.sub(r"^\./[^:]*:", "", name)
        costs[name] = costs.get(name, 0.0) + ir / n
    return costs

def crate(name):
    best = None
    for c in CRATES:
        i = name.find(c + "::")
        if i >= 0 and (best is None or i < best[0]):
            best = (i, c)
    if best:
        return best[1]
    return "libc" if LIBC.search(name) else "other"

servers = {}
for i in range(0, len(rest), 3):
    servers[rest[i]] = self_ir(rest[i + 1], int(rest[i + 2]))
names = list(servers)
groups = {s: {} for s in names}
for s, costs in servers.items():
    for f, ir in costs.items():
        groups[s][crate(f)] = groups[s].get(crate(f), 0.0) + ir
cols = sorted({c for g in groups.values() for c in g}, key=lambda c: -max(g.get(c, 0) for g in groups.values()))
print()
print("Self instructions per callback, by crate (the function's own path; libc: allocator, copies)")
print()
print("| crate | " + " | ".join(names) + " |")
print("| --- |" + " ---: |" * len(names))
for c in cols:
    print(f"| {c} | " + " | ".join(f"{groups[s].get(c, 0):.0f}" for s in names) + " |")
print("| **total** | " + " | ".join(f"**{sum(servers[s].values()):.0f}**" for s in names) + " |")
if base in servers:
    for s in names:
        if s == base:
            continue
        diff = {f: servers[s].get(f, 0) - servers[base].get(f, 0) for f in set(servers[s]) | set(servers[base])}
        print()
        print(f"{s} minus {base}: {sum(diff.values()):+.0f} Ir per callback; the largest differences (self Ir)")
        for f, d in sorted(diff.items(), key=lambda kv: -abs(kv[1]))[:top]:
            print(f"  {d:+8.0f}  {f[:160]}")
