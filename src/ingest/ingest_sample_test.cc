// Ingest of the 99 real NPPES rows: every field of every row is checked
// against the CSV, read here by an independent naive splitter (the sample has
// no quoted commas or newlines), and a few records against golden JSON.
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "geo/zcta.h"
#include "ingest/ingest.h"
#include "snapshot/record_json.h"
#include "snapshot/snapshot.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::TempDir;
using testing::TestData;

// "05/23/2005" -> "2005-05-23" (the sample always uses two-digit months and days).
std::string Iso(const std::string& mdy) {
  if (mdy.empty()) return "";
  return mdy.substr(6, 4) + "-" + mdy.substr(0, 2) + "-" + mdy.substr(3, 2);
}

class SampleIngest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    IngestOptions o;
    o.nppes = TestData("npidata_sample_99.csv");
    o.out = dir_->File("sample.snap");
    std::vector<IngestError> errors;
    Status s = Ingest(o, &summary_, &errors);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_TRUE(errors.empty()) << errors[0].reason;
    auto snap = Snapshot::Open(o.out);
    ASSERT_TRUE(snap.ok()) << snap.status().ToString();
    snap_ = snap->release();
  }
  static void TearDownTestSuite() {
    delete snap_;
    delete dir_;
  }
  static TempDir* dir_;
  static Snapshot* snap_;
  static IngestSummary summary_;
};
TempDir* SampleIngest::dir_ = nullptr;
Snapshot* SampleIngest::snap_ = nullptr;
IngestSummary SampleIngest::summary_;

TEST_F(SampleIngest, Counts) {
  EXPECT_EQ(summary_.rows_read, 99u);
  EXPECT_EQ(summary_.individuals, 71u);
  EXPECT_EQ(summary_.organizations, 22u);
  EXPECT_EQ(summary_.deactivated, 6u);
  EXPECT_EQ(summary_.rejected, 0u);
  EXPECT_EQ(summary_.geocoded + summary_.not_geocoded, 93u);
  EXPECT_EQ(summary_.records, 99u);
  EXPECT_FALSE(summary_.synthetic);
  EXPECT_FALSE(snap_->synthetic());
  EXPECT_TRUE(snap_->CheckInvariants().ok());
  testing::ExpectTextMatchesRecords(*snap_);
}

