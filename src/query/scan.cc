#include "query/scan.h"

#include <algorithm>

#include "geo/distance.h"

namespace meridian {

ScanResult ScanSearch(const Snapshot& snap, const ScanQuery& q) {
  std::vector<bool> wanted(snap.taxonomy().size(), q.taxonomies.empty());
  for (size_t id = 0; id < wanted.size(); ++id)
    for (const std::string& t : q.taxonomies)
      if (snap.taxonomy().entry(static_cast<uint16_t>(id)).info.code.starts_with(t))
        wanted[id] = true;

  std::vector<ScanHit> all;
  for (size_t i = 0; i < snap.size(); ++i) {
    if (!q.include_deactivated && snap.entity(i) == EntityType::kDeactivated) continue;
    if (!q.taxonomies.empty()) {
      bool ok = false;
      for (uint16_t id : snap.taxonomy_ids(i)) ok = ok || wanted[id];
      if (!ok) continue;
    }
    auto locs = snap.locations(i);
    double best = 1e300;
    uint32_t best_loc = 0;
    for (size_t k = 0; k < locs.size(); ++k) {
      if (locs[k].precision == 0) continue;
      double d = HaversineMiles(q.lat, q.lon, locs[k].lat, locs[k].lon);
      if (d < best) best = d, best_loc = static_cast<uint32_t>(k);
    }
    if (best <= q.radius_mi) all.push_back({static_cast<uint32_t>(i), best, best_loc});
  }
  // Rows are in NPI order, so ordering by (distance, row) breaks ties by NPI.
  std::sort(all.begin(), all.end(), [](const ScanHit& a, const ScanHit& b) {
    return a.distance_mi != b.distance_mi ? a.distance_mi < b.distance_mi : a.row < b.row;
  });
  ScanResult r;
  r.total = all.size();
  size_t from = std::min(q.offset, all.size());
  size_t to = std::min(all.size(), from + q.limit);
  r.hits.assign(all.begin() + static_cast<long>(from), all.begin() + static_cast<long>(to));
  return r;
}

}  // namespace meridian
