// Explain: what Meridian can tell a patient about one provider — the
// credential cards that apply, what the provider's state says about the
// care they may offer, and what the directory cannot know.
//
// Inputs are the provider's NPPES record (self-reported, never "verified")
// and the knowledge data; nothing is guessed. A credential card comes only
// from the credential text the provider typed; a state note only from a rule
// row in data/knowledge/state_rules.csv (an "unknown" row says so).
//
// Thread safety: pure functions of their inputs.
#pragma once

#include <string>
#include <vector>

#include "knowledge/knowledge_base.h"
#include "knowledge/modality_map.h"
#include "model/record.h"

namespace meridian {

// What one state rule means for this provider, in plain words.
struct StateNote {
  std::string modality;             // ModalityMap id
  std::string state;                // USPS code of the practice location
  const StateRule* rule = nullptr;  // its sources, as-of date and confidence
  std::string text;                 // grade-8 words
};

struct Explanation {
  std::vector<const Credential*> cards;  // from the credential text, data-file order
  std::vector<std::string>
      unexplained;  // credential text parts with no card (KnowledgeBase::Unexplained)
  std::vector<std::string> modalities;  // ModalityMap ids the provider may offer
  std::vector<StateNote> notes;
  std::vector<std::string> cautions;  // what NPPES cannot tell (self-reported, dry needling)
};

// REQUIRES: `knowledge` was loaded with the modality facts (LoadEmbedded).
Explanation Explain(const KnowledgeBase& knowledge, const ModalityMap& modalities,
                    const Record& rec);

// A state rule in plain words, e.g. "In Wisconsin, physical therapists may do
// dry needling. We found no minimum training hours in the law."
std::string StateNoteText(const StateRule& rule);

// "Wisconsin" for "WI" (the code itself when unknown).
std::string StateName(std::string_view usps);

}  // namespace meridian
