// UTF-8 validation (RFC 3629: no overlongs, no surrogates, max U+10FFFF).
#pragma once

#include <cstddef>
#include <string_view>

namespace meridian {

// Returns true when `s` is well-formed UTF-8. ASCII-only input takes a fast path.
bool IsValidUtf8(std::string_view s);

}  // namespace meridian
