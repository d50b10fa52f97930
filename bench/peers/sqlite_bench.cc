// Peer benchmark driver: SQLite (R*Tree + FTS5) answering Meridian's query mix,
// in-process like Meridian.
//
//   sqlite_bench DIR   (reads DIR/prov.csv, loc.csv, queries.csv, expected.csv
//                       from bench_search --export; builds DIR/peer.sqlite once)
//
// Set up as an expert would: providers keyed by INTEGER PRIMARY KEY, locations
// in an R*Tree (bounding box of the radius circle, computed as Meridian's grid
// does), the exact great-circle distance as an application-defined SQL
// function (the same HaversineMiles Meridian uses, so answers can agree
// exactly), ANALYZE, a warm page cache (mmap), prepared statements; names in
// an FTS5 index for the text queries. Prints one JSON line: p50/p99/p999 and
// agreement with Meridian's answers, without text and (prefix text_) with.
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "geo/distance.h"
#include "peer_util.h"

namespace {

using meridian::peers::ReadCsv;

void Hav(sqlite3_context* ctx, int, sqlite3_value** v) {
  sqlite3_result_double(
      ctx, meridian::HaversineMiles(sqlite3_value_double(v[0]), sqlite3_value_double(v[1]),
                                    sqlite3_value_double(v[2]), sqlite3_value_double(v[3])));
}

void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n  in: %.200s\n", err, sql);
    std::exit(1);
  }
}

sqlite3_stmt* Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
  return st;
}

void Load(sqlite3* db, const std::string& dir) {
  Exec(db,
       "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
       "CREATE TABLE prov(row INTEGER PRIMARY KEY, npi INTEGER, entity INTEGER, sex INTEGER,"
       " state INTEGER, class INTEGER, modmask INTEGER);"
       "CREATE TABLE loc(id INTEGER PRIMARY KEY, row INTEGER, lat REAL, lon REAL);"
       "CREATE VIRTUAL TABLE loc_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);"
       "CREATE VIRTUAL TABLE names_fts USING fts5(names, content='', detail=none,"
       " tokenize='unicode61', prefix='1 2 3');"
       "BEGIN;");
  sqlite3_stmt* p = Prepare(db, "INSERT INTO prov VALUES(?,?,?,?,?,?,?)");
  sqlite3_stmt* n = Prepare(db, "INSERT INTO names_fts(rowid, names) VALUES(?,?)");
  for (const auto& r : ReadCsv(dir + "/prov.csv")) {
    for (int k = 0; k < 7; ++k) sqlite3_bind_int64(p, k + 1, std::stoll(r[k]));
    sqlite3_step(p);
    sqlite3_reset(p);
    if (r.size() > 7 && !r[7].empty()) {
      sqlite3_bind_int64(n, 1, std::stoll(r[0]));
      sqlite3_bind_text(n, 2, r[7].c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_step(n);
      sqlite3_reset(n);
    }
  }
  sqlite3_finalize(p);
  sqlite3_finalize(n);
  sqlite3_stmt* l = Prepare(db, "INSERT INTO loc VALUES(?,?,?,?)");
  sqlite3_stmt* t = Prepare(db, "INSERT INTO loc_rtree VALUES(?,?,?,?,?)");
  int64_t id = 0;
  for (const auto& r : ReadCsv(dir + "/loc.csv")) {
    const double lat = std::stod(r[2]), lon = std::stod(r[3]);
    sqlite3_bind_int64(l, 1, ++id);
    sqlite3_bind_int64(l, 2, std::stoll(r[0]));
    sqlite3_bind_double(l, 3, lat);
    sqlite3_bind_double(l, 4, lon);
    sqlite3_step(l);
    sqlite3_reset(l);
    sqlite3_bind_int64(t, 1, id);
    sqlite3_bind_double(t, 2, lat), sqlite3_bind_double(t, 3, lat);
    sqlite3_bind_double(t, 4, lon), sqlite3_bind_double(t, 5, lon);
    sqlite3_step(t);
    sqlite3_reset(t);
  }
  sqlite3_finalize(l);
  sqlite3_finalize(t);
  Exec(db, "CREATE INDEX loc_row ON loc(row); COMMIT; ANALYZE;");
}

// m: the matching rows within the radius and their nearest distance.
const char* kRadius = R"SQL(
WITH m AS MATERIALIZED (
  SELECT l.row AS row, min(hav(?1, ?2, l.lat, l.lon)) AS d
  FROM loc_rtree t JOIN loc l ON l.id = t.id
  WHERE t.max_lat >= ?3 AND t.min_lat <= ?4 AND t.max_lon >= ?5 AND t.min_lon <= ?6
  GROUP BY l.row HAVING d <= ?7),)SQL";
// Text queries: the rows whose names match every word (FTS5; the last word
// as a prefix; no typo tolerance), then their locations in the box.
const char* kText = R"SQL(
WITH t AS MATERIALIZED (SELECT rowid AS row FROM names_fts WHERE names_fts MATCH ?9),
m AS MATERIALIZED (
  SELECT l.row AS row, min(hav(?1, ?2, l.lat, l.lon)) AS d
  FROM t JOIN loc l ON l.row = t.row
  WHERE l.lat >= ?3 AND l.lat <= ?4 AND l.lon >= ?5 AND l.lon <= ?6
  GROUP BY l.row HAVING d <= ?7),)SQL";
