#include "knowledge/knowledge_base.h"

#include <gtest/gtest.h>

#include <sstream>

#include "data/embedded.h"
#include "testing/test_util.h"
#include "util/csv.h"

namespace meridian {
namespace {

std::vector<std::string> Ids(const std::vector<const Credential*>& cs) {
  std::vector<std::string> out;
  for (const Credential* c : cs) out.push_back(c->id);
  return out;
}

TEST(KnowledgeBase, EmbeddedDataLoadsWithEveryStateAndTopic) {
  auto kb = KnowledgeBase::LoadEmbedded();
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  EXPECT_EQ(kb->rules().size(), 51u * 3);
  // Facts as the sources give them; unknown stays unknown.
  const StateRule* wi = kb->Rule("WI", "pt_dry_needling");
  ASSERT_NE(wi, nullptr);
  EXPECT_EQ(wi->status, "allowed");
  EXPECT_FALSE(wi->min_hours.has_value());  // no Wisconsin hour rule was found
  EXPECT_EQ(kb->Rule("CA", "pt_dry_needling")->status, "prohibited");
  EXPECT_EQ(kb->Rule("FL", "dc_dry_needling")->min_hours, 40);
  EXPECT_EQ(kb->Rule("WI", "dc_dry_needling")->status, "unknown");
  EXPECT_EQ(kb->Rule("WI", "acupuncture_license")->status, "certified");
  EXPECT_EQ(kb->Rule("AL", "acupuncture_license")->status, "none");
  EXPECT_EQ(kb->Rule("PR", "pt_dry_needling"), nullptr);
  for (const StateRule& r : kb->rules()) {
    if (r.status == "unknown") {
      EXPECT_NE(r.confidence, "confirmed") << r.usps << " " << r.topic;
    }
    if (r.status != "allowed") {
      EXPECT_FALSE(r.min_hours.has_value()) << r.usps << " " << r.topic;
    }
  }
  const Credential* cnt = kb->FindCredential("cnt");
  ASSERT_NE(cnt, nullptr);
  EXPECT_FALSE(cnt->is_credential);  // a one-day course, never shown as a credential
}

TEST(KnowledgeBase, RecognizesCredentialTextRobustly) {
  auto kb = KnowledgeBase::LoadEmbedded();
  ASSERT_TRUE(kb.ok());
  EXPECT_EQ(Ids(kb->Recognize("L.AC.")), (std::vector<std::string>{"lac"}));
  EXPECT_EQ(Ids(kb->Recognize("LAc")), (std::vector<std::string>{"lac"}));
  EXPECT_EQ(Ids(kb->Recognize("l ac")), (std::vector<std::string>{"lac"}));
  EXPECT_EQ(Ids(kb->Recognize("Dipl. Ac., L.Ac.")), (std::vector<std::string>{"lac", "dipl_ac"}));
  EXPECT_EQ(Ids(kb->Recognize("D.O.")), (std::vector<std::string>{"do"}));
  EXPECT_EQ(Ids(kb->Recognize("DO")), (std::vector<std::string>{"do"}));
  EXPECT_EQ(Ids(kb->Recognize("PT, DPT")), (std::vector<std::string>{"pt", "dpt"}));
  EXPECT_EQ(Ids(kb->Recognize("P.T.")), (std::vector<std::string>{"pt"}));
  EXPECT_EQ(Ids(kb->Recognize("D.C.")), (std::vector<std::string>{"dc"}));
  EXPECT_EQ(Ids(kb->Recognize("LMT")), (std::vector<std::string>{"lmt"}));
  EXPECT_EQ(Ids(kb->Recognize("M.D.")), (std::vector<std::string>{"md"}));
  EXPECT_TRUE(kb->Recognize("").empty());
  EXPECT_TRUE(kb->Recognize("PHD").empty());
}

// The hit rate on the real sample: of the 99 NPPES rows' credential texts,
// how many name a credential Meridian explains. Printed for the notes; the
// floor only catches a broken matcher.
TEST(KnowledgeBase, HitRateOnTheRealSample) {
  auto kb = KnowledgeBase::LoadEmbedded();
  ASSERT_TRUE(kb.ok());
  std::istringstream in(testing::ReadAll(testing::TestData("npidata_sample_99.csv")));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header = testing::NaiveSplit(line);
  const size_t col =
      std::find(header.begin(), header.end(), "Provider Credential Text") - header.begin();
  ASSERT_LT(col, header.size());
  size_t with_text = 0, recognized = 0;
  std::vector<std::string> missed;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::vector<std::string> row = testing::NaiveSplit(line);
    if (row.size() <= col || row[col].empty()) continue;
    ++with_text;
    if (!kb->Recognize(row[col]).empty())
      ++recognized;
    else
      missed.push_back(row[col]);
  }
  std::string list;
  for (const std::string& m : missed) list += " [" + m + "]";
  std::printf("credential text recognized: %zu of %zu rows with text; not recognized:%s\n",
              recognized, with_text, list.c_str());
  EXPECT_GT(with_text, 30u);
  EXPECT_GE(recognized * 2, with_text);
}

TEST(KnowledgeBase, ParseRefusesFactsWithoutProvenanceAndNamesTheLine) {
  const std::string creds = std::string(EmbeddedCredentialsCsv());
  const std::string rules = std::string(EmbeddedStateRulesCsv());
  auto expect_error = [&](const std::string& c, const std::string& r, const std::string& want) {
    auto kb = KnowledgeBase::Parse(c, r, StateTable::Embedded());
    ASSERT_FALSE(kb.ok()) << want;
    EXPECT_NE(kb.status().message().find(want), std::string::npos) << kb.status().message();
  };
  auto replace = [](std::string s, const std::string& from, const std::string& to) {
    size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  // A rule without a source, with an unknown confidence, a duplicate, a
  // missing state, and hours on a prohibition.
  expect_error(creds,
               replace(rules, "https://www.pphc.co/resources,2026-01,dated,", ",2026-01,dated,"),
               "sources");
  expect_error(creds, replace(rules, ",dated,", ",probably,"), "confidence");
  std::string first_rule = rules.substr(rules.find('\n') + 1);
  first_rule = first_rule.substr(0, first_rule.find('\n') + 1);
  expect_error(creds, rules + first_rule, "second rule");
  std::string no_wy = rules.substr(0, rules.rfind("WY,pt_dry_needling"));
  expect_error(creds, no_wy, "no pt_dry_needling rule for WY");
  expect_error(
      creds,
      replace(rules, "CA,pt_dry_needling,prohibited,,,", "CA,pt_dry_needling,prohibited,,20,"),
      "min_hours");
  expect_error(replace(creds, "|LICAC|", "|LIC.AC|"), rules, "text_tokens");
}

}  // namespace
}  // namespace meridian
