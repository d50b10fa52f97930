// Weekly update: changed rows replace records by NPI, deactivations strip a
// record to NPI + date, side files attach to snapshot records, untouched
// records are copied byte for byte.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <set>

#include "ingest/ingest.h"
#include "model/fields.h"
#include "snapshot/snapshot.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::NppesHeaderLine;
using testing::NppesRow;
using testing::TempDir;

TEST(Update, AppliesChangesDeactivationsAndSideFiles) {
  TempDir dir;
  IngestOptions base_opt;
  base_opt.nppes = testing::TestData("npidata_sample_99.csv");
  base_opt.out = dir.File("base.snap");
  IngestSummary sum;
  std::vector<IngestError> errors;
  ASSERT_TRUE(Ingest(base_opt, &sum, &errors).ok());
  std::string base_bytes = testing::ReadAll(base_opt.out);

  // Weekly npidata: one changed record, one new record, one bad row.
  testing::WriteAll(
      dir.File("weekly.csv"),
      NppesHeaderLine() +
          NppesRow({{"NPI", "1679576722"},
                    {"Entity Type Code", "1"},
                    {"Provider Last Name (Legal Name)", "WIEBE-CHANGED"},
                    {"Provider First Name", "DAVID"},
                    {"Provider Business Practice Location Address Postal Code", "53703"},
                    {"Provider Business Practice Location Address State Name", "WI"},
                    {"Healthcare Provider Taxonomy Code_1", "171100000X"},
                    {"Healthcare Provider Primary Taxonomy Switch_1", "Y"},
                    {"Last Update Date", "11/05/2025"}}) +
          NppesRow({{"NPI", "1000000012"},
                    {"Entity Type Code", "2"},
                    {"Provider Organization Name (Legal Business Name)", "NEW CLINIC"}}) +
          NppesRow({{"NPI", "1000000020"},
                    {"Entity Type Code", "1"},
                    {"Provider Enumeration Date", "02/30/2020"}}));
  // Deactivations: one snapshot NPI, one NPI the snapshot lacks, one bad NPI.
  testing::WriteAll(dir.File("deact.csv"),
                    "\"NPI\",\"NPPES Deactivation Date\"\n\"1588667638\",\"01/02/2025\"\n"
                    "\"1000000038\",\"03/04/2025\"\n\"12345\",\"01/01/2025\"\n");
  // Side file: a secondary location for an organization already in the snapshot.
  std::string pl_header = testing::ReadAll(testing::TestData("pl_pfile_20251103-20251109.csv"));
  pl_header = pl_header.substr(0, pl_header.find('\n') + 1);
  testing::WriteAll(dir.File("pl.csv"),
                    pl_header +
                        "\"1497758544\",\"1 MARKET ST\",\"\",\"FAYETTEVILLE\",\"NC\",\"28301\","
                        "\"US\",\"9105551234\",\"\",\"\"\n"
                        "\"1000000046\",\"2 NOWHERE\",\"\",\"X\",\"NC\",\"28301\",\"US\",\"\",\"\","
                        "\"\"\n");

  IngestOptions o;
  o.base_snapshot = base_opt.out;
  o.nppes = dir.File("weekly.csv");
  o.deactivations = dir.File("deact.csv");
  o.pl = dir.File("pl.csv");
  o.out = dir.File("new.snap");
  ASSERT_TRUE(Update(o, &sum, &errors).ok());

  // Rejections: the bad date, the bad deactivation NPI; the orphan pl row.
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].file, "weekly.csv");
  EXPECT_EQ(errors[0].line, 4u);
  EXPECT_EQ(errors[0].field, "Provider Enumeration Date");
  EXPECT_EQ(errors[1].file, "deact.csv");
  EXPECT_EQ(errors[1].line, 4u);
  EXPECT_EQ(errors[2].file, "pl.csv");
  EXPECT_EQ(errors[2].line, 3u);
  EXPECT_EQ(errors[2].npi, "1000000046");
  EXPECT_EQ(sum.orphaned, 1u);
  EXPECT_EQ(sum.rejected, 2u);
  EXPECT_EQ(sum.records, 101u);  // 99 + new org + newly deactivated NPI
  EXPECT_EQ(sum.updated, 2u);    // changed row + side-file attachment
  EXPECT_EQ(sum.added, 2u);
  EXPECT_EQ(sum.deactivations_applied, 2u);

  // The base snapshot is untouched.
  EXPECT_EQ(testing::ReadAll(base_opt.out), base_bytes);

  auto old_snap = Snapshot::Open(base_opt.out);
  auto snap = Snapshot::Open(o.out);
  ASSERT_TRUE(old_snap.ok() && snap.ok());
  const Snapshot& s = **snap;
  const Snapshot& b = **old_snap;
  ASSERT_TRUE(s.CheckInvariants().ok());
  testing::ExpectTextMatchesRecords(s);  // copied, changed and new rows alike
  Record r;
  ASSERT_TRUE(s.GetRecord(static_cast<size_t>(s.Find(1679576722)), &r).ok());
  EXPECT_EQ(r.last_name, "WIEBE-CHANGED");
  EXPECT_EQ(r.practice.precision, GeoPrecision::kZipCentroid);
  EXPECT_EQ(
      s.taxonomy().entry(s.primary_taxonomy(static_cast<size_t>(s.Find(1679576722)))).info.code,
      "171100000X");
  ASSERT_TRUE(s.GetRecord(static_cast<size_t>(s.Find(1000000012)), &r).ok());
  EXPECT_EQ(r.org_name, "NEW CLINIC");
  // Deactivated: only the NPI and date remain, as in the monthly file.
  size_t d = static_cast<size_t>(s.Find(1588667638));
  ASSERT_TRUE(s.GetRecord(d, &r).ok());
  EXPECT_EQ(r.entity, EntityType::kDeactivated);
  EXPECT_EQ(FormatIsoDate(r.deactivation_date), "2025-01-02");
  EXPECT_TRUE(r.last_name.empty());
  EXPECT_TRUE(r.taxonomies.empty());
  EXPECT_EQ(s.entity(d), EntityType::kDeactivated);
  // An NPI the snapshot lacked is added as deactivated, with its date.
  const int64_t added = s.Find(1000000038);
  ASSERT_GE(added, 0);
  ASSERT_TRUE(s.GetRecord(static_cast<size_t>(added), &r).ok());
  EXPECT_EQ(r.entity, EntityType::kDeactivated);
  EXPECT_EQ(FormatIsoDate(r.deactivation_date), "2025-03-04");
  EXPECT_EQ(s.entity(static_cast<size_t>(added)), EntityType::kDeactivated);
  // The organization gained a secondary location and kept everything else.
  size_t org = static_cast<size_t>(s.Find(1497758544));
  ASSERT_TRUE(s.GetRecord(org, &r).ok());
  ASSERT_EQ(r.secondary.size(), 1u);
  EXPECT_EQ(r.secondary[0].address.line1, "1 MARKET ST");
  EXPECT_EQ(r.secondary[0].precision, GeoPrecision::kZipCentroid);
  EXPECT_EQ(s.locations(org).size(), 2u);
  Record old;
  ASSERT_TRUE(b.GetRecord(static_cast<size_t>(b.Find(1497758544)), &old).ok());
  EXPECT_EQ(r.org_name, old.org_name);
  EXPECT_EQ(r.taxonomies.size(), old.taxonomies.size());
  // Every untouched record is byte-identical, with identical columns.
  const std::set<uint32_t> touched = {1679576722, 1588667638, 1497758544};
  size_t same = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    if (touched.count(b.npi(i))) continue;
    int64_t j = s.Find(b.npi(i));
    ASSERT_GE(j, 0);
    size_t k = static_cast<size_t>(j);
    EXPECT_EQ(s.core_bytes(k), b.core_bytes(i));
    EXPECT_EQ(s.attached_bytes(k), b.attached_bytes(i));
    EXPECT_EQ(s.credential(k), b.credential(i));
    EXPECT_EQ(s.entity(k), b.entity(i));
    EXPECT_EQ(s.state(k), b.state(i));
    EXPECT_EQ(s.primary_taxonomy(k), b.primary_taxonomy(i));
    EXPECT_EQ(s.locations(k).size(), b.locations(i).size());
    ++same;
  }
  EXPECT_EQ(same, 96u);
}

