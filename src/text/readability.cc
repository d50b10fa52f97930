#include "text/readability.h"

#include <cctype>
#include <string>

namespace meridian {

namespace {

bool IsVowel(char c) {
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}
bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

int CountSyllables(std::string_view word) {
  if (word.empty()) return 0;
  std::string w;
  for (char c : word)
    if (IsAlpha(c)) w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  int groups = 0;
  bool in_vowels = false;
  for (char c : w) {
    const bool v = IsVowel(c);
    if (v && !in_vowels) ++groups;
    in_vowels = v;
  }
  const size_t n = w.size();
  if (n >= 3 && w[n - 1] == 'e' && !IsVowel(w[n - 2]) && !(w[n - 2] == 'l' && !IsVowel(w[n - 3])) &&
      groups > 1)
    --groups;  // silent final e: "course", but not "able"
  return groups < 1 ? 1 : groups;
}

TextCounts CountText(std::string_view t) {
  TextCounts c;
  bool open = false;  // words since the last sentence end
  size_t i = 0;
  while (i < t.size()) {
    const char ch = t[i];
    if (IsAlpha(ch)) {
      size_t j = i;
      while (j < t.size() &&
             (IsAlpha(t[j]) || (t[j] == '\'' && j + 1 < t.size() && IsAlpha(t[j + 1]))))
        ++j;
      // A dotted abbreviation ("L.Ac.", "e.g.") is one word.
      while (j + 1 < t.size() && t[j] == '.' && IsAlpha(t[j + 1])) {
        ++j;
        while (j < t.size() && IsAlpha(t[j])) ++j;
      }
      std::string_view word = t.substr(i, j - i);
      ++c.words;
      std::string letters;
      for (char x : word)
        if (IsAlpha(x)) letters.push_back(x);
      c.syllables += CountSyllables(letters);
      open = true;
      // The dot closing an abbreviation is not a sentence end.
      if (word.find('.') != std::string_view::npos && j < t.size() && t[j] == '.') ++j;
      i = j;
      continue;
    }
    if (IsDigit(ch)) {
      size_t j = i;
      while (j < t.size() && (IsDigit(t[j]) || ((t[j] == ',' || t[j] == '.') && j + 1 < t.size() &&
                                                IsDigit(t[j + 1]))))
        ++j;
      ++c.words;
      c.syllables += 2;
      open = true;
      i = j;
      continue;
    }
    if ((ch == '.' || ch == '!' || ch == '?' || ch == '\n') && open) {
      size_t j = i + 1;
      while (j < t.size() && (t[j] == ' ' || t[j] == '"' || t[j] == ')' || t[j] == '\'')) ++j;
      const bool next_lower = j < t.size() && ch == '.' &&
                              (std::islower(static_cast<unsigned char>(t[j])) || IsDigit(t[j]));
      if (!next_lower) {
        ++c.sentences;
        open = false;
      }
    }
    ++i;
  }
  if (open) ++c.sentences;
  return c;
}

double FleschKincaidGrade(std::string_view text) {
  const TextCounts c = CountText(text);
  if (c.words == 0) return 0;
  return 0.39 * c.words / c.sentences + 11.8 * c.syllables / c.words - 15.59;
}

}  // namespace meridian
