// Escaping text for HTML and XML (element content and quoted attribute
// values): & < > " and ' become entities; everything else, UTF-8
// included, passes through.
#pragma once

#include <string>
#include <string_view>

namespace meridian {

std::string XmlEscape(std::string_view s);

}  // namespace meridian
