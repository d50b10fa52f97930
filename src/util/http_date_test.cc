#include "util/http_date.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(HttpDate, IsAnImfFixdateInGmt) {
  EXPECT_EQ(HttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110's example
  EXPECT_EQ(HttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(HttpDate(1796169600), "Wed, 02 Dec 2026 00:00:00 GMT");
  EXPECT_EQ(HttpDate(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");  // a leap day
}

}  // namespace
}  // namespace meridian
