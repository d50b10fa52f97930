#include "index/org_links.h"

#include <gtest/gtest.h>

#include "index/search_index.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::NppesRow;

// An organization, a subpart naming it as parent (in another case), a
// provider whose endpoint says it is affiliated, one whose endpoint names it
// but is not marked affiliated, and one at the same address: only the first
// two kinds are links.
TEST(OrganizationLinks, OnlyWhatNppesStates) {
  testing::TempDir dir;
  const std::map<std::string, std::string> same_place = {
      {"Provider First Line Business Practice Location Address", "1 MAIN ST"},
      {"Provider Business Practice Location Address City Name", "MADISON"},
      {"Provider Business Practice Location Address State Name", "WI"},
      {"Provider Business Practice Location Address Postal Code", "53703"},
      {"Provider Business Practice Location Address Telephone Number", "6085550100"}};
  auto row = [&](std::map<std::string, std::string> v) {
    v.insert(same_place.begin(), same_place.end());
    return NppesRow(v);
  };
  testing::WriteAll(
      dir.File("n.csv"),
      testing::NppesHeaderLine() +
          row({{"NPI", "1000000004"},
               {"Entity Type Code", "2"},
               {"Provider Organization Name (Legal Business Name)", "ACME HEALTH"}}) +
          row({{"NPI", "1000000012"},
               {"Entity Type Code", "2"},
               {"Provider Organization Name (Legal Business Name)", "ACME HEALTH EAST"},
               {"Is Organization Subpart", "Y"},
               {"Parent Organization LBN", "Acme Health"}}) +
          row({{"NPI", "1000000020"},
               {"Entity Type Code", "1"},
               {"Provider Last Name (Legal Name)", "LINKED"}}) +
          row({{"NPI", "1000000038"},
               {"Entity Type Code", "1"},
               {"Provider Last Name (Legal Name)", "NOTAFFILIATED"}}) +
          row({{"NPI", "1000000046"},
               {"Entity Type Code", "1"},
               {"Provider Last Name (Legal Name)", "NEIGHBOUR"}}));
  std::string endpoints =
      testing::ReadAll(testing::TestData("endpoint_pfile_20251103-20251109.csv"));
  endpoints = endpoints.substr(0, endpoints.find('\n') + 1);
  endpoints +=
      "\"1000000020\",\"DIRECT\",\"Direct\",\"a@acme.direct\",\"Y\",\"\",\"ACME HEALTH\","
      "\"\",\"\",\"\",\"\",\"\",\"\",\"1 MAIN ST\",\"\",\"MADISON\",\"WI\",\"US\",\"53703\"\n"
      "\"1000000038\",\"DIRECT\",\"Direct\",\"b@acme.direct\",\"N\",\"\",\"ACME HEALTH\","
      "\"\",\"\",\"\",\"\",\"\",\"\",\"1 MAIN ST\",\"\",\"MADISON\",\"WI\",\"US\",\"53703\"\n";
  testing::WriteAll(dir.File("e.csv"), endpoints);
  testing::IngestOrDie(dir.File("n.csv"), dir.File("s.snap"), "", dir.File("e.csv"));
  auto snap = Snapshot::Open(dir.File("s.snap"));
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  auto index = SearchIndex::Build(**snap, ModalityMap::Embedded());
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  const OrganizationLinks* links = &(*index)->org_links();
  std::vector<uint32_t> npis;
  for (uint32_t r : links->Find("acme HEALTH")) npis.push_back((*snap)->npi(r));
  EXPECT_EQ(npis, (std::vector<uint32_t>{1000000012, 1000000020}));
  EXPECT_TRUE(links->Find("ACME HEALTH EAST").empty());
  EXPECT_TRUE(links->Find("").empty());
  EXPECT_EQ(links->organizations(), 1u);
}

}  // namespace
}  // namespace meridian
