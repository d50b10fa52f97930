// JsonWriter: builds compact JSON text with correct string escaping.
//
// Usage: w.BeginObject(); w.Key("a"); w.Int(1); w.EndObject(); w.str().
// Commas are inserted automatically. Strings must be valid UTF-8 (Meridian
// validates all input at ingest); control characters, and < > & (so JSON is
// inert inside HTML), are escaped as \uXXXX.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace meridian {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view k);
  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Uint(uint64_t v);
  JsonWriter& Double(double v, int decimals);
  JsonWriter& Bool(bool b);
  JsonWriter& Null();
  // Key + String, skipping nothing (empty strings are written as "").
  JsonWriter& Field(std::string_view k, std::string_view v) { return Key(k).String(v); }
  // Key + String, or Key + null when `v` is empty: for values that may be
  // absent (an API answer says null, never "", for "not given").
  JsonWriter& Optional(std::string_view k, std::string_view v) {
    Key(k);
    return v.empty() ? Null() : String(v);
  }

  const std::string& str() const { return out_; }
  // Room for `bytes` of output without regrowing (a hint; optional).
  void Reserve(size_t bytes) { out_.reserve(bytes); }

 private:
  void Separate();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

// Appends `s` to *out as a quoted, escaped JSON string. Well-formed UTF-8
// is kept as is; each byte that does not start a well-formed sequence
// (from a request path, a file) becomes \ufffd, so the output is always
// valid JSON.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace meridian
