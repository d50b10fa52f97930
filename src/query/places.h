// Place resolution: a city name (and maybe a state) to one of the snapshot's
// places (snapshot/places.h), or a clear error with suggestions.
#pragma once

#include <string_view>

#include "query/query.h"
#include "snapshot/snapshot.h"

namespace meridian {

// `city` may carry its state ("Madison, WI"); `state` is a USPS code or "".
// Exactly one geocoded place must match: several (a city name in many
// states) or none are errors whose suggestions read "Madison, WI" — the
// largest places first; for unknown names, the nearest spellings.
// Errors are InvalidArgument with param() "city" (or "state").
Result<const Place*> ResolvePlace(const Snapshot& snap, std::string_view city,
                                  std::string_view state);

// "Madison, WI".
std::string PlaceLabel(const Snapshot& snap, const Place& p);

}  // namespace meridian
