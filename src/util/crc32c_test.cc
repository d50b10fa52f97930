#include "util/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace meridian::crc32c {
namespace {

TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(Value(""), 0u);
  EXPECT_EQ(Value("123456789"), 0xE3069283u);  // the standard check value
  std::string zeros(32, '\0');
  EXPECT_EQ(Value(zeros), 0x8A9136AAu);  // RFC 3720 B.4
  std::string ones(32, '\xFF');
  EXPECT_EQ(Value(ones), 0x62A8AB43u);
}

TEST(Crc32c, HardwareMatchesPortableAndExtendComposes) {
  std::mt19937 rng(7);
  for (int len = 0; len < 300; ++len) {
    std::string s(len, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    uint32_t whole = Value(s);
    EXPECT_EQ(whole, ExtendPortable(0, s.data(), s.size())) << len;
    size_t cut = len ? rng() % len : 0;
    EXPECT_EQ(whole, Extend(Extend(0, s.data(), cut), s.data() + cut, s.size() - cut)) << len;
  }
}

}  // namespace
}  // namespace meridian::crc32c
