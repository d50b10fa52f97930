#include "query/scan.h"

#include <gtest/gtest.h>

#include "geo/distance.h"
#include "geo/zcta.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::NppesRow;
using testing::TempDir;

std::map<std::string, std::string> At(const std::string& npi, const std::string& zip,
                                      const std::string& taxonomy,
                                      const std::string& entity = "1") {
  return {{"NPI", npi},
          {"Entity Type Code", entity},
          {"Provider Business Practice Location Address Postal Code", zip},
          {"Healthcare Provider Taxonomy Code_1", taxonomy},
          {"Healthcare Provider Primary Taxonomy Switch_1", "Y"}};
}

TEST(ScanSearch, RadiusTaxonomyTiesAndSecondaryLocations) {
  TempDir dir;
  // Madison WI (53703), Milwaukee (53202, ~75 mi), Chicago (60601, ~120 mi).
  std::string csv = testing::NppesHeaderLine() + NppesRow(At("1000000020", "53703", "171100000X")) +
                    NppesRow(At("1000000012", "53703", "225100000X")) +
                    NppesRow(At("1000000038", "53202", "171100000X")) +
                    NppesRow(At("1000000046", "60601", "2251X0800X")) +
                    NppesRow({{"NPI", "1000000053"}, {"NPI Deactivation Date", "01/01/2020"}});
  testing::WriteAll(dir.File("m.csv"), csv);
  std::string pl = testing::ReadAll(testing::TestData("pl_pfile_20251103-20251109.csv"));
  pl = pl.substr(0, pl.find('\n') + 1) +
       "\"1000000046\",\"1 STATE ST\",\"\",\"MADISON\",\"WI\",\"53703\",\"US\",\"\",\"\",\"\"\n";
  testing::WriteAll(dir.File("pl.csv"), pl);
  testing::IngestOrDie(dir.File("m.csv"), dir.File("s.snap"), dir.File("pl.csv"));
  auto snap = Snapshot::Open(dir.File("s.snap"));
  ASSERT_TRUE(snap.ok());
  LatLon madison, milwaukee;
  ASSERT_TRUE(ZctaTable::Embedded().Find("53703", &madison));
  ASSERT_TRUE(ZctaTable::Embedded().Find("53202", &milwaukee));
  double d_milw = HaversineMiles(madison.lat, madison.lon, milwaukee.lat, milwaukee.lon);

  const ModalityMap& mods = ModalityMap::Embedded();
  Query q;
  q.has_point = true;
  q.lat = madison.lat, q.lon = madison.lon;
  q.radius_mi = 10;
  SearchResult r = ScanSearch(**snap, mods, q);
  // Three at distance 0 (one through its secondary location), ties by NPI.
  ASSERT_EQ(r.total, 3u);
  EXPECT_EQ((*snap)->npi(r.hits[0].row), 1000000012u);
  EXPECT_EQ((*snap)->npi(r.hits[1].row), 1000000020u);
  EXPECT_EQ((*snap)->npi(r.hits[2].row), 1000000046u);
  EXPECT_EQ(r.hits[2].location, 1u);  // matched at its secondary location
  // The radius boundary is inclusive: exactly the Milwaukee distance matches.
  q.radius_mi = d_milw;
  EXPECT_EQ(ScanSearch(**snap, mods, q).total, 4u);
  q.radius_mi = d_milw - 0.01;
  EXPECT_EQ(ScanSearch(**snap, mods, q).total, 3u);
  // Taxonomy by prefix; deactivated never matches.
  q.radius_mi = 500;
  q.taxonomies = {"2251"};
  r = ScanSearch(**snap, mods, q);
  ASSERT_EQ(r.total, 2u);
  q.taxonomies = {"171100000X"};
  r = ScanSearch(**snap, mods, q);
  ASSERT_EQ(r.total, 2u);
  EXPECT_NEAR(r.hits[1].distance_mi, d_milw, 1e-9);
  // Paging.
  q.taxonomies.clear();
  q.limit = 2, q.offset = 3;
  r = ScanSearch(**snap, mods, q);
  EXPECT_EQ(r.total, 4u);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ((*snap)->npi(r.hits[0].row), 1000000038u);
}

}  // namespace
}  // namespace meridian
