#include "http/articles.h"

#include <expat.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "http/sitemap.h"
#include "testing/http_test_util.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::TempDir;

bool Rfc3339(const std::string& s) {
  static const std::regex re(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$)");
  return std::regex_match(s, re);
}
bool Absolute(const std::string& s) {
  return s.starts_with("http://") || s.starts_with("https://");
}

// A minimal DOM of an XML document (element names, attributes, text), from expat.
struct Node {
  std::string name, text;
  std::map<std::string, std::string> attrs;
  std::vector<std::unique_ptr<Node>> kids;
  Node* parent = nullptr;
  std::vector<const Node*> All(const std::string& n) const {
    std::vector<const Node*> out;
    for (const auto& k : kids)
      if (k->name == n) out.push_back(k.get());
    return out;
  }
  const Node* One(const std::string& n) const {
    auto v = All(n);
    return v.size() == 1 ? v[0] : nullptr;
  }
};

std::unique_ptr<Node> ParseXml(const std::string& xml) {
  auto root = std::make_unique<Node>();
  Node* cur = root.get();
  XML_Parser p = XML_ParserCreateNS(nullptr, ' ');
  XML_SetUserData(p, &cur);
  XML_SetElementHandler(
      p,
      [](void* u, const XML_Char* name, const XML_Char** atts) {
        Node*& cur = *static_cast<Node**>(u);
        auto n = std::make_unique<Node>();
        std::string full = name;  // "ns local"
        n->name = full.substr(full.find(' ') + 1);
        for (int i = 0; atts[i]; i += 2) n->attrs[atts[i]] = atts[i + 1];
        n->parent = cur;
        cur->kids.push_back(std::move(n));
        cur = cur->kids.back().get();
      },
      [](void* u, const XML_Char*) {
        Node*& cur = *static_cast<Node**>(u);
        cur = cur->parent;
      });
  XML_SetCharacterDataHandler(p, [](void* u, const XML_Char* s, int len) {
    (*static_cast<Node**>(u))->text.append(s, static_cast<size_t>(len));
  });
  const bool ok = XML_Parse(p, xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_OK;
  XML_ParserFree(p);
  return ok ? std::move(root) : nullptr;
}

class ArticlesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto r = testing::RunMeridian("synth --rows 300 --seed 7 --out " + dir_->File("d.csv"), *dir_);
    ASSERT_EQ(r.code, 0) << r.err;
    testing::IngestOrDie(dir_->File("d.csv"), dir_->File("d.snap"), dir_->File("d_pl.csv"));
    ServiceOptions o;
    o.snapshot = dir_->File("d.snap");
    o.public_url = "https://care.example.org";
    auto s = Service::Create(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value().release();
  }
  static void TearDownTestSuite() {
    delete service_;
    delete dir_;
  }
  static HttpResponse Get(const std::string& target) {
    return service_->Handle(testing::MakeRequest("GET", target));
  }
  static std::string FirstSlug() { return service_->data()->content->articles().at(0).slug; }
  static TempDir* dir_;
  static Service* service_;
};
TempDir* ArticlesTest::dir_ = nullptr;
Service* ArticlesTest::service_ = nullptr;

TEST(Articles, TheShippedContentPassesTheChecker) {
  std::vector<content::ContentIssue> issues;
  auto lib = LoadContent("", &issues);
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  EXPECT_GE((*lib)->articles().size(), 8u);
  EXPECT_TRUE((*lib)->sample()) << "shipped articles are marked as sample content";
  for (const content::Article& a : (*lib)->articles()) {
    EXPECT_TRUE(a.reviewed_by.empty()) << a.slug << ": shipped articles carry no invented reviewer";
    EXPECT_LE(a.grade, 8.0) << a.slug;
    EXPECT_FALSE(a.sources.empty()) << a.slug;
  }
}

