#include "util/escape.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(XmlEscape, EntitiesForMarkupCharactersOnly) {
  EXPECT_EQ(XmlEscape("a & b < c > d \"e\" 'f'"),
            "a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;");
  EXPECT_EQ(XmlEscape("Peñasco — ☃"), "Peñasco — ☃");
  EXPECT_EQ(XmlEscape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(XmlEscape(""), "");
}

}  // namespace
TEST(QueryEscape, UnreservedStayEverythingElseEncoded) {
  EXPECT_EQ(QueryEscape("abcXYZ019-._~"), "abcXYZ019-._~");
  EXPECT_EQ(QueryEscape("a|b c/d&e=f%"), "a%7Cb%20c%2Fd%26e%3Df%25");
  EXPECT_EQ(QueryEscape("\xc3\xa9"), "%C3%A9");
  EXPECT_EQ(QueryEscape(""), "");
}

}  // namespace meridian
