// libFuzzer target for the NPPES side files and the deactivation report.
//
// Input byte 0 picks what the rest is (byte 0 / 8 odd: the real header line
// of that file is put in front, so rows get past the header check):
//   0 pl_pfile, 1 othername_pfile, 2 endpoint_pfile: read with
//     ReadAttachedFile on one thread and on two; both must give the same
//     rows, in the same order after SortAttachments, and the same errors.
//     Every kept row has a valid NPI; every error names its file and says why.
//   3: the deactivation report as CSV; 4: as an .xlsx workbook, built with
//     libzip from the rest split at its first NUL into sheet1.xml and
//     sharedStrings.xml; 5: raw bytes (a ZIP or .xlsx when they are one).
//     The file is applied with Update() to a snapshot of the 99 sample
//     rows. Update either refuses with a message or writes a snapshot that
//     passes CheckEveryRecord() with the base's records plus those it
//     counts as added (a deactivated NPI the base lacks). For workbooks,
//     XlsxFirstSheetToCsv must agree: when it refuses, so does Update.
#include <zip.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "geo/zcta.h"
#include "ingest/attached.h"
#include "ingest/ingest.h"
#include "ingest/xlsx.h"
#include "model/fields.h"
#include "model/record.h"
#include "snapshot/snapshot.h"
#include "util/file.h"

using namespace meridian;

namespace {

std::string FirstLine(const std::string& rel) {
  std::string text;
  if (!ReadFile(fuzz::SourcePath(rel), &text).ok()) fuzz::Die("cannot read " + rel);
  return text.substr(0, text.find('\n') + 1);
}

const std::string& Header(int mode) {
  static const std::string headers[] = {
      FirstLine("tests/data/pl_pfile_20251103-20251109.csv"),
      FirstLine("tests/data/othername_pfile_20251103-20251109.csv"),
      FirstLine("tests/data/endpoint_pfile_20251103-20251109.csv"),
      "\"NPI\",\"NPPES Deactivation Date\"\n",
      "",
      ""};
  return headers[mode];
}

void CheckErrors(const std::vector<IngestError>& errors) {
  for (const IngestError& e : errors) {
    MERIDIAN_FUZZ_CHECK(!e.file.empty(), "an error without its file");
    MERIDIAN_FUZZ_CHECK(!e.reason.empty(), "an error without a reason");
  }
}

template <class T>
void SameRows(const std::vector<Attached<T>>& a, const std::vector<Attached<T>>& b) {
  MERIDIAN_FUZZ_CHECK(a.size() == b.size(), "one and two threads keep different row counts");
  for (size_t i = 0; i < a.size(); ++i) {
    MERIDIAN_FUZZ_CHECK(a[i].npi == b[i].npi && a[i].line == b[i].line,
                        "one and two threads keep different rows");
    MERIDIAN_FUZZ_CHECK(IsValidNpi(NpiToString(a[i].npi)), "a kept row has an invalid NPI");
    MERIDIAN_FUZZ_CHECK(i == 0 || a[i - 1].npi <= a[i].npi, "rows not sorted by NPI");
  }
}

void SideFile(AttachedKind kind, const std::string& path) {
  Attachments one, two;
  std::vector<IngestError> e1, e2;
  const ZctaTable& zcta = ZctaTable::Embedded();
  Status s1 = ReadAttachedFile(path, kind, zcta, 1, &one, &e1);
  Status s2 = ReadAttachedFile(path, kind, zcta, 2, &two, &e2);
  MERIDIAN_FUZZ_CHECK(s1.ok() == s2.ok(), "one and two threads disagree on refusing");
  if (!s1.ok()) {
    MERIDIAN_FUZZ_CHECK(!s1.message().empty(), "refused without a message");
    MERIDIAN_FUZZ_CHECK(!s2.message().empty(), "refused without a message");
    return;
  }
  CheckErrors(e1);
  MERIDIAN_FUZZ_CHECK(e1.size() == e2.size(), "one and two threads report different errors");
  for (size_t i = 0; i < e1.size(); ++i)
    MERIDIAN_FUZZ_CHECK(e1[i].line == e2[i].line && e1[i].reason == e2[i].reason,
                        "one and two threads report different errors");
  MERIDIAN_FUZZ_CHECK(one.rows_read == two.rows_read, "one and two threads read different rows");
  SortAttachments(&one);
  SortAttachments(&two);
  SameRows(one.locations, two.locations);
  SameRows(one.other_names, two.other_names);
  SameRows(one.endpoints, two.endpoints);
}

// A workbook as CMS ships it: the four members XlsxFirstSheetToCsv reads.
std::string Workbook(std::string_view body) {
  const size_t nul = body.find('\0');
  const std::string sheet(body.substr(0, nul));
  const std::string shared(nul == std::string_view::npos ? "" : body.substr(nul + 1));
  const std::string path = fuzz::ScratchFile("w.xlsx");
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (z == nullptr) fuzz::Die("zip_open");
  const std::pair<const char*, const std::string*> members[] = {
      {"[Content_Types].xml", nullptr},
      {"xl/workbook.xml", nullptr},
      {"xl/sharedStrings.xml", &shared},
      {"xl/worksheets/sheet1.xml", &sheet}};
  static const std::string stub = "<x/>";
  for (const auto& [name, bytes] : members) {
    const std::string* b = bytes != nullptr ? bytes : &stub;
    zip_source_t* s = zip_source_buffer(z, b->data(), b->size(), 0);
    zip_int64_t i = s == nullptr ? -1 : zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8);
    if (i < 0) fuzz::Die("zip_file_add");
    zip_set_file_compression(z, static_cast<zip_uint64_t>(i), ZIP_CM_STORE, 0);
  }
  if (zip_close(z) != 0) fuzz::Die("zip_close");
  std::string bytes;
  if (!ReadFile(path, &bytes).ok()) fuzz::Die("cannot read the workbook");
  return bytes;
}

