#include "util/json.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "util/utf8.h"

namespace meridian {

namespace {

// Whether any of the 8 bytes in `w` needs a look: a control character
// (< 0x20), a byte of a UTF-8 sequence (>= 0x80), or one of " \\ < > &.
// (The classic "has a zero byte" test per character class.)
bool AnySpecial(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  const uint64_t control = (w - kOnes * 0x20) & ~w & kHigh;  // bytes < 0x20 (or >= 0x80 below)
  return ((w & kHigh) | control | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\')) |
          has_zero(w ^ (kOnes * '<')) | has_zero(w ^ (kOnes * '>')) |
          has_zero(w ^ (kOnes * '&'))) != 0;
}

// Per byte: 1 when it needs a look (the same bytes as AnySpecial).
constexpr std::array<uint8_t, 256> kNeedsLook = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[static_cast<size_t>(c)] =
        c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&';
  return t;
}();

}  // namespace

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  size_t run = 0;  // start of the bytes not yet appended (copied in one go)
  size_t i = 0;
  for (;;) {
    // Plain ASCII 8 bytes at a time; a block with anything else goes bytewise.
    while (i + 8 <= s.size()) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (AnySpecial(w)) break;
      i += 8;
    }
    if (i >= s.size()) break;
    const size_t block_end = std::min(s.size(), i + 8);
    for (; i < block_end; ++i) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if (!kNeedsLook[c]) continue;
      if (c >= 0x80) {  // a UTF-8 sequence, kept; bytes that are not one become U+FFFD
        const size_t n = Utf8SequenceLength(s, i);
        if (n > 0) {
          i += n - 1;
          continue;
        }
        out->append(s.data() + run, i - run);
        out->append("\\ufffd");
        run = i + 1;
        continue;
      }
      // <, > and & as \u escapes too, so JSON is inert even pasted into HTML.
      out->append(s.data() + run, i - run);
      run = i + 1;
      switch (c) {
        case '"':
          out->append("\\\"");
          break;
        case '\\':
          out->append("\\\\");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        case '\t':
          out->append("\\t");
          break;
        default: {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out->append(buf);
        }
      }
    }
    // A UTF-8 sequence may have carried i past block_end; the loop goes on from there.
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::BeginObject() {
  Separate();
  out_.push_back('{');
  first_.push_back(true);
  return *this;
}
JsonWriter& JsonWriter::EndObject() {
  out_.push_back('}');
  first_.pop_back();
  return *this;
}
JsonWriter& JsonWriter::BeginArray() {
  Separate();
  out_.push_back('[');
  first_.push_back(true);
  return *this;
}
JsonWriter& JsonWriter::EndArray() {
  out_.push_back(']');
  first_.pop_back();
  return *this;
}
JsonWriter& JsonWriter::Key(std::string_view k) {
  Separate();
  AppendJsonString(&out_, k);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}
JsonWriter& JsonWriter::String(std::string_view s) {
  Separate();
  AppendJsonString(&out_, s);
  return *this;
}
JsonWriter& JsonWriter::Int(int64_t v) {
  Separate();
  char buf[24];
  out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
  return *this;
}
JsonWriter& JsonWriter::Uint(uint64_t v) {
  Separate();
  char buf[24];
  out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
  return *this;
}
JsonWriter& JsonWriter::Double(double v, int decimals) {
  Separate();
  if (!std::isfinite(v)) {
    out_.append("null");
    return *this;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  out_.append(buf, r.ptr);
  return *this;
}
JsonWriter& JsonWriter::Bool(bool b) {
  Separate();
  out_.append(b ? "true" : "false");
  return *this;
}
JsonWriter& JsonWriter::Null() {
  Separate();
  out_.append("null");
  return *this;
}

}  // namespace meridian
