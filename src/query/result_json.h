// JSON for a search result, shared by `meridian search --json` and the API.
// Field names are a contract: add freely, never rename.
#pragma once

#include <cstdint>
#include <functional>

#include "index/search_index.h"
#include "query/query.h"
#include "query/result.h"
#include "util/json.h"
#include "util/status.h"

namespace meridian {

// Writes more fields into one result object (the caller's overlay, e.g.
// the editors' corrections of that NPI).
using ResultExtra = std::function<void(uint32_t npi, JsonWriter* w)>;

// {"total":…, "results":[{"npi":…, "distance_mi":…, …}], "facets":{…},
//  "synthetic":…, "took_us":…}. Decodes only the page's records.
Status WriteSearchJson(const SearchIndex& index, const Query& q, const SearchResult& r,
                       int64_t took_us, JsonWriter* w, const ResultExtra& extra = nullptr);

// The fields that name a provider wherever one is listed (search results,
// an organization's providers): "npi", "display_name", "credential",
// "entity_type", "primary_taxonomy", "primary_taxonomy_name" ("" when none).
// Writes into an open object.
void WriteProviderSummaryFields(const Snapshot& snap, size_t row, const Record& rec, JsonWriter* w);

}  // namespace meridian