// All three side files at once, a changed row that is also deactivated (the
// deactivation wins: NPPES publishes no details of a deactivated NPI), and an
// NPI deactivated twice in one file (the first row counts, the second is
// rejected with its line).
TEST(Update, AllSideFilesAChangedDeactivationAndDuplicates) {
  TempDir dir;
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("base.snap"));
  testing::WriteAll(dir.File("weekly.csv"),
                    NppesHeaderLine() +
                        NppesRow({{"NPI", "1497758544"},
                                  {"Entity Type Code", "2"},
                                  {"Provider Organization Name (Legal Business Name)", "RENAMED"},
                                  {"Last Update Date", "11/05/2025"}}) +
                        NppesRow({{"NPI", "1679576722"},
                                  {"Entity Type Code", "1"},
                                  {"Provider Last Name (Legal Name)", "CHANGED-AND-GONE"}}));
  auto header_of = [](const std::string& name) {
    std::string h = testing::ReadAll(testing::TestData(name));
    return h.substr(0, h.find('\n') + 1);
  };
  testing::WriteAll(dir.File("pl.csv"), header_of("pl_pfile_20251103-20251109.csv") +
                                            "\"1497758544\",\"9 SIDE ST\",\"\",\"FAYETTEVILLE\","
                                            "\"NC\",\"28301\",\"US\",\"\",\"\",\"\"\n");
  testing::WriteAll(dir.File("on.csv"), header_of("othername_pfile_20251103-20251109.csv") +
                                            "\"1497758544\",\"RENAMED DBA\",\"3\"\n");
  testing::WriteAll(dir.File("ep.csv"),
                    header_of("endpoint_pfile_20251103-20251109.csv") +
                        "\"1497758544\",\"DIRECT\",\"Direct\",\"x@renamed.direct\",\"N\",\"\","
                        "\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"9 SIDE ST\",\"\",\"FAYETTEVILLE\","
                        "\"NC\",\"US\",\"28301\"\n");
  testing::WriteAll(dir.File("deact.csv"),
                    "NPI,NPPES Deactivation Date\n1679576722,01/02/2025\n1679576722,02/03/2025\n");
  auto run = testing::RunMeridian(
      "update --snapshot " + dir.File("base.snap") + " --nppes " + dir.File("weekly.csv") +
          " --pl " + dir.File("pl.csv") + " --othername " + dir.File("on.csv") + " --endpoint " +
          dir.File("ep.csv") + " --deactivations " + dir.File("deact.csv") + " --out " +
          dir.File("new.snap") + " --errors " + dir.File("errors.csv"),
      dir);
  ASSERT_EQ(run.code, 0) << run.err;
  const std::string errors = testing::ReadAll(dir.File("errors.csv"));
  EXPECT_NE(errors.find(R"("deact.csv",3,"1679576722","NPI","duplicate NPI")"), std::string::npos)
      << errors;
  auto snap = Snapshot::Open(dir.File("new.snap"));
  ASSERT_TRUE(snap.ok());
  const Snapshot& s = **snap;
  EXPECT_EQ(s.size(), 99u);
  Record r;
  ASSERT_TRUE(s.GetRecord(static_cast<size_t>(s.Find(1679576722)), &r).ok());
  EXPECT_EQ(r.entity, EntityType::kDeactivated);
  EXPECT_TRUE(r.last_name.empty()) << "the change must not survive the deactivation";
  EXPECT_EQ(FormatIsoDate(r.deactivation_date), "2025-01-02");  // the first row
  ASSERT_TRUE(s.GetRecord(static_cast<size_t>(s.Find(1497758544)), &r).ok());
  EXPECT_EQ(r.org_name, "RENAMED");
  ASSERT_EQ(r.secondary.size(), 1u);
  EXPECT_EQ(r.secondary[0].address.line1, "9 SIDE ST");
  ASSERT_EQ(r.other_org_names.size(), 1u);
  EXPECT_EQ(r.other_org_names[0].name, "RENAMED DBA");
  ASSERT_EQ(r.endpoints.size(), 1u);
  EXPECT_EQ(r.endpoints[0].endpoint, "x@renamed.direct");
  EXPECT_TRUE(s.CheckInvariants().ok());
}

