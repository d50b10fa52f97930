#include "http/articles.h"

#include <chrono>
#include <ctime>

#include "http/api.h"
#include "http/digest_pages.h"
#include "http/page_kit.h"
#include "http/pages.h"
#include "knowledge/modality_map.h"
#include "util/escape.h"
#include "util/json.h"

namespace meridian {

using namespace page;  // NOLINT: the page kit's small helpers
using content::Article;
using content::Author;
using content::ContentLibrary;

namespace {

constexpr size_t kPerPage = 10;

}  // namespace

std::string TodayUtc() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::vector<const Article*> ReviewsDue(const ContentLibrary& lib, const std::string& today) {
  std::vector<const Article*> due;
  for (const Article& a : lib.articles())
    if (a.next_review < today) due.push_back(&a);
  std::sort(due.begin(), due.end(),
            [](const Article* x, const Article* y) { return x->next_review < y->next_review; });
  return due;
}

namespace {

// "2026-12-01" -> "December 1, 2026".
std::string LongDate(const std::string& ymd) {
  static const char* kMonths[] = {"January",   "February", "March",    "April",
                                  "May",       "June",     "July",     "August",
                                  "September", "October",  "November", "December"};
  if (ymd.size() != 10) return ymd;
  const int m = std::stoi(ymd.substr(5, 2)), day = std::stoi(ymd.substr(8, 2));
  return std::string(kMonths[m - 1]) + " " + std::to_string(day) + ", " + ymd.substr(0, 4);
}

// RFC 3339 for a date: midnight UTC.
std::string Rfc3339(const std::string& ymd) { return ymd + "T00:00:00Z"; }

std::string ModalityLabel(const std::string& id) {
  for (const Modality& m : ModalityMap::Embedded().modalities())
    if (m.id == id) return m.label;
  return id;
}

const ContentLibrary& Lib(const Dataset& d) { return *d.content; }

// A person (author or reviewer) for a template: name, credentials, link.
data PersonList(const ContentLibrary& lib, const std::vector<std::string>& slugs) {
  data list = List();
  for (const std::string& s : slugs) {
    const Author* a = lib.FindAuthor(s);
    if (a == nullptr) continue;
    data p;
    p.set("slug", a->slug);
    p.set("name", a->name);
    SetIf(p, "credentials", a->credentials);
    list.push_back(p);
  }
  return list;
}

data ArticleSummary(const Article& a) {
  data v;
  v.set("slug", a.slug);
  v.set("title", a.title);
  v.set("summary", a.summary);
  v.set("published", LongDate(a.published));
  v.set("published_iso", a.published);
  return v;
}

bool Matches(const Article& a, const std::string& modality, const std::string& tag) {
  auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return x.empty() || std::find(v.begin(), v.end(), x) != v.end();
  };
  return has(a.modalities, modality) && has(a.tags, tag);
}

// The absolute URL of a site path.
std::string Abs(const std::string& base, const std::string& path) { return base + path; }

// JSON for a <script type="application/ld+json"> block: "</" cannot close it.
std::string ScriptSafe(std::string json) {
  for (size_t at = 0; (at = json.find("</", at)) != std::string::npos; at += 3)
    json.replace(at, 2, "<\\/");
  return json;
}

void WritePeople(const ContentLibrary& lib, const std::vector<std::string>& slugs,
                 const std::string& base, JsonWriter* w) {
  w->BeginArray();
  for (const std::string& s : slugs) {
    const Author* a = lib.FindAuthor(s);
    if (a == nullptr) continue;
    w->BeginObject().Field("slug", a->slug).Field("name", a->name);
    w->Optional("credentials", a->credentials).Optional("role", a->role);
    w->Field("url", Abs(base, "/authors/" + a->slug)).EndObject();
  }
  w->EndArray();
}

void WriteArticleJson(const ContentLibrary& lib, const Article& a, bool with_html,
                      const std::string& base, JsonWriter* w) {
  w->BeginObject();
  w->Field("slug", a.slug).Field("title", a.title).Field("summary", a.summary);
  w->Field("url", Abs(base, "/articles/" + a.slug));
  w->Key("authors");
  WritePeople(lib, a.authors, base, w);
  w->Key("reviewed_by");
  WritePeople(lib, a.reviewed_by, base, w);
  w->Field("published", a.published).Field("updated", a.updated);
  w->Field("last_reviewed", a.last_reviewed).Field("next_review", a.next_review);
  w->Key("modalities").BeginArray();
  for (const std::string& m : a.modalities) w->String(m);
  w->EndArray();
  w->Key("tags").BeginArray();
  for (const std::string& t : a.tags) w->String(t);
  w->EndArray();
  w->Key("sources").BeginArray();
  for (const content::Source& s : a.sources) {
    w->BeginObject().Field("title", s.title).Field("publisher", s.publisher).Key("year");
    if (s.year > 0)
      w->Int(s.year);
    else
      w->Null();
    w->Field("url", s.url).EndObject();
  }
  w->EndArray();
  if (a.conflicts.empty())
    w->Key("conflicts").Null();
  else
    w->Field("conflicts", a.conflicts);
  w->Key("sample").Bool(a.sample);
  w->Key("reading_grade").Double(a.grade, 1);
  if (with_html) w->Field("html", a.html);
  w->EndObject();
}

// schema.org MedicalWebPage with the Article as its main entity.
std::string JsonLd(const ContentLibrary& lib, const Article& a, const std::string& base) {
  JsonWriter w;
  auto people = [&](const std::vector<std::string>& slugs) {
    w.BeginArray();
    for (const std::string& s : slugs) {
      const Author* p = lib.FindAuthor(s);
      if (p == nullptr) continue;
      // The shipped author is an organisation; deployments' authors are people.
      w.BeginObject().Field(
          "@type", p->credentials.empty() && s == "editorial-team" ? "Organization" : "Person");
      w.Field("name", p->name).Field("url", Abs(base, "/authors/" + p->slug)).EndObject();
    }
    w.EndArray();
  };
  const std::string url = Abs(base, "/articles/" + a.slug);
  w.BeginObject().Field("@context", "https://schema.org").Field("@type", "MedicalWebPage");
  w.Field("@id", url).Field("url", url).Field("name", a.title).Field("description", a.summary);
  w.Field("lastReviewed", a.last_reviewed);
  if (!a.reviewed_by.empty()) {
    w.Key("reviewedBy");
    people(a.reviewed_by);
  }
  w.Key("mainEntity").BeginObject().Field("@type", "Article");
  w.Field("headline", a.title).Field("description", a.summary);
  w.Field("datePublished", a.published).Field("dateModified", a.updated);
  w.Key("author");
  people(a.authors);
  w.Key("citation").BeginArray();
  for (const content::Source& s : a.sources) {
    w.BeginObject().Field("@type", "CreativeWork").Field("name", s.title).Field("url", s.url);
    w.Key("publisher").BeginObject().Field("@type", "Organization").Field("name", s.publisher);
    w.EndObject();
    if (s.year > 0) w.Field("datePublished", std::to_string(s.year));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return ScriptSafe(w.str());
}

std::string AttrEscape(std::string_view s) { return XmlEscape(s); }

}  // namespace

Result<std::shared_ptr<const ContentLibrary>> LoadContent(
    const std::string& dir, std::vector<content::ContentIssue>* issues) {
  std::vector<std::pair<std::string, std::string>> files;
  if (dir.empty()) {
    files = ContentLibrary::EmbeddedFiles();
  } else {
    auto read = ContentLibrary::ReadDir(dir);
    if (!read.ok()) return read.status();
    files = std::move(read).value();
  }
  content::ContentRules rules;
  for (const Modality& m : ModalityMap::Embedded().modalities()) rules.modalities.push_back(m.id);
  rules.today = TodayUtc();
  auto lib = ContentLibrary::Build(files, rules, issues);
  if (content::HasErrors(*issues)) {
    std::string msg = "the content has errors:";
    for (const content::ContentIssue& i : *issues)
      if (i.error) msg += "\n  " + i.ToString();
    return Status::InvalidArgument(msg);
  }
  return lib;
}

HttpResponse PageArticles(const Dataset& d, const QueryParams& params) {
  const ContentLibrary& lib = Lib(d);
  const std::string modality = Get(params, "modality"), tag = Get(params, "tag");
  size_t page_no = 1;
  const std::string p = Get(params, "page");
  if (!p.empty()) {
    if (p.size() > 4 || p.find_first_not_of("0123456789") != std::string::npos || p == "0")
      return PageMessage(&d, 400, "Page not found", "The page number must be 1 or more.");
    page_no = std::stoul(p);
  }
  std::vector<const Article*> match;
  for (const Article& a : lib.articles())
    if (Matches(a, modality, tag)) match.push_back(&a);
  data v;
  data list = List();
  const size_t from = (page_no - 1) * kPerPage;
  for (size_t i = from; i < match.size() && i < from + kPerPage; ++i)
    list.push_back(ArticleSummary(*match[i]));
  v.set("articles", list);
  v.set("none", Bool(match.empty()));
  v.set("sample", Bool(lib.sample()));
  data filters = List();
  for (const Modality& m : ModalityMap::Embedded().modalities()) {
    data f;
    f.set("id", m.id);
    f.set("label", m.label);
    f.set("selected", Bool(m.id == modality));
    filters.push_back(f);
  }
  v.set("modalities", filters);
  SetIf(v, "tag", tag);
  if (!modality.empty()) v.set("modality_label", ModalityLabel(modality));
  QueryParams keep;
  if (!modality.empty()) keep.push_back({"modality", modality});
  if (!tag.empty()) keep.push_back({"tag", tag});
  if (page_no > 1)
    v.set("prev",
          Href("/articles", With(keep, "page", page_no == 2 ? "" : std::to_string(page_no - 1))));
  if (from + kPerPage < match.size())
    v.set("next", Href("/articles", With(keep, "page", std::to_string(page_no + 1))));
  return Html(
      &d, "Articles", Render("articles", v), 200, false,
      "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Meridian articles\" "
      "href=\"/articles/feed.atom\">\n<link rel=\"alternate\" type=\"application/feed+json\" "
      "title=\"Meridian articles\" href=\"/articles/feed.json\">");
}

HttpResponse PageArticle(const Dataset& d, const std::string& slug, const std::string& base,
                         bool digest) {
  const ContentLibrary& lib = Lib(d);
  const Article* a = lib.FindArticle(slug);
  if (a == nullptr)
    return PageMessage(&d, 404, "Article not found", "We could not find that article.");
  data v;
  v.set("title", a->title);
  v.set("summary", a->summary);
  v.set("body", a->html);
  v.set("authors", PersonList(lib, a->authors));
  v.set("reviewers", PersonList(lib, a->reviewed_by));
  v.set("unreviewed", Bool(a->reviewed_by.empty()));
  v.set("published", LongDate(a->published));
  v.set("published_iso", a->published);
  v.set("updated", LongDate(a->updated));
  v.set("updated_iso", a->updated);
  v.set("last_reviewed", LongDate(a->last_reviewed));
  v.set("last_reviewed_iso", a->last_reviewed);
  v.set("next_review", LongDate(a->next_review));
  v.set("next_review_iso", a->next_review);
  v.set("review_due", Bool(a->next_review < TodayUtc()));
  v.set("sample", Bool(a->sample));
  SetIf(v, "conflicts", a->conflicts);
  data sources = List();
  for (const content::Source& s : a->sources) {
    data x;
    x.set("title", s.title);
    x.set("publisher", s.publisher);
    x.set("year", s.year > 0 ? std::to_string(s.year) : std::string("n.d."));
    x.set("url", s.url);
    sources.push_back(x);
  }
  v.set("sources", sources);
  if (digest) v.set("digest_form", DigestPages::SignupForm());
  data ctas = List();
  for (const std::string& m : a->modalities) {
    data c;
    c.set("id", m);
    c.set("label", ModalityLabel(m));
    ctas.push_back(c);
  }
  v.set("ctas", ctas);
  data recent = List();
  size_t n = 0;
  for (const Article& other : lib.articles()) {
    if (&other == a || n == 3) continue;
    recent.push_back(ArticleSummary(other));
    ++n;
  }
  v.set("recent", recent);
  const std::string url = Abs(base, "/articles/" + a->slug);
  const std::string head =
      "<meta name=\"description\" content=\"" + AttrEscape(a->summary) + "\">\n" +
      "<meta property=\"og:type\" content=\"article\">\n<meta property=\"og:title\" content=\"" +
      AttrEscape(a->title) + "\">\n<meta property=\"og:description\" content=\"" +
      AttrEscape(a->summary) + "\">\n<meta property=\"og:url\" content=\"" + AttrEscape(url) +
      "\">\n<meta property=\"og:site_name\" content=\"Meridian\">\n"
      "<meta property=\"article:published_time\" content=\"" +
      AttrEscape(Rfc3339(a->published)) +
      "\">\n<meta property=\"article:modified_time\" content=\"" + AttrEscape(Rfc3339(a->updated)) +
      "\">\n<link rel=\"canonical\" href=\"" + AttrEscape(url) + "\">\n" +
      "<script type=\"application/ld+json\">" + JsonLd(lib, *a, base) + "</script>";
  return Html(&d, a->title, Render("article", v), 200, false, head);
}

HttpResponse PageAuthor(const Dataset& d, const std::string& slug) {
  const ContentLibrary& lib = Lib(d);
  const Author* a = lib.FindAuthor(slug);
  if (a == nullptr)
    return PageMessage(&d, 404, "Author not found", "We could not find that author.");
  data v;
  v.set("slug", a->slug);
  v.set("name", a->name);
  SetIf(v, "credentials", a->credentials);
  SetIf(v, "role", a->role);
  v.set("bio", a->bio_html);
  v.set("photo", Bool(!a->photo.empty()));
  data wrote = List(), reviewed = List();
  for (const Article& x : lib.articles()) {
    if (std::find(x.authors.begin(), x.authors.end(), slug) != x.authors.end())
      wrote.push_back(ArticleSummary(x));
    if (std::find(x.reviewed_by.begin(), x.reviewed_by.end(), slug) != x.reviewed_by.end())
      reviewed.push_back(ArticleSummary(x));
  }
  v.set("wrote", wrote);
  v.set("reviewed", reviewed);
  v.set("sample", Bool(lib.sample()));
  return Html(&d, a->name, Render("author", v), 200, false,
              "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"" +
                  AttrEscape(a->name) + "\" href=\"/authors/" + AttrEscape(a->slug) +
                  "/feed.atom\">");
}

HttpResponse FeedAtom(const Dataset& d, const std::string& author_slug, const std::string& base) {
  const ContentLibrary& lib = Lib(d);
  const Author* only = nullptr;
  if (!author_slug.empty()) {
    only = lib.FindAuthor(author_slug);
    if (only == nullptr)
      return HttpResponse{404, "text/plain; charset=utf-8", "no such author\n", {}};
  }
  std::vector<const Article*> items;
  for (const Article& a : lib.articles())
    if (only == nullptr ||
        std::find(a.authors.begin(), a.authors.end(), author_slug) != a.authors.end())
      items.push_back(&a);
  std::string updated = "1970-01-01";
  for (const Article* a : items) updated = std::max(updated, a->updated);
  const std::string self =
      Abs(base, only ? "/authors/" + only->slug + "/feed.atom" : "/articles/feed.atom");
  std::string x =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  x += "  <id>" + XmlEscape(self) + "</id>\n";
  x += "  <title>" + XmlEscape(only ? "Meridian articles by " + only->name : "Meridian articles") +
       "</title>\n";
  x += "  <updated>" + Rfc3339(updated) + "</updated>\n";
  x += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"" + XmlEscape(self) + "\"/>\n";
  x += "  <link rel=\"alternate\" type=\"text/html\" href=\"" +
       XmlEscape(Abs(base, only ? "/authors/" + only->slug : "/articles")) + "\"/>\n";
  x += "  <author><name>Meridian</name></author>\n";
  for (const Article* a : items) {
    const std::string url = Abs(base, "/articles/" + a->slug);
    x += "  <entry>\n    <id>" + XmlEscape(url) + "</id>\n";
    x += "    <title>" + XmlEscape(a->title) + "</title>\n";
    x += "    <link rel=\"alternate\" type=\"text/html\" href=\"" + XmlEscape(url) + "\"/>\n";
    x += "    <published>" + Rfc3339(a->published) + "</published>\n";
    x += "    <updated>" + Rfc3339(a->updated) + "</updated>\n";
    for (const std::string& s : a->authors)
      if (const Author* p = lib.FindAuthor(s))
        x += "    <author><name>" + XmlEscape(p->name) + "</name><uri>" +
             XmlEscape(Abs(base, "/authors/" + p->slug)) + "</uri></author>\n";
    for (const std::string& m : a->modalities)
      x += "    <category term=\"" + XmlEscape(m) + "\"/>\n";
    x += "    <summary>" + XmlEscape(a->summary) + "</summary>\n";
    x += "    <content type=\"html\">" + XmlEscape(a->html) + "</content>\n  </entry>\n";
  }
  x += "</feed>\n";
  return HttpResponse{200,
                      "application/atom+xml; charset=utf-8",
                      std::move(x),
                      {{"Cache-Control", "public, max-age=600"}}};
}

HttpResponse FeedJson(const Dataset& d, const std::string& base) {
  const ContentLibrary& lib = Lib(d);
  JsonWriter w;
  w.BeginObject().Field("version", "https://jsonfeed.org/version/1.1");
  w.Field("title", "Meridian articles").Field("home_page_url", Abs(base, "/articles"));
  w.Field("feed_url", Abs(base, "/articles/feed.json")).Field("language", "en");
  w.Key("items").BeginArray();
  for (const Article& a : lib.articles()) {
    const std::string url = Abs(base, "/articles/" + a.slug);
    w.BeginObject().Field("id", url).Field("url", url).Field("title", a.title);
    w.Field("summary", a.summary).Field("content_html", a.html);
    w.Field("date_published", Rfc3339(a.published)).Field("date_modified", Rfc3339(a.updated));
    w.Key("authors").BeginArray();
    for (const std::string& s : a.authors)
      if (const Author* p = lib.FindAuthor(s))
        w.BeginObject()
            .Field("name", p->name)
            .Field("url", Abs(base, "/authors/" + p->slug))
            .EndObject();
    w.EndArray();
    w.Key("tags").BeginArray();
    for (const std::string& t : a.tags) w.String(t);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray().EndObject();
  return HttpResponse{200,
                      "application/feed+json; charset=utf-8",
                      w.str(),
                      {{"Cache-Control", "public, max-age=600"}}};
}

HttpResponse AuthorPhoto(const Dataset& d, const std::string& slug) {
  const Author* a = Lib(d).FindAuthor(slug);
  const std::string* bytes = a && !a->photo.empty() ? Lib(d).AuthorFile(a->photo) : nullptr;
  if (bytes == nullptr) return HttpResponse{404, "text/plain; charset=utf-8", "no photo\n", {}};
  const std::string& n = a->photo;
  const char* type = n.ends_with(".png")                           ? "image/png"
                     : n.ends_with(".webp")                        ? "image/webp"
                     : n.ends_with(".jpg") || n.ends_with(".jpeg") ? "image/jpeg"
                                                                   : "application/octet-stream";
  return HttpResponse{200, type, *bytes, {{"Cache-Control", "public, max-age=86400"}}};
}

HttpResponse ApiArticles(const Dataset& d, const QueryParams& params) {
  const ContentLibrary& lib = Lib(d);
  const std::string modality = Get(params, "modality"), tag = Get(params, "tag");
  if (!modality.empty() && ModalityMap::Embedded().Find(modality) < 0)
    return ApiError(Status::InvalidArgument("unknown modality " + modality).WithParam("modality"));
  JsonWriter w;
  w.BeginObject().Key("articles").BeginArray();
  size_t n = 0;
  for (const Article& a : lib.articles())
    if (Matches(a, modality, tag)) WriteArticleJson(lib, a, false, "", &w), ++n;
  w.EndArray().Key("total").Uint(n).Key("sample").Bool(lib.sample()).EndObject();
  return HttpResponse{200, "application/json", w.str(), {}};
}

HttpResponse ApiArticle(const Dataset& d, const std::string& slug) {
  const ContentLibrary& lib = Lib(d);
  const Article* a = lib.FindArticle(slug);
  if (a == nullptr) return ApiError(Status::NotFound("no article " + slug).WithParam("slug"));
  JsonWriter w;
  WriteArticleJson(lib, *a, true, "", &w);
  return HttpResponse{200, "application/json", w.str(), {}};
}

}  // namespace meridian
