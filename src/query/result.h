// SearchResult: what a query returns, from the engine and from the oracle alike.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meridian {

struct SearchHit {
  uint32_t row;
  double distance_mi;         // 0 when the query has no point
  uint32_t location;          // which of the row's locations matched (0 = primary)
  uint32_t text_quality = 0;  // text queries: sum of word match qualities (0 = all exact)
  bool operator==(const SearchHit&) const = default;
};

// Match counts by name, in name order. A name is a view of a table of the
// index or snapshot that counted (or a literal): a result is read while its
// index lives and is not kept past it. One vector, so a search's facets cost
// a few allocations, not two per name.
class FacetCounts {
 public:
  using Entry = std::pair<std::string_view, uint64_t>;
  FacetCounts() = default;
  // From entries in any order; equal names are summed, zero counts dropped.
  explicit FacetCounts(std::vector<Entry> entries);
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // The count of `name`; 0 when no match has it.
  uint64_t Get(std::string_view name) const;
  bool operator==(const FacetCounts&) const = default;

 private:
  std::vector<Entry> entries_;  // names ascending and distinct, counts > 0
};

// Counts over the full match set (not just the page).
struct Facets {
  std::vector<uint64_t> modality;            // per ModalityMap index
  FacetCounts classification;                // primary taxonomy's classification
  FacetCounts entity, sex, state;            // "individual"; "F"/"unknown"; "WI"
  std::array<uint64_t, 4> distance_bands{};  // <= 5, 10, 25, 50 miles
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
