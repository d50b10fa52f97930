#include "query/query.h"

#include <gtest/gtest.h>

#include "query/places.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

bool Parse(const QueryParams& p, Query* q, Status* e) {
  *e = ParseQuery(p, ModalityMap::Embedded(), q);
  return e->ok();
}

TEST(ParseQuery, DefaultsAndUnits) {
  Query q;
  Status e;
  ASSERT_TRUE(Parse({{"near", "53703"}}, &q, &e)) << e.message();
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
  ASSERT_TRUE(Parse({{"modality", "any"}}, &q, &e));
  EXPECT_EQ(q.modality, kAnyModality);
  EXPECT_EQ(WantedModalities(q, ModalityMap::Embedded()),
            (1u << ModalityMap::Embedded().modalities().size()) - 1);
}

TEST(ParseQuery, ErrorsNameTheParameterAndSuggest) {
  Query q;
  Status e;
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
    EXPECT_EQ(e.param(), c.param);
    EXPECT_FALSE(e.message().empty());
  }
  ASSERT_FALSE(Parse({{"modality", "reiki"}}, &q, &e));
  EXPECT_EQ(e.suggestions().size(), 8u);  // "any" and the known modalities
}

// What people type for "where", against the sample snapshot and the gazetteer.
TEST(ParseQuery, PlacesPeopleType) {
  testing::TempDir dir;
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("s.snap"));
  auto snap = Snapshot::Open(dir.File("s.snap"));
  ASSERT_TRUE(snap.ok());
  const Snapshot& s = **snap;
  auto resolve = [&](std::string city) {
    Query q;
    Status st = ParseQuery({{"city", city}}, ModalityMap::Embedded(), &q, &s);
    EXPECT_TRUE(st.ok()) << city << ": " << st.message();
    return q;
  };
  for (const char* m : {"Madison, WI", "madison wi", "MADISON,WI", "Madison, Wisconsin"}) {
    Query q = resolve(m);
    EXPECT_EQ(q.place, "Madison, WI") << m;
    EXPECT_NEAR(q.lat, 43.07, 0.1) << m;
    EXPECT_NEAR(q.lon, -89.4, 0.15) << m;
  }
  for (const char* m : {"Saint Paul, MN", "St. Paul, MN", "st paul mn", "ST PAUL,MN"})
    EXPECT_EQ(resolve(m).place, "Saint Paul, MN") << m;
  EXPECT_EQ(resolve("Winston-Salem, NC").place, "Winston Salem, NC");
  EXPECT_EQ(resolve("winston salem").place, "Winston Salem, NC");  // one state has it
  EXPECT_FALSE(resolve("Hayward, WI").place_listed);  // a town with nobody in the sample

  Query q;
  Status e = ParseQuery({{"city", "Milwakee"}}, ModalityMap::Embedded(), &q, &s);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.param(), "city");
  ASSERT_FALSE(e.suggestions().empty());
  EXPECT_EQ(e.suggestions()[0], "Milwaukee, WI") << e.message();
  e = ParseQuery({{"city", "Madison"}}, ModalityMap::Embedded(), &q, &s);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.message().find("add the state"), std::string::npos) << e.message();
  EXPECT_EQ(e.suggestions()[0], "Madison, WI");  // the most ZIP codes
  e = ParseQuery({{"city", "Madison, TX"}}, ModalityMap::Embedded(), &q, &s);
  EXPECT_FALSE(e.ok()) << "Texas has no Madison";

  for (const char* zip : {"53703", "53703-1234", "537031234"}) {
    ASSERT_TRUE(ParseQuery({{"near", zip}}, ModalityMap::Embedded(), &q, &s).ok()) << zip;
    EXPECT_NEAR(q.lat, 43.07, 0.05) << zip;
  }
  EXPECT_FALSE(ParseQuery({{"near", "53703-12"}}, ModalityMap::Embedded(), &q, &s).ok());
  // A PO-box ZIP with no Census ZCTA point: its town's centre.
  ASSERT_TRUE(ParseQuery({{"near", "53201"}}, ModalityMap::Embedded(), &q, &s).ok());
  EXPECT_NEAR(q.lat, 43.04, 0.1);
}

}  // namespace
}  // namespace meridian

