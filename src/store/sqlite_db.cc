// SQLite backend of the SQL layer (sql.h).
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <mutex>

#include "store/sql.h"

namespace meridian::store {

Status SqlDb::Transaction(const std::function<Status(SqlConn&)>& fn) {
  return WithConn([&](SqlConn& c) -> Status {
    // SQLite: take the write lock up front, so two writers queue on the busy
    // timeout instead of failing when a reader upgrades.
    MERIDIAN_RETURN_IF_ERROR(c.Script(dialect() == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN"));
    Status s = fn(c);
    if (!s.ok()) {
      (void)c.Script("ROLLBACK");
      return s;
    }
    Status commit = c.Script("COMMIT");
    if (!commit.ok()) (void)c.Script("ROLLBACK");
    return commit;
  });
}

namespace {

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  const std::string msg = std::string(what) + ": " + sqlite3_errmsg(db);
  const int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_READONLY ||
      primary == SQLITE_CANTOPEN || primary == SQLITE_FULL || primary == SQLITE_IOERR)
    return Status::Unavailable("store: " + msg);
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    return Status::AlreadyExists("store: " + msg);
  return Status::IoError("store: " + msg);
}

class SqliteConn : public SqlConn {
 public:
  explicit SqliteConn(sqlite3* db) : db_(db) {}

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlParam>& params) override {
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
    for (size_t i = 0; i < params.size(); ++i) {
      const std::string name = "$" + std::to_string(i + 1);
      const int at = sqlite3_bind_parameter_index(st, name.c_str());
      if (at == 0) continue;  // a parameter the statement does not use
      rc = params[i] ? sqlite3_bind_text(st, at, params[i]->data(),
                                         static_cast<int>(params[i]->size()), SQLITE_TRANSIENT)
                     : sqlite3_bind_null(st, at);
      if (rc != SQLITE_OK) {
        sqlite3_finalize(st);
        return SqliteError(db_, rc, "bind");
      }
    }
    std::vector<SqlRow> rows;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const int n = sqlite3_column_count(st);
      SqlRow row(static_cast<size_t>(n));
      for (int c = 0; c < n; ++c) {
        if (sqlite3_column_type(st, c) == SQLITE_NULL) continue;
        const unsigned char* text = sqlite3_column_text(st, c);
        row[static_cast<size_t>(c)] = std::string(reinterpret_cast<const char*>(text),
                                                  static_cast<size_t>(sqlite3_column_bytes(st, c)));
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, "step");
    return rows;
  }

  Status Script(std::string_view sql) override {
    const std::string text(sql);
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "exec");
    return Status::OK();
  }

 private:
  sqlite3* db_;
};

class FileLock : public FleetLock {
 public:
  explicit FileLock(int fd) : fd_(fd) {}
  ~FileLock() override { ::close(fd_); }  // closing releases the flock

 private:
  int fd_;
};

class SqliteDb : public SqlDb {
 public:
  SqliteDb(sqlite3* db, std::string path) : db_(db), conn_(db), path_(std::move(path)) {}
  ~SqliteDb() override { sqlite3_close(db_); }
  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<std::unique_ptr<FleetLock>> TryLock(const std::string& name) override {
    std::string safe;
    for (char c : name) safe += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    const std::string file = path_ + "." + safe + ".lock";
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Status::IoError("store: cannot open " + file);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      if (errno == EWOULDBLOCK) return std::unique_ptr<FleetLock>();
      return Status::IoError("store: cannot lock " + file);
    }
    return std::unique_ptr<FleetLock>(new FileLock(fd));
  }

  Status WithConn(const std::function<Status(SqlConn&)>& fn) override {
    std::lock_guard<std::mutex> lock(mu_);
    return fn(conn_);
  }

 private:
  sqlite3* db_;
  SqliteConn conn_;
  const std::string path_;
  std::mutex mu_;  // one connection, one caller at a time
};

}  // namespace

Result<std::unique_ptr<SqlDb>> OpenSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = db ? SqliteError(db, rc, "open " + path)
                  : Status::Unavailable("store: open " + path + ": out of memory");
    sqlite3_close(db);
    return s;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  // WAL keeps readers off writers' backs; synchronous=FULL makes a COMMIT
  // durable before it returns (an acknowledged write survives power loss).
  char* err = nullptr;
  rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
                    nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) {
    Status s = SqliteError(db, rc, "open " + path);
    sqlite3_close(db);
    return s;
  }
  return std::unique_ptr<SqlDb>(new SqliteDb(db, path));
}

}  // namespace meridian::store
