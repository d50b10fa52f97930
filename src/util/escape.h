// Escaping text for HTML and XML (element content and quoted attribute
// values): & < > " and ' become entities; everything else, UTF-8
// included, passes through.
#pragma once

#include <string>
#include <string_view>

namespace meridian {

std::string XmlEscape(std::string_view s);

// Percent-encodes `s` for a URL's query string (RFC 3986): letters, digits
// and - . _ ~ stay; every other byte becomes %XX (upper-case hex).
std::string QueryEscape(std::string_view s);

}  // namespace meridian
