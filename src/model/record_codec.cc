#include "model/record_codec.h"

#include <cassert>
#include <cstring>

#include "util/bytes.h"

namespace meridian {

namespace {

// Each encoded part starts with a string-presence bitmap: a LEB128 count N
// of the strings the part visits, then ceil(N/8) bytes, bit i (LSB first)
// set when the i-th string is non-empty. Only non-empty strings are written.
// NPPES rows leave most of their ~90 text fields empty, so this saves about a
// fifth of the bytes.

// First pass: the exact encoded size and the presence bitmap.
class Sizer {
 public:
  // `bits` is caller-owned scratch (reused across records: no allocation per record).
  explicit Sizer(std::vector<uint8_t>* scratch) : bits(*scratch) { bits.clear(); }
  size_t body = 0;
  uint64_t strings = 0;
  std::vector<uint8_t>& bits;

  size_t HeaderSize() const { return VarintSize(strings) + bits.size(); }
  void Str(const std::string& s) {
    if (strings % 8 == 0) bits.push_back(0);
    if (!s.empty()) {
      bits.back() |= static_cast<uint8_t>(1u << (strings % 8));
      body += VarintSize(s.size()) + s.size();
    }
    ++strings;
  }
  void Int(uint32_t x) { body += VarintSize(x); }
  void Byte(uint8_t) { ++body; }
  void Char(char) { ++body; }
  template <class E>
  void Enum(E) {
    ++body;
  }
  void Float(float) { body += 4; }
  template <class T, class F>
  void Group(const std::vector<T>& items, F f) {
    body += VarintSize(items.size());
    for (const T& t : items) f(t);
  }

  static size_t VarintSize(uint64_t x) {
    size_t n = 1;
    while (x >= 0x80) x >>= 7, ++n;
    return n;
  }
};

// Second pass: writes into space the Sizer measured (no capacity checks).
class Encoder {
 public:
  Encoder(char* p, const Sizer& sizer) : p_(p) {
    Varint(sizer.strings);
    if (!sizer.bits.empty()) std::memcpy(p_, sizer.bits.data(), sizer.bits.size());
    p_ += sizer.bits.size();
  }
  char* end() const { return p_; }
  void Str(const std::string& s) {
    if (s.empty()) return;  // recorded in the bitmap
    Varint(s.size());
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void Int(uint32_t x) { Varint(x); }
  void Byte(uint8_t b) { *p_++ = static_cast<char>(b); }
  void Char(char c) { *p_++ = c; }
  template <class E>
  void Enum(E e) {
    *p_++ = static_cast<char>(e);
  }
  void Float(float f) {
    std::memcpy(p_, &f, 4);
    p_ += 4;
  }
  template <class T, class F>
  void Group(const std::vector<T>& items, F f) {
    Varint(items.size());
    for (const T& t : items) f(t);
  }

 private:
  void Varint(uint64_t x) {
    while (x >= 0x80) {
      *p_++ = static_cast<char>((x & 0x7F) | 0x80);
      x >>= 7;
    }
    *p_++ = static_cast<char>(x);
  }
  char* p_;
};

// Runs `visit` with a Sizer, grows *out by exactly that much, then encodes.
template <class Visit>
void EncodeWith(std::string* out, Visit visit) {
  thread_local std::vector<uint8_t> scratch;
  Sizer sizer(&scratch);
  visit(sizer);
  const size_t old = out->size();
  out->resize(old + sizer.HeaderSize() + sizer.body);
  Encoder enc(out->data() + old, sizer);
  visit(enc);
  assert(enc.end() == out->data() + out->size());
}

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in), size_(in.size()) {
    strings_ = in_.Varint();
    if (strings_ > in_.remaining() * 8) {
      in_.Invalidate();
      return;
    }
    size_t nbytes = static_cast<size_t>((strings_ + 7) / 8);
    bits_ = reinterpret_cast<const uint8_t*>(in.data()) + (in.size() - in_.remaining());
    for (size_t i = 0; i < nbytes; ++i) in_.Fixed<uint8_t>();
    // Padding bits of the last byte must be zero (one encoding per record).
    if (in_.ok() && strings_ % 8 != 0 && (bits_[nbytes - 1] >> (strings_ % 8)) != 0)
      in_.Invalidate();
  }
  bool ok() const { return in_.ok(); }
  bool AtEnd() const { return in_.AtEnd() && next_ == strings_; }
  // True when every string of the bitmap was visited (the part is complete).
  bool PartDone() const { return next_ == strings_; }
  size_t consumed() const { return size_ - in_.remaining(); }

