// Shared helpers of the libFuzzer targets (tests/fuzz/*_fuzz.cc): a scratch
// directory per process, files written whole, and the small snapshot the
// structure-aware targets start from (the 99 real NPPES rows of
// tests/data/npidata_sample_99.csv, ingested in-process at startup).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "ingest/ingest.h"
#include "util/utf8.h"

namespace meridian::fuzz {

// Stops the fuzzer with a message: a broken harness, not a finding.
[[noreturn]] inline void Die(const std::string& what) {
  std::fprintf(stderr, "fuzz harness: %s\n", what.c_str());
  std::_Exit(2);
}

// A property of the code under test does not hold: abort (a libFuzzer crash).
#define MERIDIAN_FUZZ_CHECK(cond, what)                                      \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::fprintf(stderr, "fuzz property failed: %s: %s\n", #cond, (what)); \
      std::abort();                                                          \
    }                                                                        \
  } while (0)

// MERIDIAN_FUZZ_VERBOSE=1: targets print what each input did (for checking seeds).
inline bool Verbose() {
  static const bool v = std::getenv("MERIDIAN_FUZZ_VERBOSE") != nullptr;
  return v;
}

// JSON a response carries, for the properties to inspect: nlohmann's
// parse, or a discarded value when it is not JSON. Bodies must be valid
// UTF-8 (a client's JSON parser refuses anything else). While a bug that
// breaks that is open (tests/fuzz/regressions/*/...-invalid-utf8-*), a long
// run can set MERIDIAN_FUZZ_TOLERATE_BAD_UTF8=1 to look past it: invalid
// bytes are then replaced by '?' before parsing, so the structural checks
// still run.
inline nlohmann::json ParseJsonBody(const std::string& body) {
  static const bool tolerate = std::getenv("MERIDIAN_FUZZ_TOLERATE_BAD_UTF8") != nullptr;
  if (!tolerate || IsValidUtf8(body)) return nlohmann::json::parse(body, nullptr, false);
  std::string fixed = body;
  for (size_t i = 0; i < fixed.size();) {
    size_t n = 1;
    while (n <= 4 && i + n <= fixed.size() && !IsValidUtf8(std::string_view(fixed).substr(i, n)))
      ++n;
    if (n > 4 || i + n > fixed.size()) {
      fixed[i++] = '?';
      continue;
    }
    i += n;
  }
  return nlohmann::json::parse(fixed, nullptr, false);
}

// One scratch directory per process, removed at exit.
inline const std::string& ScratchDir() {
  static const std::string dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "meridian-fuzz-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) Die("mkdtemp failed");
    static std::string to_remove = tmpl;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(to_remove, ec);
    });
    return tmpl;
  }();
  return dir;
}

inline std::string ScratchFile(const std::string& name) { return ScratchDir() + "/" + name; }

// Replaces `path` with exactly `bytes`.
inline void WriteWhole(const std::string& path, std::string_view bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) Die("cannot write " + path);
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n <= 0) Die("short write to " + path);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  ::close(fd);
}

inline std::string SourcePath(const std::string& rel) {
  const char* dir = std::getenv("MERIDIAN_SOURCE_DIR");
  return std::string(dir != nullptr ? dir : MERIDIAN_SOURCE_DIR) + "/" + rel;
}

// The path of a snapshot of the 99 sample rows (with their secondary
// locations), built once per process.
inline const std::string& SampleSnapshot() {
  static const std::string path = [] {
    IngestOptions o;
    o.nppes = SourcePath("tests/data/npidata_sample_99.csv");
    o.pl = SourcePath("tests/data/pl_pfile_20251103-20251109.csv");
    o.out = ScratchFile("sample.snap");
    o.threads = 1;
    IngestSummary summary;
    std::vector<IngestError> errors;
    Status st = Ingest(o, &summary, &errors);
    if (!st.ok()) Die("ingesting the sample: " + st.ToString());
    return o.out;
  }();
  return path;
}

}  // namespace meridian::fuzz
