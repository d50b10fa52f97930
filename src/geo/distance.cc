#include "geo/distance.h"

#include <algorithm>
#include <cmath>

namespace meridian {

double CosLat(double lat_degrees) { return std::cos(lat_degrees * (M_PI / 180.0)); }

double HaversineMilesPre(double lat1, double lon1, double cos_lat1, double lat2, double lon2,
                         double cos_lat2) {
  constexpr double kRad = M_PI / 180.0;
  double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  double sdlat = std::sin(dlat / 2), sdlon = std::sin(dlon / 2);
  double a = sdlat * sdlat + cos_lat1 * cos_lat2 * (sdlon * sdlon);
  return 2 * kEarthRadiusMiles * std::asin(std::min(1.0, std::sqrt(a)));
}

double HaversineMiles(double lat1, double lon1, double lat2, double lon2) {
  return HaversineMilesPre(lat1, lon1, CosLat(lat1), lat2, lon2, CosLat(lat2));
}

}  // namespace meridian
