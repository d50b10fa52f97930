// libFuzzer target: HTTP requests end to end through the server's request
// handling. The input is raw bytes off the wire: up to four pipelined
// requests, each parsed by Beast's request_parser<string_body> with the
// limits ServerOptions sets (16 KiB of headers, 64 KiB of body, 8 KiB of
// target), turned into an HttpRequest the way http/server.cc does, and
// answered by Service::Handle. The service serves the 99 sample rows, with
// an SQLite store (migrated) so the report form, the console's sign-in and
// set-password forms, the admin API and the digest's sign-up run too.
// Properties: never crash; every response has a status in 100..599; an
// error (4xx/5xx) answered as application/json parses as JSON and holds an
// "error" object with a non-empty "message" string; an OperationOutcome
// (application/fhir+json) error parses as JSON.
#include <boost/beast/http.hpp>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "http/service.h"
#include "store/store.h"

using namespace meridian;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// ServerOptions' defaults (http/server.h).
constexpr size_t kMaxHeaderBytes = 16 * 1024;
constexpr size_t kMaxTargetBytes = 8 * 1024;
constexpr size_t kMaxBodyBytes = 64 * 1024;

Service& TheService() {
  static Service* service = [] {
    const std::string url = "sqlite:" + fuzz::ScratchFile("store.sqlite");
    auto st = store::Store::Open(url);
    if (!st.ok()) fuzz::Die(st.status().ToString());
    if (Status m = (*st)->Migrate(); !m.ok()) fuzz::Die(m.ToString());
    ServiceOptions o;
    o.snapshot = fuzz::SampleSnapshot();
    o.store = url;
    o.admin_token = "sesame";
    o.rate_per_second = 1e9, o.rate_burst = 1e9;
    o.error_log = nullptr;
    o.mail_dir = fuzz::ScratchFile("mail");
    o.fhir_export_dir = fuzz::ScratchFile("fhir");
    auto s = Service::Create(o);
    if (!s.ok()) fuzz::Die(s.status().ToString());
    return s->release();
  }();
  return *service;
}

void CheckResponse(const HttpResponse& r) {
  MERIDIAN_FUZZ_CHECK(r.status >= 100 && r.status <= 599, "status out of range");
  if (r.status < 400) return;
  if (r.content_type.starts_with("application/json")) {
    nlohmann::json doc = fuzz::ParseJsonBody(r.body);
    MERIDIAN_FUZZ_CHECK(!doc.is_discarded(), "an error body that is not JSON");
    MERIDIAN_FUZZ_CHECK(doc.is_object() && doc.contains("error") && doc["error"].is_object(),
                        "an error body without an error object");
    const nlohmann::json& e = doc["error"];
    MERIDIAN_FUZZ_CHECK(e.contains("message") && e["message"].is_string() &&
                            !e["message"].get<std::string>().empty(),
                        "an error without a message");
  } else if (r.content_type.starts_with("application/fhir+json")) {
    nlohmann::json doc = fuzz::ParseJsonBody(r.body);
    MERIDIAN_FUZZ_CHECK(!doc.is_discarded() && doc.is_object(), "an OperationOutcome not JSON");
  }
}

// As http/server.cc's Session::Answer: the target split at '?', header names
// lower-cased, the body moved over.
HttpRequest ToHttpRequest(http::request<http::string_body>& req) {
  HttpRequest r;
  const std::string_view target(req.target().data(), req.target().size());
  r.method = std::string(req.method_string());
  const size_t qm = target.find('?');
  r.path = std::string(target.substr(0, qm));
  if (qm != std::string_view::npos) r.query = std::string(target.substr(qm + 1));
  for (const auto& f : req) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  r.body = std::move(req.body());
  r.client = "203.0.113.7";
  return r;
}

void RemoveMail() {
  std::error_code ec;
  for (const char* dir : {"mail", "fhir"})
    for (const auto& e : std::filesystem::directory_iterator(fuzz::ScratchFile(dir), ec))
      std::filesystem::remove_all(e.path(), ec);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)TheService();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Service& service = TheService();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (int n = 0; n < 4 && !in.empty(); ++n) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(kMaxHeaderBytes));
    parser.body_limit(kMaxBodyBytes);
    parser.eager(true);
    beast::error_code ec;
    while (!ec && !parser.is_done() && !in.empty()) {
      const size_t used = parser.put(boost::asio::buffer(in.data(), in.size()), ec);
      if (ec == http::error::need_more) break;  // the rest of the input is not enough
      in.remove_prefix(used);
      if (used == 0) break;
    }
    if (!parser.is_done()) {
      if (ec == http::error::need_more || !ec) {
        ec = {};
        parser.put_eof(ec);
      }
      if (!parser.is_done()) return 0;  // the server answers 400/413/431 or closes
      in = {};
    }
    http::request<http::string_body> req = parser.release();
    if (req.target().size() > kMaxTargetBytes) return 0;  // 414
    HttpRequest r = ToHttpRequest(req);
    (void)service.MayWaitOnStore(r);
    const HttpResponse resp = service.Handle(r);
    if (fuzz::Verbose())
      std::fprintf(stderr, "%s %s -> %d %s\n", r.method.c_str(), r.path.c_str(), resp.status,
                   resp.body.substr(0, 160).c_str());
    CheckResponse(resp);
  }
  static uint64_t runs = 0;
  if (++runs % 4096 == 0) RemoveMail();
  return 0;
}
