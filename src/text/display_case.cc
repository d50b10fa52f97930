#include "text/display_case.h"

#include <array>
#include <cstddef>
#include <utility>

namespace meridian {

namespace {

enum class Kind { kName, kAddress, kOrg };

// Scottish surnames where "Mac" plus a capital is safe. Everything else that
// starts with MAC (MACK, MACHADO, MACON, MACY, MACIAS, MACE, ...) is cased as
// a plain word.
constexpr std::array<std::string_view, 10> kMacNames = {
    "MACDONALD", "MACKENZIE", "MACLEOD",   "MACINTYRE", "MACKAY",
    "MACLEAN",   "MACMILLAN", "MACARTHUR", "MACGREGOR", "MACPHERSON"};

// Generational suffixes that stay upper in names ("JR"/"SR" are plain words).
constexpr std::array<std::string_view, 3> kNameNumerals = {"II", "III", "IV"};

constexpr std::array<std::string_view, 8> kDirections = {"N",  "S",  "E",  "W",
                                                         "NE", "NW", "SE", "SW"};
constexpr std::array<std::string_view, 2> kAddressAcronyms = {"PO", "US"};

constexpr std::array<std::string_view, 22> kOrgAcronyms = {
    "LLC", "PLLC", "PC", "PA",   "LLP", "MD",  "DO",   "DC",   "PT",  "DPT", "LAC",
    "USA", "US",   "VA", "YMCA", "UW",  "NYU", "UCLA", "UCSF", "HCA", "II",  "III"};

// Vowel-less abbreviations that read as words, so the vowel-less rule below
// must not keep them upper ("ST JOSEPH" -> "St Joseph", not "ST Joseph").
constexpr std::array<std::string_view, 12> kOrgWordAbbreviations = {
    "ST", "STS", "DR", "MT", "FT", "LTD", "CTR", "CTRS", "SVC", "SVCS", "HLTH", "MGMT"};

// "A" is absent on purpose: see the header.
constexpr std::array<std::string_view, 10> kOrgSmallWords = {"OF", "AND", "THE", "FOR", "AT",
                                                             "IN", "ON",  "AN",  "TO",  "BY"};

// Longest vowel-less part of an organization name kept upper ("CMH", "DDS").
constexpr size_t kMaxVowellessAcronym = 4;

template <size_t N>
bool Contains(const std::array<std::string_view, N>& list, std::string_view s) {
  for (std::string_view item : list) {
    if (item == s) return true;
  }
  return false;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsUpper(c) || IsLower(c) || IsDigit(c); }
char ToLower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
char ToUpper(char c) { return IsLower(c) ? static_cast<char>(c - 'a' + 'A') : c; }

constexpr std::string_view kTypographicApostrophe = "\xE2\x80\x99";  // U+2019

// Length of the apostrophe starting at s[i], or 0 when there is none.
size_t ApostropheAt(std::string_view s, size_t i) {
  if (s[i] == '\'') return 1;
  if (s.substr(i, kTypographicApostrophe.size()) == kTypographicApostrophe) {
    return kTypographicApostrophe.size();
  }
  return 0;
}

bool HasNonAsciiLetterBytes(std::string_view word) {
  for (size_t i = 0; i < word.size();) {
    if (static_cast<unsigned char>(word[i]) < 0x80) {
      ++i;
    } else if (size_t n = ApostropheAt(word, i); n > 0) {
      i += n;
    } else {
      return true;
    }
  }
  return false;
}

bool HasDigit(std::string_view s) {
  for (char c : s) {
    if (IsDigit(c)) return true;
  }
  return false;
}

bool HasVowel(std::string_view s) {
  for (char c : s) {
    if (std::string_view("AEIOUY").find(c) != std::string_view::npos) return true;
  }
  return false;
}

// Digits followed by ST, ND, RD or TH ("5TH", "22ND").
bool IsOrdinal(std::string_view part) {
  constexpr size_t kSuffix = 2;
  if (part.size() <= kSuffix) return false;
  std::string_view digits = part.substr(0, part.size() - kSuffix);
  std::string_view suffix = part.substr(part.size() - kSuffix);
  for (char c : digits) {
    if (!IsDigit(c)) return false;
  }
  return suffix == "ST" || suffix == "ND" || suffix == "RD" || suffix == "TH";
}

void AppendLower(std::string_view s, std::string* out) {
  for (char c : s) out->push_back(ToLower(c));
}

// "SANDRA" -> "Sandra".
void AppendCapitalised(std::string_view s, std::string* out) {
  if (s.empty()) return;
  out->push_back(ToUpper(s[0]));
  AppendLower(s.substr(1), out);
}

// One run of ASCII letters and digits, not following an apostrophe.
void AppendPart(std::string_view part, Kind kind, std::string* out) {
  if (HasDigit(part)) {
    if (kind != Kind::kName && IsOrdinal(part)) {
      AppendLower(part, out);
    } else {
      out->append(part);
    }
    return;
  }
  bool keep_upper = false;
  switch (kind) {
    case Kind::kName:
      keep_upper = Contains(kNameNumerals, part);
      break;
    case Kind::kAddress:
      keep_upper = Contains(kAddressAcronyms, part);
      break;
    case Kind::kOrg:
      keep_upper =
          Contains(kOrgAcronyms, part) || (part.size() <= kMaxVowellessAcronym && !HasVowel(part) &&
                                           !Contains(kOrgWordAbbreviations, part));
      break;
  }
  if (keep_upper) {
    out->append(part);
    return;
  }
  if (Contains(kMacNames, part)) {
    AppendCapitalised(part.substr(0, 3), out);
    AppendCapitalised(part.substr(3), out);
    return;
  }
  if (part.size() > 2 && part.substr(0, 2) == "MC") {
    out->append("Mc");
    AppendCapitalised(part.substr(2), out);
    return;
  }
  AppendCapitalised(part, out);
}

// The word without leading and trailing ASCII punctuation ("NE," -> "NE").
std::string_view Core(std::string_view word) {
  size_t begin = 0;
  size_t end = word.size();
  while (begin < end && !IsAlnum(word[begin])) ++begin;
  while (end > begin && !IsAlnum(word[end - 1])) --end;
  return word.substr(begin, end - begin);
}

bool IsAllAlnum(std::string_view s) {
  for (char c : s) {
    if (!IsAlnum(c)) return false;
  }
  return !s.empty();
}

// Appends `word` (no whitespace, all ASCII but for U+2019) recased.
void AppendWord(std::string_view word, Kind kind, bool first_word, std::string* out) {
  std::string_view core = Core(word);
  if (IsAllAlnum(core)) {
    // Rules for a word that is a single part: keep the punctuation around it.
    if (kind == Kind::kAddress && Contains(kDirections, core)) {
      out->append(word);  // "NW", "N.", "SE,"
      return;
    }
    if (kind == Kind::kOrg && !first_word && word == core && Contains(kOrgSmallWords, core)) {
      AppendLower(word, out);
      return;
    }
  }
  size_t prev_part_len = 0;       // length of the part before the last separator
  bool after_apostrophe = false;  // the separator before this part is one apostrophe
  for (size_t i = 0; i < word.size();) {
    if (!IsAlnum(word[i])) {
      size_t n = ApostropheAt(word, i);
      // Only an apostrophe directly between two parts counts ("O'BRIEN").
      after_apostrophe = n > 0 && prev_part_len > 0 && !after_apostrophe;
      if (n == 0) {
        n = 1;
        prev_part_len = 0;
        after_apostrophe = false;
      }
      out->append(word.substr(i, n));
      i += n;
      continue;
    }
    size_t end = i;
    while (end < word.size() && IsAlnum(word[end])) ++end;
    std::string_view part = word.substr(i, end - i);
    if (after_apostrophe && prev_part_len > 1 && !HasDigit(part)) {
      AppendLower(part, out);  // "CHILDREN'S" -> "Children's"
    } else {
      AppendPart(part, kind, out);
    }
    prev_part_len = part.size();
    after_apostrophe = false;
    i = end;
  }
}

std::string Recase(std::string_view registry, Kind kind) {
  for (char c : registry) {
    if (IsLower(c)) return std::string(registry);
  }
  std::string out;
  out.reserve(registry.size());
  bool first_word = true;
  for (size_t i = 0; i < registry.size();) {
    if (IsSpace(registry[i])) {
      out.push_back(registry[i++]);
      continue;
    }
    size_t end = i;
    while (end < registry.size() && !IsSpace(registry[end])) ++end;
    std::string_view word = registry.substr(i, end - i);
    if (HasNonAsciiLetterBytes(word)) {
      out.append(word);
    } else {
      AppendWord(word, kind, first_word, &out);
    }
    first_word = false;
    i = end;
  }
  return out;
}

}  // namespace

std::string DisplayNameCase(std::string_view registry) { return Recase(registry, Kind::kName); }

std::string DisplayCredentialCase(std::string_view registry) { return std::string(registry); }

std::string DisplayAddressCase(std::string_view registry) {
  return Recase(registry, Kind::kAddress);
}

std::string DisplayOrgCase(std::string_view registry) { return Recase(registry, Kind::kOrg); }

std::string ReadableName(const Record& r) {
  if (r.entity == EntityType::kOrganization) return DisplayOrgCase(r.org_name);
  std::string out;
  for (const std::string* part :
       {&r.name_prefix, &r.first_name, &r.middle_name, &r.last_name, &r.name_suffix}) {
    if (part->empty()) continue;
    if (!out.empty()) out += ' ';
    out += DisplayNameCase(*part);
  }
  return out;
}

ReadableLines ReadableAddressLines(const Address& a) {
  return {DisplayAddressCase(a.line1), DisplayAddressCase(a.line2), DisplayAddressCase(a.city)};
}

Address ReadableAddress(Address a) {
  ReadableLines lines = ReadableAddressLines(a);
  a.line1 = std::move(lines.line1);
  a.line2 = std::move(lines.line2);
  a.city = std::move(lines.city);
  return a;
}

}  // namespace meridian
