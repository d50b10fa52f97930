// Publishing and following snapshots on both store backends: content-
// addressed names, activation and rollback in the manifest, a follower that
// fetches (from a directory, and over HTTP with a cut connection it
// resumes), checks size and SHA-256, swaps, keeps one previous file, and
// refuses a damaged file while it keeps serving what it had.
#include "fleet/follower.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "fleet/publish.h"
#include "snapshot/snapshot.h"
#include "testing/pg_cluster.h"
#include "testing/test_util.h"

namespace meridian::fleet {
namespace {

using testing::TempDir;

std::set<std::string> Files(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    out.insert(e.path().filename().string());
  return out;
}

class FleetTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    for (int k = 0; k < 3; ++k) {
      const std::string csv = dir_->File("s" + std::to_string(k) + ".csv");
      auto run = testing::RunMeridian("synth --rows " + std::to_string(500 + 100 * k) + " --seed " +
                                          std::to_string(k + 1) + " --out " + csv,
                                      *dir_);
      ASSERT_EQ(run.code, 0) << run.err;
      testing::IngestOrDie(csv, Snap(k), dir_->File("s" + std::to_string(k) + "_pl.csv"));
    }
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string Snap(int k) { return dir_->File("s" + std::to_string(k) + ".snap"); }

  void SetUp() override {
    std::string url = "sqlite:" + tmp_.File("store.sqlite");
    if (GetParam() == "postgres") {
      std::string why;
      testing::PgCluster* pg = testing::SharedPostgres(&why);
      ASSERT_NE(pg, nullptr) << "the PostgreSQL test cluster did not start: " << why;
      auto db = pg->NewDatabase();
      ASSERT_TRUE(db.ok()) << db.status().ToString();
      url = *db;
    }
    auto s = store::Store::Open(url);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    published_ = tmp_.File("published");
  }

  Result<Published> Pub(int k) { return Publish(Snap(k), published_, store_.get(), "test"); }

  // A follower from `from` into tmp_/follow, activating by opening the file
  // with every check (as the service does) and recording the path.
  std::unique_ptr<Follower> NewFollower(const std::string& from) {
    FollowOptions o;
    o.from = from;
    o.dir = tmp_.File("follow");
    auto f = std::make_unique<Follower>(store_.get(), o);
    f->set_activate([this](const std::string& path) -> Status {
      auto snap = Snapshot::Open(path);
      if (!snap.ok()) return snap.status();
      activated_.push_back(path);
      return Status::OK();
    });
    return f;
  }

  static TempDir* dir_;
  TempDir tmp_;
  std::unique_ptr<store::Store> store_;
  std::string published_;
  std::vector<std::string> activated_;
};
TempDir* FleetTest::dir_ = nullptr;

TEST_P(FleetTest, PublishNamesByContentActivatesAndRollsBack) {
  auto a = Pub(0);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->copied);
  const store::SnapshotManifest& m = a->manifest;
  EXPECT_TRUE(IsPublishedName(m.snapshot_id)) << m.snapshot_id;
  EXPECT_EQ(m.snapshot_id.substr(15, 12), m.sha256.substr(0, 12));
  EXPECT_EQ(*Sha256File(published_ + "/" + m.snapshot_id), m.sha256);
  EXPECT_EQ(testing::ReadAll(published_ + "/" + m.snapshot_id), testing::ReadAll(Snap(0)));
  EXPECT_EQ(store_->ActiveSnapshot()->snapshot_id, m.snapshot_id);
  // Again: nothing copied, still one row.
  auto again = Pub(0);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->copied);
  EXPECT_EQ(store_->ListSnapshots(10)->size(), 1u);
  auto b = Pub(1);
  ASSERT_TRUE(b.ok());
  EXPECT_NE(b->manifest.snapshot_id, m.snapshot_id);
  EXPECT_EQ(store_->ActiveSnapshot()->snapshot_id, b->manifest.snapshot_id);
  // Rollback: the one before; then none is left before it.
  auto back = store_->RollbackSnapshot("test");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->snapshot_id, m.snapshot_id);
  EXPECT_EQ(store_->ActiveSnapshot()->snapshot_id, m.snapshot_id);
  EXPECT_EQ(store_->RollbackSnapshot("test").status().code(), StatusCode::kFailedPrecondition);
  // Publishing b again makes it active again.
  ASSERT_TRUE(Pub(1).ok());
  EXPECT_EQ(store_->ActiveSnapshot()->snapshot_id, b->manifest.snapshot_id);
  // A rollback returns to what served before, never to a version rolled
  // back from: a, b, c; back to b (c is bad); d = a again; back to b, not c.
  auto c = Pub(2);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(store_->RollbackSnapshot("test")->snapshot_id, b->manifest.snapshot_id);
  ASSERT_TRUE(Pub(0).ok());
  EXPECT_EQ(store_->RollbackSnapshot("test")->snapshot_id, b->manifest.snapshot_id);
  EXPECT_EQ(store_->ActiveSnapshot()->snapshot_id, b->manifest.snapshot_id);
}