TEST_F(ArticlesTest, TheArticlePageShowsReviewDatesSourcesAndACallToAction) {
  const std::string slug = "acupuncture-or-dry-needling";
  HttpResponse r = Get("/articles/" + slug);
  ASSERT_EQ(r.status, 200) << r.body;
  const content::Article* a = service_->data()->content->FindArticle(slug);
  ASSERT_NE(a, nullptr);
  EXPECT_NE(r.body.find("No clinician has reviewed this article yet."), std::string::npos);
  EXPECT_NE(r.body.find("Last reviewed"), std::string::npos);
  EXPECT_NE(r.body.find("Next review"), std::string::npos);
  EXPECT_NE(r.body.find("<time datetime=\"" + a->next_review + "\">"), std::string::npos);
  EXPECT_NE(r.body.find("Sample article."), std::string::npos);
  EXPECT_NE(r.body.find("href=\"/authors/editorial-team\""), std::string::npos);
  EXPECT_NE(r.body.find("<ol class=\"sources\">"), std::string::npos);
  EXPECT_NE(r.body.find(a->sources[0].url), std::string::npos);
  EXPECT_NE(r.body.find("Find Acupuncture near you"), std::string::npos) << "one CTA per modality";
  EXPECT_NE(r.body.find("name=\"care\" value=\"dry_needling\""), std::string::npos);
  EXPECT_NE(r.body.find("Recent posts"), std::string::npos);
  EXPECT_NE(r.body.find("property=\"og:title\""), std::string::npos);
  // JSON-LD: MedicalWebPage whose main entity is the Article.
  const size_t at = r.body.find("<script type=\"application/ld+json\">");
  ASSERT_NE(at, std::string::npos);
  const size_t from = r.body.find('>', at) + 1, to = r.body.find("</script>", from);
  auto ld = nlohmann::json::parse(r.body.substr(from, to - from));
  EXPECT_EQ(ld["@context"], "https://schema.org");
  EXPECT_EQ(ld["@type"], "MedicalWebPage");
  EXPECT_EQ(ld["lastReviewed"], a->last_reviewed);
  EXPECT_EQ(ld["url"], "https://care.example.org/articles/" + slug);
  EXPECT_EQ(ld["mainEntity"]["@type"], "Article");
  EXPECT_EQ(ld["mainEntity"]["datePublished"], a->published);
  EXPECT_EQ(ld["mainEntity"]["dateModified"], a->updated);
  EXPECT_EQ(ld["mainEntity"]["author"][0]["name"], "Meridian editorial team");
  EXPECT_EQ(ld["mainEntity"]["citation"].size(), a->sources.size());
  EXPECT_FALSE(ld.contains("reviewedBy")) << "no reviewer is claimed when there is none";
}

TEST_F(ArticlesTest, ListsFiltersPagesAuthorsAndTheHomePage) {
  HttpResponse all = Get("/articles");
  ASSERT_EQ(all.status, 200);
  for (const content::Article& a : service_->data()->content->articles())
    EXPECT_NE(all.body.find("href=\"/articles/" + a.slug + "\""), std::string::npos) << a.slug;
  HttpResponse massage = Get("/articles?modality=massage");
  EXPECT_NE(massage.body.find("/articles/massage-therapy"), std::string::npos);
  EXPECT_EQ(massage.body.find("/articles/chiropractic\""), std::string::npos);
  EXPECT_EQ(Get("/articles?page=0").status, 400);
  EXPECT_EQ(Get("/articles?page=2").status, 200);
  HttpResponse author = Get("/authors/editorial-team");
  ASSERT_EQ(author.status, 200);
  EXPECT_NE(author.body.find("Articles written"), std::string::npos);
  EXPECT_NE(author.body.find("/articles/check-a-license"), std::string::npos);
  EXPECT_EQ(Get("/authors/nobody").status, 404);
  EXPECT_EQ(Get("/articles/nothing-here").status, 404);
  HttpResponse home = Get("/");
  EXPECT_NE(home.body.find("Recent posts"), std::string::npos);
  EXPECT_NE(home.body.find("Sample articles:"), std::string::npos);
  EXPECT_NE(home.body.find("href=\"/articles/" + FirstSlug() + "\""), std::string::npos);
}

