#include "http/query_string.h"

#include "util/utf8.h"

namespace meridian {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Status PercentDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      const bool two_follow = i + 2 < in.size();
      const int hi = two_follow ? HexValue(in[i + 1]) : -1;
      const int lo = two_follow ? HexValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0)
        return Status::InvalidArgument("bad percent escape at \"" + std::string(in.substr(i, 3)) +
                                       "\"");
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  if (out->find('\0') != std::string::npos) return Status::InvalidArgument("a NUL byte");
  if (!IsValidUtf8(*out)) return Status::InvalidArgument("not valid UTF-8 after decoding");
  return Status::OK();
}

Status ParseQueryString(std::string_view raw, QueryParams* out) {
  out->clear();
  size_t at = 0;
  while (at <= raw.size()) {
    size_t amp = raw.find('&', at);
    if (amp == std::string_view::npos) amp = raw.size();
    std::string_view pair = raw.substr(at, amp - at);
    at = amp + 1;
    if (pair.empty()) continue;
    if (out->size() == kMaxQueryParams)
      return Status::InvalidArgument("more than " + std::to_string(kMaxQueryParams) +
                                     " query parameters");
    const size_t eq = pair.find('=');
    std::string name, value;
    Status s = PercentDecode(pair.substr(0, eq), true, &name);
    if (!s.ok()) return Status::InvalidArgument("parameter name: " + s.message());
    if (name.empty()) return Status::InvalidArgument("a parameter without a name");
    if (eq != std::string_view::npos) {
      s = PercentDecode(pair.substr(eq + 1), true, &value);
      if (!s.ok()) return Status::InvalidArgument("parameter " + name + ": " + s.message());
    }
    out->emplace_back(std::move(name), std::move(value));
  }
  return Status::OK();
}

}  // namespace meridian
