// Peer benchmark driver: PostgreSQL 15 + PostGIS 3 answering Meridian's query
// mix (bench/peers.sh sets up the server, schema, indexes and data).
//
//   pg_bench CONNINFO QUERIES.csv EXPECTED.csv [WARMUP]
//
// One prepared statement per query: radius match on geography (GiST,
// ST_DWithin on the sphere), a provider's nearest location, active-only and
// the optional modality filter, then the same answer Meridian gives — exact
// total, facets (modality, classification, entity, sex, state, distance
// bands) and the 10 nearest NPIs — in one round trip; text queries add a
// pg_trgm word-similarity filter per word (kText). Timed client-side over
// loopback. Prints one JSON line: p50/p99/p999 and agreement with Meridian,
// for the queries without text and (prefix text_) those with.
#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <tuple>
#include <vector>

#include "peer_util.h"

namespace {

using meridian::peers::ReadCsv;

// PostGIS measures on a sphere of radius 6371008.7714 m, Meridian on one of
// 3958.8 mi (6371.07 km): radii and band edges are scaled by the ratio so both
// decide "within" at the same angle.
//
// Radius queries: the locations within the radius (GiST), each provider at
// its nearest one.
const char* kRadius = R"SQL(
WITH q AS (SELECT ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography AS g),
m AS MATERIALIZED (
  SELECT l.row, min(ST_Distance(l.g, q.g, false)) AS d
  FROM loc l, q
  WHERE ST_DWithin(l.g, q.g, $3 * 6371008.7714 / 3958.8, false)
  GROUP BY l.row),)SQL";

// Text queries (1-3 words of a name): every word must be similar to a word of
// the provider's names (pg_trgm word similarity, GIN trigram index), within
// the radius. The planner chooses between the trigram and the GiST index.
const char* kText = R"SQL(
WITH q AS (SELECT ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography AS g),
t AS (SELECT row FROM prov
  WHERE names %> $5 AND ($6 = '' OR names %> $6) AND ($7 = '' OR names %> $7)),
m AS MATERIALIZED (
  SELECT l.row, min(ST_Distance(l.g, q.g, false)) AS d
  FROM loc l JOIN t ON t.row = l.row, q
  WHERE ST_DWithin(l.g, q.g, $3 * 6371008.7714 / 3958.8, false)
  GROUP BY l.row),)SQL";

// The answer over m, as Meridian gives it: total, the 10 nearest, facets.
const char* kAnswer = R"SQL(
f AS MATERIALIZED (
  SELECT p.npi, p.entity, p.sex, p.state, p.class, p.modmask, m.d
  FROM m JOIN prov p ON p.row = m.row
  WHERE p.entity <> 0 AND ($4 = 0 OR (p.modmask & $4) <> 0)
  AND m.d <= $3 * 6371008.7714 / 3958.8)
SELECT (SELECT count(*) FROM f),
  (SELECT string_agg(npi::text, ',') FROM (SELECT npi FROM f ORDER BY d, npi LIMIT 10) t),
  (SELECT concat_ws(',', count(*) FILTER (WHERE d <= 5 * 6371008.7714 / 3958.8), count(*) FILTER (WHERE d <= 10 * 6371008.7714 / 3958.8),
     count(*) FILTER (WHERE d <= 25 * 6371008.7714 / 3958.8), count(*) FILTER (WHERE d <= 50 * 6371008.7714 / 3958.8),
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
  const std::string radius_sql = std::string(kRadius) + kAnswer;
  const std::string text_sql = std::string(kText) + kAnswer;
  for (auto [name, sql, n] :
       {std::tuple{"search", radius_sql.c_str(), 4}, {"search_text", text_sql.c_str(), 7}}) {
    PGresult* prep = PQprepare(c, name, sql, n, nullptr);
    if (PQresultStatus(prep) != PGRES_COMMAND_OK) {
      std::fprintf(stderr, "prepare: %s", PQerrorMessage(c));
      return 1;
    }
    PQclear(prep);
  }
  auto queries = ReadCsv(argv[2]);
  auto expected = ReadCsv(argv[3]);
  const size_t warmup = argc > 4 ? std::stoul(argv[4]) : 50;
  meridian::peers::Tally tally, text_tally;
  for (size_t pass = 0; pass < 2; ++pass) {
    const size_t n = pass == 0 ? std::min(warmup, queries.size()) : queries.size();
    for (size_t i = 0; i < n; ++i) {
      const std::vector<std::string> words = meridian::peers::Words(queries[i], 3);
      const bool text = !words[0].empty();
      const char* params[7] = {queries[i][0].c_str(), queries[i][1].c_str(), queries[i][2].c_str(),
                               queries[i][3].c_str(), words[0].c_str(),      words[1].c_str(),
                               words[2].c_str()};
      auto a = std::chrono::steady_clock::now();
      PGresult* r = text ? PQexecPrepared(c, "search_text", 7, params, nullptr, nullptr, 0)
                         : PQexecPrepared(c, "search", 4, params, nullptr, nullptr, 0);
      auto b = std::chrono::steady_clock::now();
      if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        std::fprintf(stderr, "query %zu: %s", i, PQerrorMessage(c));
        return 1;
      }
      if (pass == 1) {
        (text ? text_tally : tally)
            .Add(std::chrono::duration<double, std::micro>(b - a).count(), PQgetvalue(r, 0, 0),
                 PQgetvalue(r, 0, 1), expected[i]);
      }
      PQclear(r);
    }
  }
  PQfinish(c);
  std::printf("{\"peer\":\"postgis\",%s,%s}\n", tally.Json("").c_str(),
              text_tally.Json("text_").c_str());
  return 0;
}
