// ASCII case mapping for codes and keys (state codes, organization names as
// lookup keys). Bytes outside A-Z / a-z, UTF-8 included, pass unchanged.
#pragma once

#include <string>
#include <string_view>

namespace meridian {

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

inline std::string AsciiUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

}  // namespace meridian
