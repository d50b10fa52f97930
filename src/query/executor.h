// Execute: answers a Query from a SearchIndex.
//
// Candidates come from the GeoGrid when the query has a point, else from all
// rows; each candidate is checked against the filters with column reads only
// (no record decoding); facets are counted over every match; only the
// requested page is ordered (partial sort). Results are identical to
// ScanSearch (query/scan.h).
#pragma once

#include "index/search_index.h"
#include "query/query.h"
#include "query/result.h"

namespace meridian {

// How candidates are found for a text query with a point. kAuto picks by
// cost; tests force each plan to check both against the oracle.
enum class TextPlan { kAuto, kSites, kPostings };

// REQUIRES: index.has_name_rank() when q sorts by name.
SearchResult Execute(const SearchIndex& index, const Query& q, TextPlan plan = TextPlan::kAuto);

// The cursor of the page that starts right after `hit`, one of Execute(index,
// q)'s hits: what next_cursor would be if the page ended there. Lets a
// caller that expands each hit into several results (FHIR roles) stop in
// the middle of a page.
std::string CursorAfter(const SearchIndex& index, const Query& q, const SearchHit& hit);

}  // namespace meridian