void Deactivations(const std::string& path, bool sheet_refused) {
  static const Snapshot* base = [] {
    auto s = Snapshot::Open(fuzz::SampleSnapshot());
    if (!s.ok()) fuzz::Die(s.status().ToString());
    return s->release();
  }();
  IngestOptions o;
  o.base_snapshot = fuzz::SampleSnapshot();
  o.deactivations = path;
  o.out = fuzz::ScratchFile("updated.snap");
  o.threads = 1;
  IngestSummary summary;
  std::vector<IngestError> errors;
  Status st = Update(o, &summary, &errors);
  if (!st.ok()) {
    MERIDIAN_FUZZ_CHECK(!st.message().empty(), "Update refused without a message");
    return;
  }
  MERIDIAN_FUZZ_CHECK(!sheet_refused, "Update took a workbook XlsxFirstSheetToCsv refused");
  CheckErrors(errors);
  MERIDIAN_FUZZ_CHECK(summary.deactivations_applied <= base->size() + summary.added,
                      "more deactivations applied than records");
  auto out = Snapshot::Open(o.out);
  MERIDIAN_FUZZ_CHECK(out.ok(), out.status().ToString().c_str());
  Status every = (*out)->CheckEveryRecord();
  MERIDIAN_FUZZ_CHECK(every.ok(), every.ToString().c_str());
  MERIDIAN_FUZZ_CHECK((*out)->size() == base->size() + summary.added,
                      "records neither in the base nor counted as added");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fuzz::SampleSnapshot();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int mode = data[0] % 6;
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] / 8) % 2 == 1) body = Header(mode) + body;
  static const char* const names[] = {"pl_pfile.csv",       "othername_pfile.csv",
                                      "endpoint_pfile.csv", "deactivated.csv",
                                      "deactivated.xlsx",   "deactivated.zip"};
  const std::string path = fuzz::ScratchFile(names[mode]);
  switch (mode) {
    case 0:
    case 1:
    case 2:
      fuzz::WriteWhole(path, body);
      SideFile(static_cast<AttachedKind>(mode), path);
      return 0;
    case 3:
    case 5:
      fuzz::WriteWhole(path, body);
      Deactivations(path, false);
      return 0;
    default: {
      const std::string workbook = Workbook(body);
      auto csv = XlsxFirstSheetToCsv("deactivated.xlsx", workbook);
      if (!csv.ok()) MERIDIAN_FUZZ_CHECK(!csv.status().message().empty(), "no message");
      fuzz::WriteWhole(path, workbook);
      Deactivations(path, !csv.ok());
      return 0;
    }
  }
}
