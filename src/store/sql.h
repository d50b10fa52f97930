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

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  // Runs `fn` on one connection (waits for a free one).
  virtual Status WithConn(const std::function<Status(SqlConn&)>& fn) = 0;
  // Runs `fn` in a transaction: committed (durably, before this returns)
  // when `fn` returns OK, rolled back otherwise.
  Status Transaction(const std::function<Status(SqlConn&)>& fn);
};

// "sqlite:PATH": one connection, WAL, synchronous=FULL, a busy timeout.
Result<std::unique_ptr<SqlDb>> OpenSqlite(const std::string& path);
// A libpq connection string or URI (several hosts and
// target_session_attrs=read-write work); `pool` connections at most, made on
// first use (a malformed string is refused at once).
Result<std::unique_ptr<SqlDb>> OpenPostgres(const std::string& conninfo, int pool = 4);

}  // namespace meridian::store
