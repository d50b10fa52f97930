// Cross-origin use of the JSON API (the Fetch standard's CORS protocol):
// any origin may read it, without credentials (no cookies; the admin API's
// bearer token is sent by the app itself). Web pages and the console are not
// shared with other origins.
#pragma once

#include <string_view>

namespace meridian {

// Response headers a browser app may read besides the simple ones.
inline constexpr std::string_view kCorsExposeHeaders =
    "ETag, Retry-After, Link, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
    "X-Request-Id, X-Meridian-Snapshot";
// Request headers a preflight may ask for.
inline constexpr std::string_view kCorsAllowHeaders =
    "Content-Type, Authorization, If-None-Match, X-Request-Id";
// How long a browser may keep a preflight's answer (seconds; browsers cap it).
inline constexpr std::string_view kCorsMaxAge = "86400";

}  // namespace meridian