TEST_P(FleetTest, PublishRefusesADamagedSnapshot) {
  const std::string bad = tmp_.File("bad.snap");
  std::string bytes = testing::ReadAll(Snap(0));
  bytes[bytes.size() / 2] ^= 0x10;
  testing::WriteAll(bad, bytes);
  auto out = Publish(bad, published_, store_.get(), "test");
  EXPECT_FALSE(out.ok());
  EXPECT_EQ(store_->ActiveSnapshot().status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(published_) && !Files(published_).empty());
}

TEST_P(FleetTest, AFollowerFetchesChecksSwapsAndKeepsOnePrevious) {
  auto f = NewFollower(published_);
  EXPECT_EQ(f->PollOnce().code(), StatusCode::kNotFound);  // nothing published yet
  EXPECT_FALSE(f->state().last_error.empty());
  std::vector<std::string> names;
  for (int k = 0; k < 3; ++k) {
    auto p = Pub(k);
    ASSERT_TRUE(p.ok());
    names.push_back(p->manifest.snapshot_id);
    Status s = f->PollOnce();
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(f->state().serving, names.back());
    EXPECT_EQ(activated_.back(), tmp_.File("follow") + "/" + names.back());
    EXPECT_EQ(testing::ReadAll(activated_.back()), testing::ReadAll(Snap(k)));
  }
  EXPECT_TRUE(f->PollOnce().ok());  // up to date: no new activation
  EXPECT_EQ(activated_.size(), 3u);
  // The serving file and the one before it; the oldest is gone.
  EXPECT_EQ(Files(tmp_.File("follow")), (std::set<std::string>{names[1], names[2]}));
  // A rollback needs no download: the previous file is there.
  std::filesystem::remove(published_ + "/" + names[1]);
  ASSERT_TRUE(store_->RollbackSnapshot("test").ok());
  ASSERT_TRUE(f->PollOnce().ok()) << f->state().last_error;
  EXPECT_EQ(f->state().serving, names[1]);
  EXPECT_EQ(f->state().swaps, 4u);
}

