// The OpenAPI 3.1 document of the server: built once from the route table
// (http/routes.h) and the schemas in data/api/openapi_components.json.
#include "http/openapi.h"

#include <cctype>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "data/embedded.h"
#include "http/routes.h"
#include "knowledge/modality_map.h"
#include "query/query.h"

namespace meridian {

namespace {

using nlohmann::json;

// The JSON Schema of one parameter's value: its type, and the constraints
// the parsers enforce (query/query.cc for the search; the handlers for the
// rest). Enumerated values are listed as spelled canonically; the server
// takes them in any letter case.
json ParamSchema(const RouteParam& p) {
  json s = {{"type", p.type}};
  const std::string& n = p.name;
  if (n == "npi" || n == "number") {
    s["pattern"] = "^[0-9]{10}$";
  } else if (n == "postal_code") {
    s["pattern"] = "^([0-9]{5}(-?[0-9]{4})?|[0-9]{2,4}\\*)$";
  } else if (n == "state") {
    s["pattern"] = "^[A-Za-z]{2}$";
  } else if (n == "modality") {
    json ids = json::array({"any"});
    for (const Modality& m : ModalityMap::Embedded().modalities()) ids.push_back(m.id);
    s["enum"] = ids;
  } else if (n == "entity") {
    s["enum"] = {"individual", "organization"};
  } else if (n == "sex") {
    s["enum"] = {"F", "M"};
  } else if (n == "sort") {
    s["enum"] = {"distance", "relevance", "name"};
  } else if (n == "limit" && p.type == "integer") {
    s["minimum"] = 1, s["maximum"] = kMaxLimit, s["default"] = 10;
  } else if (n == "offset" && p.type == "integer") {
    s["minimum"] = 0, s["maximum"] = kMaxOffset, s["default"] = 0;
  } else if (n == "radius" && p.in == "query" && p.type == "string") {
    s["pattern"] = "^[0-9]+(\\.[0-9]+)?(mi|km)?$";
  } else if (n == "near") {
    s["pattern"] = "^([0-9]{5}(-?[0-9]{4})?|-?[0-9.]+,-?[0-9.]+)$";
  } else if (n == "taxonomy") {
    s["pattern"] = "^[0-9A-Za-z]{1,10}$";
  } else if (n == "q" && p.in == "query") {
    s["maxLength"] = kMaxTextBytes;
  } else if (n == "cursor") {
    s["pattern"] = "^c2\\.";
  }
  if (p.repeatable) return {{"type", "array"}, {"items", s}};
  return s;
}

// The document's group for a route: the API by what it is about, then the
// web pages, FHIR and the console apart from it.
std::string TagOf(const Route& r) {
  if (r.fhir) return "FHIR R4";
  if (r.html) return r.path.starts_with("/admin") ? "Console (HTML)" : "Web pages (HTML)";
  if (r.path.starts_with("/api/v1/admin") || r.path == "/admin/reload") return "Admin";
  if (r.path == "/healthz" || r.path == "/readyz" || r.path == "/metrics") return "Operations";
  if (r.path.starts_with("/api/v1/search") || r.path.starts_with("/api/v1/providers") ||
      r.path.starts_with("/api/v1/organizations"))
    return "Search and providers";
  if (r.path.starts_with("/api/v1/guide")) return "Guide";
  if (r.path.starts_with("/api/v1/articles") || r.path.starts_with("/articles")) return "Articles";
  return "Reference";
}

bool NeedsBearer(const Route& r) {
  return r.path.starts_with("/api/v1/admin") || r.path == "/admin/reload";
}

// A response whose body is not JSON described by a schema of ours: HTML,
// FHIR resources, feeds and files.
json PlainResponse(const Route& r) {
  std::string type = "text/html";
  json schema = {{"type", "string"}};
  if (r.fhir) {
    type = "application/fhir+json";
    schema = {{"type", "object"},
              {"description",
               "A FHIR R4 resource, Bundle or OperationOutcome "
               "(https://hl7.org/fhir/R4/)."}};
  } else if (r.name == "metrics") {
    type = "text/plain";
  } else if (r.path.ends_with(".atom") || r.name == "author_feed") {
    type = "application/atom+xml";
  } else if (r.name == "sitemap" || r.name == "sitemap_file") {
    type = "application/xml";
  } else if (r.name == "author_photo" || r.name == "static") {
    type = "application/octet-stream";
  }
  return {{"description", r.html ? "An HTML page" : "OK"},
          {"content", {{type, {{"schema", schema}}}}}};
}

const char* ErrorResponseName(int status) {
  switch (status) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 406:
      return "NotAcceptable";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "PayloadTooLarge";
    case 414:
      return "UriTooLong";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "UnprocessableContent";
    case 429:
      return "TooManyRequests";
    case 431:
      return "RequestHeaderFieldsTooLarge";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    default:
      return nullptr;
  }
}

}  // namespace

