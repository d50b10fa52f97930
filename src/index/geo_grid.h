// GeoGrid: every geocoded practice location in a flat lat/lon grid.
//
// Cells are kCellDegrees on a side. Locations are stored cell by cell in
// parallel arrays (CSR layout: sorted cell keys + offsets), so a radius query
// visits a few contiguous runs per latitude row of cells instead of scanning
// all points: no pointers, no per-cell allocations.
//
// Matching follows the scan oracle exactly (query/scan.h): great-circle
// distance (geo/distance.h) from the query point to each location, a row
// matches at its nearest location within the radius. The grid only narrows
// which locations are measured; the same function measures them, so results
// are identical, not approximately equal (differential test in
// geo_grid_test.cc).
//
// Thread safety: immutable after Build(); concurrent queries are safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "geo/distance.h"
#include "snapshot/snapshot.h"
#include "util/status.h"

namespace meridian {

struct GeoHit {
  uint32_t row;
  double distance_mi;
  uint32_t location;  // index within the row's locations (0 = primary)
};

// Per-row values that filters and facets read, copied next to each of the
// row's points so a radius query reads them sequentially instead of chasing
// the row's columns (one cache miss each) for every candidate.
struct RowInfo {
  uint16_t modality_mask = 0;
  uint16_t class_slot = 0;  // facet slot of the primary taxonomy's classification
  uint8_t entity = 0;       // EntityType
  uint8_t sex = 0;          // ASCII or 0
  uint8_t state = 0;        // StateTable id
  uint8_t flags = 0;        // kHasSecondary
  static constexpr uint8_t kHasSecondary = 1;
  bool operator==(const RowInfo&) const = default;
};
static_assert(sizeof(RowInfo) == 8);

class GeoGrid {
 public:
  static constexpr double kCellDegrees = 0.1;

  // Indexes every location with a geocode, carrying `row_info[row]` with each
  // point. O(locations log locations). REQUIRES: row_info.size() == snap.size().
  static GeoGrid Build(const Snapshot& snap, const std::vector<RowInfo>& row_info);

  // Appends to *hits one entry per row having a location within `radius_mi`
  // of (lat, lon), at its nearest such location (ties: lowest location
  // index). Order of *hits is unspecified. REQUIRES: 0 <= radius_mi <= 3000.
  void Within(double lat, double lon, double radius_mi, std::vector<GeoHit>* hits) const;

  // Calls f(hit, info) for every row within the radius, once per row (at its
  // nearest location), in unspecified order. Within() is this plus a push_back.
  template <class F>
  void ForEachWithin(double lat, double lon, double radius_mi, F f) const;

  size_t size() const { return row_.size(); }
  size_t memory_bytes() const;

  // Keys strictly ascending, offsets consistent, every point inside its cell,
  // and exactly the snapshot's geocoded locations present.
  // and each point carrying its row's current RowInfo.
  Status CheckInvariants(const Snapshot& snap, const std::vector<RowInfo>& row_info) const;

 private:
  static int64_t LatCell(double lat);
  static int64_t LonCell(double lon);
  static uint32_t Key(int64_t lat_cell, int64_t lon_cell);

  std::vector<uint32_t> keys_;      // cell keys, ascending
  std::vector<uint32_t> begin_;     // keys_.size() + 1 offsets into the point arrays
  std::vector<float> lat_, lon_;    // points, grouped by cell
  std::vector<double> cos_lat_;     // CosLat(lat_) per point (distance without a cos call)
  std::vector<uint8_t> multi_;      // 1 when the point's row has other geocoded locations
  std::vector<uint32_t> row_;       // snapshot row of each point
  std::vector<uint16_t> location_;  // location index within the row
  std::vector<RowInfo> info_;       // the row's RowInfo, per point

  // The cell runs a query must visit: [lat row, first key, last key] triples.
  struct Run {
    uint32_t k0, k1;
  };
  void Runs(double lat, double lon, double radius_mi, std::vector<Run>* runs) const;
};

template <class F>
void GeoGrid::ForEachWithin(double lat, double lon, double radius_mi, F f) const {
  thread_local std::vector<Run> runs;
  thread_local std::vector<std::pair<GeoHit, uint32_t>> multi;  // (hit, point)
  Runs(lat, lon, radius_mi, &runs);
  multi.clear();
  const double cos_q = CosLat(lat);
  for (const Run& run : runs) {
    auto it = std::lower_bound(keys_.begin(), keys_.end(), run.k0);
    for (; it != keys_.end() && *it <= run.k1; ++it) {
      const size_t c = static_cast<size_t>(it - keys_.begin());
      for (uint32_t p = begin_[c]; p < begin_[c + 1]; ++p) {
        const double d = HaversineMilesPre(lat, lon, cos_q, lat_[p], lon_[p], cos_lat_[p]);
        if (!(d <= radius_mi)) continue;
        if (multi_[p]) {
          multi.push_back({{row_[p], d, location_[p]}, p});
        } else {
          f(GeoHit{row_[p], d, location_[p]}, info_[p]);
        }
      }
    }
  }
  // Rows with several locations: their nearest (ties: lowest location index).
  std::sort(multi.begin(), multi.end(), [](const auto& a, const auto& b) {
    if (a.first.row != b.first.row) return a.first.row < b.first.row;
    if (a.first.distance_mi != b.first.distance_mi)
      return a.first.distance_mi < b.first.distance_mi;
    return a.first.location < b.first.location;
  });
  for (size_t i = 0; i < multi.size(); ++i)
    if (i == 0 || multi[i].first.row != multi[i - 1].first.row)
      f(multi[i].first, info_[multi[i].second]);
}

}  // namespace meridian
