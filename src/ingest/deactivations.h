// The deactivation report CMS publishes (NPPES_Deactivated_NPI_Report_*):
// a ZIP holding one .xlsx workbook, the workbook itself, or its sheet saved
// as CSV.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ingest/attached.h"
#include "model/fields.h"
#include "util/status.h"

namespace meridian {

// One report row: the NPI and its deactivation date.
using Deactivation = std::pair<uint32_t, PackedDate>;

// Reads the report: a header naming an "NPI" column and a column whose name
// contains "Deactivation Date", then one row per NPI. *out comes back sorted
// by NPI; bad rows and repeated NPIs (all but the first row) go to *errors.
Status ReadDeactivations(const std::string& path, std::vector<Deactivation>* out,
                         std::vector<IngestError>* errors);

}  // namespace meridian
