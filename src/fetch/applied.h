// The files `meridian refresh` has applied, so `download` and `refresh`
// refuse one twice: "<dir>/applied.txt", one file name per line, appended
// (and synced) only after the snapshot built from it is in place.
#pragma once

#include <string>

#include "util/status.h"

namespace meridian {

bool IsApplied(const std::string& dir, const std::string& name);
Status MarkApplied(const std::string& dir, const std::string& name);

}  // namespace meridian
