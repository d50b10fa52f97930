// Readability: the Flesch–Kincaid grade level of English text, used by the
// tests to hold every patient-facing text at grade 8 or below. The formula
// is meant for passages: grade what a patient reads together (a card, a
// note), not single phrases, where one long word swings the score.
//
//   grade = 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59
//
// Counting rules (fixed and tested):
//   - a word is a run of letters (apostrophes inside it allowed); a run of
//     digits (with , or . inside) is a word of two syllables ("1,900");
//   - syllables: groups of vowels (a e i o u y), less a silent final "e"
//     (not "le" after a consonant), at least one per word (acronyms too, as
//     common readability tools count them);
//   - a sentence ends at . ! ? or a line break followed by more text, except
//     a dot inside a word ("L.Ac.", "e.g.") or before a lower-case letter or
//     digit. Text with words but no end mark is one sentence.
#pragma once

#include <string_view>

namespace meridian {

struct TextCounts {
  int words = 0, sentences = 0, syllables = 0;
};

TextCounts CountText(std::string_view text);
// 0 for text without words.
double FleschKincaidGrade(std::string_view text);
int CountSyllables(std::string_view word);

}  // namespace meridian