// Two-phase activation: a staged version is fetched and checked but not
// served; once activated it swaps in with no fetch (the published file can
// be gone by then). A damaged staged file is refused before activation.
TEST_P(FleetTest, AStagedVersionIsFetchedAndServedOnlyOnceActivated) {
  auto f = NewFollower(published_);
  auto a = Pub(0);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(f->PollOnce().ok());
  auto b = Publish(Snap(1), published_, store_.get(), "test", /*stage=*/true);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  const std::string staged = b->manifest.snapshot_id;
  EXPECT_EQ(store_->ActiveSnapshot()->snapshot_id, a->manifest.snapshot_id);
  EXPECT_EQ(store_->StagedSnapshot()->snapshot_id, staged);
  ASSERT_TRUE(f->PollOnce().ok()) << f->state().last_error;
  EXPECT_EQ(f->state().serving, a->manifest.snapshot_id);
  EXPECT_EQ(f->state().staged, staged);
  EXPECT_EQ(activated_.size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(tmp_.File("follow") + "/" + staged));
  std::filesystem::remove(published_ + "/" + staged);  // no second fetch is needed
  auto on = store_->ActivateSnapshotNamed(staged, "test");
  ASSERT_TRUE(on.ok()) << on.status().ToString();
  EXPECT_EQ(store_->StagedSnapshot().status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(f->PollOnce().ok()) << f->state().last_error;
  EXPECT_EQ(f->state().serving, staged);
  EXPECT_EQ(f->state().staged, "");
  EXPECT_EQ(testing::ReadAll(activated_.back()), testing::ReadAll(Snap(1)));
  EXPECT_EQ(store_->ActivateSnapshotNamed("nppes-20260101-000000000000.snap", "t").status().code(),
            StatusCode::kNotFound);
  // A staged file damaged on the file server: refused while staging.
  auto c = Publish(Snap(2), published_, store_.get(), "test", /*stage=*/true);
  ASSERT_TRUE(c.ok());
  std::string bytes = testing::ReadAll(published_ + "/" + c->manifest.snapshot_id);
  bytes[bytes.size() / 2] ^= 0x01;
  testing::WriteAll(published_ + "/" + c->manifest.snapshot_id, bytes);
  EXPECT_EQ(f->PollOnce().code(), StatusCode::kCorruption);
  EXPECT_EQ(f->state().staged, "");
  EXPECT_EQ(f->state().serving, staged);
  EXPECT_FALSE(std::filesystem::exists(tmp_.File("follow") + "/" + c->manifest.snapshot_id));
}

TEST_P(FleetTest, AFollowerRefusesADamagedFileAndKeepsServing) {
  auto f = NewFollower(published_);
  ASSERT_TRUE(Pub(0).ok());
  ASSERT_TRUE(f->PollOnce().ok());
  const std::string serving = f->state().serving;
  auto b = Pub(1);
  ASSERT_TRUE(b.ok());
  // One flipped byte in the published copy (the manifest has the true sum).
  const std::string path = published_ + "/" + b->manifest.snapshot_id;
  std::string bytes = testing::ReadAll(path);
  bytes[bytes.size() / 3] ^= 0x01;
  testing::WriteAll(path, bytes);
  Status s = f->PollOnce();
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find("SHA-256"), std::string::npos) << s.message();
  EXPECT_EQ(f->state().serving, serving);
  EXPECT_EQ(f->state().refused, 1u);
  EXPECT_FALSE(std::filesystem::exists(tmp_.File("follow") + "/" + b->manifest.snapshot_id));
  EXPECT_EQ(activated_.size(), 1u);
  // Not fetched again while refused.
  EXPECT_FALSE(f->PollOnce().ok());
  EXPECT_EQ(f->state().refused, 1u);
  EXPECT_NE(f->state().last_error.find("refused"), std::string::npos);
  // A truncated file (right sum, wrong size) is refused the same way.
  ASSERT_TRUE(Pub(2).ok());
  const std::string c = store_->ActiveSnapshot()->snapshot_id;
  const std::string cpath = published_ + "/" + c;
  testing::WriteAll(cpath, testing::ReadAll(cpath).substr(0, 4096));
  EXPECT_EQ(f->PollOnce().code(), StatusCode::kCorruption);
  EXPECT_EQ(f->state().serving, serving);
  EXPECT_EQ(activated_.size(), 1u);
}

// Over HTTP: the first download of the new snapshot is cut short; the
// follower keeps serving the old one, then resumes the .part and swaps.
TEST_P(FleetTest, AFollowerResumesACutDownloadOverHttp) {
  ASSERT_TRUE(Pub(0).ok());
  const std::string port_file = tmp_.File("port");
  pid_t server = ::fork();
  ASSERT_GE(server, 0);
  if (server == 0) {
    const std::string script = testing::SourceDir() + "/tests/tools/range_server.py";
    ::execl("/usr/bin/python3", "python3", script.c_str(), published_.c_str(), port_file.c_str(),
            "5000", ".snap", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 200 && ::access(port_file.c_str(), F_OK) != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  const std::string port = testing::ReadAll(port_file);
  auto f = NewFollower("http://127.0.0.1:" + port + "/");
  Status first = f->PollOnce();  // the first .snap download is cut at 5,000 bytes
  EXPECT_FALSE(first.ok());
  EXPECT_TRUE(f->state().serving.empty());
  EXPECT_TRUE(activated_.empty()) << "a partial file was activated";
  Status second = f->PollOnce();
  EXPECT_TRUE(second.ok()) << second.ToString();
  EXPECT_EQ(testing::ReadAll(activated_.at(0)), testing::ReadAll(Snap(0)));
  auto b = Pub(1);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(f->PollOnce().ok()) << f->state().last_error;
  EXPECT_EQ(f->state().serving, b->manifest.snapshot_id);
  ::kill(server, SIGTERM);
  int st;
  ::waitpid(server, &st, 0);
}

// The follower's own thread catches up with publishes while other threads
// read its state (as /readyz does); Stop() ends it promptly.
TEST_P(FleetTest, AStartedFollowerCatchesUpWhileItsStateIsRead) {
  FollowOptions o;
  o.from = published_;
  o.dir = tmp_.File("follow");
  o.interval = std::chrono::milliseconds(10);
  Follower f(store_.get(), o);
  std::atomic<int> swaps{0};
  f.set_activate([&](const std::string& path) -> Status {
    auto snap = Snapshot::Open(path);
    if (!snap.ok()) return snap.status();
    ++swaps;
    return Status::OK();
  });
  f.Start();
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done) (void)f.state();
  });
  std::string last;
  for (int k = 0; k < 3; ++k) {
    auto p = Pub(k);
    ASSERT_TRUE(p.ok());
    last = p->manifest.snapshot_id;
    for (int i = 0; i < 1000 && f.state().serving != last; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(f.state().serving, last);
  }
  const auto t0 = std::chrono::steady_clock::now();
  f.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  done = true;
  reader.join();
  EXPECT_EQ(swaps.load(), 3);
  EXPECT_GT(f.state().checks, 3u);
}

