#include "index/place_postings.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "index/search_index.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::TempDir;

// A synthetic snapshot of `rows` providers and its index (no record pass).
struct Sample {
  Sample(int rows, int seed) {
    auto r = testing::RunMeridian("synth --rows " + std::to_string(rows) + " --seed " +
                                      std::to_string(seed) + " --out " + dir.File("s.csv"),
                                  dir);
    EXPECT_EQ(r.code, 0) << r.err;
    testing::IngestOrDie(dir.File("s.csv"), dir.File("s.snap"), dir.File("s_pl.csv"));
    snap = std::move(Snapshot::Open(dir.File("s.snap")).value());
    ix = Index();
  }
  std::unique_ptr<SearchIndex> Index() const {
    return std::move(
        SearchIndex::Build(*snap, ModalityMap::Embedded(), nullptr, SearchIndex::RecordPass::kSkip)
            .value());
  }
  TempDir dir;
  std::unique_ptr<Snapshot> snap;
  std::unique_ptr<SearchIndex> ix;
};

// The place postings against their definition, entry by entry: term t's
// list is exactly the entries, in grid order, whose row holds t.
TEST(PlacePostings, EachTermListsExactlyTheEntriesWhoseRowHoldsIt) {
  Sample sample(4000, 12);
  const std::unique_ptr<SearchIndex>& ix = sample.ix;
  const GeoGrid& grid = ix->grid();
  const TextIndex& text = sample.snap->text();
  ix->WaitForBackgroundWork();
  ASSERT_NE(ix->place_postings(), nullptr);
  const PlacePostings& places = *ix->place_postings();
  ASSERT_FALSE(places.empty());
  ASSERT_GT(grid.multi_entries(), 0u) << "the sample should have rows with several points";

  // The oracle: per term, the entries whose row holds it.
  std::vector<std::vector<uint32_t>> want(text.term_count());
  std::vector<uint32_t> rows(grid.all_single_rows().begin(), grid.all_single_rows().end());
  rows.insert(rows.end(), grid.all_multi_rows().begin(), grid.all_multi_rows().end());
  for (uint32_t e = 0; e < rows.size(); ++e)
    for (uint32_t t : text.row_terms(rows[e])) want[t].push_back(e);
  size_t nonempty = 0;
  for (uint32_t t = 0; t < text.term_count(); ++t) {
    std::span<const uint32_t> got = places.postings(t);
    ASSERT_TRUE(std::equal(got.begin(), got.end(), want[t].begin(), want[t].end()))
        << "term " << text.term(t);
    nonempty += !got.empty();
  }
  EXPECT_GT(nonempty, text.term_count() / 2);
  EXPECT_TRUE(places.CheckInvariants(text, grid).ok());
  EXPECT_TRUE(ix->CheckInvariants().ok());
}

// Asked to stop, Build returns none (never a partial list), and an index
// destroyed while its place postings are being built stops them.
TEST(PlacePostings, AStoppedBuildLeavesNoneAndAnIndexMayGoBeforeThem) {
  Sample sample(3000, 4);
  const std::atomic<bool> stop{true};
  PlacePostings none = PlacePostings::Build(sample.snap->text(), sample.ix->grid(), &stop);
  EXPECT_TRUE(none.empty());
  EXPECT_TRUE(none.CheckInvariants(sample.snap->text(), sample.ix->grid()).ok());
  for (int k = 0; k < 20; ++k)
    sample.Index();  // gone at once: under the sanitizers, no
                     // use after free, no leak
}

// The ranges a query reads: every site within the radius lies in one, and
// the ranges ascend without overlapping (the place postings are searched
// range by range, in order).
TEST(PlacePostings, SiteRangesNearHoldEverySiteWithinTheRadius) {
  Sample sample(3000, 3);
  const GeoGrid& grid = sample.ix->grid();
  std::vector<GeoGrid::SiteRange> ranges;
  std::vector<SiteHit> hits;
  // Points over the country and past the date line (a run that wraps).
  const double points[][2] = {{40.7, -74.0}, {43.07, -89.4}, {21.3, -157.8}, {64.8, -147.7},
                              {51.9, 179.9}, {0, 0},         {-14.3, -170.7}};
  for (const auto& p : points)
    for (double radius : {1.0, 10.0, 50.0, 500.0, 3000.0}) {
      grid.SiteRangesNear(p[0], p[1], radius, &ranges);
      for (size_t k = 0; k < ranges.size(); ++k) {
        ASSERT_LT(ranges[k].first, ranges[k].last);
        if (k > 0) ASSERT_LT(ranges[k - 1].last, ranges[k].first) << "overlapping or touching";
      }
      hits.clear();
      grid.SitesWithin(p[0], p[1], radius, &hits);
      for (const SiteHit& h : hits) {
        auto it =
            std::upper_bound(ranges.begin(), ranges.end(), h.site,
                             [](uint32_t s, const GeoGrid::SiteRange& x) { return s < x.first; });
        ASSERT_TRUE(it != ranges.begin() && h.site < std::prev(it)->last)
            << "site " << h.site << " within " << radius << " mi of " << p[0] << "," << p[1]
            << " is in no range";
      }
    }
}

}  // namespace
}  // namespace meridian
