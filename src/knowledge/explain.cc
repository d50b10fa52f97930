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
  if (!r.conditions.empty()) t += " " + r.conditions;
  return t;
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
  if (r.topic == "acupuncture_license") return AcupunctureNote(r, state);
  return DryNeedlingNote(r, state,
                         r.topic == "pt_dry_needling" ? "physical therapists" : "chiropractors");
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
