// Query strings and paths of HTTP requests, decoded strictly.
//
// ParseQueryString("near=53703&q=jo%C3%A3o+silva") gives
// [("near","53703"), ("q","joão silva")]: pairs split at '&', name and value
// at the first '=', '+' is a space, %XX a byte. Refused, with a message that
// names the problem: a bad escape ("%4", "%zz"), bytes that are not UTF-8
// after decoding, a NUL byte, an empty name, or more than kMaxQueryParams
// pairs. Empty pairs ("a=1&&b=2") are skipped.
#pragma once

#include <string>
#include <string_view>

#include "query/query.h"
#include "util/status.h"

namespace meridian {

inline constexpr size_t kMaxQueryParams = 64;

Status ParseQueryString(std::string_view raw, QueryParams* out);
// One percent-decoded component ('+' kept as '+' unless plus_is_space).
Status PercentDecode(std::string_view in, bool plus_is_space, std::string* out);

}  // namespace meridian
