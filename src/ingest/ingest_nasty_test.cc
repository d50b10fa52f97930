// The nasty-input files (tests/data/nasty_*.csv, made by
// tests/data/gen/make_nasty.py): exactly the expected rejections, with line,
// NPI and reason, and every good row intact.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/ingest.h"
#include "snapshot/snapshot.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::TempDir;
using testing::TestData;

struct Expected {
  uint64_t line;
  std::string npi, field, reason;
};

TEST(NastyIngest, ExactRejectionsAndGoodRowsIntact) {
  TempDir dir;
  IngestOptions o;
  o.nppes = TestData("nasty_npidata.csv");
  o.out = dir.File("nasty.snap");
  IngestSummary sum;
  std::vector<IngestError> errors;
  Status s = Ingest(o, &sum, &errors);
  ASSERT_TRUE(s.ok()) << s.ToString();

  const std::vector<Expected> want = {
      {5, "1000000020", "", "expected 330 fields, found 329"},
      {6, "1000000038", "Provider Last Name (Legal Name)", "invalid UTF-8"},
      {7, "123456789", "NPI", "NPI is not 10 digits"},
      {8, "1000000040", "NPI", "NPI fails the check digit (Luhn with prefix 80840)"},
      {9, "1000000053", "Provider Enumeration Date",
       "unparseable date \"13/45/2020\" (expected MM/DD/YYYY)"},
      {10, "1000000012", "NPI", "duplicate NPI (first seen at line 2)"},
      {11, "1000000061", "Entity Type Code", "entity type must be 1, 2 or empty, found \"3\""},
      {13, "1000000087", "", "unexpected character after a closing quote"},
      {14, "1000000095", "", "unterminated quote: a quoted field runs onto the next line"},
      {19, "1000000137", "NPI Reactivation Date",
       "unparseable date \"2020-01-01\" (expected MM/DD/YYYY)"},
  };
  ASSERT_EQ(errors.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(errors[i].file, "nasty_npidata.csv");
    EXPECT_EQ(errors[i].line, want[i].line);
    EXPECT_EQ(errors[i].npi, want[i].npi);
    EXPECT_EQ(errors[i].field, want[i].field);
    EXPECT_EQ(errors[i].reason, want[i].reason);
  }
  EXPECT_EQ(sum.rows_read, 16u);
  EXPECT_EQ(sum.rejected, 10u);
  EXPECT_EQ(sum.records, 6u);
  EXPECT_EQ(sum.individuals, 4u);
  EXPECT_EQ(sum.organizations, 1u);
  EXPECT_EQ(sum.deactivated, 1u);
  EXPECT_EQ(sum.unknown_taxonomies, 1u);
  ASSERT_EQ(sum.unknown_taxonomy_codes.size(), 1u);
  EXPECT_EQ(sum.unknown_taxonomy_codes[0], "999Z99999X");
  EXPECT_EQ(sum.geocoded, 3u);      // A, C, F
  EXPECT_EQ(sum.not_geocoded, 2u);  // D (ZIP 00001 has no ZCTA), E (country CA)

  auto snap = Snapshot::Open(o.out);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  ASSERT_TRUE((*snap)->CheckInvariants().ok());
  Record r;
  auto get = [&](uint32_t npi) {
    int64_t row = (*snap)->Find(npi);
    EXPECT_GE(row, 0) << npi;
    EXPECT_TRUE((*snap)->GetRecord(static_cast<size_t>(row), &r).ok());
    return static_cast<size_t>(row);
  };
  // A (lines 2-3): quoted comma, doubled quotes and a CRLF inside a field; the
  // first of two rows with its NPI wins.
  get(1000000012);
  EXPECT_EQ(r.last_name, "O\"BRIEN, JR");
  EXPECT_EQ(r.other_last_name, "SAYS \"HI\"");
  EXPECT_EQ(r.practice.address.line2, "SUITE 5\r\nBACK DOOR");
  EXPECT_EQ(r.practice.precision, GeoPrecision::kZipCentroid);
  // B: deactivated row, NPI and date only.
  get(1000000079);
  EXPECT_EQ(r.entity, EntityType::kDeactivated);
  EXPECT_EQ(FormatIsoDate(r.deactivation_date), "2021-03-03");
  // C: organization after the broken line 14; one-digit month and day.
  get(1000000103);
  EXPECT_EQ(r.entity, EntityType::kOrganization);
  EXPECT_EQ(r.org_name, "MADISON ACUPUNCTURE, LLC");
  EXPECT_EQ(FormatIsoDate(r.enumeration_date), "2015-05-06");
  // D: unknown taxonomy kept (in the record and the hot column), ZIP without ZCTA.
  size_t d = get(1000000111);
  ASSERT_EQ(r.taxonomies.size(), 2u);
  EXPECT_EQ(r.taxonomies[1].code, "999Z99999X");
  EXPECT_EQ((*snap)->taxonomy_ids(d).size(), 2u);
  EXPECT_EQ(r.practice.precision, GeoPrecision::kNone);
  EXPECT_EQ((*snap)->locations(d)[0].precision, 0);
  // E: foreign address stays un-geocoded even with a US-looking ZIP.
  get(1000000129);
  EXPECT_EQ(r.practice.precision, GeoPrecision::kNone);
  // F: the last row, without a final newline.
  get(1000000145);
  EXPECT_EQ(r.last_name, "SMITH");
  EXPECT_EQ(r.taxonomies.at(0).license_number, "123-45");
}

