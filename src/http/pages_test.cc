#include "http/pages.h"

#include <gtest/gtest.h>

#include <ctime>

#include "http/api.h"
#include "http/routes.h"
#include "testing/http_test_util.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::TempDir;

// The pages over a small synthetic snapshot (sample data) with reports on.
class PagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto r =
        testing::RunMeridian("synth --rows 5000 --seed 42 --out " + dir_->File("d.csv"), *dir_);
    ASSERT_EQ(r.code, 0) << r.err;
    testing::IngestOrDie(dir_->File("d.csv"), dir_->File("d.snap"), dir_->File("d_pl.csv"));
    ServiceOptions o;
    o.snapshot = dir_->File("d.snap");
    o.store = "sqlite:" + dir_->File("reports.sqlite");
    auto store = store::Store::Open(o.store);
    ASSERT_TRUE(store.ok() && (*store)->Migrate().ok());
    o.rate_per_second = 1e6, o.rate_burst = 1e6;
    auto s = Service::Create(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value().release();
  }
  static void TearDownTestSuite() {
    delete service_;
    delete dir_;
  }
  static HttpResponse Send(const std::string& method, const std::string& target,
                           const std::string& body = "", testing::Headers headers = {}) {
    return service_->Handle(testing::MakeRequest(method, target, body, std::move(headers)));
  }
  static std::string Header(const HttpResponse& r, const std::string& name) {
    return testing::HeaderOf(r, name);
  }
  static std::string SomeNpi() {
    auto d = service_->data();
    for (size_t i = 0; i < d->snap->size(); ++i)
      if (d->snap->entity(i) == EntityType::kIndividual) return NpiToString(d->snap->npi(i));
    return "";
  }
  static TempDir* dir_;
  static Service* service_;
};
TempDir* PagesTest::dir_ = nullptr;
Service* PagesTest::service_ = nullptr;

TEST_F(PagesTest, EveryPageRendersWithSecurityHeadersAndTheSampleBanner) {
  const std::vector<std::string> pages = {"/",
                                          "/search?where=10001&care=acupuncture",
                                          "/provider/" + SomeNpi(),
                                          "/guide",
                                          "/about",
                                          "/articles",
                                          "/articles/chiropractic",
                                          "/authors/editorial-team"};
  for (const std::string& p : pages) {
    HttpResponse r = Send("GET", p);
    EXPECT_EQ(r.status, 200) << p;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8") << p;
    EXPECT_NE(r.body.find("<main id=\"main\""), std::string::npos) << p;
    EXPECT_NE(r.body.find("Sample data."), std::string::npos) << p;  // synthetic snapshot
    const std::string csp = Header(r, "Content-Security-Policy");
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << p;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << p;
    EXPECT_EQ(Header(r, "X-Content-Type-Options"), "nosniff") << p;
    EXPECT_FALSE(Header(r, "Referrer-Policy").empty()) << p;
    EXPECT_TRUE(Header(r, "Access-Control-Allow-Origin").empty()) << p;  // pages are not CORS
    EXPECT_EQ(r.body.find("<script>"), std::string::npos) << p;          // no inline script
    EXPECT_LT(r.body.size(), 100u * 1024) << p;                          // ~100 KB budget
  }
  EXPECT_EQ(Send("GET", "/static/site.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(Send("GET", "/static/nope.js").status, 404);
  EXPECT_EQ(Send("GET", "/provider/1234").status, 404);
  EXPECT_NE(Send("GET", "/no/such/page").body.find("We could not find that page"),
            std::string::npos);
}

TEST_F(PagesTest, HomePageCareDescriptionsAreWholeSentences) {
  // Each kind of care shows the first sentence of its description, not a cut
  // at the first dot ("Doctors of osteopathic medicine (D.").
  HttpResponse r = Send("GET", "/");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("Doctors of osteopathic medicine (D.O.) are full doctors."),
            std::string::npos);
  EXPECT_EQ(r.body.find("(D.<"), std::string::npos);
  EXPECT_EQ(r.body.find("(D.\n"), std::string::npos);
}

TEST_F(PagesTest, SearchPageShowsResultsFacetsMapAndPaging) {
  HttpResponse r = Send("GET", "/search?where=10001");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("providers found"), std::string::npos);
  EXPECT_NE(r.body.find("<ol start=\"1\">"), std::string::npos);
  EXPECT_NE(r.body.find("role=\"img\""), std::string::npos);  // the SVG map
  EXPECT_NE(r.body.find("rel=\"next\""), std::string::npos);
  EXPECT_NE(r.body.find("sex=F"), std::string::npos);  // a facet link
  HttpResponse p2 = Send("GET", "/search?where=10001&page=2");
  EXPECT_NE(p2.body.find("<ol start=\"11\">"), std::string::npos);
  // Dry needling says what the directory cannot know.
  EXPECT_NE(
      Send("GET", "/search?where=10001&care=dry_needling").body.find("does not record who offers"),
      std::string::npos);
  // Empty results offer a way out; an unknown place is a 400 page with the field named.
  HttpResponse empty = Send("GET", "/search?where=10001&q=zzzzzqqqq");
  EXPECT_NE(empty.body.find("We found no"), std::string::npos);
  EXPECT_NE(empty.body.find("Search without the name"), std::string::npos);
  EXPECT_EQ(empty.body.find("Search near "), std::string::npos);  // no towns inside the circle
  HttpResponse bad = Send("GET", "/search?where=Qwertyville");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("role=\"alert\""), std::string::npos);
  EXPECT_NE(bad.body.find("aria-describedby=\"search-error\""), std::string::npos);
}

