#include "text/sentences.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(FirstSentence, StopsAtTheFirstRealSentenceEnd) {
  EXPECT_EQ(FirstSentence("Massage works the soft tissue. It may ease pain."),
            "Massage works the soft tissue.");
  EXPECT_EQ(FirstSentence("Does it hurt? Most people feel little."), "Does it hurt?");
  EXPECT_EQ(FirstSentence("One sentence only."), "One sentence only.");
  EXPECT_EQ(FirstSentence("No end mark at all"), "No end mark at all");
  EXPECT_EQ(FirstSentence("  Spaces around.  Next."), "Spaces around.");
  EXPECT_EQ(FirstSentence(""), "");
  EXPECT_EQ(FirstSentence("He said \"stop.\" Then he left."), "He said \"stop.\"");
  EXPECT_EQ(FirstSentence("A visit is short (about 30 minutes.) Then rest."),
            "A visit is short (about 30 minutes.)");
  EXPECT_EQ(FirstSentence("Sessions last 30 to 60 min. 2 a week is common."),
            "Sessions last 30 to 60 min.");
}

TEST(FirstSentence, AbbreviationsAndNumbersDoNotEndIt) {
  // The home page's care descriptions were cut here.
  EXPECT_EQ(FirstSentence("Doctors of osteopathic medicine (D.O.s) are full physicians. They may "
                          "also use their hands."),
            "Doctors of osteopathic medicine (D.O.s) are full physicians.");
  EXPECT_EQ(FirstSentence("A D.O. is a physician. More."), "A D.O. is a physician.");
  EXPECT_EQ(FirstSentence("Licensed acupuncturists (L.Ac.) train for years. More."),
            "Licensed acupuncturists (L.Ac.) train for years.");
  EXPECT_EQ(FirstSentence("Some care, e.g. massage, helps. More."),
            "Some care, e.g. massage, helps.");
  EXPECT_EQ(FirstSentence("Ask Dr. Lee about it. More."), "Ask Dr. Lee about it.");
  EXPECT_EQ(FirstSentence("John Q. Public treats pain. More."), "John Q. Public treats pain.");
  EXPECT_EQ(FirstSentence("Most U.S. states license it. More."), "Most U.S. states license it.");
  EXPECT_EQ(FirstSentence("It costs 2.5 times more. More."), "It costs 2.5 times more.");
  EXPECT_EQ(FirstSentence("Ends lower. and goes on. Next One."), "Ends lower. and goes on.");
}

}  // namespace
}  // namespace meridian
