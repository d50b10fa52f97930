#include "geo/zcta.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(Zcta, EmbeddedTableHasAllRows) {
  const ZctaTable& t = ZctaTable::Embedded();
  EXPECT_EQ(t.size(), 33791u);
  LatLon p;
  ASSERT_TRUE(t.Find("00601", &p));  // first row of the file
  EXPECT_NEAR(p.lat, 18.180555, 1e-4);
  EXPECT_NEAR(p.lon, -66.749961, 1e-4);
  ASSERT_TRUE(t.Find("537031234", &p));  // Madison, WI, ZIP+4
  EXPECT_NEAR(p.lat, 43.07, 0.05);
  EXPECT_NEAR(p.lon, -89.38, 0.05);
  EXPECT_TRUE(t.Find("53703-1234", &p));
  EXPECT_FALSE(t.Find("00000", &p));  // no such ZCTA
  EXPECT_FALSE(t.Find("5370", &p));
  EXPECT_FALSE(t.Find("A1B2C", &p));
}

TEST(Zcta, ParseRejectsBadRows) {
  EXPECT_FALSE(ZctaTable::Parse("zcta5,latitude,longitude\n12345,abc,1\n").ok());
  EXPECT_FALSE(ZctaTable::Parse("zcta5,latitude,longitude\n12345,91,1\n").ok());
  auto ok = ZctaTable::Parse("zcta5,latitude,longitude\r\n12345,1.5,-2.5\r\n");
  ASSERT_TRUE(ok.ok());
  LatLon p;
  EXPECT_TRUE(ok->Find("12345", &p));
  EXPECT_FLOAT_EQ(p.lon, -2.5f);
}

}  // namespace
}  // namespace meridian

namespace meridian {
namespace {

TEST(ZipOf, TakesAZipOrAZipPlusFour) {
  EXPECT_EQ(ZipOf("53703"), "53703");
  EXPECT_EQ(ZipOf("53703-1234"), "53703");
  EXPECT_EQ(ZipOf("537031234"), "53703");
  for (const char* bad : {"", "5370", "53703-12", "53703 1234", "5370a", "53703-12345", "Madison"})
    EXPECT_EQ(ZipOf(bad), "") << bad;
}

}  // namespace
}  // namespace meridian