// The guide's "Find ... near you" links carry no place: the page asks for
// one (200, the care kept), not a red 400.
TEST_F(PagesTest, NoPlaceYetAsksWhere) {
  for (const char* target :
       {"/search", "/search?care=acupuncture", "/search?where=+&care=massage"}) {
    HttpResponse r = Send("GET", target);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_NE(r.body.find("Where should we look?"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("role=\"alert\""), std::string::npos) << target;
  }
  EXPECT_NE(Send("GET", "/search?care=acupuncture").body.find("value=\"acupuncture\" selected"),
            std::string::npos);
}

// "Any of these" means any of Meridian's kinds of care, never every
// provider in the area; the heading names the place with its state.
TEST_F(PagesTest, AnyCareMeansMeridiansKindsOfCare) {
  auto d = service_->data();
  HttpResponse r = Send("GET", "/search?where=10001&radius=100");
  ASSERT_EQ(r.status, 200);
  // Every listed provider covers a modality (the synthetic file has others).
  size_t at = 0, listed = 0;
  while ((at = r.body.find("href=\"/provider/", at)) != std::string::npos) {
    at += 16;
    const std::string npi = r.body.substr(at, 10);
    uint32_t packed = 0;
    ASSERT_TRUE(ParseNpi(npi, &packed));
    const int64_t row = d->snap->Find(packed);
    ASSERT_GE(row, 0);
    EXPECT_NE(d->index->modality_mask(static_cast<size_t>(row)), 0) << npi;
    ++listed;
  }
  EXPECT_GE(listed, 5u);
  EXPECT_NE(Send("GET", "/search?where=New+York,+NY").body.find("near New York, NY"),
            std::string::npos);
  EXPECT_NE(Send("GET", "/search?where=new+york,+ny").body.find("near New York, NY"),
            std::string::npos);
}

// One box: a kind of care typed as a name searches for that care and says
// what it understood, with a way back to a name search.
TEST_F(PagesTest, OneBoxUnderstandsAKindOfCare) {
  HttpResponse r = Send("GET", "/search?where=10001&q=physical+therapy");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("providers found"), std::string::npos);
  EXPECT_NE(r.body.find("We took it as a kind of care and searched for physical therapy"),
            std::string::npos);
  EXPECT_NE(r.body.find("Physical therapy near ZIP 10001"), std::string::npos);
  EXPECT_NE(r.body.find("as=name"), std::string::npos);
  HttpResponse as_name = Send("GET", "/search?where=10001&q=physical+therapy&as=name");
  EXPECT_EQ(as_name.body.find("We took it as a kind of care"), std::string::npos);
  EXPECT_NE(as_name.body.find("value=\"physical therapy\""), std::string::npos);  // a name
}