TEST_F(ArticlesTest, TheAtomFeedsAreWellFormedWithAbsoluteUrlsAndRfc3339Dates) {
  for (const std::string path : {"/articles/feed.atom", "/authors/editorial-team/feed.atom"}) {
    HttpResponse r = Get(path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.content_type, "application/atom+xml; charset=utf-8");
    auto doc = ParseXml(r.body);
    ASSERT_NE(doc, nullptr) << "not well-formed XML: " << path;
    const Node* feed = doc->One("feed");
    ASSERT_NE(feed, nullptr);
    // RFC 4287 4.1.1: id, title, updated; a self link; entries with id, title, updated.
    ASSERT_NE(feed->One("id"), nullptr);
    EXPECT_TRUE(Absolute(feed->One("id")->text));
    ASSERT_NE(feed->One("title"), nullptr);
    ASSERT_NE(feed->One("updated"), nullptr);
    EXPECT_TRUE(Rfc3339(feed->One("updated")->text)) << feed->One("updated")->text;
    bool self = false;
    for (const Node* l : feed->All("link")) self |= l->attrs.at("rel") == "self";
    EXPECT_TRUE(self);
    auto entries = feed->All("entry");
    EXPECT_EQ(entries.size(), service_->data()->content->articles().size());
    for (const Node* e : entries) {
      ASSERT_NE(e->One("id"), nullptr);
      EXPECT_TRUE(Absolute(e->One("id")->text));
      ASSERT_NE(e->One("title"), nullptr);
      ASSERT_NE(e->One("updated"), nullptr);
      EXPECT_TRUE(Rfc3339(e->One("updated")->text));
      EXPECT_TRUE(Rfc3339(e->One("published")->text));
      ASSERT_FALSE(e->All("author").empty()) << "an entry needs an author when the feed has none";
      ASSERT_NE(e->One("link"), nullptr);
      EXPECT_TRUE(Absolute(e->One("link")->attrs.at("href")));
      EXPECT_EQ(e->One("content")->attrs.at("type"), "html");
    }
  }
  EXPECT_EQ(Get("/authors/nobody/feed.atom").status, 404);
}

TEST_F(ArticlesTest, TheJsonFeedFollowsVersionOnePointOne) {
  HttpResponse r = Get("/articles/feed.json");
  ASSERT_EQ(r.status, 200);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["version"], "https://jsonfeed.org/version/1.1");
  EXPECT_TRUE(j["title"].is_string());
  EXPECT_TRUE(Absolute(j["feed_url"]));
  EXPECT_TRUE(Absolute(j["home_page_url"]));
  ASSERT_EQ(j["items"].size(), service_->data()->content->articles().size());
  for (const auto& item : j["items"]) {
    EXPECT_TRUE(item["id"].is_string());
    EXPECT_TRUE(Absolute(item["url"]));
    EXPECT_TRUE(item["content_html"].is_string());
    EXPECT_TRUE(Rfc3339(item["date_published"]));
    EXPECT_TRUE(Rfc3339(item["date_modified"]));
    EXPECT_FALSE(item["authors"].empty());
  }
}

TEST_F(ArticlesTest, TheApiListsArticlesAndServesOneWithItsHtml) {
  HttpResponse list = Get("/api/v1/articles?modality=acupuncture");
  ASSERT_EQ(list.status, 200);
  auto j = nlohmann::json::parse(list.body);
  ASSERT_GE(j["articles"].size(), 1u);
  for (const auto& a : j["articles"]) {
    EXPECT_NE(std::find(a["modalities"].begin(), a["modalities"].end(), "acupuncture"),
              a["modalities"].end());
    EXPECT_FALSE(a.contains("html"));
    EXPECT_TRUE(a["reviewed_by"].empty());
    EXPECT_TRUE(a["sample"].get<bool>());
  }
  EXPECT_EQ(Get("/api/v1/articles?modality=reiki").status, 400);
  EXPECT_EQ(Get("/api/v1/articles?colour=red").status, 400) << "unknown parameters are refused";
  HttpResponse one = Get("/api/v1/articles/" + FirstSlug());
  ASSERT_EQ(one.status, 200);
  auto a = nlohmann::json::parse(one.body);
  EXPECT_NE(a["html"].get<std::string>().find("<p>"), std::string::npos);
  EXPECT_FALSE(a["sources"].empty());
  EXPECT_EQ(Get("/api/v1/articles/none").status, 404);
}

