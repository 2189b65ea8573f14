#!/usr/bin/env bash
# What Redis itself spends on each form of XADD the load run's servers send, without the
# servers: redis-benchmark sends the very commands (the member-leave fixture's values) to a
# redis-server of its own, configured as bench/load.sh's (appendonly yes, appendfsync
# everysec; automatic AOF rewrites off here, so that the file's growth is the entries'),
# the forms alternating round by round, each into a stream of its own. Prints, per form,
# the medians over the rounds of: commands per second, Redis's CPU per command (main
# thread and background threads, from /proc), Redis's time inside the command
# (INFO commandstats usec_per_call), and, after the rounds, the append-only file's bytes
# and the stream's memory per entry.
#
#   bash bench/redis_xadd.sh          # ~2 minutes
#   XADD_CALLGRIND=1 bash bench/redis_xadd.sh   # instructions instead, ~3 minutes
#
# With XADD_CALLGRIND=1, redis-server runs under callgrind and the table gives Redis's
# instructions per command of each form (user space, every thread: parsing, the stream,
# the append-only file's buffer and writes), which a busy machine does not blur; the
# kernel's share (the writes themselves, page faults) is not in them. Fewer commands then
# (XADD_COMMANDS 20000).
#
# Settings: XADD_FORMS (all of those below), XADD_ROUNDS (3), XADD_COMMANDS (200000 per form and round), XADD_PIPELINE (16:
# one connection with 16 commands in flight, as the servers' one multiplexed connection
# under 16 wrk connections), XADD_PORT (6391).
#
# The forms:
#   reference      the reference server's: XADD s MAXLEN ~ 1000000 * command C sdk_app_id A
#                  room_id R event_time T delivery D event JSON (sink::RedisStream)
#   ref_nomaxlen   the same without MAXLEN ~ 1000000
#   ref_trimming   the same with MAXLEN ~ 10000: the stream at its bound, trimmed as it
#                  grows (a production stream past its million entries)
#   ref_digest     delivery only the SHA-256 in hex (64 bytes instead of 105)
#   ref_no_delivery  without the delivery field (105 bytes)
#   proposed       without MAXLEN, delivery the SHA-256 in hex (the trim on one append in a
#                  hundred, so nearly never)
#   recommended    without MAXLEN, command, delivery and event only (BENCHMARKS.md's
#                  recommendation)
#   ref_two_fields MAXLEN ~ 1000000, command and event only
#   axum           axum_xadd's: XADD s * event JSON command C
#
# Everything it starts it stops (trap on exit); every wait is bounded.

set -euo pipefail
cd "$(dirname "$0")/.."
source bench/servers.sh

ROUNDS=${XADD_ROUNDS:-3}
CALLGRIND=${XADD_CALLGRIND:-}
if [ -n "$CALLGRIND" ]; then
  COMMANDS=${XADD_COMMANDS:-20000}
  ROUNDS=${XADD_ROUNDS:-1}
else
  COMMANDS=${XADD_COMMANDS:-200000}
fi
PIPELINE=${XADD_PIPELINE:-16}
PORT=${XADD_PORT:-6391}

need_tools redis-server redis-cli redis-benchmark

WORK=$(mktemp -d)
REDIS=""
cleanup() {
  [ -n "$REDIS" ] && kill "$REDIS" 2>/dev/null || true
  [ -n "$REDIS" ] && for _ in $(seq 50); do kill -0 "$REDIS" 2>/dev/null || break; sleep 0.1; done
  [ -n "$REDIS" ] && kill -9 "$REDIS" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

WRAP=()
[ -n "$CALLGRIND" ] && WRAP=(valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out"
  --dump-instr=no --collect-systime=no)
"${WRAP[@]}" redis-server --port "$PORT" --bind 127.0.0.1 --dir "$WORK" --save "" \
  --appendonly yes --appendfsync everysec --auto-aof-rewrite-percentage 0 >/dev/null 2>&1 &
REDIS=$!
rcli() { timeout 60 redis-cli -p "$PORT" "$@"; }
for _ in $(seq 300); do rcli ping >/dev/null 2>&1 && break; sleep 0.1; done
# callgrind_control -z / -d: zero the counters, dump them; the instructions of the last
# dump, the largest-numbered file.
cg_zero() { timeout 120 callgrind_control -z "$REDIS" >/dev/null 2>&1; }
cg_dump() {
  timeout 120 callgrind_control -d "$REDIS" >/dev/null 2>&1
  awk '/^(summary|totals):/ {print $2; exit}' "$(ls -v "$WORK"/callgrind.out.* | tail -1)"
}

# The values the reference server writes for the member-leave fixture.
COMMAND=Room.CallbackAfterMemberLeave
JSON=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), separators=(",", ":")))' "$FIXTURE")
DIGEST=$(printf '%064d' 0)
DELIVERY="1400000000:$COMMAND:$DIGEST"
FIELDS=(command "$COMMAND" sdk_app_id 1400000000 room_id rid-123 event_time 1670574414123)