  void Str(std::string& s) {
    if (!in_.ok() || next_ >= strings_) {
      in_.Invalidate();
      s.clear();
      return;
    }
    bool present = (bits_[next_ / 8] >> (next_ % 8)) & 1;
    ++next_;
    if (!present) {
      s.clear();
      return;
    }
    std::string_view v = in_.String();
    if (v.empty()) in_.Invalidate();  // present strings are never empty
    s.assign(v);
  }
  void Int(uint32_t& x) {
    uint64_t v = in_.Varint();
    if (v > UINT32_MAX) in_.Invalidate();
    x = static_cast<uint32_t>(v);
  }
  void Byte(uint8_t& b) { b = in_.Fixed<uint8_t>(); }
  void Char(char& c) { c = in_.Fixed<char>(); }
  template <class E>
  void Enum(E& e) {
    e = static_cast<E>(in_.Fixed<uint8_t>());  // range checked in CheckEnums
  }
  void Float(float& f) { f = in_.Fixed<float>(); }
  template <class T, class F>
  void Group(std::vector<T>& items, F f) {
    uint64_t n = in_.Varint();
    // Every item takes at least one byte or one bitmap bit: a larger count is corrupt.
    if (n > in_.remaining() + (strings_ - next_)) {
      in_.Invalidate();
      n = 0;
    }
    items.clear();
    items.resize(n);
    for (T& t : items) {
      f(t);
      if (!in_.ok()) return;
    }
  }

 private:
  ByteReader in_;
  size_t size_;
  uint64_t strings_ = 0, next_ = 0;
  const uint8_t* bits_ = nullptr;
};

bool ValidEnums(const Location& l) { return static_cast<uint8_t>(l.precision) <= 1; }

Status CheckEnums(const Record& r) {
  bool ok = static_cast<uint8_t>(r.entity) <= 2 && ValidEnums(r.practice);
  for (const Location& l : r.secondary) ok = ok && ValidEnums(l);
  if (!ok) return Status::Corruption("record has an out-of-range enum value");
  return Status::OK();
}

}  // namespace

void EncodeCore(const Record& r, std::string* out) {
  EncodeWith(out, [&r](auto& v) { VisitCore(v, r); });
}

void EncodeAttached(const std::vector<Location>& secondary,
                    const std::vector<OtherOrgName>& other_org_names,
                    const std::vector<Endpoint>& endpoints, std::string* out) {
  EncodeWith(out, [&](auto& v) { VisitAttached(v, secondary, other_org_names, endpoints); });
}

void EncodeRecord(const Record& r, std::string* out) {
  EncodeCore(r, out);
  EncodeAttached(r.secondary, r.other_org_names, r.endpoints, out);
}

namespace {

// Decodes the core part at the start of `bytes`; *consumed = its length.
Status DecodeCore(std::string_view bytes, Record* r, size_t* consumed) {
  Decoder d(bytes);
  VisitCore(d, *r);
  if (!d.ok() || !d.PartDone()) return Status::Corruption("core record bytes are malformed");
  *consumed = d.consumed();
  return Status::OK();
}

Status DecodeAttached(std::string_view bytes, Record* r) {
  Decoder d(bytes);
  VisitAttached(d, r->secondary, r->other_org_names, r->endpoints);
  if (!d.ok() || !d.AtEnd()) return Status::Corruption("attached record bytes are malformed");
  return CheckEnums(*r);
}

}  // namespace

Status DecodeRecord(std::string_view bytes, Record* r) {
  size_t core = 0;
  MERIDIAN_RETURN_IF_ERROR(DecodeCore(bytes, r, &core));
  return DecodeAttached(bytes.substr(core), r);
}

Status DecodeRecordParts(std::string_view core, std::string_view attached, Record* r) {
  size_t used = 0;
  MERIDIAN_RETURN_IF_ERROR(DecodeCore(core, r, &used));
  if (used != core.size()) return Status::Corruption("core record bytes have trailing data");
  return DecodeAttached(attached, r);
}

Status DecodeRecordCore(std::string_view core, Record* r) {
  size_t used = 0;
  MERIDIAN_RETURN_IF_ERROR(DecodeCore(core, r, &used));
  if (used != core.size()) return Status::Corruption("core record bytes have trailing data");
  r->secondary.clear();
  r->other_org_names.clear();
  r->endpoints.clear();
  return CheckEnums(*r);
}

}  // namespace meridian