TEST_F(ArticlesTest, HostileParametersAreEscaped) {
  const std::string x = "%3Cscript%3Ealert(1)%3C%2Fscript%3E";
  for (const std::string& t : {"/articles?tag=" + x, "/articles?modality=" + x, "/articles/" + x,
                               "/authors/" + x, "/articles?page=" + x}) {
    HttpResponse r = Get(t);
    EXPECT_EQ(r.body.find("<script>alert(1)"), std::string::npos) << t;
  }
}

TEST_F(ArticlesTest, TheSitemapIndexCoversPagesArticlesAuthorsAndEveryProfile) {
  auto d = service_->data();
  const std::string base = "https://care.example.org";
  // Small files so the split shows: 300 rows at 100 per file = 3 files.
  HttpResponse index = SitemapIndex(*d, base, 100);
  auto doc = ParseXml(index.body);
  ASSERT_NE(doc, nullptr) << index.body;
  const Node* root = doc->One("sitemapindex");
  ASSERT_NE(root, nullptr);
  std::vector<std::string> files;
  for (const Node* s : root->All("sitemap")) files.push_back(s->One("loc")->text);
  ASSERT_EQ(files.size(), 1 + (d->snap->size() + 99) / 100);
  EXPECT_EQ(files[0], base + "/sitemaps/pages.xml");
  std::set<std::string> listed;
  for (size_t k = 1; k < files.size(); ++k) {
    const std::string name = files[k].substr(files[k].rfind('/') + 1);
    HttpResponse f = SitemapFile(*d, name, base, 100);
    ASSERT_EQ(f.status, 200) << name;
    auto x = ParseXml(f.body);
    ASSERT_NE(x, nullptr);
    auto urls = x->One("urlset")->All("url");
    EXPECT_LE(urls.size(), 100u);
    for (const Node* u : urls) EXPECT_TRUE(listed.insert(u->One("loc")->text).second);
  }
  size_t active = 0;
  for (size_t i = 0; i < d->snap->size(); ++i) {
    if (d->snap->entity(i) == EntityType::kDeactivated) continue;
    ++active;
    EXPECT_TRUE(listed.count(base + "/provider/" + NpiToString(d->snap->npi(i))))
        << NpiToString(d->snap->npi(i));
  }
  EXPECT_EQ(listed.size(), active);
  // The pages file: home, guide, about, the article list, each article and author.
  auto pages = ParseXml(SitemapFile(*d, "pages.xml", base).body);
  ASSERT_NE(pages, nullptr);
  std::set<std::string> locs;
  for (const Node* u : pages->One("urlset")->All("url")) locs.insert(u->One("loc")->text);
  for (const content::Article& a : d->content->articles())
    EXPECT_TRUE(locs.count(base + "/articles/" + a.slug)) << a.slug;
  EXPECT_TRUE(locs.count(base + "/authors/editorial-team"));
  EXPECT_TRUE(locs.count(base + "/"));
  // Through the service, with the protocol's 50,000 per file.
  HttpResponse served = Get("/sitemap.xml");
  ASSERT_EQ(served.status, 200);
  EXPECT_NE(served.body.find("https://care.example.org/sitemaps/providers-1.xml"),
            std::string::npos);
  EXPECT_EQ(Get("/sitemaps/providers-1.xml").status, 200);
  for (const std::string bad :
       {"providers-0.xml", "providers-2.xml", "providers-01.xml", "providers-x.xml", "other.xml"})
    EXPECT_EQ(Get("/sitemaps/" + bad).status, 404) << bad;
}

