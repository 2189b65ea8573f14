#!/usr/bin/env bash
# Where the CPU time of a callback goes, for servers on Redis and for Redis itself: the
# servers run as in bench/load.sh (same wrk load, alternating round by round, one
# redis-server configured as load.sh's), and during each wrk run `perf record` samples the
# server and the redis-server (cpu-clock, user and kernel). Prints, per server, the CPU per
# callback of the server and of Redis split into user and system time (/proc), and, from
# the samples, the microseconds per callback by binary (the server, libc, the kernel, ...)
# and the functions with the most samples, of the server and of Redis during that server's
# runs, and the context switches per callback of the server's threads and Redis's.
# (The redis-server binary is a link to redis-check-rdb: perf names Redis's own code so.)
#
#   PERF_SERVERS="reference_redis axum_xadd" bash bench/perf_servers.sh
#
# Settings: PERF_SERVERS (default "reference_redis axum_xadd"), PERF_ROUNDS (3),
# PERF_SECONDS (10), PERF_TOP (20), LOAD_BASE_PORT (18180), LOAD_REDIS_PORT (6394),
# CARGO_TARGET_DIR (target). Needs perf (root, or perf_event_paranoid <= 1) and wrk.
# Sampling costs the servers a few per cent: read the shares, not the throughput.

set -euo pipefail
cd "$(dirname "$0")/.."
source bench/servers.sh

SERVERS=${PERF_SERVERS:-"reference_redis axum_xadd"}
ROUNDS=${PERF_ROUNDS:-3}
SECONDS_PER_RUN=${PERF_SECONDS:-10}
TOP=${PERF_TOP:-20}
BASE_PORT=${LOAD_BASE_PORT:-18180}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
EXAMPLES="$TARGET_DIR/release/examples"
BIN="$TARGET_DIR/release"
FREQ=999

need_tools perf wrk curl redis-server redis-cli
build_servers

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

write_post_lua "$WORK/post.lua"
REDIS_PORT=${LOAD_REDIS_PORT:-6394}
mkdir -p "$WORK/redis"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save "" \
  --appendonly yes --appendfsync everysec >/dev/null 2>&1 &
REDIS=$!
PIDS+=("$REDIS")
for _ in $(seq 100); do timeout 5 redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
export LOAD_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"

declare -A PORT PID
port=$BASE_PORT
for server in $SERVERS; do
  PORT[$server]=$port
  start_server "$server" "$EXAMPLES" "$BIN" "127.0.0.1:$port" "$WORK/$server.err" || exit 2
  PID[$server]=$!
  PIDS+=("$!")
  port=$((port + 1))
done
for server in $SERVERS; do
  url="http://127.0.0.1:${PORT[$server]}/callback?$QUERY"
  for _ in $(seq 100); do
    curl -s --max-time 2 -o /dev/null -X POST "$url" -H 'Content-Type: application/json' \
      --data-binary "@$FIXTURE" && break
    sleep 0.1
  done
done

ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }
# Context switches of every thread of process $1, voluntary and not.
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s }'; }
clk_tck=$(getconf CLK_TCK)
printf 'load before: %s\n' "$(uptime)"
for round in $(seq "$ROUNDS"); do
  for server in $SERVERS; do
    pid=${PID[$server]}
    url="http://127.0.0.1:${PORT[$server]}/callback?$QUERY"
    read -r su ss <<<"$(ticks "$pid")"
    read -r ru rs <<<"$(ticks "$REDIS")"
    sw=$(switches "$pid") rsw=$(switches "$REDIS")
    timeout $((SECONDS_PER_RUN + 30)) perf record -q -F "$FREQ" -g -p "$pid" \
      -o "$WORK/$server.server.$round.data" -- sleep "$SECONDS_PER_RUN" >/dev/null 2>&1 &
    p1=$!
    timeout $((SECONDS_PER_RUN + 30)) perf record -q -F "$FREQ" -g -p "$REDIS" \
      -o "$WORK/$server.redis.$round.data" -- sleep "$SECONDS_PER_RUN" >/dev/null 2>&1 &
    p2=$!
    out=$(timeout $((SECONDS_PER_RUN + 30)) wrk -t1 -c16 -d"${SECONDS_PER_RUN}s" --timeout 2s \
      -s "$WORK/post.lua" "$url")
    wait "$p1" "$p2" || true
    read -r su2 ss2 <<<"$(ticks "$pid")"
    read -r ru2 rs2 <<<"$(ticks "$REDIS")"
    sw2=$(switches "$pid") rsw2=$(switches "$REDIS")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$server" "$requests" "$rps" \
      $((su2 - su)) $((ss2 - ss)) $((ru2 - ru)) $((rs2 - rs)) $((sw2 - sw)) $((rsw2 - rsw)) >>"$WORK/cpu.tsv"
    printf 'round %s %-20s %10s req/s  load %s\n' "$round" "$server" "$rps" "$(awk '{print $1}' /proc/loadavg)"
  done
done
printf 'load after: %s\n' "$(uptime)"

echo
echo "| server | req/s (median) | server user µs/req | server system µs/req | Redis user µs/req | Redis system µs/req | server context switches/req | Redis context switches/req |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
awk -F'\t' -v hz="$clk_tck" -v servers="$SERVERS" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { k = $2; n = $3; rps[k] = rps[k] " " $4
    su[k] = su[k] " " $5 / hz * 1e6 / n; ss[k] = ss[k] " " $6 / hz * 1e6 / n
    ru[k] = ru[k] " " $7 / hz * 1e6 / n; rs[k] = rs[k] " " $8 / hz * 1e6 / n
    sw[k] = sw[k] " " $9 / n; rsw[k] = rsw[k] " " $10 / n }
  END { m = split(servers, s, " ")
    for (i = 1; i <= m; i++) { k = s[i]
      printf "| %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.3f | %.3f |\n", k, median(rps[k]), median(su[k]), median(ss[k]), median(ru[k]), median(rs[k]), median(sw[k]), median(rsw[k]) } }' "$WORK/cpu.tsv"

# Samples -> µs per callback: each sample is 1/FREQ s of CPU.
for server in $SERVERS; do
  requests=$(awk -F'\t' -v k="$server" '$2 == k { n += $3 } END { print n }' "$WORK/cpu.tsv")
  for side in server redis; do
    files=("$WORK/$server.$side".*.data)
    report() {
      for f in "${files[@]}"; do
        timeout 300 perf report -i "$f" --no-children --stdio -q -g none --percent-limit 0 \
          --sort "$1" -F overhead,sample,"$1" 2>/dev/null
      done
    }
    echo
    echo "$server, $side: µs per callback by binary (all rounds)"
    report dso | awk -v n="$requests" -v hz="$FREQ" '
      $2 ~ /^[0-9]+$/ { $1 = ""; s = $2; $2 = ""; sub(/^ +/, ""); t[$0] += s }
      END { for (d in t) printf "  %8.2f  %s\n", t[d] / hz * 1e6 / n, d }' | sort -k1,1 -nr | awk "NR <= 8"
    echo "$server, $side: µs per callback by function, the top $TOP"
    report sym | awk -v n="$requests" -v hz="$FREQ" '
      $2 ~ /^[0-9]+$/ { $1 = ""; s = $2; $2 = ""; sub(/^ +/, ""); t[$0] += s }
      END { for (d in t) printf "  %8.2f  %s\n", t[d] / hz * 1e6 / n, substr(d, 1, 140) }' |
      sort -k1,1 -nr | awk -v top="$TOP" "NR <= top"
  done
done
