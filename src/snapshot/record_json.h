// JSON rendering of one provider record, with plain taxonomy names.
// Used by `meridian show` (and later the API). Field names are a contract:
// scripts depend on them, so add fields freely but never rename.
#pragma once

#include "model/record.h"
#include "snapshot/taxonomy_dict.h"
#include "util/json.h"

namespace meridian {

// Writes `r` as one JSON object. Everything is labelled self-reported to NPPES.
// Names and addresses are in reading case (text/display_case.h); the
// registry's own text of each sits beside it under "registry_text", and the
// "name" object keeps the registry's name fields as published.
void WriteRecordJson(const Record& r, const TaxonomyDict& taxonomy, JsonWriter* w);

// Writes "registry_text": {"line1", "line2", "city"} with the registry's own
// text of an address, inside an address object.
void WriteRegistryAddress(const Address& a, JsonWriter* w);

}  // namespace meridian
