#include "fhir/resources.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "fhir/export.h"
#include "snapshot/snapshot.h"
#include "testing/test_util.h"

namespace meridian::fhir {
namespace {

using nlohmann::json;
using testing::TempDir;

TEST(FhirIds, RoundTripAndRefuseOtherShapes) {
  ResourceId id;
  ASSERT_TRUE(ParseId(ResourceType::kPractitioner, "1234567893", &id));
  EXPECT_EQ(id.npi, 1234567893u);
  ASSERT_TRUE(ParseId(ResourceType::kPractitionerRole, RoleId(1234567893, 2, 15), &id));
  EXPECT_EQ(id.location, 2u);
  EXPECT_EQ(id.slot, 15u);
  ASSERT_TRUE(ParseId(ResourceType::kLocation, LocationId(1234567893, 0), &id));
  ASSERT_TRUE(ParseId(ResourceType::kEndpoint, EndpointId(1234567893, 3), &id));
  EXPECT_EQ(id.endpoint, 3u);
  for (const char* bad : {"", "123", "1234567893-", "-1", "1234567893-0", "12345678931"})
    EXPECT_FALSE(ParseId(ResourceType::kPractitioner, bad, &id)) << bad;
  for (const char* bad :
       {"1234567893", "1234567893-01", "1234567893-x", "1234567893-0-1", "1234567893-99999"})
    EXPECT_FALSE(ParseId(ResourceType::kLocation, bad, &id)) << bad;
  for (const char* bad : {"1234567893-0-0", "1234567893-0-16", "1234567893-0"})
    EXPECT_FALSE(ParseId(ResourceType::kPractitionerRole, bad, &id)) << bad;
  EXPECT_FALSE(ParseId(ResourceType::kEndpoint, "1234567893-0", &id));
  ASSERT_TRUE(ParseId(ResourceType::kOrganizationAffiliation, AffiliationId(1234567893), &id));
  EXPECT_FALSE(ParseId(ResourceType::kOrganizationAffiliation, "1234567893-1", &id));
}

json Write(const Record& r, ResourceType t, ResourceId id, const Elements& el = {},
           const Corrections& fixes = {}) {
  JsonWriter w;
  WriteResource(r, t, id, el, &w, fixes);
  return json::parse(w.str());
}

TEST(FhirResources, APractitionerInReadingCaseLabelledSelfReported) {
  Record r;
  r.npi = 1234567893;
  r.entity = EntityType::kIndividual;
  r.last_name = "O'BRIEN", r.first_name = "SANDRA", r.middle_name = "J", r.credential = "PT, DPT";
  r.sex = "F";
  r.last_update_date = 20240305;
  r.practice.address.line1 = "5413 OAK AVE", r.practice.address.city = "NEW YORK";
  r.practice.address.state = "NY", r.practice.address.postal_code = "101191234";
  r.practice.address.country = "US", r.practice.address.phone = "2125550100";
  r.taxonomies = {{1, "225100000X", "PT1234", "NY", 'Y', ""}};
  json p = Write(r, ResourceType::kPractitioner, {.npi = r.npi});
  EXPECT_EQ(p["resourceType"], "Practitioner");
  EXPECT_EQ(p["id"], "1234567893");
  EXPECT_EQ(p["identifier"][0]["system"], kNpiSystem);
  EXPECT_EQ(p["name"][0]["family"], "O'Brien");
  EXPECT_EQ(p["name"][0]["given"], json({"Sandra", "J"}));
  EXPECT_EQ(p["gender"], "female");
  EXPECT_EQ(p["address"][0]["postalCode"], "10119-1234");
  EXPECT_EQ(p["address"][0]["line"][0], "5413 Oak Ave");
  EXPECT_EQ(p["extension"][0]["url"], kSelfReportedUrl);
  // The licence and the credential, each flagged self-reported; never "verified".
  ASSERT_EQ(p["qualification"].size(), 2u);
  EXPECT_EQ(p["qualification"][0]["identifier"][0]["value"], "PT1234");
  EXPECT_EQ(p["qualification"][0]["code"]["coding"][0]["code"], "225100000X");
  EXPECT_EQ(p["qualification"][0]["extension"][0]["valueBoolean"], true);
  EXPECT_EQ(p["qualification"][1]["code"]["text"], "PT, DPT");
  EXPECT_EQ(p.dump().find("verified"), std::string::npos);
  EXPECT_FALSE(p["meta"].contains("profile"));
  // _elements keeps the mandatory elements and tags the result SUBSETTED.
  Elements only;
  only.names = {"name"};
  json s = Write(r, ResourceType::kPractitioner, {.npi = r.npi}, only);
  EXPECT_TRUE(s.contains("name") && s.contains("id") && s.contains("meta"));
  EXPECT_FALSE(s.contains("gender") || s.contains("address") || s.contains("qualification"));
  EXPECT_EQ(s["meta"]["tag"][0]["code"], "SUBSETTED");
  // A role per location and slot, with its NUCC specialty.
  ResourceId role{.npi = r.npi, .location = 0, .slot = 1};
  ASSERT_TRUE(Exists(r, ResourceType::kPractitionerRole, role));
  json pr = Write(r, ResourceType::kPractitionerRole, role);
  EXPECT_EQ(pr["id"], "1234567893-0-1");
  EXPECT_EQ(pr["specialty"][0]["coding"][0]["system"], kNuccSystem);
  EXPECT_EQ(pr["practitioner"]["reference"], "Practitioner/1234567893");
  EXPECT_EQ(pr["location"][0]["reference"], "Location/1234567893-0");
  EXPECT_FALSE(
      Exists(r, ResourceType::kPractitionerRole, {.npi = r.npi, .location = 1, .slot = 1}));
  EXPECT_FALSE(
      Exists(r, ResourceType::kPractitionerRole, {.npi = r.npi, .location = 0, .slot = 2}));
  EXPECT_FALSE(Exists(r, ResourceType::kOrganization, {.npi = r.npi}));
  // The editors' corrections: all on the listing, the address's and phone's
  // on the practice location, none on others; retired ones nowhere.
  r.secondary.push_back(r.practice);
  store::Correction phone{.id = 1,
                          .npi = r.npi,
                          .field = "phone",
                          .value = "2125550199",
                          .nppes_value = "2125550100",
                          .source = "called the office",
                          .status = "active",
                          .created = 1764633600};
  store::Correction note = phone, old = phone;
  note.id = 2, note.field = "no_dry_needling", note.value = "";
  old.id = 3, old.status = "retired";
  const Corrections fixes = {phone, note, old};
  auto corrections = [](const json& res) {
    std::vector<std::string> fields;
    for (const json& e : res["extension"])
      if (e["url"] == kCorrectionUrl) fields.push_back(e["extension"][0]["valueCode"]);
    return fields;
  };
  EXPECT_EQ(corrections(Write(r, ResourceType::kPractitioner, {.npi = r.npi}, {}, fixes)),
            std::vector<std::string>({"phone", "no_dry_needling"}));
  EXPECT_EQ(
      corrections(Write(r, ResourceType::kLocation, {.npi = r.npi, .location = 0}, {}, fixes)),
      std::vector<std::string>({"phone"}));
  EXPECT_TRUE(
      corrections(Write(r, ResourceType::kLocation, {.npi = r.npi, .location = 1}, {}, fixes))
          .empty());
  json with = Write(r, ResourceType::kPractitioner, {.npi = r.npi}, {}, fixes);
  EXPECT_EQ(with["telecom"][0]["value"], "2125550100") << "NPPES's value stays";
  EXPECT_EQ(with["extension"][1]["extension"][3]["valueString"], "called the office");
  EXPECT_EQ(with["extension"][1]["extension"][4]["valueDate"], "2025-12-02");
}

// The real sample rows with the real weekly endpoint and location files:
// every resource of every record is written and parses; a Direct address
// becomes a mailto: URL.
TEST(FhirResources, RealRowsExportToParsableNdjson) {
  TempDir dir;
  // The sample rows, plus an individual for each of the first NPIs of the
  // endpoint file (the sample's NPIs have no endpoints).
  std::string rows = testing::ReadAll(testing::TestData("npidata_sample_99.csv"));
  std::istringstream eps(
      testing::ReadAll(testing::TestData("endpoint_pfile_20251103-20251109.csv")));
  std::string line;
  std::set<std::string> npis;
  std::getline(eps, line);
  while (npis.size() < 25 && std::getline(eps, line)) {
    const std::string npi = line.substr(1, 10);
    if (!npis.insert(npi).second) continue;
    rows += testing::NppesRow({{"NPI", npi},
                               {"Entity Type Code", "1"},
                               {"Provider Last Name (Legal Name)", "ENDPOINT"},
                               {"Provider First Name", "TEST"},
                               {"Provider Business Practice Location Address State Name", "MA"},
                               {"Provider Business Practice Location Address Postal Code", "01605"},
                               {"Healthcare Provider Taxonomy Code_1", "225100000X"}});
  }
  testing::WriteAll(dir.File("rows.csv"), rows);
  testing::IngestOrDie(dir.File("rows.csv"), dir.File("s.snap"),
                       testing::TestData("pl_pfile_20251103-20251109.csv"),
                       testing::TestData("endpoint_pfile_20251103-20251109.csv"));
  auto snap = Snapshot::Open(dir.File("s.snap"));
  ASSERT_TRUE(snap.ok());
  ExportOptions o;
  o.out_dir = dir.File("out");
  auto files = ExportNdjson(**snap, o);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  std::map<std::string, size_t> counts;
  bool mailto = false;
  for (const ExportFile& f : *files) {
    std::istringstream in(testing::ReadAll(f.path));
    std::string line;
    size_t n = 0;
    while (std::getline(in, line)) {
      json j = json::parse(line);
      EXPECT_EQ(j["resourceType"], TypeName(f.type));
      if (f.type == ResourceType::kEndpoint)
        mailto = mailto || j["address"].get<std::string>().starts_with("mailto:");
      ++n;
    }
    EXPECT_EQ(n, f.resources);
    counts[TypeName(f.type)] = n;
  }
  EXPECT_GT(counts["Practitioner"], 50u);
  EXPECT_GT(counts["Organization"], 5u);
  EXPECT_GE(counts["Location"], counts["Practitioner"] + counts["Organization"]);
  EXPECT_GE(counts["PractitionerRole"], counts["Practitioner"]);
  EXPECT_GT(counts["Endpoint"], 0u);
  EXPECT_TRUE(mailto);
  // Only some types, when asked.
  o.out_dir = dir.File("some");
  o.types = {ResourceType::kLocation};
  auto some = ExportNdjson(**snap, o);
  ASSERT_TRUE(some.ok());
  ASSERT_EQ(some->size(), 1u);
  EXPECT_EQ((*some)[0].resources, counts["Location"]);
  // Split into parts of at most 10; and only what changed since a date.
  o.out_dir = dir.File("split");
  o.max_per_file = 10;
  auto split = ExportNdjson(**snap, o);
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->size(), (counts["Location"] + 9) / 10);
  uint64_t sum = 0;
  for (const ExportFile& f : *split) {
    sum += f.resources;
    EXPECT_LE(f.resources, 10u);
  }
  EXPECT_EQ(sum, counts["Location"]);
  EXPECT_EQ(split->back().path,
            dir.File("split/Location-" + std::to_string(split->size()) + ".ndjson"));
  o.out_dir = dir.File("since"), o.max_per_file = 0, o.since = 20200101;
  auto since = ExportNdjson(**snap, o);
  ASSERT_TRUE(since.ok());
  size_t recent = 0;
  for (size_t row = 0; row < (*snap)->size(); ++row) {
    Record rec;
    ASSERT_TRUE((*snap)->GetRecord(row, &rec).ok());
    if (rec.entity != EntityType::kDeactivated && rec.last_update_date >= 20200101)
      recent += 1 + rec.secondary.size();
  }
  EXPECT_EQ((*since)[0].resources, recent);
  EXPECT_LT(recent, counts["Location"]);
  EXPECT_FALSE(ParseTypeList("Practitioner,Patient").ok());
  EXPECT_EQ(ParseTypeList("Location,Location")->size(), 1u);
}

}  // namespace
}  // namespace meridian::fhir
