// The damaged-snapshot sweep (issue 19): every section of a real snapshot
// (with secondary locations, so the attached parts are not empty) is cut,
// bit-flipped and zeroed, and the header is rewritten with older and newer
// format versions. Each damaged file must be refused by Snapshot::Open with
// a message naming what is wrong, by a running service's reload (which keeps
// serving the file it had), and by `meridian verify`. Files forged with
// correct checksums must be refused by the structure checks or verify, or
// else answer searches without a crash (the ASan tier runs this too).
//
// MERIDIAN_DAMAGE_ROWS (default 1500) sizes the snapshot and
// MERIDIAN_DAMAGE_FLIPS (default 16) the flips per section; `make
// reliability` raises both. The counts go to stdout as one line.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "http/service.h"
#include "index/search_index.h"
#include "query/executor.h"
#include "snapshot/format.h"
#include "snapshot/snapshot.h"
#include "testing/http_test_util.h"
#include "testing/test_util.h"
#include "util/crc32c.h"

namespace meridian {
namespace {

using snapshot::FileHeader;
using snapshot::SectionEntry;
using testing::TempDir;

size_t EnvSize(const char* name, size_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

struct Section {
  std::string name;
  uint64_t offset, bytes;
  size_t entry;  // index in the table
};

std::vector<Section> Sections(const std::string& file) {
  FileHeader h;
  std::memcpy(&h, file.data(), sizeof h);
  std::vector<Section> out;
  for (size_t k = 0; k < h.section_count; ++k) {
    SectionEntry e;
    std::memcpy(&e, file.data() + sizeof h + k * sizeof e, sizeof e);
    out.push_back({std::string(e.name, strnlen(e.name, sizeof e.name)), e.offset, e.bytes, k});
  }
  return out;
}

// Rewrites the section table's and the header's checksums to match the
// bytes (and each section's own, when `sections` is set): a forgery that
// the checksums cannot catch.
void Reseal(std::string* file, bool sections) {
  FileHeader h;
  std::memcpy(&h, file->data(), sizeof h);
  if (sections)
    for (const Section& s : Sections(*file)) {
      SectionEntry e;
      char* at = file->data() + sizeof h + s.entry * sizeof e;
      std::memcpy(&e, at, sizeof e);
      e.crc = crc32c::Value(std::string_view(*file).substr(s.offset, s.bytes));
      std::memcpy(at, &e, sizeof e);
    }
  h.table_crc = crc32c::Value(
      std::string_view(*file).substr(sizeof h, h.section_count * sizeof(SectionEntry)));
  std::memcpy(file->data(), &h, sizeof h);
  h.header_crc = crc32c::Value(std::string_view(*file).substr(0, offsetof(FileHeader, header_crc)));
  std::memcpy(file->data(), &h, sizeof h);
}

// One damage: made when it is tried (thousands of whole copies of a large
// snapshot would not fit in memory).
struct Damage {
  std::string kind;                   // "flip", "cut", "zero page", "version"
  std::string where;                  // section name, "header", "table", "padding"
  std::function<std::string()> make;  // the damaged file
  std::string expect;                 // a phrase the refusal must hold
};

class DamageSweep : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const size_t rows = EnvSize("MERIDIAN_DAMAGE_ROWS", 1500);
    auto run = testing::RunMeridian(
        "synth --rows " + std::to_string(rows) + " --seed 19 --out " + dir_->File("s.csv"), *dir_);
    ASSERT_EQ(run.code, 0) << run.err;
    testing::IngestOrDie(dir_->File("s.csv"), dir_->File("good.snap"), dir_->File("s_pl.csv"));
    good_ = new std::string(testing::ReadAll(dir_->File("good.snap")));
  }
  static void TearDownTestSuite() {
    delete good_;
    delete dir_;
  }

