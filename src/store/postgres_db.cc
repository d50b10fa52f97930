// PostgreSQL backend of the SQL layer (sql.h), on libpq.
#include <libpq-fe.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "store/sql.h"

namespace meridian::store {

namespace {

// SQLSTATE classes that mean "not now" rather than "wrong": connection
// problems (08), a read-only or recovering server (25006, 57P0x), too many
// connections (53300), serialization failures (40001).
Status PgError(PGconn* pg, const PGresult* res, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string code = state ? state : "";
  std::string msg = std::string(what) + ": " + (res ? PQresultErrorMessage(res) : "");
  if (msg.size() <= what.size() + 2) msg += PQerrorMessage(pg);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  // No SQLSTATE: libpq itself failed (the server went away mid-call).
  if (PQstatus(pg) != CONNECTION_OK || code.empty() || code.starts_with("08") || code == "25006" ||
      code.starts_with("57P") || code == "53300" || code == "40001")
    return Status::Unavailable("store: " + msg);
  if (code == "23505") return Status::AlreadyExists("store: " + msg);
  return Status::IoError("store: " + msg);
}

// Connects with bounds a fleet needs, unless the connection string sets its
// own: a host that does not answer fails the connect in 3 s, and a link that
// goes down under an open connection fails its query in about 5 s (TCP user
// timeout and keepalives) instead of the kernel's minutes.
PGconn* Connect(const std::string& conninfo) {
  const char* keys[] = {"connect_timeout",
                        "tcp_user_timeout",
                        "keepalives_idle",
                        "keepalives_interval",
                        "keepalives_count",
                        "dbname",
                        nullptr};
  const char* values[] = {"3", "5000", "5", "2", "2", conninfo.c_str(), nullptr};
  return PQconnectdbParams(keys, values, /*expand_dbname=*/1);
}

class PgConn : public SqlConn {
 public:
  explicit PgConn(PGconn* pg) : pg_(pg) {}
  ~PgConn() override { PQfinish(pg_); }
  PGconn* pg() { return pg_; }

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlParam>& params) override {
    std::vector<const char*> values;
    for (const SqlParam& p : params) values.push_back(p ? p->c_str() : nullptr);
    const std::string text(sql);
    PGresult* res = PQexecParams(pg_, text.c_str(), static_cast<int>(values.size()), nullptr,
                                 values.data(), nullptr, nullptr, 0);
    const ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
      Status s = PgError(pg_, res, "query");
      PQclear(res);
      return s;
    }
    std::vector<SqlRow> rows;
    const int n = PQntuples(res), cols = PQnfields(res);
    for (int r = 0; r < n; ++r) {
      SqlRow row(static_cast<size_t>(cols));
      for (int c = 0; c < cols; ++c)
        if (!PQgetisnull(res, r, c))
          row[static_cast<size_t>(c)] =
              std::string(PQgetvalue(res, r, c), static_cast<size_t>(PQgetlength(res, r, c)));
      rows.push_back(std::move(row));
    }
    PQclear(res);
    return rows;
  }

  Status Script(std::string_view sql) override {
    const std::string text(sql);
    PGresult* res = PQexec(pg_, text.c_str());
    const ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    Status s =
        st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? Status::OK() : PgError(pg_, res, "exec");
    PQclear(res);
    return s;
  }

 private:
  PGconn* pg_;
};

class PgListener : public Listener {
 public:
  PgListener(std::string conninfo, std::string channel)
      : conninfo_(std::move(conninfo)), channel_(std::move(channel)) {}
  ~PgListener() override {
    if (pg_ != nullptr) PQfinish(pg_);
  }

  bool Wait(std::chrono::milliseconds timeout) override {
    if (pg_ == nullptr && std::chrono::steady_clock::now() < next_attempt_) {
      ::poll(nullptr, 0, static_cast<int>(timeout.count()));
      return false;
    }
    if (!Connected()) {
      next_attempt_ = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      // Down: wait out the timeout (the caller polls meanwhile).
      ::poll(nullptr, 0, static_cast<int>(timeout.count()));
      return false;
    }
    if (Drain()) return true;
    pollfd fd{PQsocket(pg_), POLLIN, 0};
    const int n = ::poll(&fd, 1, static_cast<int>(timeout.count()));
    if (n <= 0) return false;
    if (PQconsumeInput(pg_) == 0) {  // the connection broke
      PQfinish(pg_);
      pg_ = nullptr;
      return false;
    }
    return Drain();
  }

 private:
  bool Connected() {
    if (pg_ != nullptr && PQstatus(pg_) == CONNECTION_OK) return true;
    if (pg_ != nullptr) PQfinish(pg_);
    pg_ = Connect(conninfo_);
    if (PQstatus(pg_) != CONNECTION_OK) {
      PQfinish(pg_);
      pg_ = nullptr;
      return false;
    }
    char* quoted = PQescapeIdentifier(pg_, channel_.c_str(), channel_.size());
    const std::string sql = "LISTEN " + std::string(quoted ? quoted : "\"\"");
    PQfreemem(quoted);
    PGresult* res = PQexec(pg_, sql.c_str());
    const bool ok = res != nullptr && PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok) {
      PQfinish(pg_);
      pg_ = nullptr;
    }
    return ok;
  }

  // Takes every notification already read; true when there was one.
  bool Drain() {
    bool any = false;
    while (PGnotify* n = PQnotifies(pg_)) {
      any = true;
      PQfreemem(n);
    }
    return any;
  }

  const std::string conninfo_, channel_;
  PGconn* pg_ = nullptr;
  std::chrono::steady_clock::time_point next_attempt_{};  // reconnect no sooner
};

