#!/usr/bin/env bash
# Loopback load run: the reference server against a hand-written axum server, the layer
# with a no-op handler against the floor server, and a bare hyper 1 server, alternated
# round by round under the same wrk load (same connections, same body, same query), on
# 127.0.0.1 only. Prints one line per run, a summary table with requests per second,
# latency percentiles, server CPU per request and the ratios to bare hyper, the
# targets (reference / axum_hand_written >= 1.0, noop / floor >= 0.95, and the same-promise
# ones: reference / axum_flushed >= 1.0, reference_redis / axum_xadd >= 1.0,
# reference_replica / axum_xadd_wait >= 1.0, reference_file / axum_fsync >= 1.0), and each
# server's peak resident memory (VmHWM). With a server on Redis, each run also gives
# Redis's own CPU per request, the commands Redis ran per request and their time inside
# Redis (INFO commandstats, reset before each run), and after the runs each stream's
# length, memory per entry and one entry, and the append-only file's size and rewrites.
#
#   bash bench/load.sh                        # 3 rounds x 5 servers x 10 s, ~3 minutes
#   LOAD_ROUNDS=1 LOAD_SECONDS=3 bash bench/load.sh    # a quick look
#
# Settings (environment): LOAD_ROUNDS (3), LOAD_SECONDS (10), LOAD_CONNECTIONS (16),
# LOAD_THREADS (wrk threads, 1), LOAD_SERVERS (space-separated subset of
# "reference reference_warn reference_redis axum_hand_written axum_flushed
# axum_flushed_direct axum_xadd stream_* noop_axum noop floor bare", default
# "reference axum_hand_written noop floor bare"), LOAD_BASE_PORT (18080),
# LOAD_REDIS_PORT (6390), CARGO_TARGET_DIR (target).
#
# The same promise on both sides (BENCHMARKS.md, "Same promise on both sides"):
#
#   LOAD_SERVERS="reference axum_flushed reference_redis axum_xadd" LOAD_ROUNDS=5 \
#     LOAD_SECONDS=10 bash bench/load.sh      # ~4 minutes
#
# The same promise when a machine fails (BENCHMARKS.md, "OK means recorded when a machine
# fails"): a Redis replica waited for, a file synced.
#
#   LOAD_SERVERS="reference_replica axum_xadd_wait reference_redis axum_xadd reference_file \
#     axum_fsync" LOAD_ROUNDS=5 LOAD_SECONDS=10 bash bench/load.sh
#
# The servers:
#   reference  examples/server.rs: axum, the layer, the Recorder handler writing one JSON
#              line per event to stdout (-> /dev/null) and logging at info to stderr
#              (-> /dev/null), as shipped (RUST_LOG unset = info).
#   reference_warn  the same with RUST_LOG=warn: no log line per callback (so
#              reference/reference_warn is the log line's cost, the rest the event line's).
#   reference_redis  the reference server recording to a Redis stream (XADD, OK once
#              Redis acknowledged) instead of standard output: the script starts a
#              redis-server of its own on LOAD_REDIS_PORT (6390), with an append-only file
#              fsynced every second, as production runs it (installed with apt-get if
#              missing); the stream is trimmed at about 1,000,000 entries.
#   axum_hand_written  bench/src/bin/axum_hand_written.rs: axum Query + Json<Value> +
#              json! answer, the SdkAppid checked, the event line written as the
#              reference server writes it (-> /dev/null), with the reference server's
#              serve loop and logging (so reference/axum_hand_written is the layer
#              against hand-written code). It may answer OK before its line is flushed.
#   axum_flushed  bench/src/bin/axum_flushed.rs: the same route, the same promise as the
#              reference server: the line written and flushed (in spawn_blocking, under
#              standard output's lock) before OK (so reference/axum_flushed is the crate
#              against what a careful user writes instead). axum_flushed_direct: the
#              same with the write on the runtime's worker thread (--direct).
#   reference_replica  reference_redis with ROOM_WEBHOOK_REDIS_REPLICAS=1: OK once a
#              replica holds the entry (the group commit's WAIT); the script starts a
#              replica of its redis-server (LOAD_REDIS_PORT + 1), with the same settings.
#   reference_file  the reference server with ROOM_WEBHOOK_FILE: lines appended to a file
#              in the run's temporary directory, synced (fdatasync) before each OK.
#   axum_xadd_wait  axum_xadd with ROOM_WEBHOOK_REDIS_REPLICAS=1: XADD, then WAIT 1 on the
#              same connection, before OK.
#   axum_fsync  axum_flushed --file: the line appended to a file and synced
#              (File::sync_data) under a Mutex, in spawn_blocking, before OK.
#   axum_xadd  bench/src/bin/axum_xadd.rs: the same route, XADD stream * event JSON
#              command CMD on one multiplexed redis connection, awaited before OK (so
#              reference_redis/axum_xadd is the crate against what a user writes for
#              Redis); the script's redis-server, a stream of its own.
#   stream_*   bench/src/bin/stream_variants.rs: the reference server on Redis rebuilt
#              with a copy of sink::RedisStream's append, one piece changed at a time
#              (stream_copy, stream_nomaxlen, stream_two_fields, stream_multiplexed,
#              stream_nowait, stream_fixed_json, stream_lean, stream_ok: see
#              bench/servers.sh), to tell what each piece costs.
#   noop       bench/src/bin/noop_server.rs: the layer with a no-op handler, served by the
#              same hyper loop as bare_hyper (so noop/bare is the layer's cost alone).
#   noop_axum  noop_server --axum: the layer with a no-op handler around an axum Router,
#              as the reference server has it, served by the same loop (so
#              reference/noop_axum is the handler's cost, and the serve loop's).
#   floor      bench/src/bin/floor_server.rs: hyper 1, reads the body, decodes it into
#              event::MemberLeft, answers the fixed body, served by noop's loop (so
#              noop/floor is what the layer costs beyond the least a typed receiver does).
#   bare       bench/src/bin/bare_hyper.rs: hyper 1, reads the body, answers the fixed body.
#
# To compare with an earlier build under the very same load, copy that build's server
# binaries (server, and noop_server, bare_hyper, ...: from release/examples before they
# moved to the bench crate, from release after) into one directory, set
# LOAD_BEFORE_BIN to it, and add the servers with the suffix _before (e.g. noop_before
# reference_before): they run the earlier binaries the same way, alternating with the
# others.
#
#   LOAD_BEFORE_BIN=/tmp/before-bins LOAD_SERVERS="reference reference_before noop \
#     noop_before bare" bash bench/load.sh
#
# A build from before the bench crate (e.g. c9271ac) has server and noop_server side by
# side in release/examples, so LOAD_BEFORE_BIN can name that directory directly. The
# target table then also gives reference_before / axum_hand_written and noop_before /
# floor, against this build's baselines in the same run.
#
# Everything it starts it stops (trap on exit); every wait is bounded.

