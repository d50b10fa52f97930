// End to end over a real socket: the server on 127.0.0.1, port 0, with a
// raw client, so malformed and hostile requests can be sent as bytes.
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <new>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <thread>

#include "fetch/download.h"
#include "fleet/publish.h"
#include "store/store.h"
#include "testing/loopback.h"
#include "testing/pg_cluster.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::TempDir;

int Connect(uint16_t port) { return testing::ConnectLoopback(port, 5); }

using testing::BodyOf;
using testing::ReadResponse;
using testing::ReadToClose;
using testing::SendAll;
using testing::StatusOf;

std::string Request(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "Connection: close\r\n\r\n";
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir_.File("s.snap"));
    ServiceOptions so;
    so.snapshot = dir_.File("s.snap");
    so.rate_per_second = 10000, so.rate_burst = 10000;
    so.error_log = nullptr;
    // A request with "X-Test-Throw" makes the handler throw (see ThrowsAnswer500).
    so.before_dispatch = [](const HttpRequest& req) {
      const std::string_view kind = req.Header("x-test-throw");
      if (kind == "runtime") throw std::runtime_error("boom");
      if (kind == "bad_alloc") throw std::bad_alloc();
      if (kind == "int") throw 42;
    };
    auto s = Service::Create(so);
    ASSERT_TRUE(s.ok());
    service_ = std::move(s).value();
    ServerOptions o;
    o.port = 0;
    o.read_timeout = std::chrono::milliseconds(400);
    o.idle_timeout = std::chrono::milliseconds(400);
    o.drain_timeout = std::chrono::milliseconds(200);
    o.max_connections = 64;
    server_ = std::make_unique<Server>(service_.get(), o);
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();
    thread_ = std::thread([this] { server_->Run(); });
  }
  void TearDown() override {
    server_->Stop();
    thread_.join();
  }
  std::string Exchange(const std::string& bytes) {
    int fd = Connect(port_);
    EXPECT_GE(fd, 0);
    SendAll(fd, bytes);
    std::string r = ReadToClose(fd);
    ::close(fd);
    return r;
  }
  // The server still answers a well-formed request.
  void ExpectAlive() {
    std::string r = Exchange(Request("/healthz"));
    EXPECT_EQ(StatusOf(r), 200) << r;
  }

  TempDir dir_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  std::thread thread_;
};

