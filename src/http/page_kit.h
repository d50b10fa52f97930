// Page kit: what every page file shares (rendering a template inside the
// site layout, building mustache data, links that keep the form's fields).
// Internal to src/http/pages*.cc.
#pragma once

#include <kainjow/mustache.hpp>
#include <string>
#include <string_view>

#include "http/service.h"
#include "model/record.h"
#include "query/query.h"

namespace meridian::page {

using kainjow::mustache::data;

// templates/<name>.mustache rendered with `d`.
std::string Render(const std::string& name, const data& d);
// `body` inside the layout (title, sample-data banner when `ds` is synthetic;
// with `skip_to_results`, a second skip link to the element id "results").
// `head`: extra elements for <head> (meta tags, JSON-LD), already escaped.
HttpResponse Html(const Dataset* ds, const std::string& title, const std::string& body,
                  int status = 200, bool skip_to_results = false, const std::string& head = "");
data Bool(bool b);
// Sets `key` only for a non-empty value: mustache treats "" as true, and
// {{#key}}...{{/key}} sections must skip missing values.
void SetIf(data& d, const std::string& key, const std::string& value);
data List();
// The first value of `name`, or "".
std::string Get(const QueryParams& p, std::string_view name);
// Form-style percent encoding (space as '+').
std::string Encode(std::string_view s);
// path?k=v&... with empty values left out.
std::string Href(const std::string& path, const QueryParams& p);
// `p` with every `name` replaced by one `value` (or removed when empty).
QueryParams With(QueryParams p, const std::string& name, const std::string& value);
// "6085551234" -> "(608) 555-1234"; anything else as given.
std::string Phone(const std::string& digits);
// "1 Main St, Suite 2, Madison, WI 53703".
std::string AddressLine(const Address& a);

}  // namespace meridian::page
