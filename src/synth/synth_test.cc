#include "synth/synth.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "model/fields.h"
#include "testing/test_util.h"
#include "util/csv.h"

namespace meridian {
namespace {

using testing::TempDir;

TEST(Synth, RealLayoutRealisticMixAndSyntheticMark) {
  TempDir dir;
  SynthOptions o;
  o.rows = 20000;
  o.seed = 3;
  o.out = dir.File("s.csv");
  SynthSummary sum;
  ASSERT_TRUE(Synthesize(o, &sum).ok());
  EXPECT_EQ(sum.rows, 20000u);
  EXPECT_EQ(sum.pl_path, dir.File("s_pl.csv"));
  EXPECT_NE(testing::ReadAll(o.out + ".meta.json").find("\"synthetic\":true"), std::string::npos);

  std::string text = testing::ReadAll(o.out);
  CsvTokenizer tok(text, 1, true);
  CsvRecord rec;
  ASSERT_EQ(tok.Next(&rec), CsvTokenizer::Outcome::kRecord);
  std::vector<std::string> header(rec.fields.begin(), rec.fields.end());
  EXPECT_EQ(header, testing::NppesHeader());
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < header.size(); ++i) col[header[i]] = i;

  std::set<std::string> npis;
  std::map<std::string, int> primary_codes;
  int individuals = 0, deactivated = 0, zip_plus4 = 0, multi_tax = 0, rows = 0;
  while (tok.Next(&rec) == CsvTokenizer::Outcome::kRecord) {
    ++rows;
    ASSERT_EQ(rec.fields.size(), 330u);
    std::string npi(rec.fields[col["NPI"]]);
    ASSERT_TRUE(IsValidNpi(npi)) << npi;
    ASSERT_TRUE(npis.insert(npi).second) << "duplicate " << npi;
    std::string_view et = rec.fields[col["Entity Type Code"]];
    if (et.empty()) {
      ++deactivated;
      EXPECT_FALSE(rec.fields[col["NPI Deactivation Date"]].empty());
      continue;
    }
    if (et == "1") ++individuals;
    primary_codes[std::string(rec.fields[col["Healthcare Provider Taxonomy Code_1"]])]++;
    if (!rec.fields[col["Healthcare Provider Taxonomy Code_2"]].empty()) ++multi_tax;
    if (rec.fields[col["Provider Business Practice Location Address Postal Code"]].size() == 9)
      ++zip_plus4;
  }
  EXPECT_EQ(rows, 20000);
  EXPECT_NEAR(individuals / 20000.0, 0.78, 0.02);
  EXPECT_NEAR(deactivated / 20000.0, 0.012, 0.005);
  EXPECT_GT(zip_plus4, 10000);
  EXPECT_GT(multi_tax, 1000);
  // The pain-care practitioner types are all present.
  for (const char* code : {"171100000X", "225100000X", "111N00000X", "225700000X", "204D00000X",
                           "208VP0014X", "208100000X"})
    EXPECT_GT(primary_codes[code], 0) << code;
  EXPECT_GT(primary_codes["225100000X"], primary_codes["171100000X"]);  // PTs outnumber L.Ac.s
  // Secondary locations in the pl file, for NPIs of the main file.
  std::string pl = testing::ReadAll(sum.pl_path);
  CsvTokenizer pt(pl, 1, true);
  ASSERT_EQ(pt.Next(&rec), CsvTokenizer::Outcome::kRecord);
  uint64_t pl_rows = 0;
  while (pt.Next(&rec) == CsvTokenizer::Outcome::kRecord) {
    ++pl_rows;
    EXPECT_TRUE(npis.count(std::string(rec.fields[0])));
  }
  EXPECT_EQ(pl_rows, sum.secondary_locations);
  EXPECT_GT(pl_rows, 500u);
}

TEST(Synth, SameSeedSameBytes) {
  TempDir dir;
  SynthSummary sum;
  SynthOptions o;
  o.rows = 2000;
  o.seed = 9;
  o.out = dir.File("a.csv");
  ASSERT_TRUE(Synthesize(o, &sum).ok());
  o.out = dir.File("b.csv");
  ASSERT_TRUE(Synthesize(o, &sum).ok());
  o.seed = 10;
  o.out = dir.File("c.csv");
  ASSERT_TRUE(Synthesize(o, &sum).ok());
  EXPECT_EQ(testing::ReadAll(dir.File("a.csv")), testing::ReadAll(dir.File("b.csv")));
  EXPECT_NE(testing::ReadAll(dir.File("a.csv")), testing::ReadAll(dir.File("c.csv")));
}

}  // namespace
}  // namespace meridian
