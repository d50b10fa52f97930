#!/usr/bin/env bash
# Digest benchmark: one week's digest to N subscribers against a local SMTP
# server (Debian's python3-aiosmtpd, messages counted, not kept).
#
#   bench/digest.sh [BUILD_DIR]                         # 1 M providers, 100,000 subscribers
#   BENCH_ROWS=200000 DIGEST_SUBSCRIBERS=10000 bench/digest.sh
#
# "This week" is the synthetic snapshot under bench/work/ (shared with the
# other benches); "last week" is the same file without its last 0.5 % of
# rows, which become the week's new practitioners. Appends a section to
# bench/results/digest.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROWS=${BENCH_ROWS:-1000000}
N=${DIGEST_SUBSCRIBERS:-100000}
OUT=bench/results/digest.md
. bench/lib.sh
ensure_snapshot "$BUILD" "$ROWS"
drop=$((ROWS / 200))
prev=bench/work/digest_previous_${ROWS}.snap
if [ ! -f "$prev" ]; then
  head -n "-$drop" "$csv" > bench/work/digest_previous_${ROWS}.csv
  "$BUILD/meridian" ingest --nppes bench/work/digest_previous_${ROWS}.csv --pl "${csv%.csv}_pl.csv" \
    --out "$prev" --errors bench/work/digest_previous_errors.csv >&2
fi
work=$(mktemp -d)
trap 'kill $smtp_pid 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/bin/python3 tests/digest/smtp_server.py "$port" "$work/mail" --ready "$work/ready" --discard &
smtp_pid=$!
for _ in $(seq 200); do [ -f "$work/ready" ] && break; sleep 0.05; done
table=$("$BUILD/bench_digest" "$snap" "$prev" "sqlite:$work/digest.sqlite" "smtp://127.0.0.1:$port" "$N")
kill $smtp_pid; wait $smtp_pid 2>/dev/null || true
received=$(cat "$work/mail/count" 2>/dev/null || echo "?")
{
  echo
  echo "## $(date -u +%Y-%m-%d) — $N subscribers, $ROWS providers"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), disk $(df -T /tmp | awk 'NR==2{print $2}'). Command: \`BENCH_ROWS=$ROWS DIGEST_SUBSCRIBERS=$N bench/digest.sh\`."
  echo "One process sends over one reused SMTP connection to aiosmtpd on loopback (which counted $received messages), no rate limit; the store is SQLite (WAL, synchronous=FULL), and each message is claimed and marked in its own durable transaction. Subscribers are placed at random providers' ZIPs (dense metros weigh as their share), radius 5-50 mi, half with one kind of care. \"Build and send\" is the snapshot diff plus the run; seeding the subscribers is not part of it."
  echo
  echo "$table"
} | tee -a "$OUT"
