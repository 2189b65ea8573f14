#!/usr/bin/env bash
# Instructions per request (Ir), counted by callgrind: repeatable on a noisy machine,
# where times are not. Runs `alloc_count` (bench/src/bin) in loop mode for each contender
# (the member-leave fixture unless said otherwise), counting only the loop
# (`alloc_count::measured`), and prints Ir per request, the target ratios in Ir, and the
# top functions of the layer's profile, inclusive, per request. `decode_str`,
# `growth_decode_str` and `growth_decode_borrowed` measure alternatives to the current
# decode (see bench/src/bin/alloc_count.rs).
#
#   bash bench/callgrind.sh                 # ~1 minute
#   CALLGRIND_N=2000 bash bench/callgrind.sh
#
# The profiles stay in $CALLGRIND_OUT (default /tmp/callgrind-room-webhook) for
# callgrind_annotate, e.g.
#   callgrind_annotate --inclusive=yes --tree=calling $CALLGRIND_OUT/layer.out
#
# Note: alloc_count's counting allocator adds two relaxed atomic adds per allocation
# (a few Ir each), to every contender alike.

set -euo pipefail
cd "$(dirname "$0")/.."

N=${CALLGRIND_N:-10000}
N_GROWTH=${CALLGRIND_N_GROWTH:-100}
OUT=${CALLGRIND_OUT:-/tmp/callgrind-room-webhook}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
BIN="$TARGET_DIR/release/alloc_count"

if ! command -v valgrind >/dev/null 2>&1; then
  echo "valgrind is missing: installing it with apt-get" >&2
  timeout 300 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq valgrind >/dev/null
fi
timeout 1200 cargo build --release --quiet -p tencent-room-webhook-bench --bin alloc_count
mkdir -p "$OUT"

declare -A IR
count() { # variant n
  local variant=$1 n=$2 total
  total=$(timeout 600 valgrind --tool=callgrind --callgrind-out-file="$OUT/$variant.out" \
    --collect-atstart=no --toggle-collect='alloc_count::measured*' \
    "$BIN" loop "$variant" "$n" 2>&1 | awk '/Collected :/ {print $4}')
  IR[$variant]=$((total / n))
  printf '| %s | %d | %s |\n' "$variant" "$n" "${IR[$variant]}"
}

echo "| variant | requests | Ir per request |"
echo "| --- | ---: | ---: |"
for variant in layer floor axum layer_signed extensions decode event_decode decode_str \
  pass_inner pass_layer pass_router pass_layer_router; do
  count "$variant" "$N"
done
for variant in growth_layer growth_decode growth_decode_str growth_decode_borrowed; do
  count "$variant" "$N_GROWTH"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
echo
echo "| ratio, in Ir | value |"
echo "| --- | ---: |"
echo "| layer / axum hand-written | $(ratio "${IR[layer]}" "${IR[axum]}") |"
echo "| layer / floor | $(ratio "${IR[layer]}" "${IR[floor]}") |"
echo "| pass-through: layer / inner alone | $(ratio "${IR[pass_layer]}" "${IR[pass_inner]}") |"
echo "| pass-through: extra Ir | $((IR[pass_layer] - IR[pass_inner])) |"
echo "| pass-through, around an axum Router: layer / Router alone | $(ratio "${IR[pass_layer_router]}" "${IR[pass_router]}") |"
echo "| pass-through, around an axum Router: extra Ir | $((IR[pass_layer_router] - IR[pass_router])) |"
echo "| signed / unsigned | $(ratio "${IR[layer_signed]}" "${IR[layer]}") |"
echo "| 10,000 members: Ir per body byte (layer) | $(ratio "${IR[growth_layer]}" 160197) |"
echo "| decode: from_str after one UTF-8 check / from_slice | $(ratio "${IR[decode_str]}" "${IR[decode]}") |"
echo "| 10,000 members: from_str / from_slice | $(ratio "${IR[growth_decode_str]}" "${IR[growth_decode]}") |"
echo "| 10,000 members: borrowed IDs / from_slice | $(ratio "${IR[growth_decode_borrowed]}" "${IR[growth_decode]}") |"

echo
echo "Top of the layer's profile, inclusive, Ir per request (below the harness's main):"
callgrind_annotate --inclusive=yes --threshold=99 "$OUT/layer.out" 2>/dev/null |
  awk -v n="$N" '/^ *[0-9,]+ \(/ && !/PROGRAM TOTALS/ {
      ir = $1; gsub(",", "", ir)
      line = $0
      sub(/^ *[0-9,]+ +\( *[0-9.]+%\) +/, "", line)
      sub(/ \[\/[^]]*\]$/, "", line); sub(/^\?\?\?:/, "", line); sub(/^\.\/[^:]*:/, "", line)
      printf "%8d  %s\n", ir / n, substr(line, 1, 150)
    }' | sed -n '11,70p'

if command -v python3 >/dev/null 2>&1; then
  echo
  echo "The layer's own cost: self Ir per request, layer minus floor, by function:"
  python3 bench/callgrind_diff.py "$OUT/layer.out" "$OUT/floor.out" "$N"
  echo
  echo "Pass-through: self Ir per request, through the layer minus the inner service alone:"
  python3 bench/callgrind_diff.py "$OUT/pass_layer.out" "$OUT/pass_inner.out" "$N" 5
fi