// Rural: the radius menu goes to 500 miles, and an empty search names the
// nearest match beyond the circle, with a link that reaches it.
TEST_F(PagesTest, EmptyRuralSearchNamesTheNearestMatch) {
  HttpResponse r = Send("GET", "/search?where=59901&radius=5&care=acupuncture");  // Kalispell, MT
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<option value=\"500\""), std::string::npos);
  if (r.body.find("providers found") != std::string::npos) GTEST_SKIP() << "synthetic data has one";
  const size_t at = r.body.find("The nearest acupuncture provider we list is ");
  ASSERT_NE(at, std::string::npos) << r.body;
  const int miles = std::atoi(r.body.c_str() + at + 44);
  EXPECT_GT(miles, 5);
  const size_t wider = r.body.find("Search within ");
  ASSERT_NE(wider, std::string::npos);
  const int radius = std::atoi(r.body.c_str() + wider + 14);
  EXPECT_GE(radius, miles);
  // The offer carries the count the wider search then finds.
  const size_t paren = r.body.find("miles</a> (", wider);
  ASSERT_NE(paren, std::string::npos);
  const long offered = std::atol(r.body.c_str() + paren + 11);
  EXPECT_GT(offered, 0);
  HttpResponse follow =
      Send("GET", "/search?where=59901&care=acupuncture&radius=" + std::to_string(radius));
  EXPECT_NE(follow.body.find(std::to_string(offered) + (offered == 1 ? " provider" : " providers")),
            std::string::npos);
  EXPECT_NE(follow.body.find("found"), std::string::npos);
  // The nearest match's town is offered and finds what its count says.
  const size_t town = r.body.find(">Search near ");
  ASSERT_NE(town, std::string::npos) << r.body;
  {
    const size_t href_end = r.body.rfind("\">", town);
    const size_t href_start = r.body.rfind("href=\"", href_end) + 6;
    std::string href = r.body.substr(href_start, href_end - href_start);
    for (size_t at; (at = href.find("&amp;")) != std::string::npos;) href.replace(at, 5, "&");
    const size_t open = r.body.find("</a> (", town);
    const long n = std::atol(r.body.c_str() + open + 6);
    EXPECT_GT(n, 0);
    HttpResponse there = Send("GET", href);
    EXPECT_NE(there.body.find(std::to_string(n) + (n == 1 ? " provider" : " providers") + " found"),
              std::string::npos)
        << href;
  }
}

// Another search is offered only when it finds someone, with its count.
TEST_F(PagesTest, EmptyResultsOfferOnlySearchesThatFindSomeone) {
  // A name nobody has: "without the name" is offered with a count.
  HttpResponse r = Send("GET", "/search?where=10001&radius=25&care=acupuncture&q=zzqxv");
  ASSERT_EQ(r.status, 200);
  const size_t at = r.body.find("Search without the name</a> (");
  ASSERT_NE(at, std::string::npos) << r.body;
  const long n = std::atol(r.body.c_str() + at + 29);
  EXPECT_GT(n, 0);
  HttpResponse without = Send("GET", "/search?where=10001&radius=25&care=acupuncture");
  EXPECT_NE(without.body.find(std::to_string(n) + (n == 1 ? " provider" : " providers")),
            std::string::npos);
  // Nobody of any kind near a far-off point: no offer leads to another empty page.
  HttpResponse none = Send("GET", "/search?where=96799&radius=5&care=acupuncture&q=zzqxv");
  ASSERT_EQ(none.status, 200);
  ASSERT_NE(none.body.find("We found no acupuncture providers named"), std::string::npos)
      << none.body;
  EXPECT_EQ(none.body.find("Search without the name"), std::string::npos) << none.body;
  EXPECT_EQ(none.body.find("Search for any kind of care"), std::string::npos);
}

