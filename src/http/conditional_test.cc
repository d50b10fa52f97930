#include "http/conditional.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(Conditional, TagsAreWeakAndDifferByEncoding) {
  EXPECT_EQ(WeakEntityTag(0x1234, false), "W/\"0000000000001234\"");
  EXPECT_EQ(WeakEntityTag(0x1234, true), "W/\"0000000000001234-gzip\"");
}

TEST(Conditional, IfNoneMatchUsesWeakComparisonListsAndStar) {
  const std::string tag = WeakEntityTag(0xabc, false);
  EXPECT_TRUE(IfNoneMatchHits(tag, tag));
  EXPECT_TRUE(IfNoneMatchHits("\"0000000000000abc\"", tag));  // W/ ignored (weak comparison)
  EXPECT_TRUE(IfNoneMatchHits("\"x\", W/\"0000000000000abc\"", tag));
  EXPECT_TRUE(IfNoneMatchHits("\"x\",W/\"0000000000000abc\" ,\"y\"", tag));
  EXPECT_TRUE(IfNoneMatchHits(" * ", tag));
  EXPECT_TRUE(IfNoneMatchHits("*", WeakEntityTag(7, true)));
  // Another representation, another tag.
  EXPECT_FALSE(IfNoneMatchHits(WeakEntityTag(0xabc, true), tag));
  EXPECT_FALSE(IfNoneMatchHits("\"0000000000000abd\"", tag));
  EXPECT_FALSE(IfNoneMatchHits("", tag));
  // Malformed: no quotes, an unclosed quote, "*" in a list, junk between.
  EXPECT_FALSE(IfNoneMatchHits("0000000000000abc", tag));
  EXPECT_FALSE(IfNoneMatchHits("W/\"0000000000000abc", tag));
  EXPECT_FALSE(IfNoneMatchHits("*, \"0000000000000abc\"", tag));
  EXPECT_FALSE(IfNoneMatchHits("\"x\" junk, W/\"0000000000000abc\"", tag));
  // A tag inside another's quotes is not a member.
  EXPECT_FALSE(IfNoneMatchHits("\"a, W/0000000000000abc\"", tag));
}

TEST(Conditional, AcceptsGzipUnlessRefused) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, gzip;q=1.0"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=0.5"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("br"));
  EXPECT_FALSE(AcceptsGzip(""));
}

}  // namespace
}  // namespace meridian
