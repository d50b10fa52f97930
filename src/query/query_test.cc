#include "query/query.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

bool Parse(const QueryParams& p, Query* q, QueryError* e) {
  return ParseQuery(p, ModalityMap::Embedded(), q, e);
}

TEST(ParseQuery, DefaultsAndUnits) {
  Query q;
  QueryError e;
  ASSERT_TRUE(Parse({{"near", "53703"}}, &q, &e)) << e.message;
  EXPECT_TRUE(q.has_point);
  EXPECT_NEAR(q.lat, 43.0796, 1e-3);
  EXPECT_EQ(q.radius_mi, kDefaultRadiusMiles);
  EXPECT_EQ(q.sort, Query::Sort::kDistance);
  EXPECT_EQ(q.limit, 10u);
  ASSERT_TRUE(Parse({{"near", "43.07,-89.38"}, {"radius", "16.09344km"}}, &q, &e));
  EXPECT_NEAR(q.radius_mi, 10.0, 1e-9);
  ASSERT_TRUE(Parse({{"near", "53703"}, {"radius", "500mi"}}, &q, &e));
  ASSERT_TRUE(Parse({{"state", "wi"}, {"entity", "individual"}}, &q, &e));
  EXPECT_EQ(q.state, "WI");
  EXPECT_EQ(q.sort, Query::Sort::kName);  // no point: by name
  ASSERT_TRUE(Parse({{"credential", "Dipl. Ac."}, {"credential", "L.Ac."}}, &q, &e));
  EXPECT_EQ(q.credentials, (std::vector<std::string>{"DIPLAC", "LAC"}));
  ASSERT_TRUE(
      Parse({{"modality", "acupuncture"}, {"taxonomy", "2251"}, {"taxonomy", "111N"}}, &q, &e));
  EXPECT_EQ(q.modality, ModalityMap::Embedded().Find("acupuncture"));
  EXPECT_EQ(q.taxonomies.size(), 2u);
}

TEST(ParseQuery, ErrorsNameTheParameterAndSuggest) {
  Query q;
  QueryError e;
  struct Case {
    QueryParams params;
    std::string param;
  };
  const Case cases[] = {
      {{{"near", "5370"}}, "near"},
      {{{"near", "00000"}}, "near"},
      {{{"near", "91,0"}}, "near"},
      {{{"near", "abc,def"}}, "near"},
      {{{"near", "53703"}, {"radius", "501mi"}}, "radius"},
      {{{"near", "53703"}, {"radius", "-1"}}, "radius"},
      {{{"near", "53703"}, {"radius", "10 furlongs"}}, "radius"},
      {{{"radius", "10"}}, "radius"},
      {{{"modality", "reiki"}}, "modality"},
      {{{"entity", "robot"}}, "entity"},
      {{{"state", "ZZ"}}, "state"},
      {{{"sex", "Q"}}, "sex"},
      {{{"limit", "0"}}, "limit"},
      {{{"limit", "101"}}, "limit"},
      {{{"offset", "x"}}, "offset"},
      {{{"sort", "distance"}}, "sort"},
      {{{"sort", "random"}}, "sort"},
      {{{"taxonomy", "171100000X; DROP"}}, "taxonomy"},
      {{{"credential", "..."}}, "credential"},
      {{{"near", "53703"}, {"near", "10001"}}, "near"},
      {{{"colour", "red"}}, "colour"},
      {{{"include_deactivated", "maybe"}}, "include_deactivated"},
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(Parse(c.params, &q, &e)) << c.param;
    EXPECT_EQ(e.param, c.param);
    EXPECT_FALSE(e.message.empty());
  }
  ASSERT_FALSE(Parse({{"modality", "reiki"}}, &q, &e));
  EXPECT_EQ(e.suggestions.size(), 7u);  // the known modalities
}

}  // namespace
}  // namespace meridian