class AdvisoryLock : public FleetLock {
 public:
  explicit AdvisoryLock(PGconn* pg) : pg_(pg) {}
  ~AdvisoryLock() override { PQfinish(pg_); }  // the session's locks go with it

 private:
  PGconn* pg_;
};

class PostgresDb : public SqlDb {
 public:
  PostgresDb(std::string conninfo, int pool) : conninfo_(std::move(conninfo)), max_(pool) {}
  Dialect dialect() const override { return Dialect::kPostgres; }
  std::unique_ptr<Listener> Listen(const std::string& channel) override {
    return std::make_unique<PgListener>(conninfo_, channel);
  }

  Result<std::unique_ptr<FleetLock>> TryLock(const std::string& name) override {
    PGconn* pg = Connect(conninfo_);
    if (PQstatus(pg) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(pg);
      while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
      PQfinish(pg);
      return Status::Unavailable("store: cannot connect to PostgreSQL: " + msg);
    }
    const char* values[] = {name.c_str()};
    PGresult* res = PQexecParams(pg, "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", 1,
                                 nullptr, values, nullptr, nullptr, 0);
    if (res == nullptr || PQresultStatus(res) != PGRES_TUPLES_OK) {
      Status s = PgError(pg, res, "advisory lock");
      PQclear(res);
      PQfinish(pg);
      return s;
    }
    const bool held = std::string(PQgetvalue(res, 0, 0)) == "t";
    PQclear(res);
    if (!held) {
      PQfinish(pg);
      return std::unique_ptr<FleetLock>();
    }
    return std::unique_ptr<FleetLock>(new AdvisoryLock(pg));
  }

  Status WithConn(const std::function<Status(SqlConn&)>& fn) override {
    std::unique_ptr<PgConn> conn;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
      if (!idle_.empty()) {
        conn = std::move(idle_.back());
        idle_.pop_back();
      } else {
        ++open_;
      }
    }
    if (conn == nullptr || PQstatus(conn->pg()) != CONNECTION_OK) {
      // A new connection, or one the server dropped (a failover): libpq
      // picks the first host of the list that accepts writes. Within a
      // second of a failed connect, callers fail at once rather than each
      // waiting out its own connect.
      conn.reset();
      const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
      if (now < down_until_.load()) {
        Release(nullptr);
        return Status::Unavailable("store: PostgreSQL could not be reached a moment ago");
      }
      PGconn* pg = Connect(conninfo_);
      if (PQstatus(pg) != CONNECTION_OK) {
        std::string msg = PQerrorMessage(pg);
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
        PQfinish(pg);
        down_until_ = std::chrono::steady_clock::now().time_since_epoch().count() +
                      std::chrono::steady_clock::duration(std::chrono::seconds(1)).count();
        Release(nullptr);
        return Status::Unavailable("store: cannot connect to PostgreSQL: " + msg);
      }
      PQsetNoticeProcessor(
          pg, [](void*, const char*) {}, nullptr);  // "already exists, skipping"
      conn = std::make_unique<PgConn>(pg);
    }
    Status s = fn(*conn);
    if (s.code() == StatusCode::kUnavailable || PQstatus(conn->pg()) != CONNECTION_OK ||
        PQtransactionStatus(conn->pg()) != PQTRANS_IDLE)
      conn.reset();  // broken, or left mid-transaction: never reuse it
    Release(std::move(conn));
    return s;
  }

 private:
  void Release(std::unique_ptr<PgConn> conn) {
    std::lock_guard<std::mutex> lock(mu_);
    if (conn)
      idle_.push_back(std::move(conn));
    else
      --open_;
    cv_.notify_one();
  }

  const std::string conninfo_;
  const int max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConn>> idle_;
  int open_ = 0;                        // connections in use or idle
  std::atomic<int64_t> down_until_{0};  // steady clock ticks: fail fast until then
};

}  // namespace

Result<std::unique_ptr<SqlDb>> OpenPostgres(const std::string& conninfo, int pool) {
  // A malformed string is refused now; connections are made on first use,
  // so a server that is down now can be up by then (and a server starts
  // while its database is briefly away: writes answer 503 meanwhile).
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (opts == nullptr) {
    std::string msg = err ? err : "malformed";
    PQfreemem(err);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return Status::InvalidArgument("bad PostgreSQL connection string: " + msg).WithParam("store");
  }
  PQconninfoFree(opts);
  return std::unique_ptr<SqlDb>(std::make_unique<PostgresDb>(conninfo, pool < 1 ? 1 : pool));
}

}  // namespace meridian::store
