// Great-circle distance. Meridian's fixed distance semantics: haversine on a
// sphere of radius 3958.8 miles between the query point and a location point.
#pragma once

namespace meridian {

inline constexpr double kEarthRadiusMiles = 3958.8;
inline constexpr double kKmPerMile = 1.609344;

double HaversineMiles(double lat1, double lon1, double lat2, double lon2);

}  // namespace meridian