// Every parameter and form field, fed hostile strings: nothing comes back
// unescaped, in pages or in the API.
TEST_F(PagesTest, XssCorpusIsNeverReflectedUnescaped) {
  const std::vector<std::string> corpus = {"<script>alert(1)</script>",
                                           "\"><img src=x onerror=alert(1)>",
                                           "'><svg/onload=alert(1)>",
                                           "javascript:alert(1)",
                                           "</textarea><script>x</script>",
                                           "\xE2\x80\xAE<script>x</script>",
                                           "<iframe src=//evil>",
                                           "{{body}}",
                                           "{{{body}}}",
                                           "%3Cscript%3E"};
  auto encode = [](const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
    return out;
  };
  auto clean = [](const std::string& body, const std::string& payload) {
    // No tag or URL the payload would open; a payload with markup characters
    // never appears raw (as text, "javascript:alert(1)" is harmless).
    const bool markup = payload.find_first_of("<>\"'") != std::string::npos;
    for (const char* bad : {"<script>", "<img src=x", "<svg/onload", "<iframe",
                            "href=\"javascript:", "src=\"javascript:", "href='javascript:"})
      if (body.find(bad) != std::string::npos) return false;
    return !markup || body.find(payload) == std::string::npos;
  };
  const std::string npi = SomeNpi();
  for (const std::string& x : corpus) {
    const std::string e = encode(x);
    std::vector<std::string> targets;
    for (const char* f :
         {"where", "care", "q", "radius", "sort", "page", "sex", "entity", "taxonomy"})
      targets.push_back("/search?where=10001&" + std::string(f) + "=" + e);
    targets.push_back("/search?where=" + e);
    targets.push_back("/?where=" + e + "&q=" + e);
    targets.push_back("/provider/" + e);
    targets.push_back("/organization/" + e);
    targets.push_back("/" + e);
    targets.push_back("/api/v1/search?q=" + e);
    targets.push_back("/api/v1/search?city=" + e);
    targets.push_back("/api/v1/search?modality=" + e);
    targets.push_back("/api/v1/places?q=" + e);
    targets.push_back("/api/v1/providers/" + e);
    targets.push_back("/api/v1/states/" + e + "/rules");
    for (const std::string& t : targets) {
      HttpResponse r = Send("GET", t);
      EXPECT_TRUE(clean(r.body, x)) << t << "\n" << r.body.substr(0, 400);
    }
    for (const std::string& body :
         {"where=" + e, "cautions=" + e, e + "=1", "npi=" + npi + "&kind=other&details=" + e,
          "npi=" + e + "&kind=" + e}) {
      for (const char* path : {"/guide", "/report"}) {
        HttpResponse r = Send("POST", path, body, {{"sec-fetch-site", "same-origin"}});
        EXPECT_TRUE(clean(r.body, x)) << path << " " << body;
      }
      HttpResponse j =
          Send("POST", "/api/v1/guide/answers", "{\"answers\":{\"" + x + "\":\"" + x + "\"}}",
               {{"content-type", "application/json"}});
      EXPECT_TRUE(clean(j.body, x)) << "guide answers";
    }
  }
}

