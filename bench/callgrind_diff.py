#!/usr/bin/env python3
"""Where one callgrind profile spends more than another, function by function.

    python3 bench/callgrind_diff.py A.out B.out N [MIN]

Self Ir per request (each profile divided by N, the requests it ran) of every function,
A minus B, largest first, down to MIN Ir (default 15). With A the layer and B the floor,
this is the layer's own cost per callback, by function.
"""

import re
import subprocess
import sys


def self_ir(path: str, n: int) -> dict[str, float]:
    out = subprocess.run(
        ["callgrind_annotate", "--inclusive=no", "--threshold=100", path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    costs: dict[str, float] = {}
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)", line)
        if not m or "PROGRAM TOTALS" in line:
            continue
        name = re.sub(r" \[/[^\]]*\]$", "", m.group(2))
        name = re.sub(r"^\?\?\?:", "", name)
        name = re.sub(r"^\./[^:]*:", "", name)
        costs[name] = costs.get(name, 0.0) + int(m.group(1).replace(",", "")) / n
    return costs


def main() -> None:
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    a, b, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    floor = float(sys.argv[4]) if len(sys.argv) > 4 else 15.0
    ca, cb = self_ir(a, n), self_ir(b, n)
    total = sum(ca.values()) - sum(cb.values())
    print(f"| self Ir per request, {a.rsplit('/', 1)[-1]} minus {b.rsplit('/', 1)[-1]} | Ir | share |")
    print("| --- | ---: | ---: |")
    rows = sorted(((ca.get(k, 0) - cb.get(k, 0), k) for k in set(ca) | set(cb)), reverse=True)
    for diff, name in rows:
        if abs(diff) >= floor:
            share = f"{diff / total * 100:.1f} %" if total else "-"
            print(f"| `{name[:140]}` | {diff:.0f} | {share} |")
    print(f"| total | {total:.0f} | 100 % |")


if __name__ == "__main__":
    main()
