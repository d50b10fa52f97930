#!/usr/bin/env bash
# FHIR benchmark: the same searches through the JSON API and through FHIR.
# The bench_search mix (points where providers practise, radius 5-50 mi, half
# with a kind of care, a quarter with a name) as /api/v1/search URLs and as
# the equivalent /fhir/Location searches (near=lat|lon|R|mi, name, modality,
# _count=10: one Location per provider, nearest first, as the API's
# results), each measured twice, alternating, with wrk on loopback. Then
# the full bulk export (`meridian export fhir`) and the HSDS export, timed
# with their peak resident memory.
#
#   bench/fhir.sh [BUILD_DIR]                  # 1 M providers
#   BENCH_ROWS=9000000 bench/fhir.sh
#
# Appends a Markdown section to bench/results/fhir.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROWS=${BENCH_ROWS:-1000000}
DURATION=${DURATION:-20}
CONNS=${CONNECTIONS:-64}
PORT=${HTTP_PORT:-18182}
WORK=bench/work
OUT=bench/results/fhir.md
mkdir -p "$WORK" bench/results
scripts/install-deps --bench
. bench/lib.sh
ensure_snapshot "$BUILD" "$ROWS"
api=$WORK/fhir_api_urls_${ROWS}.txt
fhir=$WORK/fhir_fhir_urls_${ROWS}.txt
"$BUILD/bench_search" "$snap" 20000 1 --urls "$api" --mix provider > /dev/null
# /api/v1/search?near=LAT,LON&radius=Rmi[&q=..][&modality=..] ->
# /fhir/Location?near=LAT|LON|R|mi[&name=..][&modality=..]&_count=10
sed -E -e 's#^/api/v1/search\?near=([-0-9.]+),([-0-9.]+)&radius=([0-9.]+)mi#/fhir/Location?near=\1%7C\2%7C\3%7Cmi#' \
  -e 's#&q=#\&name=#' -e 's#$#\&_count=10#' "$api" > "$fhir"
grep -q '^/fhir/Location?near=' "$fhir" || { echo "fhir.sh: URL conversion failed" >&2; exit 1; }

rm -f "$WORK/fhir_bench.sqlite"
"$BUILD/meridian" store migrate --store "sqlite:$WORK/fhir_bench.sqlite" > /dev/null
"$BUILD/meridian" serve --snapshot "$snap" --listen 127.0.0.1:$PORT --threads 2 \
  --store "sqlite:$WORK/fhir_bench.sqlite" --rate 1000000000 --burst 1000000000 2> "$WORK/fhir_serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 1200); do
  curl -sf "http://127.0.0.1:$PORT/readyz" > /dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$PORT/readyz" > /dev/null || { echo "fhir.sh: server not ready" >&2; exit 1; }
# Every FHIR URL must answer 200 with the API's providers (checked on a sample).
for i in 1 50 99 500 999; do
  a=$(sed -n "${i}p" "$api"); f=$(sed -n "${i}p" "$fhir")
  an=$(curl -sf "http://127.0.0.1:$PORT$a&limit=10" | python3 -c 'import json,sys; print([r["npi"] for r in json.load(sys.stdin)["results"]])')
  fn=$(curl -sf "http://127.0.0.1:$PORT$f" | python3 -c 'import json,sys; print([e["resource"]["id"].split("-")[0] for e in json.load(sys.stdin).get("entry", [])])')
  [ "$an" = "$fn" ] || { echo "fhir.sh: $a and $f differ: $an vs $fn" >&2; exit 1; }