set -euo pipefail
cd "$(dirname "$0")/.."
source bench/servers.sh

ROUNDS=${LOAD_ROUNDS:-3}
SECONDS_PER_RUN=${LOAD_SECONDS:-10}
CONNECTIONS=${LOAD_CONNECTIONS:-16}
THREADS=${LOAD_THREADS:-1}
SERVERS=${LOAD_SERVERS:-"reference axum_hand_written noop floor bare"}
BASE_PORT=${LOAD_BASE_PORT:-18080}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
EXAMPLES="$TARGET_DIR/release/examples"
BIN="$TARGET_DIR/release"
BEFORE_BIN=${LOAD_BEFORE_BIN:-}

say() { printf '%s\n' "$*" >&2; }

# --- tools -----------------------------------------------------------------------------
need_tools wrk curl

# --- build -----------------------------------------------------------------------------
say "building the release servers (target dir: $TARGET_DIR)"
build_servers

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

write_post_lua "$WORK/post.lua"

# --- redis, for the servers on Redis ----------------------------------------------------
# One redis-server for all of them, as production runs it: the append-only file, fsynced
# every second (checked below), no RDB snapshots; each server appends to a stream of its
# own (bench/servers.sh).
REDIS_PID=""
for server in $SERVERS; do
  needs_redis "$server" && REDIS_PID=pending
