// Place resolution: what a person types for "where" ("Madison, WI",
// "madison wi", "St. Paul", "Winston-Salem", "Milwakee") to a point to search
// around, or a clear error with the nearest spellings.
//
// Two sources, in order: the snapshot's places (snapshot/places.h: cities
// where listed providers practise, pointed at their providers' centroid),
// then the gazetteer of every US town with a ZIP code (geo/gazetteer.h), so a
// town with no listed provider still resolves and the search can say none
// were found nearby and offer a wider radius.
#pragma once

#include <string>
#include <string_view>

#include "geo/gazetteer.h"
#include "query/query.h"
#include "snapshot/snapshot.h"

namespace meridian {

struct ResolvedPlace {
  double lat = 0, lon = 0;
  std::string label;   // "Madison, WI"
  bool listed = true;  // a snapshot place (providers' centroid), else the gazetteer's point
};

// `city` may carry its state ("Madison, WI", "madison wi", "Madison,
// Wisconsin"); `state` is a USPS code or "". Exactly one place must match:
// several (a name in many states) or none are errors whose suggestions read
// "Madison, WI", the largest places first; for unknown names, the nearest
// spellings. Errors are InvalidArgument with param() "city" (or "state").
Result<ResolvedPlace> ResolvePlace(const Snapshot& snap, std::string_view city,
                                   std::string_view state,
                                   const Gazetteer& gazetteer = Gazetteer::Embedded());

// "Madison, WI".
std::string PlaceLabel(const Snapshot& snap, const Place& p);

}  // namespace meridian
