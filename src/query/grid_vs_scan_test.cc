// GeoGrid and IndexedSearch against the brute-force scan: identical results,
// not "close", on random queries over synthetic data and over points placed
// anywhere on the globe (poles, the antimeridian, huge and zero radii).
#include <gtest/gtest.h>

#include <random>

#include "geo/distance.h"
#include "index/geo_grid.h"
#include "index/search_index.h"
#include "model/record_codec.h"
#include "query/executor.h"
#include "query/scan.h"
#include "snapshot/writer.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::TempDir;

void ExpectSame(const SearchResult& want, const SearchResult& got, const std::string& what) {
  ASSERT_EQ(want.total, got.total) << what;
  ASSERT_EQ(want.hits.size(), got.hits.size()) << what;
  for (size_t i = 0; i < want.hits.size(); ++i) {
    ASSERT_EQ(want.hits[i].row, got.hits[i].row) << what << " hit " << i;
    ASSERT_EQ(want.hits[i].distance_mi, got.hits[i].distance_mi) << what << " hit " << i;
    ASSERT_EQ(want.hits[i].location, got.hits[i].location) << what << " hit " << i;
  }
  ASSERT_TRUE(want.facets == got.facets) << what << ": facets differ";
}

// A snapshot whose rows have 1-3 locations anywhere on the globe, dense near
// the poles and the antimeridian.
std::string GlobeSnapshot(const TempDir& dir, std::mt19937_64* rng, uint32_t rows = 6000,
                          const std::string& name = "globe.snap") {
  std::string path = dir.File(name);
  auto w = SnapshotWriter::Create(path);
  EXPECT_TRUE(w.ok());
  std::uniform_real_distribution<double> u(0, 1);
  // Every row shares one real (decodable) core record.
  Record r;
  r.npi = 1234567893;
  r.entity = EntityType::kIndividual;
  r.last_name = "GLOBE";
  std::string core, attached;
  EncodeCore(r, &core);
  EncodeAttached({}, {}, {}, &attached);
  uint64_t core_at = 0;
  EXPECT_TRUE((*w)->AppendCore(core, &core_at).ok());
  for (uint32_t i = 0; i < rows; ++i) {
    std::vector<snapshot::LocationHot> locs;
    int n = 1 + static_cast<int>((*rng)() % 3);
    for (int k = 0; k < n; ++k) {
      snapshot::LocationHot l{};
      double kind = u(*rng);
      if (kind < 0.3) {  // near the antimeridian
        l.lat = static_cast<float>(-60 + 120 * u(*rng));
        l.lon = static_cast<float>(u(*rng) < 0.5 ? 179.0 + u(*rng) : -180.0 + u(*rng));
      } else if (kind < 0.45) {  // near a pole
        l.lat = static_cast<float>(u(*rng) < 0.5 ? 88.0 + 2 * u(*rng) : -90.0 + 2 * u(*rng));
        l.lon = static_cast<float>(-180 + 360 * u(*rng));
      } else {
        l.lat = static_cast<float>(-90 + 180 * u(*rng));
        l.lon = static_cast<float>(-180 + 360 * u(*rng));
      }
      l.precision = u(*rng) < 0.95 ? 1 : 0;
      locs.push_back(l);
    }
    SnapshotRecordIn in;
    in.npi = 1000000000u + i;
    in.entity = EntityType::kIndividual;
    in.locations = locs;
    const std::vector<uint32_t> postal(locs.size(), snapshot::kNoPostal);
    in.postal = postal;
    in.core_offset = core_at;
    in.core_length = static_cast<uint32_t>(core.size());
    in.attached = attached;
    EXPECT_TRUE((*w)->Add(in).ok());
  }
  TaxonomyDict dict(TaxonomyTable::Embedded());
  EXPECT_TRUE((*w)->Finish("{}", dict, StateTable::Embedded(), 0).ok());
  return path;
}

TEST(GeoGrid, MatchesBruteForceAnywhereOnTheGlobe) {
  TempDir dir;
  std::mt19937_64 rng(2024);
  auto snap = Snapshot::Open(GlobeSnapshot(dir, &rng));
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  const ModalityMap& mods = ModalityMap::Embedded();
  auto index = std::move(SearchIndex::Build(**snap, mods)).value();
  ASSERT_TRUE(index->CheckInvariants().ok());
  std::uniform_real_distribution<double> u(0, 1);
  const double radii[] = {0, 0.5, 5, 25, 100, 500, 1500, 3000};
  for (int iter = 0, n = testing::Iterations(1500); iter < n; ++iter) {
    Query q;
    q.has_point = true;
    q.lat = -90 + 180 * u(rng);
    q.lon = -180 + 360 * u(rng);
    if (iter % 3 == 0) q.lon = u(rng) < 0.5 ? 179.5 + 0.5 * u(rng) : -180 + 0.5 * u(rng);
    if (iter % 7 == 0) q.lat = u(rng) < 0.5 ? 89.5 : -89.5;
    q.radius_mi = radii[rng() % 8];
    q.limit = 1u << 30;
    ExpectSame(ScanSearch(**snap, mods, q),
               Execute(*index, q, ExecuteOptions{.budget = UINT64_MAX}),
               "q " + std::to_string(q.lat) + "," + std::to_string(q.lon) + " r " +
                   std::to_string(q.radius_mi));
  }
}