TEST(NastyIngest, UnterminatedQuoteAtEndOfFile) {
  TempDir dir;
  IngestOptions o;
  o.nppes = TestData("nasty_eof_quote.csv");
  o.out = dir.File("eof.snap");
  IngestSummary sum;
  std::vector<IngestError> errors;
  ASSERT_TRUE(Ingest(o, &sum, &errors).ok());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 3u);
  EXPECT_EQ(errors[0].npi, "1000000160");
  EXPECT_EQ(errors[0].reason, "unterminated quoted field");
  EXPECT_EQ(sum.records, 1u);
}

TEST(NastyIngest, HeaderLackingColumnsIsFatalAndWritesNothing) {
  TempDir dir;
  std::string path = dir.File("bad_header.csv");
  testing::WriteAll(path, "\"NPI\",\"Entity Type Code\"\n\"1679576722\",\"1\"\n");
  IngestOptions o;
  o.nppes = path;
  o.out = dir.File("out.snap");
  IngestSummary sum;
  std::vector<IngestError> errors;
  Status s = Ingest(o, &sum, &errors);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("lacks required columns"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("Provider Last Name (Legal Name)"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(o.out));
}

TEST(NastyIngest, OlderGenderCodeHeaderIsAccepted) {
  TempDir dir;
  std::string header = testing::NppesHeaderLine();
  size_t at = header.find("Provider Sex Code");
  ASSERT_NE(at, std::string::npos);
  header.replace(at, std::string("Provider Sex Code").size(), "Provider Gender Code");
  std::string path = dir.File("old.csv");
  testing::WriteAll(path, header + testing::NppesRow({{"NPI", "1679576722"},
                                                      {"Entity Type Code", "1"},
                                                      {"Provider Sex Code", "M"}}));
  IngestOptions o;
  o.nppes = path;
  o.out = dir.File("old.snap");
  IngestSummary sum;
  std::vector<IngestError> errors;
  ASSERT_TRUE(Ingest(o, &sum, &errors).ok());
  EXPECT_TRUE(errors.empty());
  auto snap = Snapshot::Open(o.out);
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ((*snap)->sex(0), 'M');
}

TEST(NastyIngest, MissingInputFileIsAnIoError) {
  TempDir dir;
  IngestOptions o;
  o.nppes = dir.File("nope.csv");
  o.out = dir.File("out.snap");
  IngestSummary sum;
  std::vector<IngestError> errors;
  EXPECT_EQ(Ingest(o, &sum, &errors).code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace meridian
