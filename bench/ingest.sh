#!/usr/bin/env bash
# Ingest benchmark: parse -> records -> snapshot, on synthetic NPPES data.
#
#   bench/ingest.sh [BUILD_DIR]          # 1 M rows (~1.2 GB), the default
#   BENCH_ROWS=9000000 bench/ingest.sh   # the national scale (~10.5 GB)
#
# Generates the input once under bench/work/ (not committed), runs
# BENCH_RUNS rounds (default 5) on a warm page cache, each round the ingest
# from the CSVs, from the same files zipped, and DuckDB's read_csv, and
# appends a Markdown section to bench/results/ingest.md with the machine, the
# data size, throughput, peak RSS, the per-phase split and the per-round
# ratios. Peers in the same run anchor the figures: `wc -l` (a memchr-speed
# scan, the floor for touching every byte) and, when python3 is present,
# Python's csv module counting rows.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROWS=${BENCH_ROWS:-1000000}
RUNS=${BENCH_RUNS:-5}
SEED=${BENCH_SEED:-7}
WORK=bench/work
OUT=bench/results/ingest.md
M=$BUILD/meridian
mkdir -p "$WORK" bench/results

csv=$WORK/synth_${ROWS}.csv
if [ ! -f "$csv" ]; then
  echo "generating $ROWS synthetic rows into $csv" >&2
  "$M" synth --rows "$ROWS" --seed "$SEED" --out "$csv" --json >&2
fi
pl=${csv%.csv}_pl.csv
bytes=$(stat -c %s "$csv")
SEED=$(grep -o '"seed":[0-9]*' "$csv.meta.json" | cut -d: -f2)  # the seed it was made with

cat "$csv" > /dev/null  # warm the page cache
wc_s=$( { /usr/bin/time -f %e wc -l "$csv" > /dev/null; } 2>&1 )
py_s=""
if command -v python3 > /dev/null; then
  py_s=$( { /usr/bin/time -f %e python3 -c 'import csv,sys; sum(1 for _ in csv.reader(open(sys.argv[1], newline="")))' "$csv"; } 2>&1 )
fi

# The same files as CMS ships them: one ZIP (deflate, level 6), read in place
# with --nppes-zip; the figure that matters is its time against the CSVs'.
zip=$WORK/NPPES_Data_Dissemination_synth_${ROWS}.zip
if [ ! -f "$zip" ]; then
  echo "zipping $csv into $zip" >&2
  python3 - "$csv" "$pl" "$zip" <<'PY'
import sys, zipfile
csv, pl, out = sys.argv[1:]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
    z.write(csv, "npidata_pfile_20050523-20251109.csv")
    z.write(pl, "pl_pfile_20050523-20251109.csv")
PY
fi

# DuckDB from npm (prebuilt binary inside the package; bench/peers/duckdb):
# read_csv of the same file into a table, every column text, 2 threads.
have_duck=""
if command -v npm > /dev/null; then
  mkdir -p "$WORK/duckdb"
  cp bench/peers/duckdb/package.json bench/peers/duckdb/package-lock.json bench/peers/duckdb/read_csv.mjs "$WORK/duckdb/"
  if (cd "$WORK/duckdb" && npm ci --no-audit --no-fund --silent > /dev/null 2>&1); then have_duck=1; fi
fi

