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

// Where to check one license the provider reported (a taxonomy slot's
// license number and state) with the board that issued it.
struct LicenseCheck {
  std::string taxonomy_code, license_number, license_state;
  std::string profession;                 // KnowledgeBase::kProfessions; empty if none applies
  const LicenseLookup* lookup = nullptr;  // nullptr: no row for that state and profession
  std::string text;                       // grade-8 words, e.g. "Check this license with ..."
};

struct Explanation {
  std::vector<const Credential*> cards;  // from the credential text, data-file order
  std::vector<std::string>
      unexplained;  // credential text parts with no card (KnowledgeBase::Unexplained)
  std::vector<std::string> modalities;  // ModalityMap ids the provider may offer
  std::vector<StateNote> notes;
  std::vector<std::string> cautions;         // what NPPES cannot tell (self-reported, dry needling)
  std::vector<LicenseCheck> license_checks;  // one per taxonomy slot that names a license
  std::string npi_registry_url;              // the provider's page in the CMS NPI Registry
};

// REQUIRES: `knowledge` was loaded with the modality facts (LoadEmbedded).
Explanation Explain(const KnowledgeBase& knowledge, const ModalityMap& modalities,
                    const Record& rec);

// A state rule in plain words, e.g. "In Wisconsin, physical therapists may do
// dry needling. We found no minimum training hours in the law."
std::string StateNoteText(const StateRule& rule);

// The provider's page in the official CMS NPI Registry (NPPES), e.g.
// https://npiregistry.cms.hhs.gov/provider-view/1234567893.
std::string NpiRegistryUrl(uint32_t npi);

// "Wisconsin" for "WI" (the code itself when unknown).
std::string StateName(std::string_view usps);

}  // namespace meridian
