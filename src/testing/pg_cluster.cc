#include "testing/pg_cluster.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace meridian::testing {

namespace {

constexpr const char* kBin = "/usr/lib/postgresql/15/bin/";

// A TCP port nobody listens on now (the server also gets a private socket dir).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

// Clusters left by a test process that died (a crash, kill -9): their
// owner.pid names a process that is gone. Stopped and removed, so nothing a
// test started outlives it for long.
void RemoveOrphans() {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/tmp", ec)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with("meridian-pg-")) continue;
    std::FILE* f = std::fopen((e.path() / "owner.pid").c_str(), "r");
    if (f == nullptr) continue;
    long pid = 0;
    const bool read = std::fscanf(f, "%ld", &pid) == 1;
    std::fclose(f);
    if (!read || pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    const std::string data = (e.path() / "data").string();
    const std::string stop = (geteuid() == 0 ? "runuser -u postgres -- " : "") + std::string(kBin) +
                             "pg_ctl -D " + data + " -m immediate stop >/dev/null 2>&1";
    (void)std::system(stop.c_str());
    std::filesystem::remove_all(e.path(), ec);
  }
}

}  // namespace

Status PgCluster::Run(const std::string& command) const {
  const std::string full = (owner_.empty() ? "" : "runuser -u " + owner_ + " -- ") + command +
                           " >>" + dir_ + "/commands.log 2>&1";
  if (std::system(full.c_str()) != 0)
    return Status::Unavailable("postgres test cluster: command failed: " + command + " (see " +
                               dir_ + "/commands.log)");
  return Status::OK();
}

Result<std::unique_ptr<PgCluster>> PgCluster::Start() {
  if (!std::filesystem::exists(std::string(kBin) + "initdb"))
    return Status::Unavailable("PostgreSQL 15 is not installed (scripts/install-deps)");
  RemoveOrphans();
  std::unique_ptr<PgCluster> c(new PgCluster());
  char tmpl[] = "/tmp/meridian-pg-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Status::IoError("mkdtemp failed");
  c->dir_ = tmpl;
  if (std::FILE* f = std::fopen((c->dir_ + "/owner.pid").c_str(), "w")) {
    std::fprintf(f, "%ld\n", static_cast<long>(getpid()));
    std::fclose(f);
  }
  if (geteuid() == 0) {
    c->owner_ = "postgres";
    if (std::system(("chown postgres: " + c->dir_).c_str()) != 0)
      return Status::Unavailable("cannot hand the test cluster to the postgres user");
  }
  c->port_ = FreePort();
  MERIDIAN_RETURN_IF_ERROR(c->Run(std::string(kBin) + "initdb -D " + c->dir_ +
                                  "/data -A trust -U postgres -E UTF8 --no-sync"));
  MERIDIAN_RETURN_IF_ERROR(c->Restart());
  return c;
}

Status PgCluster::Restart() {
  MERIDIAN_RETURN_IF_ERROR(Run(std::string(kBin) + "pg_ctl -D " + dir_ + "/data -l " + dir_ +
                               "/server.log -w -t 60 -o \"-p " + std::to_string(port_) + " -k " +
                               dir_ + " -c listen_addresses=''\" start"));
  running_ = true;
  return Status::OK();
}

Status PgCluster::Stop() {
  if (!running_) return Status::OK();
  running_ = false;
  return Run(std::string(kBin) + "pg_ctl -D " + dir_ + "/data -m immediate -w stop");
}

PgCluster::~PgCluster() {
  (void)Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string PgCluster::ConnInfo(const std::string& dbname) const {
  return "host=" + dir_ + " port=" + std::to_string(port_) + " user=postgres dbname=" + dbname +
         " connect_timeout=5";
}

Result<std::string> PgCluster::NewDatabase() {
  const std::string name = "t" + std::to_string(++databases_);
  MERIDIAN_RETURN_IF_ERROR(Run(std::string(kBin) + "createdb -h " + dir_ + " -p " +
                               std::to_string(port_) + " -U postgres " + name));
  return ConnInfo(name);
}

PgCluster* SharedPostgres(std::string* why) {
  static Result<std::unique_ptr<PgCluster>> shared = PgCluster::Start();
  if (!shared.ok()) {
    *why = shared.status().ToString();
    return nullptr;
  }
  return shared->get();
}

}  // namespace meridian::testing
