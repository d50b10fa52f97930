#include "http/report_store.h"

#include <sqlite3.h>

#include <ctime>

namespace meridian {

Result<std::unique_ptr<ReportStore>> ReportStore::Open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::IoError("reports " + path + ": " + msg);
  }
  char* err = nullptr;
  const char* kSchema =
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
      "CREATE TABLE IF NOT EXISTS reports(id INTEGER PRIMARY KEY, created_utc TEXT NOT NULL,"
      " npi TEXT NOT NULL, kind TEXT NOT NULL, details TEXT NOT NULL,"
      " status TEXT NOT NULL DEFAULT 'new');";
  if (sqlite3_exec(db, kSchema, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    sqlite3_close(db);
    return Status::IoError("reports " + path + ": " + msg);
  }
  return std::unique_ptr<ReportStore>(new ReportStore(db));
}

ReportStore::~ReportStore() { sqlite3_close(db_); }

Result<int64_t> ReportStore::Add(uint32_t npi, const std::string& kind,
                                 const std::string& details) {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_,
                         "INSERT INTO reports(created_utc, npi, kind, details) "
                         "VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?, ?, ?)",
                         -1, &st, nullptr) != SQLITE_OK)
    return Status::IoError(std::string("reports: ") + sqlite3_errmsg(db_));
  const std::string npi_text = std::to_string(npi);
  sqlite3_bind_text(st, 1, npi_text.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, kind.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, details.c_str(), -1, SQLITE_TRANSIENT);
  const int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return Status::IoError(std::string("reports: ") + sqlite3_errmsg(db_));
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
}

Result<int64_t> ReportStore::Count() {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT count(*) FROM reports", -1, &st, nullptr) != SQLITE_OK)
    return Status::IoError(std::string("reports: ") + sqlite3_errmsg(db_));
  int64_t n = -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

}  // namespace meridian
