#include "geo/gazetteer.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(Gazetteer, KeysFoldCasePunctuationAndSaintFortMount) {
  EXPECT_EQ(Gazetteer::Key("Saint Paul"), "st paul");
  EXPECT_EQ(Gazetteer::Key("ST. PAUL"), "st paul");
  EXPECT_EQ(Gazetteer::Key("Winston-Salem"), "winston salem");
  EXPECT_EQ(Gazetteer::Key("  Fort   Wayne "), "ft wayne");
  EXPECT_EQ(Gazetteer::Key("Mount Vernon"), "mt vernon");
  EXPECT_EQ(Gazetteer::Key("O'Fallon"), "ofallon");
  EXPECT_EQ(Gazetteer::Key("Saintsbury"), "saintsbury");  // whole words only
  EXPECT_EQ(Gazetteer::Key(""), "");
}

TEST(Gazetteer, ParsesGroupsZipsIntoPlacesAndRefusesBadLines) {
  auto g = Gazetteer::Parse(
      "zip,city,state,latitude,longitude\n"
      "53703,Madison,WI,43.0,-89.0\n53704,Madison,WI,43.2,-89.2\n"
      "35756,Madison,AL,34.7,-86.7\n55101,Saint Paul,MN,44.9,-93.1\n");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  auto madison = g->Find("madison", "");
  ASSERT_EQ(madison.size(), 2u);
  EXPECT_EQ(madison[0]->state, "WI");  // two ZIPs: first
  EXPECT_EQ(madison[0]->zips, 2u);
  EXPECT_NEAR(madison[0]->lat, 43.1, 1e-4);
  EXPECT_EQ(g->Find("madison", "AL").size(), 1u);
  EXPECT_EQ(g->Find(Gazetteer::Key("St Paul"), "MN").size(), 1u);
  ASSERT_NE(g->FindZip("53704"), nullptr);
  EXPECT_EQ(g->FindZip("53704")->name, "Madison");
  EXPECT_EQ(g->FindZip("99999"), nullptr);
  EXPECT_EQ(g->FindZip("53"), nullptr);

  auto bad = Gazetteer::Parse("zip,city,state,latitude,longitude\n53703,Madison,WI,43.0\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos);
  EXPECT_FALSE(Gazetteer::Parse("h\n5370,Madison,WI,43,-89\n").ok());
  EXPECT_FALSE(Gazetteer::Parse("h\n53703,Madison,WI,95,-89\n").ok());
}

TEST(Gazetteer, EmbeddedTableKnowsEveryStatesTowns) {
  const Gazetteer& g = Gazetteer::Embedded();
  EXPECT_GT(g.places().size(), 25000u);
  for (const char* st : {"WI", "NY", "CA", "DC", "AK", "HI", "PR", "WY", "VT"}) {
    bool any = false;
    for (const GazetteerPlace& p : g.places()) any = any || p.state == st;
    EXPECT_TRUE(any) << st;
  }
  ASSERT_EQ(g.Find("hayward", "WI").size(), 1u);
  EXPECT_EQ(g.FindZip("10001")->name, "New York");
}

}  // namespace
}  // namespace meridian
