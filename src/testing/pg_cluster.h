// A throwaway PostgreSQL 15 cluster for tests: initdb in a temp dir, its own
// port and socket dir, started as the `postgres` user when the tests run as
// root (PostgreSQL refuses to run as root), stopped and removed when the
// test process ends. Nothing started by hand, nothing left behind.
#pragma once

#include <memory>
#include <string>

#include "util/status.h"

namespace meridian::testing {

class PgCluster {
 public:
  // Starts a cluster (a few seconds). Unavailable with the reason when
  // PostgreSQL 15 is not installed or will not start.
  static Result<std::unique_ptr<PgCluster>> Start();
  ~PgCluster();  // stops (immediate) and removes the directory

  // A new, empty database; returns its libpq connection string.
  Result<std::string> NewDatabase();
  // Connection string for an existing database.
  std::string ConnInfo(const std::string& dbname) const;
  // Stops or starts the server (fault injection); the data stays.
  Status Stop();
  Status Restart();
  int port() const { return port_; }

 private:
  PgCluster() = default;
  Status Run(const std::string& command) const;  // as the cluster's owner
  std::string dir_, owner_;
  int port_ = 0;
  int databases_ = 0;
  bool running_ = false;
};

// The process's shared cluster, started on first use (nullptr and a skip
// message when it cannot start; `why` says why).
PgCluster* SharedPostgres(std::string* why);

}  // namespace meridian::testing
