// Care words: a kind of care typed where a name was expected. People type
// "physical therapy" or "acupuncturist smith" into one box; the search words
// of data/modalities.csv (search_words) tell the kind of care from a name.
#pragma once

#include <string>
#include <string_view>

#include "knowledge/modality_map.h"

namespace meridian {

struct CareWords {
  int modality = -1;   // index into the ModalityMap; -1 = the text names no kind of care
  std::string phrase;  // the words that named it, as normalized ("physical therapist")
  std::string rest;    // the other words, in order ("smith"), or ""
};

// The longest search word (whole words, in order) found in `text`; ties go
// to the first modality in data-file order. Pure.
CareWords FindCareWords(std::string_view text, const ModalityMap& modalities);

}  // namespace meridian
