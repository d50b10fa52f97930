// JSON rendering of one provider record, with plain taxonomy names.
// Used by `meridian show` (and later the API). Field names are a contract:
// scripts depend on them, so add fields freely but never rename.
#pragma once

#include "model/record.h"
#include "snapshot/taxonomy_dict.h"
#include "util/json.h"

namespace meridian {

// Writes `r` as one JSON object. Everything is labelled self-reported to NPPES.
void WriteRecordJson(const Record& r, const TaxonomyDict& taxonomy, JsonWriter* w);

}  // namespace meridian
