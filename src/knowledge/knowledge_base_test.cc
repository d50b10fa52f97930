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
  EXPECT_EQ(kb->rules().size(), 51u * std::size(KnowledgeBase::kTopics));
  // Facts as the cited texts give them (data/knowledge/state_rules.csv).
  const StateRule* nj = kb->Rule("NJ", "pt_dry_needling");  // N.J.S.A. 45:9-37.34j
  ASSERT_NE(nj, nullptr);
  EXPECT_EQ(nj->status, "allowed");
  EXPECT_EQ(nj->min_hours, 40);
  EXPECT_EQ(nj->effective_date, "2022-04-18");
  EXPECT_EQ(kb->Rule("FL", "dc_dry_needling")->min_hours, 40);  // Fla. Admin. Code 64B2-17.004
  EXPECT_EQ(kb->Rule("WI", "acupuncture_license")->status, "certified");
  EXPECT_EQ(kb->Rule("PR", "pt_dry_needling"), nullptr);
  for (const StateRule& r : kb->rules()) {
    const std::string where = r.usps + " " + r.topic;
    if (r.status == "unknown") {
      EXPECT_NE(r.confidence, "confirmed") << where;
    }
    if (r.min_hours) {
      EXPECT_TRUE(r.status == "allowed" || r.status == "licensed" || r.status == "certified" ||
                  r.status == "registered")
          << where;
    }
    EXPECT_NE(r.confidence, "dated") << where;  // confirmed, sources_disagree or unconfirmed
    EXPECT_EQ(r.as_of.size(), 10u) << where;    // the date it was read
  }
  const Credential* cnt = kb->FindCredential("cnt");
  ASSERT_NE(cnt, nullptr);
  EXPECT_FALSE(cnt->is_credential);  // a short course, never shown as a credential
  for (const Credential& c : kb->credentials()) EXPECT_FALSE(c.issuer_sources.empty()) << c.id;
  EXPECT_EQ(kb->Lookup("UT", "acupuncture")->profession, "acupuncture");
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

// A small, valid rules file: one row per state (50 + DC) and topic.
std::string ValidRules() {
  std::string out =
      "usps,topic,status,title_protected,board,exam,nccaom_required,min_hours,conditions,"
      "effective_date,citation,quote,law_date,sources,as_of,confidence,note\n";
  for (const std::string& code : StateTable::Embedded().codes()) {
    if (!StateTable::IsStateOrDc(code)) continue;
    for (const char* topic : KnowledgeBase::kTopics) {
      const bool acu = std::string(topic) == "acupuncture_license";
      out += code + "," + topic + ",unknown," + (acu ? "unknown" : "") + ",,," +
             (acu ? "unknown" : "") + ",,,,,,,https://example.gov/" + code +
             ",2026-12-01,unconfirmed,\n";
    }
  }
  return out;
}

