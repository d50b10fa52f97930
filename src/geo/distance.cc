#include "geo/distance.h"

#include <algorithm>
#include <cmath>

namespace meridian {

namespace {
constexpr double kRad = M_PI / 180.0;
}

double CosOfLatitude(double lat) { return std::cos(lat * kRad); }

double HaversineMilesCos(double lat1, double lon1, double cos_lat1, double lat2, double lon2,
                         double cos_lat2) {
  double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  double sdlat = std::sin(dlat / 2), sdlon = std::sin(dlon / 2);
  double a = sdlat * sdlat + cos_lat1 * cos_lat2 * (sdlon * sdlon);
  return 2 * kEarthRadiusMiles * std::asin(std::min(1.0, std::sqrt(a)));
}

double HaversineMiles(double lat1, double lon1, double lat2, double lon2) {
  return HaversineMilesCos(lat1, lon1, CosOfLatitude(lat1), lat2, lon2, CosOfLatitude(lat2));
}

}  // namespace meridian
