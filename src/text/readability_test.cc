#include "text/readability.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(Readability, SyllablesOfCommonWords) {
  EXPECT_EQ(CountSyllables("cat"), 1);
  EXPECT_EQ(CountSyllables("needle"), 2);   // final "le" after a consonant is spoken
  EXPECT_EQ(CountSyllables("course"), 1);   // silent final e
  EXPECT_EQ(CountSyllables("therapy"), 3);  // y as a vowel
  EXPECT_EQ(CountSyllables("acupuncture"), 4);
  EXPECT_EQ(CountSyllables("the"), 1);
  EXPECT_EQ(CountSyllables("PT"), 1);  // acronyms by the same rule, at least one
  EXPECT_EQ(CountSyllables("NCCAOM"), 1);
}

TEST(Readability, SentencesWordsAndAbbreviations) {
  TextCounts c = CountText("The L.Ac. title is granted by a board. It needs 1,900 hours!");
  EXPECT_EQ(c.words, 12);
  EXPECT_EQ(c.sentences, 2);
  // A dot before a lower-case word does not end the sentence ("e.g. this").
  EXPECT_EQ(CountText("Some tests, e.g. this one, pass. Yes.").sentences, 2);
  EXPECT_EQ(CountText("No end mark").sentences, 1);
  EXPECT_EQ(CountText("").words, 0);
  EXPECT_EQ(FleschKincaidGrade(""), 0);
}

TEST(Readability, GradeFollowsTheFormula) {
  // 6 words, 1 sentence, 6 syllables: 0.39*6 + 11.8*1 - 15.59 = -1.45.
  EXPECT_NEAR(FleschKincaidGrade("The cat sat on the mat."), -1.45, 1e-9);
  // Long words in one long sentence read at a high grade; short plain ones low.
  const double hard = FleschKincaidGrade(
      "Interprofessional credentialing considerations necessitate comprehensive "
      "documentation substantiating practitioner qualifications and jurisdictional "
      "authorization requirements.");
  const double easy = FleschKincaidGrade("Ask to see the license. Check it with the state board.");
  EXPECT_GT(hard, 20);
  EXPECT_LT(easy, 6);
}

}  // namespace
}  // namespace meridian
