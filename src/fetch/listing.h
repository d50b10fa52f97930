// The CMS NPPES dissemination page (https://download.cms.gov/nppes/NPI_Files.html)
// read for its file links: the monthly full replacement, the weekly
// incremental files and the deactivation report, each a ZIP. The page's
// layout is not a contract, so only links are read: every href ending in
// ".zip", sorted into a kind by its file name, dated by the dates in the name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace meridian {

enum class NppesFileKind { kMonthly, kWeekly, kDeactivations };
const char* NppesFileKindName(NppesFileKind k);  // "monthly", "weekly", "deactivations"

struct NppesLink {
  std::string name;  // "NPPES_Data_Dissemination_November_2025.zip"
  std::string url;   // absolute
  NppesFileKind kind = NppesFileKind::kMonthly;
  int date = 0;  // YYYYMMDD of the latest date in the name (a month name counts as day 1)
};

// Every ZIP link of `html`, relative hrefs resolved against `page_url`.
// Links whose kind cannot be told (not an NPPES name) are left out.
std::vector<NppesLink> ParseListing(std::string_view html, std::string_view page_url);

// The newest link of `kind`: the latest date, then the last on the page.
// NotFound names the kind when the page has none.
Result<NppesLink> NewestOf(const std::vector<NppesLink>& links, NppesFileKind kind);

// Where `href` points, seen from `page_url` ("https://h/a/b.html" + "c.zip"
// -> "https://h/a/c.zip"; "/x.zip" -> "https://h/x.zip"; absolute unchanged).
std::string ResolveUrl(std::string_view page_url, std::string_view href);

}  // namespace meridian
