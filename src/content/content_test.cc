#include "content/content.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "testing/test_util.h"

namespace meridian::content {
namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

const char* kAuthor = "---\nname: \"Editorial team\"\nrole: \"Editors\"\n---\n\nWe write.\n";
const char* kReviewer = "---\nname: \"Dr Ana Ruiz\"\ncredentials: \"MD\"\n---\n\nA doctor.\n";

std::string Article(const std::string& slug, const std::string& extra_front,
                    const std::string& body =
                        "You can ask about training. It is a fair "
                        "question [1].\n") {
  return "---\ntitle: \"A title\"\nslug: " + slug +
         "\nsummary: \"What it says.\"\nauthors: [team]\nreviewed_by: [ruiz]\n"
         "published: 2026-01-02\nupdated: 2026-01-03\nlast_reviewed: 2026-01-03\n"
         "next_review: 2027-01-03\nmodalities: [acupuncture]\ntags: [needling]\n"
         "sources:\n  - title: \"A source\"\n    publisher: \"NCCIH\"\n    year: 2022\n"
         "    url: \"https://www.nccih.nih.gov/\"\n" +
         extra_front + "---\n\n" + body;
}

ContentRules Rules() {
  ContentRules r;
  r.modalities = {"acupuncture", "dry_needling", "massage"};
  r.today = "2026-12-01";
  return r;
}

std::vector<ContentIssue> Check(Files files, std::shared_ptr<const ContentLibrary>* out = nullptr) {
  files.push_back({"c/authors/team.md", kAuthor});
  files.push_back({"c/authors/ruiz.md", kReviewer});
  std::vector<ContentIssue> issues;
  auto lib = ContentLibrary::Build(files, Rules(), &issues);
  if (out) *out = lib;
  return issues;
}

// The messages of `issues` that are errors, joined, for EXPECT_ matching.
std::string Errors(const std::vector<ContentIssue>& issues) {
  std::string s;
  for (const ContentIssue& i : issues)
    if (i.error) s += i.ToString() + "\n";
  return s;
}

TEST(Content, AGoodArticleLoadsWithNoIssues) {
  std::shared_ptr<const ContentLibrary> lib;
  auto issues = Check({{"c/articles/good.md", Article("good", "")}}, &lib);
  EXPECT_TRUE(issues.empty()) << Errors(issues);
  const content::Article* a = lib->FindArticle("good");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->title, "A title");
  EXPECT_EQ(a->authors, std::vector<std::string>{"team"});
  ASSERT_EQ(a->sources.size(), 1u);
  EXPECT_EQ(a->sources[0].year, 2022);
  EXPECT_NE(a->html.find("<p>You can ask"), std::string::npos);
  EXPECT_LE(a->grade, 8);
  EXPECT_EQ(lib->FindAuthor("ruiz")->credentials, "MD");
}

