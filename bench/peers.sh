#!/usr/bin/env bash
# Peer benchmark: the same data and the same queries in Meridian, PostgreSQL 15
# + PostGIS 3, and SQLite (R*Tree), in one run.
#
#   bench/peers.sh [BUILD_DIR]                       # 1 M providers, 300 queries
#   BENCH_ROWS=9000000 PEER_QUERIES=300 bench/peers.sh
#
# PostgreSQL runs from Debian's packages in a temporary data directory, as the
# unprivileged `postgres` user, listening on 127.0.0.1 only, and is stopped
# and removed at the end (also on error). Set up as an expert would: geography
# column with a GiST index, CLUSTER on it, ANALYZE, pg_prewarm, memory sized
# for the data, JIT off, prepared statements. Appends a Markdown section with
# each system's p50/p99 and the ratios to bench/results/search.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROWS=${BENCH_ROWS:-1000000}
QUERIES=${PEER_QUERIES:-300}
WORK=bench/work
OUT=bench/results/search.md
PGBIN=/usr/lib/postgresql/15/bin
PORT=${PEER_PG_PORT:-55432}
mkdir -p "$WORK" bench/results

scripts/install-deps --bench
. bench/lib.sh
ensure_snapshot "$BUILD" "$ROWS"

# Same data, same queries: exported from the snapshot by the engine's own bench.
data=$WORK/peers_text_${ROWS}
if [ ! -f "$data/expected.csv" ] || [ "$snap" -nt "$data/expected.csv" ]; then
  rm -rf "$data" && mkdir -p "$data"
  "$BUILD/bench_search" "$snap" "$QUERIES" 1 --export "$data"
