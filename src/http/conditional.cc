#include "http/conditional.h"

#include <cstdio>

namespace meridian {

namespace {

std::string_view Opaque(std::string_view tag) {
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  return tag;
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  size_t at = accept_encoding.find("gzip");
  if (at == std::string_view::npos) return false;
  std::string_view rest = accept_encoding.substr(at + 4);
  return !(rest.starts_with(";q=0") && !rest.starts_with(";q=0."));
}

std::string WeakEntityTag(uint64_t fingerprint, bool gzip) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "W/\"%016llx%s\"", static_cast<unsigned long long>(fingerprint),
                gzip ? "-gzip" : "");
  return buf;
}

bool IfNoneMatchHits(std::string_view header, std::string_view etag) {
  const std::string_view want = Opaque(etag);
  size_t i = 0;
  auto skip = [&] {
    while (i < header.size() && (IsSpace(header[i]) || header[i] == ',')) ++i;
  };
  skip();
  if (header.substr(i).starts_with("*")) {
    size_t j = i + 1;
    while (j < header.size() && IsSpace(header[j])) ++j;
    return j == header.size();  // "*" alone; "*, x" is malformed
  }
  while (i < header.size()) {
    size_t start = i;
    if (header.substr(i).starts_with("W/")) i += 2;
    if (i >= header.size() || header[i] != '"') return false;
    const size_t close = header.find('"', i + 1);
    if (close == std::string_view::npos) return false;
    if (Opaque(header.substr(start, close + 1 - start)) == want) return true;
    i = close + 1;
    while (i < header.size() && IsSpace(header[i])) ++i;
    if (i < header.size() && header[i] != ',') return false;
    skip();
  }
  return false;
}

}  // namespace meridian
