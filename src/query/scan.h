// ScanSearch: the brute-force oracle. Answers a Query by examining every
// record the simplest way: string compares on taxonomy codes, credential text
// tokenized per row, every location measured. The engine (query/executor.h)
// must return exactly the same SearchResult; differential tests hold it to that.
#pragma once

#include "knowledge/knowledge_base.h"
#include "knowledge/modality_map.h"
#include "query/query.h"
#include "query/result.h"
#include "snapshot/snapshot.h"

namespace meridian {

// A provider matches when it passes every filter and, if the query has a
// point, one of its geocoded locations is within the radius (great-circle
// distance, Earth radius 3958.8 mi; the nearest such location counts, ties to
// the lowest location index). Text words are matched against every word of the
// decoded record with MatchQuality (no index). Sorted by (distance, NPI),
// (text quality, distance, NPI) or (SortName, NPI). next_cursor as the engine
// makes it, except by name, where its key is the rank within the matches.
SearchResult ScanSearch(const Snapshot& snap, const ModalityMap& modalities, const Query& q,
                        const KnowledgeBase* knowledge = nullptr);

}  // namespace meridian
