#include "digest/compose.h"

#include <gtest/gtest.h>

#include "digest/wording.h"
#include "text/readability.h"

namespace meridian::digest {
namespace {

TEST(Week, IsoWeeksAndTheirMondays) {
  struct Case {
    const char* id;
    const char* monday;  // UTC
    int64_t start;
  };
  // 2026-11-30 is a Monday; 2026 has 53 ISO weeks (Jan 1 is a Thursday);
  // 2021-W01 starts 2021-01-04; 2020-W53 starts 2020-12-28.
  for (const Case& c :
       {Case{"2026-W49", "2026-11-30", 1795996800}, Case{"2026-W53", "2026-12-28", 0},
        Case{"2021-W01", "2021-01-04", 1609718400}, Case{"2020-W53", "2020-12-28", 1609113600}}) {
    auto w = ParseWeek(c.id);
    ASSERT_TRUE(w.ok()) << c.id << ": " << w.status().ToString();
    EXPECT_EQ(w->end - w->start, 7 * 86400);
    if (c.start != 0) EXPECT_EQ(w->start, c.start) << c.id;
    EXPECT_EQ(WeekOf(w->start).id, c.id);
    EXPECT_EQ(WeekOf(w->end - 1).id, c.id);
    EXPECT_NE(WeekOf(w->end).id, c.id);
  }
  EXPECT_EQ(ParseWeek("2026-W49")->start, 1795996800);  // 2026-11-30 00:00 UTC
  for (const char* bad :
       {"2026-49", "2026-W00", "2025-W53", "2026-W54", "26-W01", "2026-W4x", "2026-W049", ""})
    EXPECT_FALSE(ParseWeek(bad).ok()) << bad;
}

TEST(ConsentWording, ReadsAtGradeEightOrBelow) {
  EXPECT_LE(FleschKincaidGrade(kConsentWording), 8.0);
}

TEST(SiteFor, MailDomainFromThePublicAddress) {
  EXPECT_EQ(SiteFor("https://care.example.org/").from_address, "digest@care.example.org");
  EXPECT_EQ(SiteFor("https://care.example.org/").public_url, "https://care.example.org");
  EXPECT_EQ(SiteFor("https://care.example.org").list_id, "weekly-digest.care.example.org");
  EXPECT_EQ(SiteFor("http://127.0.0.1:8080").from_address, "digest@localhost.localdomain");
  EXPECT_EQ(SiteFor("http://[::1]:8080").from_address, "digest@localhost.localdomain");
}

TEST(Compose, MessagesAreReadableAndCarryTheirLinks) {
  const DigestSite site = SiteFor("https://care.example.org");
  const DigestKeys keys(std::string(32, 'k'), std::string(32, 's'));
  store::Subscriber s;
  s.id = 9, s.created = 100, s.email = "ann@example.org", s.email_hash = keys.EmailHash(s.email);
  s.status = "active";
  const int64_t now = 1796342400;
  const MailMessage confirm = ComposeConfirmation(site, keys, s, now);
  EXPECT_TRUE(confirm.unsubscribe_url.empty());
  EXPECT_NE(confirm.text.find("https://care.example.org/digest/confirm?t=confirm.9.100."),
            std::string::npos);
  EXPECT_NE(confirm.html.find("href=\"https://care.example.org/digest/confirm?t="),
            std::string::npos);
  const MailMessage notice = ComposeAlreadySubscribed(site, keys, s, now);
  EXPECT_NE(notice.text.find("/digest/manage?t=manage.9.100.0."), std::string::npos);

  std::vector<std::pair<std::string, std::string>> files = content::ContentLibrary::EmbeddedFiles();
  content::ContentRules rules;
  for (const Modality& m : ModalityMap::Embedded().modalities()) rules.modalities.push_back(m.id);
  rules.today = "2026-12-02";
  std::vector<content::ContentIssue> issues;
  auto lib = content::ContentLibrary::Build(files, rules, &issues);
  ASSERT_FALSE(lib->articles().empty());
  WeekIssue issue =
      MakeWeekIssue(*ParseWeek("2030-W10"), *lib, nullptr, ModalityMap::Embedded(), nullptr);
  EXPECT_TRUE(issue.new_articles.empty());  // nothing published that week
  EXPECT_EQ(issue.recent_articles.size(), std::min<size_t>(3, lib->articles().size()));
  s.place = "53703";
  const MailMessage d = ComposeDigest(site, keys, issue, s, now);
  EXPECT_EQ(d.message_id, DigestMessageId(site, "2030-W10", s.email_hash));
  EXPECT_EQ(
      d.unsubscribe_url.rfind("https://care.example.org/digest/unsubscribe?t=manage.9.100.0.", 0),
      0u);
  EXPECT_NE(d.text.find("no registry update to compare"), std::string::npos);
  EXPECT_NE(d.text.find(d.unsubscribe_url), std::string::npos);  // a visible unsubscribe link
  for (const content::Article* a : issue.recent_articles)
    EXPECT_NE(d.html.find("https://care.example.org/articles/" + a->slug), std::string::npos);
  // No images, no scripts, no remote styles.
  for (const MailMessage* m : {&confirm, &notice, &d}) {
    EXPECT_EQ(m->html.find("<img"), std::string::npos);
    EXPECT_EQ(m->html.find("<script"), std::string::npos);
    EXPECT_EQ(m->html.find("<link"), std::string::npos);
    EXPECT_NE(m->html.find("<html lang=\"en\">"), std::string::npos);
    // Our own words (article titles and summaries are checked by the content checker).
    std::string words = m->text;
    for (const content::Article* a : issue.recent_articles) {
      for (const std::string* part : {&a->title, &a->summary}) {
        size_t at;
        while ((at = words.find(*part)) != std::string::npos) words.erase(at, part->size());
      }
    }
    EXPECT_LE(FleschKincaidGrade(words), 8.0) << words;
  }
}

}  // namespace
}  // namespace meridian::digest