# Rounds: the CSVs, the ZIP and DuckDB back to back in each, so a drift of a
# shared machine shows in every contestant of a round alike; the ratios are
# taken per round and their median reported beside the best times.
best=""
table=""
zip_best=""
duck_best=""
ratios=""
zip_ratios=""
for i in $(seq 1 "$RUNS"); do
  json=$( { /usr/bin/time -f "RSS_KB=%M" "$M" ingest --nppes "$csv" --pl "$pl" \
            --out "$WORK/bench.snap" --json; } 2> "$WORK/time.txt" )
  rss_kb=$(grep -o 'RSS_KB=[0-9]*' "$WORK/time.txt" | cut -d= -f2)
  field() { echo "$json" | grep -o "\"$1\":[0-9.]*" | cut -d: -f2; }
  secs=$(field seconds); mbs=$(field mb_per_s); rows=$(field rows_read)
  rps=$(awk -v r="$rows" -v s="$secs" 'BEGIN { printf "%.0f", r / s }')
  if [ -z "$best" ] || awk -v a="$mbs" -v b="$best" 'BEGIN { exit !(a > b) }'; then best=$mbs; fi
  cat "$zip" > /dev/null
  zjson=$("$M" ingest --nppes-zip "$zip" --out "$WORK/bench_zip.snap" --json)
  zsecs=$(echo "$zjson" | grep -o '"seconds":[0-9.]*' | cut -d: -f2)
  if [ -z "$zip_best" ] || awk -v a="$zsecs" -v b="$zip_best" 'BEGIN { exit !(a < b) }'; then zip_best=$zsecs; fi
  zip_ratios+="$(awk -v z="$zsecs" -v c="$secs" 'BEGIN { printf "%.0f", 100 * c / z }') "
  d=""
  if [ -n "$have_duck" ]; then
    d=$(node "$WORK/duckdb/read_csv.mjs" "$PWD/$csv" 2 | grep -o '"seconds":[0-9.]*' | cut -d: -f2)
    if [ -n "$d" ] && { [ -z "$duck_best" ] || awk -v a="$d" -v b="$duck_best" 'BEGIN { exit !(a < b) }'; }; then duck_best=$d; fi
    [ -n "$d" ] && ratios+="$(awk -v d="$d" -v c="$secs" 'BEGIN { printf "%.2f", d / c }') "
  fi
  table+="| $i | $secs | $mbs | $rps | $(awk -v k="$rss_kb" 'BEGIN { printf "%.0f", k / 1024 }') | $(field parse_seconds) | $(field side_files_seconds) | $(field write_seconds) | $zsecs | ${d:--} |"$'\n'
done
snap_bytes=$(stat -c %s "$WORK/bench.snap")
csv_best=$(awk -v b="$bytes" -v m="$best" 'BEGIN { printf "%.2f", b / 1e6 / m }')
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

{
  echo
  echo "## $(date -u +%Y-%m-%d) — $ROWS rows, $(awk -v b="$bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }')"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)."
  echo "Command: \`bench/ingest.sh\` (BENCH_ROWS=$ROWS, seed $SEED), input \`meridian synth\`, warm page cache, $RUNS rounds (Meridian from the CSVs, from the ZIP, then DuckDB, in each); snapshot $(awk -v b="$snap_bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }')."
  echo
  echo "| round | seconds | MB/s | rows/s | peak RSS MB | parse s | side files s | write s | ZIP s | DuckDB s |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf "%s" "$table"
  echo
  echo "Peers on the same file and machine: \`wc -l\` ${wc_s} s ($(awk -v b="$bytes" -v s="$wc_s" 'BEGIN { printf "%.0f", b / 1e6 / s }') MB/s)$( [ -n "$py_s" ] && echo "; Python csv row count ${py_s} s ($(awk -v b="$bytes" -v s="$py_s" 'BEGIN { printf "%.0f", b / 1e6 / s }') MB/s)" ). Best Meridian run: ${best} MB/s$( [ -n "$py_s" ] && echo " = $(awk -v b="$bytes" -v s="$py_s" -v m="$best" 'BEGIN { printf "%.1f", m / (b / 1e6 / s) }')x Python csv" )."
  echo
  if [ -n "$duck_best" ]; then
    echo "DuckDB $(node -e 'console.log(require(process.argv[1]).version)' "$PWD/$WORK/duckdb/node_modules/@duckdb/node-api/package.json" 2>/dev/null) (npm \`@duckdb/node-api\`), \`read_csv\` of the same file into a table, all columns text, 2 threads: best ${duck_best} s; Meridian's best ${csv_best} s = $(awk -v d="$duck_best" -v c="$csv_best" 'BEGIN { printf "%.1f", d / c }')x faster; per round $(echo "$ratios" | xargs | sed 's/ /, /g'), median $(echo "$ratios" | median)x (goal: 5x)."
    echo
  fi
  echo "From the ZIP as CMS ships it (\`--nppes-zip\`, $(awk -v b="$(stat -c %s "$zip")" 'BEGIN { printf "%.2f GB", b / 1e9 }') deflated, same rows): best ${zip_best} s against ${csv_best} s from the extracted CSVs = $(awk -v z="$zip_best" -v c="$csv_best" 'BEGIN { printf "%.0f", 100 * c / z }') % of their throughput; per round $(echo "$zip_ratios" | xargs | sed 's/ /, /g') %, median $(echo "$zip_ratios" | median) % (goal: at least 80 %)."
} >> "$OUT"
tail -n 14 "$OUT"
