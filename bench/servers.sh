# Sourced by bench/load.sh and bench/syscalls.sh: the request they send, the servers they
# start, and the tools they need, so that both measure the same thing.

FIXTURE=tests/fixtures/room/after_member_leave.json
QUERY="SdkAppid=1400000000&CallbackCommand=Room.CallbackAfterMemberLeave&contenttype=json&ClientIP=127.0.0.1&OptPlatform=Web"

# Installs each missing tool with apt-get (root only), with bounded waits.
need_tools() {
  local missing=()
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "missing: ${missing[*]}: installing with apt-get" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "not root: install them yourself (apt-get install ${missing[*]})" >&2
    return 1
  fi
  timeout 300 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Writes to $1 the wrk script that POSTs the member-leave fixture, as Tencent sends it.
write_post_lua() {
  cat >"$1" <<LUA
local file = assert(io.open("$PWD/$FIXTURE", "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
LUA
}

# Builds the release binaries of the servers in $CARGO_TARGET_DIR (default target): the
# reference server, an example of the crate, in release/examples; the others, binaries of
# the bench crate (bench/), in release.
build_servers() {
  timeout 1200 cargo build --release --quiet --example server
  timeout 1200 cargo build --release --quiet -p tencent-room-webhook-bench --bins
}

# Starts server kind $1 (reference, reference_warn, reference_redis, axum_hand_written,
# noop_axum, noop, floor, bare), the reference server from directory $2 and the others from $3, listening
# on $4, its standard error to $5 (default /dev/null), in the background: its pid is then
# in $!. The event lines and logs of the reference and hand-written servers go to
# /dev/null (a file would add the page cache's cost).
start_server() {
  local kind=$1 examples=$2 bin=$3 addr=$4 err=${5:-/dev/null}
  case $kind in
    reference) ROOM_WEBHOOK_ADDR=$addr "$examples/server" >/dev/null 2>/dev/null & ;;
    reference_warn) RUST_LOG=warn ROOM_WEBHOOK_ADDR=$addr "$examples/server" >/dev/null 2>/dev/null & ;;
    reference_redis)
      [ -n "${LOAD_REDIS_URL:-}" ] || { echo "reference_redis needs LOAD_REDIS_URL" >&2; return 2; }
      ROOM_WEBHOOK_REDIS_URL=$LOAD_REDIS_URL ROOM_WEBHOOK_STREAM=load-$addr \
        ROOM_WEBHOOK_ADDR=$addr "$examples/server" >/dev/null 2>"$err" & ;;
    axum_hand_written) "$bin/axum_hand_written" "$addr" >/dev/null 2>/dev/null & ;;
    noop_axum) "$bin/noop_server" "$addr" --axum 2>"$err" & ;;
    noop) "$bin/noop_server" "$addr" 2>"$err" & ;;
    floor) "$bin/floor_server" "$addr" 2>"$err" & ;;
    bare) "$bin/bare_hyper" "$addr" 2>"$err" & ;;
    *) echo "unknown server $kind" >&2; return 2 ;;
  esac
}
