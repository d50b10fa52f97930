#include "http/map_outlines.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "data/embedded.h"
#include "geo/distance.h"

namespace meridian {

namespace {

// Marks every arc a geometry uses (a negative index ~i means arc i reversed).
void MarkArcs(const nlohmann::json& arcs, std::vector<bool>* used) {
  if (arcs.is_number_integer()) {
    int i = arcs.get<int>();
    size_t k = static_cast<size_t>(i < 0 ? ~i : i);
    if (k < used->size()) (*used)[k] = true;
    return;
  }
  if (arcs.is_array())
    for (const auto& a : arcs) MarkArcs(a, used);
}

}  // namespace

Result<MapOutlines> MapOutlines::Parse(std::string_view topojson) {
  nlohmann::json t = nlohmann::json::parse(topojson, nullptr, false);
  if (t.is_discarded() || !t.is_object() || !t.contains("arcs") || !t.contains("transform") ||
      !t.contains("objects") || !t["objects"].contains("states"))
    return Status::InvalidArgument("not a TopoJSON topology with states");
  const auto& tr = t["transform"];
  const double sx = tr["scale"][0].get<double>(), sy = tr["scale"][1].get<double>();
  const double tx = tr["translate"][0].get<double>(), ty = tr["translate"][1].get<double>();
  MapOutlines m;
  for (const auto& arc : t["arcs"]) {
    Arc a;
    long x = 0, y = 0;
    for (const auto& p : arc) {  // delta-encoded quantized positions
      x += p[0].get<long>(), y += p[1].get<long>();
      a.lon.push_back(static_cast<float>(x * sx + tx));
      a.lat.push_back(static_cast<float>(y * sy + ty));
    }
    if (a.lat.empty()) continue;
    auto [lo_lat, hi_lat] = std::minmax_element(a.lat.begin(), a.lat.end());
    auto [lo_lon, hi_lon] = std::minmax_element(a.lon.begin(), a.lon.end());
    a.min_lat = *lo_lat, a.max_lat = *hi_lat, a.min_lon = *lo_lon, a.max_lon = *hi_lon;
    m.arcs_.push_back(std::move(a));
  }
  if (m.arcs_.size() != t["arcs"].size())
    return Status::InvalidArgument("an arc of the topology has no points");
  std::vector<bool> state(m.arcs_.size(), false);
  for (const auto& g : t["objects"]["states"]["geometries"])
    if (g.contains("arcs")) MarkArcs(g["arcs"], &state);
  for (size_t i = 0; i < m.arcs_.size(); ++i) m.arcs_[i].state_edge = state[i];
  return m;
}

const MapOutlines& MapOutlines::Embedded() {
  static const MapOutlines outlines = [] {
    auto r = Parse(EmbeddedUsAtlas());
    return r.ok() ? std::move(r).value() : MapOutlines();
  }();
  return outlines;
}

MapOutlines::Paths MapOutlines::Draw(const View& v) const {
  Paths out;
  const double cos_lat = std::max(0.01, std::cos(v.lat * M_PI / 180));
  const double half_px = v.size / 2, margin = 8;
  const double half_miles = (half_px + margin) / v.px_per_mile;
  const double dlat = half_miles / kMilesPerDegreeLat;
  const double dlon = half_miles / (kMilesPerDegreeLat * cos_lat);
  auto x_of = [&](float lon) {
    return half_px + (lon - v.lon) * cos_lat * kMilesPerDegreeLat * v.px_per_mile;
  };
  auto y_of = [&](float lat) {
    return half_px - (lat - v.lat) * kMilesPerDegreeLat * v.px_per_mile;
  };
  auto inside = [&](double x, double y) {
    return x >= -margin && x <= v.size + margin && y >= -margin && y <= v.size + margin;
  };
  char buf[48];
  for (const Arc& a : arcs_) {
    if (!a.state_edge && !v.counties) continue;
    if (a.max_lat < v.lat - dlat || a.min_lat > v.lat + dlat || a.max_lon < v.lon - dlon ||
        a.min_lon > v.lon + dlon)
      continue;
    std::string& path = a.state_edge ? out.states : out.counties;
    // Points inside the view, plus each neighbour of one inside (so lines
    // run to the edge); a run outside breaks the path. Points closer than a
    // pixel to the last one drawn are skipped.
    bool pen = false;
    double last_x = 0, last_y = 0;
    const size_t n = a.lat.size();
    for (size_t i = 0; i < n; ++i) {
      const double x = x_of(a.lon[i]), y = y_of(a.lat[i]);
      const bool in = inside(x, y) || (i > 0 && inside(x_of(a.lon[i - 1]), y_of(a.lat[i - 1]))) ||
                      (i + 1 < n && inside(x_of(a.lon[i + 1]), y_of(a.lat[i + 1])));
      if (!in) {
        pen = false;
        continue;
      }
      if (pen && i + 1 < n && std::abs(x - last_x) < 1 && std::abs(y - last_y) < 1) continue;
      std::snprintf(buf, sizeof buf, "%c%.0f %.0f", pen ? 'L' : 'M', x, y);
      path += buf;
      pen = true;
      last_x = x, last_y = y;
    }
  }
  return out;
}

}  // namespace meridian