  // Every damage of the sweep, each with the phrase its refusal must hold.
  static std::vector<Damage> AllDamage() {
    const std::string& good = *good_;
    std::vector<Damage> out;
    std::mt19937_64 rng(1919);
    const size_t flips = EnvSize("MERIDIAN_DAMAGE_FLIPS", 16);
    const std::vector<Section> sections = Sections(good);
    const size_t table_end = sizeof(FileHeader) + sections.size() * sizeof(SectionEntry);
    auto flip = [&](size_t at, int bit, const std::string& where, const std::string& expect) {
      out.push_back({"flip", where,
                     [&good, at, bit] {
                       std::string bad = good;
                       bad[at] = static_cast<char>(bad[at] ^ (1 << bit));
                       return bad;
                     },
                     expect});
    };
    auto cut = [&](size_t at, const std::string& where, const std::string& expect) {
      out.push_back({"cut", where, [&good, at] { return good.substr(0, at); }, expect});
    };
    // The header, every bit of it; the table, a bit of every byte.
    for (size_t at = 0; at < sizeof(FileHeader); ++at)
      for (int bit = 0; bit < 8; ++bit)
        flip(at, bit, "header", at < 8 ? "not a Meridian snapshot" : "header checksum mismatch");
    for (size_t at = sizeof(FileHeader); at < table_end; ++at)
      flip(at, static_cast<int>(at % 8), "table", "section table checksum mismatch");
    for (const Section& s : sections) {
      const std::string named = "section '" + s.name + "'";
      // Bits of the section: its first and last byte, then a random sample.
      if (s.bytes > 0) {
        std::vector<size_t> at = {s.offset, s.offset + s.bytes - 1};
        for (size_t i = 0; i < flips; ++i) at.push_back(s.offset + rng() % s.bytes);
        for (size_t a : at) flip(a, static_cast<int>(rng() % 8), s.name, named);
        // A zero-filled 4 KiB page starting inside the section (where it
        // changes the bytes), refused by some section's checksum.
        const size_t from = s.offset + (s.bytes > 1 ? rng() % s.bytes : 0);
        const size_t to = std::min(good.size(), from + 4096);
        if (good.find_first_not_of('\0', from) < to)
          out.push_back({"zero page", s.name,
                         [&good, from, to] {
                           std::string bad = good;
                           std::memset(bad.data() + from, 0, to - from);
                           return bad;
                         },
                         "checksum mismatch"});
      }
      // Truncated at the section's start, inside it, and at its end.
      for (uint64_t c : {s.offset, s.offset + s.bytes / 2, s.offset + s.bytes})
        if (c < good.size()) cut(c, s.name, "truncated");
    }
    // Cuts at random points, and inside the header and table.
    for (size_t i = 0; i < flips; ++i) cut(rng() % good.size(), "random", "");
    cut(40, "header", "not a Meridian snapshot");
    cut(sizeof(FileHeader) + 20, "table", "truncated");
    // The padding between sections: any non-zero byte there is refused.
    for (size_t k = 0; k + 1 < sections.size(); ++k) {
      const uint64_t end = sections[k].offset + sections[k].bytes;
      if (end < sections[k + 1].offset) flip(end, 0, "padding", "non-zero padding");
    }
    // An older and a newer format version, with every checksum right.
    for (uint32_t v : {snapshot::kFormatVersion - 1, snapshot::kFormatVersion + 1})
      out.push_back({"version", "header",
                     [&good, v] {
                       std::string bad = good;
                       FileHeader h;
                       std::memcpy(&h, bad.data(), sizeof h);
                       h.format_version = v;
                       std::memcpy(bad.data(), &h, sizeof h);
                       Reseal(&bad, false);
                       return bad;
                     },
                     "format version " + std::to_string(v) + " is not supported"});
    return out;
  }

