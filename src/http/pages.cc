#include "http/pages.h"

#include "http/assets.h"
#include "http/page_kit.h"

namespace meridian {

using namespace page;  // NOLINT: the page kit is this file's vocabulary

HttpResponse PageAbout(const Dataset& d) {
  data v;
  v.set("records", std::to_string(d.snap->size()));
  v.set("built", FormatUnixDate(static_cast<int64_t>(d.snap->created_unix())));
  v.set("synthetic", Bool(d.snap->synthetic()));
  return Html(&d, "About the data", Render("about", v));
}

HttpResponse PageMessage(const Dataset* d, int status, const std::string& heading,
                         const std::string& message) {
  data v;
  v.set("heading", heading);
  v.set("message", message);
  v.set("back", "/");
  v.set("back_label", "Go to the start page");
  return Html(d, heading, Render("message", v), status);
}

HttpResponse StaticFile(const std::string& name) {
  const std::string_view bytes = WebAsset("static/" + name);
  HttpResponse r;
  if (bytes.empty()) {
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "not found";
    return r;
  }
  r.content_type = name.ends_with(".css")  ? "text/css; charset=utf-8"
                   : name.ends_with(".js") ? "text/javascript; charset=utf-8"
                                           : "application/octet-stream";
  r.body = std::string(bytes);
  r.headers.emplace_back("Cache-Control", "public, max-age=3600");
  return r;
}

}  // namespace meridian