// A deployment's own content: checked at start (an error refuses to start),
// and a reload with broken content keeps the old content serving.
TEST(ArticlesServe, ContentErrorsRefuseStartAndABadReloadKeepsTheOldContent) {
  TempDir dir;
  auto r = testing::RunMeridian("synth --rows 100 --seed 3 --out " + dir.File("d.csv"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  testing::IngestOrDie(dir.File("d.csv"), dir.File("d.snap"), dir.File("d_pl.csv"));
  const std::string content = dir.File("content");
  std::filesystem::create_directories(content + "/articles");
  std::filesystem::create_directories(content + "/authors");
  testing::WriteAll(
      content + "/authors/ana.md",
      "---\nname: \"Ana Ruiz\"\ncredentials: \"DPT\"\nphoto: ana.png\n---\n\nA physical "
      "therapist.\n");
  const std::string png("\x89PNG\r\n\x1a\n-not-a-real-image", 25);
  testing::WriteAll(content + "/authors/ana.png", png);
  testing::WriteAll(content + "/authors/ben.md",
                    "---\nname: \"Ben Cole\"\ncredentials: \"MD\"\n---\n\nA doctor.\n");
  const std::string good =
      "---\ntitle: \"Our clinic\"\nslug: our-clinic\nsummary: \"Who we are.\"\n"
      "authors: [ana]\nreviewed_by: [ben]\npublished: 2026-11-01\nupdated: 2026-11-02\n"
      "last_reviewed: 2026-11-02\nnext_review: 2099-11-02\nmodalities: [physical_therapy]\n"
      "tags: [clinic]\nsources:\n  - title: \"A page\"\n    publisher: \"APTA\"\n    year: 2024\n"
      "    url: \"https://www.apta.org/\"\n---\n\nWe see people in pain. We use exercise [1].\n";
  testing::WriteAll(content + "/articles/our-clinic.md", good);
  auto check = testing::RunMeridian("content check --content " + content, dir);
  EXPECT_EQ(check.code, 0) << check.err;
  ServiceOptions o;
  o.snapshot = dir.File("d.snap");
  o.content_dir = content;
  auto s = Service::Create(o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto& service = *s;
  HttpResponse page = service->Handle(testing::MakeRequest("GET", "/articles/our-clinic"));
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Ben Cole</a>, MD"), std::string::npos) << "the reviewer is named";
  EXPECT_EQ(page.body.find("Sample article."), std::string::npos) << "a deployment's own content";
  EXPECT_EQ(page.body.find("No clinician has reviewed"), std::string::npos);
  HttpResponse photo = service->Handle(testing::MakeRequest("GET", "/authors/ana/photo"));
  ASSERT_EQ(photo.status, 200);
  EXPECT_EQ(photo.content_type, "image/png");
  EXPECT_EQ(photo.body, png);
  EXPECT_NE(
      service->Handle(testing::MakeRequest("GET", "/authors/ana"))
          .body.find(
              "<img class=\"author-photo\" src=\"/authors/ana/photo\" alt=\"Photo of Ana Ruiz\""),
      std::string::npos);
  EXPECT_EQ(service->Handle(testing::MakeRequest("GET", "/authors/ben/photo")).status, 404);
  // Reviews due: only articles whose next review has passed, oldest first.
  EXPECT_TRUE(ReviewsDue(*service->data()->content, "2026-12-01").empty());
  ASSERT_EQ(ReviewsDue(*service->data()->content, "2100-01-01").size(), 1u);
  // Break it: the reviewer is also an author.
  std::string bad = good;
  bad.replace(bad.find("authors: [ana]"), 14, "authors: [ana, ben]");
  testing::WriteAll(content + "/articles/our-clinic.md", bad);
  auto failed = testing::RunMeridian("content check --content " + content, dir);
  EXPECT_EQ(failed.code, 1);
  EXPECT_NE(failed.err.find("our-clinic.md:6: error: reviewer 'ben' is also an author"),
            std::string::npos)
      << failed.err;
  EXPECT_FALSE(service->Reload().ok());
  EXPECT_EQ(service->Handle(testing::MakeRequest("GET", "/articles/our-clinic")).status, 200)
      << "the old content keeps serving";
  auto refused = Service::Create(o);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("reviewer 'ben' is also an author"), std::string::npos);
}

}  // namespace
}  // namespace meridian
