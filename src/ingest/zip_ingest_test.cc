// NPPES as CMS publishes it: the dissemination ZIPs read in place must give
// exactly what the extracted CSVs give, the file-header members are ignored,
// and the deactivation report's .xlsx (inside its ZIP) applies like the CSV.
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "ingest/csv_file.h"
#include "ingest/ingest.h"
#include "ingest/xlsx.h"
#include "ingest/zip_archive.h"
#include "snapshot/snapshot.h"
#include "testing/test_util.h"
#include "testing/zip_util.h"

namespace meridian {
namespace {

using Members = testing::ZipMembers;
using testing::WriteZip;

// Every record of a snapshot as its encoded bytes, in NPI order.
std::vector<std::string> Records(const std::string& path) {
  auto snap = Snapshot::Open(path);
  EXPECT_TRUE(snap.ok()) << snap.status().ToString();
  std::vector<std::string> out;
  if (!snap.ok()) return out;
  for (size_t i = 0; i < (*snap)->size(); ++i)
    out.push_back(std::string((*snap)->core_bytes(i)) + "|" +
                  std::string((*snap)->attached_bytes(i)));
  return out;
}

struct Fixture {
  testing::TempDir dir;
  Members members;
  std::string zip;
  Fixture() {
    const std::string main = testing::ReadAll(testing::TestData("npidata_sample_99.csv"));
    const std::string header = main.substr(0, main.find('\n') + 1);
    members = {
        {"npidata_pfile_20050523-20250907.csv", main},
        {"npidata_pfile_20050523-20250907_fileheader.csv", header},
        {"pl_pfile_20050523-20250907.csv",
         testing::ReadAll(testing::TestData("pl_pfile_20251103-20251109.csv"))},
        {"othername_pfile_20050523-20250907.csv",
         testing::ReadAll(testing::TestData("othername_pfile_20251103-20251109.csv"))},
        {"endpoint_pfile_20050523-20250907.csv",
         testing::ReadAll(testing::TestData("endpoint_pfile_20251103-20251109.csv"))},
        {"endpoint_pfile_20050523-20250907_fileheader.csv", "\"NPI\"\n"},
        {"NPPES_Data_Dissemination_Readme.pdf", "%PDF-1.4 not read"},
    };
    zip = dir.File("NPPES_Data_Dissemination_September_2025.zip");
    WriteZip(zip, members);
  }
};

TEST(ZipIngest, FindsTheMembersByNameAndIgnoresFileHeaders) {
  Fixture f;
  auto a = ZipArchive::Open(f.zip);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  NppesMembers m = FindNppesMembers(**a);
  EXPECT_EQ(m.npidata, "npidata_pfile_20050523-20250907.csv");
  EXPECT_EQ(m.pl, "pl_pfile_20050523-20250907.csv");
  EXPECT_EQ(m.othername, "othername_pfile_20050523-20250907.csv");
  EXPECT_EQ(m.endpoint, "endpoint_pfile_20050523-20250907.csv");
  EXPECT_TRUE(LooksLikeZip(f.zip));
  EXPECT_FALSE(LooksLikeZip(testing::TestData("npidata_sample_99.csv")));
}

TEST(ZipIngest, SameSnapshotAsTheExtractedFiles) {
  Fixture f;
  // The oracle: the same members extracted and ingested as files.
  IngestOptions files;
  for (const auto& [name, bytes] : f.members) testing::WriteAll(f.dir.File(name), bytes);
  files.nppes = f.dir.File(f.members[0].first);
  files.pl = f.dir.File(f.members[2].first);
  files.othername = f.dir.File(f.members[3].first);
  files.endpoint = f.dir.File(f.members[4].first);
  files.out = f.dir.File("files.snap");
  IngestSummary want;
  std::vector<IngestError> want_errors;
  ASSERT_TRUE(Ingest(files, &want, &want_errors).ok());

  for (size_t window : {size_t{64} << 20, size_t{1} << 10}) {  // 1 KiB: many stream refills
    IngestOptions z;
    z.window_bytes = window;
    ASSERT_TRUE(UseNppesZip(f.zip, &z).ok());
    z.out = f.dir.File("zip.snap");
    IngestSummary got;
    std::vector<IngestError> got_errors;
    Status s = Ingest(z, &got, &got_errors);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(got.rows_read, want.rows_read);
    EXPECT_EQ(got.records, want.records);
    EXPECT_EQ(got.secondary_locations, want.secondary_locations);
    EXPECT_EQ(got.other_names, want.other_names);
    EXPECT_EQ(got.endpoints, want.endpoints);
    EXPECT_EQ(got.bytes_read, want.bytes_read);
    ASSERT_EQ(got_errors.size(), want_errors.size());
    for (size_t i = 0; i < got_errors.size(); ++i) {
      EXPECT_EQ(got_errors[i].line, want_errors[i].line);
      EXPECT_EQ(got_errors[i].reason, want_errors[i].reason);
    }
    EXPECT_EQ(Records(z.out), Records(files.out)) << "window " << window;
  }
}

TEST(ZipIngest, StreamedCsvEqualsMappedCsvOnTwoThreads) {
  Fixture f;
  testing::WriteAll(f.dir.File("main.csv"), f.members[0].second);
  struct Collect : CsvSink {
    std::vector<std::string> rows;
    void OnRecord(const CsvRecord& r) override {
      std::string s = std::to_string(r.line);
      for (auto v : r.fields) s += "|" + std::string(v);
      rows.push_back(s);
    }
    void OnError(uint64_t line, std::string_view, const char* reason) override {
      rows.push_back("E" + std::to_string(line) + reason);
    }
    size_t Checkpoint() override { return rows.size(); }
    void Rollback(size_t c) override { rows.resize(c); }
  };
  auto run = [&](const std::string& path, const std::string& archive) {
    Collect a, b;
    CsvReadOptions o;
    o.threads = 2;
    o.window_bytes = 1 << 10;
    o.archive = archive;
    CsvReadStats stats;
    Status s = ReadCsvFile(
        path, o, [](const CsvRecord&) { return Status::OK(); }, {&a, &b}, &stats);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::vector<std::string> all = a.rows;
    all.insert(all.end(), b.rows.begin(), b.rows.end());
    std::sort(all.begin(), all.end());
    return std::make_pair(all, stats.bytes);
  };
  auto mapped = run(f.dir.File("main.csv"), "");
  auto streamed = run("npidata_pfile_20050523-20250907.csv", f.zip);
  EXPECT_EQ(streamed.first, mapped.first);
  EXPECT_EQ(streamed.second, mapped.second);
  EXPECT_EQ(mapped.first.size(), 99u);
}

TEST(ZipIngest, DamagedOrWrongArchivesGiveClearErrors) {
  Fixture f;
  // Flip bytes in the middle of the archive: the deflate stream or its CRC breaks.
  std::string bytes = testing::ReadAll(f.zip);
  for (size_t i = bytes.size() / 4; i < bytes.size() / 4 + 64; ++i) bytes[i] ^= 0x5A;
  testing::WriteAll(f.dir.File("damaged.zip"), bytes);
  IngestOptions o;
  Status s = UseNppesZip(f.dir.File("damaged.zip"), &o);
  if (s.ok()) {
    o.out = f.dir.File("d.snap");
    IngestSummary sum;
    std::vector<IngestError> errors;
    s = Ingest(o, &sum, &errors);
  }
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("damaged.zip"), std::string::npos) << s.ToString();

