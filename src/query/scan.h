// ScanSearch: answers a radius search by scanning every record.
//
// This is deliberately the simplest correct implementation: it is what the
// CLI uses until the index lands, and then it becomes the brute-force oracle
// that differential tests compare the fast engine against.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "snapshot/snapshot.h"
#include "util/status.h"

namespace meridian {

struct ScanQuery {
  double lat = 0, lon = 0;
  double radius_mi = 25;
  std::vector<std::string> taxonomies;  // exact codes or prefixes; any may match
  bool include_deactivated = false;
  size_t limit = 10, offset = 0;
};

struct ScanHit {
  uint32_t row;
  double distance_mi;
  uint32_t location;  // index within the record's locations (0 = primary)
};

struct ScanResult {
  uint64_t total = 0;
  std::vector<ScanHit> hits;  // the requested page, nearest first, ties by NPI
};

// A provider matches when one of its geocoded locations is within the radius
// (great-circle distance, Earth radius 3958.8 mi) and, if taxonomies are
// given, one of its taxonomy codes starts with one of them.
ScanResult ScanSearch(const Snapshot& snap, const ScanQuery& q);

}  // namespace meridian
