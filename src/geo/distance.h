// Great-circle distance. Meridian's fixed distance semantics: haversine on a
// sphere of radius 3958.8 miles between the query point and a location point.
#pragma once

namespace meridian {

inline constexpr double kEarthRadiusMiles = 3958.8;
inline constexpr double kKmPerMile = 1.609344;

double HaversineMiles(double lat1, double lon1, double lat2, double lon2);

// The same computation with cos(lat1) and cos(lat2) (of the latitudes in
// radians) supplied by the caller, for indexes that precompute them. Given
// cos_lat = CosLat(lat) it returns exactly HaversineMiles's value:
// HaversineMiles is implemented as a call to it.
double HaversineMilesPre(double lat1, double lon1, double cos_lat1, double lat2, double lon2,
                         double cos_lat2);
double CosLat(double lat_degrees);

}  // namespace meridian
