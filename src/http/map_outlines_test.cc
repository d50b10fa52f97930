#include "http/map_outlines.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace meridian {
namespace {

// Every "x y" pair of SVG path data ("M10 20L30 40...").
std::vector<std::pair<double, double>> Points(const std::string& d) {
  std::vector<std::pair<double, double>> out;
  const char* p = d.c_str();
  while (*p) {
    if (*p == 'M' || *p == 'L') ++p;
    char* end;
    double x = std::strtod(p, &end);
    double y = std::strtod(end, &end);
    out.emplace_back(x, y);
    p = end;
  }
  return out;
}

TEST(MapOutlines, DecodesTheUsAtlasTopology) {
  const MapOutlines& m = MapOutlines::Embedded();
  EXPECT_EQ(m.arcs(), 9869u);  // us-atlas@3.0.1 counties-10m.json
  EXPECT_FALSE(MapOutlines::Parse("{}").ok());
  EXPECT_FALSE(MapOutlines::Parse("not json").ok());
}

TEST(MapOutlines, DrawsTheLinesAroundAPointInTheMarkersProjection) {
  const MapOutlines& m = MapOutlines::Embedded();
  // Kansas City sits on the Kansas-Missouri line: a state line crosses the view.
  MapOutlines::View kc;
  kc.lat = 39.0997, kc.lon = -94.5786, kc.px_per_mile = 140.0 / 25;
  MapOutlines::Paths p = m.Draw(kc);
  ASSERT_FALSE(p.states.empty());
  ASSERT_FALSE(p.counties.empty());
  // The state line runs north-south near the centre: some point of it lies
  // within 20 px of x = 160 (the centre), inside the view.
  bool near_centre = false;
  for (auto [x, y] : Points(p.states))
    near_centre = near_centre || (std::abs(x - 160) < 20 && y > 0 && y < 320);
  EXPECT_TRUE(near_centre) << p.states.substr(0, 200);
  // Madison, WI at 25 miles: county lines, no state line (the nearest is ~40 mi off).
  MapOutlines::View madison;
  madison.lat = 43.0731, madison.lon = -89.4012, madison.px_per_mile = 140.0 / 25;
  p = m.Draw(madison);
  EXPECT_TRUE(p.states.empty()) << p.states.substr(0, 200);
  EXPECT_FALSE(p.counties.empty());
  // Wide views leave county lines out; the open Atlantic has no lines at all.
  madison.px_per_mile = 140.0 / 500, madison.counties = false;
  p = m.Draw(madison);
  EXPECT_TRUE(p.counties.empty());
  EXPECT_FALSE(p.states.empty());
  MapOutlines::View sea;
  sea.lat = 35, sea.lon = -50, sea.px_per_mile = 140.0 / 25;
  p = m.Draw(sea);
  EXPECT_TRUE(p.states.empty() && p.counties.empty());
}

}  // namespace
}  // namespace meridian
