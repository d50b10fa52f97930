#include "geo/distance.h"

#include <gtest/gtest.h>

#include <cmath>

namespace meridian {
namespace {

TEST(Distance, KnownPairs) {
  EXPECT_DOUBLE_EQ(HaversineMiles(43.07, -89.38, 43.07, -89.38), 0.0);
  // Madison WI (53703) to Milwaukee WI (53202): about 73 miles.
  EXPECT_NEAR(HaversineMiles(43.079607, -89.378423, 43.043, -87.899), 74.6, 1.5);
  // One degree of latitude is R * pi / 180 miles.
  EXPECT_NEAR(HaversineMiles(10, 20, 11, 20), kEarthRadiusMiles * M_PI / 180, 1e-9);
  // Antipodes: half the circumference, no NaN from rounding.
  EXPECT_NEAR(HaversineMiles(0, 0, 0, 180), kEarthRadiusMiles * M_PI, 1e-6);
}

}  // namespace
}  // namespace meridian
