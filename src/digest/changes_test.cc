#include "digest/changes.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <set>

#include "digest/compose.h"
#include "geo/distance.h"
#include "geo/zcta.h"
#include "index/search_index.h"
#include "model/fields.h"
#include "testing/test_util.h"

namespace meridian::digest {
namespace {

using testing::NppesRow;
using testing::TempDir;

std::string Npi(int n) {
  std::string first9 = std::to_string(100000000 + n);
  return first9 + std::to_string(NpiCheckDigit(first9));
}

std::string Row(const std::string& npi, const std::string& zip, const std::string& taxonomy,
                const std::string& last = "Lee") {
  return NppesRow({{"NPI", npi},
                   {"Entity Type Code", "1"},
                   {"Provider Last Name (Legal Name)", last},
                   {"Provider First Name", "Ann"},
                   {"Provider Business Practice Location Address City Name", "MADISON"},
                   {"Provider Business Practice Location Address State Name", "WI"},
                   {"Provider Business Practice Location Address Postal Code", zip},
                   {"Healthcare Provider Taxonomy Code_1", taxonomy},
                   {"Healthcare Provider Primary Taxonomy Switch_1", "Y"}});
}

std::unique_ptr<Snapshot> Build(const TempDir& dir, const std::string& name,
                                const std::string& rows) {
  const std::string csv = dir.File(name + ".csv"), snap = dir.File(name + ".snap");
  testing::WriteAll(csv, testing::NppesHeaderLine() + rows);
  testing::IngestOrDie(csv, snap);
  auto s = Snapshot::Open(snap);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s).value();
}

TEST(WeekChanges, NewMovedAndDeactivatedFromTwoSnapshots) {
  TempDir dir;
  const std::string acu = "171100000X", pt = "225100000X", massage = "225700000X",
                    dentist = "122300000X";
  auto before = Build(dir, "before",
                      Row(Npi(1), "53703", acu) + Row(Npi(2), "53703", pt) +
                          Row(Npi(3), "53202", acu) + Row(Npi(4), "53703", acu));
  auto after = Build(dir, "after",
                     Row(Npi(1), "53703", acu) + Row(Npi(2), "10001", pt) +  // moved to New York
                         Row(Npi(3), "53202", acu) +
                         NppesRow({{"NPI", Npi(4)}, {"NPI Deactivation Date", "11/30/2026"}}) +
                         Row(Npi(5), "53703", acu, "Kim") + Row(Npi(6), "53703", massage) +
                         Row(Npi(7), "53703", dentist));  // not a kind of care Meridian lists
  auto w = WeekChanges::Diff(before.get(), *after, ModalityMap::Embedded(),
                             &testing::EmbeddedKnowledge());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE(w->has_previous());
  EXPECT_EQ(w->deactivated(), 1u);
  std::map<std::string, ProviderChange::Kind> got;
  for (const ProviderChange& c : w->changes()) got[std::to_string(c.npi)] = c.kind;
  EXPECT_EQ(got, (std::map<std::string, ProviderChange::Kind>{{Npi(2), ProviderChange::kMoved},
                                                              {Npi(4), ProviderChange::kLeft},
                                                              {Npi(5), ProviderChange::kNew},
                                                              {Npi(6), ProviderChange::kNew}}));
  LatLon madison, nyc;
  ASSERT_TRUE(ZctaTable::Embedded().Find("53703", &madison));
  ASSERT_TRUE(ZctaTable::Embedded().Find("10001", &nyc));
  auto npis = [&](const std::vector<size_t>& idx) {
    std::set<std::string> s;
    for (size_t k : idx) s.insert(std::to_string(w->changes()[k].npi));
    return s;
  };
  EXPECT_EQ(npis(w->Near(madison.lat, madison.lon, 10, 0)),
            (std::set<std::string>{Npi(4), Npi(5), Npi(6)}));
  const ModalityMask acu_mask =
      static_cast<ModalityMask>(1u << ModalityMap::Embedded().Find("acupuncture"));
  EXPECT_EQ(npis(w->Near(madison.lat, madison.lon, 10, acu_mask)),
            (std::set<std::string>{Npi(4), Npi(5)}));
  EXPECT_EQ(npis(w->Near(nyc.lat, nyc.lon, 5, 0)), std::set<std::string>{Npi(2)});
  for (const ProviderChange& c : w->changes()) {
    EXPECT_FALSE(c.name.empty());
    EXPECT_EQ(c.place, "Madison, WI");
  }
  // The email's "new near you" for a subscriber in Madison.
  content::ContentRules rules;
  rules.modalities = {"acupuncture"};
  std::vector<content::ContentIssue> issues;
  auto lib = content::ContentLibrary::Build({}, rules, &issues);
  const WeekIssue issue =
      MakeWeekIssue(*ParseWeek("2026-W49"), *lib, &*w, ModalityMap::Embedded(), after.get());
  store::Subscriber s;
  s.id = 1, s.created = 1, s.email = "ann@example.org", s.email_hash = "ab", s.place = "53703";
  s.radius_miles = 10;
  const DigestKeys keys(std::string(32, 'k'), std::string(32, 's'));
  const MailMessage m = ComposeDigest(SiteFor("https://x.example.org"), keys, issue, s, 1);
  EXPECT_NE(m.text.find("2 practitioners joined the registry or moved within 10 miles of 53703"),
            std::string::npos)
      << m.text;
  EXPECT_NE(m.text.find("https://x.example.org/provider/" + Npi(5)), std::string::npos);
  EXPECT_NE(m.text.find("1 practitioner within 10 miles of 53703 left the registry"),
            std::string::npos);
  EXPECT_EQ(m.text.find("/provider/" + Npi(4)), std::string::npos);  // no link to a gone listing
  EXPECT_NE(m.subject.find(": 2 new near 53703"), std::string::npos) << m.subject;
  // No earlier snapshot: nothing is new.
  auto none = WeekChanges::Diff(nullptr, *after, ModalityMap::Embedded(), nullptr);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_previous());
  EXPECT_TRUE(none->changes().empty());
}

