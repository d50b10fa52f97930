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
  // Wis. Stat. 451.04: certified, not licensed; the rule is confirmed, so
  // no "could not check" sentence follows.
  EXPECT_TRUE(e.notes[0].text.starts_with(
      "In Wisconsin, a person needs a state certificate to do acupuncture."))
      << e.notes[0].text;
  EXPECT_EQ(e.notes[0].rule->confidence, "confirmed");
  EXPECT_EQ(e.notes[0].text.find("could not check"), std::string::npos);
  EXPECT_FALSE(e.notes[0].rule->sources.empty());
  // Dry needling: the directory cannot know who offers it.
  bool says = false;
  for (const std::string& c : e.cautions)
    says = says || c.find("does not record") != std::string::npos;
  EXPECT_TRUE(says);
}

TEST(Explain, PhysicalTherapistsFollowTheirState) {
  Explanation nj = Explain(Kb(), ModalityMap::Embedded(), Person("PT, DPT", "225100000X", "NJ"));
  EXPECT_EQ(CardIds(nj), (std::vector<std::string>{"pt", "dpt"}));
  ASSERT_EQ(nj.notes.size(), 2u);  // dry needling, then the PT license
  EXPECT_EQ(nj.notes[0].rule->topic, "pt_dry_needling");
  EXPECT_EQ(nj.notes[0].text,
            "In New Jersey, the law lets physical therapists do dry needling. The state asks for "
            "at least 40 hours of training in it.");
  EXPECT_EQ(nj.notes[1].rule->topic, "pt_license");
  EXPECT_TRUE(Has(nj.modalities, "dry_needling"));
  // Wisconsin's PT act says nothing about it: not counted as offering it.
  Explanation wi = Explain(Kb(), ModalityMap::Embedded(), Person("DPT", "225100000X", "WI"));
  ASSERT_EQ(wi.notes.size(), 2u);
  EXPECT_EQ(wi.notes[0].text,
            "In Wisconsin, the law does not say if physical therapists may do dry needling.");
  EXPECT_FALSE(Has(wi.modalities, "dry_needling"));
}

TEST(Explain, ChiropractorInFloridaShowsTheHourRule) {
  Explanation e = Explain(Kb(), ModalityMap::Embedded(), Person("D.C.", "111N00000X", "FL"));
  EXPECT_EQ(CardIds(e), std::vector<std::string>{"dc"});
  ASSERT_EQ(e.notes.size(), 2u);  // dry needling, then the chiropractic license
  const StateRule* fl = Kb().Rule("FL", "dc_dry_needling");
  EXPECT_EQ(e.notes[0].rule, fl);
  EXPECT_NE(e.notes[0].text.find("at least 40 hours"), std::string::npos) << e.notes[0].text;
  // Rule 64B2-17.004 took effect on 2024-12-29: a change this recent is named.
  EXPECT_NE(e.notes[0].text.find("took effect on 2024-12-29"), std::string::npos)
      << e.notes[0].text;
  EXPECT_EQ(e.notes[1].rule, Kb().Rule("FL", "chiro_license"));
}

TEST(Explain, UnconfirmedRulesSayWhatIsNotKnown) {
  int unconfirmed = 0;
  for (const StateRule& r : Kb().rules()) {
    const std::string text = StateNoteText(r);
    if (r.status == "unknown") {
      EXPECT_NE(text.find("We do not know"), std::string::npos) << text;
    } else if (r.confidence == "unconfirmed") {
      ++unconfirmed;
      EXPECT_NE(text.find("We could not check this in the law itself"), std::string::npos) << text;
    } else if (r.confidence == "sources_disagree") {
      EXPECT_NE(text.find("do not agree"), std::string::npos) << text;
    } else {
      EXPECT_EQ(text.find("could not check"), std::string::npos) << text;
    }
  }
  EXPECT_GT(unconfirmed, 0);
}

TEST(Explain, LicenseChecksFollowTheReportedStateAndProfession) {
  Record r = Person("L.Ac.", "171100000X", "UT");
  r.taxonomies[0].license_number = "12345-AC";
  TaxonomySlot pt;
  pt.slot = 2, pt.code = "225100000X", pt.license_number = "PT-9", pt.license_state = "NV";
  r.taxonomies.push_back(pt);
  TaxonomySlot none;  // no license reported: nothing to check
  none.slot = 3, none.code = "225700000X";
  r.taxonomies.push_back(none);
  Explanation e = Explain(Kb(), ModalityMap::Embedded(), r);
  ASSERT_EQ(e.license_checks.size(), 2u);
  const LicenseCheck& ut = e.license_checks[0];
  EXPECT_EQ(ut.profession, "acupuncture");
  EXPECT_EQ(ut.license_state, "UT");
  ASSERT_NE(ut.lookup, Kb().Lookup("PR", "acupuncture"));
  EXPECT_EQ(ut.lookup, Kb().Lookup("UT", "acupuncture"));
  EXPECT_EQ(ut.text, "Check this license with the " + ut.lookup->board + ".");
  const LicenseCheck& nv = e.license_checks[1];  // the state the license is from, not UT
  EXPECT_EQ(nv.profession, "physical_therapy");
  EXPECT_EQ(nv.lookup, Kb().Lookup("NV", "physical_therapy"));
  EXPECT_EQ(e.npi_registry_url, "https://npiregistry.cms.hhs.gov/provider-view/1234567893");
  // A license with no state: said plainly, no link.
  r.taxonomies[1].license_state.clear();
  e = Explain(Kb(), ModalityMap::Embedded(), r);
  EXPECT_EQ(e.license_checks[1].lookup, nullptr);
  EXPECT_NE(e.license_checks[1].text.find("did not say which state"), std::string::npos);
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
  // The same license check and registry link the profile page shows.
  const LicenseLookup* wi = Kb().Lookup("WI", "physical_therapy");
  ASSERT_NE(wi, nullptr);
  EXPECT_NE(r.out.find("\"license_checks\":[{\"taxonomy_code\":\"225100000X\",\"license_number\":"
                       "\"12345-24\",\"license_state\":\"WI\",\"profession\":\"physical_therapy\""),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"lookup_url\":\"" + wi->url + "\""), std::string::npos);
  EXPECT_NE(r.out.find("\"npi_registry_url\":\"https://npiregistry.cms.hhs.gov/provider-view/"
                       "1234567893\""),
            std::string::npos);
  auto text =
      testing::RunMeridian("explain --snapshot " + dir.File("p.snap") + " --npi 1234567893", dir);
  ASSERT_EQ(text.code, 0);
  EXPECT_NE(text.out.find("Doctor of Physical Therapy"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Not verified."), std::string::npos);
  EXPECT_NE(text.out.find("Check this license with the " + wi->board + ". " + wi->url),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("NPI Registry: https://npiregistry.cms.hhs.gov/provider-view/1234567893"),
            std::string::npos);
  auto missing =
      testing::RunMeridian("explain --snapshot " + dir.File("p.snap") + " --npi 1999999999", dir);
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("no provider"), std::string::npos);
}

}  // namespace
}  // namespace meridian
