// KnowledgeBase: what credentials mean and what each state allows, loaded
// from data files a clinician can edit (data/knowledge/*.csv; format in
// data/knowledge/README.md). Every fact carries its sources, an as-of date
// and a confidence; a fact nobody found stays "unknown".
//
// Thread safety: immutable after Parse(); any number of threads may read.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "geo/states.h"
#include "knowledge/modality_map.h"
#include "util/status.h"

namespace meridian {

// How sure we are of a fact (the same words in every data file).
//   confirmed         seen in a primary source (statute, rule, board, issuer)
//   dated             seen in a secondary or older source; may have changed
//   unconfirmed       background knowledge or a source we could not read fully
//   sources_disagree  the sources say different things; both are in the note
inline constexpr const char* kConfidences[] = {"confirmed", "dated", "unconfirmed",
                                               "sources_disagree"};

struct Credential {
  std::string id, name;
  std::vector<std::string> text_tokens;  // as CredentialTokens() spells them ("LAC", "DIPLAC")
  bool is_credential = true;             // false for a course certificate (CNT)
  std::string granted_by, requirements;
  std::optional<int> hours_min, hours_max;         // training hours, as a range; empty = unknown
  std::string hours_min_source, hours_max_source;  // the URL each end of the range comes from
  std::string kept_current, tells_you, does_not_tell_you;
  std::vector<std::string> sources;
  // Pages published by the body that grants or accredits it (or, for a
  // state title, the statute): at least one per card.
  std::vector<std::string> issuer_sources;
  std::string as_of, confidence;
};

// One fact about one state (data/knowledge/state_rules.csv). `confirmed`
// means a primary citation (statute, rule, board ruling, AG opinion, court)
// whose quoted text supports the row; the source-quality check
// (knowledge/source_quality.h) enforces it.
struct StateRule {
  std::string usps, topic, status;
  std::string title_protected;  // acupuncture_license: yes / no / unknown; else empty
  std::string board;            // the body that licenses, as the law names it; may be empty
  std::string exam;             // exam or certification the law asks for ("NCCAOM", "MBLEx")
  std::string nccaom_required;  // acupuncture_license only: yes / no / unknown
  std::optional<int> min_hours;
  std::string conditions;      // patient words (grade 8)
  std::string effective_date;  // YYYY-MM-DD when the rule took effect, if known
  std::string citation;        // the section, e.g. "Utah Admin. Code R156-72-102(5)"
  std::string quote;           // a short passage of that text, word for word
  std::string law_date;        // the text's own date, as its source gives it
  std::vector<std::string> sources;
  std::string as_of;  // YYYY-MM-DD the text was read
  std::string confidence, note;
};

// Where the public can check a license (data/knowledge/license_lookup.csv).
struct LicenseLookup {
  std::string usps, profession;  // profession: one of KnowledgeBase::kProfessions
  std::string board;             // the licensing body's name
  std::string url;               // its official lookup page; empty when not found
  std::vector<std::string> sources;
  std::string as_of, confidence, note;
};

// What a modality is, in plain words (data/knowledge/modality_info.csv).
struct ModalityInfo {
  std::string id;  // a ModalityMap id
  std::string what_it_is, visit, who_may_offer, nppes_note;
  // What the care is like, for the guide's comparison: yes | no | sometimes.
  std::string uses_needles, hands_on, home_exercise;
  std::vector<std::string> sources;
  std::string as_of, confidence;
};

// One finding about a modality (data/knowledge/evidence.csv). Kinds:
// benefit, harm, guideline (a guideline's advice), and harm_gap / benefit_gap
// (we have not checked that side yet: written down, never left blank, so the
// two sides are always shown together).
struct Evidence {
  std::string modality, kind, text;
  // The kinds of pain it is about: answers to the guide's "where" question
  // (low_back, neck, ...), or "any".
  std::vector<std::string> pain;
  std::string certainty;  // high | moderate | low | very low | ... | unknown (gaps)
  std::string citation;
  std::vector<std::string> sources;
  std::string as_of, confidence;
  // How long the pain has lasted: answers to the guide's "how_long"
  // question (new, weeks, long), or "any".
  std::vector<std::string> duration;
};

// A common claim and what the sources say instead (data/knowledge/corrections.csv).
struct Correction {
  std::string claim, correction;
  std::vector<std::string> sources;
  std::string as_of, confidence;
};

// A block of patient-facing text read together (a credential card, a
// modality card, a finding, a correction) and where it lives.
struct PatientText {
  std::string where, text;
};

class KnowledgeBase {
 public:
  // Topics and the statuses each allows.
  //   acupuncture_license  licensed | certified | registered | regulated | none | unknown
  //   pt_dry_needling, dc_dry_needling
  //                        allowed | prohibited | law_silent | contested | unknown
  //   massage_license      licensed | certified | registered | none | unknown
  //   chiro_license, pt_license  licensed | unknown
  static constexpr const char* kTopics[] = {"acupuncture_license", "pt_dry_needling",
                                            "dc_dry_needling",     "massage_license",
                                            "chiro_license",       "pt_license"};
  // The professions a license lookup row is kept for.
  static constexpr const char* kProfessions[] = {"acupuncture", "chiropractic", "physical_therapy",
                                                 "massage",     "medicine",     "osteopathic"};