form() { # the XADD arguments of form $1, into stream $2
  local key=$2
  case $1 in
    reference) echo XADD "$key" MAXLEN '~' 1000000 '*' ;;
    ref_nomaxlen) echo XADD "$key" '*' ;;
    ref_trimming) echo XADD "$key" MAXLEN '~' 10000 '*' ;;
    ref_digest) echo XADD "$key" MAXLEN '~' 1000000 '*' ;;
    ref_no_delivery) echo XADD "$key" MAXLEN '~' 1000000 '*' ;;
    proposed | recommended) echo XADD "$key" '*' ;;
    ref_two_fields) echo XADD "$key" MAXLEN '~' 1000000 '*' ;;
    axum) echo XADD "$key" '*' ;;
  esac
}
args_of() { # the full command of form $1 into stream $2, one argument a line
  local head
  read -r -a head <<<"$(form "$1" "$2")"
  case $1 in
    reference | ref_nomaxlen | ref_trimming)
      printf '%s\n' "${head[@]}" "${FIELDS[@]}" delivery "$DELIVERY" event "$JSON" ;;
    ref_digest | proposed) printf '%s\n' "${head[@]}" "${FIELDS[@]}" delivery "$DIGEST" event "$JSON" ;;
    ref_no_delivery) printf '%s\n' "${head[@]}" "${FIELDS[@]}" event "$JSON" ;;
    recommended) printf '%s\n' "${head[@]}" command "$COMMAND" delivery "$DELIVERY" event "$JSON" ;;
    ref_two_fields) printf '%s\n' "${head[@]}" command "$COMMAND" event "$JSON" ;;
    axum) printf '%s\n' "${head[@]}" event "$JSON" command "$COMMAND" ;;
  esac
}

FORMS=${XADD_FORMS:-"reference ref_nomaxlen ref_trimming ref_digest ref_no_delivery ref_two_fields proposed recommended axum"}
clk_tck=$(getconf CLK_TCK)
redis_ticks() { awk '{print $14 + $15}' "/proc/$REDIS/stat"; }
aof_size() { rcli INFO persistence | tr -d '\r' | awk -F: '$1 == "aof_current_size" {print $2}'; }

printf 'load before: %s\n' "$(uptime)"
printf '%-5s %-16s %10s %14s %14s %10s  %s\n' round form cmds/s cpu_us/cmd usec_per_call aof_B/cmd load
: >"$WORK/results.tsv"
for round in $(seq "$ROUNDS"); do
  for f in $FORMS; do
    mapfile -t cmd < <(args_of "$f" "xadd-$f")
    rcli CONFIG RESETSTAT >/dev/null
    before=$(redis_ticks)
    aof_before=$(aof_size)
    [ -n "$CALLGRIND" ] && cg_zero
    out=$(timeout 600 redis-benchmark -p "$PORT" -c 1 -P "$PIPELINE" -n "$COMMANDS" --csv "${cmd[@]}")
    [ -n "$CALLGRIND" ] && ir=$(cg_dump)
    after=$(redis_ticks)
    aof_after=$(aof_size)
    rps=$(tail -1 <<<"$out" | awk -F'","' '{print $(NF - 6)}')
    usec=$(rcli INFO commandstats | tr -d '\r' | awk -F'[:,=]' '$1 == "cmdstat_xadd" {print $7}')
    cpu=$(awk -v t=$((after - before)) -v hz="$clk_tck" -v n="$COMMANDS" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')
    # Under callgrind the CPU column is instructions per command instead.
    [ -n "$CALLGRIND" ] && cpu=$(awk -v t="$ir" -v n="$COMMANDS" 'BEGIN { printf "%.0f", t / n }')
    aof=$(awk -v a="$aof_before" -v b="$aof_after" -v n="$COMMANDS" 'BEGIN { printf "%.0f", (b - a) / n }')
    printf '%-5s %-16s %10s %14s %14s %10s  %s\n' "$round" "$f" "$rps" "$cpu" "$usec" "$aof" \
      "$(awk '{print $1}' /proc/loadavg)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$f" "$rps" "$cpu" "$usec" "$aof" >>"$WORK/results.tsv"
  done
done
printf 'load after: %s\n' "$(uptime)"

echo
if [ -n "$CALLGRIND" ]; then
  echo "| form | commands/s under callgrind | Redis instructions per command | µs inside XADD (under callgrind) | AOF bytes per entry | memory bytes per entry | ÷ axum, instructions |"
else
  echo "| form | commands/s (median) | Redis CPU µs per command | µs inside XADD | AOF bytes per entry | memory bytes per entry | ÷ axum, CPU per command |"
fi
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for f in $FORMS; do
  len=$(rcli XLEN "xadd-$f")
  bytes=$(rcli MEMORY USAGE "xadd-$f" SAMPLES 0)
  printf '%s\t%s\t%s\n' "$f" "$len" "$bytes"
done >"$WORK/memory.tsv"
awk -F'\t' -v forms="$FORMS" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  FILENAME ~ /memory/ { per[$1] = $2 ? $3 / $2 : 0; next }
  { rps[$2] = rps[$2] " " $3; cpu[$2] = cpu[$2] " " $4; us[$2] = us[$2] " " $5; aof[$2] = aof[$2] " " $6 }
  END {
    n = split(forms, f, " ")
    for (i = 1; i <= n; i++) {
      k = f[i]
      printf "| %s | %.0f | %.2f | %.2f | %.0f | %.0f | %.2f |\n", k, median(rps[k]), median(cpu[k]),
        median(us[k]), median(aof[k]), per[k], median(cpu[k]) / median(cpu["axum"])
    }
  }' "$WORK/memory.tsv" "$WORK/results.tsv"
