// ModalityMap: which providers a care type ("modality") covers.
//
// Data-driven (data/modalities.csv, owned by the knowledge work): each
// modality lists NUCC taxonomy prefixes and credential-text tokens; a
// provider is covered when any of its taxonomy codes starts with a prefix or
// its credential text contains a token. Every row carries its source, as-of
// date and confidence.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace meridian {

struct Modality {
  std::string id, label;
  std::vector<std::string> taxonomy_prefixes, credential_tokens;
  std::string confidence, as_of, source, note;
};

// Bit i set = covered by modality i.
using ModalityMask = uint16_t;
inline constexpr size_t kMaxModalities = 16;

class ModalityMap {
 public:
  static Result<ModalityMap> Parse(std::string_view csv);
  static const ModalityMap& Embedded();

  const std::vector<Modality>& modalities() const { return modalities_; }
  // Index of `id`, or -1.
  int Find(std::string_view id) const;

  ModalityMask MaskForTaxonomy(std::string_view code) const;
  ModalityMask MaskForCredential(std::string_view credential_text) const;

 private:
  std::vector<Modality> modalities_;
};

// Normalized tokens of a free-text credential: upper-case ASCII letters and
// digits, periods dropped ("L.Ac." -> LAC), split at anything else, plus each
// pair of neighbours joined ("Dipl. Ac." -> DIPL, AC, DIPLAC).
std::vector<std::string> CredentialTokens(std::string_view text);

// "a|b||c" -> {"a", "b", "c"}: the list separator of Meridian's data files.
std::vector<std::string> SplitBar(std::string_view s);

}  // namespace meridian
