#include "http/correction_cache.h"

#include <gtest/gtest.h>

#include <thread>

#include "testing/test_util.h"

namespace meridian {
namespace {

// Another server's correction shows up once the copy is older than its
// limit (read in the background); this server's own change shows up at once
// (Reload).
TEST(CorrectionCache, ReloadsWhenOldOrToldAndKeepsTheCopyWhenTheStoreFails) {
  testing::TempDir dir;
  auto store = store::Store::Open("sqlite:" + dir.File("s.sqlite"));
  ASSERT_TRUE(store.ok() && (*store)->Migrate().ok());
  CorrectionCache cache(store->get(), std::chrono::milliseconds(200));
  ASSERT_TRUE(cache.Reload().ok());
  EXPECT_TRUE(cache.Current()->empty());
  store::Correction c{.npi = 1234567893,
                      .field = "note",
                      .value = "Closed on Fridays.",
                      .source = "their website",
                      .author = "ed@example.org"};
  ASSERT_TRUE((*store)->AddCorrection(c).ok());
  EXPECT_TRUE(cache.Current()->empty());  // the copy is fresh: no store query yet
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  auto now = cache.Current();
  for (int i = 0; i < 500 && now->empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    now = cache.Current();
  }
  ASSERT_EQ(now->count(1234567893), 1u);
  EXPECT_EQ(now->at(1234567893)[0].value, "Closed on Fridays.");
  c.npi = 1679576722;
  ASSERT_TRUE((*store)->AddCorrection(c).ok());
  ASSERT_TRUE(cache.Reload().ok());
  EXPECT_EQ(cache.Current()->size(), 2u);
  // Retired corrections are left out.
  auto all = (*store)->ListCorrections("");
  ASSERT_TRUE((*store)->SetCorrectionStatus((*all)[0].id, "retired", "", "ed").ok());
  ASSERT_TRUE(cache.Reload().ok());
  EXPECT_EQ(cache.Current()->size(), 1u);
  CorrectionCache none(nullptr, std::chrono::milliseconds(1));
  EXPECT_TRUE(none.Current()->empty());
}

}  // namespace
}  // namespace meridian
