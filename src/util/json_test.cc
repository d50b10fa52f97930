#include "util/json.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace meridian
