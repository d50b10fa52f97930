// Conditional GETs (RFC 9110 sections 8.8.3 and 13.1.2): entity tags and
// If-None-Match, and the gzip negotiation the tags depend on.
//
// Meridian's tags are weak (W/"..."): two answers with one tag mean the
// same (a search's took_us may differ), not the same bytes. They are made
// from what an answer depends on (the snapshot's content id, the articles,
// the editors' corrections, the request), not from the body, so a
// revalidation is answered 304 before any search runs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace meridian {

// Whether an Accept-Encoding value takes gzip: "gzip", "gzip, br",
// "deflate, gzip;q=1.0"; "gzip;q=0" refuses it.
bool AcceptsGzip(std::string_view accept_encoding);

// W/"<16 hex digits>", with "-gzip" inside the quotes for the gzip
// representation: the two encodings never share a validator.
std::string WeakEntityTag(uint64_t fingerprint, bool gzip);

// Whether If-None-Match `header` matches `etag` by weak comparison: "*"
// matches any current representation; otherwise any tag of the
// comma-separated list whose opaque part equals etag's (W/ ignored on both
// sides). A malformed list matches nothing from the first bad member on
// (the request then gets a full answer, never a wrong 304).
bool IfNoneMatchHits(std::string_view header, std::string_view etag);

}  // namespace meridian
