#include "geo/states.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(States, EmbeddedTableCoversStatesDcAndTerritories) {
  const StateTable& t = StateTable::Embedded();
  EXPECT_EQ(t.codes().size(), 57u);
  uint8_t wi = t.Id("WI");
  ASSERT_NE(wi, 0);
  EXPECT_EQ(t.Code(wi), "WI");
  EXPECT_EQ(t.Name(wi), "Wisconsin");
  EXPECT_EQ(t.Id("wi"), wi);
  EXPECT_NE(t.Id("DC"), 0);
  EXPECT_NE(t.Id("PR"), 0);
  EXPECT_EQ(t.Id("ZZ"), 0);
  EXPECT_EQ(t.Id(""), 0);
  EXPECT_EQ(t.Id("W"), 0);
  EXPECT_EQ(t.Code(0), "");
  EXPECT_EQ(t.Code(200), "");
}

}  // namespace
}  // namespace meridian