// The answer over m: total, the 10 nearest, facets.
const char* kAnswer = R"SQL(
f AS MATERIALIZED (
  SELECT p.npi, p.entity, p.sex, p.state, p.class, p.modmask, m.d
  FROM m JOIN prov p ON p.row = m.row
  WHERE p.entity <> 0 AND (?8 = 0 OR (p.modmask & ?8) <> 0))
SELECT (SELECT count(*) FROM f),
  (SELECT group_concat(npi) FROM (SELECT npi FROM f ORDER BY d, npi LIMIT 10)),
  (SELECT sum(d <= 5) || ',' || sum(d <= 10) || ',' || sum(d <= 25) || ',' || sum(d <= 50) || ',' ||
     sum(modmask & 1 <> 0) || ',' || sum(modmask & 2 <> 0) || ',' || sum(modmask & 4 <> 0) || ',' ||
     sum(modmask & 8 <> 0) || ',' || sum(modmask & 16 <> 0) || ',' || sum(modmask & 32 <> 0) ||
     ',' || sum(modmask & 64 <> 0) FROM f),
  (SELECT group_concat(k || ':' || c) FROM (
     SELECT 'c' || class AS k, count(*) AS c FROM f GROUP BY class
     UNION ALL SELECT 'e' || entity, count(*) FROM f GROUP BY entity
     UNION ALL SELECT 'x' || sex, count(*) FROM f GROUP BY sex
     UNION ALL SELECT 's' || state, count(*) FROM f GROUP BY state))
)SQL";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sqlite_bench DIR\n");
    return 2;
  }
  const std::string dir = argv[1], path = dir + "/peer.sqlite";
  struct stat st;
  const bool fresh = ::stat(path.c_str(), &st) != 0;
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return 1;
  sqlite3_create_function(db, "hav", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, Hav, nullptr,
                          nullptr);
  auto t0 = std::chrono::steady_clock::now();
  if (fresh) Load(db, dir);
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Exec(db, "PRAGMA mmap_size=8000000000; PRAGMA cache_size=-4000000; PRAGMA temp_store=MEMORY;");
  sqlite3_stmt* radius_q = Prepare(db, (std::string(kRadius) + kAnswer).c_str());
  sqlite3_stmt* text_q = Prepare(db, (std::string(kText) + kAnswer).c_str());
  auto queries = ReadCsv(dir + "/queries.csv");
  auto expected = ReadCsv(dir + "/expected.csv");
  meridian::peers::Tally tally, text_tally;
  for (size_t pass = 0; pass < 2; ++pass) {
    const size_t n = pass == 0 ? std::min<size_t>(50, queries.size()) : queries.size();
    for (size_t i = 0; i < n; ++i) {
      const double lat = std::stod(queries[i][0]), lon = std::stod(queries[i][1]);
      const double r = std::stod(queries[i][2]);
      const int mod = std::stoi(queries[i][3]);
      // The circle's bounding box, as Meridian's grid computes its cell band.
      const double dlat = r / (meridian::kEarthRadiusMiles * M_PI / 180.0);
      const double max_abs = std::max(std::fabs(lat - dlat), std::fabs(lat + dlat));
      double dlon = 180;
      if (max_abs < 89) {
        double s = std::sin(r / meridian::kEarthRadiusMiles) / std::cos(max_abs * M_PI / 180);
        if (s < 1) dlon = std::asin(s) * 180 / M_PI;
      }
      // FTS5 query: each word quoted, the last one a prefix.
      std::string match;
      for (const std::string& w : meridian::peers::Words(queries[i], 8))
        if (!w.empty()) match += (match.empty() ? "\"" : " \"") + w + "\"";
      if (!match.empty()) match += "*";
      sqlite3_stmt* q = match.empty() ? radius_q : text_q;
      auto a = std::chrono::steady_clock::now();
      if (!match.empty()) sqlite3_bind_text(q, 9, match.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_double(q, 1, lat), sqlite3_bind_double(q, 2, lon);
      sqlite3_bind_double(q, 3, lat - dlat - 1e-6), sqlite3_bind_double(q, 4, lat + dlat + 1e-6);
      sqlite3_bind_double(q, 5, lon - dlon - 1e-6), sqlite3_bind_double(q, 6, lon + dlon + 1e-6);
      sqlite3_bind_double(q, 7, r);
      sqlite3_bind_int(q, 8, mod);
      if (sqlite3_step(q) != SQLITE_ROW) {
        std::fprintf(stderr, "query %zu: %s\n", i, sqlite3_errmsg(db));
        return 1;
      }
      const std::string total = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
      const unsigned char* top_text = sqlite3_column_text(q, 1);
      const std::string top = top_text ? reinterpret_cast<const char*>(top_text) : "";
      for (int c = 2; c < 4; ++c) (void)sqlite3_column_text(q, c);
      sqlite3_reset(q);
      auto b = std::chrono::steady_clock::now();
      if (pass == 1)
        (match.empty() ? tally : text_tally)
            .Add(std::chrono::duration<double, std::micro>(b - a).count(), total, top, expected[i]);
    }
  }
  sqlite3_finalize(radius_q);
  sqlite3_finalize(text_q);
  sqlite3_close(db);
  std::printf("{\"peer\":\"sqlite\",\"sqlite_version\":\"%s\",%s,%s,\"load_s\":%.1f}\n",
              sqlite3_libversion(), tally.Json("").c_str(), text_tally.Json("text_").c_str(),
              load_s);
  return 0;
}
