// IndexedSearch: the ScanQuery answered through the GeoGrid.
//
// Same contract and same results as ScanSearch (query/scan.h), which the
// differential tests hold it to; only the candidate generation differs.
#pragma once

#include "index/geo_grid.h"
#include "query/scan.h"

namespace meridian {

ScanResult IndexedSearch(const Snapshot& snap, const GeoGrid& grid, const ScanQuery& q);

}  // namespace meridian
