// Helpers for tests that call the Service directly (never linked into the product).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "http/service.h"

namespace meridian::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A request for `target` ("/path?query"), as the server would build it.
inline HttpRequest MakeRequest(const std::string& method, const std::string& target,
                               const std::string& body = "", Headers headers = {}) {
  HttpRequest r;
  r.method = method;
  const size_t q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  r.body = body;
  r.headers = std::move(headers);
  r.client = "test";
  return r;
}

// The value of a response header, or "".
inline std::string HeaderOf(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

}  // namespace meridian::testing