  // No npidata member: the message lists what the archive holds.
  WriteZip(f.dir.File("other.zip"), {{"readme.txt", "hello"}});
  IngestOptions o2;
  s = UseNppesZip(f.dir.File("other.zip"), &o2);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("readme.txt"), std::string::npos) << s.ToString();

  // Not a ZIP at all, and explicit files next to the archive.
  EXPECT_EQ(UseNppesZip(testing::TestData("npidata_sample_99.csv"), &o2).code(),
            StatusCode::kInvalidArgument);
  IngestOptions o3;
  o3.pl = "pl.csv";
  EXPECT_EQ(UseNppesZip(f.zip, &o3).code(), StatusCode::kInvalidArgument);
}

TEST(Xlsx, SerialDates) {
  EXPECT_EQ(ExcelSerialToDate(1), "01/01/1900");
  EXPECT_EQ(ExcelSerialToDate(59), "02/28/1900");
  EXPECT_EQ(ExcelSerialToDate(60), "02/29/1900");
  EXPECT_EQ(ExcelSerialToDate(61), "03/01/1900");
  EXPECT_EQ(ExcelSerialToDate(36526), "01/01/2000");
  EXPECT_EQ(ExcelSerialToDate(45658), "01/01/2025");
  EXPECT_EQ(ExcelSerialToDate(45992.5), "12/01/2025");
  EXPECT_EQ(ExcelSerialToDate(0), "");
  EXPECT_EQ(ExcelSerialToDate(-3), "");
}

