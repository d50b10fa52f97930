#include "http/sitemap.h"

#include <ctime>

namespace meridian {

namespace {

constexpr const char* kXmlHead = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr const char* kNs = "http://www.sitemaps.org/schemas/sitemap/0.9";

HttpResponse Xml(std::string body) {
  return HttpResponse{200,
                      "application/xml; charset=utf-8",
                      std::move(body),
                      {{"Cache-Control", "public, max-age=3600"}}};
}

HttpResponse NotFound() {
  return HttpResponse{404, "text/plain; charset=utf-8", "no such sitemap\n", {}};
}

// The snapshot's build day, W3C date form.
std::string SnapshotDay(const Dataset& d) {
  const std::time_t t = static_cast<std::time_t>(d.snap->created_unix());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

size_t ProviderFiles(const Dataset& d, size_t per_file) {
  return (d.snap->size() + per_file - 1) / per_file;
}

void Url(std::string* out, const std::string& loc, const std::string& lastmod) {
  *out += "  <url><loc>" + loc + "</loc>";
  if (!lastmod.empty()) *out += "<lastmod>" + lastmod + "</lastmod>";
  *out += "</url>\n";
}

// Slugs and NPIs are checked to be URL- and XML-safe when content loads
// (file names) or are digits; the base comes from the operator or a checked
// Host header (Service::BaseUrl).
std::string Pages(const Dataset& d, const std::string& base) {
  std::string x = std::string(kXmlHead) + "<urlset xmlns=\"" + kNs + "\">\n";
  std::string newest;
  for (const content::Article& a : d.content->articles()) newest = std::max(newest, a.updated);
  for (const char* p : {"/", "/guide", "/about"}) Url(&x, base + p, "");
  Url(&x, base + "/articles", newest);
  for (const content::Article& a : d.content->articles())
    Url(&x, base + "/articles/" + a.slug, a.updated);
  for (const content::Author& a : d.content->authors()) Url(&x, base + "/authors/" + a.slug, "");
  x += "</urlset>\n";
  return x;
}

}  // namespace

HttpResponse SitemapIndex(const Dataset& d, const std::string& base, size_t per_file) {
  const std::string day = SnapshotDay(d);
  std::string x = std::string(kXmlHead) + "<sitemapindex xmlns=\"" + kNs + "\">\n";
  x += "  <sitemap><loc>" + base + "/sitemaps/pages.xml</loc></sitemap>\n";
  for (size_t n = 1; n <= ProviderFiles(d, per_file); ++n)
    x += "  <sitemap><loc>" + base + "/sitemaps/providers-" + std::to_string(n) +
         ".xml</loc><lastmod>" + day + "</lastmod></sitemap>\n";
  x += "</sitemapindex>\n";
  return Xml(std::move(x));
}

HttpResponse SitemapFile(const Dataset& d, const std::string& file, const std::string& base,
                         size_t per_file) {
  if (file == "pages.xml") return Xml(Pages(d, base));
  constexpr std::string_view kPrefix = "providers-", kSuffix = ".xml";
  if (!file.starts_with(kPrefix) || !file.ends_with(kSuffix)) return NotFound();
  const std::string digits =
      file.substr(kPrefix.size(), file.size() - kPrefix.size() - kSuffix.size());
  if (digits.empty() || digits.size() > 6 || digits[0] == '0' ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return NotFound();
  const size_t n = std::stoul(digits);
  if (n > ProviderFiles(d, per_file)) return NotFound();
  const size_t from = (n - 1) * per_file, to = std::min(d.snap->size(), n * per_file);
  const std::string day = SnapshotDay(d);
  std::string x = std::string(kXmlHead) + "<urlset xmlns=\"" + kNs + "\">\n";
  x.reserve(x.size() + (to - from) * (base.size() + 64));
  for (size_t row = from; row < to; ++row) {
    if (d.snap->entity(row) == EntityType::kDeactivated) continue;  // those pages answer 410
    Url(&x, base + "/provider/" + NpiToString(d.snap->npi(row)), day);
  }
  x += "</urlset>\n";
  return Xml(std::move(x));
}

}  // namespace meridian
