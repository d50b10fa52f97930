#include "http/page_kit.h"

#include <algorithm>
#include <ctime>

#include "http/assets.h"
#include "text/display_case.h"

namespace meridian::page {

using kainjow::mustache::mustache;

std::string Render(const std::string& name, const data& d) {
  mustache t(std::string(WebAsset("templates/" + name + ".mustache")));
  return t.render(d);
}

HttpResponse Html(const Dataset* ds, const std::string& title, const std::string& body, int status,
                  bool skip_to_results, const std::string& head) {
  data layout;
  layout.set("head", head);
  layout.set("skip_results", skip_to_results ? data::type::bool_true : data::type::bool_false);
  layout.set("title", title);
  layout.set("body", body);
  layout.set("synthetic", ds != nullptr && ds->snap->synthetic() ? data::type::bool_true
                                                                 : data::type::bool_false);
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = Render("layout", layout);
  return r;
}

data Bool(bool b) { return b ? data::type::bool_true : data::type::bool_false; }

void SetIf(data& d, const std::string& key, const std::string& value) {
  if (!value.empty()) d.set(key, value);
}

data List() { return data::type::list; }

std::string Get(const QueryParams& p, std::string_view name) {
  for (const auto& [k, v] : p)
    if (k == name) return v;
  return "";
}

std::string Encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string Href(const std::string& path, const QueryParams& p) {
  std::string out = path;
  char sep = '?';
  for (const auto& [k, v] : p) {
    if (v.empty()) continue;
    out += sep + Encode(k) + "=" + Encode(v);
    sep = '&';
  }
  return out;
}

QueryParams With(QueryParams p, const std::string& name, const std::string& value) {
  p.erase(std::remove_if(p.begin(), p.end(), [&](const auto& kv) { return kv.first == name; }),
          p.end());
  if (!value.empty()) p.emplace_back(name, value);
  return p;
}

std::string Phone(const std::string& digits) {
  if (digits.size() == 10 && digits.find_first_not_of("0123456789") == std::string::npos)
    return "(" + digits.substr(0, 3) + ") " + digits.substr(3, 3) + "-" + digits.substr(6);
  return digits;
}

std::string AddressLine(const Address& registry) {
  const Address a = ReadableAddress(registry);
  std::string s = a.line1;
  if (!a.line2.empty()) s += ", " + a.line2;
  if (!a.city.empty()) s += ", " + a.city;
  if (!a.state.empty()) s += ", " + a.state;
  if (!a.postal_code.empty()) s += " " + a.postal_code.substr(0, 5);
  return s;
}

}  // namespace meridian::page
