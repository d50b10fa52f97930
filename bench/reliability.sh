#!/usr/bin/env bash
# The long reliability runs of issue 19 (make reliability); appends a dated
# section to bench/results/reliability.md. The short forms run in make test.
#
#   bench/reliability.sh [BUILD_DIR]
#   RELIABILITY_SKIP="fuzz soak" bench/reliability.sh   # leave parts out
#   FUZZ_SECONDS=600 SOAK_MINUTES=20 SOAK_RELOAD_EVERY=5 bench/reliability.sh
#   FUZZ_RUN=0 RELIABILITY_SKIP="damage costly overload exhaustion soak digest" \
#     bench/reliability.sh   # the fuzz table and coverage from runs already made
#
# Parts: fuzz (every libFuzzer target FUZZ_SECONDS each, default 3600, then
# line coverage from a coverage build over the corpora), damage (the
# damaged-snapshot sweep on a 20,000-row snapshot), costly (the most
# expensive legal searches at 9 M, bounded and not), overload (1 M rows,
# 256 connections allowed, wrk with 1,024, a burst of 10,000), exhaustion
# (descriptors, full and read-only store, full disk), soak (60 minutes at
# 80 % of capacity on 9 M, reload every 10 minutes; SVG beside the file),
# digest (the sender killed at random points of a 10,000-subscriber run).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
SKIP=" ${RELIABILITY_SKIP:-} "
FUZZ_SECONDS=${FUZZ_SECONDS:-3600}
SOAK_MINUTES=${SOAK_MINUTES:-60}
OUT=bench/results/reliability.md
WORK=bench/work
mkdir -p "$WORK" bench/results
. bench/lib.sh
want() { [[ "$SKIP" != *" $1 "* ]]; }
section=$(mktemp)
trap 'rm -f "$section"' EXIT
say() { printf '%s\n' "$@" >> "$section"; }

say "" "## $(date -u +%Y-%m-%d) — make reliability" ""
say "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), kernel $(uname -r)."

