#include "knowledge/modality_map.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(CredentialTokens, NormalizesPunctuationCaseAndSpacing) {
  using V = std::vector<std::string>;
  EXPECT_EQ(CredentialTokens("L.Ac."), V({"LAC"}));
  EXPECT_EQ(CredentialTokens("l.ac"), V({"LAC"}));
  EXPECT_EQ(CredentialTokens("PT, DPT"), V({"PT", "DPT", "PTDPT"}));
  EXPECT_EQ(CredentialTokens("Dipl. Ac."), V({"DIPL", "AC", "DIPLAC"}));
  EXPECT_EQ(CredentialTokens("D.O."), V({"DO"}));
  EXPECT_TRUE(CredentialTokens("").empty());
}

TEST(ModalityMap, EmbeddedMappingCoversTheSevenModalitiesWithSources) {
  const ModalityMap& m = ModalityMap::Embedded();
  ASSERT_EQ(m.modalities().size(), 7u);
  for (const char* id : {"acupuncture", "dry_needling", "chiropractic", "massage",
                         "physical_therapy", "osteopathic", "pain_medicine"}) {
    int i = m.Find(id);
    ASSERT_GE(i, 0) << id;
    EXPECT_FALSE(m.modalities()[i].source.empty()) << id;
    EXPECT_FALSE(m.modalities()[i].as_of.empty()) << id;
  }
  auto bit = [&](const char* id) { return static_cast<ModalityMask>(1u << m.Find(id)); };
  EXPECT_EQ(m.MaskForTaxonomy("171100000X") & bit("acupuncture"), bit("acupuncture"));
  EXPECT_NE(m.MaskForTaxonomy("2251X0800X") & bit("physical_therapy"), 0);
  EXPECT_NE(m.MaskForTaxonomy("208VP0014X") & bit("pain_medicine"), 0);
  EXPECT_EQ(m.MaskForTaxonomy("207R00000X"), 0);  // internal medicine: none
  EXPECT_EQ(m.MaskForCredential("D.O."), bit("osteopathic"));
  EXPECT_EQ(m.MaskForCredential("Dipl. Ac., L.Ac."), bit("acupuncture"));
  EXPECT_EQ(m.MaskForCredential("M.D."), 0);
  // Dry needling has no code and no credential of its own: only by practitioner type.
  EXPECT_EQ(m.modalities()[m.Find("dry_needling")].confidence, "unconfirmed");
  EXPECT_NE(m.MaskForTaxonomy("225100000X") & bit("dry_needling"), 0);
}

TEST(ModalityMap, RejectsRowsWithoutProvenance) {
  EXPECT_FALSE(ModalityMap::Parse("modality,label,taxonomy_prefixes,credential_tokens,confidence,"
                                  "as_of,source,note\nx,X,1,,confirmed,,,\n")
                   .ok());
}

}  // namespace
}  // namespace meridian
