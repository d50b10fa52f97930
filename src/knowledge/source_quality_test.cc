#include "knowledge/source_quality.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "data/embedded.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

SourceDomains Domains(const std::string& rows) {
  auto d = SourceDomains::Parse("domain,class,name,reviewed_on\n" + rows);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return std::move(d).value();
}

TEST(SourceDomains, ClassifiesByTheLongestListedParent) {
  SourceDomains d = Domains(
      "gov,official,US government,2026-12-01\n"
      "ncbi.nlm.nih.gov,research,PubMed,2026-12-01\n"
      "cornell.edu,legal_copy,LII,2026-12-01\n"
      "blog.example,other,A blog,2026-12-01\n");
  EXPECT_EQ(d.Classify("https://dopl.utah.gov/x"), SourceClass::kOfficial);
  EXPECT_EQ(d.Classify("https://pubmed.ncbi.nlm.nih.gov/123/"), SourceClass::kResearch);
  EXPECT_EQ(d.Classify("https://www.LAW.cornell.edu:443/regulations"), SourceClass::kLegalCopy);
  EXPECT_EQ(d.Classify("http://blog.example"), SourceClass::kOther);
  // Only whole labels match: "notgov" is not under "gov", "xcornell.edu" is
  // not under "cornell.edu".
  EXPECT_EQ(d.Classify("https://notgov/"), std::nullopt);
  EXPECT_EQ(d.Classify("https://xcornell.edu/"), std::nullopt);
  EXPECT_EQ(d.Classify("not a url"), std::nullopt);
  EXPECT_EQ(SourceDomains::HostOf("https://user@Host.Example:8080/p?q#f"), "host.example");
}

TEST(SourceDomains, RefusesBadRowsByLineAndField) {
  auto bad = [](const std::string& row, const std::string& want) {
    auto d = SourceDomains::Parse("domain,class,name,reviewed_on\n" + row);
    ASSERT_FALSE(d.ok()) << row;
    EXPECT_NE(d.status().message().find(want), std::string::npos) << d.status().message();
  };
  bad("example.org,trusted,X,2026-12-01\n", "line 2, class");
  bad("https://example.org,official,X,2026-12-01\n", "line 2, domain");
  bad("example.org,official,X,\n", "reviewed_on");
  bad("a.org,other,X,2026-12-01\na.org,other,Y,2026-12-01\n", "line 3, domain: listed twice");
}

TEST(SourceQuality, UrlsInFindsEveryAddress) {
  EXPECT_EQ(UrlsIn("a,https://x.gov/a|http://y.org/b,\"see https://z.com/c.\" (http://w.net)"),
            (std::vector<std::string>{"https://x.gov/a", "http://y.org/b", "https://z.com/c",
                                      "http://w.net"}));
  EXPECT_TRUE(UrlsIn("httpd and https: alone").empty());
}

// A small knowledge base whose one interesting rule is `row` (WI pt_dry_needling).
KnowledgeBase WithRule(const std::string& row) {
  std::string rules =
      "usps,topic,status,title_protected,board,exam,nccaom_required,min_hours,conditions,"
      "effective_date,citation,quote,law_date,sources,as_of,confidence,note\n";
  for (const std::string& code : StateTable::Embedded().codes()) {
    if (!StateTable::IsStateOrDc(code)) continue;
    for (const char* topic : KnowledgeBase::kTopics) {
      if (code == "WI" && std::string(topic) == "pt_dry_needling") {
        rules += row + "\n";
        continue;
      }
      const bool acu = std::string(topic) == "acupuncture_license";
      rules += code + "," + topic + ",unknown," + (acu ? "unknown" : "") + ",,," +
               (acu ? "unknown" : "") + ",,,,,,,https://x.gov/" + code +
               ",2026-12-01,unconfirmed,\n";
    }
  }
  auto kb = KnowledgeBase::Parse(EmbeddedCredentialsCsv(), rules, StateTable::Embedded());
  EXPECT_TRUE(kb.ok()) << kb.status().ToString();
  return std::move(kb).value();
}

std::vector<std::string> ProblemsAbout(const KnowledgeBase& kb, const SourceDomains& d,
                                       const std::string& where) {
  std::vector<std::string> out;
  for (const std::string& p : CheckSources(kb, d))
    if (p.find(where) != std::string::npos) out.push_back(p);
  return out;
}

