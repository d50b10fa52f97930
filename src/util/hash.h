// A small, stable, non-cryptographic 64-bit hash (FNV-1a) for fingerprints
// that must agree across processes and builds (entity tags, content
// versions). Not for untrusted keys of hash tables (no seed secrecy).
#pragma once

#include <cstdint>
#include <string_view>

namespace meridian {

inline constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;

// Continues `h` over `bytes`; a 0xff byte is mixed in after them so that
// ("ab", "c") and ("a", "bc") differ when fed in turn.
inline uint64_t Fnv1a64(std::string_view bytes, uint64_t h = kFnvOffset) {
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  return (h ^ 0xff) * 0x100000001b3ULL;
}

}  // namespace meridian
