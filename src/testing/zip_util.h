// Test support: ZIP archives and a minimal .xlsx written with libzip, shaped
// like the files CMS publishes.
#pragma once

#include <gtest/gtest.h>
#include <zip.h>

#include <string>
#include <utility>
#include <vector>

#include "testing/test_util.h"

namespace meridian::testing {

using ZipMembers = std::vector<std::pair<std::string, std::string>>;

// Writes a ZIP archive with deflated members.
inline void WriteZip(const std::string& path, const ZipMembers& members) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  ASSERT_NE(z, nullptr) << err;
  for (const auto& [name, bytes] : members) {
    // libzip reads the buffer at zip_close, so it must stay alive until then.
    zip_source_t* s = zip_source_buffer(z, bytes.data(), bytes.size(), 0);
    ASSERT_NE(s, nullptr);
    zip_int64_t i = zip_file_add(z, name.c_str(), s, ZIP_FL_ENC_UTF_8);
    ASSERT_GE(i, 0) << zip_strerror(z);
    zip_set_file_compression(z, static_cast<zip_uint64_t>(i), ZIP_CM_DEFLATE, 9);
  }
  ASSERT_EQ(zip_close(z), 0);
}

// A workbook shaped like CMS's deactivation report: a title row, a blank
// row, the header, then one row per (NPI, date) with the date as an Excel
// serial number when it is all digits, else as text.
inline std::string DeactivationWorkbook(
    const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string sheet =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet "
      "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
      "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>1</v></c><c r=\"B3\" t=\"s\"><v>2</v></c></row>";
  int r = 4;
  for (const auto& [npi, date] : rows) {
    const std::string n = std::to_string(r++);
    sheet +=
        "<row r=\"" + n + "\"><c r=\"A" + n + "\" t=\"inlineStr\"><is><t>" + npi + "</t></is></c>";
    if (date.find('/') == std::string::npos)
      sheet += "<c r=\"B" + n + "\"><v>" + date + "</v></c></row>";
    else
      sheet += "<c r=\"B" + n + "\" t=\"inlineStr\"><is><t>" + date + "</t></is></c></row>";
  }
  sheet += "</sheetData></worksheet>";
  const std::string shared =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst "
      "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"3\">"
      "<si><t>NPPES Deactivated NPI Report</t></si><si><t>NPI</t></si>"
      "<si><r><t>NPPES Deactivation</t></r><r><t xml:space=\"preserve\"> Date</t></r></si></sst>";
  TempDir dir;
  WriteZip(dir.File("w.xlsx"), {{"[Content_Types].xml", "<Types/>"},
                                {"xl/workbook.xml", "<workbook/>"},
                                {"xl/sharedStrings.xml", shared},
                                {"xl/worksheets/sheet1.xml", sheet}});
  return ReadAll(dir.File("w.xlsx"));
}

}  // namespace meridian::testing
