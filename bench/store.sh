#!/usr/bin/env bash
# Store benchmark: report submissions per second on SQLite and PostgreSQL
# (every one committed durably before it is acknowledged), and search
# throughput alone and while the writes run.
#
#   bench/store.sh [BUILD_DIR]              # 1 M providers, 10 s per phase
#   BENCH_ROWS=200000 BENCH_SECONDS=5 bench/store.sh
#
# Uses the synthetic snapshot under bench/work/ (shared with bench/search.sh)
# and appends a Markdown section to bench/results/store.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROWS=${BENCH_ROWS:-1000000}
SECONDS_PER_PHASE=${BENCH_SECONDS:-10}
OUT=bench/results/store.md
mkdir -p bench/work bench/results
. bench/lib.sh
ensure_snapshot "$BUILD" "$ROWS"
table=$("$BUILD/bench_store" "$snap" "$SECONDS_PER_PHASE")
{
  echo
  echo "## $(date -u +%Y-%m-%d) — $ROWS providers, $SECONDS_PER_PHASE s per phase"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), disk $(df -T bench/work | awk 'NR==2{print $2}'), kernel $(uname -r). Command: \`BENCH_ROWS=$ROWS BENCH_SECONDS=$SECONDS_PER_PHASE bench/store.sh\`."
  echo "In-process through Service::Handle (no sockets). Phases: 1 thread searching (10 mi around dense metro ZIPs, page of 10); 2 threads posting the report form as fast as they can; the search thread with 50 reports a second; the search thread with the 2 writers unpaced. Every report is committed durably before it is acknowledged. SQLite: one file on disk, WAL, synchronous=FULL. PostgreSQL 15: a fresh local cluster (default settings: fsync on, synchronous_commit on) over a Unix socket, pool of 4."
  echo
  echo "$table"
} | tee -a "$OUT"