// On generated data: the merge diff against a set difference, and Near()
// against a scan of every change.
TEST(WeekChanges, AgreesWithOraclesOnGeneratedData) {
  TempDir dir;
  ASSERT_EQ(testing::RunMeridian("synth --rows 3000 --seed 9 --out " + dir.File("n.csv"), dir).code,
            0);
  std::ifstream in(dir.File("n.csv"));
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l + "\n");
  std::string all, fewer;
  for (size_t i = 0; i < lines.size(); ++i) {
    all += lines[i];
    if (i + 300 < lines.size()) fewer += lines[i];  // the last 300 rows are this week's
  }
  testing::WriteAll(dir.File("all.csv"), all);
  testing::WriteAll(dir.File("fewer.csv"), fewer);
  testing::IngestOrDie(dir.File("all.csv"), dir.File("after.snap"), dir.File("n_pl.csv"));
  testing::IngestOrDie(dir.File("fewer.csv"), dir.File("before.snap"), dir.File("n_pl.csv"));
  auto after = Snapshot::Open(dir.File("after.snap"));
  auto before = Snapshot::Open(dir.File("before.snap"));
  ASSERT_TRUE(after.ok() && before.ok());
  const KnowledgeBase& kb = testing::EmbeddedKnowledge();
  auto w = WeekChanges::Diff(before->get(), **after, ModalityMap::Embedded(), &kb);
  ASSERT_TRUE(w.ok());
  std::set<uint32_t> expected;
  for (size_t row = 0; row < (*after)->size(); ++row) {
    const auto locs = (*after)->locations(row);
    if ((*before)->Find((*after)->npi(row)) >= 0 ||
        (*after)->entity(row) == EntityType::kDeactivated || locs.empty() ||
        locs[0].precision == 0 ||
        ProviderModalities(**after, row, ModalityMap::Embedded(), &kb) == 0)
      continue;
    expected.insert((*after)->npi(row));
  }
  std::set<uint32_t> got;
  for (const ProviderChange& c : w->changes()) got.insert(c.npi);
  EXPECT_GT(expected.size(), 50u);
  EXPECT_EQ(got, expected);
  std::mt19937 rng(3);
  for (int i = 0; i < 200; ++i) {
    const ProviderChange& at = w->changes()[rng() % w->changes().size()];
    const double lat = at.lat + std::uniform_real_distribution<double>(-1, 1)(rng);
    const double lon = at.lon + std::uniform_real_distribution<double>(-1, 1)(rng);
    const double radius = std::uniform_real_distribution<double>(1, 100)(rng);
    const ModalityMask care = static_cast<ModalityMask>(rng() % 4 == 0 ? 0 : 1u << (rng() % 6));
    std::vector<size_t> oracle;
    for (size_t k = 0; k < w->changes().size(); ++k) {
      const ProviderChange& c = w->changes()[k];
      if ((care == 0 || (c.modalities & care) != 0) &&
          HaversineMiles(lat, lon, c.lat, c.lon) <= radius)
        oracle.push_back(k);
    }
    std::vector<size_t> near = w->Near(lat, lon, radius, care);
    std::vector<size_t> sorted = near;
    std::sort(sorted.begin(), sorted.end());
    ASSERT_EQ(sorted, oracle) << "lat " << lat << " lon " << lon << " radius " << radius;
    for (size_t k = 1; k < near.size(); ++k)
      EXPECT_LE(
          HaversineMiles(lat, lon, w->changes()[near[k - 1]].lat, w->changes()[near[k - 1]].lon),
          HaversineMiles(lat, lon, w->changes()[near[k]].lat, w->changes()[near[k]].lon));
  }
}

}  // namespace
}  // namespace meridian::digest
