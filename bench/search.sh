#!/usr/bin/env bash
# Search benchmark: in-process query latency, load time and memory.
#
#   bench/search.sh [BUILD_DIR]                        # 1 M providers
#   BENCH_ROWS=9000000 BENCH_QUERIES=3000 bench/search.sh
#
# Makes the synthetic input and snapshot once under bench/work/ (shared with
# bench/ingest.sh), runs build/bench_search, and appends a Markdown section to
# bench/results/search.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROWS=${BENCH_ROWS:-1000000}
QUERIES=${BENCH_QUERIES:-20000}
WORK=bench/work
OUT=bench/results/search.md
mkdir -p "$WORK" bench/results
. bench/lib.sh
ensure_snapshot "$BUILD" "$ROWS"
cat "$snap" > /dev/null  # warm the page cache: load time measures verify + index build
field() { echo "$json" | grep -o "\"$1\":[0-9.]*" | cut -d: -f2; }
rows=""
for mix in provider zip; do
  json=$("$BUILD/bench_search" "$snap" "$QUERIES" 1 --mix "$mix")
  rows+="| $mix | $(field p50_us) | $(field p99_us) | $(field p999_us) | $(field max_us) | $(field text_p50_us) / $(field text_p99_us) | $(field load_ms) ($(field open_ms) + $(field index_build_ms)) | $(field rss_after_load_mb) ($(field rss_bytes_per_provider)) | $(field final_rss_mb) |"$'\n'
done
{
  echo
  echo "## $(date -u +%Y-%m-%d) — $(field records) providers, $(field queries) queries"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), kernel $(uname -r). Command: \`BENCH_ROWS=$ROWS BENCH_QUERIES=$QUERIES bench/search.sh\`."
  echo "Mix: a point where providers practise — provider: the primary location of a random provider (each provider equally likely, so a dense metro counts as its share); zip: a ZIP with providers drawn uniformly (under-weights dense metros) — radius 5/10/25/50 mi, half with a modality filter, a quarter with 1-2 words of a name there (half of them with a typo); sort by distance, page of 10, all facets."
  echo
  echo "| mix | p50 µs | p99 µs | p99.9 µs | max µs | text queries p50 / p99 µs | load ms (verify + index) | RSS after load MB (bytes/provider) | RSS after the run MB |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf "%s" "$rows"
} >> "$OUT"
tail -n 8 "$OUT"
