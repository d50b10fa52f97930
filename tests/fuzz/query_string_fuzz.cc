// libFuzzer target: the HTTP layer's request parsing — query strings, then the
// search parameters they carry — and the route matcher. Must never crash,
// hang or read out of bounds; decoded values must be valid UTF-8.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/query_string.h"
#include "http/routes.h"
#include "query/query.h"
#include "util/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t qm = in.find('?');
  std::string_view path = in.substr(0, qm);
  std::string_view query = qm == std::string_view::npos ? std::string_view() : in.substr(qm + 1);
  std::vector<std::string> args;
  bool method_ok = false;
  (void)meridian::MatchRoute("GET", path, &args, &method_ok);
  meridian::QueryParams params;
  if (meridian::ParseQueryString(query, &params).ok()) {
    for (const auto& [name, value] : params)
      if (!meridian::IsValidUtf8(name) || !meridian::IsValidUtf8(value)) std::abort();
    meridian::Query q;
    meridian::Status parsed =
        meridian::ParseQuery(params, meridian::ModalityMap::Embedded(), &q, nullptr);
    // A refusal always says why, and names the parameter when one is at fault.
    if (!parsed.ok() && parsed.message().empty()) std::abort();
  }
  return 0;
}
