#include "index/site_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace meridian {
namespace {

// Ids are dense, in order of first appearance, and stay the same while the
// table doubles many times; checked against std::map.
TEST(SiteTable, IdsSurviveGrowthAndMatchAMap) {
  SiteTable table(16);
  std::map<std::pair<float, float>, uint32_t> oracle;
  std::mt19937 rng(4);
  std::uniform_int_distribution<int> coord(-2000, 2000);
  for (int i = 0; i < 200000; ++i) {
    const float lat = static_cast<float>(coord(rng)) / 40,
                lon = static_cast<float>(coord(rng)) / 20;
    auto [it, fresh] = oracle.emplace(std::pair{lat, lon}, static_cast<uint32_t>(oracle.size()));
    ASSERT_EQ(table.Id(lat, lon), it->second) << i;
  }
  EXPECT_EQ(table.coords().size(), oracle.size());
  EXPECT_GE(table.slots(), 2 * oracle.size());  // grew, and stays at most half full
  for (const auto& [point, id] : oracle) {
    EXPECT_EQ(table.coords()[id], point);
    EXPECT_EQ(table.Id(point.first, point.second), id);  // no new site on a second look
  }
  EXPECT_EQ(table.coords().size(), oracle.size());
}

TEST(SiteTable, SignedZerosAreTwoSites) {
  SiteTable table;
  EXPECT_EQ(table.Id(0.0f, 1.0f), 0u);
  EXPECT_EQ(table.Id(-0.0f, 1.0f), 1u);
  EXPECT_EQ(table.Id(0.0f, 1.0f), 0u);
}

}  // namespace
}  // namespace meridian
