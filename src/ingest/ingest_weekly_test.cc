// The three real weekly side files (pl, othername, endpoint): every row
// parses, rows attach to their NPIs with every field, the rest are reported
// as orphans with file and line.
#include <gtest/gtest.h>

#include <map>

#include "ingest/ingest.h"
#include "snapshot/snapshot.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::TempDir;
using testing::TestData;

std::vector<std::vector<std::string>> Rows(const std::string& file) {
  std::string text = testing::ReadAll(TestData(file));
  std::vector<std::vector<std::string>> rows;
  size_t pos = text.find('\n') + 1;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) rows.push_back(testing::NaiveSplit(line));
    pos = nl == std::string::npos ? text.size() : nl + 1;
  }
  return rows;
}

TEST(WeeklyFiles, AttachToTheirNpisWithEveryField) {
  auto pl = Rows("pl_pfile_20251103-20251109.csv");
  auto names = Rows("othername_pfile_20251103-20251109.csv");
  auto eps = Rows("endpoint_pfile_20251103-20251109.csv");
  ASSERT_EQ(pl.size(), 9528u);
  ASSERT_EQ(names.size(), 2427u);
  ASSERT_EQ(eps.size(), 2607u);
  // Group by NPI and pick NPIs with several rows.
  std::map<std::string, std::vector<size_t>> pl_by, names_by, eps_by;
  for (size_t i = 0; i < pl.size(); ++i) pl_by[pl[i][0]].push_back(i);
  for (size_t i = 0; i < names.size(); ++i) names_by[names[i][0]].push_back(i);
  for (size_t i = 0; i < eps.size(); ++i) eps_by[eps[i][0]].push_back(i);
  std::vector<std::string> chosen;
  auto pick = [&](const std::map<std::string, std::vector<size_t>>& by) {
    for (const auto& [npi, rows] : by)
      if (rows.size() >= 2) {
        chosen.push_back(npi);
        return;
      }
    chosen.push_back(by.begin()->first);
  };
  pick(pl_by), pick(names_by), pick(eps_by);

  TempDir dir;
  std::string main = testing::NppesHeaderLine();
  for (const std::string& npi : chosen)
    main += testing::NppesRow({{"NPI", npi},
                               {"Entity Type Code", "2"},
                               {"Provider Organization Name (Legal Business Name)", "ORG " + npi}});
  testing::WriteAll(dir.File("main.csv"), main);
  IngestOptions o;
  o.nppes = dir.File("main.csv");
  o.pl = TestData("pl_pfile_20251103-20251109.csv");
  o.othername = TestData("othername_pfile_20251103-20251109.csv");
  o.endpoint = TestData("endpoint_pfile_20251103-20251109.csv");
  o.out = dir.File("w.snap");
  IngestSummary sum;
  std::vector<IngestError> errors;
  ASSERT_TRUE(Ingest(o, &sum, &errors).ok());
  EXPECT_EQ(sum.rejected, 0u) << "the real weekly files have no malformed rows";
  size_t attached = 0;
  for (const std::string& npi : chosen)
    attached += pl_by[npi].size() + names_by[npi].size() + eps_by[npi].size();
  EXPECT_EQ(sum.orphaned, pl.size() + names.size() + eps.size() - attached);
  EXPECT_EQ(errors.size(), sum.orphaned);
  for (const IngestError& e : errors) {
    EXPECT_GT(e.line, 1u);
    EXPECT_EQ(e.field, "NPI");
  }

  auto snap = Snapshot::Open(o.out);
  ASSERT_TRUE(snap.ok());
  testing::ExpectTextMatchesRecords(**snap);  // other names from the side file included
  for (const std::string& npi : chosen) {
    SCOPED_TRACE(npi);
    size_t row = static_cast<size_t>((*snap)->Find(static_cast<uint32_t>(std::stoul(npi))));
    Record r;
    ASSERT_TRUE((*snap)->GetRecord(row, &r).ok());
    ASSERT_EQ(r.secondary.size(), pl_by[npi].size());
    EXPECT_EQ((*snap)->locations(row).size(), 1 + pl_by[npi].size());
    for (size_t k = 0; k < r.secondary.size(); ++k) {
      const auto& v = pl[pl_by[npi][k]];
      const Address& a = r.secondary[k].address;
      EXPECT_EQ(a.line1, v[1]);
      EXPECT_EQ(a.line2, v[2]);
      EXPECT_EQ(a.city, v[3]);
      EXPECT_EQ(a.state, v[4]);
      EXPECT_EQ(a.postal_code, v[5]);
      EXPECT_EQ(a.country, v[6]);
      EXPECT_EQ(a.phone, v[7]);
      EXPECT_EQ(a.phone_ext, v[8]);
      EXPECT_EQ(a.fax, v[9]);
    }
    ASSERT_EQ(r.other_org_names.size(), names_by[npi].size());
    for (size_t k = 0; k < r.other_org_names.size(); ++k) {
      EXPECT_EQ(r.other_org_names[k].name, names[names_by[npi][k]][1]);
      EXPECT_EQ(r.other_org_names[k].type_code, names[names_by[npi][k]][2]);
    }
    ASSERT_EQ(r.endpoints.size(), eps_by[npi].size());
    for (size_t k = 0; k < r.endpoints.size(); ++k) {
      const auto& v = eps[eps_by[npi][k]];
      const Endpoint& e = r.endpoints[k];
      EXPECT_EQ(e.type, v[1]);
      EXPECT_EQ(e.endpoint, v[3]);
      EXPECT_EQ(e.affiliation, v[4]);
      EXPECT_EQ(e.affiliation_address.line1, v[13]);
      EXPECT_EQ(e.affiliation_address.postal_code, v[18]);
    }
  }
}

