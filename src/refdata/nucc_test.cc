#include "refdata/nucc.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(Nucc, EmbeddedCodeSetLoadsAllCodes) {
  const TaxonomyTable& t = TaxonomyTable::Embedded();
  EXPECT_EQ(t.size(), 883u);
  const TaxonomyInfo* acu = t.Find("171100000X");
  ASSERT_NE(acu, nullptr);
  EXPECT_EQ(acu->classification, "Acupuncturist");
  const TaxonomyInfo* pt = t.Find("225100000X");
  ASSERT_NE(pt, nullptr);
  EXPECT_EQ(pt->classification, "Physical Therapist");
  const TaxonomyInfo* omm = t.Find("204D00000X");
  ASSERT_NE(omm, nullptr);
  EXPECT_NE(omm->display_name.find("Neuromusculoskeletal"), std::string::npos);
  EXPECT_EQ(t.Find("999999999X"), nullptr);
  EXPECT_EQ(t.Find(""), nullptr);
}

TEST(Nucc, RejectsMalformedCodeSet) {
  EXPECT_FALSE(TaxonomyTable::Parse("nope\n").ok());
  EXPECT_FALSE(
      TaxonomyTable::Parse("Code,Grouping,Classification,Specialization,Definition,Notes,Display "
                           "Name,Section\nBAD,a,b,c,d,e,f,g\n")
          .ok());
}

}  // namespace
}  // namespace meridian