namespace meridian {
namespace {

TEST(ParseQuery, TextSortDefaultsAndLimits) {
  Query q;
  Status e;
  ASSERT_TRUE(
      (e = ParseQuery({{"q", "Dr. José O'Brien-Smith"}}, ModalityMap::Embedded(), &q)).ok());
  EXPECT_EQ(q.text, (std::vector<std::string>{"dr", "jose", "obrien", "smith"}));
  EXPECT_EQ(q.sort, Query::Sort::kRelevance);  // text alone: relevance
  ASSERT_TRUE(
      (e = ParseQuery({{"q", "lee"}, {"near", "10001"}}, ModalityMap::Embedded(), &q)).ok());
  EXPECT_EQ(q.sort, Query::Sort::kDistance);  // with a place: distance
  EXPECT_FALSE((e = ParseQuery({{"q", "..."}}, ModalityMap::Embedded(), &q)).ok());
  EXPECT_EQ(e.param(), "q");
  EXPECT_FALSE((e = ParseQuery({{"q", "a b c d e f g h i"}}, ModalityMap::Embedded(), &q)).ok());
  EXPECT_FALSE((e = ParseQuery({{"q", std::string(201, 'a')}}, ModalityMap::Embedded(), &q)).ok());
  EXPECT_FALSE((e = ParseQuery({{"sort", "relevance"}}, ModalityMap::Embedded(), &q)).ok());
  EXPECT_EQ(e.param(), "sort");
  // city needs the snapshot's places; cursor needs its id.
  EXPECT_FALSE((e = ParseQuery({{"city", "Madison"}}, ModalityMap::Embedded(), &q)).ok());
  EXPECT_EQ(e.param(), "city");
  EXPECT_FALSE((e = ParseQuery({{"cursor", "c1.d.0.0.1.0"}}, ModalityMap::Embedded(), &q)).ok());
  EXPECT_EQ(e.param(), "cursor");
}

TEST(Cursor, RoundTripsAndRefusesOtherSpellings) {
  Query::Cursor c{
      Query::Sort::kRelevance, 3, 0x4003cff7ac8455fbull, 1234567893, 0xdeadbeef, 0x1234abcd};
  std::string text = EncodeCursor(c);
  Query::Cursor back;
  ASSERT_TRUE(DecodeCursor(text, &back)) << text;
  EXPECT_EQ(back, c);
  for (const char* bad : {"", "c2", "c1.r.3.0.1.0", "c2.r.3.0.1.0", "c2.x.3.0.1.0.0",
                          "c2.r.3.0.1.0", "c2.r.03.0.1.0.0", "c2.r.3.0.1.0.9.1",
                          "c2.r.3.0.99999999999.0.0", "c2.r.-3.0.1.0.0", "c2.r.3.0.1.0.100000000"})
    EXPECT_FALSE(DecodeCursor(bad, &back)) << bad;
}

TEST(ParseQuery, CityAndCursorAgainstASnapshot) {
  testing::TempDir dir;
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("s.snap"));
  auto snap = Snapshot::Open(dir.File("s.snap"));
  ASSERT_TRUE(snap.ok());
  const Snapshot& s = **snap;
  // Pick a real city of the sample and find it back, alone and with its state.
  const Place* some = nullptr;
  for (const Place& p : s.places())
    if (p.geocoded > 0 && (some == nullptr || p.rows > some->rows)) some = &p;
  ASSERT_NE(some, nullptr);
  const std::string label = PlaceLabel(s, *some);
  Query q;
  Status e;
  ASSERT_TRUE((e = ParseQuery({{"city", label}}, ModalityMap::Embedded(), &q, &s)).ok())
      << e.message();
  EXPECT_TRUE(q.has_point);
  EXPECT_EQ(q.lat, some->lat);
  EXPECT_EQ(q.place, label);
  EXPECT_EQ(q.sort, Query::Sort::kDistance);
  EXPECT_FALSE(
      (e = ParseQuery({{"city", label}, {"near", "10001"}}, ModalityMap::Embedded(), &q, &s)).ok());
  // Unknown: suggestions are the nearest spellings.
  std::string typo = label.substr(0, label.find(','));
  typo.back() = typo.back() == 'x' ? 'y' : 'x';
  Status unknown;
  EXPECT_FALSE((unknown = ParseQuery({{"city", typo}}, ModalityMap::Embedded(), &q, &s)).ok());
  EXPECT_EQ(unknown.param(), "city");
  EXPECT_NE(unknown.message().find("we do not know a town called"), std::string::npos)
      << unknown.message();
  EXPECT_NE(std::find(unknown.suggestions().begin(), unknown.suggestions().end(), label),
            unknown.suggestions().end())
      << unknown.message();
  EXPECT_FALSE(
      (e = ParseQuery({{"city", "Nowhere At All"}}, ModalityMap::Embedded(), &q, &s)).ok());
  EXPECT_TRUE(e.suggestions().empty());
  EXPECT_FALSE(
      (e = ParseQuery({{"city", label}, {"state", "ZZ"}}, ModalityMap::Embedded(), &q, &s)).ok());
  // A cursor from another snapshot is refused (cursor_expired); one from
  // this one is taken, for the search it was made for only (cursor_mismatch).
  ASSERT_TRUE((e = ParseQuery({}, ModalityMap::Embedded(), &q, &s)).ok());
  Query::Cursor c{Query::Sort::kName, 5, 0, 1234567893, s.id() + 1, q.fingerprint};
  EXPECT_FALSE(
      (e = ParseQuery({{"cursor", EncodeCursor(c)}}, ModalityMap::Embedded(), &q, &s)).ok());
  EXPECT_NE(e.message().find("reloaded"), std::string::npos);
  EXPECT_EQ(e.Reason(), "cursor_expired");
  EXPECT_FALSE(
      (e = ParseQuery({{"cursor", "c1.n.5.0.1234567893.0"}}, ModalityMap::Embedded(), &q, &s))
          .ok());
  EXPECT_EQ(e.Reason(), "cursor_expired");
  c.snapshot = s.id();
  for (QueryParams other : std::vector<QueryParams>{{{"state", "WI"}},
                                                    {{"sex", "F"}},
                                                    {{"q", "smith"}, {"sort", "name"}},
                                                    {{"credential", "DPT"}},
                                                    {{"include_deactivated", "true"}}}) {
    other.emplace_back("cursor", EncodeCursor(c));
    EXPECT_FALSE((e = ParseQuery(other, ModalityMap::Embedded(), &q, &s)).ok()) << other[0].first;
    EXPECT_EQ(e.Reason(), "cursor_mismatch") << other[0].first;
  }
  // The page size may change between pages.
  ASSERT_TRUE((e = ParseQuery({{"cursor", EncodeCursor(c)}, {"limit", "50"}},
                              ModalityMap::Embedded(), &q, &s))
                  .ok())
      << e.message();
  ASSERT_TRUE(
      (e = ParseQuery({{"cursor", EncodeCursor(c)}}, ModalityMap::Embedded(), &q, &s)).ok());
  EXPECT_EQ(*q.cursor, c);
  EXPECT_FALSE((e = ParseQuery({{"cursor", EncodeCursor(c)}, {"offset", "10"}},
                               ModalityMap::Embedded(), &q, &s))
                   .ok());
  c.sort = Query::Sort::kDistance;  // a cursor of another sort
  EXPECT_FALSE(
      (e = ParseQuery({{"cursor", EncodeCursor(c)}}, ModalityMap::Embedded(), &q, &s)).ok());
}

}  // namespace
}  // namespace meridian
