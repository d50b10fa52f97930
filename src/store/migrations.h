// The store's versioned schema: migration N takes a database from version
// N-1 to N, the same tables on both backends. Private to src/store/.
#pragma once

#include <string>
#include <vector>

#include "store/sql.h"

namespace meridian::store {

// The SQL of every migration, in order, for `dialect` (index 0 is
// migration 1). Only the identity column differs between backends.
std::vector<std::string> Migrations(Dialect dialect);

}  // namespace meridian::store
