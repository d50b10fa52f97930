// UTF-8 validation (RFC 3629: no overlongs, no surrogates, max U+10FFFF).
#pragma once

#include <cstddef>
#include <string_view>

namespace meridian {

// Returns true when `s` is well-formed UTF-8. ASCII-only input takes a fast path.
bool IsValidUtf8(std::string_view s);

// The length (1 to 4) of the well-formed UTF-8 sequence that starts at
// s[i], or 0 when the bytes there are not one. REQUIRES: i < s.size().
size_t Utf8SequenceLength(std::string_view s, size_t i);

}  // namespace meridian
