// The web pages' templates and static files (web/), compiled into the
// binary by CMake (web_bundle.S): the product needs no files at run time.
#pragma once

#include <string_view>
#include <utility>

namespace meridian {

// The bytes of web/<name> ("templates/home.mustache", "static/site.css"), or
// an empty view when there is no such file.
std::string_view WebAsset(std::string_view name);

}  // namespace meridian
