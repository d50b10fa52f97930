#include "index/record_cache.h"

#include <gtest/gtest.h>

#include <fstream>

#include "index/search_index.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::TempDir;

std::unique_ptr<Snapshot> Make(const TempDir& dir, const std::string& name, int seed) {
  auto r = testing::RunMeridian(
      "synth --rows 3000 --seed " + std::to_string(seed) + " --out " + dir.File(name + ".csv"),
      dir);
  EXPECT_EQ(r.code, 0) << r.err;
  testing::IngestOrDie(dir.File(name + ".csv"), dir.File(name + ".snap"),
                       dir.File(name + "_pl.csv"));
  auto s = Snapshot::Open(dir.File(name + ".snap"));
  EXPECT_TRUE(s.ok());
  return std::move(s).value();
}

std::unique_ptr<SearchIndex> Index(const Snapshot& snap, const std::string& cache) {
  auto ix = SearchIndex::Build(snap, ModalityMap::Embedded(), nullptr,
                               SearchIndex::RecordPass::kBuild, {}, cache);
  EXPECT_TRUE(ix.ok()) << ix.status().ToString();
  return std::move(ix).value();
}

TEST(RecordPassCache, SecondStartReadsWhatTheFirstBuiltAndABadFileIsRebuilt) {
  TempDir dir;
  auto snap = Make(dir, "a", 5);
  auto plain = Index(*snap, "");  // the pass, no cache: the oracle
  ASSERT_TRUE(plain->has_name_rank());
  ASSERT_GT(plain->org_links().organizations(), 0u) << "the sample should have linked providers";
  const std::string cache = dir.File("a.snap.recordpass");
  auto first = Index(*snap, cache);
  EXPECT_FALSE(first->record_pass_cached());
  auto second = Index(*snap, cache);
  EXPECT_TRUE(second->record_pass_cached());
  EXPECT_EQ(second->NameRank(), plain->NameRank());
  EXPECT_TRUE(second->org_links() == plain->org_links());
  // Every damaged byte is caught: the pass runs again, with the same result.
  const std::string good = testing::ReadAll(cache);
  for (size_t at : {size_t{0}, size_t{9}, size_t{40}, good.size() / 2, good.size() - 1}) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x5a);
    testing::WriteAll(cache, bad);
    auto again = Index(*snap, cache);
    EXPECT_FALSE(again->record_pass_cached()) << "byte " << at;
    EXPECT_EQ(again->NameRank(), plain->NameRank());
    EXPECT_EQ(testing::ReadAll(cache), good) << "the file is written again";
  }
  testing::WriteAll(cache, good.substr(0, good.size() / 3));  // cut short
  EXPECT_FALSE(Index(*snap, cache)->record_pass_cached());
  // Another snapshot's cache is not used.
  auto other = Make(dir, "b", 6);
  testing::WriteAll(dir.File("b.snap.recordpass"), good);
  auto b = Index(*other, dir.File("b.snap.recordpass"));
  EXPECT_FALSE(b->record_pass_cached());
  EXPECT_EQ(b->NameRank(), Index(*other, "")->NameRank());
  // A directory that cannot be written to costs only the pass.
  auto nowhere = Index(*snap, dir.File("no/such/dir/x.recordpass"));
  EXPECT_FALSE(nowhere->record_pass_cached());
  EXPECT_EQ(nowhere->NameRank(), plain->NameRank());
}

TEST(OrganizationLinks, EncodeDecodeAndRefuseMalformed) {
  TempDir dir;
  auto snap = Make(dir, "c", 8);
  auto ix = Index(*snap, "");
  std::string bytes;
  ix->org_links().EncodeTo(&bytes);
  auto back = OrganizationLinks::Decode(bytes, snap->size());
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(*back == ix->org_links());
  EXPECT_FALSE(OrganizationLinks::Decode(bytes, 1).ok());  // rows past the end
  EXPECT_FALSE(OrganizationLinks::Decode(bytes + "x", snap->size()).ok());
  EXPECT_FALSE(OrganizationLinks::Decode(bytes.substr(0, bytes.size() - 1), snap->size()).ok());
}

}  // namespace
}  // namespace meridian
