#!/usr/bin/env bash
# Instructions per callback of the loopback servers themselves, under load (callgrind):
# each server runs under valgrind, wrk loads it (16 connections, the member-leave fixture,
# as bench/load.sh) for a warm-up, the counters are zeroed, wrk loads it again, and the
# instructions counted (every thread, user space) are divided by the callbacks answered.
# Instructions do not depend on how busy the machine is, so a busy machine can compare the
# servers' own work here where times cannot; they leave out the kernel (system calls) and
# the other processes (Redis, wrk). Then the functions with the most inclusive
# instructions per callback, for each server.
#
#   CALLGRIND_SERVERS="reference_redis stream_lean axum_xadd" bash bench/callgrind_servers.sh
#
# Settings: CALLGRIND_SERVERS (default "reference_redis axum_xadd"), CALLGRIND_SECONDS (10),
# CALLGRIND_PORT (18099), LOAD_REDIS_PORT (6392), CALLGRIND_TOP (25), CARGO_TARGET_DIR
# (target). Needs valgrind (callgrind_control, callgrind_annotate) and wrk; the servers on
# Redis get a redis-server of their own, configured as bench/load.sh's.

set -euo pipefail
cd "$(dirname "$0")/.."
source bench/servers.sh

SERVERS=${CALLGRIND_SERVERS:-"reference_redis axum_xadd"}
SECONDS_PER_RUN=${CALLGRIND_SECONDS:-10}
PORT=${CALLGRIND_PORT:-18099}
TOP=${CALLGRIND_TOP:-25}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
EXAMPLES="$TARGET_DIR/release/examples"
BIN="$TARGET_DIR/release"
URL="http://127.0.0.1:$PORT/callback?$QUERY"

need_tools valgrind wrk curl redis-server redis-cli
build_servers

WORK=$(mktemp -d)
REDIS=""
SERVER=""
cleanup() {
  for pid in $SERVER $REDIS; do kill "$pid" 2>/dev/null || true; done
  for pid in $SERVER $REDIS; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

write_post_lua "$WORK/post.lua"

REDIS_PORT=${LOAD_REDIS_PORT:-6392}
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK" --save "" \
  --appendonly yes --appendfsync everysec >/dev/null 2>&1 &
REDIS=$!
for _ in $(seq 100); do timeout 5 redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
export LOAD_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"

# start_server under valgrind: a wrapper directory whose binaries are valgrind scripts.
mkdir -p "$WORK/bin/examples"
wrap() {
  printf '#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file=%s/%s.out --dump-instr=no --collect-systime=no "%s" "$@"\n' \
    "$WORK" "$2" "$(realpath "$1")" >"$3"
  chmod +x "$3"
}

printf 'load before: %s\n' "$(uptime)"
echo "| server | callbacks | instructions per callback (user space, all threads) |"
echo "| --- | ---: | ---: |"
for server in $SERVERS; do
  for exe in axum_hand_written axum_flushed axum_xadd stream_variants noop_server floor_server bare_hyper; do
    wrap "$BIN/$exe" "$server" "$WORK/bin/$exe"
  done
  wrap "$EXAMPLES/server" "$server" "$WORK/bin/examples/server"
  start_server "$server" "$WORK/bin/examples" "$WORK/bin" "127.0.0.1:$PORT" "$WORK/$server.err"
  SERVER=$!
  for _ in $(seq 600); do
    curl -s --max-time 5 -o /dev/null -X POST "$URL" -H 'Content-Type: application/json' \
      --data-binary "@$FIXTURE" && break
    sleep 0.2
  done
  timeout 60 wrk -t1 -c16 -d3s --timeout 5s -s "$WORK/post.lua" "$URL" >/dev/null
  timeout 60 callgrind_control -z "$SERVER" >/dev/null 2>&1
  out=$(timeout $((SECONDS_PER_RUN + 60)) wrk -t1 -c16 -d"${SECONDS_PER_RUN}s" --timeout 5s \
    -s "$WORK/post.lua" "$URL")
  timeout 120 callgrind_control -d "$SERVER" >/dev/null 2>&1
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  dump=$(ls -t "$WORK/$server.out"* | head -1)
  total=$(awk '/^(summary|totals):/ {print $2; exit}' "$dump")
  printf '| %s | %s | %s |\n' "$server" "$requests" \
    "$(awk -v t="$total" -v n="$requests" 'BEGIN { printf "%.0f", t / n }')"
  cp "$dump" "$WORK/$server.dump"
  printf '%s\n' "$requests" >"$WORK/$server.requests"
  kill "$SERVER" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$SERVER" 2>/dev/null || true
  SERVER=""
done
printf 'load after: %s\n' "$(uptime)"

# Self instructions per callback by crate and by function, and each server against the
# baseline (CALLGRIND_BASE, default the last server), function by function.
[ -n "${CALLGRIND_KEEP:-}" ] && mkdir -p "$CALLGRIND_KEEP" && cp "$WORK"/*.dump "$WORK"/*.requests "$CALLGRIND_KEEP"/
args=()
for server in $SERVERS; do args+=("$server" "$WORK/$server.dump" "$(cat "$WORK/$server.requests")"); done
timeout 600 python3 bench/callgrind_servers.py "${CALLGRIND_BASE:-${SERVERS##* }}" "$TOP" "${args[@]}"
