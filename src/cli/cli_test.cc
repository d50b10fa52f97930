// The `meridian` command as operators use it: flags, exit codes (0 read,
// 1 fatal, 2 usage), JSON field names, the errors file.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::RunMeridian;
using testing::TempDir;
using testing::TestData;

TEST(Cli, IngestJsonSummaryHasTheDocumentedFields) {
  TempDir dir;
  auto r = RunMeridian("ingest --nppes " + TestData("nasty_npidata.csv") + " --out " +
                           dir.File("n.snap") + " --errors " + dir.File("e.csv") + " --json",
                       dir);
  ASSERT_EQ(r.code, 0) << r.err;  // rows were rejected, but the file was read
  for (const char* field :
       {"\"rows_read\":16", "\"individuals\":4", "\"organizations\":1", "\"deactivated\":1",
        "\"rejected\":10", "\"geocoded\":3", "\"not_geocoded\":2", "\"unknown_taxonomies\":1",
        "\"seconds\":", "\"mb_per_s\":"})
    EXPECT_NE(r.out.find(field), std::string::npos) << field << " in " << r.out;
  std::string errors = testing::ReadAll(dir.File("e.csv"));
  EXPECT_EQ(errors.rfind("file,line,npi,field,reason\n", 0), 0u);
  EXPECT_NE(errors.find("\"nasty_npidata.csv\",10,\"1000000012\",\"NPI\",\"duplicate NPI (first "
                        "seen at line 2)\""),
            std::string::npos)
      << errors;
  size_t lines = 0;
  for (char c : errors) lines += c == '\n';
  EXPECT_EQ(lines, 11u);  // header + 10 rejections
}

TEST(Cli, ExitCodes) {
  TempDir dir;
  // 2: usage errors.
  EXPECT_EQ(RunMeridian("", dir).code, 2);
  EXPECT_EQ(RunMeridian("ingest --out x.snap", dir).code, 2);  // --nppes missing
  EXPECT_EQ(RunMeridian("frobnicate", dir).code, 2);
  EXPECT_EQ(RunMeridian("ingest --nppes a --out b --threads 0", dir).code, 2);
  // 0: help.
  EXPECT_EQ(RunMeridian("--help", dir).code, 0);
  // 1: fatal errors, with a clear message.
  auto missing =
      RunMeridian("ingest --nppes " + dir.File("nope.csv") + " --out " + dir.File("o.snap"), dir);
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("nope.csv"), std::string::npos) << missing.err;
  testing::WriteAll(dir.File("h.csv"), "\"NPI\",\"Something\"\n");
  auto header =
      RunMeridian("ingest --nppes " + dir.File("h.csv") + " --out " + dir.File("o.snap"), dir);
  EXPECT_EQ(header.code, 1);
  EXPECT_NE(header.err.find("lacks required columns"), std::string::npos) << header.err;
  testing::WriteAll(dir.File("bad.snap"), "not a snapshot at all, just text........");
  auto bad =
      RunMeridian("show --snapshot " + dir.File("bad.snap") + " --npi 1679576722 --json", dir);
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("Corruption"), std::string::npos) << bad.err;
}

