// Great-circle distance. Meridian's fixed distance semantics: haversine on a
// sphere of radius 3958.8 miles between the query point and a location point.
#pragma once

namespace meridian {

inline constexpr double kEarthRadiusMiles = 3958.8;
inline constexpr double kKmPerMile = 1.609344;
// Miles in one degree of latitude (anywhere) or of longitude at the equator.
inline constexpr double kMilesPerDegreeLat = kEarthRadiusMiles * 3.14159265358979323846 / 180.0;

double HaversineMiles(double lat1, double lon1, double lat2, double lon2);

// The cosine of a latitude in degrees, as HaversineMiles takes it.
double CosOfLatitude(double lat);
// HaversineMiles, bit for bit, with each point's CosOfLatitude given: for a
// caller that measures one point against many whose cosines it keeps.
double HaversineMilesCos(double lat1, double lon1, double cos_lat1, double lat2, double lon2,
                         double cos_lat2);

}  // namespace meridian