TEST_F(PagesTest, ReportsAreStoredDurablyAndOnlyFromThisSite) {
  store::Store* store = service_->store();
  ASSERT_NE(store, nullptr);
  const int64_t before = *store->CountReports();
  const std::string form = "npi=" + SomeNpi() + "&kind=address&details=Wrong+phone";
  // From another site, or with no sign of where it came from: refused.
  EXPECT_EQ(
      Send("POST", "/report", form, {{"origin", "https://evil.example"}, {"host", "x"}}).status,
      403);
  EXPECT_EQ(Send("POST", "/report", form, {{"sec-fetch-site", "cross-site"}}).status, 403);
  EXPECT_EQ(Send("POST", "/report", form).status, 403);
  EXPECT_EQ(*store->CountReports(), before);
  // Same origin: stored.
  HttpResponse ok = Send("POST", "/report", form,
                         {{"origin", "http://127.0.0.1:8080"}, {"host", "127.0.0.1:8080"}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_NE(ok.body.find("Thank you"), std::string::npos);
  EXPECT_NE(ok.body.find("Its number is R-"), std::string::npos);  // a reference to quote
  EXPECT_NE(ok.body.find("nppes.cms.hhs.gov"), std::string::npos);
  EXPECT_EQ(Send("POST", "/report", form, {{"sec-fetch-site", "same-origin"}}).status, 200);
  EXPECT_EQ(*store->CountReports(), before + 2);
  // Bad fields: a clear page, nothing stored.
  EXPECT_EQ(
      Send("POST", "/report", "npi=1&kind=address", {{"sec-fetch-site", "same-origin"}}).status,
      400);
  EXPECT_EQ(Send("POST", "/report", "npi=" + SomeNpi() + "&kind=spam",
                 {{"sec-fetch-site", "same-origin"}})
                .status,
            400);
  EXPECT_EQ(
      Send("POST", "/report", "npi=" + SomeNpi() + "&kind=other&details=" + std::string(2100, 'a'),
           {{"sec-fetch-site", "same-origin"}})
          .status,
      400);
  // A report needs some text.
  for (const char* details : {"", "+++", "%0A%20"})
    EXPECT_EQ(Send("POST", "/report", "npi=" + SomeNpi() + "&kind=other&details=" + details,
                   {{"sec-fetch-site", "same-origin"}})
                  .status,
              400)
        << details;
  EXPECT_EQ(*store->CountReports(), before + 2);
}

// No dead ends on a profile: directions to the street address, the
// registry record when there is no phone, an old entry says it is old, an
// unknown credential is named, and providers learn where to fix their entry.
TEST_F(PagesTest, ProfileHasNoDeadEnds) {
  auto d = service_->data();
  bool saw_no_phone = false, saw_stale = false, saw_phone = false;
  const std::time_t built = static_cast<std::time_t>(d->snap->created_unix());
  std::tm tm{};
  gmtime_r(&built, &tm);
  const uint32_t built_year = static_cast<uint32_t>(tm.tm_year + 1900);
  for (size_t i = 0; i < d->snap->size() && !(saw_no_phone && saw_stale && saw_phone); ++i) {
    if (d->snap->entity(i) == EntityType::kDeactivated) continue;
    Record rec;
    ASSERT_TRUE(d->snap->GetRecord(i, &rec).ok());
    const std::string npi = NpiToString(rec.npi);
    const bool no_phone = rec.practice.address.phone.empty();
    const bool stale = rec.last_update_date != 0 && rec.last_update_date / 10000 + 3 <= built_year;
    if ((no_phone && saw_no_phone) && (stale && saw_stale)) continue;
    HttpResponse r = Send("GET", "/provider/" + npi);
    ASSERT_EQ(r.status, 200) << npi;
    EXPECT_NE(r.body.find("https://nppes.cms.hhs.gov/"), std::string::npos);
    if (!rec.practice.address.line1.empty()) {
      // The link carries the street, not coordinates.
      const size_t at = r.body.find("openstreetmap.org/directions?to=");
      ASSERT_NE(at, std::string::npos) << npi;
      std::string street =
          rec.practice.address.line1.substr(0, rec.practice.address.line1.find(' '));
      EXPECT_NE(r.body.find(street, at), std::string::npos) << npi;
    }
    if (no_phone) {
      saw_no_phone = true;
      EXPECT_NE(r.body.find("No phone number on file."), std::string::npos) << npi;
      EXPECT_NE(r.body.find("npiregistry.cms.hhs.gov/provider-view/" + npi), std::string::npos);
    } else {
      saw_phone = true;
    }
    if (stale) {
      saw_stale = true;
      EXPECT_NE(r.body.find("The registry entry was last updated in " +
                            std::to_string(rec.last_update_date / 10000)),
                std::string::npos)
          << npi;
    }
  }
  EXPECT_TRUE(saw_phone);
}

// Next to each license the provider reported: where to check it, with the
// board of the state that issued it; and the NPI Registry record.
TEST_F(PagesTest, ProfileLinksEachLicenseToItsBoard) {
  auto d = service_->data();
  int checked = 0;
  for (size_t i = 0; i < d->snap->size() && checked < 5; ++i) {
    if (d->snap->entity(i) == EntityType::kDeactivated) continue;
    Record rec;
    ASSERT_TRUE(d->snap->GetRecord(i, &rec).ok());
    for (const TaxonomySlot& t : rec.taxonomies) {
      if (t.license_number.empty() || t.license_state.empty()) continue;
      const LicenseLookup* l =
          d->knowledge.Lookup(t.license_state, ProfessionOf(t.code, rec.credential));
      if (l == nullptr || l->url.empty()) continue;
      HttpResponse r = Send("GET", "/provider/" + NpiToString(rec.npi));
      ASSERT_EQ(r.status, 200);
      EXPECT_NE(r.body.find("<a href=\"" + l->url +
                            "\" rel=\"noopener noreferrer\">Check this license with the "),
                std::string::npos)
          << NpiToString(rec.npi) << " " << t.license_state;
      EXPECT_NE(r.body.find("npiregistry.cms.hhs.gov/provider-view/" + NpiToString(rec.npi)),
                std::string::npos);
      ++checked;
      break;
    }
  }
  EXPECT_GT(checked, 0);
}

TEST_F(PagesTest, GuidePageWorksAsOneFormWithoutJavaScript) {
  HttpResponse g = Send("GET", "/guide");
  EXPECT_NE(g.body.find("type=\"radio\" id=\"where-low_back\""), std::string::npos);
  EXPECT_NE(g.body.find("type=\"checkbox\" id=\"cautions-pregnant\""), std::string::npos);
  // Warning signs are the first question on the page.
  EXPECT_LT(g.body.find("id=\"step-red_flags\""), g.body.find("id=\"step-where\""));
  HttpResponse r = Send("POST", "/guide", "where=neck&cautions=pregnant&red_flags=weakness");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("See a doctor first"), std::string::npos);
  EXPECT_NE(r.body.find("Tell your acupuncturist you are pregnant"), std::string::npos);
  EXPECT_NE(r.body.find("rare tear in a neck artery"), std::string::npos);  // neck + manipulation
  HttpResponse e = Send("POST", "/guide", "where=low_back&red_flags=numb");
  EXPECT_NE(e.body.find("Call 911 or go to the emergency room now"), std::string::npos);
  EXPECT_EQ(Header(r, "Cache-Control"), "no-store");  // answers are health details
  EXPECT_EQ(Send("POST", "/guide", "where=elbow").status, 400);
}

}  // namespace
}  // namespace meridian

