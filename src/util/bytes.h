// Little helpers for the binary formats: LEB128 varints, length-prefixed
// strings, and a bounds-checked reader that never reads past its input.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace meridian {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "Meridian's binary formats are little-endian; add byte swaps for this host");

inline void PutVarint(std::string* out, uint64_t x) {
  if (x < 0x80) {  // the common case: short strings and small numbers
    out->push_back(static_cast<char>(x));
    return;
  }
  while (x >= 0x80) {
    out->push_back(static_cast<char>((x & 0x7F) | 0x80));
    x >>= 7;
  }
  out->push_back(static_cast<char>(x));
}

inline void PutString(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}

template <class T>
inline void PutFixed(std::string* out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out->append(buf, sizeof(T));
}

// Reads what the Put* functions wrote. After any failure ok() is false, every
// later read fails too and returns zero values.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}
  bool ok() const { return ok_; }
  // Marks the input as corrupt (for checks the reader cannot make itself).
  void Invalidate() { Fail(); }
  bool AtEnd() const { return p_ == end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!ok_ || p_ >= end_) return Fail();
      uint8_t b = static_cast<uint8_t>(*p_++);
      // Only the shortest encoding is accepted, so decode(encode(x)) and
      // encode(decode(bytes)) are both identities.
      if (shift > 0 && b == 0) return Fail();
      if (shift == 63 && b > 1) return Fail();
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    return Fail();
  }
  std::string_view String() {
    uint64_t n = Varint();
    if (!ok_ || n > remaining()) {
      Fail();
      return {};
    }
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  template <class T>
  T Fixed() {
    T v{};
    if (!ok_ || remaining() < sizeof(T)) {
      Fail();
      return v;
    }
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return v;
  }

 private:
  uint64_t Fail() {
    ok_ = false;
    p_ = end_;
    return 0;
  }
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace meridian
