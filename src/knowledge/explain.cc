#include "knowledge/explain.h"

#include <algorithm>
#include <string_view>

#include "geo/states.h"

namespace meridian {

namespace {

std::string AcupunctureNote(const StateRule& r, const std::string& state) {
  std::string t;
  if (r.status == "licensed")
    t = "In " + state + ", a person needs a state license to do acupuncture.";
  else if (r.status == "certified")
    t = "In " + state + ", a person needs a state certificate to do acupuncture.";
  else if (r.status == "registered")
    t = "In " + state + ", a person must sign up with the state to do acupuncture.";
  else if (r.status == "regulated")
    t = state + " has a law on acupuncture. We could not confirm if it asks for a license.";
  else if (r.status == "none")
    t = state +
        " has no license for acupuncture. Ask about the person's school and national exams.";
  else
    t = "We do not know the rules for acupuncture in " + state + ". Check with the state board.";
  if (r.nccaom_required == "yes") t += " The state also asks for the national exams (NCCAOM).";
  if (r.min_hours)
    t += " Schools must give at least " + std::to_string(*r.min_hours) + " hours of training.";
  if (!r.conditions.empty()) t += " " + r.conditions;
  return t;
}

// The exam the law asks for, if it says.
std::string ExamText(const StateRule& r) {
  if (r.exam.empty() || r.exam == "none" || r.exam == "unknown" || r.status == "none") return "";
  if (r.exam == "board-approved exam")
    return " It also asks for a passing score on an exam the board approves.";
  return " It also asks for a passing score on a national exam (" + r.exam + ").";
}

// Massage, chiropractic and physical therapy licenses.
std::string LicenseNote(const StateRule& r, const std::string& state, const char* who,
                        const char* care) {
  std::string t;
  if (r.status == "licensed")
    t = "In " + state + ", " + who + " need a state license.";
  else if (r.status == "certified")
    t = "In " + state + ", " + who + " need a state certificate.";
  else if (r.status == "registered")
    t = "In " + state + ", " + who + " must sign up with the state.";
  else if (r.status == "none")
    t = state + " has no state license for " + care +
        ". Ask about the person's school and exams. A city or county may have its own rules.";
  else
    t = "We do not know the rules for " + std::string(who) + " in " + state +
        ". Check with the state board.";
  if (r.min_hours)
    t += " The state asks for at least " + std::to_string(*r.min_hours) + " hours of school.";
  t += ExamText(r);
  if (!r.conditions.empty()) t += " " + r.conditions;
  return t;
}

// What a patient should know about how sure the row is.
std::string ConfidenceText(const StateRule& r) {
  if (r.status == "unknown") return "";
  if (r.confidence == "unconfirmed")
    return " We could not check this in the law itself, so it may be wrong or out of date. Ask "
           "the state board.";
  if (r.confidence == "sources_disagree")
    return " Our sources do not agree on this. Ask the state board.";
  if (r.effective_date >= "2024-01-01")
    return " This rule took effect on " + r.effective_date + ".";
  return "";
}

std::string ProfessionWords(std::string_view profession) {
  if (profession == "acupuncture") return "acupuncture";
  if (profession == "chiropractic") return "chiropractic";
  if (profession == "physical_therapy") return "physical therapy";
  if (profession == "massage") return "massage therapy";
  if (profession == "osteopathic") return "osteopathic medicine";
  return "medicine";
}

LicenseCheck CheckFor(const KnowledgeBase& kb, const TaxonomySlot& t,
                      std::string_view credential_text) {
  LicenseCheck c{t.code,          t.license_number,
                 t.license_state, ProfessionOf(t.code, credential_text),
                 nullptr,         ""};
  if (t.license_state.empty()) {
    c.text =
        "They did not say which state gave this license. Ask them, then check with that "
        "state's board.";
    return c;
  }
  const std::string state = StateName(t.license_state);
  if (c.profession.empty()) {
    c.text = "To check this license, look up the " + state + " board for this kind of care.";
    return c;
  }
  c.lookup = kb.Lookup(t.license_state, c.profession);
  if (c.profession == "osteopathic" && c.lookup == nullptr)  // one board for MDs and DOs
    c.lookup = kb.Lookup(t.license_state, "medicine");
  if (c.lookup == nullptr)
    c.text = "We do not have the page to check " + ProfessionWords(c.profession) + " licenses in " +
             state + " yet. Look up the state board.";
  else if (c.lookup->url.empty())
    c.text = "We could not find a page to check this license online. Ask " +
             (c.lookup->board.empty() ? "the state board" : "the " + c.lookup->board) + ".";
  else
    c.text = "Check this license with the " + c.lookup->board + ".";
  return c;
}

std::string DryNeedlingNote(const StateRule& r, const std::string& state, const char* who) {
  std::string t;
  if (r.status == "allowed") {
    t = "In " + state + ", the law lets " + who + " do dry needling.";
    t += r.min_hours ? " The state asks for at least " + std::to_string(*r.min_hours) +
                           " hours of training in it."
                     : " We found no set number of training hours in the law.";
  } else if (r.status == "prohibited") {
    t = "In " + state + ", the law does not let " + who +
        " do dry needling. It is not part of what their license allows there.";
  } else if (r.status == "law_silent") {
    t = "In " + state + ", the law does not say if " + who + " may do dry needling.";
  } else if (r.status == "contested") {
    t = "In " + state + ", people disagree about whether " + who +
        " may do dry needling. It may be in the courts or before the board.";
  } else {
    t = "We do not know if " + std::string(who) + " may do dry needling in " + state +
        ". Check with the state board.";
  }
  if (!r.conditions.empty()) t += " Other rules: " + r.conditions;
  if (!t.empty() && t.back() != '.') t += '.';
  return t;
}

bool HasCode(const Record& rec, std::string_view prefix) {
  for (const TaxonomySlot& t : rec.taxonomies)
    if (std::string_view(t.code).starts_with(prefix)) return true;
  return false;
}

}  // namespace

std::string StateNoteText(const StateRule& r) {
  const std::string state = StateName(r.usps);
  std::string t;
  if (r.topic == "acupuncture_license")
    t = AcupunctureNote(r, state);
  else if (r.topic == "massage_license")
    t = LicenseNote(r, state, "massage therapists", "massage therapy");
  else if (r.topic == "chiro_license")
    t = LicenseNote(r, state, "chiropractors", "chiropractic");
  else if (r.topic == "pt_license")
    t = LicenseNote(r, state, "physical therapists", "physical therapy");
  else
    t = DryNeedlingNote(r, state,
                        r.topic == "pt_dry_needling" ? "physical therapists" : "chiropractors");
  return t + ConfidenceText(r);
}

std::string NpiRegistryUrl(uint32_t npi) {
  return "https://npiregistry.cms.hhs.gov/provider-view/" + NpiToString(npi);
}

std::string StateName(std::string_view usps) {
  const StateTable& st = StateTable::Embedded();
  std::string_view name = st.Name(st.Id(usps));
  return name.empty() ? std::string(usps) : std::string(name);
}

Explanation Explain(const KnowledgeBase& kb, const ModalityMap& modalities, const Record& rec) {
  Explanation e;
  e.cards = kb.Recognize(rec.credential);
  for (const Credential* c : kb.Recognize(rec.other_credential)) {
    bool seen = false;
    for (const Credential* x : e.cards) seen = seen || x == c;
    if (!seen) e.cards.push_back(c);
  }
  e.unexplained = kb.Unexplained(rec.credential);
  for (const std::string& u : kb.Unexplained(rec.other_credential))
    if (std::find(e.unexplained.begin(), e.unexplained.end(), u) == e.unexplained.end())
      e.unexplained.push_back(u);
  std::vector<std::string_view> codes;
  for (const TaxonomySlot& t : rec.taxonomies) codes.push_back(t.code);
  const std::string& usps = rec.practice.address.state;
  const ModalityMask mask = ModalitiesOf(rec.credential, codes, usps, modalities, &kb);
  for (size_t m = 0; m < modalities.modalities().size(); ++m)
    if (mask >> m & 1) e.modalities.push_back(modalities.modalities()[m].id);

  auto note = [&](const std::string& modality, const char* topic) {
    const StateRule* r = kb.Rule(usps, topic);
    if (r == nullptr) return;  // outside the 50 states and DC: no rule rows
    e.notes.push_back({modality, usps, r, StateNoteText(*r)});
  };
  const bool acupuncturist = HasCode(rec, "171100000X");
  const int acu = modalities.Find("acupuncture");
  if (acupuncturist || (acu >= 0 && (mask >> acu & 1))) note("acupuncture", "acupuncture_license");
  // Dry needling: for the practitioner types whose state rules decide it,
  // whether or not the rule allows it (a "no" is worth knowing too).
  if (HasCode(rec, "2251")) note("dry_needling", "pt_dry_needling");
  if (HasCode(rec, "111N")) note("dry_needling", "dc_dry_needling");
  // The license the person's own kind of care needs.
  if (HasCode(rec, "2251")) note("physical_therapy", "pt_license");
  if (HasCode(rec, "111N")) note("chiropractic", "chiro_license");
  if (HasCode(rec, "225700000X")) note("massage", "massage_license");

  for (const TaxonomySlot& t : rec.taxonomies)
    if (!t.license_number.empty() || !t.license_state.empty())
      e.license_checks.push_back(CheckFor(kb, t, rec.credential));
  e.npi_registry_url = NpiRegistryUrl(rec.npi);

  e.cautions.push_back(
      "The provider reported this to the national NPI registry (NPPES) themselves. Nobody "
      "checked it. Check a license with the state board.");
  if (acupuncturist || HasCode(rec, "2251") || HasCode(rec, "111N")) {
    const ModalityInfo* dn = kb.FindModality("dry_needling");
    if (dn != nullptr) e.cautions.push_back(dn->nppes_note);
  }
  return e;
}

}  // namespace meridian