// kill -9 during an in-place update leaves the old snapshot whole and
// unchanged, or the new one whole: never a torn file.
TEST(Update, KillDuringInPlaceUpdateLeavesOneWholeSnapshot) {
  TempDir dir;
  ASSERT_EQ(
      testing::RunMeridian("synth --rows 150000 --seed 2 --out " + dir.File("big.csv"), dir).code,
      0);
  testing::IngestOrDie(dir.File("big.csv"), dir.File("s.snap"));
  auto base = Snapshot::Open(dir.File("s.snap"));
  ASSERT_TRUE(base.ok());
  const uint32_t victim = (*base)->npi(1000);
  base->reset();
  testing::WriteAll(dir.File("deact.csv"),
                    "NPI,NPPES Deactivation Date\n" + NpiToString(victim) + ",01/02/2025\n");
  std::string before = testing::ReadAll(dir.File("s.snap"));
  int killed_early = 0;
  for (const char* delay : {"0.05", "0.2", "0.4", "0.8"}) {
    const std::string cmd = std::string("timeout -s KILL ") + delay + " " + MERIDIAN_BINARY +
                            " update --snapshot " + dir.File("s.snap") + " --deactivations " +
                            dir.File("deact.csv") + " --out " + dir.File("s.snap") +
                            " >/dev/null 2>&1";
    const int rc = std::system(cmd.c_str());
    const bool killed = WIFEXITED(rc) && WEXITSTATUS(rc) == 137;
    ASSERT_EQ(testing::RunMeridian("verify --snapshot " + dir.File("s.snap"), dir).code, 0)
        << delay << ": the snapshot must verify after a kill";
    const std::string after = testing::ReadAll(dir.File("s.snap"));
    if (after == before) {
      killed_early += killed;
      continue;
    }
    // Replaced: the new file is whole and has the deactivation.
    auto snap = Snapshot::Open(dir.File("s.snap"));
    ASSERT_TRUE(snap.ok());
    EXPECT_EQ((*snap)->size(), 150000u);
    EXPECT_EQ((*snap)->entity(static_cast<size_t>((*snap)->Find(victim))),
              EntityType::kDeactivated);
    before = after;
  }
  EXPECT_GE(killed_early, 1) << "no kill landed mid-update; the test proved nothing";
}

}  // namespace
}  // namespace meridian
