// The first worksheet of an .xlsx workbook as CSV text, for the NPPES
// deactivation report (CMS ships it as a ZIP holding one workbook). Only what
// that report needs: shared and inline strings, numbers, and dates stored as
// Excel serial numbers (written MM/DD/YYYY in columns whose header says
// "date"). Rows before the header row (the first with a cell reading
// `header_cell`, case-insensitive) are titles and are dropped.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace meridian {

// `workbook` is the .xlsx file's bytes; `name` is used in messages.
// Returns InvalidArgument when it is not a workbook or has no header row.
Result<std::string> XlsxFirstSheetToCsv(const std::string& name, std::string_view workbook,
                                        std::string_view header_cell = "NPI");

// Excel's 1900 date system: serial 1 is 1900-01-01 (with Lotus's phantom
// 1900-02-29 at serial 60). Returns "MM/DD/YYYY", or "" when out of range.
std::string ExcelSerialToDate(double serial);

}  // namespace meridian
