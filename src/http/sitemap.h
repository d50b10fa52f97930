// /sitemap.xml: a sitemap index (sitemaps.org protocol 0.9) over the site's
// pages, articles and authors (/sitemaps/pages.xml) and every provider
// profile, in files of at most kSitemapUrls URLs (/sitemaps/providers-N.xml,
// N from 1). A providers file reads only its slice of the snapshot's NPI
// and entity columns (mapped), so no request holds every provider in memory.
#pragma once

#include <string>

#include "http/service.h"

namespace meridian {

inline constexpr size_t kSitemapUrls = 50000;  // the protocol's limit per file

// `base`: the site's absolute address, no trailing slash.
// `per_file`: URLs per providers file (tests use small files).
HttpResponse SitemapIndex(const Dataset& d, const std::string& base,
                          size_t per_file = kSitemapUrls);
// `file`: "pages.xml" or "providers-N.xml"; 404 for anything else.
HttpResponse SitemapFile(const Dataset& d, const std::string& file, const std::string& base,
                         size_t per_file = kSitemapUrls);

}  // namespace meridian