TEST(SourceQuality, ConfirmedNeedsThePrimaryTextAndOtherClaimsNoMore) {
  auto d = SourceDomains::Parse(EmbeddedSourceDomainsCsv());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const std::string where = "state_rules.csv WI pt_dry_needling";
  const std::string head = "WI,pt_dry_needling,allowed,,,,,,,,";
  // A statute copy with its section and quote: passes.
  EXPECT_TRUE(ProblemsAbout(WithRule(head + "Wis. Stat. § 1,Some words.,,"
                                            "https://law.cornell.edu/x,2026-12-01,confirmed,"),
                            *d, where)
                  .empty());
  // No quote.
  EXPECT_EQ(ProblemsAbout(WithRule(head + "Wis. Stat. § 1,,,https://law.cornell.edu/x,2026-12-01,"
                                          "confirmed,"),
                          *d, where),
            std::vector<std::string>{where + ": confirmed without a quote from the cited text"});
  // Only an association's table: not primary.
  EXPECT_EQ(ProblemsAbout(WithRule(head + "Wis. Stat. § 1,Some words.,,https://www.apta.org/x,"
                                          "2026-12-01,confirmed,"),
                          *d, where),
            std::vector<std::string>{
                where + ": confirmed without a primary source (official or legal_copy)"});
  // Only a course vendor: no more than unconfirmed.
  auto vendor = ProblemsAbout(
      WithRule(head + ",,,https://www.pphc.co/resources,2026-12-01,sources_disagree,Two views."),
      *d, where);
  EXPECT_TRUE(vendor.empty());
  auto claimed = ProblemsAbout(
      WithRule(head + "Wis. Stat. § 1,Some words.,,https://www.pphc.co/resources,2026-12-01,"
                      "confirmed,"),
      *d, where);
  ASSERT_FALSE(claimed.empty());
  EXPECT_NE(claimed[0].find("only sources are of class other"), std::string::npos);
  // A domain nobody reviewed.
  auto unknown = ProblemsAbout(
      WithRule(head + ",,,https://unreviewed.example/x,2026-12-01,unconfirmed,"), *d, where);
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_NE(unknown[0].find("not in source_domains.csv"), std::string::npos);
}

// The build's source-quality gate: the embedded knowledge passes every rule,
// and every address in every file under data/knowledge/ is in the reviewed
// domain table.
TEST(SourceQuality, EmbeddedKnowledgePassesAndEveryUrlIsClassified) {
  auto d = SourceDomains::Parse(EmbeddedSourceDomainsCsv());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const KnowledgeBase& kb = testing::EmbeddedKnowledge();
  std::string all;
  for (const std::string& p : CheckSources(kb, *d)) all += "\n  " + p;
  EXPECT_TRUE(all.empty()) << "source problems:" << all;
  size_t urls = 0;
  std::string unclassified;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::SourceDir() + "/data/knowledge")) {
    const std::string name = entry.path().filename().string();
    if (name == "source_domains.csv") continue;
    for (const std::string& u : UrlsIn(testing::ReadAll(entry.path().string()))) {
      ++urls;
      if (!d->Classify(u)) unclassified += "\n  " + name + ": " + u;
    }
  }
  EXPECT_GT(urls, 500u);
  EXPECT_TRUE(unclassified.empty()) << "addresses whose domain is not reviewed:" << unclassified;
}

// data/knowledge/README.md carries the current coverage report, word for
// word (MERIDIAN_UPDATE_GOLDEN=1 rewrites it).
TEST(SourceQuality, ReadmeCarriesTheCurrentReport) {
  auto d = SourceDomains::Parse(EmbeddedSourceDomainsCsv());
  ASSERT_TRUE(d.ok());
  const std::string report = KnowledgeReport(testing::EmbeddedKnowledge(), *d);
  EXPECT_NE(report.find("| acupuncture_license |"), std::string::npos);
  const std::string path = testing::SourceDir() + "/data/knowledge/README.md";
  std::string readme = testing::ReadAll(path);
  const std::string begin = "<!-- knowledge report: begin -->\n",
                    end = "<!-- knowledge report: end -->";
  const size_t a = readme.find(begin), b = readme.find(end);
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  const std::string current = readme.substr(a + begin.size(), b - a - begin.size());
  if (current != report && std::getenv("MERIDIAN_UPDATE_GOLDEN") != nullptr) {
    readme.replace(a + begin.size(), b - a - begin.size(), report);
    testing::WriteAll(path, readme);
    return;
  }
  EXPECT_EQ(current, report) << "run `meridian knowledge report` and paste it into " << path
                             << " (or MERIDIAN_UPDATE_GOLDEN=1)";
}

}  // namespace
}  // namespace meridian
