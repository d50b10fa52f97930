// Helpers shared by the tests (never linked into the product).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "data/embedded.h"
#include "knowledge/knowledge_base.h"
#include "snapshot/snapshot.h"
#include "text/normalize.h"
#include "text/search_text.h"
#include "util/csv.h"

namespace meridian::testing {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "meridian-test-XXXXXX").string();
    char* p = ::mkdtemp(tmpl.data());
    if (p == nullptr) std::abort();
    path_ = p;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string SourceDir() { return MERIDIAN_SOURCE_DIR; }

// The embedded knowledge data, loaded once per test binary (a load failure
// fails the test that asked).
inline const KnowledgeBase& EmbeddedKnowledge() {
  static const KnowledgeBase kb = [] {
    auto r = KnowledgeBase::LoadEmbedded();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : KnowledgeBase();
  }();
  return kb;
}

// Iteration count for randomized tests: `n`, scaled by MERIDIAN_TEST_SCALE
// (the sanitizer runs use 0.25 to stay fast), never below 10 (or `n` when
// that is smaller): a test that asks for 40 rounds of heavy work gets 40,
// or 10 under the sanitizers.
inline int Iterations(int n) {
  const char* s = std::getenv("MERIDIAN_TEST_SCALE");
  double scale = s ? std::atof(s) : 1.0;
  if (!(scale > 0)) scale = 1.0;
  return std::max(std::min(n, 10), static_cast<int>(n * scale));
}
inline std::string TestData(const std::string& name) { return SourceDir() + "/tests/data/" + name; }

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteAll(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

// The 330 column names of the real npidata header.
inline std::vector<std::string> NppesHeader() {
  std::string_view h = EmbeddedNppesHeader();
  while (!h.empty() && (h.back() == '\n' || h.back() == '\r')) h.remove_suffix(1);
  return SplitCsvLine(h);
}

// An independent oracle for CSV files whose fields are all quoted and hold
// no quotes, commas or newlines (the real samples): strip the outer quotes
// and cut at every ",". Deliberately shares nothing with CsvTokenizer.
inline std::vector<std::string> NaiveSplit(const std::string& line) {
  std::vector<std::string> out;
  std::string body = line.substr(1, line.size() - 2);
  size_t pos = 0;
  for (;;) {
    size_t cut = body.find("\",\"", pos);
    out.push_back(body.substr(pos, cut == std::string::npos ? cut : cut - pos));
    if (cut == std::string::npos) return out;
    pos = cut + 3;
  }
}

inline std::string QuoteCsv(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Builds an npidata row in the real layout from column name -> value; every
// field quoted, as CMS publishes them.
inline std::string NppesRow(const std::map<std::string, std::string>& values) {
  static const std::vector<std::string> header = NppesHeader();
  std::string row;
  size_t used = 0;
  for (size_t i = 0; i < header.size(); ++i) {
    if (i) row += ',';
    auto it = values.find(header[i]);
    if (it != values.end()) ++used;
    row += QuoteCsv(it == values.end() ? "" : it->second);
  }
  EXPECT_EQ(used, values.size()) << "a column name in the test is not in the header";
  return row + "\n";
}

inline std::string NppesHeaderLine() {
  std::string_view h = EmbeddedNppesHeader();
  while (!h.empty() && (h.back() == '\n' || h.back() == '\r')) h.remove_suffix(1);
  return std::string(h) + "\n";
}

// JSON one field per line (two-space indent, field order kept), so a
// golden file's change reads as a diff.
inline std::string PrettyJson(const std::string& compact) {
  return nlohmann::ordered_json::parse(compact).dump(2) + "\n";
}

// Compares `got` with tests/golden/<name>; with MERIDIAN_UPDATE_GOLDEN=1
// set, writes it there first (review the diff before committing).
inline void ExpectGolden(const std::string& name, const std::string& got) {
  const std::string path = SourceDir() + "/tests/golden/" + name;
  if (std::getenv("MERIDIAN_UPDATE_GOLDEN") != nullptr) WriteAll(path, got);
  EXPECT_EQ(got, ReadAll(path)) << "golden mismatch: " << name;
}

// Runs the meridian binary with `args`; returns its exit code and captures stdout/stderr.
struct RunResult {
  int code = -1;
  std::string out, err;
};
inline RunResult RunMeridian(const std::string& args, const TempDir& dir) {
  std::string out = dir.File("stdout.txt"), err = dir.File("stderr.txt");
  std::string cmd = std::string(MERIDIAN_BINARY) + " " + args + " >" + out + " 2>" + err;
  int status = std::system(cmd.c_str());
  RunResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadAll(out);
  r.err = ReadAll(err);
  return r;
}

// Ingests `nppes` (and the pl and endpoint files, when given) into `out`
// with the meridian binary, as an operator would; fails the test on error.
// (Tests of the modules below ingest build their snapshots this way, so no
// module but ingest/ and cli/ includes ingest/.)
inline void IngestOrDie(const std::string& nppes, const std::string& out,
                        const std::string& pl = "", const std::string& endpoint = "") {
  std::string cmd = std::string("ingest --nppes ") + nppes + " --out " + out;
  if (!pl.empty()) cmd += " --pl " + pl;
  if (!endpoint.empty()) cmd += " --endpoint " + endpoint;
  TempDir scratch;
  RunResult r = RunMeridian(cmd, scratch);
  ASSERT_EQ(r.code, 0) << r.err;
}

// A TextIndex over `rows` (each row's space-separated words), owning its arrays.
struct TextIndexFixture {
  TextIndexData data;
  TextIndex index;
  explicit TextIndexFixture(const std::vector<std::string>& rows) {
    std::string text;
    std::vector<uint64_t> off{0};
    for (const std::string& r : rows) {
      text += r;
      off.push_back(text.size());
    }
    data = BuildTextIndex(text, off);
    index =
        TextIndex(data.vocab, data.vocab_off, data.post_off, data.postings, data.fwd_off, data.fwd);
    index.BuildSkips();
  }
};

// Every row's words in the text index are exactly the words of its record
// (SearchTextOf), and its place is its practice city and state.
inline void ExpectTextMatchesRecords(const Snapshot& s) {
  ASSERT_TRUE(s.CheckInvariants().ok()) << s.CheckInvariants().ToString();
  Record r;
  for (size_t i = 0; i < s.size(); ++i) {
    ASSERT_TRUE(s.GetRecord(i, &r).ok());
    const std::string text = SearchTextOf(r);
    std::vector<std::string_view> want = SplitTokens(text);
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());
    std::vector<std::string_view> got;
    for (uint32_t t : s.text().row_terms(i)) got.push_back(s.text().term(t));
    ASSERT_EQ(got, want) << "row " << i << " NPI " << s.npi(i);
    ASSERT_EQ(s.places()[s.place(i)].city, CityKey(r)) << "row " << i;
  }
}

}  // namespace meridian::testing
