// ReportStore: "report a problem with this listing" submissions, kept
// durably in an SQLite file for operators (no email, no client address).
//
// Thread safety: Add() and Count() may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "util/status.h"

struct sqlite3;

namespace meridian {

class ReportStore {
 public:
  // Creates the file and table if missing. Every Add() is committed with
  // synchronous=FULL before it returns.
  static Result<std::unique_ptr<ReportStore>> Open(const std::string& path);
  ~ReportStore();

  // The new report's number (its row id: a reference the reporter can quote).
  Result<int64_t> Add(uint32_t npi, const std::string& kind, const std::string& details);
  Result<int64_t> Count();

 private:
  explicit ReportStore(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::mutex mu_;
};

}  // namespace meridian
