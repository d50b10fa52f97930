#include "http/query_string.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(QueryString, DecodesPairsPlusAndEscapes) {
  QueryParams p;
  ASSERT_TRUE(ParseQueryString("near=53703&q=jo%C3%A3o+silva&&flag&taxonomy=2251", &p).ok());
  QueryParams want = {
      {"near", "53703"}, {"q", "jo\xC3\xA3o silva"}, {"flag", ""}, {"taxonomy", "2251"}};
  EXPECT_EQ(p, want);
  ASSERT_TRUE(ParseQueryString("", &p).ok());
  EXPECT_TRUE(p.empty());
  ASSERT_TRUE(ParseQueryString("a=1%2B1%3D2", &p).ok());
  EXPECT_EQ(p[0].second, "1+1=2");
}

TEST(QueryString, RefusesMalformedInput) {
  QueryParams p;
  for (const char* bad : {"a=%", "a=%4", "a=%zz", "a=%C3", "a=%00", "=x", "%ff=1", "a=%C0%AF"}) {
    Status s = ParseQueryString(bad, &p);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.HttpStatus(), 400) << bad;
  }
  std::string many;
  for (size_t i = 0; i <= kMaxQueryParams; ++i) many += "x" + std::to_string(i) + "=1&";
  Status s = ParseQueryString(many, &p);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("more than"), std::string::npos);
}

// Decoding is the inverse of a strict encoder on random bytes that are UTF-8.
TEST(QueryString, RoundTripsEncodedValues) {
  auto encode = [](std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c)) {
        out.push_back(static_cast<char>(c));
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
    return out;
  };
  const std::vector<std::string> values = {"plain",           "two words", "a&b=c",     "100%",
                                           "\xE2\x9C\x93 ok", "+plus+",    "L.Ac., DPT"};
  for (const std::string& v : values) {
    QueryParams p;
    ASSERT_TRUE(ParseQueryString("k=" + encode(v), &p).ok()) << v;
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].second, v);
  }
}

}  // namespace
}  // namespace meridian
