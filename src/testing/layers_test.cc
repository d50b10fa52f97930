// The house drawn from the includes: every module sits on a layer, and a
// file may include only its own module and modules on lower layers, so the
// include graph follows the data path with no arrow back up. Tests may also
// include testing/ (test support sits on top of everything).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>

#include "testing/test_util.h"

namespace meridian {
namespace {

// Lower numbers are lower layers. A new module must be placed here.
const std::map<std::string, int>& Layers() {
  static const std::map<std::string, int> kLayers = {
      {"util", 0},      {"data", 0},                 // bytes, errors, embedded files
      {"model", 1},     {"refdata", 1}, {"geo", 1},  // the record; NUCC, ZIPs, states
      {"text", 2},      {"synth", 2},                // name matching; generated input
      {"store", 2},                                  // what people and operators write
      {"snapshot", 3},                               // the file format
      {"knowledge", 4}, {"ingest", 4},               // what facts say; writing a snapshot
      {"content", 4},                                // articles and authors
      {"index", 5},     {"fetch", 5},                // reading a snapshot fast; NPPES downloads
      {"query", 6},                                  // search
      {"digest", 7},    {"fhir", 7},                 // the weekly digest; FHIR R4
      {"hsds", 7},                                   // HSDS 3.0 export
      {"fleet", 7},                                  // publishing and following snapshots
      {"http", 8},                                   // API and pages
      {"cli", 9},       {"testing", 9},              // entry points and test support
  };
  return kLayers;
}

TEST(Layers, NoIncludePointsUp) {
  const std::filesystem::path root = testing::SourceDir() + "/src";
  const std::regex include_re("^#include \"([a-z_]+)/[^\"]+\"");
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const std::string ext = entry.path().extension();
    if (ext != ".cc" && ext != ".h") continue;
    const std::string module = entry.path().parent_path().filename();
    const std::string name = entry.path().filename();
    auto layer = Layers().find(module);
    ASSERT_NE(layer, Layers().end()) << "module src/" << module << " has no layer in layers_test";
    const bool is_test = name.ends_with("_test.cc") || name.ends_with("_fuzz.cc");
    std::ifstream in(entry.path());
    std::string line;
    int line_no = 0;
    ++files;
    while (std::getline(in, line)) {
      ++line_no;
      std::smatch m;
      if (!std::regex_search(line, m, include_re)) continue;
      const std::string to = m[1];
      if (to == module || (is_test && to == "testing")) continue;
      auto to_layer = Layers().find(to);
      ASSERT_NE(to_layer, Layers().end()) << "unknown module " << to;
      EXPECT_LT(to_layer->second, layer->second)
          << "src/" << module << "/" << name << ":" << line_no << " includes " << to
          << "/, which is not below " << module << "/";
    }
  }
  EXPECT_GT(files, 100);
}

// Only ingest/ and the command line read raw NPPES files; tests of the
// modules below build snapshots with the binary (testing::IngestOrDie).
TEST(Layers, IngestIsIncludedOnlyByIngestAndTheCommandLine) {
  const std::filesystem::path root = testing::SourceDir() + "/src";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const std::string module = entry.path().parent_path().filename();
    if (module == "ingest" || module == "cli") continue;
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line))
      EXPECT_FALSE(line.starts_with("#include \"ingest/")) << entry.path().string() << ": " << line;
  }
}

}  // namespace
}  // namespace meridian
