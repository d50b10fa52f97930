#include "text/normalize.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

std::string Norm(std::string_view s) {
  std::string out;
  AppendNormalizedTokens(s, &out);
  return out;
}

TEST(Normalize, AsciiCasePunctuationApostrophes) {
  EXPECT_EQ(Norm("JOHN O'BRIEN, L.Ac."), "john obrien l ac");
  EXPECT_EQ(Norm("Smith-Jones   PT"), "smith jones pt");
  EXPECT_EQ(Norm("  ...  "), "");
  EXPECT_EQ(Norm("ST. LOUIS"), "st louis");
  EXPECT_EQ(Norm("A1B2"), "a1b2");
}

TEST(Normalize, AccentsAndFoldingMatchTheAsciiSpelling) {
  EXPECT_EQ(Norm("JOSÉ MUÑOZ"), "jose munoz");
  EXPECT_EQ(Norm("Zoë Ångström"), "zoe angstrom");
  EXPECT_EQ(Norm("Straße"), "strasse");
  EXPECT_EQ(Norm("Søren Łukasz Ærø"), "soren lukasz aero");
  EXPECT_EQ(Norm("D\u2019Angelo"), "dangelo");        // typographic apostrophe joins
  EXPECT_EQ(Norm("ＡＢＣ"), "abc");                   // full-width letters (NFKD)
  EXPECT_EQ(Norm("ﬁsher"), "fisher");                 // ligature
  EXPECT_EQ(Norm("Ελένη"), "ελενη");                  // other scripts kept, folded
  EXPECT_EQ(Norm("naïve café"), Norm("NAIVE CAFE"));  // ICU path == ASCII path
}

TEST(Normalize, InvalidUtf8SeparatesAndNeverCrashes) {
  EXPECT_EQ(Norm(std::string("ab\xff"
                             "cd")),
            "ab cd");
  EXPECT_EQ(Norm(std::string("\xc3")), "");
}

TEST(Normalize, AppendsWithOneSpace) {
  std::string out = "x";
  AppendNormalizedTokens("Y z", &out);
  EXPECT_EQ(out, "x y z");
  EXPECT_EQ(SplitTokens("a  b c"), (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_EQ(NormalizeTokens("Dr. Who"), (std::vector<std::string>{"dr", "who"}));
  EXPECT_EQ(CodePoints("josé"), 4u);
}

}  // namespace
}  // namespace meridian