done
URLS=$api wrk -t1 -c8 -d5s -s bench/wrk_urls.lua "http://127.0.0.1:$PORT" > /dev/null
URLS=$fhir wrk -t1 -c8 -d5s -s bench/wrk_urls.lua "http://127.0.0.1:$PORT" > /dev/null
declare -A rps p50 p99 non2xx
measure() {  # name urls
  local run
  run=$(URLS=$2 wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency -s bench/wrk_urls.lua "http://127.0.0.1:$PORT")
  rps[$1]="${rps[$1]:-}$(echo "$run" | awk '/Requests\/sec/ {print $2}') "
  p50[$1]="${p50[$1]:-}$(echo "$run" | awk '$1 == "50%" {print $2}') "
  p99[$1]="${p99[$1]:-}$(echo "$run" | awk '$1 == "99%" {print $2}') "
  non2xx[$1]="${non2xx[$1]:-}$(echo "$run" | awk '/Non-2xx/ {n = $5} END {print n + 0}') "
}
measure api "$api"; measure fhir "$fhir"; measure api "$api"; measure fhir "$fhir"
kill $pid; wait $pid 2>/dev/null || true
trap - EXIT
ratio=$(awk -v a="${rps[api]}" -v f="${rps[fhir]}" 'BEGIN {split(a, x, " "); split(f, y, " "); printf "%.2f", (x[1]+x[2])/(y[1]+y[2])}')

# The bulk export and the HSDS export, each with its peak memory split as
# /proc reports it: anonymous (what the process holds: heap, buffers) and
# file-backed (the snapshot's mapped pages, shared with the page cache).
peak_run() {  # out_prefix command...
  local prefix=$1; shift
  "$@" > "$prefix.json" &
  local p=$! anon=0 file=0 a f
  while kill -0 $p 2>/dev/null; do
    a=$(awk '/RssAnon/ {print $2}' /proc/$p/status 2>/dev/null || echo 0)
    f=$(awk '/RssFile/ {print $2}' /proc/$p/status 2>/dev/null || echo 0)
    [ "${a:-0}" -gt "$anon" ] && anon=$a
    [ "${f:-0}" -gt "$file" ] && file=$f
    sleep 0.2
  done
  wait $p
  echo "$((anon / 1024)) $((file / 1024))"
}
rm -rf "$WORK/fhir_export"
read -r exp_anon exp_file < <(peak_run "$WORK/fhir_export" "$BUILD/meridian" export fhir \
  --snapshot "$snap" --out "$WORK/fhir_export" --json)
exp_s=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$WORK/fhir_export.json")
exp_files=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(", ".join("%s %d (%.0f MB)" % (f["type"], f["resources"], f["bytes"]/1e6) for f in d["files"]))' "$WORK/fhir_export.json")
rm -rf "$WORK/fhir_export"
read -r hsds_anon hsds_file < <(peak_run "$WORK/hsds_export" "$BUILD/meridian" export hsds \
  --snapshot "$snap" --out "$WORK/hsds.zip" --json)
hsds_s=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$WORK/hsds_export.json")
hsds_mb=$(du -m "$WORK/hsds.zip" | cut -f1)
rm -f "$WORK/hsds.zip"
snap_mb=$(du -m "$snap" | cut -f1)
{
  echo
  echo "## $(date -u +%Y-%m-%d) — $ROWS providers, $CONNS connections, ${DURATION} s per run"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs). Command: \`BENCH_ROWS=$ROWS bench/fhir.sh\`. wrk (1 thread) and the server (2 I/O threads) share the machine. The same 20,000 searches each way (the provider-weighted bench_search mix), API and FHIR alternating, two runs each."
  echo
  echo "| | requests/s (run 1, run 2) | p50 | p99 | non-2xx |"
  echo "|---|---|---|---|---|"
  echo "| JSON API \`/api/v1/search\` | ${rps[api]}| ${p50[api]}| ${p99[api]}| ${non2xx[api]}|"
  echo "| FHIR \`/fhir/Location?near\` | ${rps[fhir]}| ${p50[fhir]}| ${p99[fhir]}| ${non2xx[fhir]}|"
  echo
  echo "FHIR takes ${ratio}x the JSON API's time per search (goal: at most 1.5x)."
  echo
  echo "Bulk export (\`meridian export fhir\`, every type): ${exp_s} s; peak memory ${exp_anon} MB anonymous, ${exp_file} MB of mapped snapshot pages (the snapshot is ${snap_mb} MB; opening it checks every byte); ${exp_files}."
  echo
  echo "HSDS export (\`meridian export hsds\`): ${hsds_s} s; peak memory ${hsds_anon} MB anonymous, ${hsds_file} MB mapped; ZIP ${hsds_mb} MB."
} >> "$OUT"
tail -n 12 "$OUT"
