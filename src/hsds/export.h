// HSDS 3.0 export (Open Referral Human Services Data Specification): the
// providers of Meridian's kinds of care as organizations, locations,
// services (one per kind of care a provider offers, at each of its
// locations), addresses and phones, in one ZIP:
//
//   datapackage.json          a tabular data package describing every CSV
//   organizations.csv, organization_identifiers.csv, locations.csv,
//   addresses.csv, phones.csv, services.csv, service_at_location.csv,
//   taxonomies.csv, taxonomy_terms.csv, attributes.csv
//                             HSDS 3.0 tables, columns as its schemas name them
//   practitioners.csv, credentials.csv
//                             the Meridian profile's extension tables: HSDS
//                             has no individual practitioner and no
//                             structured credential (docs/hsds/extending.md
//                             allows added tables, documented here)
//   services.ndjson           each service as one JSON object in the shape
//                             of the HSDS 3.0 service schema (with its
//                             organization, locations, addresses, phones)
//   README.txt                what the data is and is not
//
// Scope: live NPIs that Meridian counts in at least one kind of care (the
// index's modality mask, dry-needling state rules included). An individual
// becomes the organization of their own practice, labelled so. Nothing is
// marked assured or accredited: NPPES data is self-reported.
//
// Ids are UUIDs (HSDS asks for the uuid format), derived from the NPI and
// the row's place (version 8, SHA-256 based), so the same provider gets the
// same ids in every export.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "index/search_index.h"
#include "util/status.h"

namespace meridian::hsds {

struct ExportSummary {
  std::map<std::string, uint64_t> rows;  // "organizations.csv" -> rows
  uint64_t providers = 0;
};

// Writes the ZIP at `out_zip` (atomically: a temporary name, then renamed).
// Meant for a process of its own: it drops the snapshot's pages from memory
// as it goes (Snapshot::ReleaseResident).
// Parts are staged in `out_zip`.parts/ and removed.
Result<ExportSummary> ExportHsds(const SearchIndex& index, const std::string& out_zip,
                                 const std::function<void(size_t rows_done)>& progress = {});

// A stable UUID (version 8) for `kind` and `key`: "organization", "1234567893".
std::string StableUuid(std::string_view kind, std::string_view key);

// The columns of each table the export writes, in order.
const std::map<std::string, std::vector<std::string>>& TableColumns();

}  // namespace meridian::hsds