fi
chmod 755 "$data" && chmod 644 "$data"/*.csv

# Meridian on exactly these queries (same seed, same count).
meridian_json=$("$BUILD/bench_search" "$snap" "$QUERIES" 1)
echo "meridian: $meridian_json" >&2

# --- SQLite -------------------------------------------------------------------
sqlite_json=$("$BUILD/sqlite_bench" "$data")
echo "sqlite: $sqlite_json" >&2

# --- PostgreSQL + PostGIS -------------------------------------------------------
pgdir=$(mktemp -d /tmp/meridian-pg.XXXXXX)
chown postgres "$pgdir"
as_pg() { runuser -u postgres -- "$@"; }
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pgdir"
}
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$pgdir/data" -A trust -U postgres >/dev/null
mem_mb=$(( $(grep MemTotal /proc/meminfo | awk '{print $2}') / 1024 ))
cat >> "$pgdir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$pgdir'
shared_buffers = $(( mem_mb / 4 ))MB
effective_cache_size = $(( mem_mb / 2 ))MB
work_mem = 256MB
maintenance_work_mem = 2GB
max_parallel_workers_per_gather = 2
jit = off
fsync = off
synchronous_commit = off
full_page_writes = off
shared_preload_libraries = 'pg_prewarm'
CONF
as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w start >/dev/null
psql_() { as_pg psql -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
t0=$(date +%s)
psql_ <<SQL
CREATE EXTENSION postgis;
CREATE EXTENSION pg_prewarm;
CREATE EXTENSION pg_trgm;
CREATE UNLOGGED TABLE prov(row int PRIMARY KEY, npi bigint, entity smallint, sex smallint,
  state smallint, class smallint, modmask int, names text);
CREATE UNLOGGED TABLE loc_in(row int, loc int, lat float8, lon float8);
\copy prov FROM '$PWD/$data/prov.csv' CSV
\copy loc_in FROM '$PWD/$data/loc.csv' CSV
CREATE UNLOGGED TABLE loc AS
  SELECT row, loc, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography AS g FROM loc_in;
DROP TABLE loc_in;
CREATE INDEX loc_g ON loc USING gist (g);
CLUSTER loc USING loc_g;
CREATE INDEX loc_row ON loc (row);
CREATE INDEX prov_names ON prov USING gin (names gin_trgm_ops);
VACUUM ANALYZE prov;
VACUUM ANALYZE loc;
SELECT pg_prewarm('prov'), pg_prewarm('prov_pkey'), pg_prewarm('loc'), pg_prewarm('loc_g'),
  pg_prewarm('loc_row'), pg_prewarm('prov_names');
SQL
pg_load_s=$(( $(date +%s) - t0 ))
pg_json=$("$BUILD/pg_bench" "host=127.0.0.1 port=$PORT user=postgres dbname=postgres" \
  "$data/queries.csv" "$data/expected.csv")
pg_version=$(psql_ -At -c "SELECT split_part(version(), ' ', 2) || ' / PostGIS ' || postgis_lib_version()")
echo "postgis: $pg_json" >&2

# --- Report ---------------------------------------------------------------------
field() { echo "$1" | grep -o "\"$2\":[0-9.]*" | cut -d: -f2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", a / b }'; }
m50=$(field "$meridian_json" plain_p50_us); m99=$(field "$meridian_json" plain_p99_us)
s50=$(field "$sqlite_json" p50_us); s99=$(field "$sqlite_json" p99_us)
p50=$(field "$pg_json" p50_us); p99=$(field "$pg_json" p99_us)
n=$(field "$meridian_json" queries)
t50=$(field "$meridian_json" text_p50_us); t99=$(field "$meridian_json" text_p99_us)
st50=$(field "$sqlite_json" text_p50_us); st99=$(field "$sqlite_json" text_p99_us)
pt50=$(field "$pg_json" text_p50_us); pt99=$(field "$pg_json" text_p99_us)
nt=$(field "$pg_json" text_queries); nr=$(field "$pg_json" queries)
{
  echo
  echo "## $(date -u +%Y-%m-%d) — peers: $(field "$meridian_json" records) providers, $n queries"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs). Command: \`BENCH_ROWS=$ROWS PEER_QUERIES=$QUERIES bench/peers.sh\`."
  echo "Same snapshot, same queries (radius 5/10/25/50 mi around real ZIP points, half with a modality filter; a quarter with 1-2 words of a name, half of them with a typo), same answer: exact total, facets (modality, classification, entity, sex, state, distance bands) and the 10 nearest. PostgreSQL $pg_version over loopback (load + indexes + ANALYZE ${pg_load_s} s); SQLite $(echo "$sqlite_json" | grep -o '"sqlite_version":"[^"]*"' | cut -d'"' -f4) in-process."
  echo "Names: PostgreSQL matches each word by pg_trgm word similarity (GIN trigram index), SQLite by FTS5 (exact words, the last one as a prefix, no typos); neither follows Meridian's typo rules, so their text answers differ from Meridian's and only their latency is comparable."
  echo
  echo "| system | queries | p50 µs | p99 µs | p99.9 µs | Meridian faster at p50 | at p99 | answers equal to Meridian's (total / top 10) |"
  echo "|---|---|---|---|---|---|---|---|"
  echo "| Meridian | $nr without text | $m50 | $m99 | $(field "$meridian_json" plain_p999_us) | — | — | — |"
  echo "| PostGIS | $nr without text | $p50 | $p99 | $(field "$pg_json" p999_us) | $(ratio "$p50" "$m50")× | $(ratio "$p99" "$m99")× | $(field "$pg_json" same_total) / $(field "$pg_json" same_top10) of $nr |"
  echo "| SQLite | $nr without text | $s50 | $s99 | $(field "$sqlite_json" p999_us) | $(ratio "$s50" "$m50")× | $(ratio "$s99" "$m99")× | $(field "$sqlite_json" same_total) / $(field "$sqlite_json" same_top10) of $nr |"
  echo "| Meridian | $nt with text | $t50 | $t99 | $(field "$meridian_json" text_p999_us) | — | — | — |"
  echo "| PostGIS + pg_trgm | $nt with text | $pt50 | $pt99 | $(field "$pg_json" text_p999_us) | $(ratio "$pt50" "$t50")× | $(ratio "$pt99" "$t99")× | $(field "$pg_json" text_same_total) / $(field "$pg_json" text_same_top10) (other matching rules) |"
  echo "| SQLite + FTS5 | $nt with text | $st50 | $st99 | $(field "$sqlite_json" text_p999_us) | $(ratio "$st50" "$t50")× | $(ratio "$st99" "$t99")× | $(field "$sqlite_json" text_same_total) / $(field "$sqlite_json" text_same_top10) (other matching rules) |"
} >> "$OUT"
tail -n 12 "$OUT"