done
rcli() { timeout 30 redis-cli -p "$REDIS_PORT" "$@"; }
if [ -n "$REDIS_PID" ]; then
  need_tools redis-server redis-cli
  REDIS_PORT=${LOAD_REDIS_PORT:-6390}
  mkdir -p "$WORK/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save "" \
    --appendonly yes --appendfsync everysec >/dev/null 2>&1 &
  REDIS_PID=$!
  PIDS+=("$REDIS_PID")
  for _ in $(seq 100); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  aof=$(rcli CONFIG GET appendonly | tail -1)
  fsync=$(rcli CONFIG GET appendfsync | tail -1)
  if [[ $aof != yes || $fsync != everysec ]]; then
    say "redis-server is not appendonly yes / appendfsync everysec: $aof / $fsync"; exit 1
  fi
  say "redis-server $(redis-server --version | awk '{print $3}'): appendonly $aof, appendfsync $fsync"
  export LOAD_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  # A replica, for the servers that wait for one: the same settings, on the next port.
  for server in $SERVERS; do
    needs_replica "$server" || continue
    REPLICA_PORT=$((REDIS_PORT + 1))
    mkdir -p "$WORK/replica"
    redis-server --port "$REPLICA_PORT" --bind 127.0.0.1 --dir "$WORK/replica" --save "" \
      --appendonly yes --appendfsync everysec --replicaof 127.0.0.1 "$REDIS_PORT" >/dev/null 2>&1 &
    PIDS+=("$!")
    for _ in $(seq 100); do
      timeout 5 redis-cli -p "$REPLICA_PORT" INFO replication 2>/dev/null | grep -q 'master_link_status:up' && break
      sleep 0.1
    done
    say "replica on $REPLICA_PORT: $(timeout 5 redis-cli -p "$REPLICA_PORT" INFO replication | tr -d '\r' | grep master_link_status)"
    break
  done
fi
export LOAD_FILE_DIR=$WORK

# --- servers ---------------------------------------------------------------------------
declare -A PORT PID
port=$BASE_PORT
for server in $SERVERS; do
  PORT[$server]=$port
  addr="127.0.0.1:$port"
  examples=$EXAMPLES
  bin=$BIN
  kind=$server
  if [[ $server == *_before ]]; then
    [ -n "$BEFORE_BIN" ] || { say "$server needs LOAD_BEFORE_BIN"; exit 2; }
    examples=$BEFORE_BIN
    bin=$BEFORE_BIN
    kind=${server%_before}
  fi
  # (The reference server's log goes to /dev/null: run it by hand to see why it failed.)
  start_server "$kind" "$examples" "$bin" "$addr" "$WORK/$server.err" || exit 2
  PID[$server]=$!
  PIDS+=("$!")
  port=$((port + 1))
done

for server in $SERVERS; do
  url="http://127.0.0.1:${PORT[$server]}/callback?$QUERY"
  answer=""
  for _ in $(seq 100); do
    answer=$(curl -s --max-time 2 -X POST "$url" -H 'Content-Type: application/json' \
      --data-binary "@$FIXTURE" 2>/dev/null || true)
    [ -n "$answer" ] && break
    kill -0 "${PID[$server]}" 2>/dev/null || {
      say "$server exited before answering"; cat "$WORK/$server.err" >&2 2>/dev/null || true; exit 1; }
    sleep 0.1
  done
  # In any key order: the axum servers' json! answers have their keys sorted.
  answer=$(tr -d ' \n' <<<"$answer")
  if [[ $answer != *'"ActionStatus":"OK"'* || $answer != *'"ErrorCode":0'[,}]* ]]; then
    say "$server did not answer OK: $answer"; exit 1
  fi
done
say "servers ready: $(for s in $SERVERS; do printf '%s=%s ' "$s" "${PORT[$s]}"; done)"

# --- runs ------------------------------------------------------------------------------
clk_tck=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
to_us() { # wrk's 123.45us / 1.23ms / 1.02s -> microseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); print v + 0 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); print v * 1000 }
    else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000000 }
    else print "nan" }'
}

# Redis's commands since the last CONFIG RESETSTAT but the script's own (INFO, CONFIG):
# "calls usec names" (names: the commands run, comma-separated, in lower case).
redis_commands() {
  rcli INFO commandstats | tr -d '\r' | awk -F'[:,=]' '
    /^cmdstat_/ && $1 !~ /^cmdstat_(info|config)/ {
      calls += $3; usec += $5; names = names (names ? "," : "") substr($1, 9) }
    END { printf "%d %d %s\n", calls, usec, names ? names : "-" }'
}

RESULTS="$WORK/results.tsv"
: >"$RESULTS"
printf 'load before: %s\n' "$(uptime)"
printf '%-5s %-21s %12s %10s %10s %10s %10s %12s %8s' \
  round server req/s p50_us p75_us p90_us p99_us cpu_us/req errors