TEST_F(SampleIngest, EveryFieldMatchesTheCsv) {
  std::string text = testing::ReadAll(TestData("npidata_sample_99.csv"));
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  std::vector<std::string> header = testing::NaiveSplit(lines[0]);
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < header.size(); ++i) col[header[i]] = i;

  using Get = std::function<std::string(const Record&)>;
  const std::vector<std::pair<std::string, Get>> strings = {
      {"Replacement NPI", [](const Record& r) { return r.replacement_npi; }},
      {"Employer Identification Number (EIN)", [](const Record& r) { return r.ein; }},
      {"Provider Organization Name (Legal Business Name)",
       [](const Record& r) { return r.org_name; }},
      {"Provider Last Name (Legal Name)", [](const Record& r) { return r.last_name; }},
      {"Provider First Name", [](const Record& r) { return r.first_name; }},
      {"Provider Middle Name", [](const Record& r) { return r.middle_name; }},
      {"Provider Name Prefix Text", [](const Record& r) { return r.name_prefix; }},
      {"Provider Name Suffix Text", [](const Record& r) { return r.name_suffix; }},
      {"Provider Credential Text", [](const Record& r) { return r.credential; }},
      {"Provider Other Organization Name", [](const Record& r) { return r.other_org_name; }},
      {"Provider Other Organization Name Type Code",
       [](const Record& r) { return r.other_org_name_type; }},
      {"Provider Other Last Name", [](const Record& r) { return r.other_last_name; }},
      {"Provider Other First Name", [](const Record& r) { return r.other_first_name; }},
      {"Provider Other Middle Name", [](const Record& r) { return r.other_middle_name; }},
      {"Provider Other Name Prefix Text", [](const Record& r) { return r.other_name_prefix; }},
      {"Provider Other Name Suffix Text", [](const Record& r) { return r.other_name_suffix; }},
      {"Provider Other Credential Text", [](const Record& r) { return r.other_credential; }},
      {"Provider Other Last Name Type Code",
       [](const Record& r) { return r.other_last_name_type; }},
      {"Provider First Line Business Mailing Address",
       [](const Record& r) { return r.mailing.line1; }},
      {"Provider Second Line Business Mailing Address",
       [](const Record& r) { return r.mailing.line2; }},
      {"Provider Business Mailing Address City Name",
       [](const Record& r) { return r.mailing.city; }},
      {"Provider Business Mailing Address State Name",
       [](const Record& r) { return r.mailing.state; }},
      {"Provider Business Mailing Address Postal Code",
       [](const Record& r) { return r.mailing.postal_code; }},
      {"Provider Business Mailing Address Country Code (If outside U.S.)",
       [](const Record& r) { return r.mailing.country; }},
      {"Provider Business Mailing Address Telephone Number",
       [](const Record& r) { return r.mailing.phone; }},
      {"Provider Business Mailing Address Fax Number",
       [](const Record& r) { return r.mailing.fax; }},
      {"Provider First Line Business Practice Location Address",
       [](const Record& r) { return r.practice.address.line1; }},
      {"Provider Second Line Business Practice Location Address",
       [](const Record& r) { return r.practice.address.line2; }},
      {"Provider Business Practice Location Address City Name",
       [](const Record& r) { return r.practice.address.city; }},
      {"Provider Business Practice Location Address State Name",
       [](const Record& r) { return r.practice.address.state; }},
      {"Provider Business Practice Location Address Postal Code",
       [](const Record& r) { return r.practice.address.postal_code; }},
      {"Provider Business Practice Location Address Country Code (If outside U.S.)",
       [](const Record& r) { return r.practice.address.country; }},
      {"Provider Business Practice Location Address Telephone Number",
       [](const Record& r) { return r.practice.address.phone; }},
      {"Provider Business Practice Location Address Fax Number",
       [](const Record& r) { return r.practice.address.fax; }},
      {"NPI Deactivation Reason Code", [](const Record& r) { return r.deactivation_reason; }},
      {"Provider Sex Code", [](const Record& r) { return r.sex; }},
      {"Authorized Official Last Name", [](const Record& r) { return r.ao_last_name; }},
      {"Authorized Official First Name", [](const Record& r) { return r.ao_first_name; }},
      {"Authorized Official Middle Name", [](const Record& r) { return r.ao_middle_name; }},
      {"Authorized Official Title or Position", [](const Record& r) { return r.ao_title; }},
      {"Authorized Official Telephone Number", [](const Record& r) { return r.ao_phone; }},
      {"Is Sole Proprietor", [](const Record& r) { return r.sole_proprietor; }},
      {"Is Organization Subpart", [](const Record& r) { return r.is_org_subpart; }},
      {"Parent Organization LBN", [](const Record& r) { return r.parent_org_lbn; }},
      {"Parent Organization TIN", [](const Record& r) { return r.parent_org_tin; }},
      {"Authorized Official Name Prefix Text", [](const Record& r) { return r.ao_name_prefix; }},
      {"Authorized Official Name Suffix Text", [](const Record& r) { return r.ao_name_suffix; }},
      {"Authorized Official Credential Text", [](const Record& r) { return r.ao_credential; }},
      {"Provider Enumeration Date",
       [](const Record& r) { return FormatIsoDate(r.enumeration_date); }},
      {"Last Update Date", [](const Record& r) { return FormatIsoDate(r.last_update_date); }},
      {"NPI Deactivation Date", [](const Record& r) { return FormatIsoDate(r.deactivation_date); }},
      {"NPI Reactivation Date", [](const Record& r) { return FormatIsoDate(r.reactivation_date); }},
      {"Certification Date", [](const Record& r) { return FormatIsoDate(r.certification_date); }},
  };
  size_t checked = 0;
  for (size_t li = 1; li < lines.size(); ++li) {
    if (lines[li].empty()) continue;
    std::vector<std::string> v = testing::NaiveSplit(lines[li]);
    ASSERT_EQ(v.size(), 330u);
    int64_t row = snap_->Find(static_cast<uint32_t>(std::stoul(v[col["NPI"]])));
    ASSERT_GE(row, 0) << v[0];
    Record r;
    ASSERT_TRUE(snap_->GetRecord(static_cast<size_t>(row), &r).ok());
    SCOPED_TRACE("NPI " + v[0]);
    EXPECT_EQ(NpiToString(r.npi), v[0]);
    const std::string& et = v[col["Entity Type Code"]];
    EXPECT_EQ(EntityTypeName(r.entity), std::string(et == "1"   ? "individual"
                                                    : et == "2" ? "organization"
                                                                : "deactivated"));
    for (const auto& [name, get] : strings) {
      bool is_date = name.find("Date") != std::string::npos;
      std::string want = v[col.at(name)];
      EXPECT_EQ(get(r), is_date ? Iso(want) : want) << name;
    }
    // Taxonomy slots: every non-empty slot, in order, with all four values.
    size_t t = 0;
    for (int k = 1; k <= 15; ++k) {
      std::string n = std::to_string(k);
      std::string code = v[col["Healthcare Provider Taxonomy Code_" + n]];
      std::string lic = v[col["Provider License Number_" + n]];
      std::string st = v[col["Provider License Number State Code_" + n]];
      std::string sw = v[col["Healthcare Provider Primary Taxonomy Switch_" + n]];
      std::string grp = v[col["Healthcare Provider Taxonomy Group_" + n]];
      if (code.empty() && lic.empty() && st.empty()) continue;
      ASSERT_LT(t, r.taxonomies.size());
      const TaxonomySlot& s = r.taxonomies[t++];
      EXPECT_EQ(s.slot, k);
      EXPECT_EQ(s.code, code);
      EXPECT_EQ(s.license_number, lic);
      EXPECT_EQ(s.license_state, st);
      EXPECT_EQ(std::string(1, s.primary_switch), sw.empty() ? " " : sw);
      EXPECT_EQ(s.group, grp);
    }
    EXPECT_EQ(t, r.taxonomies.size());
    size_t o = 0;
    for (int k = 1; k <= 50; ++k) {
      std::string n = std::to_string(k);
      std::string id = v[col["Other Provider Identifier_" + n]];
      std::string type = v[col["Other Provider Identifier Type Code_" + n]];
      if (id.empty() && type.empty()) continue;
      ASSERT_LT(o, r.other_ids.size());
      const OtherIdentifier& x = r.other_ids[o++];
      EXPECT_EQ(x.slot, k);
      EXPECT_EQ(x.identifier, id);
      EXPECT_EQ(x.type_code, type);
      EXPECT_EQ(x.state, v[col["Other Provider Identifier State_" + n]]);
      EXPECT_EQ(x.issuer, v[col["Other Provider Identifier Issuer_" + n]]);
    }
    EXPECT_EQ(o, r.other_ids.size());
    // Geocode: the ZCTA point of the practice ZIP, or none.
    LatLon p;
    bool geo = ZctaTable::Embedded().Find(r.practice.address.postal_code, &p) &&
               (r.practice.address.country.empty() || r.practice.address.country == "US");
    EXPECT_EQ(r.practice.precision, geo ? GeoPrecision::kZipCentroid : GeoPrecision::kNone);
    if (geo) {
      EXPECT_EQ(r.practice.lat, p.lat);
      EXPECT_EQ(r.practice.lon, p.lon);
      EXPECT_EQ(snap_->locations(static_cast<size_t>(row))[0].lat, p.lat);
    }
    // Hot columns agree with the record.
    EXPECT_EQ(snap_->credential(static_cast<size_t>(row)), v[col["Provider Credential Text"]]);
    EXPECT_EQ(snap_->entity(static_cast<size_t>(row)), r.entity);
    EXPECT_EQ(snap_->sex(static_cast<size_t>(row)), r.sex.empty() ? 0 : r.sex[0]);
    ++checked;
  }
  EXPECT_EQ(checked, 99u);
}

// Golden JSON (tests/golden/show_<npi>.json): an organization, a D.O., a
// deactivated row, and records with several taxonomies. Regenerate with
// MERIDIAN_UPDATE_GOLDEN=1 after reviewing the change.
TEST_F(SampleIngest, GoldenRecords) {
  for (uint32_t npi : {1497758544u, 1114920261u, 1306849450u, 1215930367u, 1841293891u, 1780687731u,
                       1659374601u}) {
    int64_t row = snap_->Find(npi);
    ASSERT_GE(row, 0) << npi;
    Record r;
    ASSERT_TRUE(snap_->GetRecord(static_cast<size_t>(row), &r).ok());
    JsonWriter w;
    WriteRecordJson(r, snap_->taxonomy(), &w);
    testing::ExpectGolden("show_" + NpiToString(npi) + ".json", testing::PrettyJson(w.str()));
  }
}

}  // namespace
}  // namespace meridian
