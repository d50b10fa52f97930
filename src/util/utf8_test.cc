#include "util/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace meridian {
namespace {

TEST(Utf8, AcceptsWellFormed) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii text that is longer than eight bytes"));
  EXPECT_TRUE(IsValidUtf8("Jos\xC3\xA9 Mu\xC3\xB1oz"));  // é ñ
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC euro"));         // €
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80 emoji"));    // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));          // U+10FFFF
}

TEST(Utf8, RejectsMalformed) {
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("abc\x80"));              // lone continuation
  EXPECT_FALSE(IsValidUtf8("\xC3"));                 // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));             // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));         // overlong 3-byte
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));         // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));     // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("M\xE9NDEZ latin-1 e"));  // Latin-1 é
  EXPECT_FALSE(IsValidUtf8("12345678\xC3("));        // bad continuation after fast path
}

// Brute-force oracle: decode every 1..3 byte sequence by the RFC 3629 table.
TEST(Utf8, MatchesOracleOnAllShortSequences) {
  auto oracle = [](const std::string& s) {
    size_t i = 0;
    while (i < s.size()) {
      unsigned char c = s[i];
      size_t n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 9;
      if (n == 9 || i + n >= s.size()) return false;
      uint32_t cp = n == 0 ? c : c & (0x3F >> n);
      for (size_t k = 1; k <= n; ++k) {
        unsigned char d = s[i + k];
        if ((d & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (d & 0x3F);
      }
      static const uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
      if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
      i += n + 1;
    }
    return true;
  };
  std::string s;
  for (int a = 0; a < 256; ++a) {
    s.assign(1, static_cast<char>(a));
    ASSERT_EQ(IsValidUtf8(s), oracle(s)) << a;
    for (int b = 0; b < 256; ++b) {
      s.assign({static_cast<char>(a), static_cast<char>(b)});
      ASSERT_EQ(IsValidUtf8(s), oracle(s)) << a << " " << b;
    }
  }
  for (int a = 0xE0; a < 0x100; ++a)
    for (int b = 0x80; b < 0xC0; ++b)
      for (int c = 0; c < 256; c += 7) {
        s.assign({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
        ASSERT_EQ(IsValidUtf8(s), oracle(s)) << a << " " << b << " " << c;
      }
}

}  // namespace
}  // namespace meridian
