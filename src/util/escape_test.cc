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
}  // namespace meridian
