// State and county outlines for the results map: real geography around the
// search point, drawn as SVG paths on the server (no tiles, no scripts, no
// other sites). The lines come from the Census Bureau's 2017 cartographic
// boundaries as the npm package us-atlas@3.0.1 ships them
// (data/us_atlas_counties_10m.json, TopoJSON, compiled in): each shared
// border is one arc, drawn once; arcs on a state's edge (state lines and
// coasts) are drawn as state lines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace meridian {

class MapOutlines {
 public:
  // Decodes a TopoJSON topology with "states" and "counties" objects
  // (quantized, delta-encoded arcs). InvalidArgument when it is not one.
  static Result<MapOutlines> Parse(std::string_view topojson);
  // The us-atlas table compiled into the binary (empty if it did not decode).
  static const MapOutlines& Embedded();

  // The view: a square of `size` px centred on (lat, lon), `px_per_mile`
  // pixels to a mile, in the same projection the map's markers use
  // (equirectangular at the centre's latitude).
  struct View {
    double lat = 0, lon = 0, px_per_mile = 1, size = 320;
    bool counties = true;  // county lines too (skip them for wide views)
  };
  struct Paths {
    std::string states, counties;  // SVG path data, "" when none cross the view
  };
  Paths Draw(const View& v) const;
  size_t arcs() const { return arcs_.size(); }

 private:
  struct Arc {
    std::vector<float> lat, lon;
    float min_lat = 0, max_lat = 0, min_lon = 0, max_lon = 0;
    bool state_edge = false;
  };
  std::vector<Arc> arcs_;
};

}  // namespace meridian