TEST(Content, EachProblemIsNamedWithItsFileAndLine) {
  // Line numbers: 1 '---', 2 title, 3 slug, 4 summary, 5 authors, 6 reviewed_by,
  // 7 published, 8 updated, 9 last_reviewed, 10 next_review, 11 modalities.
  std::string a = Article("bad", "");
  a.replace(a.find("authors: [team]"), 15, "authors: [nobody]");
  a.replace(a.find("reviewed_by: [ruiz]"), 19, "reviewed_by: [team]");
  a.replace(a.find("authors: [nobody]"), 17, "authors: [team, nobody]");
  a.replace(a.find("published: 2026-01-02"), 21, "published: 2026-13-40");
  a.replace(a.find("modalities: [acupuncture]"), 25, "modalities: [reiki]");
  const std::string errors = Errors(Check({{"c/articles/bad.md", a}}));
  EXPECT_NE(errors.find("c/articles/bad.md:5: error: unknown author 'nobody'"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("c/articles/bad.md:6: error: reviewer 'team' is also an author"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("c/articles/bad.md:7: error: published '2026-13-40' is not a date"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("c/articles/bad.md:11: error: unknown modality 'reiki'"), std::string::npos)
      << errors;
}

// A file that is not UTF-8 (found by markdown_fuzz: its bytes reached the
// JSON API) is refused with its file and the line of the first bad byte.
TEST(Content, AFileThatIsNotUtf8IsRefusedWithItsLine) {
  std::shared_ptr<const ContentLibrary> lib;
  const std::string body = "Fine first line.\nThen a bad byte \xff here.\n";
  const std::string a = Article("latin", "", body);
  const int line = 1 + static_cast<int>(std::count(a.begin(), a.begin() + a.find('\xff'), '\n'));
  const std::string errors = Errors(Check({{"c/articles/latin.md", a}}, &lib));
  EXPECT_NE(errors.find("c/articles/latin.md:" + std::to_string(line) + ": error: not UTF-8"),
            std::string::npos)
      << errors;
  EXPECT_EQ(lib->FindArticle("latin"), nullptr);
}

TEST(Content, NoSourcesNoReviewerAndAPastReview) {
  std::string a = Article("s", "");
  a.erase(a.find("sources:"), a.find("---\n\n") - a.find("sources:"));
  a.replace(a.find("reviewed_by: [ruiz]"), 19, "reviewed_by: []");
  a.replace(a.find("next_review: 2027-01-03"), 23, "next_review: 2026-06-01");
  std::shared_ptr<const ContentLibrary> lib;
  auto issues = Check({{"c/articles/s.md", a}}, &lib);
  EXPECT_NE(Errors(issues).find("at least one source is required"), std::string::npos);
  bool unreviewed = false, due = false;
  for (const ContentIssue& i : issues) {
    unreviewed |= !i.error && i.message.find("no clinician has reviewed") != std::string::npos;
    due |= !i.error && i.message.find("review due") != std::string::npos && i.line == 10;
  }
  EXPECT_TRUE(unreviewed);
  EXPECT_TRUE(due);
  ASSERT_EQ(lib->review_due().size(), 1u);
  EXPECT_EQ(lib->review_due()[0]->slug, "s");
}

TEST(Content, BrokenLinksImagesWithoutAltAndHardText) {
  const std::string body =
      "Read [this](/articles/nowhere) and [that](/nope) and [x](javascript:alert(1)).\n\n"
      "![](/static/x.png)\n\n"
      "Notwithstanding considerable methodological heterogeneity, contemporary systematic "
      "investigations characterize intramuscular stimulation interventions inconsistently.\n";
  const std::string errors = Errors(Check({{"c/articles/l.md", Article("l", "", body)}}));
  EXPECT_NE(errors.find("broken internal link /articles/nowhere: no such article"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("broken internal link /nope: no such page"), std::string::npos);
  EXPECT_NE(errors.find("link javascript:alert(1): only http(s)"), std::string::npos);
  EXPECT_NE(errors.find("image /static/x.png has no alt text"), std::string::npos);
  EXPECT_NE(errors.find("reading grade"), std::string::npos);
  EXPECT_NE(errors.find("Notwithstanding considerable"), std::string::npos)
      << "the hardest sentence is listed";
}

TEST(Content, RawHtmlIsShownAsTextNeverRendered) {
  const std::string body = "Hi <script>alert(1)</script> there.\n\n<img src=x onerror=alert(1)>\n";
  std::shared_ptr<const ContentLibrary> lib;
  Check({{"c/articles/h.md", Article("h", "", body)}}, &lib);
  const std::string& html = lib->FindArticle("h")->html;
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos) << html;
}

TEST(Content, BadYamlAndMissingFrontMatterAreErrorsNotCrashes) {
  const std::string errors = Errors(Check({{"c/articles/y.md", "---\ntitle: [unclosed\n---\n\nx\n"},
                                           {"c/articles/n.md", "no front matter\n"},
                                           {"c/articles/m.md", "---\n- a list\n---\n\nx\n"}}));
  EXPECT_NE(errors.find("c/articles/y.md:"), std::string::npos) << errors;
  EXPECT_NE(errors.find("front matter is not valid YAML"), std::string::npos) << errors;
  EXPECT_NE(errors.find("c/articles/n.md:1: error: expected front matter"), std::string::npos);
  EXPECT_NE(errors.find("c/articles/m.md:2: error: front matter must be a YAML mapping"),
            std::string::npos);
}

TEST(Content, ArticlesAreNewestFirstAndSlugsMustMatchFileNames) {
  std::string older = Article("older", "");
  std::string newer = Article("newer", "");
  newer.replace(newer.find("published: 2026-01-02"), 21, "published: 2026-05-02");
  newer.replace(newer.find("updated: 2026-01-03"), 19, "updated: 2026-05-03");
  std::shared_ptr<const ContentLibrary> lib;
  auto issues = Check({{"c/articles/older.md", older},
                       {"c/articles/newer.md", newer},
                       {"c/articles/other-name.md", Article("x", "")}},
                      &lib);
  ASSERT_GE(lib->articles().size(), 2u);
  EXPECT_EQ(lib->articles()[0].slug, "newer");
  EXPECT_NE(Errors(issues).find("slug 'x' differs from the file name 'other-name'"),
            std::string::npos);
}

TEST(Content, SlugsAndPhotosMustBeSafeForUrls) {
  Files files = {{"c/articles/Bad_Slug.md", Article("Bad_Slug", "")},
                 {"c/authors/pic.md", "---\nname: \"P\"\nphoto: p.gif\n---\n\nBio.\n"},
                 {"c/authors/p.gif", "GIF89a"}};
  const std::string errors = Errors(Check(files));
  EXPECT_NE(errors.find("file name 'Bad_Slug': use lower-case letters, digits and hyphens"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("photo 'p.gif' must be .jpg, .jpeg, .png or .webp"), std::string::npos);
}

}  // namespace
}  // namespace meridian::content