  // Checks every row: known vocabulary, numbers where numbers go, at least
  // one http(s) source and an as-of date per fact, exactly one rule per
  // state (50 + DC) and topic. Errors name the file, line and field.
  static Result<KnowledgeBase> Parse(std::string_view credentials_csv,
                                     std::string_view state_rules_csv, const StateTable& states);
  // Adds the modality facts. Checks, besides provenance: every modality of
  // `modalities` has exactly one info row and, in evidence, at least one
  // benefit or guideline (or benefit_gap) and at least one harm (or
  // harm_gap) row; gap rows have certainty "unknown" and no sources;
  // findings have a citation.
  Status AddModalityFacts(std::string_view modality_info_csv, std::string_view evidence_csv,
                          std::string_view corrections_csv, const ModalityMap& modalities);
  // Adds the license lookup pages: at most one row per state (50 + DC) and
  // profession; a row without a URL says the page was not found.
  Status AddLicenseLookups(std::string_view license_lookup_csv);
  // All embedded files (data/knowledge/), checked as above.
  static Result<KnowledgeBase> LoadEmbedded();

  const std::vector<Credential>& credentials() const { return credentials_; }
  const std::vector<StateRule>& rules() const { return rules_; }
  const Credential* FindCredential(std::string_view id) const;
  const StateRule* Rule(std::string_view usps, std::string_view topic) const;
  const std::vector<LicenseLookup>& lookups() const { return lookups_; }
  const LicenseLookup* Lookup(std::string_view usps, std::string_view profession) const;
  const std::vector<ModalityInfo>& modality_info() const { return modality_info_; }
  const ModalityInfo* FindModality(std::string_view id) const;
  const std::vector<Evidence>& evidence() const { return evidence_; }
  const std::vector<Correction>& corrections() const { return corrections_; }
  // Every text a patient may read from the data files, as the blocks they
  // are read in, for the reading-level check. (State rule conditions are
  // read inside their note: explain.h StateNoteText.)
  std::vector<PatientText> PatientTexts() const;

  // Whether a provider with this NUCC taxonomy code may dry-needle in this
  // state, by the rules above: physical therapists (2251…) by
  // pt_dry_needling, chiropractors (111N…) by dc_dry_needling, both only when
  // "allowed"; acupuncturists (171100000X) always (needling is their
  // practice). Everyone else: no. NPPES does not record who actually offers it.
  bool MayDryNeedle(std::string_view usps, std::string_view taxonomy_code) const;

  // The credentials a "Provider Credential Text" names ("PT, DPT" -> pt,
  // dpt), in data-file order; robust to dots, spaces and case.
  std::vector<const Credential*> Recognize(std::string_view credential_text) const;
  // The parts of a credential text that no credential row explains
  // ("PT, DPT, XYZ" -> {"XYZ"}), as written; parts are split at commas,
  // semicolons, slashes and spaces (two words that name a credential
  // together, "Dipl. Ac.", count as explained). A patient sees each as "a
  // credential we don't explain yet", never as nothing.
  std::vector<std::string> Unexplained(std::string_view credential_text) const;

 private:
  std::vector<Credential> credentials_;
  std::vector<StateRule> rules_;
  std::vector<LicenseLookup> lookups_;
  std::vector<ModalityInfo> modality_info_;
  std::vector<Evidence> evidence_;
  std::vector<Correction> corrections_;
};

// The profession whose board licenses a provider listed under this NUCC
// code ("2251..." -> "physical_therapy"); physicians (207/208) are
// "osteopathic" when their credential text names a D.O., else "medicine".
// Empty for codes no lookup row covers.
std::string ProfessionOf(std::string_view taxonomy_code, std::string_view credential_text);

// A credential's training hours in words: "about 1,900 to 4,000 hours",
// "at least 40 hours", "up to 300 hours", or "unknown".
std::string TrainingHoursText(const Credential& c);

// The modalities a provider may offer: by its taxonomy codes and credential
// text (data/modalities.csv) and, with `knowledge`, dry needling by its
// practice state's rules (KnowledgeBase::MayDryNeedle) instead of the
// taxonomy prefixes alone. The one definition the search index, the scan
// oracle and `meridian explain` share.
ModalityMask ModalitiesOf(std::string_view credential_text,
                          std::span<const std::string_view> taxonomy_codes,
                          std::string_view practice_state, const ModalityMap& modalities,
                          const KnowledgeBase* knowledge);

}  // namespace meridian
