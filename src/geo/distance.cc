#include "geo/distance.h"

#include <algorithm>
#include <cmath>

namespace meridian {

double HaversineMiles(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRad = M_PI / 180.0;
  double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  double sdlat = std::sin(dlat / 2), sdlon = std::sin(dlon / 2);
  double a = sdlat * sdlat + std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * (sdlon * sdlon);
  return 2 * kEarthRadiusMiles * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace meridian
