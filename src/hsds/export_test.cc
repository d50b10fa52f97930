#include "hsds/export.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "knowledge/modality_map.h"
#include "testing/test_util.h"

namespace meridian::hsds {
namespace {

using nlohmann::json;
using testing::TempDir;

TEST(HsdsIds, StableVersion8Uuids) {
  const std::string a = StableUuid("organization", "1234567893");
  EXPECT_EQ(a, StableUuid("organization", "1234567893"));
  EXPECT_NE(a, StableUuid("location", "1234567893"));
  EXPECT_NE(a, StableUuid("organization", "1234567894"));
  EXPECT_TRUE(std::regex_match(
      a, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << a;
}

std::string ZipMember(zip_t* z, const std::string& name) {
  zip_stat_t st;
  if (zip_stat(z, name.c_str(), 0, &st) != 0) return "";
  zip_file_t* f = zip_fopen(z, name.c_str(), 0);
  std::string out(st.size, '\0');
  EXPECT_EQ(zip_fread(f, out.data(), st.size), static_cast<zip_int64_t>(st.size));
  zip_fclose(f);
  return out;
}

// The core tables' columns are the scalar properties of the HSDS 3.0 schemas
// (tests/data/hsds, from openreferral/specification); every CSV in the ZIP
// has its header, and datapackage.json lists them all.
TEST(HsdsExport, TablesAreTheHsdsSchemasColumnsAndTheZipHoldsThem) {
  const std::map<std::string, std::string> schema_of = {
      {"organizations.csv", "organization.json"},
      {"organization_identifiers.csv", "organization_identifier.json"},
      {"locations.csv", "location.json"},
      {"addresses.csv", "address.json"},
      {"phones.csv", "phone.json"},
      {"services.csv", "service.json"},
      {"service_at_location.csv", "service_at_location.json"},
      {"taxonomies.csv", "taxonomy.json"},
      {"taxonomy_terms.csv", "taxonomy_term.json"},
      {"attributes.csv", "attribute.json"}};
  for (const auto& [file, columns] : TableColumns()) {
    auto it = schema_of.find(file);
    if (it == schema_of.end()) {
      EXPECT_TRUE(file == "practitioners.csv" || file == "credentials.csv") << file;
      continue;
    }
    json schema = json::parse(testing::ReadAll(testing::TestData("hsds/schema/" + it->second)));
    EXPECT_EQ(schema["path"], file);
    std::set<std::string> want, got(columns.begin(), columns.end());
    for (auto& [name, p] : schema["properties"].items())
      if (p.value("type", "") != "array" && p.value("type", "") != "object" && !p.contains("$ref"))
        want.insert(name);
    // taxonomy_term's taxonomy_detail is an object in 3.0; the rest must match.
    EXPECT_EQ(got, want) << file;
    for (const std::string& r : schema.value("required", std::vector<std::string>{}))
      EXPECT_TRUE(got.contains(r)) << file << " lacks required " << r;
  }

  TempDir dir;
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("s.snap"),
                       testing::TestData("pl_pfile_20251103-20251109.csv"));
  auto snap = Snapshot::Open(dir.File("s.snap"));
  ASSERT_TRUE(snap.ok());
  auto index = SearchIndex::Build(**snap, ModalityMap::Embedded());
  ASSERT_TRUE(index.ok());
  auto sum = ExportHsds(**index, dir.File("h.zip"));
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_GT(sum->providers, 0u);
  EXPECT_FALSE(std::filesystem::exists(dir.File("h.zip.parts")));
  int err = 0;
  zip_t* z = zip_open(dir.File("h.zip").c_str(), ZIP_RDONLY, &err);
  ASSERT_NE(z, nullptr);
  json pkg = json::parse(ZipMember(z, "datapackage.json"));
  std::set<std::string> listed;
  for (const json& r : pkg["resources"]) listed.insert(r["path"]);
  for (const auto& [file, columns] : TableColumns()) {
    EXPECT_TRUE(listed.contains(file)) << file;
    const std::string csv = ZipMember(z, file);
    std::string header;
    for (const std::string& c : columns) header += (header.empty() ? "" : ",") + c;
    EXPECT_TRUE(csv.starts_with(header + "\r\n")) << file;
  }
  // One JSON service per services.csv row, each with its organization.
  const std::string services = ZipMember(z, "services.ndjson");
  size_t lines = 0;
  for (size_t at = 0; at < services.size();) {
    const size_t nl = services.find('\n', at);
    json s = json::parse(services.substr(at, nl - at));
    EXPECT_EQ(s["organization"]["id"], s["organization_id"]);
    EXPECT_EQ(s["status"], "active");
    EXPECT_FALSE(s.contains("assured_date"));
    at = nl + 1;
    ++lines;
  }
  EXPECT_EQ(lines, sum->rows["services.csv"]);
  EXPECT_GT(lines, 0u);
  zip_close(z);
}

}  // namespace
}  // namespace meridian::hsds
