#include "util/json.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace meridian