// On PostgreSQL a publish wakes a follower at once (NOTIFY): with a poll
// interval of a minute, it still swaps within seconds. SQLite has no
// notifications: there the poll is all there is.
TEST_P(FleetTest, ANotifyWakesTheFollowerBeforeItsPoll) {
  if (GetParam() == "sqlite") {
    EXPECT_EQ(store_->ListenManifest(), nullptr);
    return;
  }
  ASSERT_TRUE(Pub(0).ok());
  FollowOptions o;
  o.from = published_;
  o.dir = tmp_.File("follow");
  o.interval = std::chrono::seconds(60);
  Follower f(store_.get(), o);
  f.set_activate([](const std::string& path) { return Snapshot::Open(path).status(); });
  f.Start();
  for (int i = 0; i < 400 && f.state().serving.empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_FALSE(f.state().serving.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // LISTEN is in place
  auto b = Pub(1);
  ASSERT_TRUE(b.ok());
  for (int i = 0; i < 500 && f.state().serving != b->manifest.snapshot_id; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(f.state().serving, b->manifest.snapshot_id) << "not woken by the notification";
  EXPECT_GE(f.state().notified, 1u);
  const auto t0 = std::chrono::steady_clock::now();
  f.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

// The fleet lock for once-a-week jobs: one holder at a time, per name;
// released when the holder lets go (or dies: its connection or file closes).
TEST_P(FleetTest, OneHolderOfAFleetLockAtATime) {
  std::unique_ptr<store::Store> second;
  if (GetParam() == "sqlite") {
    auto other = store::Store::Open("sqlite:" + tmp_.File("store.sqlite"));
    ASSERT_TRUE(other.ok());
    second = std::move(other).value();
  }
  store::Store* b = second ? second.get() : store_.get();  // PostgreSQL: each lock is a session
  auto first = store_->TryFleetLock("weekly-refresh");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_NE(*first, nullptr);
  auto again = b->TryFleetLock("weekly-refresh");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, nullptr) << "two holders";
  auto unrelated = b->TryFleetLock("digest");
  ASSERT_TRUE(unrelated.ok());
  EXPECT_NE(*unrelated, nullptr);
  first->reset();
  auto after = b->TryFleetLock("weekly-refresh");
  ASSERT_TRUE(after.ok());
  EXPECT_NE(*after, nullptr) << "not released";
}

INSTANTIATE_TEST_SUITE_P(Backends, FleetTest, ::testing::Values("sqlite", "postgres"));

TEST(PublishedName, OnlyContentAddressedNames) {
  EXPECT_EQ(PublishedName(1764633600, "0123456789abcdef"), "nppes-20251202-0123456789ab.snap");
  EXPECT_TRUE(IsPublishedName("nppes-20251202-0123456789ab.snap"));
  for (const char* bad : {"../nppes-20251202-0123456789ab.snap", "nppes-20251202-0123456789AB.snap",
                          "nppes-2025120x-0123456789ab.snap", "demo.snap", ""})
    EXPECT_FALSE(IsPublishedName(bad)) << bad;
}

}  // namespace
}  // namespace meridian::fleet
