#include "util/stamped_table.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(StampedTable, NewGenerationEmptiesEverySlotAndGrows) {
  StampedTable<double> t;
  t.NewGeneration(4);
  EXPECT_EQ(t.Find(2), nullptr);
  t.Set(2, 1.5);
  ASSERT_NE(t.Find(2), nullptr);
  EXPECT_EQ(*t.Find(2), 1.5);
  t.NewGeneration(4);
  EXPECT_EQ(t.Find(2), nullptr);  // an old generation's value is gone
  t.Set(3, 2.5);
  t.NewGeneration(1000);  // growing keeps nothing from before
  for (size_t i = 0; i < 1000; ++i) EXPECT_EQ(t.Find(i), nullptr) << i;
  t.Set(999, 7);
  t.NewGeneration(10);  // a smaller request keeps the size, empties all
  EXPECT_EQ(t.Find(999), nullptr);
}

TEST(StampedTable, SurvivesTheCounterWrapping) {
  StampedTable<int> t(UINT32_MAX - 1);
  t.NewGeneration(3);  // the last generation before the wrap
  t.Set(0, 1);
  ASSERT_NE(t.Find(0), nullptr);
  t.NewGeneration(3);  // wraps: every stamp is cleared, the generation is 1
  EXPECT_EQ(t.Find(0), nullptr);
  t.Set(1, 2);
  t.NewGeneration(3);
  EXPECT_EQ(t.Find(0), nullptr);
  EXPECT_EQ(t.Find(1), nullptr);
}

}  // namespace
}  // namespace meridian
