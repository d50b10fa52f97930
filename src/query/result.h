// SearchResult: what a query returns, from the engine and from the oracle alike.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace meridian {

struct SearchHit {
  uint32_t row;
  double distance_mi;         // 0 when the query has no point
  uint32_t location;          // which of the row's locations matched (0 = primary)
  uint32_t text_quality = 0;  // text queries: sum of word match qualities (0 = all exact)
  bool operator==(const SearchHit&) const = default;
};

// Counts over the full match set (not just the page).
struct Facets {
  std::vector<uint64_t> modality;                      // per ModalityMap index
  std::map<std::string, uint64_t> classification;      // primary taxonomy's classification
  std::map<std::string, uint64_t> entity, sex, state;  // "individual"; "F"/"unknown"; "WI"
  std::array<uint64_t, 4> distance_bands{};            // <= 5, 10, 25, 50 miles
  bool operator==(const Facets&) const = default;
};
inline constexpr std::array<double, 4> kDistanceBandsMiles = {5, 10, 25, 50};

// The facet key for a sex code as published: "F", "M", "X", "U" or "unknown".
inline const char* SexFacetKey(char c) {
  switch (c) {
    case 'F':
      return "F";
    case 'M':
      return "M";
    case 'X':
      return "X";
    case 'U':
      return "U";
    default:
      return "unknown";
  }
}

struct SearchResult {
  uint64_t total = 0;
  std::vector<SearchHit> hits;  // the requested page
  Facets facets;
  std::string next_cursor;  // empty on the last page
  // The search would cost more than the engine's bound (ExecuteOptions::
  // budget, query/executor.h): it was stopped, and `total`, the facets and
  // the page are empty. TooBroad(q) says what to narrow.
  bool too_broad = false;
  // Work units spent (see executor.h), for the bound's benchmark and tests.
  uint64_t work = 0;
};

}  // namespace meridian
