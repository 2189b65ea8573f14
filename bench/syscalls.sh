#!/usr/bin/env bash
# System calls per request of each loopback server (strace -c -f during a short wrk run
# on 127.0.0.1), to tell what a server does per callback beyond the socket's own
# recvfrom + writev. strace slows the servers down: read the counts, not the times.
#
#   bash bench/syscalls.sh          # ~30 s; needs strace and wrk (installed when missing)
#
# Settings: SYSCALLS_SECONDS (3), SYSCALLS_PORT (18095), SYSCALLS_SERVERS (default
# "reference reference_warn axum_hand_written noop_axum noop floor bare"; the servers on
# Redis, e.g. "reference_redis stream_lean axum_xadd", get a redis-server of their own,
# configured as bench/load.sh's, on LOAD_REDIS_PORT, default 6393), CARGO_TARGET_DIR (target).

set -euo pipefail
cd "$(dirname "$0")/.."
source bench/servers.sh

SECONDS_PER_RUN=${SYSCALLS_SECONDS:-3}
PORT=${SYSCALLS_PORT:-18095}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
EXAMPLES="$TARGET_DIR/release/examples"
BIN="$TARGET_DIR/release"
URL="http://127.0.0.1:$PORT/callback?$QUERY"

need_tools strace wrk curl
build_servers

SERVERS=${SYSCALLS_SERVERS:-"reference reference_warn axum_hand_written noop_axum noop floor bare"}
WORK=$(mktemp -d)
SERVER=""
TRACER=""
REDIS=""
cleanup() {
  for pid in $TRACER $SERVER $REDIS; do kill "$pid" 2>/dev/null || true; done
  for pid in $TRACER $SERVER $REDIS; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

for server in $SERVERS; do
  if needs_redis "$server" && [ -z "$REDIS" ]; then
    need_tools redis-server redis-cli
    REDIS_PORT=${LOAD_REDIS_PORT:-6393}
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK" --save "" \
      --appendonly yes --appendfsync everysec >/dev/null 2>&1 &
    REDIS=$!
    for _ in $(seq 100); do
      timeout 5 redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
    export LOAD_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  fi
done

write_post_lua "$WORK/post.lua"

echo "| server | requests | syscalls per request (the largest) |"
echo "| --- | ---: | --- |"
for server in $SERVERS; do
  addr="127.0.0.1:$PORT"
  start_server "$server" "$EXAMPLES" "$BIN" "$addr"
  SERVER=$!
  for _ in $(seq 50); do
    curl -s --max-time 1 -o /dev/null -X POST "$URL" --data-binary "@$FIXTURE" && break
    sleep 0.1
  done
  timeout $((SECONDS_PER_RUN + 30)) strace -c -f -o "$WORK/$server.txt" -p "$SERVER" 2>/dev/null &
  TRACER=$!
  sleep 0.5
  requests=$(timeout $((SECONDS_PER_RUN + 30)) wrk -t1 -c4 -d"${SECONDS_PER_RUN}s" \
    -s "$WORK/post.lua" "$URL" | awk '/requests in/ {print $1}')
  sleep 0.3
  kill -INT "$TRACER" 2>/dev/null || true
  wait "$TRACER" 2>/dev/null || true
  TRACER=""
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  SERVER=""
  calls=$(awk -v n="$requests" 'NR > 2 && $NF != "total" && $4 + 0 > 0 { printf "%s %.2f\n", $NF, $4 / n }' \
    "$WORK/$server.txt" | sort -k2 -nr | awk '$2 >= 0.05 { printf "%s%s %s", sep, $1, $2; sep = ", " }')
  echo "| $server | $requests | $calls |"
done
