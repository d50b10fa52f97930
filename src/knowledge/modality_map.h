// ModalityMap: which providers a care type ("modality") covers.
//
// Data-driven (data/modalities.csv, owned by the knowledge work): each
// modality lists NUCC taxonomy prefixes and credential-text tokens; a
// provider is covered when any of its taxonomy codes starts with a prefix or
// its credential text contains a token. A modality may ask more of the
// credential: with `credential_needs_taxonomy` set, a token counts only for
// providers that also have a code starting with one of those prefixes (a
// D.O. counts for osteopathic manipulation in the specialties that use it,
// not in radiology). `search_words` are the phrases people type for the
// modality ("physical therapist", "pt"). Every row carries its source,
// as-of date and confidence.
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
  std::vector<std::string> credential_needs_taxonomy;  // empty: the credential suffices
  std::vector<std::string> search_words;               // normalized (text/normalize.h)
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

  // Modalities a taxonomy code covers by itself.
  ModalityMask MaskForTaxonomy(std::string_view code) const;
  // Modalities whose credential tokens the text names (whether or not they
  // also need a taxonomy: see Covered()).
  ModalityMask MaskForCredential(std::string_view credential_text) const;
  // Modalities whose credential_needs_taxonomy lists a prefix of `code`.
  ModalityMask CredentialTaxonomyMask(std::string_view code) const;
  // Modalities whose credential needs a taxonomy code too.
  ModalityMask credential_needs_taxonomy() const { return needs_taxonomy_; }
  // The one rule: by taxonomy, or by credential (with a qualifying code
  // where the modality asks for one). `by_credential` is MaskForCredential,
  // `by_code` the OR of MaskForTaxonomy and `code_qualifies` the OR of
  // CredentialTaxonomyMask over the provider's codes.
  ModalityMask Covered(ModalityMask by_credential, ModalityMask by_code,
                       ModalityMask code_qualifies) const {
    return by_code | (by_credential & ~needs_taxonomy_) |
           (by_credential & needs_taxonomy_ & code_qualifies);
  }

 private:
  std::vector<Modality> modalities_;
  ModalityMask needs_taxonomy_ = 0;
};

// Normalized tokens of a free-text credential: upper-case ASCII letters and
// digits, periods dropped ("L.Ac." -> LAC), split at anything else, plus each
// pair of neighbours joined ("Dipl. Ac." -> DIPL, AC, DIPLAC).
std::vector<std::string> CredentialTokens(std::string_view text);

// "a|b||c" -> {"a", "b", "c"}: the list separator of Meridian's data files.
std::vector<std::string> SplitBar(std::string_view s);

}  // namespace meridian
