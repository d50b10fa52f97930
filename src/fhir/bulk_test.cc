#include "fhir/bulk.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "testing/test_util.h"

namespace meridian::fhir {
namespace {

using nlohmann::json;
using testing::TempDir;

std::string HeaderOf(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

class BulkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir_.File("s.snap"),
                         testing::TestData("pl_pfile_20251103-20251109.csv"));
    auto snap = Snapshot::Open(dir_.File("s.snap"));
    ASSERT_TRUE(snap.ok());
    snap_ = std::shared_ptr<const Snapshot>(std::move(snap).value());
  }
  // Polls the status until it is not 202.
  static Response Wait(BulkExports& b, const std::string& job) {
    for (int i = 0; i < 2000; ++i) {
      Response r = b.Status(job, "http://h/fhir");
      if (r.status != 202) return r;
      EXPECT_FALSE(HeaderOf(r, "X-Progress").empty());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ADD_FAILURE() << "the export did not finish";
    return {};
  }
  static std::string JobOf(const Response& kickoff) {
    const std::string loc = HeaderOf(kickoff, "Content-Location");
    EXPECT_TRUE(loc.starts_with("http://h/fhir/$export-status/")) << loc;
    return loc.substr(loc.rfind('/') + 1);
  }
  TempDir dir_;
  std::shared_ptr<const Snapshot> snap_;
};

TEST_F(BulkTest, KickOffPollManifestFilesAsTheOfflineExport) {
  BulkExports bulk(dir_.File("jobs"));
  // The async pattern needs Prefer: respond-async; bad parameters are named.
  EXPECT_EQ(bulk.Start(snap_, {}, "", "", "http://h/fhir", "u").status, 400);
  Response bad =
      bulk.Start(snap_, {{"_type", "Patient"}}, "respond-async", "", "http://h/fhir", "u");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body)["issue"][0]["expression"][0], "_type");
  EXPECT_EQ(bulk.Start(snap_, {{"_since", "yesterday"}}, "respond-async", "", "h", "u").status,
            400);
  EXPECT_EQ(bulk.Start(snap_, {{"_outputFormat", "csv"}}, "respond-async", "", "h", "u").status,
            400);
  EXPECT_EQ(bulk.Start(snap_, {{"_elements", "id"}}, "respond-async", "", "h", "u").status, 400);

  Response kick = bulk.Start(snap_, {{"_type", "Practitioner,Location"}}, "respond-async",
                             "application/fhir+json", "http://h/fhir", "http://h/fhir/$export");
  ASSERT_EQ(kick.status, 202) << kick.body;
  const std::string job = JobOf(kick);
  Response done = Wait(bulk, job);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_FALSE(HeaderOf(done, "Expires").empty());
  json manifest = json::parse(done.body);
  EXPECT_EQ(manifest["requiresAccessToken"], false);
  EXPECT_EQ(manifest["request"], "http://h/fhir/$export");
  // The same resources as the offline export, file by file.
  ExportOptions o;
  o.out_dir = dir_.File("offline");
  o.types = {ResourceType::kPractitioner, ResourceType::kLocation};
  auto offline = ExportNdjson(*snap_, o);
  ASSERT_TRUE(offline.ok());
  ASSERT_EQ(manifest["output"].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const json& out = manifest["output"][i];
    EXPECT_EQ(out["type"], TypeName((*offline)[i].type));
    EXPECT_EQ(out["count"], (*offline)[i].resources);
    const std::string url = out["url"];
    const std::string prefix = "http://h/fhir/$export-file/" + job + "/";
    ASSERT_TRUE(url.starts_with(prefix)) << url;
    Response file = bulk.File(job, url.substr(prefix.size()));
    ASSERT_EQ(file.status, 200);
    EXPECT_EQ(file.content_type, "application/fhir+ndjson");
    EXPECT_EQ(file.body, testing::ReadAll((*offline)[i].path));
  }
  for (const char* bad_name : {"../s.snap", "Practitioner-9.ndjson", "x", ".ndjson/.."})
    EXPECT_EQ(bulk.File(job, bad_name).status, 404) << bad_name;
  EXPECT_EQ(bulk.File("nope", "Practitioner-1.ndjson").status, 404);
  // Cancel (or delete) takes the files away.
  EXPECT_EQ(bulk.Cancel(job).status, 202);
  EXPECT_EQ(bulk.Status(job, "h").status, 404);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("jobs/" + job)));
}

TEST_F(BulkTest, FinishedExportsExpireAndTheirFilesGo) {
  BulkExports bulk(dir_.File("jobs"), std::chrono::seconds(0));
  Response kick =
      bulk.Start(snap_, {{"_type", "Organization"}}, "respond-async", "", "http://h/fhir", "u");
  ASSERT_EQ(kick.status, 202);
  const std::string job = JobOf(kick);
  // Done once its file is in place (written then renamed); a second later
  // it has expired.
  const std::string file = dir_.File("jobs/" + job + "/Organization-1.ndjson");
  for (int i = 0; i < 2000 && !std::filesystem::exists(file); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(std::filesystem::exists(file));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(bulk.Status(job, "h").status, 404);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("jobs/" + job)));
}

// A few run at once; more are refused with Retry-After; the destructor
// stops running ones and deletes everything.
TEST_F(BulkTest, AtMostTwoRunAndTheDestructorCleansUp) {
  TempDir big;
  auto run = testing::RunMeridian("synth --rows 60000 --seed 4 --out " + big.File("b.csv"), big);
  ASSERT_EQ(run.code, 0);
  testing::IngestOrDie(big.File("b.csv"), big.File("b.snap"), big.File("b_pl.csv"));
  auto snap = Snapshot::Open(big.File("b.snap"));
  ASSERT_TRUE(snap.ok());
  std::shared_ptr<const Snapshot> s(std::move(snap).value());
  {
    BulkExports bulk(dir_.File("jobs2"));
    int accepted = 0, refused = 0;
    for (int i = 0; i < 3; ++i) {
      Response r = bulk.Start(s, {}, "respond-async", "", "http://h/fhir", "u");
      if (r.status == 202) ++accepted;
      if (r.status == 429) {
        ++refused;
        EXPECT_EQ(HeaderOf(r, "Retry-After"), "60");
      }
    }
    EXPECT_EQ(accepted, 2);
    EXPECT_EQ(refused, 1);
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir_.File("jobs2")));
}

}  // namespace
}  // namespace meridian::fhir
