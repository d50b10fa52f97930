// Snapshot format: round trip, refusal of truncated and corrupted files,
// and atomic replacement.
#include "snapshot/snapshot.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <vector>

#include "snapshot/writer.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::TempDir;

std::string IngestSample(const TempDir& dir, const std::string& name) {
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File(name));
  return dir.File(name);
}

// A synthetic snapshot of `rows` providers with their practice-location
// side file (so some records have an attached part), in dir as s.snap.
std::unique_ptr<Snapshot> SynthSnapshot(const TempDir& dir, int rows, int seed) {
  auto run = testing::RunMeridian("synth --rows " + std::to_string(rows) + " --seed " +
                                      std::to_string(seed) + " --out " + dir.File("s.csv"),
                                  dir);
  EXPECT_EQ(run.code, 0) << run.err;
  testing::IngestOrDie(dir.File("s.csv"), dir.File("s.snap"), dir.File("s_pl.csv"));
  auto snap = Snapshot::Open(dir.File("s.snap"));
  EXPECT_TRUE(snap.ok()) << snap.status().ToString();
  return snap.ok() ? std::move(*snap) : nullptr;
}

TEST(Snapshot, OpensAndPassesInvariants) {
  TempDir dir;
  std::string path = IngestSample(dir, "s.snap");
  auto snap = Snapshot::Open(path);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ((*snap)->size(), 99u);
  EXPECT_TRUE((*snap)->CheckInvariants().ok());
  int64_t row = (*snap)->Find(1679576722);
  ASSERT_GE(row, 0);
  EXPECT_EQ((*snap)->npi(static_cast<size_t>(row)), 1679576722u);
  EXPECT_EQ((*snap)->Find(1000000004), -1);
  EXPECT_NE((*snap)->meta_json().find("\"npidata_sample_99.csv\""), std::string::npos);
}

// The core alone is the whole record less its attached part, also when the
// Record it lands in held a record with attached fields before.
TEST(Snapshot, TheCoreAloneIsTheRecordWithoutItsAttachedPart) {
  TempDir dir;
  std::unique_ptr<Snapshot> snap = SynthSnapshot(dir, 2000, 8);
  ASSERT_NE(snap, nullptr);
  Record whole, core;
  size_t attached = 0;
  for (size_t i = 0; i < snap->size(); ++i) {
    ASSERT_TRUE(snap->GetRecord(i, &whole).ok());
    core = whole;  // attached fields left over, as in a reused Record
    ASSERT_TRUE(snap->GetRecord(i, &core, Snapshot::RecordParts::kCore).ok());
    attached += !whole.secondary.empty() || !whole.other_org_names.empty();
    whole.secondary.clear(), whole.other_org_names.clear(), whole.endpoints.clear();
    ASSERT_TRUE(core == whole) << "row " << i;
  }
  EXPECT_GT(attached, 0u) << "the sample should have secondary locations";
}

// A batch of records read at once equals the records read through the map, for
// either part, in any order, with repeats, in Records that held others.
TEST(Snapshot, RecordsReadAsABatchEqualThoseReadThroughTheMap) {
  TempDir dir;
  std::unique_ptr<Snapshot> snap = SynthSnapshot(dir, 3000, 9);
  ASSERT_NE(snap, nullptr);
  std::mt19937 rng(3);
  std::vector<Record> got(50);
  for (int round = 0; round < 40; ++round) {
    std::vector<Snapshot::RecordRead> reads(1 + rng() % got.size());
    for (auto& r : reads)
      r = {rng() % snap->size(),
           rng() % 2 ? Snapshot::RecordParts::kCore : Snapshot::RecordParts::kAll};
    ASSERT_TRUE(snap->GetRecords(reads, got).ok());
    for (size_t k = 0; k < reads.size(); ++k) {
      // The oracle reads through the map, not through pread or the ring.
      Record one;
      ASSERT_TRUE(snap->GetRecordMapped(reads[k].row, &one).ok());
      if (reads[k].parts == Snapshot::RecordParts::kCore)
        one.secondary.clear(), one.other_org_names.clear(), one.endpoints.clear();
      ASSERT_TRUE(one == got[k]) << "round " << round << " read " << k;
    }
  }
  std::vector<Snapshot::RecordRead> past = {{0, Snapshot::RecordParts::kCore},
                                            {snap->size(), Snapshot::RecordParts::kCore}};
  EXPECT_EQ(snap->GetRecords(past, got).code(), StatusCode::kNotFound);
}

