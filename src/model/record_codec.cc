#include "model/record_codec.h"

#include <cassert>
#include <cstring>

#include "util/bytes.h"

namespace meridian {

namespace {

// First pass: the exact encoded size, so the writer can size the output once.
class Sizer {
 public:
  size_t size = 0;
  void Str(const std::string& s) { size += VarintSize(s.size()) + s.size(); }
  void Int(uint32_t x) { size += VarintSize(x); }
  void Byte(uint8_t) { ++size; }
  void Char(char) { ++size; }
  template <class E>
  void Enum(E) {
    ++size;
  }
  void Float(float) { size += 4; }
  template <class T, class F>
  void Group(const std::vector<T>& items, F f) {
    size += VarintSize(items.size());
    for (const T& t : items) f(t);
  }

 private:
  static size_t VarintSize(uint64_t x) {
    size_t n = 1;
    while (x >= 0x80) x >>= 7, ++n;
    return n;
  }
};

// Second pass: writes into space the Sizer measured (no capacity checks).
class Encoder {
 public:
  explicit Encoder(char* p) : p_(p) {}
  char* end() const { return p_; }
  void Str(const std::string& s) {
    Varint(s.size());
    if (!s.empty()) std::memcpy(p_, s.data(), s.size());
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
  Sizer sizer;
  visit(sizer);
  const size_t old = out->size();
  out->resize(old + sizer.size);
  Encoder enc(out->data() + old);
  visit(enc);
  assert(enc.end() == out->data() + out->size());
}

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}
  bool ok() const { return in_.ok(); }
  bool AtEnd() const { return in_.AtEnd(); }

  void Str(std::string& s) { s.assign(in_.String()); }
  void Int(uint32_t& x) {
    uint64_t v = in_.Varint();
    if (v > UINT32_MAX) in_.Invalidate();
    x = static_cast<uint32_t>(v);
  }
  void Byte(uint8_t& b) { b = in_.Fixed<uint8_t>(); }
  void Char(char& c) { c = in_.Fixed<char>(); }
  template <class E>
  void Enum(E& e) {
    e = static_cast<E>(in_.Fixed<uint8_t>());  // range checked in DecodeRecord
  }
  void Float(float& f) { f = in_.Fixed<float>(); }
  template <class T, class F>
  void Group(std::vector<T>& items, F f) {
    uint64_t n = in_.Varint();
    // Every item takes at least one byte, so a count above the bytes left is corrupt.
    if (n > in_.remaining()) {
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

Status DecodeRecord(std::string_view bytes, Record* r) {
  Decoder dec(bytes);
  VisitCore(dec, *r);
  VisitAttached(dec, r->secondary, r->other_org_names, r->endpoints);
  if (!dec.ok()) return Status::Corruption("record bytes are truncated or malformed");
  if (!dec.AtEnd()) return Status::Corruption("record bytes have trailing data");
  return CheckEnums(*r);
}

Status DecodeRecordParts(std::string_view core, std::string_view attached, Record* r) {
  Decoder c(core);
  VisitCore(c, *r);
  if (!c.ok() || !c.AtEnd()) return Status::Corruption("core record bytes are malformed");
  Decoder a(attached);
  VisitAttached(a, r->secondary, r->other_org_names, r->endpoints);
  if (!a.ok() || !a.AtEnd()) return Status::Corruption("attached record bytes are malformed");
  return CheckEnums(*r);
}

}  // namespace meridian
