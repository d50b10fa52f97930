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

// How candidates are found for a text query with a point: the words'
// postings in place order near the point (kPlaces, what kAuto takes when
// the index has them), or in row order with the rows near the point
// (kSites) or with the rarest word's postings (kPostings). Tests force each
// plan to check all against the oracle.
enum class TextPlan { kAuto, kSites, kPostings, kPlaces };

// How a text query's words are combined in the row bitmap: through each
// word's postings (random access per posting) or by passes over the whole
// bitmap (sequential). kAuto picks by cost; tests force each, and
// bench_search --mark-ab times both.
enum class MarkPlan { kAuto, kByPostings, kWholeBitmap };

// The bound on one search's work. A unit is about what reading one row's
// RowInfo in order costs; a row that matches, and a row reached through a
// text posting (a random read), cost more (kMatchUnits, kPostingUnits in
// executor.cc). The default keeps every legal search near 10 ms of one core
// at 9 M providers (bench_costly, bench/results/reliability.md): a
// nationwide one-letter name or every provider sorted by name would
// otherwise take a second or more, and a few clients could hold every core.
inline constexpr uint64_t kDefaultSearchBudget = 3'000'000;

struct ExecuteOptions {
  TextPlan plan = TextPlan::kAuto;
  // Work units a search may spend. A search that needs more stops (as soon
  // as an estimate shows it, else when it runs out) with too_broad set.
  uint64_t budget = kDefaultSearchBudget;
  MarkPlan mark = MarkPlan::kAuto;
};

// REQUIRES: index.has_name_rank() when q sorts by name.
SearchResult Execute(const SearchIndex& index, const Query& q, const ExecuteOptions& options);
inline SearchResult Execute(const SearchIndex& index, const Query& q,
                            TextPlan plan = TextPlan::kAuto) {
  return Execute(index, q, ExecuteOptions{plan, kDefaultSearchBudget});
}

// The refusal for a too_broad result: InvalidArgument with reason
// "too_broad", naming `q` when the words are what made it broad, and saying
// what would narrow it (a place, more letters, a state with a care type).
Status TooBroad(const Query& q);

// The cursor of the page that starts right after `hit`, one of Execute(index,
// q)'s hits: what next_cursor would be if the page ended there. Lets a
// caller that expands each hit into several results (FHIR roles) stop in
// the middle of a page.
std::string CursorAfter(const SearchIndex& index, const Query& q, const SearchHit& hit);

}  // namespace meridian
