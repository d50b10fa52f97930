#include "ingest/xlsx.h"

#include <expat.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "ingest/zip_archive.h"
#include "util/ascii.h"

namespace meridian {

namespace {

// Local name of an XML element ("x:row" -> "row").
std::string_view Local(const char* name) {
  std::string_view n(name);
  size_t colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const char* Attr(const char** atts, const char* key) {
  for (int i = 0; atts[i] != nullptr; i += 2)
    if (Local(atts[i]) == key) return atts[i + 1];
  return nullptr;
}

// Runs expat over `xml`, calling the handlers of `H`.
template <class H>
Status ParseXml(const std::string& what, std::string_view xml, H* h) {
  XML_Parser p = XML_ParserCreate("UTF-8");
  if (p == nullptr) return Status::Internal("expat: out of memory");
  XML_SetUserData(p, h);
  XML_SetElementHandler(
      p, [](void* u, const char* n, const char** a) { static_cast<H*>(u)->Start(Local(n), a); },
      [](void* u, const char* n) { static_cast<H*>(u)->End(Local(n)); });
  XML_SetCharacterDataHandler(p, [](void* u, const char* s, int len) {
    static_cast<H*>(u)->Text(std::string_view(s, static_cast<size_t>(len)));
  });
  Status st;
  if (XML_Parse(p, xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_ERROR) {
    st = Status::InvalidArgument(what + ": bad XML at line " +
                                 std::to_string(XML_GetCurrentLineNumber(p)) + ": " +
                                 XML_ErrorString(XML_GetErrorCode(p)));
  }
  XML_ParserFree(p);
  return st;
}

// xl/sharedStrings.xml: <si> items, each the text of its <t> elements.
struct SharedStrings {
  std::vector<std::string> items;
  bool in_t = false;
  void Start(std::string_view n, const char**) {
    if (n == "si") items.emplace_back();
    if (n == "t") in_t = true;
  }
  void End(std::string_view n) {
    if (n == "t") in_t = false;
  }
  void Text(std::string_view s) {
    if (in_t && !items.empty()) items.back().append(s);
  }
};

// A worksheet's cells, row by row.
struct Sheet {
  const std::vector<std::string>* strings = nullptr;
  std::vector<std::vector<std::string>> rows;
  std::string type, text;
  size_t col = 0;
  bool in_value = false, in_cell = false;
  Status status;

  static size_t ColumnOf(const char* ref, size_t fallback) {
    if (ref == nullptr) return fallback;
    size_t c = 0;
    bool any = false;
    for (const char* p = ref; std::isalpha(static_cast<unsigned char>(*p)); ++p) {
      c = c * 26 + static_cast<size_t>(std::toupper(static_cast<unsigned char>(*p)) - 'A' + 1);
      any = true;
    }
    return any && c <= 16384 ? c - 1 : fallback;
  }
  void Start(std::string_view n, const char** a) {
    if (n == "row") {
      rows.emplace_back();
    } else if (n == "c" && !rows.empty()) {
      in_cell = true;
      const char* t = Attr(a, "t");
      type = t != nullptr ? t : "n";
      col = ColumnOf(Attr(a, "r"), rows.back().size());
      text.clear();
    } else if (in_cell && (n == "v" || n == "t")) {
      in_value = true;
    }
  }
  void End(std::string_view n) {
    if (n == "v" || n == "t") in_value = false;
    if (n != "c" || !in_cell) return;
    in_cell = false;
    std::string value = text;
    if (type == "s") {
      char* end = nullptr;
      unsigned long i = std::strtoul(text.c_str(), &end, 10);
      if (end == text.c_str() || strings == nullptr || i >= strings->size()) {
        if (status.ok())
          status = Status::InvalidArgument("shared string index '" + text + "' out of range");
        value.clear();
      } else {
        value = (*strings)[i];
      }
    }
    auto& row = rows.back();
    if (row.size() <= col) row.resize(col + 1);
    row[col] = std::move(value);
  }
  void Text(std::string_view s) {
    if (in_value) text.append(s);
  }
};

void AppendCsvField(std::string_view v, std::string* out) {
  out->push_back('"');
  for (char c : v) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

bool IsNumber(const std::string& s, double* d) {
  if (s.empty()) return false;
  char* end = nullptr;
  *d = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

}  // namespace

std::string ExcelSerialToDate(double serial) {
  if (!(serial >= 1 && serial < 2958466)) return "";  // 1900-01-01 .. 9999-12-31
  long days = static_cast<long>(std::floor(serial));
  if (days == 60) return "02/29/1900";  // Lotus's phantom day, kept as Excel shows it
  if (days > 60) --days;
  // Day `days` (1 = 1900-01-01) -> civil date, by Howard Hinnant's
  // civil_from_days: z counts days since 0000-03-01, where 1900-01-01 is 693901.
  long z = days - 1 + 693901;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = yoe + era * 400;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  long d = doy - (153 * mp + 2) / 5 + 1;
  long m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", static_cast<int>(m), static_cast<int>(d),
                static_cast<int>(y));
  return buf;
}

Result<std::string> XlsxFirstSheetToCsv(const std::string& name, std::string_view workbook,
                                        std::string_view header_cell) {
  auto zip = ZipArchive::OpenBuffer(name, workbook);
  if (!zip.ok()) return zip.status();
  SharedStrings shared;
  if (const ZipMember* m = (*zip)->Find("xl/sharedStrings.xml")) {
    auto xml = (*zip)->ReadAll(*m);
    if (!xml.ok()) return xml.status();
    MERIDIAN_RETURN_IF_ERROR(ParseXml(name + ": sharedStrings.xml", *xml, &shared));
  }
  // The first worksheet: sheet1.xml, or else the first under xl/worksheets/.
  const ZipMember* sheet_member = (*zip)->Find("xl/worksheets/sheet1.xml");
  for (const ZipMember& m : (*zip)->members()) {
    if (sheet_member != nullptr) break;
    if (m.name.rfind("xl/worksheets/", 0) == 0 && m.name.size() > 4 &&
        m.name.compare(m.name.size() - 4, 4, ".xml") == 0)
      sheet_member = &m;
  }
  if (sheet_member == nullptr) return Status::InvalidArgument(name + ": no worksheet in workbook");
  auto xml = (*zip)->ReadAll(*sheet_member);
  if (!xml.ok()) return xml.status();
  Sheet sheet;
  sheet.strings = &shared.items;
  MERIDIAN_RETURN_IF_ERROR(ParseXml(name + ": " + sheet_member->name, *xml, &sheet));
  if (!sheet.status.ok()) return Status::InvalidArgument(name + ": " + sheet.status.message());

  const std::string want = AsciiLower(header_cell);
  size_t header = sheet.rows.size();
  for (size_t r = 0; r < sheet.rows.size() && header == sheet.rows.size(); ++r)
    for (const std::string& cell : sheet.rows[r])
      if (AsciiLower(cell) == want) {
        header = r;
        break;
      }
  if (header == sheet.rows.size())
    return Status::InvalidArgument(name + ": no header row with a cell reading \"" +
                                   std::string(header_cell) + "\"");
  std::vector<bool> date_col;
  for (const std::string& cell : sheet.rows[header])
    date_col.push_back(AsciiLower(cell).find("date") != std::string::npos);
  std::string csv;
  for (size_t r = header; r < sheet.rows.size(); ++r) {
    const auto& row = sheet.rows[r];
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) csv.push_back(',');
      double d;
      if (r > header && c < date_col.size() && date_col[c] && IsNumber(row[c], &d))
        AppendCsvField(ExcelSerialToDate(d), &csv);
      else
        AppendCsvField(row[c], &csv);
    }
    csv.push_back('\n');
  }
  return csv;
}

}  // namespace meridian
