#include "knowledge/explain.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "snapshot/snapshot.h"
#include "testing/test_util.h"
#include "text/readability.h"

namespace meridian {
namespace {

using testing::TempDir;

const KnowledgeBase& Kb() { return testing::EmbeddedKnowledge(); }

std::vector<std::string> CardIds(const Explanation& e) {
  std::vector<std::string> ids;
  for (const Credential* c : e.cards) ids.push_back(c->id);
  return ids;
}

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

Record Person(const std::string& credential, const std::string& code, const std::string& state) {
  Record r;
  r.npi = 1234567893;
  r.entity = EntityType::kIndividual;
  r.last_name = "TEST", r.first_name = "PAT";
  r.credential = credential;
  r.practice.address.state = state;
  TaxonomySlot t;
  t.slot = 1, t.code = code, t.license_state = state, t.primary_switch = 'Y';
  r.taxonomies.push_back(t);
  return r;
}

// The real sample has D.O.s (and no acupuncturist, PT or chiropractor):
// each gets the D.O. card and the self-reported caution; the osteopathic
// modality only in the specialties that use OMT (modalities.csv).
TEST(Explain, RealSampleDoctorsOfOsteopathy) {
  TempDir dir;
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("s.snap"));
  auto snap = Snapshot::Open(dir.File("s.snap"));
  ASSERT_TRUE(snap.ok());
  size_t dos = 0;
  for (size_t i = 0; i < (*snap)->size(); ++i) {
    Record r;
    ASSERT_TRUE((*snap)->GetRecord(i, &r).ok());
    if (r.credential != "D.O.") continue;
    ++dos;
    Explanation e = Explain(Kb(), ModalityMap::Embedded(), r);
    EXPECT_TRUE(Has(CardIds(e), "do")) << r.npi;
    bool omt_specialty = false;
    for (const TaxonomySlot& t : r.taxonomies)
      for (const char* p : {"204D", "204C", "207Q", "208D", "2081", "207RS0010X", "2080S0010X",
                            "2083S0010X", "207PS0010X"})
        omt_specialty = omt_specialty || t.code.starts_with(p);
    EXPECT_EQ(Has(e.modalities, "osteopathic"), omt_specialty) << r.npi;
    ASSERT_FALSE(e.cautions.empty());
    EXPECT_NE(e.cautions[0].find("Nobody checked it"), std::string::npos);
    // No acupuncture or dry-needling rule is claimed for a D.O. without those codes.
    for (const StateNote& n : e.notes) EXPECT_NE(n.modality, "dry_needling");
  }
  EXPECT_EQ(dos, 4u);
}

// Only 4 of 291 D.O.s near Orlando were OMM specialists: a D.O. radiologist
// is not listed for osteopathic manipulation; a D.O. in family medicine or
// an NMM/OMM specialist (of any degree) is.
TEST(Explain, OsteopathicManipulationFollowsTheSpecialty) {
  auto mods = [](const char* cred, const char* code) {
    return Explain(Kb(), ModalityMap::Embedded(), Person(cred, code, "FL")).modalities;
  };
  EXPECT_FALSE(Has(mods("D.O.", "2085R0202X"), "osteopathic"));  // diagnostic radiology
  EXPECT_FALSE(Has(mods("DO", "207RC0000X"), "osteopathic"));    // cardiology
  EXPECT_TRUE(Has(mods("D.O.", "207Q00000X"), "osteopathic"));   // family medicine
  EXPECT_TRUE(Has(mods("DO", "207QS0010X"), "osteopathic"));     // sports medicine (FM)
  EXPECT_TRUE(Has(mods("M.D.", "204D00000X"), "osteopathic"));   // NMM & OMM
  EXPECT_TRUE(Has(mods("", "204C00000X"), "osteopathic"));       // NMM, sports medicine
  EXPECT_FALSE(Has(mods("M.D.", "207Q00000X"), "osteopathic"));  // not a D.O.
}

// An advanced credential never reads as less than a plain one: a card when
// we have one, "a credential we don't explain yet" when we don't.
TEST(Explain, UnknownCredentialsAreNamedNotDropped) {
  Explanation e =
      Explain(Kb(), ModalityMap::Embedded(), Person("PT, DPT, OCS, FAAOMPT", "225100000X", "FL"));
  EXPECT_TRUE(Has(CardIds(e), "ocs"));
  EXPECT_TRUE(Has(CardIds(e), "faaompt"));
  EXPECT_TRUE(e.unexplained.empty());
  e = Explain(Kb(), ModalityMap::Embedded(), Person("DC, DACBSP, XYZQ", "111N00000X", "WI"));
  EXPECT_TRUE(Has(CardIds(e), "dacbsp"));
  EXPECT_EQ(e.unexplained, std::vector<std::string>{"XYZQ"});
  e = Explain(Kb(), ModalityMap::Embedded(),
              Person("Dipl. Ac. (NCCAOM), L.Ac.", "171100000X", "WI"));
  EXPECT_EQ(e.unexplained, std::vector<std::string>{"NCCAOM"});
  for (const char* c : {"CCSP", "SCS", "COMT", "CMTPT", "FIPP", "DABPM", "DABIPP", "ATC", "CSCS"})
    EXPECT_FALSE(Explain(Kb(), ModalityMap::Embedded(), Person(c, "", "WI")).cards.empty()) << c;
}

TEST(Explain, AcupuncturistInWisconsin) {
  Explanation e = Explain(Kb(), ModalityMap::Embedded(), Person("L.Ac.", "171100000X", "WI"));
  EXPECT_EQ(CardIds(e), std::vector<std::string>{"lac"});
  EXPECT_TRUE(Has(e.modalities, "acupuncture"));
  EXPECT_TRUE(Has(e.modalities, "dry_needling"));
  ASSERT_EQ(e.notes.size(), 1u);
  EXPECT_EQ(e.notes[0].rule->topic, "acupuncture_license");
  EXPECT_EQ(e.notes[0].text,
            "In Wisconsin, a person needs a state certificate to do acupuncture." +
                std::string(Kb().Rule("WI", "acupuncture_license")->nccaom_required == "yes"
                                ? " The state also asks for the national exams (NCCAOM)."
                                : "") +
                " " + Kb().Rule("WI", "acupuncture_license")->conditions);
  EXPECT_FALSE(e.notes[0].rule->sources.empty());
  // Dry needling: the directory cannot know who offers it.
  bool says = false;
  for (const std::string& c : e.cautions)
    says = says || c.find("does not record") != std::string::npos;
  EXPECT_TRUE(says);
}

TEST(Explain, PhysicalTherapistsFollowTheirState) {
  Explanation wi = Explain(Kb(), ModalityMap::Embedded(), Person("PT, DPT", "225100000X", "WI"));
  EXPECT_EQ(CardIds(wi), (std::vector<std::string>{"pt", "dpt"}));
  ASSERT_EQ(wi.notes.size(), 1u);
  EXPECT_EQ(wi.notes[0].text,
            "In Wisconsin, the law lets physical therapists do dry needling. We found no set "
            "number of training hours in the law.");
  EXPECT_TRUE(Has(wi.modalities, "dry_needling"));
  Explanation ny = Explain(Kb(), ModalityMap::Embedded(), Person("DPT", "225100000X", "NY"));
  ASSERT_EQ(ny.notes.size(), 1u);
  EXPECT_EQ(ny.notes[0].rule->status, Kb().Rule("NY", "pt_dry_needling")->status);
  EXPECT_FALSE(Has(ny.modalities, "dry_needling"));  // not allowed there
}

TEST(Explain, ChiropractorInFloridaShowsTheHourRule) {
  Explanation e = Explain(Kb(), ModalityMap::Embedded(), Person("D.C.", "111N00000X", "FL"));
  EXPECT_EQ(CardIds(e), std::vector<std::string>{"dc"});
  ASSERT_EQ(e.notes.size(), 1u);
  const StateRule* fl = Kb().Rule("FL", "dc_dry_needling");
  EXPECT_EQ(e.notes[0].rule, fl);
  EXPECT_NE(e.notes[0].text.find("at least " + std::to_string(*fl->min_hours) + " hours"),
            std::string::npos);
}

TEST(Explain, UnknownCredentialTextGivesNoCard) {
  Explanation e = Explain(Kb(), ModalityMap::Embedded(), Person("Wizard", "225100000X", "WI"));
  EXPECT_TRUE(e.cards.empty());
}

// The reading-level rule: Flesch–Kincaid grade <= 8 for every text a
// patient reads, from the data files and from the note templates for every
// state rule, graded as the passages they are read in (readability.h).
// Prints the hardest ones.
TEST(Explain, EveryPatientTextReadsAtGradeEightOrBelow) {
  std::vector<std::pair<double, std::string>> graded;
  for (const PatientText& t : Kb().PatientTexts())
    graded.emplace_back(FleschKincaidGrade(t.text), t.where + ": " + t.text);
  // A state's notes are read together ("What the state says").
  std::map<std::string, std::string> by_state;
  for (const StateRule& r : Kb().rules()) by_state[r.usps] += StateNoteText(r) + " ";
  for (const auto& [usps, text] : by_state)
    graded.emplace_back(FleschKincaidGrade(text), "notes " + usps + ": " + text);
  Explanation e = Explain(Kb(), ModalityMap::Embedded(), Person("L.Ac.", "171100000X", "WI"));
  std::string cautions;
  for (const std::string& c : e.cautions) cautions += c + " ";
  graded.emplace_back(FleschKincaidGrade(cautions), "cautions: " + cautions);
  std::sort(graded.rbegin(), graded.rend());
  std::string worst;
  for (size_t i = 0; i < std::min<size_t>(8, graded.size()); ++i)
    worst +=
        "  grade " + std::to_string(graded[i].first).substr(0, 4) + "  " + graded[i].second + "\n";
  std::printf("hardest patient texts (of %zu):\n%s", graded.size(), worst.c_str());
  EXPECT_EQ(graded.size(), Kb().PatientTexts().size() + by_state.size() + 1);
  EXPECT_EQ(by_state.size(), 51u);
  for (const auto& [grade, what] : graded) EXPECT_LE(grade, 8.0) << what;
}

// `meridian explain` end to end on an ingested file.
TEST(Explain, CommandPrintsCardsAndSourcedStateNotes) {
  TempDir dir;
  std::string csv =
      testing::NppesHeaderLine() +
      testing::NppesRow({{"NPI", "1234567893"},
                         {"Entity Type Code", "1"},
                         {"Provider Last Name (Legal Name)", "NEEDLE"},
                         {"Provider First Name", "ANA"},
                         {"Provider Credential Text", "PT, DPT"},
                         {"Provider Business Practice Location Address State Name", "WI"},
                         {"Provider Business Practice Location Address Postal Code", "53703"},
                         {"Last Update Date", "07/08/2025"},
                         {"Healthcare Provider Taxonomy Code_1", "225100000X"},
                         {"Provider License Number_1", "12345-24"},
                         {"Provider License Number State Code_1", "WI"},
                         {"Healthcare Provider Primary Taxonomy Switch_1", "Y"}});
  testing::WriteAll(dir.File("p.csv"), csv);
  testing::IngestOrDie(dir.File("p.csv"), dir.File("p.snap"));
  auto r = testing::RunMeridian(
      "explain --snapshot " + dir.File("p.snap") + " --npi 1234567893 --json", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"self_reported\":true"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"id\":\"dpt\""), std::string::npos);
  EXPECT_NE(r.out.find("\"topic\":\"pt_dry_needling\""), std::string::npos);
  EXPECT_NE(r.out.find("\"last_updated\":\"2025-07-08\""), std::string::npos);
  EXPECT_NE(r.out.find("\"sources\":[\"http"), std::string::npos);
  auto text =
      testing::RunMeridian("explain --snapshot " + dir.File("p.snap") + " --npi 1234567893", dir);
  ASSERT_EQ(text.code, 0);
  EXPECT_NE(text.out.find("Doctor of Physical Therapy"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Not verified."), std::string::npos);
  auto missing =
      testing::RunMeridian("explain --snapshot " + dir.File("p.snap") + " --npi 1999999999", dir);
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("no provider"), std::string::npos);
}

}  // namespace
}  // namespace meridian
