// Peer benchmark driver: PostgreSQL 15 + PostGIS 3 answering Meridian's query
// mix (bench/peers.sh sets up the server, schema, indexes and data).
//
//   pg_bench CONNINFO QUERIES.csv EXPECTED.csv [WARMUP]
//
// One prepared statement per query: radius match on geography (GiST,
// ST_DWithin on the sphere), a provider's nearest location, active-only and
// the optional modality filter, then the same answer Meridian gives — exact
// total, facets (modality, classification, entity, sex, state, distance
// bands) and the 10 nearest NPIs — in one round trip. Timed client-side over
// loopback. Prints one JSON line: p50/p99/p999 and agreement with Meridian.
#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "peer_util.h"

namespace {

using meridian::peers::ReadCsv;

const char* kSql = R"SQL(
WITH q AS (SELECT ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography AS g),
m AS MATERIALIZED (
  SELECT l.row, min(ST_Distance(l.g, q.g, false)) AS d
  FROM loc l, q
  WHERE ST_DWithin(l.g, q.g, $3 * 1609.344, false)
  GROUP BY l.row),
f AS MATERIALIZED (
  SELECT p.npi, p.entity, p.sex, p.state, p.class, p.modmask, m.d
  FROM m JOIN prov p ON p.row = m.row
  WHERE p.entity <> 0 AND ($4 = 0 OR (p.modmask & $4) <> 0)
  AND m.d <= $3 * 1609.344)
SELECT (SELECT count(*) FROM f),
  (SELECT string_agg(npi::text, ',') FROM (SELECT npi FROM f ORDER BY d, npi LIMIT 10) t),
  (SELECT concat_ws(',', count(*) FILTER (WHERE d <= 8046.72), count(*) FILTER (WHERE d <= 16093.44),
     count(*) FILTER (WHERE d <= 40233.6), count(*) FILTER (WHERE d <= 80467.2),
     sum((modmask & 1 <> 0)::int), sum((modmask & 2 <> 0)::int), sum((modmask & 4 <> 0)::int),
     sum((modmask & 8 <> 0)::int), sum((modmask & 16 <> 0)::int), sum((modmask & 32 <> 0)::int),
     sum((modmask & 64 <> 0)::int)) FROM f),
  (SELECT string_agg(k || ':' || c, ',') FROM (
     SELECT 'c' || class AS k, count(*) AS c FROM f GROUP BY class
     UNION ALL SELECT 'e' || entity, count(*) FROM f GROUP BY entity
     UNION ALL SELECT 'x' || sex, count(*) FROM f GROUP BY sex
     UNION ALL SELECT 's' || state, count(*) FROM f GROUP BY state) g)
)SQL";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: pg_bench CONNINFO QUERIES.csv EXPECTED.csv [WARMUP]\n");
    return 2;
  }
  PGconn* c = PQconnectdb(argv[1]);
  if (PQstatus(c) != CONNECTION_OK) {
    std::fprintf(stderr, "connect: %s", PQerrorMessage(c));
    return 1;
  }
  PGresult* prep = PQprepare(c, "search", kSql, 4, nullptr);
  if (PQresultStatus(prep) != PGRES_COMMAND_OK) {
    std::fprintf(stderr, "prepare: %s", PQerrorMessage(c));
    return 1;
  }
  PQclear(prep);
  auto queries = ReadCsv(argv[2]);
  auto expected = ReadCsv(argv[3]);
  const size_t warmup = argc > 4 ? std::stoul(argv[4]) : 50;
  meridian::peers::Tally tally;
  for (size_t pass = 0; pass < 2; ++pass) {
    const size_t n = pass == 0 ? std::min(warmup, queries.size()) : queries.size();
    for (size_t i = 0; i < n; ++i) {
      const char* params[4] = {queries[i][0].c_str(), queries[i][1].c_str(), queries[i][2].c_str(),
                               queries[i][3].c_str()};
      auto a = std::chrono::steady_clock::now();
      PGresult* r = PQexecPrepared(c, "search", 4, params, nullptr, nullptr, 0);
      auto b = std::chrono::steady_clock::now();
      if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        std::fprintf(stderr, "query %zu: %s", i, PQerrorMessage(c));
        return 1;
      }
      if (pass == 1) {
        tally.Add(std::chrono::duration<double, std::micro>(b - a).count(), PQgetvalue(r, 0, 0),
                  PQgetvalue(r, 0, 1), expected[i]);
      }
      PQclear(r);
    }
  }
  PQfinish(c);
  std::printf(
      "{\"peer\":\"postgis\",\"queries\":%zu,\"p50_us\":%.0f,\"p99_us\":%.0f,\"p999_us\":%.0f,"
      "\"max_us\":%.0f,\"same_total\":%zu,\"same_top10\":%zu}\n",
      tally.us.size(), tally.Pct(0.5), tally.Pct(0.99), tally.Pct(0.999), tally.Pct(1),
      tally.same_total, tally.same_top);
  return 0;
}
