#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

#include "index/geo_grid.h"

namespace meridian {
namespace {

// HitSiteMiles against a map, over searches of random hits on a growing
// number of sites: every hit is found with its distance, nothing else is,
// and nothing of an earlier search is left after Unmark.
TEST(HitSiteMiles, FindsExactlyTheMarkedSitesOfEachSearch) {
  std::mt19937 rng(5);
  HitSiteMiles marks;
  for (int search = 0; search < 200; ++search) {
    const uint32_t sites = 1 + static_cast<uint32_t>(search < 100 ? 300 : 1000 + rng() % 500);
    std::map<uint32_t, double> want;
    std::vector<SiteHit> hits;
    for (uint32_t k = rng() % 40; k > 0; --k) {
      const uint32_t site = static_cast<uint32_t>(rng() % sites);
      if (want.count(site)) continue;  // a search hits a site once
      const double miles = (rng() % 5000) / 100.0;
      want[site] = miles;
      hits.push_back({site, miles});
    }
    marks.Mark(hits, sites);
    for (uint32_t s = 0; s < sites; ++s) {
      const double* m = marks.Find(s);
      auto it = want.find(s);
      if (it == want.end()) {
        EXPECT_EQ(m, nullptr) << "search " << search << " site " << s;
      } else {
        ASSERT_NE(m, nullptr) << "search " << search << " site " << s;
        EXPECT_EQ(*m, it->second);
      }
    }
    marks.Unmark(hits);
  }
}

}  // namespace
}  // namespace meridian
