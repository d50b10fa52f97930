#include "index/geo_grid.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "geo/distance.h"

namespace meridian {

namespace {

constexpr int64_t kLonCells = static_cast<int64_t>(360 / GeoGrid::kCellDegrees);  // 3600
constexpr int64_t kLatCells = static_cast<int64_t>(180 / GeoGrid::kCellDegrees);  // 1800
constexpr double kMilesPerDegreeLat = kEarthRadiusMiles * M_PI / 180.0;           // ~69.09

}  // namespace

int64_t GeoGrid::LatCell(double lat) {
  return std::clamp<int64_t>(static_cast<int64_t>(std::floor((lat + 90.0) / kCellDegrees)), 0,
                             kLatCells - 1);
}

int64_t GeoGrid::LonCell(double lon) {
  int64_t c = static_cast<int64_t>(std::floor((lon + 180.0) / kCellDegrees));
  return ((c % kLonCells) + kLonCells) % kLonCells;
}

uint32_t GeoGrid::Key(int64_t lat_cell, int64_t lon_cell) {
  return static_cast<uint32_t>(lat_cell * kLonCells + lon_cell);
}

GeoGrid GeoGrid::Build(const Snapshot& snap, const std::vector<RowInfo>& row_info) {
  struct Point {
    uint32_t key, row;
    float lat, lon;
    uint16_t location;
    uint8_t multi;
  };
  std::vector<Point> points;
  for (size_t i = 0; i < snap.size(); ++i) {
    auto locs = snap.locations(i);
    size_t geocoded = 0;
    for (size_t k = 0; k < locs.size() && k <= UINT16_MAX; ++k) geocoded += locs[k].precision != 0;
    // Locations past 65535 for one row are not indexed (NPPES has none near that).
    for (size_t k = 0; k < locs.size() && k <= UINT16_MAX; ++k) {
      if (locs[k].precision == 0) continue;
      points.push_back({Key(LatCell(locs[k].lat), LonCell(locs[k].lon)), static_cast<uint32_t>(i),
                        locs[k].lat, locs[k].lon, static_cast<uint16_t>(k),
                        static_cast<uint8_t>(geocoded > 1)});
    }
  }
  // Counting sort by cell key (keys < 1800 * 3600): O(points + cells), and
  // stable, so within a cell points stay in (row, location) order as generated.
  {
    std::vector<uint32_t> start(static_cast<size_t>(kLatCells * kLonCells) + 1, 0);
    for (const Point& p : points) ++start[p.key + 1];
    for (size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
    std::vector<Point> sorted(points.size());
    for (const Point& p : points) sorted[start[p.key]++] = p;
    points.swap(sorted);
  }
  GeoGrid g;
  g.lat_.reserve(points.size()), g.lon_.reserve(points.size());
  g.row_.reserve(points.size()), g.location_.reserve(points.size());
  g.xyz_.reserve(3 * points.size()), g.multi_.reserve(points.size());
  g.info_.reserve(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    if (i == 0 || points[i].key != points[i - 1].key) {
      g.keys_.push_back(points[i].key);
      g.begin_.push_back(static_cast<uint32_t>(i));
    }
    g.lat_.push_back(points[i].lat);
    g.lon_.push_back(points[i].lon);
    g.row_.push_back(points[i].row);
    g.location_.push_back(points[i].location);
    double v[3];
    UnitVector(points[i].lat, points[i].lon, v);
    g.xyz_.push_back(static_cast<float>(v[0]));
    g.xyz_.push_back(static_cast<float>(v[1]));
    g.xyz_.push_back(static_cast<float>(v[2]));
    g.multi_.push_back(points[i].multi);
    g.info_.push_back(row_info[points[i].row]);
  }
  g.begin_.push_back(static_cast<uint32_t>(points.size()));
  return g;
}

void GeoGrid::Runs(double lat, double lon, double radius_mi, std::vector<Run>* runs) const {
  runs->clear();
  // Latitude band: exact, since a degree of latitude is the same everywhere.
  const double dlat = radius_mi / kMilesPerDegreeLat;
  const double lat_lo = lat - dlat, lat_hi = lat + dlat;
  // Longitude half-width of the band: the widest point of the circle is at
  // the band's highest |latitude|. Near a pole, or when the circle is wider
  // than a hemisphere, take every longitude.
  const double max_abs_lat = std::max(std::fabs(lat_lo), std::fabs(lat_hi));
  double dlon = 360.0;
  if (max_abs_lat < 89.0) {
    double c = std::cos(max_abs_lat * M_PI / 180.0);
    // sin(angular radius) / cos(lat) bounds the longitude offset on the sphere.
    double ang = radius_mi / kEarthRadiusMiles;
    if (ang < M_PI / 2) {
      double s = std::sin(ang) / c;
      if (s < 1.0) dlon = std::asin(s) * 180.0 / M_PI;
    }
  }
  // Widen by one cell so rounding at cell edges can never drop a point; the
  // exact distance test decides membership.
  const int64_t lat0 = LatCell(lat_lo - kCellDegrees), lat1 = LatCell(lat_hi + kCellDegrees);
  const bool all_lon = dlon >= 180.0;
  const int64_t span =
      all_lon ? kLonCells : static_cast<int64_t>(std::ceil(2 * dlon / kCellDegrees)) + 3;
  const int64_t lon0 = all_lon ? 0 : LonCell(lon - dlon - kCellDegrees);
  for (int64_t la = lat0; la <= lat1; ++la) {
    // The longitude cells [lon0, lon0 + span) wrap at most once around the globe.
    int64_t remaining = std::min(span, kLonCells);
    int64_t start = lon0;
    while (remaining > 0) {
      int64_t run = std::min(remaining, kLonCells - start);
      runs->push_back({Key(la, start), Key(la, start + run - 1)});
      remaining -= run;
      start = 0;
    }
  }
}

size_t GeoGrid::CountNear(double lat, double lon, double radius_mi) const {
  thread_local std::vector<Run> runs;
  Runs(lat, lon, radius_mi, &runs);
  size_t n = 0;
  for (const Run& run : runs) {
    auto a = std::lower_bound(keys_.begin(), keys_.end(), run.k0);
    auto b = std::upper_bound(a, keys_.end(), run.k1);
    n += begin_[static_cast<size_t>(b - keys_.begin())] -
         begin_[static_cast<size_t>(a - keys_.begin())];
  }
  return n;
}

void GeoGrid::UnitVector(double lat, double lon, double out[3]) {
  constexpr double kRad = M_PI / 180.0;
  const double cl = std::cos(lat * kRad);
  out[0] = cl * std::cos(lon * kRad);
  out[1] = cl * std::sin(lon * kRad);
  out[2] = std::sin(lat * kRad);
}

double GeoGrid::ChordOfMiles(double miles) {
  return 2 * std::sin(std::min(miles / kEarthRadiusMiles, M_PI) / 2);
}

size_t GeoGrid::memory_bytes() const {
  return keys_.capacity() * 4 + begin_.capacity() * 4 + lat_.capacity() * 4 + lon_.capacity() * 4 +
         row_.capacity() * 4 + location_.capacity() * 2;
}

Status GeoGrid::CheckInvariants(const Snapshot& snap, const std::vector<RowInfo>& row_info) const {
  if (begin_.size() != keys_.size() + 1 || begin_.front() != 0 || begin_.back() != row_.size())
    return Status::Corruption("geo grid: offsets do not match the points");
  for (size_t c = 0; c < keys_.size(); ++c) {
    if (c > 0 && keys_[c] <= keys_[c - 1])
      return Status::Corruption("geo grid: keys not ascending");
    if (begin_[c] >= begin_[c + 1]) return Status::Corruption("geo grid: empty cell");
    for (uint32_t p = begin_[c]; p < begin_[c + 1]; ++p)
      if (Key(LatCell(lat_[p]), LonCell(lon_[p])) != keys_[c])
        return Status::Corruption("geo grid: a point lies outside its cell");
  }
  size_t geocoded = 0;
  for (size_t i = 0; i < snap.size(); ++i) {
    auto locs = snap.locations(i);
    for (size_t k = 0; k < locs.size() && k <= UINT16_MAX; ++k) geocoded += locs[k].precision != 0;
  }
  if (geocoded != row_.size())
    return Status::Corruption("geo grid: point count differs from snapshot");
  for (size_t p = 0; p < row_.size(); ++p) {
    if (row_[p] >= snap.size()) return Status::Corruption("geo grid: row out of range");
    auto locs = snap.locations(row_[p]);
    if (location_[p] >= locs.size() || locs[location_[p]].lat != lat_[p] ||
        locs[location_[p]].lon != lon_[p])
      return Status::Corruption("geo grid: point does not match its snapshot location");
    double v[3];
    UnitVector(lat_[p], lon_[p], v);
    for (int k = 0; k < 3; ++k)
      if (xyz_[3 * p + k] != static_cast<float>(v[k]))
        return Status::Corruption("geo grid: stale unit vector");
    if (row_[p] >= row_info.size() || !(info_[p] == row_info[row_[p]]))
      return Status::Corruption("geo grid: stale row info at point " + std::to_string(p));
  }
  return Status::OK();
}

}  // namespace meridian
