#include "http/openapi.h"

#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "http/routes.h"
#include "knowledge/modality_map.h"
#include "query/query.h"

namespace meridian {
namespace {

using nlohmann::json;

// The OpenAPI document lists exactly the routes the server dispatches and,
// for search, exactly the parameters ParseQuery accepts.
// Every $ref points at something; every JSON route has its answer's schema
// and the errors it can give; admin routes need the bearer scheme.
TEST(OpenApi, EveryRouteHasItsSchemasAndEveryReferenceResolves) {
  const json doc = json::parse(OpenApiJson());
  size_t refs = 0;
  std::function<void(const json&)> walk = [&](const json& j) {
    if (j.is_object()) {
      if (j.contains("$ref")) {
        const std::string ref = j["$ref"];
        ASSERT_TRUE(ref.starts_with("#/")) << ref;
        const json* at = &doc;
        for (size_t from = 2; from <= ref.size();) {
          const size_t slash = std::min(ref.find('/', from), ref.size());
          const std::string key = ref.substr(from, slash - from);
          ASSERT_TRUE(at->contains(key)) << ref;
          at = &(*at)[key];
          from = slash + 1;
        }
        ++refs;
      }
      for (const auto& [k, v] : j.items()) walk(v);
    } else if (j.is_array()) {
      for (const json& v : j) walk(v);
    }
  };
  walk(doc);
  EXPECT_GT(refs, 100u);
  EXPECT_EQ(doc["info"]["license"]["identifier"], "Apache-2.0");
  EXPECT_TRUE(doc["security"].is_array() && doc["security"].empty());
  for (const Route& r : Routes()) {
    std::string m = r.method;
    for (char& c : m) c = static_cast<char>(std::tolower(c));
    const json& op = doc["paths"][r.path][m];
    const json& responses = op["responses"];
    if (!r.html && !r.fhir && r.path.starts_with("/api/")) {
      EXPECT_TRUE(responses.contains("200") || responses.contains("201")) << r.name;
      const json& ok = responses.contains("200") ? responses["200"] : responses["201"];
      EXPECT_TRUE(ok["content"]["application/json"]["schema"].contains("$ref")) << r.name;
      EXPECT_TRUE(responses.contains("400") || r.params.empty()) << r.name;
      if (r.expensive) EXPECT_TRUE(responses.contains("429")) << r.name;
    }
    const bool admin = r.path.starts_with("/api/v1/admin") || r.path == "/admin/reload";
    EXPECT_EQ(op.contains("security"), admin) << r.name;
    EXPECT_EQ(op["tags"].size(), 1u) << r.name;
    if (r.html) EXPECT_NE(op["tags"][0].get<std::string>().find("HTML"), std::string::npos);
  }
  // Parameters carry their constraints.
  for (const json& p : doc["paths"]["/api/v1/search"]["get"]["parameters"]) {
    if (p["name"] == "limit") {
      EXPECT_EQ(p["schema"]["minimum"], 1);
      EXPECT_EQ(p["schema"]["maximum"], 100);
    }
    if (p["name"] == "sort") EXPECT_EQ(p["schema"]["enum"].size(), 3u);
    if (p["name"] == "modality") EXPECT_GE(p["schema"]["enum"].size(), 8u);
  }
}

TEST(OpenApi, DocumentMatchesWhatTheServerAccepts) {
  json doc = json::parse(OpenApiJson());
  EXPECT_EQ(doc["openapi"], "3.1.0");
  size_t operations = 0;
  for (auto& [path, ops] : doc["paths"].items())
    for (auto& [method, op] : ops.items()) {
      ++operations;
      std::string m = method;
      for (char& c : m) c = static_cast<char>(std::toupper(c));
      std::string concrete = path;
      for (size_t b; (b = concrete.find('{')) != std::string::npos;)
        concrete.replace(b, concrete.find('}') - b + 1, "X1");
      std::vector<std::string> args;
      bool method_ok = false;
      const Route* r = MatchRoute(m, concrete, &args, &method_ok);
      ASSERT_NE(r, nullptr) << path;
      EXPECT_TRUE(method_ok) << method << " " << path;
      EXPECT_EQ(op["operationId"], r->name);
    }
  EXPECT_EQ(operations, Routes().size());
  std::set<std::string> documented;
  for (const json& p : doc["paths"]["/api/v1/search"]["get"]["parameters"]) {
    documented.insert(p["name"]);
    EXPECT_NE(p["description"], "(undocumented)") << p["name"];
  }
  // The test's own list of search parameters, each with a value a client
  // would send: the document must list exactly these, and the server must
  // take each one (alone, or with what it needs).
  const std::map<std::string, QueryParams> examples = {
      {"near", {{"near", "53703"}}},
      {"radius", {{"near", "53703"}, {"radius", "10mi"}}},
      {"city", {{"city", "Madison, WI"}}},
      {"taxonomy", {{"taxonomy", "2251"}}},
      {"modality", {{"modality", "acupuncture"}}},
      {"entity", {{"entity", "individual"}}},
      {"state", {{"state", "WI"}}},
      {"sex", {{"sex", "F"}}},
      {"credential", {{"credential", "L.Ac."}}},
      {"include_deactivated", {{"include_deactivated", "true"}}},
      {"has_secondary", {{"has_secondary", "true"}}},
      {"q", {{"q", "smith"}}},
      {"sort", {{"sort", "name"}}},
      {"limit", {{"limit", "5"}}},
      {"offset", {{"offset", "10"}}},
      {"cursor", {{"sort", "name"}, {"cursor", "c1.n.0.0.1234567893.0"}}},
      {"number", {{"number", "1234567893"}}},
      {"postal_code", {{"postal_code", "537*"}}},
      {"first_name", {{"first_name", "jo*"}}},
      {"last_name", {{"last_name", "Smith"}}},
      {"organization_name", {{"organization_name", "Mercy*"}}},
  };
  std::set<std::string> expected;
  for (const auto& [name, params] : examples) expected.insert(name);
  EXPECT_EQ(documented, expected);
  for (const auto& [name, params] : examples) {
    Query q;
    Status e = ParseQuery(params, ModalityMap::Embedded(), &q, nullptr);
    // Without a snapshot, city and cursor are refused for that reason only.
    if (name == "city" || name == "cursor") {
      EXPECT_EQ(e.param(), name);
      EXPECT_EQ(e.message().find("unknown parameter"), std::string::npos) << name;
    } else {
      EXPECT_TRUE(e.ok()) << name << ": " << e.ToString();
    }
  }
  for (const char* stranger : {"zip", "lat", "page", "nearby", "modalities"}) {
    Query q;
    Status e = ParseQuery({{stranger, "1"}}, ModalityMap::Embedded(), &q, nullptr);
    EXPECT_EQ(e.message(), "unknown parameter") << stranger;
  }
}

// What the server answers before it reaches any route (a URL or headers too
// long, connections shed) is in every operation, with the shared responses
// they refer to; shared responses nothing refers to are left out.
TEST(OpenApi, EveryOperationListsTheServersOwnRefusals) {
  const json doc = json::parse(OpenApiJson());
  for (const auto& [path, ops] : doc["paths"].items())
    for (const auto& [method, op] : ops.items())
      for (const char* status : {"414", "431", "503"})
        EXPECT_TRUE(op["responses"].contains(status)) << method << " " << path << " " << status;
  const std::string paths = doc["paths"].dump();
  for (const auto& [name, response] : doc["components"]["responses"].items())
    EXPECT_NE(paths.find("\"#/components/responses/" + name + "\""), std::string::npos) << name;
  EXPECT_TRUE(doc["components"]["responses"].contains("UriTooLong"));
  for (const json& tag : doc["tags"]) EXPECT_FALSE(tag.value("description", "").empty()) << tag;
}

}  // namespace
}  // namespace meridian
