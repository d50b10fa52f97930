#include "text/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace meridian {

namespace {

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsApostrophe(UChar32 c) { return c == '\'' || c == 0x2019 || c == 0x02BC; }

// Letters that NFKD leaves alone but a reader treats as plain Latin letters.
const char* AsciiFor(UChar32 c) {
  switch (c) {
    case 0x00F8:
      return "o";  // ø
    case 0x00E6:
      return "ae";  // æ
    case 0x0153:
      return "oe";  // œ
    case 0x0111:
      return "d";  // đ
    case 0x00F0:
      return "d";  // ð
    case 0x0142:
      return "l";  // ł
    case 0x0131:
      return "i";  // dotless ı
    case 0x00FE:
      return "th";  // þ
    default:
      return nullptr;
  }
}

class TokenSink {
 public:
  explicit TokenSink(std::string* out) : out_(out) {}
  void Separate() { in_token_ = false; }
  void Append(std::string_view s) {
    if (!in_token_) {
      if (!out_->empty()) out_->push_back(' ');
      in_token_ = true;
    }
    out_->append(s);
  }

 private:
  std::string* out_;
  bool in_token_ = false;
};

void AsciiPath(std::string_view text, TokenSink* sink) {
  for (char c : text) {
    if (IsAsciiAlnum(c)) {
      char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      sink->Append(std::string_view(&lower, 1));
    } else if (c != '\'') {
      sink->Separate();
    }
  }
}

void UnicodePath(std::string_view text, TokenSink* sink) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
  icu::UnicodeString src = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString decomposed;
  if (U_SUCCESS(status)) decomposed = nfkd->normalize(src, status);
  if (U_FAILURE(status)) decomposed = src;
  decomposed.foldCase();
  std::string utf8;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i = decomposed.moveIndex32(i, 1);
    if (u_getCombiningClass(c) != 0 || u_charType(c) == U_NON_SPACING_MARK) continue;
    if (const char* a = AsciiFor(c)) {
      sink->Append(a);
    } else if (c < 0x80 ? IsAsciiAlnum(static_cast<char>(c)) : u_isalnum(c)) {
      utf8.clear();
      icu::UnicodeString(c).toUTF8String(utf8);
      sink->Append(utf8);
    } else if (!IsApostrophe(c)) {
      sink->Separate();
    }
  }
}

}  // namespace

void AppendNormalizedTokens(std::string_view text, std::string* out) {
  TokenSink sink(out);
  bool ascii = true;
  for (char c : text) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    AsciiPath(text, &sink);
  } else {
    UnicodePath(text, &sink);
  }
}

std::vector<std::string> NormalizeTokens(std::string_view text) {
  std::string joined;
  AppendNormalizedTokens(text, &joined);
  std::vector<std::string> out;
  for (std::string_view t : SplitTokens(joined)) out.emplace_back(t);
  return out;
}

std::vector<std::string_view> SplitTokens(std::string_view tokens) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (at < tokens.size()) {
    size_t end = tokens.find(' ', at);
    if (end == std::string_view::npos) end = tokens.size();
    if (end > at) out.push_back(tokens.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace meridian