#include "http/assets.h"
#include "text/readability.h"

namespace meridian {
namespace {

// The pages' own words (templates without tags) read at grade 8 or below.
TEST(PagesText, TemplatesReadAtGradeEightOrBelow) {
  for (const char* name : {"layout", "home", "results", "provider", "organization", "guide",
                           "guide_result", "about", "message", "digest", "digest_form",
                           "digest_confirm", "digest_manage", "digest_unsubscribe"}) {
    std::string t(WebAsset(std::string("templates/") + name + ".mustache"));
    ASSERT_FALSE(t.empty()) << name;
    std::string text;
    bool in_tag = false;
    for (size_t i = 0; i < t.size(); ++i) {
      if (t.compare(i, 2, "{{") == 0) {
        const size_t end = t.find("}}", i);
        i = end == std::string::npos ? t.size() : end + 1;
        continue;
      }
      if (t[i] == '<') in_tag = true;
      if (!in_tag) text.push_back(t[i]);
      if (t[i] == '>') in_tag = false, text.push_back(' ');
    }
    const double grade = FleschKincaidGrade(text);
    std::printf("%-14s grade %.1f\n", name, grade);
    EXPECT_LE(grade, 8.0) << name << ": " << text;
  }
}

}  // namespace
}  // namespace meridian
