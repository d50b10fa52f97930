#include "text/sentences.h"

#include <array>

namespace meridian {

namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsUpperOrDigit(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// The word ending just before the dot at `dot` (letters and inner dots).
std::string_view WordBefore(std::string_view t, size_t dot) {
  size_t b = dot;
  while (b > 0 && (IsAlpha(t[b - 1]) || t[b - 1] == '.')) --b;
  return t.substr(b, dot - b);
}

bool IsAbbreviation(std::string_view word) {
  if (word.empty()) return false;
  if (word.find('.') != std::string_view::npos) return true;  // "D.O", "e.g", "L.Ac"
  if (word.size() == 1) return true;                          // an initial
  static constexpr std::array<std::string_view, 7> kTitles = {"Dr", "St", "Mr", "Mrs",
                                                              "Ms", "vs", "No"};
  for (std::string_view a : kTitles)
    if (word == a) return true;
  return false;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view FirstSentence(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '.' && c != '!' && c != '?') continue;
    size_t j = i + 1;
    while (j < text.size() && (text[j] == '"' || text[j] == ')' || text[j] == '\'')) ++j;
    const size_t end = j;  // the sentence includes closing quotes and brackets
    if (j == text.size()) return Trim(text.substr(0, end));
    if (!IsSpace(text[j])) continue;  // "2.5", "e.g.," or a dot inside a word
    while (j < text.size() && IsSpace(text[j])) ++j;
    if (j < text.size() && (text[j] == '(' || text[j] == '"')) ++j;
    if (j < text.size() && !IsUpperOrDigit(text[j])) continue;
    if (c == '.' && IsAbbreviation(WordBefore(text, i))) continue;
    return Trim(text.substr(0, end));
  }
  return Trim(text);
}

}  // namespace meridian
