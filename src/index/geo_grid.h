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

// A candidate from ForEachWithin. Membership in the circle is always decided
// exactly; the distance itself is computed exactly only when cheap to know
// (rows with several locations) — otherwise `chord2` orders candidates and
// GeoGrid::ExactMiles(point) gives the exact value on demand.
struct GeoCandidate {
  uint32_t row;
  uint32_t location;
  uint32_t point;   // grid point index
  double chord2;    // squared chord on the unit sphere (approximate, float vectors)
  double exact_mi;  // valid when `exact`
  bool exact;
  uint8_t text_quality = 0;  // set by the executor for text queries (text/fuzzy.h)
};

// Bound on |chord - true chord| for the float unit vectors; decisions within
// this margin of a threshold fall back to the exact haversine.
inline constexpr double kChordMargin = 1e-6;

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
  // point. O(locations + cells) (counting sort). REQUIRES: row_info.size() == snap.size().
  static GeoGrid Build(const Snapshot& snap, const std::vector<RowInfo>& row_info);

  // Calls f(candidate, info) for every row within the radius, once per row (at
  // its nearest location; ties: lowest location index), in unspecified order.
  // REQUIRES: 0 <= radius_mi <= 3000. Membership is exact; most
  // points are decided by a squared-chord test without trigonometry, and only
  // points within kChordMargin of the circle get the exact haversine.
  template <class F>
  void ForEachWithin(double lat, double lon, double radius_mi, F f) const;

  // The exact distance (HaversineMiles) from (lat, lon) to grid point `point`.
  double ExactMiles(double lat, double lon, uint32_t point) const {
    return HaversineMiles(lat, lon, lat_[point], lon_[point]);
  }
  // Squared chord between (lat, lon) and a grid point, from float unit vectors.
  double Chord2(const double q[3], uint32_t point) const {
    double dx = q[0] - xyz_[3 * point], dy = q[1] - xyz_[3 * point + 1],
           dz = q[2] - xyz_[3 * point + 2];
    return dx * dx + dy * dy + dz * dz;
  }
  static void UnitVector(double lat, double lon, double out[3]);
  // The chord of a great-circle distance.
  static double ChordOfMiles(double miles);

  size_t size() const { return row_.size(); }
  // How many points ForEachWithin would measure (the cells it visits): a cost estimate.
  size_t CountNear(double lat, double lon, double radius_mi) const;
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
  std::vector<float> xyz_;          // unit vector per point (3 floats), for chord tests
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
  thread_local std::vector<GeoCandidate> multi;
  Runs(lat, lon, radius_mi, &runs);
  multi.clear();
  double q[3];
  UnitVector(lat, lon, q);
  const double cr = ChordOfMiles(radius_mi);
  const double in2 = cr > kChordMargin ? (cr - kChordMargin) * (cr - kChordMargin) : -1.0;
  const double out2 = (cr + kChordMargin) * (cr + kChordMargin);
  for (const Run& run : runs) {
    auto it = std::lower_bound(keys_.begin(), keys_.end(), run.k0);
    for (; it != keys_.end() && *it <= run.k1; ++it) {
      const size_t c = static_cast<size_t>(it - keys_.begin());
      for (uint32_t p = begin_[c]; p < begin_[c + 1]; ++p) {
        const double c2 = Chord2(q, p);
        if (c2 > out2) continue;  // clearly outside
        GeoCandidate cand{row_[p], location_[p], p, c2, 0, false};
        if (!(c2 < in2) || multi_[p]) {  // near the rim, or the nearest location must be exact
          cand.exact_mi = ExactMiles(lat, lon, p);
          cand.exact = true;
          if (!(cand.exact_mi <= radius_mi)) continue;
        }
        if (multi_[p]) {
          multi.push_back(cand);
        } else {
          f(cand, info_[p]);
        }
      }
    }
  }
  // Rows with several locations: their nearest (ties: lowest location index).
  std::sort(multi.begin(), multi.end(), [](const GeoCandidate& a, const GeoCandidate& b) {
    if (a.row != b.row) return a.row < b.row;
    if (a.exact_mi != b.exact_mi) return a.exact_mi < b.exact_mi;
    return a.location < b.location;
  });
  for (size_t i = 0; i < multi.size(); ++i)
    if (i == 0 || multi[i].row != multi[i - 1].row) f(multi[i], info_[multi[i].point]);
}

}  // namespace meridian