TEST(KnowledgeBase, ParseRefusesFactsWithoutProvenanceAndNamesTheLine) {
  const std::string creds = std::string(EmbeddedCredentialsCsv());
  const std::string rules = ValidRules();
  ASSERT_TRUE(KnowledgeBase::Parse(creds, rules, StateTable::Embedded()).ok());
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
  const std::string wi = "WI,pt_dry_needling,unknown,,,,,,,,,,,https://example.gov/WI,2026-12-01,";
  auto wi_row = [&](const std::string& row) { return replace(rules, wi + "unconfirmed,", row); };
  // No source, an unknown confidence, "dated" (not a state-rule word), a
  // date that is not the day it was read, a duplicate, a missing state,
  // hours on a prohibition, a quote without its section, a moved column.
  expect_error(creds, wi_row("WI,pt_dry_needling,unknown,,,,,,,,,,,,2026-12-01,unconfirmed,"),
               "sources: at least one source is required");
  expect_error(creds, wi_row(wi + "probably,"), "confidence");
  expect_error(creds, wi_row(wi + "dated,"), "confirmed, sources_disagree or unconfirmed");
  expect_error(creds,
               wi_row("WI,pt_dry_needling,unknown,,,,,,,,,,,https://example.gov/WI,2026,"
                      "unconfirmed,"),
               "as_of");
  std::string first_rule = rules.substr(rules.find('\n') + 1);
  first_rule = first_rule.substr(0, first_rule.find('\n') + 1);
  expect_error(creds, rules + first_rule, "second rule");
  std::string no_wy = rules.substr(0, rules.find("\nWY,") + 1);
  expect_error(creds, no_wy, "rule for WY");
  expect_error(creds,
               wi_row("WI,pt_dry_needling,prohibited,,,,,20,,,,,,https://example.gov/WI,"
                      "2026-12-01,unconfirmed,"),
               "min_hours");
  expect_error(creds,
               wi_row("WI,pt_dry_needling,allowed,,,,,,,,,Some words.,,https://example.gov/WI,"
                      "2026-12-01,unconfirmed,"),
               "citation");
  expect_error(creds, replace(rules, "usps,topic,status", "topic,usps,status"), "header");
  expect_error(replace(creds, "|LICAC|", "|LIC.AC|"), rules, "text_tokens");
  // A credential without a page from its issuer.
  const std::string cnt_pages =
      "https://www.ccaom.org/ccaom/Clean_Needle_Technique_Course_FAQs.asp|"
      "https://www.ccaom.org/ccaom/Policies_and_Procedures.asp";
  expect_error(replace(creds, cnt_pages + "," + cnt_pages + ",", cnt_pages + ",,"), rules,
               "issuer_sources");
}

TEST(KnowledgeBase, LicenseLookupsAreCheckedAndFound) {
  KnowledgeBase kb = std::move(
      KnowledgeBase::Parse(EmbeddedCredentialsCsv(), ValidRules(), StateTable::Embedded()).value());
  const std::string head = "usps,profession,board,lookup_url,sources,as_of,confidence,note\n";
  const std::string ut =
      "UT,acupuncture,Utah Division of Professional Licensing,https://dopl.utah.gov/,"
      "https://dopl.utah.gov/,2026-12-01,confirmed,\n";
  ASSERT_TRUE(kb.AddLicenseLookups(head + ut).ok());
  ASSERT_NE(kb.Lookup("UT", "acupuncture"), nullptr);
  EXPECT_EQ(kb.Lookup("UT", "acupuncture")->url, "https://dopl.utah.gov/");
  EXPECT_EQ(kb.Lookup("UT", "massage"), nullptr);
  auto refused = [&](const std::string& csv, const std::string& want) {
    KnowledgeBase fresh = std::move(
        KnowledgeBase::Parse(EmbeddedCredentialsCsv(), ValidRules(), StateTable::Embedded())
            .value());
    Status s = fresh.AddLicenseLookups(csv);
    ASSERT_FALSE(s.ok()) << want;
    EXPECT_NE(s.message().find(want), std::string::npos) << s.message();
  };
  refused(head + ut + ut, "second row");
  refused(head +
              "UT,dentistry,X,https://dopl.utah.gov/,https://dopl.utah.gov/,2026-12-01,"
              "confirmed,\n",
          "profession");
  refused(head + "UT,massage,,,https://dopl.utah.gov/,2026-12-01,unconfirmed,\n",
          "why there is no lookup page");
  refused(head + "PR,massage,X,https://x.gov/,https://x.gov/,2026-12-01,unconfirmed,\n",
          "unknown state");
  refused("usps,profession,board,url,sources,as_of,confidence,note\n", "header");
}

TEST(KnowledgeBase, ProfessionOfMapsTaxonomyCodes) {
  EXPECT_EQ(ProfessionOf("171100000X", ""), "acupuncture");
  EXPECT_EQ(ProfessionOf("111NS0005X", ""), "chiropractic");
  EXPECT_EQ(ProfessionOf("2251X0800X", ""), "physical_therapy");
  EXPECT_EQ(ProfessionOf("225700000X", ""), "massage");
  EXPECT_EQ(ProfessionOf("207R00000X", "M.D."), "medicine");
  EXPECT_EQ(ProfessionOf("208VP0014X", "D.O."), "osteopathic");
  EXPECT_EQ(ProfessionOf("363L00000X", ""), "");
}

}  // namespace
}  // namespace meridian
