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

#include <cstdint>
#include <vector>

#include "snapshot/snapshot.h"
#include "util/status.h"

namespace meridian {

struct GeoHit {
  uint32_t row;
  double distance_mi;
  uint32_t location;  // index within the row's locations (0 = primary)
};

class GeoGrid {
 public:
  static constexpr double kCellDegrees = 0.1;

  // Indexes every location with a geocode. O(locations log locations).
  static GeoGrid Build(const Snapshot& snap);

  // Appends to *hits one entry per row having a location within `radius_mi`
  // of (lat, lon), at its nearest such location (ties: lowest location
  // index). Order of *hits is unspecified. REQUIRES: 0 <= radius_mi <= 3000.
  void Within(double lat, double lon, double radius_mi, std::vector<GeoHit>* hits) const;

  size_t size() const { return row_.size(); }
  size_t memory_bytes() const;

  // Keys strictly ascending, offsets consistent, every point inside its cell,
  // and exactly the snapshot's geocoded locations present.
  Status CheckInvariants(const Snapshot& snap) const;

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
};

}  // namespace meridian
