# Shared by the bench scripts (source it): the synthetic input and snapshot
# for $ROWS providers under bench/work/, made once (seed 7).
ensure_snapshot() {
  local build=$1 rows=$2
  csv=bench/work/synth_${rows}.csv
  snap=bench/work/search_${rows}.snap
  mkdir -p bench/work bench/results
  [ -f "$csv" ] || "$build/meridian" synth --rows "$rows" --seed 7 --out "$csv" >&2
  [ -f "$snap" ] || "$build/meridian" ingest --nppes "$csv" --pl "${csv%.csv}_pl.csv" --out "$snap" >&2
}
