// `meridian publish` and `meridian serve --follow`, as an operator runs
// them: the server starts on the published snapshot, swaps in each new one
// within a few checks, keeps serving (and says it is behind) when a
// published file is damaged, and follows a rollback.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "fetch/download.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using nlohmann::json;
using testing::TempDir;

TEST(ServeFollow, SwapsInPublishedSnapshotsRefusesDamageAndFollowsARollback) {
  TempDir dir;
  std::vector<std::string> snaps;
  for (int k = 0; k < 3; ++k) {
    const std::string csv = dir.File("s" + std::to_string(k) + ".csv");
    auto run = testing::RunMeridian("synth --rows " + std::to_string(300 + 50 * k) + " --seed " +
                                        std::to_string(k + 7) + " --out " + csv,
                                    dir);
    ASSERT_EQ(run.code, 0) << run.err;
    snaps.push_back(dir.File("s" + std::to_string(k) + ".snap"));
    testing::IngestOrDie(csv, snaps.back(), dir.File("s" + std::to_string(k) + "_pl.csv"));
  }
  const std::string store = "sqlite:" + dir.File("m.sqlite");
  ASSERT_EQ(testing::RunMeridian("store migrate --store " + store, dir).code, 0);
  auto publish = [&](const std::string& args) {
    auto run = testing::RunMeridian("publish --store " + store + " --json " + args, dir);
    EXPECT_EQ(run.code, 0) << run.err;
    return run.code == 0 ? json::parse(run.out) : json::object();
  };
  const std::string published = dir.File("published");
  const json first = publish("--snapshot " + snaps[0] + " --to " + published);
  ASSERT_EQ(first["status"], "published");

  const std::string log = dir.File("serve.log");
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::freopen(log.c_str(), "w", stderr);
    ::execl(MERIDIAN_BINARY, "meridian", "serve", "--follow", "--follow-from", published.c_str(),
            "--follow-dir", dir.File("follow").c_str(), "--follow-interval", "0.1", "--store",
            store.c_str(), "--listen", "127.0.0.1:0", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int port = -1;
  for (int i = 0; i < 400 && port < 0; ++i) {
    const std::string text = testing::ReadAll(log);
    if (size_t at = text.find("http://127.0.0.1:"); at != std::string::npos)
      port = std::stoi(text.substr(at + 17));
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_GT(port, 0) << testing::ReadAll(log);
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto ready = [&] {
    auto r = FetchText(base + "/readyz");
    return r.ok() ? json::parse(*r) : json::object();
  };
  // Waits (at most 20 s) until /readyz says `pred`.
  auto wait_for = [&](auto pred) {
    for (int i = 0; i < 400; ++i) {
      if (pred(ready())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  json r = ready();
  EXPECT_EQ(r["snapshot"], first["active"]);
  EXPECT_EQ(r["follow"]["state"], "current");

  const json second = publish("--snapshot " + snaps[1] + " --to " + published);
  EXPECT_TRUE(wait_for([&](const json& j) { return j["snapshot"] == second["active"]; }))
      << ready().dump();
  EXPECT_EQ(ready()["records"], 350);

  // A damaged published file: with the server paused, publish the third
  // and flip a byte of the published copy; once resumed, the server fetches
  // it, refuses it, stays on the second and says it is behind.
  ASSERT_EQ(::kill(pid, SIGSTOP), 0);
  const json third = publish("--snapshot " + snaps[2] + " --to " + published);
  const std::string third_path = third["path"].get<std::string>();
  std::string bytes = testing::ReadAll(third_path);
  bytes[bytes.size() / 2] ^= 0x04;
  testing::WriteAll(third_path, bytes);
  ASSERT_EQ(::kill(pid, SIGCONT), 0);
  EXPECT_TRUE(wait_for([&](const json& j) {
    return j["follow"]["state"] == "behind" && j["follow"]["wanted"] == third["active"];
  })) << ready().dump();
  EXPECT_EQ(ready()["snapshot"], second["active"]);
  EXPECT_EQ(ready()["records"], 350);
  auto metrics = FetchText(base + "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->find("meridian_follow_behind 1"), std::string::npos);
  EXPECT_NE(metrics->find("meridian_follow_refused_total 1"), std::string::npos);
  EXPECT_NE(metrics->find("meridian_snapshot_info{version=\"" +
                          second["active"].get<std::string>() + "\"} 1"),
            std::string::npos);

  // Roll back past it: the second (served already, so current again), then the first.
  ASSERT_EQ(publish("--rollback")["active"], second["active"]);
  EXPECT_TRUE(wait_for([&](const json& j) { return j["follow"]["state"] == "current"; }))
      << ready().dump();
  ASSERT_EQ(publish("--rollback")["active"], first["active"]);
  EXPECT_TRUE(wait_for([&](const json& j) {
    return j["snapshot"] == first["active"] && j["follow"]["state"] == "current";
  })) << ready().dump();
  EXPECT_EQ(ready()["records"], 300);
  ::kill(pid, SIGTERM);
  int st;
  ::waitpid(pid, &st, 0);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << testing::ReadAll(log);
}

}  // namespace
}  // namespace meridian
