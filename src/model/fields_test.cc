#include "model/fields.h"

#include <gtest/gtest.h>

#include <string>

namespace meridian {
namespace {

// Straight Luhn over the full 15-digit string "80840" + npi: the oracle.
bool LuhnOracle(const std::string& npi) {
  std::string full = "80840" + npi;
  int sum = 0;
  for (size_t i = 0; i < full.size(); ++i) {
    int d = full[full.size() - 1 - i] - '0';
    if (i % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

TEST(Npi, RealNpisFromTheSampleAreValid) {
  for (const char* npi : {"1679576722", "1588667638", "1497758544", "1306849450", "1023011178",
                          "1114920261", "1992708929", "1801899836"})
    EXPECT_TRUE(IsValidNpi(npi)) << npi;
}

TEST(Npi, RejectsBadShapeAndCheckDigit) {
  EXPECT_FALSE(IsValidNpi("1679576723"));   // wrong check digit
  EXPECT_FALSE(IsValidNpi("167957672"));    // 9 digits
  EXPECT_FALSE(IsValidNpi("16795767222"));  // 11 digits
  EXPECT_FALSE(IsValidNpi("16795767a2"));
  EXPECT_FALSE(IsValidNpi(""));
  EXPECT_FALSE(IsValidNpi(" 1679576722"));
  EXPECT_FALSE(IsValidNpi("3000000008"));  // Luhn-valid, but CMS issues only 1xxx and 2xxx
  EXPECT_STREQ(NpiProblem("3000000008"), "NPI does not start with 1 or 2");
  EXPECT_STREQ(NpiProblem("167957672"), "NPI is not 10 digits");
  EXPECT_STREQ(NpiProblem("1679576723"), "NPI fails the check digit (Luhn with prefix 80840)");
  EXPECT_STREQ(NpiProblem("1679576722"), "");
}

TEST(Npi, MatchesLuhnOracleOnManyNumbers) {
  uint64_t x = 88172645463325252ULL;
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    std::string npi = std::to_string(1000000000ULL + x % 9000000000ULL);
    bool prefix_ok = npi[0] == '1' || npi[0] == '2';
    EXPECT_EQ(IsValidNpi(npi), LuhnOracle(npi) && prefix_ok) << npi;
    std::string body = npi.substr(0, 9);
    std::string fixed = body + std::to_string(NpiCheckDigit(body));
    EXPECT_TRUE(LuhnOracle(fixed)) << fixed;
    EXPECT_EQ(IsValidNpi(fixed), prefix_ok) << fixed;
  }
}

TEST(Date, ParsesNppesDates) {
  PackedDate d;
  ASSERT_TRUE(ParseNppesDate("05/23/2005", &d));
  EXPECT_EQ(d, 20050523u);
  EXPECT_EQ(FormatIsoDate(d), "2005-05-23");
  ASSERT_TRUE(ParseNppesDate("2/29/2024", &d));
  EXPECT_EQ(d, 20240229u);
  ASSERT_TRUE(ParseNppesDate("", &d));
  EXPECT_EQ(d, 0u);
  EXPECT_EQ(FormatIsoDate(0), "");
}

TEST(Date, RejectsNonDates) {
  PackedDate d;
  for (const char* bad :
       {"02/29/2023", "13/01/2020", "00/10/2020", "04/31/2020", "2020-01-01", "1/1/20",
        "01/01/1899", "aa/bb/cccc", "01/01/2020 ", "/01/2020", "01//2020", "123/1/2020"})
    EXPECT_FALSE(ParseNppesDate(bad, &d)) << bad;
}

}  // namespace
}  // namespace meridian

namespace meridian {
namespace {

TEST(ParseNpi, TenDigitsThatFit) {
  uint32_t v = 0;
  ASSERT_TRUE(ParseNpi("1234567893", &v));
  EXPECT_EQ(v, 1234567893u);
  ASSERT_TRUE(ParseNpi("0000000001", &v));  // digits only; the check digit is IsValidNpi's
  EXPECT_EQ(v, 1u);
  for (const char* bad : {"", "123456789", "12345678901", "12345678x3", "-123456789", "4294967296",
                          "9999999999", " 123456789"})
    EXPECT_FALSE(ParseNpi(bad, &v)) << bad;
  ASSERT_TRUE(ParseNpi("4294967295", &v));
  EXPECT_EQ(v, UINT32_MAX);
}

}  // namespace
}  // namespace meridian

namespace meridian {
namespace {
TEST(Fields, FormatsInstantsAndZipPlusFour) {
  EXPECT_EQ(FormatUnixInstant(1764653058), "2025-12-02T05:24:18Z");
  EXPECT_EQ(FormatUnixDate(1764653058), "2025-12-02");
  EXPECT_EQ(FormatPostalCode("537031234"), "53703-1234");
  EXPECT_EQ(FormatPostalCode("53703"), "53703");
  EXPECT_EQ(FormatPostalCode("K1A0B1XYZ"), "K1A0B1XYZ");  // not digits: as published
  EXPECT_EQ(FormatPostalCode(""), "");
}
}  // namespace
}  // namespace meridian
