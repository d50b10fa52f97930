// Exhaustion (issue 19): a `meridian serve` process out of file
// descriptors, its store on a full disk (SQLite) or turned read-only
// (PostgreSQL), and a snapshot written to a full disk. Each gives a clear error, keeps
// answering what it can, and loses nothing already acknowledged.
//
// The disk tests mount small tmpfs file systems, which needs root (the CI
// machine runs as root); elsewhere they are skipped.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "testing/loopback.h"
#include "testing/pg_cluster.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::TempDir;

// A tmpfs of `bytes` mounted at `dir` for the test's life (root only).
class SmallDisk {
 public:
  SmallDisk(const std::string& dir, size_t bytes) : dir_(dir) {
    std::filesystem::create_directories(dir);
    const std::string opts = "size=" + std::to_string(bytes) + ",mode=0755";
    ok_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, opts.c_str()) == 0;
  }
  ~SmallDisk() {
    if (ok_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool ok() const { return ok_; }
  // Fills the disk with `name` until a write fails (ENOSPC).
  void Fill(const std::string& name) {
    const int fd = ::open((dir_ + "/" + name).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::string block(4096, 'x');
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    ::close(fd);
  }

 private:
  std::string dir_;
  bool ok_ = false;
};

// `meridian serve` in a child process, with an optional file-descriptor limit.
class ServeProcess {
 public:
  ServeProcess(const TempDir& dir, const std::vector<std::string>& args, rlim_t max_files = 0) {
    log_ =
        dir.File("serve-" + std::to_string(::getpid()) + "-" + std::to_string(++count_) + ".txt");
    pid_ = ::fork();
    if (pid_ == 0) {
      if (std::freopen(log_.c_str(), "w", stderr) == nullptr) ::_exit(126);
      if (max_files > 0) {
        rlimit r{max_files, max_files};
        ::setrlimit(RLIMIT_NOFILE, &r);
      }
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>("meridian"));
      argv.push_back(const_cast<char*>("serve"));
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(MERIDIAN_BINARY, argv.data());
      ::_exit(127);
    }
    for (int i = 0; i < 400 && port_ == 0; ++i) {
      const std::string text = testing::ReadAll(log_);
      const size_t at = text.find("http://127.0.0.1:");
      if (at != std::string::npos)
        port_ = static_cast<uint16_t>(std::stoi(text.substr(at + 17)));
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log() const { return testing::ReadAll(log_); }
  // CPU seconds the process has used (user + system).
  double CpuSeconds() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream rest(s.substr(s.rfind(')') + 2));
    std::string f;
    unsigned long long ut = 0, st = 0;
    for (int i = 3; i <= 15 && rest >> f; ++i) {
      if (i == 14) ut = std::stoull(f);
      if (i == 15) st = std::stoull(f);
    }
    return static_cast<double>(ut + st) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }

 private:
  static inline int count_ = 0;
  std::string log_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

void SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

// The first response's status line's code, read within the socket's timeout; 0 if none.
int ReadStatus(int fd) {
  std::string got;
  char buf[4096];
  while (got.find("\r\n") == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got.starts_with("HTTP/1.1 ") && got.size() >= 12 ? std::stoi(got.substr(9, 3)) : 0;
}

// One request on a new connection: the status and the whole response.
std::pair<int, std::string> Call(uint16_t port, const std::string& raw) {
  const int fd = testing::ConnectLoopback(port, 5);
  if (fd < 0) return {0, ""};
  SendAll(fd, raw);
  std::string got;
  char buf[65536];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    got.append(buf, static_cast<size_t>(n));
  ::close(fd);
  const int status =
      got.starts_with("HTTP/1.1 ") && got.size() >= 12 ? std::stoi(got.substr(9, 3)) : 0;
  return {status, got};
}

const char kHealth[] = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";

std::pair<int, std::string> PostReport(uint16_t port, const std::string& details) {
  const std::string body = "npi=1679576722&kind=other&details=" + details;
  return Call(port,
              "POST /report HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\n"
              "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
}

// Out of descriptors: connections past what the limit allows are answered
// 503 with Retry-After (never left hanging), the server does not spin on
// the connections it cannot take, and it serves again as soon as some close.
TEST(ServeExhaustion, OutOfFileDescriptorsAnswers503DoesNotSpinAndRecovers) {
  TempDir dir;
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("s.snap"));
  const std::string url = "sqlite:" + dir.File("s.sqlite");
  ASSERT_EQ(testing::RunMeridian("store migrate --store " + url, dir).code, 0);
  ServeProcess serve(
      dir, {"--snapshot", dir.File("s.snap"), "--listen", "127.0.0.1:0", "--store", url}, 64);
  ASSERT_GT(serve.port(), 0) << serve.log();
  std::vector<int> held;
  int ok = 0, busy = 0, silent = 0;
  for (int i = 0; i < 120; ++i) {
    const int fd = testing::ConnectLoopback(serve.port(), 3);
    ASSERT_GE(fd, 0);
    SendAll(fd, kHealth);
    const int status = ReadStatus(fd);
    if (status == 200)
      ++ok, held.push_back(fd);  // kept open: it holds a descriptor
    else {
      status == 503 ? ++busy : ++silent;
      ::close(fd);
    }
  }
  EXPECT_GT(ok, 10);
  EXPECT_GT(busy, 0) << "the limit was never reached";
  EXPECT_EQ(silent, 0) << "connections left without an answer";
  EXPECT_NE(serve.log().find("out of file descriptors"), std::string::npos) << serve.log();
  // Still full: more connections get 503 at once, and the server sleeps
  // between them rather than spinning on the accept it cannot make.
  const double cpu0 = serve.CpuSeconds();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Call(serve.port(), kHealth).first, 503);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_LT(serve.CpuSeconds() - cpu0, 0.3) << "busy-looping while out of descriptors";
  for (int fd : held) ::close(fd);
  // Recovers within a second of the connections closing.
  const auto t0 = std::chrono::steady_clock::now();
  int status = 0;
  while (status != 200 && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1))
    status =
        Call(serve.port(), "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").first;
  EXPECT_EQ(status, 200);
}

// The store on a full disk, then on a read-only one: a report that cannot be
// written is refused with a clear error (never acknowledged and lost),
// searches go on, and writes resume when there is room again. Every
// acknowledged report is in the store at the end.
TEST(ServeExhaustion, FullStoreRefusesWritesAndLosesNothing) {
  TempDir dir;
  SmallDisk disk(dir.File("small"), 4 << 20);
  if (!disk.ok()) GTEST_SKIP() << "mounting a tmpfs needs root";
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("s.snap"));
  const std::string url = "sqlite:" + dir.File("small/s.sqlite");
  auto m = testing::RunMeridian("store migrate --store " + url, dir);
  ASSERT_EQ(m.code, 0) << m.err;
  ServeProcess serve(dir, {"--snapshot", dir.File("s.snap"), "--listen", "127.0.0.1:0", "--store",
                           url, "--rate", "100000", "--burst", "100000"});
  ASSERT_GT(serve.port(), 0) << serve.log();
  std::set<std::string> acked;
  auto post = [&](const std::string& tag) {
    auto [status, body] = PostReport(serve.port(), tag + std::string(1500, 'z'));
    if (status == 200) acked.insert(tag);
    return std::pair<int, std::string>(status, body);
  };
  auto search = [&] {
    return Call(serve.port(),
                "GET /api/v1/search?state=TX HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .first;
  };
  for (int i = 0; i < 5; ++i) EXPECT_EQ(post("before-" + std::to_string(i)).first, 200);
  disk.Fill("filler");
  int refused = 0;
  std::string refusal;
  for (int i = 0; i < 200 && refused < 3; ++i) {
    auto [status, body] = post("full-" + std::to_string(i));
    if (status != 200) ++refused, refusal = body;
  }
  EXPECT_EQ(refused, 3) << "the full disk never refused a write";
  EXPECT_TRUE(refusal.starts_with("HTTP/1.1 503") || refusal.starts_with("HTTP/1.1 500"))
      << refusal.substr(0, 200);
  EXPECT_EQ(search(), 200);
  std::filesystem::remove(dir.File("small/filler"));
  EXPECT_EQ(post("after-full").first, 200);

  auto store = store::Store::Open(url);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto all = (*store)->ListReports({.limit = 10000});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::set<std::string> kept;
  for (const store::Report& r : *all) kept.insert(r.details.substr(0, r.details.find('z')));
  for (const std::string& tag : acked) EXPECT_TRUE(kept.count(tag)) << tag << " was acknowledged";
  std::printf("full store: %zu reports acknowledged, all kept; %d refused on the full disk\n",
              acked.size(), refused);
}

// The store turned read-only under a running server (PostgreSQL's
// default_transaction_read_only, as a database switched to read-only or a
// standby would be): reports are refused with a clear error, searches go
// on, and writes resume when it is writable again.
TEST(ServeExhaustion, ReadOnlyStoreRefusesWritesAndLosesNothing) {
  std::string why;
  testing::PgCluster* pg = testing::SharedPostgres(&why);
  if (pg == nullptr) GTEST_SKIP() << why;
  auto db = pg->NewDatabase();
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  const std::string url = *db;
  TempDir dir;
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("s.snap"));
  ASSERT_EQ(testing::RunMeridian("store migrate --store '" + url + "'", dir).code, 0);
  ServeProcess serve(dir, {"--snapshot", dir.File("s.snap"), "--listen", "127.0.0.1:0", "--store",
                           url, "--rate", "100000", "--burst", "100000"});
  ASSERT_GT(serve.port(), 0) << serve.log();
  auto sql = [&](const char* statement) {
    PGconn* c = PQconnectdb(url.c_str());
    PGresult* r = PQexec(c, statement);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    PQfinish(c);
    return ok;
  };
  std::set<std::string> acked;
  auto post = [&](const std::string& tag) {
    auto [status, body] = PostReport(serve.port(), tag);
    if (status == 200) acked.insert(tag);
    return std::pair<int, std::string>(status, body);
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(post("before-" + std::to_string(i)).first, 200);
  ASSERT_TRUE(sql("ALTER SYSTEM SET default_transaction_read_only = on"));
  ASSERT_TRUE(sql("SELECT pg_reload_conf()"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the backends reread it
  auto [status, body] = post("read-only");
  EXPECT_NE(status, 200) << body.substr(0, 300);
  EXPECT_TRUE(body.starts_with("HTTP/1.1 503") || body.starts_with("HTTP/1.1 500"))
      << body.substr(0, 300);
  EXPECT_EQ(Call(serve.port(),
                 "GET /api/v1/search?state=TX HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                .first,
            200);
  ASSERT_TRUE(sql("ALTER SYSTEM RESET default_transaction_read_only"));
  ASSERT_TRUE(sql("SELECT pg_reload_conf()"));
  int back = 0;
  for (int i = 0; i < 20 && back != 200; ++i) {
    back = post("after-" + std::to_string(i)).first;
    if (back != 200) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(back, 200);
  auto store = store::Store::Open(url);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto all = (*store)->ListReports({.limit = 1000});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::set<std::string> kept;
  for (const store::Report& r : *all) kept.insert(r.details);
  for (const std::string& tag : acked) EXPECT_TRUE(kept.count(tag)) << tag << " was acknowledged";
  EXPECT_FALSE(kept.count("read-only"));
}

// A snapshot written to a full disk: the ingest fails naming the cause, and
// the snapshot already there is untouched (the new one is written beside
// it and renamed only when whole).
TEST(ServeExhaustion, SnapshotOnAFullDiskLeavesThePreviousOne) {
  TempDir dir;
  SmallDisk disk(dir.File("small"), 1 << 20);
  if (!disk.ok()) GTEST_SKIP() << "mounting a tmpfs needs root";
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("small/s.snap"));
  const std::string before = testing::ReadAll(dir.File("small/s.snap"));
  auto run = testing::RunMeridian("synth --rows 20000 --seed 3 --out " + dir.File("big.csv"), dir);
  ASSERT_EQ(run.code, 0) << run.err;
  auto ingest = testing::RunMeridian(
      "ingest --nppes " + dir.File("big.csv") + " --out " + dir.File("small/s.snap"), dir);
  EXPECT_NE(ingest.code, 0);
  EXPECT_NE(ingest.err.find("No space left on device"), std::string::npos) << ingest.err;
  EXPECT_EQ(testing::ReadAll(dir.File("small/s.snap")), before);
  for (const auto& e : std::filesystem::directory_iterator(dir.File("small")))
    EXPECT_EQ(e.path().filename().string(), "s.snap") << "left behind: " << e.path();
}

}  // namespace
}  // namespace meridian
