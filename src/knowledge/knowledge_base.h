// KnowledgeBase: what credentials mean and what each state allows, loaded
// from data files a clinician can edit (data/knowledge/*.csv; format in
// data/knowledge/README.md). Every fact carries its sources, an as-of date
// and a confidence; a fact nobody found stays "unknown".
//
// Thread safety: immutable after Parse(); any number of threads may read.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/states.h"
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
  std::optional<int> hours_min, hours_max;  // training hours, as a range; empty = unknown
  std::string kept_current, tells_you, does_not_tell_you;
  std::vector<std::string> sources;
  std::string as_of, confidence;
};

struct StateRule {
  std::string usps, topic, status;
  std::string nccaom_required;  // acupuncture_license only: yes / no / unknown
  std::optional<int> min_hours;
  std::string conditions;
  std::vector<std::string> sources;
  std::string as_of, confidence, note;
};

class KnowledgeBase {
 public:
  // Topics and the statuses each allows.
  //   acupuncture_license  licensed | certified | registered | regulated | none | unknown
  //   pt_dry_needling, dc_dry_needling  allowed | prohibited | law_silent | unknown
  static constexpr const char* kTopics[] = {"acupuncture_license", "pt_dry_needling",
                                            "dc_dry_needling"};

  // Checks every row: known vocabulary, numbers where numbers go, at least
  // one http(s) source and an as-of date per fact, exactly one rule per
  // state (50 + DC) and topic. Errors name the file, line and field.
  static Result<KnowledgeBase> Parse(std::string_view credentials_csv,
                                     std::string_view state_rules_csv, const StateTable& states);
  static Result<KnowledgeBase> LoadEmbedded();

  const std::vector<Credential>& credentials() const { return credentials_; }
  const std::vector<StateRule>& rules() const { return rules_; }
  const Credential* FindCredential(std::string_view id) const;
  const StateRule* Rule(std::string_view usps, std::string_view topic) const;

  // Whether a provider with this NUCC taxonomy code may dry-needle in this
  // state, by the rules above: physical therapists (2251…) by
  // pt_dry_needling, chiropractors (111N…) by dc_dry_needling, both only when
  // "allowed"; acupuncturists (171100000X) always (needling is their
  // practice). Everyone else: no. NPPES does not record who actually offers it.
  bool MayDryNeedle(std::string_view usps, std::string_view taxonomy_code) const;

  // The credentials a "Provider Credential Text" names ("PT, DPT" -> pt,
  // dpt), in data-file order; robust to dots, spaces and case.
  std::vector<const Credential*> Recognize(std::string_view credential_text) const;

 private:
  std::vector<Credential> credentials_;
  std::vector<StateRule> rules_;
};

}  // namespace meridian
