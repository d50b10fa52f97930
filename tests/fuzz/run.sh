#!/bin/sh
# Runs the libFuzzer targets (tests/fuzz/*_fuzz.cc), one after another; the
# Makefile's fuzz, fuzz-smoke and fuzz-long targets call it.
#
#   run.sh smoke BUILD SECONDS TARGET...  replay tests/fuzz/regressions/<target>/,
#                                         then fuzz each target SECONDS from its
#                                         seed corpus; runs every target, then
#                                         fails if any did
#   run.sh long  BUILD SECONDS TARGET...  fuzz each target SECONDS, or until
#                                         FUZZ_RUNS executions (default
#                                         10,000,000), whichever comes first,
#                                         with -print_final_stats=1; its final stats
#                                         and exec count go to
#                                         BUILD/fuzz-stats/<target>.txt; runs
#                                         every target, then fails if any did
#
# Per target: seeds in tests/fuzz/<name>_corpus/ (ingest_fuzz: tests/fuzz/corpus/),
# a dictionary in tests/fuzz/dict/<target>.dict, new inputs in
# BUILD/corpus/<target>/, crashes in BUILD/artifacts/ (smoke) or
# tests/fuzz/artifacts/ (long): copy one to tests/fuzz/regressions/<target>/
# once it is understood, and fix the bug.
set -eu

mode=$1 build=$2 seconds=$3
shift 3
src=tests/fuzz
opts="-timeout=10 -rss_limit_mb=2048"

seeds() {
  case $1 in
    ingest_fuzz) echo $src/corpus ;;
    *) echo $src/${1%_fuzz}_corpus ;;
  esac
}

max_len() {
  case $1 in
    ingest_fuzz | http_fuzz | markdown_fuzz) echo 8192 ;;
    attached_fuzz) echo 16384 ;;
    fhir_fuzz) echo 2048 ;;
    *) echo 4096 ;;
  esac
}

replay() {
  t=$1
  [ -d $src/regressions/$t ] || return 0
  files=$(find $src/regressions/$t -type f | sort)
  [ -n "$files" ] || return 0
  echo "== $t: replaying $(echo "$files" | wc -l) regression inputs"
  # shellcheck disable=SC2086
  "$build/$t" $opts $files
}

fuzz() {  # target seconds artifacts extra-flags...
  t=$1 secs=$2 artifacts=$3
  shift 3
  mkdir -p "$build/corpus/$t" "$artifacts"
  # shellcheck disable=SC2046
  "$build/$t" $opts -max_len=$(max_len $t) -dict=$src/dict/$t.dict -max_total_time=$secs \
    -artifact_prefix="$artifacts/$t-" "$@" "$build/corpus/$t" $(seeds $t)
}

case $mode in
  smoke)
    failed=""
    for t in "$@"; do
      log=$build/fuzz-smoke-$t.log
      if ! replay $t >$log.replay 2>&1; then
        failed="$failed $t(regressions)"
        grep -aE '^Running:|fuzz property failed|ERROR: AddressSanitizer|runtime error' \
          $log.replay | tail -n 6
      fi
      echo "== $t: ${seconds}s from its seeds"
      if fuzz $t $seconds $build/artifacts -print_final_stats=0 2>$log; then
        grep -aE '^#[0-9]+[[:space:]]+DONE' $log || tail -n 2 $log
      else
        failed="$failed $t"
        grep -aE 'fuzz property failed|ERROR: AddressSanitizer|runtime error|^ +#[6-9] |Test unit' \
          $log | head -n 12
      fi
    done
    [ -z "$failed" ] || { echo "fuzz-smoke: failed:$failed (logs: $build/fuzz-smoke-<target>.log)"; exit 1; }
    ;;
  long)
    runs=${FUZZ_RUNS:-10000000}  # or SECONDS, whichever comes first
    mkdir -p $build/fuzz-stats
    failed=""
    for t in "$@"; do
      echo "== $t: ${seconds}s"
      log=$build/fuzz-stats/$t.log
      status=0
      fuzz $t $seconds $src/artifacts -print_final_stats=1 -runs=$runs 2>$log || status=$?
      {
        echo "target: $t"
        echo "seconds: $seconds"
        echo "exit: $status"
        grep -E '^#[0-9]+[[:space:]]+DONE' $log | tail -n 1 || true
        grep -E '^stat::' $log || true
      } >$build/fuzz-stats/$t.txt
      cat $build/fuzz-stats/$t.txt
      [ $status -eq 0 ] || { failed="$failed $t"; tail -n 40 $log; }
    done
    [ -z "$failed" ] || { echo "fuzz-long: failed:$failed (see tests/fuzz/artifacts/)"; exit 1; }
    ;;
  *)
    echo "usage: $0 smoke|long BUILD SECONDS TARGET..." >&2
    exit 2
    ;;
esac