std::string OpenApiJson() {
  static const std::string doc = [] {
    const json components = json::parse(EmbeddedOpenApiComponents());
    const json& route_schemas = components["x-route-schemas"];
    json d;
    d["openapi"] = "3.1.0";
    d["info"] = {
        {"title", "Meridian API"},
        {"version", "1"},
        {"description",
         "Find qualified practitioners of non-drug pain care from the CMS NPPES registry. "
         "Everything NPPES says is self-reported by providers and is labelled so. Errors are "
         "{\"error\":{\"code\",\"message\",\"param\"}}. Every API answer is readable from any "
         "origin (CORS), has a Date, and public ones a weak ETag for If-None-Match; searches "
         "page with next_cursor and a Link rel=next header."},
        {"license", {{"name", "Apache-2.0"}, {"identifier", "Apache-2.0"}}}};
    d["servers"] = json::array({{{"url", "/"}, {"description", "This server"}}});
    d["security"] = json::array();
    json tags = json::array();
    for (const auto& [t, about] : std::initializer_list<std::pair<const char*, const char*>>{
             {"Search and providers",
              "Search the registry near a place, by name or NPI; read a provider or organization."},
             {"Reference", "Places, state rules, credentials, modalities and the NUCC taxonomy."},
             {"Guide", "The decision guide: its questions and what an answer leads to."},
             {"Articles", "Published articles, authors and feeds."},
             {"Operations", "Health, readiness and metrics for whoever runs the server."},
             {"Admin", "Reload, corrections and reports; needs a bearer token."},
             {"FHIR R4", "The same data as FHIR R4 resources (Practitioner, Organization, ...)."},
             {"Web pages (HTML)", "The pages people read; not part of the JSON API."},
             {"Console (HTML)", "The operators' console pages; not part of the JSON API."}})
      tags.push_back({{"name", t}, {"description", about}});
    d["tags"] = tags;
    json paths = json::object();
    for (const Route& r : Routes()) {
      std::string m = r.method;
      for (char& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      json op;
      op["operationId"] = r.name;
      op["summary"] = r.summary;
      op["tags"] = {TagOf(r)};
      json params = json::array();
      for (const RouteParam& p : r.params) {
        json jp = {{"name", p.name},
                   {"in", p.in},
                   {"description", p.description},
                   {"required", p.required},
                   {"schema", ParamSchema(p)}};
        if (p.repeatable) jp["explode"] = true;
        params.push_back(jp);
      }
      op["parameters"] = params;
      if (r.has_body) {
        const std::string type =
            r.html || r.fhir ? "application/x-www-form-urlencoded" : "application/json";
        op["requestBody"] = {{"required", true},
                             {"content", {{type, {{"schema", {{"type", "object"}}}}}}}};
      }
      if (NeedsBearer(r)) op["security"] = json::array({{{"bearer", json::array()}}});
      json responses = json::object();
      if (route_schemas.contains(r.name)) {
        const json& rs = route_schemas[r.name];
        for (const auto& [status, schema] : rs.items()) {
          if (status == "errors") continue;
          if (status == "304") {
            responses["304"] = {{"$ref", "#/components/responses/NotModified"}};
            continue;
          }
          const std::string type = r.name == "feed_json" ? "application/feed+json"
                                   : r.name == "metrics" ? "text/plain"
                                                         : "application/json";
          responses[status] = {
              {"description", status == "201"   ? "Created"
                              : status == "503" ? "Draining"
                                                : "OK"},
              {"content",
               {{type,
                 {{"schema", {{"$ref", "#/components/schemas/" + schema.get<std::string>()}}}}}}}};
        }
        for (const json& e : rs.value("errors", json::array()))
          if (const char* name = ErrorResponseName(e.get<int>()))
            if (!responses.contains(std::to_string(e.get<int>())))
              responses[std::to_string(e.get<int>())] = {
                  {"$ref", std::string("#/components/responses/") + name}};
      } else {
        responses["200"] = PlainResponse(r);
        if (!r.params.empty() || r.has_body)
          responses["400"] = {
              {"description", r.html ? "An HTML page saying what is wrong" : "A bad parameter"}};
        if (r.expensive) responses["429"] = {{"description", "Too many requests; see Retry-After"}};
      }
      // What the server answers before any route is found, on every route:
      // a URL or headers too long, and 503 when it sheds connections.
      for (const int status : {414, 431, 503})
        if (!responses.contains(std::to_string(status)))
          responses[std::to_string(status)] = {
              {"$ref", std::string("#/components/responses/") + ErrorResponseName(status)}};
      if (r.fhir && !responses.contains("406"))
        responses["406"] = {
            {"description", "The client accepts no JSON: an OperationOutcome"},
            {"content", {{"application/fhir+json", {{"schema", {{"type", "object"}}}}}}}};
      if (r.html && r.has_body && !responses.contains("403"))
        responses["403"] = {{"description", "An HTML page: the form was not sent from this site"},
                            {"content", {{"text/html", {{"schema", {{"type", "string"}}}}}}}};
      paths[r.path][m] = op;
      paths[r.path][m]["responses"] = responses;
    }
    d["paths"] = paths;
    json c;
    c["schemas"] = components["schemas"];
    // Only the shared responses some operation refers to.
    const std::string all_paths = paths.dump();
    c["responses"] = json::object();
    for (const auto& [name, response] : components["responses"].items())
      if (all_paths.find("\"#/components/responses/" + name + "\"") != std::string::npos)
        c["responses"][name] = response;
    c["securitySchemes"] = {
        {"bearer",
         {{"type", "http"},
          {"scheme", "bearer"},
          {"description", "A token from `meridian admin token` (only its hash is stored)."}}}};
    d["components"] = c;
    return d.dump();
  }();
  return doc;
}

}  // namespace meridian
