#include "query/care_words.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(CareWords, TellsAKindOfCareFromAName) {
  const ModalityMap& m = ModalityMap::Embedded();
  CareWords w = FindCareWords("Physical Therapy", m);
  EXPECT_EQ(w.modality, m.Find("physical_therapy"));
  EXPECT_EQ(w.phrase, "physical therapy");
  EXPECT_EQ(w.rest, "");
  w = FindCareWords("acupuncturist  O'Brien", m);
  EXPECT_EQ(w.modality, m.Find("acupuncture"));
  EXPECT_EQ(w.rest, "obrien");
  // The longest phrase wins: "dry needling" is not "needling" of anything else.
  w = FindCareWords("dry needling", m);
  EXPECT_EQ(w.modality, m.Find("dry_needling"));
  w = FindCareWords("pain management madison", m);
  EXPECT_EQ(w.modality, m.Find("pain_medicine"));
  EXPECT_EQ(w.rest, "madison");
  // Names stay names, even when a care word is inside a longer word.
  EXPECT_EQ(FindCareWords("Jonson", m).modality, -1);
  EXPECT_EQ(FindCareWords("Chiropracticus", m).modality, -1);
  EXPECT_EQ(FindCareWords("", m).modality, -1);
}

TEST(CareWords, EveryModalityHasSearchWords) {
  for (const Modality& mod : ModalityMap::Embedded().modalities()) {
    EXPECT_FALSE(mod.search_words.empty()) << mod.id;
    for (const std::string& w : mod.search_words)
      EXPECT_EQ(FindCareWords(w, ModalityMap::Embedded()).modality,
                ModalityMap::Embedded().Find(mod.id))
          << w;
  }
}

}  // namespace
}  // namespace meridian
