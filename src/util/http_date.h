// HTTP dates (RFC 9110 section 5.6.7, IMF-fixdate): "Sun, 06 Nov 1994
// 08:49:37 GMT", always in GMT, always in English.
#pragma once

#include <ctime>
#include <string>

namespace meridian {

// `t` as an IMF-fixdate. Thread-safe (gmtime_r, no locale).
std::string HttpDate(std::time_t t);

}  // namespace meridian
