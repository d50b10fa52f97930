#include "query/indexed.h"

#include <algorithm>

namespace meridian {

ScanResult IndexedSearch(const Snapshot& snap, const GeoGrid& grid, const ScanQuery& q) {
  std::vector<bool> wanted;
  if (!q.taxonomies.empty()) {
    wanted.assign(snap.taxonomy().size(), false);
    for (size_t id = 0; id < wanted.size(); ++id)
      for (const std::string& t : q.taxonomies)
        if (snap.taxonomy().entry(static_cast<uint16_t>(id)).info.code.starts_with(t))
          wanted[id] = true;
  }
  std::vector<GeoHit> hits;
  grid.Within(q.lat, q.lon, q.radius_mi, &hits);
  std::vector<ScanHit> all;
  all.reserve(hits.size());
  for (const GeoHit& h : hits) {
    if (!q.include_deactivated && snap.entity(h.row) == EntityType::kDeactivated) continue;
    if (!wanted.empty()) {
      bool ok = false;
      for (uint16_t id : snap.taxonomy_ids(h.row)) ok = ok || wanted[id];
      if (!ok) continue;
    }
    all.push_back({h.row, h.distance_mi, h.location});
  }
  ScanResult r;
  r.total = all.size();
  // Only the requested page needs ordering: (distance, row), rows being in NPI order.
  auto less = [](const ScanHit& a, const ScanHit& b) {
    return a.distance_mi != b.distance_mi ? a.distance_mi < b.distance_mi : a.row < b.row;
  };
  size_t from = std::min(q.offset, all.size());
  size_t to = std::min(all.size(), from + q.limit);
  if (to < all.size()) {
    std::partial_sort(all.begin(), all.begin() + static_cast<long>(to), all.end(), less);
  } else {
    std::sort(all.begin(), all.end(), less);
  }
  r.hits.assign(all.begin() + static_cast<long>(from), all.begin() + static_cast<long>(to));
  return r;
}

}  // namespace meridian
