// Concurrency, tested: requests from several threads while Reload() swaps
// the snapshot underneath them, and the executor's per-thread scratch shared
// by queries on many threads. Every answer is checked against an oracle
// computed on one thread beforehand. `make test-tsan` runs these under
// ThreadSanitizer.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "http/service.h"
#include "query/executor.h"
#include "testing/http_test_util.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using nlohmann::json;
using testing::TempDir;

// A few kinds of request that take different paths (text, name order, radius,
// facets, records, pages).
const std::vector<std::string>& Targets() {
  static const std::vector<std::string> kTargets = {
      "/api/v1/search?state=TX&limit=5",
      "/api/v1/search?near=10001&radius=50mi&limit=10",
      "/api/v1/search?q=smith&limit=5",
      "/api/v1/search?sort=name&limit=20",
      "/api/v1/search?modality=any&near=53703&radius=200mi",
      "/search?where=10001&care=any",
      "/api/v1/places?q=ma",
  };
  return kTargets;
}

// What a request answers over one snapshot: status and body.
using Answers = std::vector<std::pair<int, std::string>>;

Answers AnswersOver(const std::string& snapshot) {
  ServiceOptions o;
  o.snapshot = snapshot;
  o.rate_per_second = 1e9, o.rate_burst = 1e9;
  auto s = Service::Create(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  Answers out;
  for (const std::string& t : Targets()) {
    HttpResponse r = (*s)->Handle(testing::MakeRequest("GET", t));
    out.emplace_back(r.status, r.body);
  }
  return out;
}

// Search results name their snapshot only through the data; pages carry a
// build stamp. Compare what does not depend on the moment: the status and,
// for JSON, everything but the timing.
std::string Stable(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return body;  // a page
  if (j.is_object()) j.erase("took_us");
  return j.dump();
}

TEST(Concurrency, RequestsDuringReloadsSeeOneWholeSnapshot) {
  TempDir dir;
  auto run = testing::RunMeridian("synth --rows 3000 --seed 5 --out " + dir.File("b.csv"), dir);
  ASSERT_EQ(run.code, 0) << run.err;
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("a.snap"));
  testing::IngestOrDie(dir.File("b.csv"), dir.File("b.snap"), dir.File("b_pl.csv"));
  const Answers a = AnswersOver(dir.File("a.snap")), b = AnswersOver(dir.File("b.snap"));

  std::filesystem::copy_file(dir.File("a.snap"), dir.File("live.snap"));
  ServiceOptions o;
  o.snapshot = dir.File("live.snap");
  o.rate_per_second = 1e9, o.rate_burst = 1e9;
  auto service = Service::Create(o);
  ASSERT_TRUE(service.ok());
  Service& s = **service;

  std::atomic<bool> done{false};
  std::atomic<int> reloads{0};
  std::thread reloader([&] {
    for (int i = 0; i < testing::Iterations(12); ++i) {
      const std::string from = dir.File(i % 2 == 0 ? "b.snap" : "a.snap");
      std::filesystem::copy_file(from, dir.File("next.snap"),
                                 std::filesystem::copy_options::overwrite_existing);
      std::filesystem::rename(dir.File("next.snap"), dir.File("live.snap"));
      Status st = s.Reload();
      EXPECT_TRUE(st.ok()) << st.ToString();
      ++reloads;
    }
    done = true;
  });
  std::vector<std::thread> clients;
  std::atomic<int> answered{0}, wrong{0}, only_a{0}, only_b{0};
  for (int t = 0; t < 4; ++t)
    clients.emplace_back([&, t] {
      std::mt19937 rng(t);
      while (!done) {
        const size_t k = rng() % Targets().size();
        HttpResponse r = s.Handle(testing::MakeRequest("GET", Targets()[k]));
        const std::string got = Stable(r.body);
        const bool from_a = r.status == a[k].first && got == Stable(a[k].second);
        const bool from_b = r.status == b[k].first && got == Stable(b[k].second);
        if (!from_a && !from_b) ++wrong;
        if (from_a != from_b) ++(from_a ? only_a : only_b);
        ++answered;
      }
    });
  reloader.join();
  for (std::thread& c : clients) c.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(only_a.load(), 0);  // both snapshots really served
  EXPECT_GT(only_b.load(), 0);
  EXPECT_EQ(reloads.load(), testing::Iterations(12));
}

TEST(Concurrency, QueriesOnManyThreadsMatchOneThread) {
  TempDir dir;
  auto run = testing::RunMeridian("synth --rows 4000 --seed 9 --out " + dir.File("s.csv"), dir);
  ASSERT_EQ(run.code, 0) << run.err;
  testing::IngestOrDie(dir.File("s.csv"), dir.File("s.snap"), dir.File("s_pl.csv"));
  auto snap = Snapshot::Open(dir.File("s.snap"));
  ASSERT_TRUE(snap.ok());
  auto index = SearchIndex::Build(**snap, ModalityMap::Embedded());
  ASSERT_TRUE(index.ok());
  // Queries over text (the per-thread bitmap), radius (per-thread site
  // marks) and name order, each answered once on this thread.
  std::vector<Query> queries;
  std::mt19937 rng(3);
  const char* words[] = {"smith", "john", "mary", "clinic", "lee", "health"};
  for (int i = 0; i < 40; ++i) {
    Query q;
    if (i % 2 == 0) q.text = {words[rng() % 6]};
    if (i % 3 != 0) {
      q.has_point = true;
      q.lat = 30 + (rng() % 150) / 10.0;
      q.lon = -120 + (rng() % 500) / 10.0;
      q.radius_mi = 5 + rng() % 300;
    }
    q.sort = q.has_point       ? Query::Sort::kDistance
             : !q.text.empty() ? Query::Sort::kRelevance
                               : Query::Sort::kName;
    q.limit = 20;
    queries.push_back(q);
  }
  std::vector<SearchResult> want;
  for (const Query& q : queries) want.push_back(Execute(**index, q));
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < testing::Iterations(5); ++round)
        for (size_t k = 0; k < queries.size(); ++k) {
          const size_t i = (k + static_cast<size_t>(t) * 7) % queries.size();
          SearchResult got = Execute(**index, queries[i]);
          bool same = got.total == want[i].total && got.hits.size() == want[i].hits.size() &&
                      got.facets == want[i].facets;
          for (size_t h = 0; same && h < got.hits.size(); ++h)
            same = got.hits[h].row == want[i].hits[h].row &&
                   got.hits[h].distance_mi == want[i].hits[h].distance_mi;
          if (!same) ++wrong;
        }
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace meridian