TEST(GeoGrid, MatchesScanOnSyntheticNppesWithFiltersAndPaging) {
  TempDir dir;
  auto run = testing::RunMeridian("synth --rows 40000 --seed 21 --out " + dir.File("s.csv"), dir);
  ASSERT_EQ(run.code, 0) << run.err;
  testing::IngestOrDie(dir.File("s.csv"), dir.File("s.snap"), dir.File("s_pl.csv"));
  auto snap = Snapshot::Open(dir.File("s.snap"));
  ASSERT_TRUE(snap.ok());
  const ModalityMap& mods = ModalityMap::Embedded();
  auto index = std::move(SearchIndex::Build(**snap, mods)).value();
  ASSERT_TRUE(index->CheckInvariants().ok());

  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> u(0, 1);
  const std::vector<std::vector<std::string>> filters = {
      {}, {"171100000X"}, {"2251"}, {"111N", "2257"}, {"208VP0014X"}, {"2"}};
  const double radii[] = {0, 1, 5, 10, 25, 50, 100, 500};
  size_t nonempty = 0;
  for (int iter = 0, n = testing::Iterations(1000); iter < n; ++iter) {
    Query q;
    q.has_point = true;
    // Centre on a provider's location (jittered) most of the time, else anywhere in the US.
    size_t row = rng() % (*snap)->size();
    auto locs = (*snap)->locations(row);
    if (!locs.empty() && locs[0].precision && iter % 4 != 0) {
      q.lat = locs[0].lat + (u(rng) - 0.5) * 0.2;
      q.lon = locs[0].lon + (u(rng) - 0.5) * 0.2;
    } else {
      q.lat = 25 + 24 * u(rng);
      q.lon = -124 + 57 * u(rng);
    }
    q.radius_mi = radii[rng() % 8];
    q.taxonomies = filters[rng() % filters.size()];
    q.include_deactivated = rng() % 5 == 0;
    q.limit = rng() % 3 == 0 ? 1u << 30 : 1 + rng() % 100;
    q.offset = rng() % 4 == 0 ? rng() % 50 : 0;
    SearchResult want = ScanSearch(**snap, mods, q);
    nonempty += want.total > 0;
    ExpectSame(want, Execute(*index, q, ExecuteOptions{.budget = UINT64_MAX}),
               "iteration " + std::to_string(iter));
  }
  EXPECT_GT(nonempty, static_cast<size_t>(testing::Iterations(1000)) * 2 / 5)
      << "the query mix should often find something";
}

// The grid's per-thread tables (site marks, per-profile counts) are sized
// for the largest grid seen so far: queries that alternate between a small
// and a large grid on one thread, so the tables grow and are then reused by
// the smaller one, answer as the scan does.
TEST(GeoGrid, PerThreadTablesGrowAndShrinkBackCorrectly) {
  TempDir dir;
  std::mt19937_64 rng(21);
  auto small = Snapshot::Open(GlobeSnapshot(dir, &rng, 300, "small.snap"));
  auto large = Snapshot::Open(GlobeSnapshot(dir, &rng, 9000, "large.snap"));
  ASSERT_TRUE(small.ok() && large.ok());
  const ModalityMap& mods = ModalityMap::Embedded();
  auto small_ix = std::move(SearchIndex::Build(**small, mods)).value();
  auto large_ix = std::move(SearchIndex::Build(**large, mods)).value();
  std::uniform_real_distribution<double> u(0, 1);
  for (int iter = 0; iter < testing::Iterations(60); ++iter) {
    const bool use_large = iter % 3 == 1;
    const Snapshot& snap = use_large ? **large : **small;
    const SearchIndex& ix = use_large ? *large_ix : *small_ix;
    Query q;
    q.has_point = true;
    q.lat = -80 + 160 * u(rng);
    q.lon = -180 + 360 * u(rng);
    q.radius_mi = iter % 2 ? 3000 : 500;
    q.limit = 25;
    ExpectSame(ScanSearch(snap, mods, q), Execute(ix, q, ExecuteOptions{.budget = UINT64_MAX}),
               "iteration " + std::to_string(iter) + (use_large ? " (large)" : " (small)"));
  }
}

TEST(GeoGrid, InvariantCheckCatchesAMismatchedSnapshot) {
  TempDir dir;
  std::mt19937_64 rng(5);
  auto a = Snapshot::Open(GlobeSnapshot(dir, &rng));
  ASSERT_TRUE(a.ok());
  std::vector<RowInfo> info((*a)->size());
  GeoGrid grid = GeoGrid::Build(**a, info);
  EXPECT_TRUE(grid.CheckInvariants(**a, info).ok());
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("sample.snap"));
  auto b = Snapshot::Open(dir.File("sample.snap"));
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(grid.CheckInvariants(**b, std::vector<RowInfo>((*b)->size())).ok());
  info[0].modality_mask ^= 1;  // a stale RowInfo is caught too
  EXPECT_FALSE(grid.CheckInvariants(**a, info).ok());
}

}  // namespace
}  // namespace meridian
