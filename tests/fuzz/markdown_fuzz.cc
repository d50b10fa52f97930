// libFuzzer target: articles and author bios, Markdown with YAML front
// matter (content/content.h), then the pages, feeds and API that show them.
//
// Input byte 0 picks what the rest is: even, an article
// (articles/fuzz.md); odd, an author's bio (authors/fuzz.md, with an
// article by that author beside it). Two valid authors are always present.
// Properties: never crash; ContentLibrary::Build reports every problem as
// an issue with its file and a message (line >= 0); when it finds no error,
// every article renders as a 200 page, its API answer parses as JSON, and
// the feeds and author pages render. RenderMarkdown of the raw input never
// produces a <script> element (raw HTML is off).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "content/content.h"
#include "fuzz_util.h"
#include "http/articles.h"
#include "http/service.h"
#include "util/ascii.h"

using namespace meridian;
using content::ContentIssue;
using content::ContentLibrary;

namespace {

const char* kTeam = "---\nname: \"Editorial team\"\nrole: \"Editors\"\n---\n\nWe write.\n";
const char* kRuiz = "---\nname: \"Dr Ana Ruiz\"\ncredentials: \"MD\"\n---\n\nA doctor.\n";
const char* kByFuzz =
    "---\ntitle: \"A title\"\nslug: by-fuzz\nsummary: \"What it says.\"\nauthors: [fuzz]\n"
    "reviewed_by: [ruiz]\npublished: 2026-01-02\nupdated: 2026-01-03\n"
    "last_reviewed: 2026-01-03\nnext_review: 2027-01-03\nmodalities: [acupuncture]\n"
    "tags: [needling]\nsources:\n  - title: \"A source\"\n    publisher: \"NCCIH\"\n"
    "    year: 2022\n    url: \"https://www.nccih.nih.gov/\"\n---\n\nYou can ask. It is fair "
    "[1].\n";

Dataset& Data() {
  static Dataset* d = [] {
    auto r = Dataset::Load(fuzz::SampleSnapshot());
    if (!r.ok()) fuzz::Die(r.status().ToString());
    return r->release();
  }();
  return *d;
}

content::ContentRules Rules() {
  content::ContentRules r;
  r.modalities = {"acupuncture",      "dry_needling", "chiropractic", "massage",
                  "physical_therapy", "osteopathic",  "pain_medicine"};
  r.today = "2026-12-01";
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)Data();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string html = content::RenderMarkdown(text);
  MERIDIAN_FUZZ_CHECK(AsciiLower(html).find("<script") == std::string::npos,
                      "Markdown rendered a <script> element");

  std::vector<std::pair<std::string, std::string>> files = {{"c/authors/team.md", kTeam},
                                                            {"c/authors/ruiz.md", kRuiz}};
  if (data[0] % 2 == 0) {
    files.emplace_back("c/articles/fuzz.md", text);
  } else {
    files.emplace_back("c/authors/fuzz.md", text);
    files.emplace_back("c/articles/by-fuzz.md", kByFuzz);
  }
  std::vector<ContentIssue> issues;
  std::shared_ptr<const ContentLibrary> lib = ContentLibrary::Build(files, Rules(), &issues);
  for (const ContentIssue& i : issues) {
    if (fuzz::Verbose()) std::fprintf(stderr, "%s\n", i.ToString().c_str());
    MERIDIAN_FUZZ_CHECK(!i.file.empty(), "an issue without its file");
    MERIDIAN_FUZZ_CHECK(!i.message.empty(), "an issue without a message");
    MERIDIAN_FUZZ_CHECK(i.line >= 0, "an issue with a negative line");
  }
  if (lib == nullptr || content::HasErrors(issues)) return 0;

  Dataset& d = Data();
  d.content = lib;
  const std::string base = "https://care.example.org";
  for (const content::Article& a : lib->articles()) {
    HttpResponse page = PageArticle(d, a.slug, base, /*digest=*/true);
    if (fuzz::Verbose()) std::fprintf(stderr, "article %s -> %d\n", a.slug.c_str(), page.status);
    MERIDIAN_FUZZ_CHECK(page.status == 200, ("article page " + a.slug).c_str());
    HttpResponse api = ApiArticle(d, a.slug);
    MERIDIAN_FUZZ_CHECK(api.status == 200, "article API");
    MERIDIAN_FUZZ_CHECK(!fuzz::ParseJsonBody(api.body).is_discarded(),
                        "the article API's answer is not JSON");
  }
  for (const content::Author& a : lib->authors()) {
    (void)PageAuthor(d, a.slug);
    (void)FeedAtom(d, a.slug, base);
  }
  (void)PageArticles(d, {});
  (void)ApiArticles(d, {});
  HttpResponse feed = FeedJson(d, base);
  MERIDIAN_FUZZ_CHECK(!fuzz::ParseJsonBody(feed.body).is_discarded(), "the JSON feed is not JSON");
  return 0;
}