// Shutdown (SIGTERM) with a grace: /readyz turns 503 at once while searches
// keep answering 200 on new connections; after the grace the server stops
// and Run() returns. A second Shutdown during the grace stops at once.
TEST_F(ServerTest, ShutdownTurnsReadyzTo503ThenStopsAfterTheGrace) {
  for (bool twice : {false, true}) {
    ServerOptions o;
    o.port = 0;
    o.drain_timeout = std::chrono::milliseconds(200);
    o.stop_grace = std::chrono::milliseconds(twice ? 5000 : 600);
    auto svc = Service::Create([&] {
      ServiceOptions so;
      so.snapshot = dir_.File("s.snap");
      so.error_log = nullptr;
      return so;
    }());
    ASSERT_TRUE(svc.ok());
    Server server(svc->get(), o);
    ASSERT_TRUE(server.Start().ok());
    const uint16_t port = server.port();
    std::thread run([&] { server.Run(); });
    auto get = [&](const std::string& target) {
      int fd = Connect(port);
      if (fd < 0) return std::string();
      SendAll(fd, Request(target));
      std::string r = ReadToClose(fd);
      ::close(fd);
      return r;
    };
    EXPECT_EQ(StatusOf(get("/readyz")), 200);
    const auto t0 = std::chrono::steady_clock::now();
    server.Shutdown();
    int ready = 200;
    for (int i = 0; i < 100 && (ready = StatusOf(get("/readyz"))) == 200; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(ready, 503);
    EXPECT_EQ(StatusOf(get("/api/v1/search?state=TX&limit=1")), 200) << "serving during the grace";
    if (twice) server.Shutdown();
    run.join();
    const auto took = std::chrono::steady_clock::now() - t0;
    if (twice)
      EXPECT_LT(took, std::chrono::milliseconds(2000)) << "a second shutdown stops at once";
    else
      EXPECT_GE(took, std::chrono::milliseconds(600)) << "stopped before the grace ended";
    const int late = Connect(port);
    EXPECT_LT(late, 0) << "still accepting after the stop";
    if (late >= 0) ::close(late);
  }
}

// Rate limits behind a trusted proxy (here: this test, on 127.0.0.1): each
// forwarded client has its own bucket; a client cannot dodge its limit or
// spend another's by writing the header itself; and without the trust the
// header changes nothing.
TEST_F(ServerTest, RateLimitsFollowTheClientOnlyBehindATrustedProxy) {
  for (bool trust : {true, false}) {
    ServiceOptions so;
    so.snapshot = dir_.File("s.snap");
    so.error_log = nullptr;
    so.rate_per_second = 0.001, so.rate_burst = 2;
    auto svc = Service::Create(so);
    ASSERT_TRUE(svc.ok());
    ServerOptions o;
    o.port = 0;
    o.drain_timeout = std::chrono::milliseconds(100);
    if (trust) o.client_rules.trusted.push_back(*ParseCidr("127.0.0.1"));
    Server server(svc->get(), o);
    ASSERT_TRUE(server.Start().ok());
    std::thread run([&] { server.Run(); });
    auto search = [&](const std::string& xff) {
      int fd = Connect(server.port());
      SendAll(fd, Request("/api/v1/search?state=TX&limit=1", "X-Forwarded-For: " + xff + "\r\n"));
      std::string r = ReadToClose(fd);
      ::close(fd);
      return StatusOf(r);
    };
    EXPECT_EQ(search("203.0.113.1"), 200);
    EXPECT_EQ(search("203.0.113.1"), 200);
    EXPECT_EQ(search("203.0.113.1"), 429) << "trust=" << trust;
    // Another forwarded client: its own bucket only behind the trusted proxy.
    EXPECT_EQ(search("203.0.113.2"), trust ? 200 : 429);
    // Writing another address to the left changes nothing.
    EXPECT_EQ(search("198.51.100.50, 203.0.113.1"), 429);
    if (trust) {
      EXPECT_EQ(search("203.0.113.2"), 200);
      EXPECT_EQ(search("203.0.113.1, 203.0.113.2"), 429) << "counted as .2, whose bucket is spent";
    }
    server.Stop();
    run.join();
  }
}

// A handler that throws answers 500 on that request only: the process, the
// other connections and the next requests carry on (before the exception
// boundary, the throw escaped the event loop and ended the process).
TEST_F(ServerTest, AHandlerThatThrowsAnswers500AndStopsNothing) {
  int keep = Connect(port_);  // an idle keep-alive connection across the throws
  ASSERT_GE(keep, 0);
  for (const char* kind : {"runtime", "bad_alloc", "int"}) {
    std::string r =
        Exchange(Request("/api/v1/credentials", std::string("X-Test-Throw: ") + kind + "\r\n"));
    ASSERT_EQ(StatusOf(r), 500) << kind << ": " << r;
    auto j = nlohmann::json::parse(BodyOf(r));
    EXPECT_EQ(j["error"]["code"], "internal") << kind;
    r = Exchange(Request("/guide", std::string("X-Test-Throw: ") + kind + "\r\n"));
    ASSERT_EQ(StatusOf(r), 500) << kind;
    EXPECT_NE(r.find("text/html"), std::string::npos) << "pages answer with a page";
    ExpectAlive();
  }
  SendAll(keep, "GET /api/v1/search?state=TX&limit=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(StatusOf(ReadResponse(keep)), 200);
  ::close(keep);
  const std::string metrics = BodyOf(Exchange(Request("/metrics")));
  EXPECT_NE(metrics.find("meridian_handler_exceptions_total 6\n"), std::string::npos) << metrics;
}

TEST_F(ServerTest, AnswersSearchAndKeepsConnectionsAlive) {
  int fd = Connect(port_);
  ASSERT_GE(fd, 0);
  for (int i = 0; i < 3; ++i) {
    SendAll(fd, "GET /api/v1/search?state=TX&limit=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r = ReadResponse(fd);
    ASSERT_EQ(StatusOf(r), 200) << r;
    auto j = nlohmann::json::parse(BodyOf(r));
    EXPECT_GT(j["total"].get<int>(), 0);
  }
  ::close(fd);
}

TEST_F(ServerTest, GzipsLargeResponsesForClientsThatAsk) {
  std::string plain = Exchange(Request("/api/v1/taxonomies"));
  std::string zipped = Exchange(Request("/api/v1/taxonomies", "Accept-Encoding: gzip, br\r\n"));
  ASSERT_EQ(StatusOf(zipped), 200);
  EXPECT_NE(zipped.find("Content-Encoding: gzip"), std::string::npos);
  EXPECT_EQ(plain.find("Content-Encoding: gzip"), std::string::npos);
  const std::string z = BodyOf(zipped);
  EXPECT_LT(z.size(), BodyOf(plain).size() / 3);
  // Inflate and compare with the plain body.
  z_stream zs{};
  ASSERT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(BodyOf(plain).size() + 16, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(z.data()));
  zs.avail_in = static_cast<uInt>(z.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  EXPECT_EQ(out, BodyOf(plain));
}

TEST_F(ServerTest, MalformedRequestsGetErrorsAndTheServerStaysUp) {
  EXPECT_EQ(StatusOf(Exchange("GARBAGE\r\n\r\n")), 400);
  EXPECT_EQ(StatusOf(Exchange("GET /healthz HTTP/9.9\r\n\r\n")), 400);
  EXPECT_EQ(StatusOf(Exchange("\x01\x02\x03\xff\r\n\r\n")), 400);
  ExpectAlive();
  // Percent-encoding and UTF-8 errors are 400 from the API.
  EXPECT_EQ(StatusOf(Exchange(Request("/api/v1/search?q=%ZZ"))), 400);
  EXPECT_EQ(StatusOf(Exchange(Request("/api/v1/search?q=%C3%28"))), 400);
  EXPECT_EQ(StatusOf(Exchange(Request("/api/v1/search?q=\xC3\x28"))), 400);
  ExpectAlive();
}

TEST_F(ServerTest, SizeLimits) {
  // A URL over 8 KiB (inside the header limit): 414.
  EXPECT_EQ(StatusOf(Exchange(Request("/api/v1/search?q=" + std::string(9000, 'a')))), 414);
  // Headers over 16 KiB: 431.
  EXPECT_EQ(StatusOf(Exchange(Request("/healthz", "X-Big: " + std::string(20000, 'b') + "\r\n"))),
            431);
  // A body over 64 KiB: 413.
  const std::string body(70000, '{');
  EXPECT_EQ(StatusOf(Exchange("POST /api/v1/guide/answers HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body)),
            413);
  // A JSON body nested 32 000 deep (within the body limit): a clear 400.
  const std::string deep =
      "{\"answers\":{\"where\":" + std::string(32000, '[') + std::string(32000, ']') + "}}";
  const std::string deep_resp = Exchange(
      "POST /api/v1/guide/answers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(deep.size()) + "\r\nConnection: close\r\n\r\n" + deep);
  EXPECT_EQ(StatusOf(deep_resp), 400) << deep_resp.substr(0, 200);
  // 10 000 query parameters (40 KB): past the 16 KB header limit, but it is
  // the URL that is too long: 414, as for 2 500 (10 KB, within the header
  // limit, past the 8 KB URL limit). Refused, not a crash.
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "a=1&";
  EXPECT_EQ(StatusOf(Exchange(Request("/api/v1/search?" + many))), 414);
  EXPECT_EQ(StatusOf(Exchange(Request("/api/v1/search?" + many.substr(0, 10000)))), 414);
  // 100 parameters fit the URL but not the parameter limit: 400.
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "taxonomy=2251&";
  EXPECT_EQ(StatusOf(Exchange(Request("/api/v1/search?" + hundred))), 400);
  ExpectAlive();
}

TEST_F(ServerTest, SlowClientsAreDroppedAndAbruptDisconnectsAreHarmless) {
  // Slowloris: half a request line, then nothing. The server closes the
  // connection after the read timeout (400 ms here) without answering.
  int slow = Connect(port_);
  SendAll(slow, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: ");
  const auto t0 = std::chrono::steady_clock::now();
  bool closed = false;
  std::string r = ReadToClose(slow, &closed);
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ::close(slow);
  EXPECT_TRUE(r.empty()) << r;
  EXPECT_TRUE(closed) << "the server must close it, not our receive timeout";
  EXPECT_LT(waited, 3.0);
  // Trickling one header byte every 100 ms does not extend the 400 ms
  // deadline: the server closes while bytes are still coming (within 3 s,
  // well before the trickle of 50 bytes would end).
  int trickle = Connect(port_);
  SendAll(trickle, "GET /healthz HTTP/1.1\r\n");
  const auto t1 = std::chrono::steady_clock::now();
  bool cut = false;
  for (int i = 0; i < 50 && !cut; ++i) {
    if (::send(trickle, "X", 1, MSG_NOSIGNAL) != 1) cut = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    char c;
    const ssize_t n = ::recv(trickle, &c, 1, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) cut = true;
  }
  const double trickled =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  EXPECT_TRUE(cut) << "the server kept a trickling client for " << trickled << " s";
  EXPECT_LT(trickled, 3.0);
  ::close(trickle);
  // Abrupt disconnects mid-request and mid-body.
  for (int i = 0; i < 20; ++i) {
    int fd = Connect(port_);
    SendAll(fd, i % 2 ? "GET /api/v1/sea"
                      : "POST /api/v1/guide/answers HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"a");
    ::close(fd);
  }
  ExpectAlive();
}

TEST_F(ServerTest, ManyConnectionsAtOnceAreBoundedNotFatal) {
  std::vector<int> fds;
  for (int i = 0; i < 80; ++i) fds.push_back(Connect(port_));
  // Past max_connections (64) new connections are answered 503 and closed.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  int busy = 0;
  for (size_t i = 64; i < fds.size(); ++i) {
    std::string r = ReadToClose(fds[i]);
    busy += StatusOf(r) == 503;
  }
  EXPECT_GT(busy, 0);
  for (int fd : fds) ::close(fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // idle ones time out
  ExpectAlive();
}

// The real binary: SIGHUP swaps in a new snapshot; a bad one is refused;
// SIGTERM stops it cleanly.
TEST(ServeProcess, ReloadOnSighupAndStopOnSigterm) {
  TempDir dir;
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("s.snap"));
  const std::string log = dir.File("err.txt");
  // A store that was never migrated is refused, naming the command.
  auto refused =
      testing::RunMeridian("serve --snapshot " + dir.File("s.snap") +
                               " --listen 127.0.0.1:0 --store sqlite:" + dir.File("r.sqlite"),
                           dir);
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("meridian store migrate"), std::string::npos) << refused.err;
  ASSERT_EQ(testing::RunMeridian("store migrate --store sqlite:" + dir.File("r.sqlite"), dir).code,
            0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::freopen(log.c_str(), "w", stderr);
    ::execl(MERIDIAN_BINARY, "meridian", "serve", "--snapshot", dir.File("s.snap").c_str(),
            "--listen", "127.0.0.1:0", "--reports", dir.File("r.sqlite").c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  auto port_from_log = [&]() -> int {
    for (int i = 0; i < 100; ++i) {
      std::string text = testing::ReadAll(log);
      size_t at = text.find("http://127.0.0.1:");
      if (at != std::string::npos) return std::stoi(text.substr(at + 17));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return -1;
  };
  const int port = port_from_log();
  ASSERT_GT(port, 0) << testing::ReadAll(log);
  auto get = [&](const std::string& target) {
    int fd = Connect(static_cast<uint16_t>(port));
    SendAll(fd, Request(target));
    std::string r = ReadToClose(fd);
    ::close(fd);
    return r;
  };
  auto records = [&] {
    return nlohmann::json::parse(BodyOf(get("/readyz")))["records"].get<int>();
  };
  EXPECT_EQ(records(), 99);
  // Replace the snapshot with a smaller one (atomically, as ingest does) and reload.
  std::string csv = testing::ReadAll(testing::TestData("npidata_sample_99.csv"));
  std::string head = csv.substr(0, csv.find('\n') + 1);
  std::string rows = csv.substr(head.size());
  std::string ten;
  for (int i = 0, at = 0; i < 10; ++i) {
    size_t nl = rows.find('\n', at);
    ten += rows.substr(at, nl - at + 1);
    at = static_cast<int>(nl + 1);
  }
  testing::WriteAll(dir.File("ten.csv"), head + ten);
  testing::IngestOrDie(dir.File("ten.csv"), dir.File("s.snap"));
  ::kill(pid, SIGHUP);
  int n = 0;
  for (int i = 0; i < 100 && (n = records()) != 10; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(n, 10);
  // A corrupt file: refused, the 10-row snapshot keeps serving.
  std::string bytes = testing::ReadAll(dir.File("s.snap"));
  bytes[bytes.size() - 100] ^= 1;
  // Renamed over the served file, as snapshots are put in place (an
  // in-place rewrite would truncate pages the server has mapped).
  testing::WriteAll(dir.File("bad.snap"), bytes);
  std::filesystem::rename(dir.File("bad.snap"), dir.File("s.snap"));
  ::kill(pid, SIGHUP);
  for (int i = 0; i < 100 && testing::ReadAll(log).find("reload refused") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_NE(testing::ReadAll(log).find("reload refused"), std::string::npos);
  EXPECT_EQ(records(), 10);
  ::kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_NE(testing::ReadAll(log).find("meridian: stopped"), std::string::npos);
}

// The real binary with a store, on each backend.
class ServeWithStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir_.File("s.snap"));
    url_ = "sqlite:" + dir_.File("s.sqlite");
    if (GetParam() == "postgresql") {
      std::string why;
      pg_ = testing::SharedPostgres(&why);
      ASSERT_NE(pg_, nullptr) << why;
      auto db = pg_->NewDatabase();
      ASSERT_TRUE(db.ok());
      url_ = *db;
    }
    auto m = testing::RunMeridian("store migrate --store '" + url_ + "'", dir_);
    ASSERT_EQ(m.code, 0) << m.err;
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  // Starts `meridian serve` on the store; returns its port.
  int Start() {
    const std::string log = dir_.File("serve" + std::to_string(++starts_) + ".txt");
    pid_ = ::fork();
    if (pid_ == 0) {
      std::freopen(log.c_str(), "w", stderr);
      ::execl(MERIDIAN_BINARY, "meridian", "serve", "--snapshot", dir_.File("s.snap").c_str(),
              "--listen", "127.0.0.1:0", "--store", url_.c_str(), "--rate", "100000", "--burst",
              "100000", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 200; ++i) {
      std::string text = testing::ReadAll(log);
      size_t at = text.find("http://127.0.0.1:");
      if (at != std::string::npos) return std::stoi(text.substr(at + 17));
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ADD_FAILURE() << testing::ReadAll(log);
    return -1;
  }
  static std::string Call(int port, const std::string& raw) {
    int fd = Connect(static_cast<uint16_t>(port));
    SendAll(fd, raw);
    std::string r = ReadToClose(fd);
    ::close(fd);
    return r;
  }
  static std::string PostReport(int port, const std::string& details) {
    const std::string body = "npi=1679576722&kind=other&details=" + details;
    return Call(port,
                "POST /report HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  }

  TempDir dir_;
  std::string url_;
  testing::PgCluster* pg_ = nullptr;
  pid_t pid_ = -1;
  int starts_ = 0;
};

// Every report the server acknowledged is there after kill -9.
TEST_P(ServeWithStore, AcknowledgedReportsSurviveKill9) {
  const int port = Start();
  ASSERT_GT(port, 0);
  int acked = 0;
  for (int i = 0; i < 40; ++i)
    if (PostReport(port, "kill9-" + std::to_string(i)).starts_with("HTTP/1.1 200")) ++acked;
  EXPECT_EQ(acked, 40);
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  auto store = store::Store::Open(url_);
  ASSERT_TRUE(store.ok());
  auto all = (*store)->ListReports({.limit = 1000});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(static_cast<int>(all->size()), acked);
  std::set<std::string> seen;
  for (const store::Report& r : *all) seen.insert(r.details);
  for (int i = 0; i < acked; ++i) EXPECT_TRUE(seen.count("kill9-" + std::to_string(i))) << i;
  // And it starts again on the same store.
  const int again = Start();
  ASSERT_GT(again, 0);
  EXPECT_TRUE(PostReport(again, "after").starts_with("HTTP/1.1 200"));
}

// A store that goes away: the form answers 503 with Retry-After, search and
// pages keep working, and writes work again when it is back.
class ServeWithStoreDown : public ServeWithStore {};
TEST_P(ServeWithStoreDown, StoreDownAnswers503AndSearchKeepsWorking) {
  const int port = Start();
  ASSERT_GT(port, 0);
  ASSERT_TRUE(PostReport(port, "before").starts_with("HTTP/1.1 200"));
  ASSERT_TRUE(pg_->Stop().ok());
  const std::string down = PostReport(port, "during");
  const auto failed_at = std::chrono::steady_clock::now();
  EXPECT_TRUE(down.starts_with("HTTP/1.1 503")) << down.substr(0, 300);
  EXPECT_NE(down.find("Retry-After: 30"), std::string::npos);
  EXPECT_TRUE(Call(port, Request("/api/v1/search?near=53703&radius=500mi&limit=1"))
                  .starts_with("HTTP/1.1 200"));
  EXPECT_TRUE(Call(port, Request("/provider/1679576722")).starts_with("HTTP/1.1 200"));
  ASSERT_TRUE(pg_->Restart().ok());
  std::this_thread::sleep_until(failed_at + std::chrono::milliseconds(1100));  // fail-fast window
  EXPECT_TRUE(PostReport(port, "after").starts_with("HTTP/1.1 200"));
}

// A store that hangs (a host that takes the connection and never answers,
// like a link gone down): report forms wait on their own threads and then
// answer 503 with Retry-After, while searches keep answering at once on the
// server's two I/O threads.
std::string CallOnce(int port, const std::string& raw) {
  int fd = Connect(static_cast<uint16_t>(port));
  SendAll(fd, raw);
  std::string r = ReadToClose(fd);
  ::close(fd);
  return r;
}

// serve --publish-dir: published snapshots by name, whole or from a byte,
// to HEAD and GET; nothing else in the folder, no path out of it; and a
// follower's download through it (resumed after a cut) matches the file.
TEST(ServePublishDir, ServesPublishedSnapshotsWithRanges) {
  TempDir dir;
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("s.snap"));
  const std::string pub = dir.File("published");
  auto store = store::Store::Open("sqlite:" + dir.File("m.sqlite"));
  ASSERT_TRUE(store.ok() && (*store)->Migrate().ok());
  auto published = fleet::Publish(dir.File("s.snap"), pub, store->get(), "test");
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  const std::string name = published->manifest.snapshot_id;
  const std::string bytes = testing::ReadAll(pub + "/" + name);
  testing::WriteAll(pub + "/notes.txt", "not a snapshot");
  ServiceOptions so;
  so.snapshot = dir.File("s.snap");
  so.error_log = nullptr;
  auto service = Service::Create(so);
  ASSERT_TRUE(service.ok());
  ServerOptions o;
  o.port = 0;
  o.publish_dir = pub;
  Server server(service->get(), o);
  ASSERT_TRUE(server.Start().ok());
  std::thread run([&] { server.Run(); });
  const int port = server.port();
  auto get = [&](const std::string& path, const std::string& extra = "",
                 const std::string& method = "GET") {
    return CallOnce(port, method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + extra +
                              "Connection: close\r\n\r\n");
  };
  const std::string whole = get("/snapshots/" + name);
  EXPECT_TRUE(whole.starts_with("HTTP/1.1 200")) << whole.substr(0, 200);
  EXPECT_EQ(BodyOf(whole), bytes);
  EXPECT_NE(whole.find("Accept-Ranges: bytes"), std::string::npos);
  const std::string tail = get("/snapshots/" + name, "Range: bytes=1000-\r\n");
  EXPECT_TRUE(tail.starts_with("HTTP/1.1 206")) << tail.substr(0, 200);
  EXPECT_EQ(BodyOf(tail), bytes.substr(1000));
  EXPECT_NE(tail.find("Content-Range: bytes 1000-" + std::to_string(bytes.size() - 1) + "/" +
                      std::to_string(bytes.size())),
            std::string::npos);
  EXPECT_EQ(BodyOf(get("/snapshots/" + name, "Range: bytes=10-19\r\n")), bytes.substr(10, 10));
  EXPECT_TRUE(get("/snapshots/" + name, "Range: bytes=" + std::to_string(bytes.size()) + "-\r\n")
                  .starts_with("HTTP/1.1 416"));
  const std::string head = get("/snapshots/" + name, "", "HEAD");
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200"));
  EXPECT_NE(head.find("Content-Length: " + std::to_string(bytes.size())), std::string::npos);
  EXPECT_EQ(BodyOf(head), "");
  for (const char* bad : {"/snapshots/notes.txt", "/snapshots/..%2Fm.sqlite",
                          "/snapshots/../m.sqlite", "/snapshots/nppes-20260101-abc.snap"})
    EXPECT_TRUE(get(bad).starts_with("HTTP/1.1 404")) << bad;
  // A follower's download, cut after 5,000 bytes and resumed.
  const std::string local = dir.File("copy.snap");
  testing::WriteAll(local + ".part", bytes.substr(0, 5000));
  uint64_t fetched = 0;
  ASSERT_TRUE(DownloadFile("http://127.0.0.1:" + std::to_string(port) + "/snapshots/" + name, local,
                           DownloadOptions{}, &fetched)
                  .ok());
  EXPECT_EQ(testing::ReadAll(local), bytes);
  EXPECT_EQ(fetched, bytes.size() - 5000);
  server.Stop();
  run.join();
}

TEST(ServeHungStore, SearchesNeverWaitOnTheStore) {
  TempDir dir;
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("s.snap"));
  int hole = ::socket(AF_INET, SOCK_STREAM, 0);  // listens, never accepts, never answers
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(hole, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(hole, 128), 0);
  socklen_t len = sizeof a;
  ::getsockname(hole, reinterpret_cast<sockaddr*>(&a), &len);
  const std::string url =
      "postgresql://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/meridian?connect_timeout=2";
  ServiceOptions so;
  so.snapshot = dir.File("s.snap");
  so.store = url;
  so.rate_per_second = 100000, so.rate_burst = 100000;
  so.error_log = nullptr;
  auto service = Service::Create(so);
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  ServerOptions o;
  o.port = 0;
  o.threads = 2;
  Server server(service->get(), o);
  ASSERT_TRUE(server.Start().ok());
  std::thread run([&] { server.Run(); });
  const int port = server.port();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // past the start-up's fail-fast
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> writes(12);
  std::vector<std::thread> writers;
  for (size_t i = 0; i < writes.size(); ++i)
    writers.emplace_back([&, i] {
      const std::string body = "npi=1679576722&kind=other&details=hung" + std::to_string(i);
      writes[i] =
          CallOnce(port,
                   "POST /report HTTP/1.1\r\nHost: x\r\nSec-Fetch-Site: same-origin\r\n"
                   "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  int searched = 0;
  auto slowest = std::chrono::steady_clock::duration::zero();
  while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(1500)) {
    const auto s0 = std::chrono::steady_clock::now();
    const std::string r = CallOnce(port, Request("/api/v1/search?near=53703&radius=500mi&limit=1"));
    slowest = std::max(slowest, std::chrono::steady_clock::now() - s0);
    EXPECT_TRUE(r.starts_with("HTTP/1.1 200")) << r.substr(0, 200);
    ++searched;
  }
  for (std::thread& t : writers) t.join();
  const auto writes_took = std::chrono::steady_clock::now() - t0;
  server.Stop();
  run.join();
  ::close(hole);
  EXPECT_GE(writes_took, std::chrono::milliseconds(1500));  // the store did hang meanwhile
  EXPECT_GT(searched, 5);
  EXPECT_LT(slowest, std::chrono::milliseconds(500))
      << std::chrono::duration_cast<std::chrono::milliseconds>(slowest).count() << " ms";
  for (const std::string& w : writes) {
    EXPECT_TRUE(w.starts_with("HTTP/1.1 503")) << w.substr(0, 200);
    EXPECT_NE(w.find("Retry-After:"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ServeWithStore, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });
// Stopping the database server: PostgreSQL (SQLite is a file in the process).
INSTANTIATE_TEST_SUITE_P(Postgres, ServeWithStoreDown, ::testing::Values("postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian
