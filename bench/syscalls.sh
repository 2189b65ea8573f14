#!/usr/bin/env bash
# System calls per request of each loopback server (strace -c -f during a short wrk run
# on 127.0.0.1), to tell what a server does per callback beyond the socket's own
# recvfrom + writev. strace slows the servers down: read the counts, not the times.
#
#   bash bench/syscalls.sh          # ~30 s; needs strace and wrk (installed when missing)
#
# Settings: SYSCALLS_SECONDS (3), SYSCALLS_PORT (18095), CARGO_TARGET_DIR (target).

set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${SYSCALLS_SECONDS:-3}
PORT=${SYSCALLS_PORT:-18095}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
BIN="$TARGET_DIR/release/examples"
FIXTURE=tests/fixtures/room/after_member_leave.json
URL="http://127.0.0.1:$PORT/callback?SdkAppid=1400000000&CallbackCommand=Room.CallbackAfterMemberLeave&contenttype=json&ClientIP=127.0.0.1&OptPlatform=Web"

for tool in strace wrk; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    timeout 300 apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq "$tool" >/dev/null
  fi
done
timeout 1200 cargo build --release --quiet \
  --example server --example noop_server --example bare_hyper

WORK=$(mktemp -d)
SERVER=""
TRACER=""
cleanup() {
  for pid in $TRACER $SERVER; do kill "$pid" 2>/dev/null || true; done
  for pid in $TRACER $SERVER; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

cat >"$WORK/post.lua" <<EOF
local file = assert(io.open("$PWD/$FIXTURE", "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
EOF

echo "| server | requests | syscalls per request (the largest) |"
echo "| --- | ---: | --- |"
for server in reference reference_warn noop_axum noop bare; do
  addr="127.0.0.1:$PORT"
  case $server in
    reference) ROOM_WEBHOOK_ADDR=$addr "$BIN/server" >/dev/null 2>/dev/null & ;;
    reference_warn) RUST_LOG=warn ROOM_WEBHOOK_ADDR=$addr "$BIN/server" >/dev/null 2>/dev/null & ;;
    noop_axum) "$BIN/noop_server" "$addr" --axum 2>/dev/null & ;;
    noop) "$BIN/noop_server" "$addr" 2>/dev/null & ;;
    bare) "$BIN/bare_hyper" "$addr" 2>/dev/null & ;;
  esac
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
