#include "query/result.h"

#include <algorithm>

namespace meridian {

FacetCounts::FacetCounts(std::vector<Entry> entries) : entries_(std::move(entries)) {
  std::sort(entries_.begin(), entries_.end(),
            [](const Entry& a, const Entry& b) { return a.first < b.first; });
  size_t out = 0;
  for (const Entry& e : entries_) {
    if (e.second == 0) continue;
    if (out > 0 && entries_[out - 1].first == e.first)
      entries_[out - 1].second += e.second;
    else
      entries_[out++] = e;
  }
  entries_.resize(out);
}

uint64_t FacetCounts::Get(std::string_view name) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                             [](const Entry& e, std::string_view n) { return e.first < n; });
  return it != entries_.end() && it->first == name ? it->second : 0;
}

}  // namespace meridian
