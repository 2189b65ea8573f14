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

# The flags of bench/src/bin/stream_variants.rs for each stream_* server: a copy of
# sink::RedisStream's append in the reference server, with one piece changed at a time
# (stream_copy: nothing changed; stream_proposed: every field kept, the delivery field the
# digest only, MAXLEN on one append in 100, no timer of the sink's; stream_recommended: the
# changes BENCHMARKS.md recommends: command, delivery and event only, MAXLEN on one append in
# 100, no timer of the sink's; stream_lean: every piece as axum_xadd has it; stream_ok: a sink
# that confirms at once, no Redis).
stream_flags() {
  case $1 in
    stream_copy) echo "" ;;
    stream_nomaxlen) echo "--maxlen none" ;;
    stream_two_fields) echo "--fields two" ;;
    stream_multiplexed) echo "--connection multiplexed" ;;
    stream_nowait) echo "--wait none" ;;
    stream_fixed_json) echo "--json fixed" ;;
    stream_digest) echo "--delivery digest" ;;
    stream_no_delivery) echo "--delivery none" ;;
    stream_trim_every) echo "--trim-every 100" ;;
    stream_proposed) echo "--delivery digest --trim-every 100 --wait none" ;;
    stream_core_fields) echo "--fields core" ;;
    stream_recommended) echo "--fields core --trim-every 100 --wait none" ;;
    stream_lean) echo "--maxlen none --fields two --connection multiplexed --wait none" ;;
    stream_ok) echo "--sink ok" ;;
    *) return 1 ;;
  esac
}

# Whether server kind $1 appends to Redis (the load run then starts its redis-server).
needs_redis() {
  case ${1%_before} in
    reference_redis | axum_xadd | reference_replica | axum_xadd_wait) return 0 ;;
    stream_ok) return 1 ;;
    stream_*) return 0 ;;
    *) return 1 ;;
  esac
}

# Whether server kind $1 waits for a Redis replica (the load run then starts one).
needs_replica() {
  case ${1%_before} in
    reference_replica | axum_xadd_wait) return 0 ;;
    *) return 1 ;;
  esac
}

# Starts server kind $1 (reference, reference_warn, reference_redis, reference_replica,
# reference_file, axum_hand_written, axum_flushed, axum_flushed_direct, axum_fsync,
# axum_xadd, axum_xadd_wait, stream_* (stream_flags above), noop_axum,
# noop, floor, bare), the reference server from directory $2 and the others from $3,
# listening on $4, its standard error to $5 (default /dev/null), in the background: its
# pid is then in $!. The event lines and logs of the reference and hand-written servers go
# to /dev/null (a file would add the page cache's cost). The servers on Redis
# (LOAD_REDIS_URL) each append to a stream of their own, load-KIND-ADDRESS.
start_server() {
  local kind=$1 examples=$2 bin=$3 addr=$4 err=${5:-/dev/null}
  if needs_redis "$kind" && [ -z "${LOAD_REDIS_URL:-}" ]; then
    echo "$kind needs LOAD_REDIS_URL" >&2
    return 2
  fi
  case $kind in
    reference) ROOM_WEBHOOK_ADDR=$addr "$examples/server" >/dev/null 2>/dev/null & ;;
    reference_warn) RUST_LOG=warn ROOM_WEBHOOK_ADDR=$addr "$examples/server" >/dev/null 2>/dev/null & ;;
    reference_redis)
      # A high-water mark no run reaches (the stream has no consumer group, so its every
      # entry is backlog): measured as in production, never refusing.
      ROOM_WEBHOOK_REDIS_URL=$LOAD_REDIS_URL ROOM_WEBHOOK_STREAM=load-$kind-$addr \
        ROOM_WEBHOOK_HIGH_WATER=1000000000 \
        ROOM_WEBHOOK_ADDR=$addr "$examples/server" >/dev/null 2>"$err" & ;;
    reference_replica)
      ROOM_WEBHOOK_REDIS_URL=$LOAD_REDIS_URL ROOM_WEBHOOK_STREAM=load-$kind-$addr \
        ROOM_WEBHOOK_HIGH_WATER=1000000000 ROOM_WEBHOOK_REDIS_REPLICAS=1 \
        ROOM_WEBHOOK_ADDR=$addr "$examples/server" >/dev/null 2>"$err" & ;;
    reference_file)
      # The file on the machine's disk ($LOAD_FILE_DIR), synced before each OK.
      ROOM_WEBHOOK_FILE=${LOAD_FILE_DIR:?}/$kind-$addr.jsonl \
        ROOM_WEBHOOK_ADDR=$addr "$examples/server" >/dev/null 2>"$err" & ;;
    axum_fsync)
      "$bin/axum_flushed" "$addr" --file "${LOAD_FILE_DIR:?}/$kind-$addr.jsonl" >/dev/null 2>"$err" & ;;
    axum_xadd_wait)
      ROOM_WEBHOOK_REDIS_URL=$LOAD_REDIS_URL ROOM_WEBHOOK_STREAM=load-$kind-$addr \
        ROOM_WEBHOOK_REDIS_REPLICAS=1 "$bin/axum_xadd" "$addr" >/dev/null 2>"$err" & ;;
    axum_hand_written) "$bin/axum_hand_written" "$addr" >/dev/null 2>/dev/null & ;;
    axum_flushed) "$bin/axum_flushed" "$addr" >/dev/null 2>"$err" & ;;
    axum_flushed_direct) "$bin/axum_flushed" "$addr" --direct >/dev/null 2>"$err" & ;;
    axum_xadd)
      ROOM_WEBHOOK_REDIS_URL=$LOAD_REDIS_URL ROOM_WEBHOOK_STREAM=load-$kind-$addr \
        "$bin/axum_xadd" "$addr" >/dev/null 2>"$err" & ;;
    stream_*)
      local flags
      flags=$(stream_flags "$kind") || { echo "unknown server $kind" >&2; return 2; }
      # shellcheck disable=SC2086 # the flags are words
      ROOM_WEBHOOK_REDIS_URL=${LOAD_REDIS_URL:-redis://127.0.0.1:1} \
        ROOM_WEBHOOK_STREAM=load-$kind-$addr \
        "$bin/stream_variants" "$addr" $flags >/dev/null 2>"$err" & ;;
    noop_axum) "$bin/noop_server" "$addr" --axum 2>"$err" & ;;
    noop) "$bin/noop_server" "$addr" 2>"$err" & ;;
    floor) "$bin/floor_server" "$addr" 2>"$err" & ;;
    bare) "$bin/bare_hyper" "$addr" 2>"$err" & ;;
    *) echo "unknown server $kind" >&2; return 2 ;;
  esac
}