if want fuzz; then
  # FUZZ_RUN=0: no new runs, only the table (and coverage) from the stats of
  # the runs already made (make fuzz-long, a few targets at a time).
  [ "${FUZZ_RUN:-1}" = 0 ] || make -s fuzz-long FUZZ_SECONDS="$FUZZ_SECONDS" || true  # failures are in the table
  say "" "### Fuzzing: \`make fuzz-long FUZZ_SECONDS=$FUZZ_SECONDS\` (each target until 10,000,000 executions or the time, whichever comes first)" ""
  say "| target | seconds | executions | exit (0 = no crash, leak or sanitizer report) | cov / ft at the end |" "|---|---|---|---|---|"
  for f in build-fuzz/fuzz-stats/*_fuzz.txt; do
    t=$(basename "$f" .txt)
    execs=$(awk '/^stat::number_of_executed_units/ {print $2}' "$f")
    done_line=$(grep -E '^#[0-9]+' "$f" | head -n 1 || true)
    cov=$(echo "$done_line" | grep -o 'cov: [0-9]*' | cut -d' ' -f2)
    ft=$(echo "$done_line" | grep -o 'ft: [0-9]*' | cut -d' ' -f2)
    say "| $t | $(awk '/^seconds:/ {print $2}' "$f") | ${execs:-?} | $(awk '/^exit:/ {print $2}' "$f") | ${cov:-?} / ${ft:-?} |"
  done
  # Line coverage: the same targets built with source-based coverage, run
  # once over everything their corpora hold.
  cov=build-fuzzcov
  [ -f $cov/build.ninja ] || CC=clang-14 CXX=clang++-14 cmake -S . -B $cov -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMERIDIAN_FUZZ=ON -DMERIDIAN_FUZZ_COVERAGE=ON > /dev/null
  targets=$(for f in tests/fuzz/*_fuzz.cc; do basename "$f" .cc; done | xargs)
  ninja -C $cov $targets > /dev/null
  say "" "Line coverage of \`src/\` reached by each target's corpus (a coverage build, \`llvm-cov report\`):" ""
  say "| target | corpus inputs | lines covered |" "|---|---|---|"
  for t in $targets; do
    seeds=tests/fuzz/${t%_fuzz}_corpus
    [ "$t" = ingest_fuzz ] && seeds=tests/fuzz/corpus
    rm -f $cov/$t.profraw
    n=$(find build-fuzz/corpus/$t $seeds -type f 2>/dev/null | wc -l)
    LLVM_PROFILE_FILE=$cov/$t.profraw $cov/$t -runs=0 -rss_limit_mb=4096 build-fuzz/corpus/$t $seeds \
      > /dev/null 2>&1 || true
    llvm-profdata-14 merge -sparse $cov/$t.profraw -o $cov/$t.profdata
    line=$(llvm-cov-14 report $cov/$t -instr-profile=$cov/$t.profdata \
      -ignore-filename-regex='(tests/|/usr/|build)' | awk '/^TOTAL/ {print $10 " of " $8 " lines"}')
    say "| $t | $n | $line |"
  done
fi

if want damage; then
  out=$(cd "$BUILD" && MERIDIAN_DAMAGE_ROWS=20000 MERIDIAN_DAMAGE_FLIPS=64 \
    ./meridian_tests --gtest_filter='DamageSweep.*' 2>&1)
  say "" "### Damaged snapshots: \`MERIDIAN_DAMAGE_ROWS=20000 MERIDIAN_DAMAGE_FLIPS=64 meridian_tests --gtest_filter='DamageSweep.*'\`" ""
  say "$(echo "$out" | grep -E '^(damaged|forged) snapshots' | sed 's/^/- /')"
  say "- result: $(echo "$out" | grep -E '^\[  (PASSED|FAILED)' | head -n 1)"
fi

if want costly; then
  ensure_snapshot "$BUILD" 9000000
  say "" "### The most expensive legal searches at 9 M: \`bench_costly $snap 10\`" ""
  say "Engine time per search (median and worst of 10), with the default bound (3,000,000 units) and without it." ""
  say "| search | bounded: answer | median ms | worst ms | unbounded: median ms | matches |" "|---|---|---|---|---|---|"
  bounded=$("$BUILD/bench_costly" "$snap" 10)
  unbounded=$("$BUILD/bench_costly" "$snap" 2 --budget 1000000000000)
  while IFS= read -r line; do
    q=$(echo "$line" | grep -o '"query":"[^"]*"' | cut -d'"' -f4 || true)
    [ -n "$q" ] || continue
    num() { echo "$1" | grep -o "\"$2\":[0-9.]*" | cut -d: -f2; }
    if [[ "$line" == *'"refused"'* ]]; then  # refused while parsed (an unknown town): the parse's time
      say "| \`$q\` | 400 (parse: $(echo "$line" | grep -o '"refused":"[^"]*"' | cut -d'"' -f4 | cut -c1-60)) | $(awk -v u="$(num "$line" parse_median_us)" 'BEGIN {printf "%.2f", u/1000}') | $(awk -v u="$(num "$line" parse_max_us)" 'BEGIN {printf "%.2f", u/1000}') | — | — |"
      continue
    fi
    u=$(echo "$unbounded" | grep -F "\"query\":\"$q\"")
    ans=$( [ "$(echo "$line" | grep -o '"too_broad":[a-z]*' | cut -d: -f2)" = true ] && echo "400 too_broad" || echo "200" )
    say "| \`$q\` | $ans | $(awk -v u="$(num "$line" median_us)" 'BEGIN {printf "%.2f", u/1000}') | $(awk -v u="$(num "$line" max_us)" 'BEGIN {printf "%.2f", u/1000}') | $(awk -v u="$(num "$u" median_us)" 'BEGIN {printf "%.1f", u/1000}') | $(num "$u" total) |"
  done <<< "$bounded"
  mix=$("$BUILD/bench_search" "$snap" 20000 1 2>/dev/null)
  say "" "Of the 20,000 searches of the realistic mix (bench/search.sh), $(echo "$mix" | grep -o '"too_broad":[0-9]*' | cut -d: -f2) were refused; p99 $(echo "$mix" | grep -o '"p99_us":[0-9.]*' | cut -d: -f2) µs, worst $(echo "$mix" | grep -o '"max_us":[0-9.]*' | cut -d: -f2) µs."
fi

if want overload; then
  /usr/bin/python3 tests/reliability/overload.py --meridian "$BUILD/meridian" \
    --bench-search "$BUILD/bench_search" --results "$WORK/overload.json" > /dev/null || true
  say "" "### Past capacity: \`tests/reliability/overload.py\` (1 M rows, 256 connections allowed)" ""
  say '```json' "$(cat "$WORK/overload.json")" '```'
fi

if want exhaustion; then
  out=$(cd "$BUILD" && ./meridian_tests --gtest_filter='ServeExhaustion.*' 2>&1)
  say "" "### Exhaustion: \`meridian_tests --gtest_filter='ServeExhaustion.*'\`" ""
  say "$(echo "$out" | grep -E '^\[ +(OK|FAILED|SKIPPED) +\] ServeExhaustion' | sed 's/^/- /')"
  say "$(echo "$out" | grep -E '^full store' | sed 's/^/- /')"
fi

if want soak; then
  ensure_snapshot "$BUILD" 9000000
  /usr/bin/python3 tests/reliability/soak.py --meridian "$BUILD/meridian" \
    --bench-search "$BUILD/bench_search" --snapshot "$snap" --minutes "$SOAK_MINUTES" \
    --reload-every "${SOAK_RELOAD_EVERY:-10}" \
    --results "$WORK/soak.json" --svg bench/results/reliability-soak.svg > "$WORK/soak.log" 2>&1 || true
  say "" "### Soak: \`tests/reliability/soak.py --snapshot $snap --minutes $SOAK_MINUTES\`" ""
  say "$(/usr/bin/python3 -c "
import json
s = json.load(open('$WORK/soak.json'))
m = s['minutes']
print(f\"Capacity {s['capacity_rps']:.0f} searches/s; held at {s['target_rps']:.0f} (80 %) with {s['connections']} connections for {len(m)} minutes; reloads done {s['reloads_done']}, refused {s['reloads_refused']}.\")
print(f\"Searches per second each minute: {min(x['rps'] for x in m):.0f}-{max(x['rps'] for x in m):.0f}; {sum(x['requests'] for x in m):,} in all.\")
print(f\"Errors: {s['errors']}. RSS {min(x['rss_mb'] for x in m):.0f}-{max(x['rss_mb'] for x in m):.0f} MB, of it heap (RssAnon) {min(x['anon_mb'] for x in m):.0f}-{max(x['anon_mb'] for x in m):.0f} MB; the heap's last quarter vs its first settled quarter: {s['rss_growth']*100:+.1f} %. Snapshot mappings after each reload: {max(x['snapshot_maps'] for x in m if not x['reload'])}. p99 per minute {min(x['p99_us'] for x in m)/1000:.1f}-{max(x['p99_us'] for x in m)/1000:.1f} ms.\")
print('Failures: ' + ('; '.join(s['failures']) or 'none') + '.')
")"
  say "" "![Soak: RSS, p99 and errors per minute](reliability-soak.svg)"
fi

if want digest; then
  out=$(cd "$BUILD" && MERIDIAN_CRASH_SUBSCRIBERS=10000 ./meridian_tests --gtest_filter='DigestCrash.*' 2>&1)
  say "" "### The digest sender killed at random points (10,000 subscribers)" ""
  say "- $(echo "$out" | grep -E '^\[  (PASSED|FAILED)' | head -n 1)"
fi

cat "$section" >> "$OUT"
cat "$section"