TEST(Snapshot, EveryTruncationIsRefused) {
  TempDir dir;
  std::string good = testing::ReadAll(IngestSample(dir, "s.snap"));
  std::string path = dir.File("t.snap");
  // Cut at the header, inside the table, inside sections, and one byte short.
  for (size_t cut : {size_t{0}, size_t{10}, size_t{79}, size_t{200}, good.size() / 3,
                     good.size() / 2, good.size() - 1}) {
    testing::WriteAll(path, good.substr(0, cut));
    auto snap = Snapshot::Open(path);
    ASSERT_FALSE(snap.ok()) << cut;
    EXPECT_EQ(snap.status().code(), StatusCode::kCorruption) << cut;
  }
  testing::WriteAll(path, good + "extra");
  EXPECT_FALSE(Snapshot::Open(path).ok());
}

TEST(Snapshot, AFlippedByteAnywhereIsRefused) {
  TempDir dir;
  std::string good = testing::ReadAll(IngestSample(dir, "s.snap"));
  std::string path = dir.File("c.snap");
  // Every byte of the header, table and first sections, then every 97th byte:
  // checksums cover the sections and zero-padding rules cover the gaps.
  size_t refused = 0, tried = 0;
  for (size_t at = 0; at < good.size(); at += (at < 1024 ? 1 : 97)) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x5A);
    testing::WriteAll(path, bad);
    ++tried;
    auto snap = Snapshot::Open(path);
    if (!snap.ok()) {
      ++refused;
      continue;
    }
    ADD_FAILURE() << "byte " << at << " flipped and the snapshot still opened";
  }
  EXPECT_EQ(refused, tried);
}

TEST(Snapshot, StructureOnlyOpenSkipsChecksums) {
  TempDir dir;
  std::string good = testing::ReadAll(IngestSample(dir, "s.snap"));
  std::string path = dir.File("c.snap");
  std::string bad = good;
  bad[good.size() - 20] ^= 0x01;  // inside the last section
  testing::WriteAll(path, bad);
  EXPECT_FALSE(Snapshot::Open(path).ok());
  EXPECT_TRUE(Snapshot::Open(path, Snapshot::Verify::kStructure).ok());
}

TEST(Snapshot, NotASnapshotGivesAClearError) {
  TempDir dir;
  std::string path = dir.File("x.snap");
  testing::WriteAll(path, std::string(200, 'x'));
  auto snap = Snapshot::Open(path);
  ASSERT_FALSE(snap.ok());
  EXPECT_NE(snap.status().message().find("not a Meridian snapshot"), std::string::npos);
  EXPECT_EQ(Snapshot::Open(dir.File("missing.snap")).status().code(), StatusCode::kIoError);
}

TEST(Snapshot, UnfinishedWriteLeavesThePreviousFileIntact) {
  TempDir dir;
  std::string path = IngestSample(dir, "s.snap");
  std::string before = testing::ReadAll(path);
  {
    auto w = SnapshotWriter::Create(path);
    ASSERT_TRUE(w.ok());
    SnapshotRecordIn in;
    in.npi = 1679576722;
    ASSERT_TRUE((*w)->AppendCore("garbage", &in.core_offset).ok());
    in.core_length = 7;
    ASSERT_TRUE((*w)->Add(in).ok());
    // Destroyed without Finish(): as if the process died mid-write.
  }
  EXPECT_EQ(testing::ReadAll(path), before);
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
  EXPECT_TRUE(Snapshot::Open(path).ok());
}

TEST(Snapshot, WriterRejectsUnsortedNpis) {
  TempDir dir;
  auto w = SnapshotWriter::Create(dir.File("u.snap"));
  ASSERT_TRUE(w.ok());
  SnapshotRecordIn in;
  in.npi = 1679576722;
  ASSERT_TRUE((*w)->Add(in).ok());
  EXPECT_FALSE((*w)->Add(in).ok());
}

}  // namespace
}  // namespace meridian
