// The SQL layer under Store: one connection abstraction and two backends
// (SQLite, PostgreSQL through libpq). Private to src/store/: nothing
// outside this folder writes SQL.
//
// Statements use PostgreSQL placeholders ($1, $2, ...) on both backends
// (SQLite binds "$1" as a named parameter). Every parameter travels as text
// or NULL; columns come back as text or NULL. Only parameterised statements
// carry values: no caller text is ever spliced into SQL.
//
// Thread safety: SqlDb is safe from any thread; a SqlConn belongs to the
// call that was handed it.
#pragma once

#include <charconv>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"
#include "util/status.h"

namespace meridian::store {

using SqlParam = std::optional<std::string>;
using SqlRow = std::vector<std::optional<std::string>>;

enum class Dialect { kSqlite, kPostgres };

class SqlConn {
 public:
  virtual ~SqlConn() = default;
  // Runs one statement; the rows it returns (none for most writes).
  // Errors: Unavailable when the database cannot be reached or is read-only
  // (the caller may retry), AlreadyExists on a unique-key conflict,
  // IoError otherwise.
  virtual Result<std::vector<SqlRow>> Query(std::string_view sql,
                                            const std::vector<SqlParam>& params = {}) = 0;
  // Runs a script of statements without parameters (migrations).
  virtual Status Script(std::string_view sql) = 0;
};

class SqlDb {
 public:
  virtual ~SqlDb() = default;
  virtual Dialect dialect() const = 0;
  // A listener on `channel` (an identifier); nullptr where the backend has
  // no notifications (SQLite: callers poll).
  virtual std::unique_ptr<Listener> Listen(const std::string& channel) {
    (void)channel;
    return nullptr;
  }
  // Store::TryFleetLock(): the lock, or nullptr when another holds it.
  virtual Result<std::unique_ptr<FleetLock>> TryLock(const std::string& name) = 0;
  // Runs `fn` on one connection (waits for a free one).
  virtual Status WithConn(const std::function<Status(SqlConn&)>& fn) = 0;
  // Runs `fn` in a transaction: committed (durably, before this returns)
  // when `fn` returns OK, rolled back otherwise.
  Status Transaction(const std::function<Status(SqlConn&)>& fn);
};

// Reading a row: column k as text ("" for NULL) or as an integer (0 when
// NULL or not a number); N() writes an integer parameter.
inline std::string S(const SqlRow& row, size_t k) {
  return k < row.size() && row[k] ? *row[k] : "";
}
inline int64_t I(const SqlRow& row, size_t k) {
  const std::string s = S(row, k);
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}
inline std::string N(int64_t v) { return std::to_string(v); }
inline int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

// Runs one read and maps every row with `of`.
template <typename T>
Result<std::vector<T>> Select(SqlDb* db, const std::string& sql,
                              const std::vector<SqlParam>& params, T (*of)(const SqlRow&)) {
  std::vector<T> out;
  Status s = db->WithConn([&](SqlConn& c) -> Status {
    auto rows = c.Query(sql, params);
    if (!rows.ok()) return rows.status();
    for (const SqlRow& r : *rows) out.push_back(of(r));
    return Status::OK();
  });
  if (!s.ok()) return s;
  return out;
}

// The same for one row: `missing` when there is none.
template <typename T>
Result<T> SelectOne(SqlDb* db, const std::string& sql, const std::vector<SqlParam>& params,
                    T (*of)(const SqlRow&), Status missing) {
  auto all = Select<T>(db, sql, params, of);
  if (!all.ok()) return all.status();
  if (all->empty()) return missing;
  return std::move(all->front());
}

// "sqlite:PATH": one connection, WAL, synchronous=FULL, a busy timeout.
Result<std::unique_ptr<SqlDb>> OpenSqlite(const std::string& path);
// A libpq connection string or URI (several hosts and
// target_session_attrs=read-write work); `pool` connections at most, made on
// first use (a malformed string is refused at once).
Result<std::unique_ptr<SqlDb>> OpenPostgres(const std::string& conninfo, int pool = 4);

}  // namespace meridian::store
