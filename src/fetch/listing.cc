#include "fetch/listing.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "util/ascii.h"

namespace meridian {

namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool ValidDate(int y, int m, int d) {
  return y >= 2000 && y < 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

// The latest date written in a CMS file name: "November_2025", "11032025"
// (MMDDYYYY), "110325" (MMDDYY) or "20251103" (YYYYMMDD).
int DateOf(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  std::vector<std::string> parts;
  std::string cur;
  for (char c : AsciiLower(name)) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      cur.push_back(c);
    } else if (!cur.empty()) {
      parts.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) parts.push_back(cur);
  int best = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    for (size_t m = 0; m < kMonths.size(); ++m)
      if (p == kMonths[m] && i + 1 < parts.size() && parts[i + 1].size() == 4 &&
          AllDigits(parts[i + 1]))
        best = std::max(best, ToInt(parts[i + 1]) * 10000 + static_cast<int>(m + 1) * 100 + 1);
    if (!AllDigits(p)) continue;
    int y = 0, mo = 0, d = 0;
    if (p.size() == 8 && (p[0] == '0' || p[0] == '1') && p.substr(4, 2) == "20") {
      mo = ToInt(p.substr(0, 2)), d = ToInt(p.substr(2, 2)), y = ToInt(p.substr(4, 4));
    } else if (p.size() == 8) {
      y = ToInt(p.substr(0, 4)), mo = ToInt(p.substr(4, 2)), d = ToInt(p.substr(6, 2));
    } else if (p.size() == 6) {
      mo = ToInt(p.substr(0, 2)), d = ToInt(p.substr(2, 2)), y = 2000 + ToInt(p.substr(4, 2));
    }
    if (ValidDate(y, mo, d)) best = std::max(best, y * 10000 + mo * 100 + d);
  }
  return best;
}

bool KindOf(std::string_view name, NppesFileKind* kind) {
  const std::string n = AsciiLower(name);
  if (n.find("deactivat") != std::string::npos) {
    *kind = NppesFileKind::kDeactivations;
  } else if (n.find("nppes_data_dissemination") == std::string::npos) {
    return false;
  } else if (n.find("weekly") != std::string::npos) {
    *kind = NppesFileKind::kWeekly;
  } else {
    *kind = NppesFileKind::kMonthly;
  }
  return true;
}

}  // namespace

const char* NppesFileKindName(NppesFileKind k) {
  switch (k) {
    case NppesFileKind::kMonthly:
      return "monthly";
    case NppesFileKind::kWeekly:
      return "weekly";
    case NppesFileKind::kDeactivations:
      return "deactivations";
  }
  return "?";
}

std::string ResolveUrl(std::string_view page_url, std::string_view href) {
  const std::string h = AsciiLower(href.substr(0, 8));
  if (h.rfind("http://", 0) == 0 || h.rfind("https://", 0) == 0) return std::string(href);
  const size_t scheme = page_url.find("://");
  const size_t host_end = scheme == std::string_view::npos ? 0 : page_url.find('/', scheme + 3);
  const std::string_view origin =
      host_end == std::string_view::npos ? page_url : page_url.substr(0, host_end);
  if (!href.empty() && href[0] == '/') return std::string(origin) + std::string(href);
  std::string_view dir = page_url.substr(0, page_url.rfind('/') + 1);
  if (host_end == std::string_view::npos || dir.size() <= origin.size())
    return std::string(origin) + "/" + std::string(href);
  std::string base(dir);
  while (href.rfind("./", 0) == 0) href.remove_prefix(2);
  return base + std::string(href);
}

std::vector<NppesLink> ParseListing(std::string_view html, std::string_view page_url) {
  std::vector<NppesLink> out;
  const std::string lower = AsciiLower(html);
  for (size_t at = 0; (at = lower.find("href", at)) != std::string::npos; ++at) {
    size_t i = at + 4;
    while (i < lower.size() && std::isspace(static_cast<unsigned char>(lower[i]))) ++i;
    if (i >= lower.size() || lower[i] != '=') continue;
    ++i;
    while (i < lower.size() && std::isspace(static_cast<unsigned char>(lower[i]))) ++i;
    if (i >= lower.size()) break;
    char quote = lower[i];
    size_t end;
    if (quote == '"' || quote == '\'') {
      ++i;
      end = lower.find(quote, i);
    } else {
      end = lower.find_first_of(" \t\r\n>", i);
    }
    if (end == std::string::npos) break;
    std::string_view href = html.substr(i, end - i);
    if (href.size() < 4 || AsciiLower(href.substr(href.size() - 4)) != ".zip") continue;
    std::string_view name = href.substr(href.find_last_of('/') + 1);
    NppesLink link;
    if (!KindOf(name, &link.kind)) continue;
    link.name = std::string(name);
    link.url = ResolveUrl(page_url, href);
    link.date = DateOf(name);
    out.push_back(std::move(link));
  }
  return out;
}

Result<NppesLink> NewestOf(const std::vector<NppesLink>& links, NppesFileKind kind) {
  const NppesLink* best = nullptr;
  for (const NppesLink& l : links)
    if (l.kind == kind && (best == nullptr || l.date >= best->date)) best = &l;
  if (best == nullptr)
    return Status::NotFound(std::string("the listing page has no ") + NppesFileKindName(kind) +
                            " file");
  return *best;
}

}  // namespace meridian
