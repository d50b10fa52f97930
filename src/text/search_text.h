// The words a provider is found by: person names (first, middle, last and the
// "other" name), organization names (legal, other, and the othername file),
// and the practice city. Normalized with text/normalize.h.
#pragma once

#include <string>

#include "model/record.h"

namespace meridian {

// Appends the name words of `r` (not the city, not side-file names) to *out.
void AppendNameText(const Record& r, std::string* out);
// Appends the words of other organization names (othername file).
void AppendOtherNamesText(const std::vector<OtherOrgName>& names, std::string* out);
// Everything: names, other names and the practice city.
std::string SearchTextOf(const Record& r);
// The practice city, normalized ("ST. LOUIS" → "st louis").
std::string CityKey(const Record& r);

}  // namespace meridian
