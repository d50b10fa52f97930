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

TEST(Crc32c, IsalMatchesPortableAndExtendComposes) {
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

TEST(Crc32c, CombineJoinsTwoParts) {
  std::mt19937 rng(11);
  for (int len : {0, 1, 7, 8, 9, 63, 64, 65, 1000, 100000}) {
    std::string s(len, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    for (size_t cut : {size_t{0}, s.size() / 3, s.size()}) {
      const uint32_t a = Extend(0, s.data(), cut), b = Extend(0, s.data() + cut, s.size() - cut);
      EXPECT_EQ(Combine(a, b, s.size() - cut), Value(s)) << len << " cut at " << cut;
    }
  }
}

TEST(Crc32c, ParallelMatchesOneThread) {
  // Ranges longer than a piece (32 MiB) are cut and combined.
  std::mt19937 rng(3);
  std::string big((size_t{32} << 20) * 2 + 12345, '\0');
  for (size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>(rng());
  std::vector<std::string_view> ranges = {big,
                                          std::string_view(big).substr(5, 100),
                                          {},
                                          std::string_view(big).substr(1, (size_t{32} << 20))};
  for (int threads : {1, 2, 3}) {
    std::vector<uint32_t> got = Parallel(ranges, threads);
    ASSERT_EQ(got.size(), ranges.size());
    for (size_t r = 0; r < ranges.size(); ++r)
      EXPECT_EQ(got[r], ExtendPortable(0, ranges[r].data(), ranges[r].size()))
          << "range " << r << ", " << threads << " threads";
  }
}

}  // namespace
}  // namespace meridian::crc32c
