// The shipped HAProxy configuration (deploy/haproxy.cfg), driven for real:
// Debian's haproxy in front of two `meridian serve` processes on loopback,
// under a steady load of searches. A rolling restart with SIGTERM fails no
// request even with HAProxy's retries off (each server's grace outlasts the
// health check's fall time, so it leaves the rotation before it stops); a
// kill -9 of one server fails fewer than 0.1 % (the shipped retries send
// GETs to the other server). The counts are printed for bench/results/cluster.md.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <regex>
#include <thread>

#include "testing/loopback.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::TempDir;

int Connect(uint16_t port) { return testing::ConnectLoopback(port, 10); }

// One GET with Connection: close; the status, or -1 on any failure.
int Get(uint16_t port, const std::string& target) {
  int fd = Connect(port);
  if (fd < 0) return -1;
  const std::string req =
      "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    ::close(fd);
    return -1;
  }
  std::string out;
  char buf[16384];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(out.substr(9, 3)) : -1;
}

uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool HaveHaproxy() { return ::access("/usr/sbin/haproxy", X_OK) == 0; }

class HaproxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(HaveHaproxy()) << "haproxy is not installed (scripts/install-deps installs it)";
    testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir_.File("s.snap"));
    store_ = "sqlite:" + dir_.File("m.sqlite");
    ASSERT_EQ(testing::RunMeridian("store migrate --store " + store_, dir_).code, 0);
  }
  void TearDown() override {
    for (pid_t& p : servers_) Stop(&p, SIGKILL);
    Stop(&haproxy_, SIGTERM);
  }
  static void Stop(pid_t* pid, int sig) {
    if (*pid <= 0) return;
    ::kill(*pid, sig);
    int st;
    ::waitpid(*pid, &st, 0);
    *pid = -1;
  }

  // Starts server k on ports_[k] and waits until it answers /readyz.
  void StartServer(size_t k) {
    const std::string port = "127.0.0.1:" + std::to_string(ports_[k]);
    const std::string log = dir_.File("serve" + std::to_string(k) + ".log");
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      std::freopen(log.c_str(), "a", stderr);
      ::execl(MERIDIAN_BINARY, "meridian", "serve", "--snapshot", dir_.File("s.snap").c_str(),
              "--store", store_.c_str(), "--listen", port.c_str(), "--stop-grace-ms", "2600",
              "--trusted-proxy", "127.0.0.1", "--rate", "100000", "--burst", "100000",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    servers_[k] = pid;
    for (int i = 0; i < 400 && Get(ports_[k], "/readyz") != 200; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(Get(ports_[k], "/readyz"), 200) << testing::ReadAll(log);
  }

  // The shipped configuration with this test's bind and server lines;
  // `retries` false turns HAProxy's retries off, so that only the servers'
  // stop grace can keep a restart from failing requests.
  void StartHaproxy(bool retries) {
    std::string cfg = testing::ReadAll(testing::SourceDir() + "/deploy/haproxy.cfg");
    hport_ = FreePort();
    cfg =
        std::regex_replace(cfg, std::regex("bind :80"), "bind 127.0.0.1:" + std::to_string(hport_));
    cfg = std::regex_replace(cfg, std::regex("    server m[0-9] [^\n]*\n"), "");
    // All of this test's load comes from one address: lift the per-client limit.
    cfg = std::regex_replace(cfg, std::regex("gt 400"), "gt 100000000");
    if (!retries) {
      cfg = std::regex_replace(cfg, std::regex("retries 2"), "retries 0");
      cfg = std::regex_replace(cfg, std::regex("retry-on [^\n]*"), "retry-on none");
      cfg = std::regex_replace(cfg, std::regex("option redispatch 1"), "");
    }
    for (size_t k = 0; k < ports_.size(); ++k)
      cfg +=
          "    server m" + std::to_string(k + 1) + " 127.0.0.1:" + std::to_string(ports_[k]) + "\n";
    testing::WriteAll(dir_.File("haproxy.cfg"), cfg);
    haproxy_ = ::fork();
    ASSERT_GE(haproxy_, 0);
    if (haproxy_ == 0) {
      std::freopen(dir_.File("haproxy.log").c_str(), "w", stdout);
      std::freopen(dir_.File("haproxy.err").c_str(), "w", stderr);
      ::execl("/usr/sbin/haproxy", "haproxy", "-db", "-f", dir_.File("haproxy.cfg").c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 400 && Get(hport_, "/readyz") != 200; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(Get(hport_, "/readyz"), 200) << testing::ReadAll(dir_.File("haproxy.err"));
    // Both servers up (rise 2 x inter 1s).
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  }

  // Sends searches through HAProxy from two threads until `stop`.
  struct Load {
    std::atomic<uint64_t> ok{0}, failed{0};
    std::atomic<int> first_failure{0};  // the first failed status (-1: no answer)
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
  };
  void StartLoad(Load* load) {
    for (int t = 0; t < 2; ++t)
      load->threads.emplace_back([this, load] {
        while (!load->stop) {
          const int status = Get(hport_, "/api/v1/search?state=TX&limit=1");
          (status == 200 ? load->ok : load->failed)++;
          int none = 0;
          if (status != 200) load->first_failure.compare_exchange_strong(none, status);
        }
      });
  }
  static void StopLoad(Load* load) {
    load->stop = true;
    for (std::thread& t : load->threads) t.join();
  }

  TempDir dir_;
  std::string store_;
  std::vector<uint16_t> ports_;
  std::vector<pid_t> servers_;
  pid_t haproxy_ = -1;
  uint16_t hport_ = 0;
};

TEST(DeployFiles, HaproxyConfigurationIsValid) {
  ASSERT_TRUE(HaveHaproxy()) << "haproxy is not installed (scripts/install-deps installs it)";
  const std::string cmd =
      "/usr/sbin/haproxy -c -f " + testing::SourceDir() + "/deploy/haproxy.cfg >/dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd;
}

TEST_F(HaproxyTest, RollingRestartFailsNothingAndKill9FailsAlmostNothing) {
  ports_ = {FreePort(), FreePort()};
  servers_.assign(2, -1);
  ASSERT_NO_FATAL_FAILURE(StartServer(0));
  ASSERT_NO_FATAL_FAILURE(StartServer(1));
  // The rolling restart without HAProxy's retries: the grace alone does it.
  ASSERT_NO_FATAL_FAILURE(StartHaproxy(false));
  Load rolling;
  StartLoad(&rolling);
  for (size_t k = 0; k < servers_.size(); ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    Stop(&servers_[k], SIGTERM);  // grace 2.6 s > fall 2 x inter 1 s, then drain
    ASSERT_NO_FATAL_FAILURE(StartServer(k));
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // rise 2 x inter 1 s
  }
  StopLoad(&rolling);
  std::printf("rolling restart of 2 servers through haproxy: %llu ok, %llu failed\n",
              static_cast<unsigned long long>(rolling.ok.load()),
              static_cast<unsigned long long>(rolling.failed.load()));
  EXPECT_EQ(rolling.failed.load(), 0u) << "first failed status " << rolling.first_failure;
  EXPECT_GT(rolling.ok.load(), 200u);

  // kill -9 with the shipped retries: GETs go to the other server.
  Stop(&haproxy_, SIGTERM);
  ASSERT_NO_FATAL_FAILURE(StartHaproxy(true));
  Load killed;
  StartLoad(&killed);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  Stop(&servers_[0], SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  ASSERT_NO_FATAL_FAILURE(StartServer(0));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  StopLoad(&killed);
  const double total = static_cast<double>(killed.ok + killed.failed);
  std::printf("kill -9 of 1 of 2 servers through haproxy: %llu ok, %llu failed (%.3f%%)\n",
              static_cast<unsigned long long>(killed.ok.load()),
              static_cast<unsigned long long>(killed.failed.load()),
              100.0 * static_cast<double>(killed.failed) / std::max(total, 1.0));
  EXPECT_LT(static_cast<double>(killed.failed), 0.001 * total)
      << "first failed status " << killed.first_failure;
  EXPECT_GT(killed.ok.load(), 200u);
}

}  // namespace
}  // namespace meridian