  static TempDir* dir_;
  static std::string* good_;
};
TempDir* DamageSweep::dir_ = nullptr;
std::string* DamageSweep::good_ = nullptr;

TEST_F(DamageSweep, EveryDamagedFileIsRefusedByOpenReloadAndVerify) {
  ServiceOptions o;
  o.snapshot = dir_->File("served.snap");
  testing::WriteAll(o.snapshot, *good_);
  o.rate_per_second = 1e6, o.rate_burst = 1e6;
  auto service = Service::Create(o);
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  auto search = [&] {
    return (*service)->Handle(
        testing::MakeRequest("GET", "/api/v1/search?state=NY&limit=3", "", {}));
  };
  const HttpResponse before = search();
  ASSERT_EQ(before.status, 200);

  const std::vector<Damage> damage = AllDamage();
  const std::string path = dir_->File("bad.snap");
  size_t refused = 0, reloads = 0, reloads_refused = 0, verifies = 0, verifies_refused = 0;
  std::map<std::string, size_t> by_kind;
  std::set<std::string> verified_kind;
  for (size_t i = 0; i < damage.size(); ++i) {
    const Damage& d = damage[i];
    const std::string what = d.kind + " in " + d.where + " (#" + std::to_string(i) + ")";
    const std::string bytes = d.make();
    testing::WriteAll(path, bytes);
    auto snap = Snapshot::Open(path);
    ++by_kind[d.kind];
    if (snap.ok()) {
      ADD_FAILURE() << what << ": opened";
      continue;
    }
    ++refused;
    EXPECT_EQ(snap.status().code(), StatusCode::kCorruption) << what;
    EXPECT_NE(snap.status().message().find(d.expect), std::string::npos)
        << what << ": \"" << snap.status().message() << "\" does not say \"" << d.expect << "\"";
    // A running service asked to reload it keeps what it serves (one in
    // twenty: each reload builds a dataset).
    // Replaced the way publish and refresh do, by a rename: the file served
    // so far stays whole under its mapping.
    if (i % 20 == 0) {
      testing::WriteAll(o.snapshot + ".new", bytes);
      std::filesystem::rename(o.snapshot + ".new", o.snapshot);
      ++reloads;
      if (!(*service)->Reload().ok()) ++reloads_refused;
      const HttpResponse after = search();
      EXPECT_EQ(after.status, 200) << what;
      EXPECT_EQ(after.body.substr(0, 64), before.body.substr(0, 64)) << what;
    }
    // `meridian verify`, once per kind and place.
    if (verified_kind.insert(d.kind + d.where.substr(0, 6)).second && verifies < 12) {
      ++verifies;
      testing::RunResult r = testing::RunMeridian("verify --snapshot " + path, *dir_);
      if (r.code != 0) ++verifies_refused;
      EXPECT_NE(r.code, 0) << what;
      EXPECT_NE(r.err.find(d.expect), std::string::npos) << what << ": " << r.err;
    }
  }
  EXPECT_EQ(refused, damage.size());
  EXPECT_EQ(reloads_refused, reloads);
  EXPECT_EQ(verifies_refused, verifies);
  std::printf("damaged snapshots: %zu tried, %zu refused by Open (", damage.size(), refused);
  for (const auto& [kind, n] : by_kind) std::printf("%s %zu; ", kind.c_str(), n);
  std::printf("%zu-byte file); reloads %zu/%zu refused; verify %zu/%zu refused\n", good_->size(),
              reloads_refused, reloads, verifies_refused, verifies);
}

// Forgeries: bytes changed inside one section and every checksum rewritten
// to match. The structure checks or verify may refuse it; a file they pass
// must still answer searches without a crash or an out-of-bounds read.
TEST_F(DamageSweep, ForgedFilesAreRefusedOrSearchedSafely) {
  std::mt19937_64 rng(1920);
  const std::vector<Section> sections = Sections(*good_);
  const std::string path = dir_->File("forged.snap");
  size_t tried = 0, open_refused = 0, verify_refused = 0, passed = 0;
  const size_t per_section = EnvSize("MERIDIAN_DAMAGE_FLIPS", 16) / 4 + 2;
  for (const Section& s : sections) {
    if (s.bytes == 0) continue;
    for (size_t i = 0; i < per_section; ++i) {
      std::string bad = *good_;
      for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k)
        bad[s.offset + rng() % s.bytes] = static_cast<char>(rng());
      Reseal(&bad, true);
      testing::WriteAll(path, bad);
      ++tried;
      auto snap = Snapshot::Open(path);
      if (!snap.ok()) {
        ++open_refused;
        EXPECT_FALSE(snap.status().message().empty());
        continue;
      }
      if (!(*snap)->CheckEveryRecord().ok() || !(*snap)->text().CheckInvariants().ok()) {
        ++verify_refused;
        continue;
      }
      ++passed;
      auto index = SearchIndex::Build(**snap, ModalityMap::Embedded());
      if (!index.ok()) continue;
      Query q;
      q.has_point = true, q.lat = 40.75, q.lon = -73.99, q.radius_mi = 50;
      (void)Execute(**index, q);
      q.text = {"a"};
      (void)Execute(**index, q);
    }
  }
  std::printf(
      "forged snapshots (checksums rewritten): %zu tried; %zu refused by Open, %zu by "
      "verify; %zu passed and were searched safely\n",
      tried, open_refused, verify_refused, passed);
  EXPECT_GT(tried, 0u);
}

}  // namespace
}  // namespace meridian