TEST(Cli, KnowledgeReportAndCheck) {
  TempDir dir;
  auto report = RunMeridian("knowledge report", dir);
  EXPECT_EQ(report.code, 0) << report.err;
  EXPECT_NE(report.out.find("| pt_dry_needling |"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("Confirmed with a primary citation and quote: "), std::string::npos);
  EXPECT_NE(report.out.find("License lookups: "), std::string::npos);
  auto check = RunMeridian("knowledge check", dir);
  EXPECT_EQ(check.code, 0) << check.err;
  EXPECT_NE(check.out.find("every source passes"), std::string::npos) << check.out;
  EXPECT_EQ(RunMeridian("knowledge", dir).code, 2);  // a subcommand is required
}

TEST(Cli, ShowStatsVerifyAndSearch) {
  TempDir dir;
  std::string snap = dir.File("s.snap");
  ASSERT_EQ(
      RunMeridian("ingest --nppes " + TestData("npidata_sample_99.csv") + " --out " + snap, dir)
          .code,
      0);
  auto show = RunMeridian("show --snapshot " + snap + " --npi 1497758544 --json", dir);
  ASSERT_EQ(show.code, 0) << show.err;
  EXPECT_NE(show.out.find("\"entity_type\":\"organization\""), std::string::npos);
  EXPECT_NE(show.out.find("\"geo_precision\":\"zip-centroid\""), std::string::npos);
  EXPECT_NE(show.out.find("self-reported"), std::string::npos);
  auto none = RunMeridian("show --snapshot " + snap + " --npi 1234567893 --json", dir);
  EXPECT_EQ(none.code, 1);
  EXPECT_NE(none.err.find("Not found"), std::string::npos);
  auto stats = RunMeridian("stats --snapshot " + snap + " --json", dir);
  ASSERT_EQ(stats.code, 0);
  EXPECT_NE(
      stats.out.find("\"records\":99,\"individuals\":71,\"organizations\":22,\"deactivated\":6"),
      std::string::npos)
      << stats.out;
  EXPECT_NE(stats.out.find("\"synthetic\":false"), std::string::npos);
  EXPECT_EQ(RunMeridian("verify --snapshot " + snap, dir).code, 0);
  // 1679576722 practises in Kearney, NE (ZIP 68847): it must be found there.
  auto search = RunMeridian("search --snapshot " + snap + " --near 68847 --radius 5mi --json", dir);
  ASSERT_EQ(search.code, 0) << search.err;
  EXPECT_NE(search.out.find("\"npi\":\"1679576722\""), std::string::npos) << search.out;
  EXPECT_NE(search.out.find("\"distance_mi\":0.0"), std::string::npos);
  // By name: the one-off search builds the name order only for this sort.
  auto by_name =
      RunMeridian("search --snapshot " + snap + " --state TX --sort name --limit 3 --json", dir);
  ASSERT_EQ(by_name.code, 0) << by_name.err;
  auto results = nlohmann::json::parse(by_name.out)["results"];
  ASSERT_EQ(results.size(), 3u) << by_name.out;
  EXPECT_EQ(RunMeridian("search --snapshot " + snap + " --near 00000", dir).code, 2);
  EXPECT_EQ(RunMeridian("search --snapshot " + snap + " --near 68847 --radius 900mi", dir).code, 2);
}

}  // namespace
}  // namespace meridian

namespace meridian {
namespace {

// kill -9 in the middle of an ingest leaves the previous snapshot untouched.
TEST(Cli, KillDuringIngestKeepsThePreviousSnapshot) {
  TempDir dir;
  std::string snap = dir.File("s.snap");
  ASSERT_EQ(
      RunMeridian("ingest --nppes " + TestData("npidata_sample_99.csv") + " --out " + snap, dir)
          .code,
      0);
  std::string before = testing::ReadAll(snap);
  ASSERT_EQ(RunMeridian("synth --rows 150000 --seed 1 --out " + dir.File("big.csv"), dir).code, 0);
  int killed_early = 0, replaced = 0;
  for (const char* delay : {"0.05", "0.15", "0.3", "60"}) {
    std::string cmd = std::string("timeout -s KILL ") + delay + " " + MERIDIAN_BINARY +
                      " ingest --nppes " + dir.File("big.csv") + " --out " + snap +
                      " >/dev/null 2>&1";
    int rc = std::system(cmd.c_str());
    bool killed = WIFEXITED(rc) && WEXITSTATUS(rc) == 137;  // timeout's code for KILL
    auto stats = RunMeridian("stats --snapshot " + snap + " --json", dir);
    ASSERT_EQ(stats.code, 0) << delay << ": " << stats.err;
    std::string after = testing::ReadAll(snap);
    // Whatever the moment of the kill, the file at the path verifies.
    EXPECT_EQ(RunMeridian("verify --snapshot " + snap, dir).code, 0) << delay;
    if (after == before) {
      EXPECT_TRUE(killed) << delay << ": not killed, yet the snapshot did not change";
      ++killed_early;
    } else {
      // The kill came after the rename (or never): the new file is whole.
      EXPECT_NE(stats.out.find("\"records\":150000"), std::string::npos) << stats.out;
      ++replaced;
      before = after;
    }
    if (std::string(delay) == "0.05") {
      EXPECT_EQ(killed_early, 1) << "50 ms cannot finish it";
    }
    if (std::string(delay) == "60") {
      EXPECT_FALSE(killed) << "a minute is enough for 150 000 rows";
    }
  }
  EXPECT_GE(killed_early, 1);
  EXPECT_GE(replaced, 1) << "the run that was not killed replaces the snapshot";
}

}  // namespace
}  // namespace meridian
