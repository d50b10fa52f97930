#!/usr/bin/env bash
# HTTP benchmark: wrk on loopback against `meridian serve`, a realistic mix
# of search URLs (bench_search --urls: the same mix as bench/search.sh), 64
# connections, a bounded run; then a soak of SOAK_SECONDS (default 600) with
# resident memory read before and after.
#
#   bench/http.sh [BUILD_DIR]                  # 1 M providers
#   BENCH_ROWS=9000000 SOAK_SECONDS=0 bench/http.sh
#
# Both wrk and the server run on this machine's 2 cores (wrk 1 thread, the
# server 2 I/O threads). Appends a Markdown section to bench/results/http.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROWS=${BENCH_ROWS:-1000000}
DURATION=${DURATION:-30}
SOAK=${SOAK_SECONDS:-600}
CONNS=${CONNECTIONS:-64}
PORT=${HTTP_PORT:-18181}
WORK=bench/work
OUT=bench/results/http.md
mkdir -p "$WORK" bench/results
scripts/install-deps --bench
. bench/lib.sh
ensure_snapshot "$BUILD" "$ROWS"
MIX=${BENCH_MIX:-provider}  # provider: each provider equally likely (dense metros as their share); zip: ZIPs uniformly
urls=$WORK/urls_${ROWS}_${MIX}.txt
"$BUILD/bench_search" "$snap" 20000 1 --urls "$urls" --mix "$MIX"

# serve needs a migrated store (issue 13); a throwaway SQLite one here.
rm -f "$WORK/http_bench.sqlite"
"$BUILD/meridian" store migrate --store "sqlite:$WORK/http_bench.sqlite" > /dev/null
start_ns=$(date +%s%N)
"$BUILD/meridian" serve --snapshot "$snap" --listen 127.0.0.1:$PORT --threads 2 \
  --store "sqlite:$WORK/http_bench.sqlite" --rate 1000000000 --burst 1000000000 2> "$WORK/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
ready=0
for _ in $(seq 1 1200); do  # a 9 M snapshot read from a cold cache takes a while
  curl -sf "http://127.0.0.1:$PORT/readyz" > /dev/null 2>&1 && ready=1 && break
  sleep 0.1
done
ready_s=$(awk -v a="$start_ns" -v b="$(date +%s%N)" 'BEGIN {printf "%.2f", (b-a)/1e9}')
[ "$ready" = 1 ] || { echo "http.sh: the server did not become ready" >&2; cat "$WORK/serve.log" >&2; exit 1; }
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status"; }
# Warm-up: every URL once.
URLS=$urls wrk -t1 -c8 -d5s -s bench/wrk_urls.lua "http://127.0.0.1:$PORT" > /dev/null
rss_before=$(rss)
# CPU time a request costs, from the server's and wrk's own counters: the
# requests/s swing with the host's speed from one minute to the next, these
# much less. Sets $out (wrk's report), $server_us and $wrk_us (per request).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
measured() {
  local t0 times
  t0=$(cpu_ticks)
  times=$({ TIMEFORMAT='%3U %3S'; time wrk "$@" > "$WORK/wrk.out"; } 2>&1)
  out=$(cat "$WORK/wrk.out")
  local n
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  server_us=$(awk -v a="$t0" -v b="$(cpu_ticks)" -v hz="$(getconf CLK_TCK)" -v n="$n" \
    'BEGIN {printf "%.0f", (b - a) / hz * 1e6 / n}')
  wrk_us=$(echo "$times" | awk -v n="$n" 'END {printf "%.0f", ($1 + $2) * 1e6 / n}')
}
URLS=$urls measured -t1 -c"$CONNS" -d"${DURATION}s" --latency -s bench/wrk_urls.lua "http://127.0.0.1:$PORT"
run=$out search_cpu="$server_us + $wrk_us"
echo "$run" >&2
rps=$(echo "$run" | awk '/Requests\/sec/ {print $2}')
lat() { echo "$run" | awk -v p="$1" '$1 == p {print $2}'; }
errors=$(echo "$run" | awk '/Non-2xx/ {print $5}')
# The same server's /healthz rate right after (the issue's yardstick: search
# rate as a share of it), and the search rate again after that, so a drift of
# the machine between the two shows as a spread instead of a skewed ratio.
measured -t1 -c"$CONNS" -d"${DURATION}s" "http://127.0.0.1:$PORT/healthz"
health=$(echo "$out" | awk '/Requests\/sec/ {print $2}') health_cpu="$server_us + $wrk_us"
URLS=$urls measured -t1 -c"$CONNS" -d"${DURATION}s" -s bench/wrk_urls.lua "http://127.0.0.1:$PORT"
rps2=$(echo "$out" | awk '/Requests\/sec/ {print $2}') search_cpu2="$server_us + $wrk_us"
ratio=$(awk -v a="$rps" -v b="$rps2" -v h="$health" 'BEGIN {printf "%.2f (%.2f-%.2f)", (a+b)/2/h, (a<b?a:b)/h, (a>b?a:b)/h}')
soak_line="not run (SOAK_SECONDS=0)"
if [ "$SOAK" -gt 0 ]; then
  soak=$(URLS=$urls wrk -t1 -c"$CONNS" -d"${SOAK}s" -s bench/wrk_urls.lua "http://127.0.0.1:$PORT")
  soak_rps=$(echo "$soak" | awk '/Requests\/sec/ {print $2}')
  soak_line="${rss_before} MB before, $(rss) MB after ${SOAK} s at ${soak_rps} requests/s"
fi
{
  echo
  echo "## $(date -u +%Y-%m-%d) — $ROWS providers, $CONNS connections, ${DURATION} s"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs). Command: \`BENCH_ROWS=$ROWS DURATION=$DURATION SOAK_SECONDS=$SOAK bench/http.sh\`. wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}') (1 thread) and the server (2 I/O threads) share the machine; URLs: the bench_search $MIX-weighted mix (points where providers practise, radius 5-50 mi, half with a modality, a quarter with a name, often misspelled), every facet, page of 10."
  echo
  echo "Ready (\`/readyz\` 200) ${ready_s} s after start (bench_search has just read the same snapshot, so it is in the page cache; $(command -v fincore > /dev/null && fincore --noheadings --output PAGES,SIZE "$snap" | awk '{print $1 " pages resident"}'))."
  echo
  echo "| requests/s | p50 | p90 | p99 | non-2xx | /healthz requests/s | share of /healthz | RSS soak |"
  echo "|---|---|---|---|---|---|---|---|"
  echo "| $rps, then $rps2 | $(lat 50%) | $(lat 90%) | $(lat 99%) | ${errors:-0} | $health | $ratio | $soak_line |"
  echo
  echo "CPU a request costs, server + wrk, in µs: a search $search_cpu, then $search_cpu2; \`/healthz\` $health_cpu."
} >> "$OUT"
tail -n 8 "$OUT"
