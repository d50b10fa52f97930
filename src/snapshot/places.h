// Places: every (practice city, state) pair in a snapshot, with a point to
// search around. NPPES has no city coordinates, so a place's point is the
// centroid (on the sphere) of its providers' geocoded primary practice
// locations — where care actually is in that city. Built by the writer,
// stored in the "places" section; used to resolve `city` + `state` queries.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/status.h"

namespace meridian {

struct Place {
  std::string city;        // normalized words ("st louis")
  uint8_t state = 0;       // StateTable id (0 unknown)
  float lat = 0, lon = 0;  // meaningful when geocoded > 0
  uint32_t rows = 0;       // providers whose primary practice is here
  uint32_t geocoded = 0;   // of those, how many have a point
  bool operator==(const Place&) const = default;
};

std::string EncodePlaces(const std::vector<Place>& places);
Result<std::vector<Place>> DecodePlaces(std::string_view bytes);

// Accumulates places while rows are added; ids are handed out in first-seen order.
class PlaceBuilder {
 public:
  // Returns the place id of (city, state); `has_point` adds (lat, lon) to its centroid.
  uint32_t Add(std::string_view city, uint8_t state, bool has_point, double lat, double lon);
  std::vector<Place> Finish() const;

 private:
  struct Acc {
    Place place;
    double x = 0, y = 0, z = 0;
  };
  std::vector<Acc> acc_;
  std::unordered_map<std::string, uint32_t> ids_;  // city + '\0' + state -> id
};

// The display form of a normalized city: "st louis" → "St Louis".
std::string CityDisplay(std::string_view city);

}  // namespace meridian