[ -n "$REDIS_PID" ] && printf ' %12s %9s %9s %7s  %s' redis_us/req cmds/req us/cmd aof_rw commands
printf '  %s\n' load
for round in $(seq "$ROUNDS"); do
  for server in $SERVERS; do
    pid=${PID[$server]}
    url="http://127.0.0.1:${PORT[$server]}/callback?$QUERY"
    [ -n "$REDIS_PID" ] && { rcli CONFIG RESETSTAT >/dev/null; redis_before=$(cpu_ticks "$REDIS_PID"); }
    before=$(cpu_ticks "$pid")
    out=$(timeout $((SECONDS_PER_RUN + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" \
      -d"${SECONDS_PER_RUN}s" --timeout 2s --latency -s "$WORK/post.lua" "$url")
    after=$(cpu_ticks "$pid")
    redis_cpu=- redis_cmds=- redis_us=- redis_names=- rewrites=-
    if [ -n "$REDIS_PID" ]; then
      redis_after=$(cpu_ticks "$REDIS_PID")
      read -r calls usec redis_names < <(redis_commands)
      # AOF rewrites (a forked child writing the whole dataset) begun during the run (the
      # count since the reset), "+" when one is still going: the child's CPU is not in
      # Redis's column, but it takes the cores from the run.
      rewrites=$(rcli INFO persistence | tr -d '\r' | awk -F: '
        $1 == "aof_rewrites" { n = $2 } $1 == "aof_rewrite_in_progress" { p = $2 }
        END { printf "%d%s", n, p == 1 ? "+" : "" }')
    fi
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    p50=$(to_us "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p75=$(to_us "$(awk '$1 == "75%" {print $2}' <<<"$out")")
    p90=$(to_us "$(awk '$1 == "90%" {print $2}' <<<"$out")")
    p99=$(to_us "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    sockerr=$(awk -F'[ ,]+' '/Socket errors/ {print $4 + $6 + $8 + $10}' <<<"$out")
    errors=$(( ${non2xx:-0} + ${sockerr:-0} ))
    cpu=$(awk -v t=$((after - before)) -v hz="$clk_tck" -v n="$requests" \
      'BEGIN { printf "%.2f", t / hz * 1e6 / n }')
    if [ -n "$REDIS_PID" ]; then
      redis_cpu=$(awk -v t=$((redis_after - redis_before)) -v hz="$clk_tck" -v n="$requests" \
        'BEGIN { printf "%.2f", t / hz * 1e6 / n }')
      redis_cmds=$(awk -v c="$calls" -v n="$requests" 'BEGIN { printf "%.3f", c / n }')
      redis_us=$(awk -v c="$calls" -v u="$usec" 'BEGIN { if (c) printf "%.2f", u / c; else print "-" }')
    fi
    load=$(awk '{print $1}' /proc/loadavg)
    printf '%-5s %-21s %12s %10s %10s %10s %10s %12s %8s' \
      "$round" "$server" "$rps" "$p50" "$p75" "$p90" "$p99" "$cpu" "$errors"
    [ -n "$REDIS_PID" ] && printf ' %12s %9s %9s %7s  %s' "$redis_cpu" "$redis_cmds" "$redis_us" "$rewrites" "$redis_names"
    printf '  %s\n' "$load"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
      "$round" "$server" "$rps" "$p50" "$p75" "$p90" "$p99" "$cpu" "$errors" \
      "$redis_cpu" "$redis_cmds" "$redis_us" >>"$RESULTS"
  done
done
printf 'load after: %s\n' "$(uptime)"

# --- redis: what the streams hold -------------------------------------------------------
if [ -n "$REDIS_PID" ]; then
  echo
  printf 'redis: used_memory %s, aof_current_size %s B, aof_rewrites %s (last run only), aof_delayed_fsync %s\n' \
    "$(rcli INFO memory | tr -d '\r' | awk -F: '$1 == "used_memory_human" {print $2}')" \
    "$(rcli INFO persistence | tr -d '\r' | awk -F: '$1 == "aof_current_size" {print $2}')" \
    "$(rcli INFO persistence | tr -d '\r' | awk -F: '$1 == "aof_rewrites" {print $2}')" \
    "$(rcli INFO persistence | tr -d '\r' | awk -F: '$1 == "aof_delayed_fsync" {print $2}')"
  for key in $(rcli --scan --pattern 'load-*'); do
    len=$(rcli XLEN "$key")
    bytes=$(rcli MEMORY USAGE "$key" SAMPLES 0)
    printf '%s: %s entries, %s B (%s B per entry); the last entry:\n' "$key" "$len" "$bytes" \
      "$(awk -v b="$bytes" -v n="$len" 'BEGIN { printf "%.0f", n ? b / n : 0 }')"
    rcli --no-raw XREVRANGE "$key" + - COUNT 1 | sed 's/^/    /'
  done
fi

# --- memory ----------------------------------------------------------------------------
echo
for server in $SERVERS; do
  status=/proc/${PID[$server]}/status
  printf '%-10s VmHWM %s, VmRSS %s\n' "$server" \
    "$(awk '/^VmHWM/ {print $2, $3}' "$status")" "$(awk '/^VmRSS/ {print $2, $3}' "$status")"
done

# --- summary ---------------------------------------------------------------------------
# Medians over the rounds; each ratio is also taken round by round (same round, so the
# same background load) and the median of those is given beside it.
echo
awk -F'\t' -v servers="$SERVERS" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { rps[$2] = rps[$2] " " $3; p50[$2] = p50[$2] " " $4; p99[$2] = p99[$2] " " $7
    cpu[$2] = cpu[$2] " " $8; err[$2] += $9; by[$1, $2] = $3; rounds[$1] = 1
    if ($10 != "-") { rcpu[$2] = rcpu[$2] " " $10; rcmd[$2] = rcmd[$2] " " $11; rus[$2] = rus[$2] " " $12 } }
  END {
    n = split(servers, s, " ")
    print "| server | req/s (median) | p50 µs | p99 µs | server CPU µs/req | errors | req/s ÷ bare (medians) | ÷ bare, median of per-round |"
    print "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for (i = 1; i <= n; i++) {
      k = s[i]; r = median(rps[k]); ratio = "-"; paired = "-"
      if (index(" " servers " ", " bare ") && median(rps["bare"]) > 0) {
        ratio = sprintf("%.3f", r / median(rps["bare"]))
        list = ""
        for (round in rounds) if (by[round, "bare"] > 0) list = list " " by[round, k] / by[round, "bare"]
        paired = sprintf("%.3f", median(list))
      }
      printf "| %s | %.0f | %.0f | %.0f | %.2f | %d | %s | %s |\n", k, r, median(p50[k]), median(p99[k]), median(cpu[k]), err[k], ratio, paired
    }
    if (length(rcpu)) {
      print ""
      print "| server | server CPU µs/req | Redis CPU µs/req | Redis commands per request | µs per command inside Redis |"
      print "| --- | ---: | ---: | ---: | ---: |"
      for (i = 1; i <= n; i++) {
        k = s[i]
        us = median(rus[k]); us = us == "-" ? "-" : sprintf("%.2f", us)
        printf "| %s | %.2f | %.2f | %.3f | %s |\n", k, median(cpu[k]), median(rcpu[k]), median(rcmd[k]), us
      }
    }
    # The targets: server, its baseline, the least ratio of req/s (same run, alternating).
    # The _before servers (LOAD_BEFORE_BIN) against the same baselines, when they ran.
    # The same promise on both sides: reference / axum_flushed (standard output, flushed
    # before OK) and reference_redis / axum_xadd (acknowledged by Redis before OK).
    # reference_redis against axum_hand_written and reference has no target: what the
    # hand-off to Redis costs. The stream_* experiments against axum_xadd and
    # reference_redis have none either: what each piece costs.
    targets = "reference axum_hand_written 1.00 noop floor 0.95 " \
      "reference axum_flushed 1.00 reference_redis axum_xadd 1.00 " \
      "reference_before axum_hand_written 1.00 noop_before floor 0.95 " \
      "reference_before axum_flushed 1.00 reference_redis_before axum_xadd 1.00 " \
      "reference_replica axum_xadd_wait 1.00 reference_file axum_fsync 1.00 " \
      "reference axum_flushed_direct - axum_flushed axum_flushed_direct - " \
      "reference_redis axum_hand_written - reference_redis reference -"
    for (i = 1; i <= n; i++) if (s[i] ~ /^stream_/)
      targets = targets " " s[i] " reference_redis - " s[i] " axum_xadd -"
    m = split(targets, t, " ")
    header = 0
    for (i = 1; i <= m; i += 3) {
      a = t[i]; b = t[i + 1]
      if (!index(" " servers " ", " " a " ") || !index(" " servers " ", " " b " ")) continue
      if (!header++) {
        print ""
        print "| target | at least | req/s ratio (medians) | median of per-round | met? |"
        print "| --- | ---: | ---: | ---: | --- |"
      }
      ratio = median(rps[a]) / median(rps[b])
      list = ""
      for (round in rounds) list = list " " by[round, a] / by[round, b]
      met = t[i + 2] == "-" ? "-" : (ratio >= t[i + 2] ? "yes" : "no")
      printf "| %s / %s | %s | %.3f | %.3f | %s |\n", a, b, t[i + 2], ratio, median(list), met
    }
  }' "$RESULTS"
