#include "query/care_words.h"

#include <vector>

#include "text/normalize.h"

namespace meridian {

CareWords FindCareWords(std::string_view text, const ModalityMap& modalities) {
  const std::vector<std::string> words = NormalizeTokens(text);
  CareWords best;
  size_t best_len = 0, best_at = 0;
  for (size_t m = 0; m < modalities.modalities().size(); ++m) {
    for (const std::string& phrase : modalities.modalities()[m].search_words) {
      // Search words are normalized when the map is loaded: split, not re-normalized.
      const std::vector<std::string_view> want = SplitTokens(phrase);
      if (want.empty() || want.size() > words.size() || want.size() <= best_len) continue;
      for (size_t at = 0; at + want.size() <= words.size(); ++at) {
        bool match = true;
        for (size_t k = 0; k < want.size() && match; ++k) match = words[at + k] == want[k];
        if (!match) continue;
        best.modality = static_cast<int>(m);
        best.phrase = phrase;
        best_len = want.size(), best_at = at;
        break;
      }
    }
  }
  if (best.modality < 0) return best;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i >= best_at && i < best_at + best_len) continue;
    if (!best.rest.empty()) best.rest += ' ';
    best.rest += words[i];
  }
  return best;
}

}  // namespace meridian
