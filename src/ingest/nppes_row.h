// Mapping one row of the NPPES "NPI Downloadable File" (npidata_pfile, 330
// columns) to a Record, with validation.
//
// Columns are located by header name (refdata/nppes_columns.h).
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "model/record.h"
#include "refdata/nppes_columns.h"
#include "util/status.h"

namespace meridian {

// Why a row was rejected: the field (header name, or "" for the whole row) and reason.
struct RowError {
  std::string field;
  std::string reason;
};

// Fills *r from `fields`. On failure returns false and fills *err; *r is then
// unspecified. Validates: field count, NPI (10 digits + check digit), entity
// type, UTF-8, dates. Does not geocode (GeocodeLocation in attached.h).
// `raw`, when given, is the whole record as read: if it is valid UTF-8 the
// per-field UTF-8 checks are skipped (unescaping cannot break UTF-8).
bool MapNppesRow(const NppesColumns& c, const std::vector<std::string_view>& fields,
                 std::string_view raw, Record* r, RowError* err);

}  // namespace meridian