// Same synthetic input read on one thread and on two with small windows
// gives identical snapshots (columns and record bytes).
TEST(Determinism, ThreadsAndWindowsDoNotChangeTheSnapshot) {
  TempDir dir;
  auto run = testing::RunMeridian("synth --rows 30000 --seed 5 --out " + dir.File("s.csv"), dir);
  ASSERT_EQ(run.code, 0) << run.err;
  IngestOptions a;
  a.nppes = dir.File("s.csv");
  a.pl = dir.File("s_pl.csv");
  a.out = dir.File("a.snap");
  a.threads = 1;
  IngestOptions b = a;
  b.out = dir.File("b.snap");
  b.threads = 2;
  b.window_bytes = 4u << 20;
  IngestSummary sa, sb;
  std::vector<IngestError> ea, eb;
  ASSERT_TRUE(Ingest(a, &sa, &ea).ok());
  ASSERT_TRUE(Ingest(b, &sb, &eb).ok());
  EXPECT_TRUE(sa.synthetic);
  EXPECT_EQ(sa.records, 30000u);
  EXPECT_EQ(sa.rejected, 0u);
  auto x = Snapshot::Open(a.out), y = Snapshot::Open(b.out);
  ASSERT_TRUE(x.ok() && y.ok());
  ASSERT_EQ((*x)->size(), (*y)->size());
  EXPECT_TRUE((*x)->synthetic());
  for (size_t i = 0; i < (*x)->size(); ++i) {
    ASSERT_EQ((*x)->npi(i), (*y)->npi(i));
    ASSERT_EQ((*x)->core_bytes(i), (*y)->core_bytes(i));
    ASSERT_EQ((*x)->attached_bytes(i), (*y)->attached_bytes(i));
    ASSERT_EQ((*x)->primary_taxonomy(i), (*y)->primary_taxonomy(i));
    ASSERT_EQ((*x)->locations(i).size(), (*y)->locations(i).size());
  }
}

}  // namespace
}  // namespace meridian