// A minimal workbook shaped like CMS's report: a title row, a blank row, the
// header, then NPI + date rows (shared strings, inline strings, serial dates).
std::string Workbook() {
  std::string shared =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst "
      "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"4\">"
      "<si><t>NPPES Deactivated NPI Report</t></si><si><t>NPI</t></si>"
      "<si><r><t>NPPES Deactivation</t></r><r><t xml:space=\"preserve\"> Date</t></r></si>"
      "<si><t>1588667638</t></si></sst>";
  std::string sheet =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet "
      "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
      "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>1</v></c><c r=\"B3\" t=\"s\"><v>2</v></c></row>"
      "<row r=\"4\"><c r=\"A4\" t=\"s\"><v>3</v></c><c r=\"B4\" s=\"1\"><v>45659</v></c></row>"
      "<row r=\"5\"><c r=\"A5\" t=\"inlineStr\"><is><t>1000000038</t></is></c>"
      "<c r=\"B5\" t=\"inlineStr\"><is><t>03/04/2025</t></is></c></row>"
      "<row r=\"6\"><c r=\"A6\" t=\"inlineStr\"><is><t>12345</t></is></c>"
      "<c r=\"B6\"><v>45658</v></c></row>"
      "</sheetData></worksheet>";
  testing::TempDir dir;
  WriteZip(dir.File("w.xlsx"), {{"[Content_Types].xml", "<Types/>"},
                                {"xl/workbook.xml", "<workbook/>"},
                                {"xl/sharedStrings.xml", shared},
                                {"xl/worksheets/sheet1.xml", sheet}});
  return testing::ReadAll(dir.File("w.xlsx"));
}

TEST(Xlsx, FirstSheetBecomesCsvFromTheHeaderRow) {
  auto csv = XlsxFirstSheetToCsv("report.xlsx", Workbook());
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_EQ(*csv,
            "\"NPI\",\"NPPES Deactivation Date\"\n"
            "\"1588667638\",\"01/02/2025\"\n"
            "\"1000000038\",\"03/04/2025\"\n"
            "\"12345\",\"01/01/2025\"\n");
  EXPECT_EQ(XlsxFirstSheetToCsv("x", "not a zip").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(XlsxFirstSheetToCsv("x", Workbook(), "Nothing Like This").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ZipIngest, DeactivationReportAsCmsShipsIt) {
  testing::TempDir dir;
  IngestOptions base;
  base.nppes = testing::TestData("npidata_sample_99.csv");
  base.out = dir.File("base.snap");
  IngestSummary sum;
  std::vector<IngestError> errors;
  ASSERT_TRUE(Ingest(base, &sum, &errors).ok());

  // The oracle: the same rows as a CSV.
  testing::WriteAll(dir.File("deact.csv"),
                    "\"NPI\",\"NPPES Deactivation Date\"\n\"1588667638\",\"01/02/2025\"\n"
                    "\"1000000038\",\"03/04/2025\"\n\"12345\",\"01/01/2025\"\n");
  WriteZip(dir.File("NPPES_Deactivated_NPI_Report_20250110.zip"),
           {{"NPPES Deactivated NPI Report 20250110.xlsx", Workbook()}});
  testing::WriteAll(dir.File("report.xlsx"), Workbook());
  std::vector<std::string> want;
  size_t want_errors = 0;
  for (const char* input :
       {"deact.csv", "NPPES_Deactivated_NPI_Report_20250110.zip", "report.xlsx"}) {
    IngestOptions u;
    u.base_snapshot = base.out;
    u.deactivations = dir.File(input);
    u.out = dir.File("u.snap");
    IngestSummary got;
    std::vector<IngestError> got_errors;
    Status s = Update(u, &got, &got_errors);
    ASSERT_TRUE(s.ok()) << input << ": " << s.ToString();
    EXPECT_EQ(got.deactivations_applied, 2u) << input;  // one known NPI, one new stub
    if (want.empty()) {
      want = Records(u.out);
      want_errors = got_errors.size();
      EXPECT_EQ(want_errors, 1u);  // the bad NPI, with its line
    } else {
      EXPECT_EQ(Records(u.out), want) << input;
      EXPECT_EQ(got_errors.size(), want_errors) << input;
    }
  }
}

}  // namespace
}  // namespace meridian
