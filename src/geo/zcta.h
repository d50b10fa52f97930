// ZctaTable: 5-digit ZIP -> Census ZCTA internal point.
//
// A flat array indexed by the ZIP's integer value (100,000 slots, 1.2 MB), so
// a lookup is one load with no hashing. Used by ingest to geocode practice
// locations and later by the query parser to resolve "near 53703".
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "util/status.h"

namespace meridian {

struct LatLon {
  float lat = 0, lon = 0;
};

class ZctaTable {
 public:
  // Parses "zcta5,latitude,longitude" CSV with a header line.
  static Result<ZctaTable> Parse(std::string_view csv);
  // The 2021 ZCTA table compiled into the binary.
  static const ZctaTable& Embedded();

  // Looks up the first five characters of a postal code ("53703", "537031234",
  // "53703-1234"). False when they are not five digits or no ZCTA has them.
  bool Find(std::string_view postal_code, LatLon* out) const;
  size_t size() const { return count_; }

 private:
  struct Slot {
    float lat, lon;
    bool present;
  };
  std::unique_ptr<Slot[]> slots_;
  size_t count_ = 0;
};

// Parses the leading 5 digits of a postal code; -1 when they are not digits.
int Zip5(std::string_view postal_code);

// The five digits of a ZIP written as "53703", "53703-1234" or "537031234"
// (ZIP+4); "" for anything else.
std::string ZipOf(std::string_view text);

}  // namespace meridian
