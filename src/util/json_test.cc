#include "util/json.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "util/utf8.h"

namespace meridian {
namespace {

TEST(Json, NestedContainersAndEscaping) {
  JsonWriter w;
  w.BeginObject();
  w.Field("name", "O\"Brien \\ \n\x01");
  w.Key("list").BeginArray().Int(-1).Uint(2).Bool(true).Null().Double(1.25, 1).EndArray();
  w.Key("empty").BeginObject().EndObject();
  w.Field("utf8", "Jos\xC3\xA9");
  w.EndObject();
  EXPECT_EQ(w.str(),
            "{\"name\":\"O\\\"Brien \\\\ \\n\\u0001\",\"list\":[-1,2,true,null,1.2],"
            "\"empty\":{},\"utf8\":\"Jos\xC3\xA9\"}");
}

// Bytes that are not UTF-8 (a path the client sent, a damaged file) never
// make the output invalid: each becomes U+FFFD; good sequences stay.
TEST(Json, InvalidUtf8BecomesReplacementCharacters) {
  std::string out;
  AppendJsonString(&out,
                   "Pr\xff"
                   "ct \xC3\xA9 \xE2\x82 \xF0\x9F\x98\x80 \xED\xA0\x80 \xC0\xAF end\xC3");
  EXPECT_EQ(out,
            "\"Pr\\ufffdct \xC3\xA9 \\ufffd\\ufffd \xF0\x9F\x98\x80 \\ufffd\\ufffd\\ufffd "
            "\\ufffd\\ufffd end\\ufffd\"");
  EXPECT_TRUE(IsValidUtf8(out));
  for (const char* good : {"a", "\xC3\xA9", "\xE2\x82\xAC", "\xF4\x8F\xBF\xBF"})
    EXPECT_EQ(Utf8SequenceLength(good, 0), std::string_view(good).size()) << good;
  for (const char* bad : {"\x80", "\xC1\xBF", "\xE0\x80\x80", "\xF4\x90\x80\x80", "\xF5"})
    EXPECT_EQ(Utf8SequenceLength(bad, 0), 0u) << bad;
}

// The escaper as the rule says it, one byte at a time: the oracle for the
// word-at-a-time fast path of AppendJsonString.
std::string ReferenceJsonString(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(s, i);
      if (n == 0) {
        out += "\\ufffd";
      } else {
        out.append(s.substr(i, n));
        i += n - 1;
      }
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

TEST(Json, FastPathEqualsTheBytewiseRule) {
  std::mt19937 rng(7);
  // Mostly plain letters (the fast path), with each kind of byte that needs
  // a look dropped in at every offset of an 8-byte word.
  const std::string specials[] = {"\"",
                                  "\\",
                                  "<",
                                  ">",
                                  "&",
                                  "\n",
                                  "\x01",
                                  "\x1f",
                                  "\x7f",
                                  "\xC3\xA9",
                                  "\xE2\x82\xAC",
                                  "\xF0\x9F\x98\x80",
                                  "\xff",
                                  "\xC3",
                                  "\xE2\x82",
                                  " ",
                                  "~",
                                  "\x20",
                                  "\x21"};
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const size_t len = rng() % 40;
    while (s.size() < len) {
      if (rng() % 6 == 0)
        s += specials[rng() % std::size(specials)];
      else
        s.push_back(static_cast<char>('a' + rng() % 26));
    }
    std::string got;
    AppendJsonString(&got, s);
    ASSERT_EQ(got, ReferenceJsonString(s)) << "input of " << s.size() << " bytes, round " << round;
  }
  JsonWriter w;
  w.BeginArray().Int(INT64_MIN).Int(INT64_MAX).Uint(UINT64_MAX).Uint(0).EndArray();
  EXPECT_EQ(w.str(), "[-9223372036854775808,9223372036854775807,18446744073709551615,0]");
}

}  // namespace
}  // namespace meridian
