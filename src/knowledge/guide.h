// Guide: the neutral decision guide. A short questionnaire (where the pain
// is, how long, what was tried, goals, preferences, cautions, warning signs)
// and deterministic rules, both in data files (data/knowledge/guide_*.csv),
// turn answers into a comparison of every care option, following the IPDAS
// criteria:
//   - every option is shown, always in data-file order (never ranked, never
//     a single recommendation); preferences only mark what matches;
//   - each option shows benefits and harms side by side with their certainty
//     and sources (knowledge_base.h Evidence), filtered to the kind of pain;
//     a side with no finding says so;
//   - cautions for the person's answers (blood thinners, pregnancy, devices
//     ...), questions to ask a practitioner, and a pre-filtered search;
//   - warning signs first (the first question, and shown first): an
//     emergency sign says "call 911 or go to the emergency room now", an
//     urgent one "see a doctor today or soon";
//   - every answer changes what is shown (a question whose answers change
//     nothing is not asked): how long the pain has lasted picks the findings
//     for that duration (Evidence::duration) and its notices.
//
// Thread safety: immutable after Parse(); Evaluate() is const and pure.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "knowledge/knowledge_base.h"
#include "knowledge/modality_map.h"
#include "util/status.h"

namespace meridian {

struct GuideQuestion {
  std::string id;
  bool many = false;  // kind "many": any number of answers; "one": at most one
  std::string question, help;
  std::vector<std::pair<std::string, std::string>> options;  // (value, label)
};

// One rule: when `question` has answer `answer` (or always, for rules with
// neither), the effect applies to the listed modalities ("*" = all).
//   emergency  a warning sign: call 911 or go to the emergency room now
//   urgent     a warning sign: see a doctor today or soon
//   caution    something to tell or ask the practitioner for that option
//   ask        a question to ask a practitioner (never triggered)
//   notice     a general note (information, not advice; ...); may be triggered
// Every triggered rule carries sources, an as-of date and a confidence.
struct GuideRule {
  std::string id, question, answer, effect;
  std::vector<std::string> modalities;  // empty = all
  std::string text;
  std::vector<std::string> sources;
  std::string as_of, confidence;
  bool Applies(std::string_view modality) const;
};

// (question id, answer value) pairs; a "many" question may repeat.
using GuideAnswers = std::vector<std::pair<std::string, std::string>>;

struct GuideOption {
  const ModalityInfo* info = nullptr;
  std::vector<const Evidence*> benefits;  // benefit and guideline rows for this pain
  std::vector<const Evidence*> harms;     // harm rows for this pain
  std::string benefit_gap, harm_gap;      // when a side has no finding for this pain
  std::vector<const GuideRule*> cautions;
  std::vector<std::string> fits, conflicts;  // what matches / goes against a preference
  std::vector<std::string> maybe;            // "sometimes": neither, ask ("May use needles")
  std::vector<const GuideRule*> ask;
  bool tried = false;  // the person said they tried it
  std::string search;  // query string of a pre-filtered search, e.g. "modality=acupuncture"
};

struct GuideResult {
  // Warning signs given, emergencies first; non-empty: get care first.
  std::vector<const GuideRule*> urgent;
  bool emergency = false;            // one of them is an emergency: 911 or the emergency room now
  std::vector<GuideOption> options;  // every modality, data-file order
  std::vector<const GuideRule*> notices;
};

class Guide {
 public:
  // Checks: known question kinds, unique ids and option values, every rule's
  // question and answer exist, modalities exist, provenance on urgent and
  // caution rules, and every evidence row's pain sites are answers to "where".
  // REQUIRES: `knowledge` and `modalities` outlive the guide.
  static Result<Guide> Parse(std::string_view questions_csv, std::string_view rules_csv,
                             const KnowledgeBase& knowledge, const ModalityMap& modalities);
  static Result<Guide> LoadEmbedded(const KnowledgeBase& knowledge);

  const std::vector<GuideQuestion>& questions() const { return questions_; }
  const std::vector<GuideRule>& rules() const { return rules_; }

  // InvalidArgument naming the question ("answers.cautions: ...") for an
  // unknown question or value, or two answers to a "one" question.
  Result<GuideResult> Evaluate(const GuideAnswers& answers) const;

 private:
  Guide(const KnowledgeBase& kb, const ModalityMap& m) : kb_(&kb), modalities_(&m) {}
  const GuideQuestion* Find(std::string_view id) const;

  const KnowledgeBase* kb_;
  const ModalityMap* modalities_;
  std::vector<GuideQuestion> questions_;
  std::vector<GuideRule> rules_;
};

}  // namespace meridian
