#include "fhir/api.h"

#include <algorithm>

#include "fhir/resources.h"
#include "fhir/search.h"
#include "model/fields.h"
#include "util/json.h"

namespace meridian::fhir {

namespace {

const char* IssueCode(const Status& s) {
  switch (s.HttpStatus()) {
    case 400:
      return "invalid";
    case 404:
      return "not-found";
    case 405:
    case 406:
      return "not-supported";
    case 410:
      return "deleted";
    case 429:
      return "throttled";
    case 503:
      return "transient";
    default:
      return "exception";
  }
}

Response Ok(std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
  return Response{200, std::move(body), std::move(headers)};
}

// Whether the client will take JSON: _format, else the Accept header.
Status CheckFormat(const Request& req) {
  for (const auto& [name, value] : req.params) {
    if (name != "_format") continue;
    if (value == "json" || value == "application/json" || value == "application/fhir+json")
      return Status::OK();
    if (value.find("xml") != std::string::npos)
      return Status::NotAcceptable("this server answers in JSON only; use _format=json")
          .WithParam("_format");
    return Status::InvalidArgument("expected _format=json").WithParam("_format");
  }
  const std::string& a = req.accept;
  if (a.empty() || a.find("json") != std::string::npos || a.find("*/*") != std::string::npos ||
      a.find("application/*") != std::string::npos)
    return Status::OK();
  return Status::NotAcceptable("this server answers in JSON only (application/fhir+json)");
}

Response Read(const SearchIndex& index, ResourceType type, const std::string& id_text,
              const Request& req) {
  const Snapshot& snap = index.snapshot();
  ResourceId id;
  const std::string what = std::string(TypeName(type)) + "/" + id_text;
  if (!ParseId(type, id_text, &id)) return Outcome(Status::NotFound("no resource " + what));
  const int64_t row = snap.Find(id.npi);
  if (row < 0) return Outcome(Status::NotFound("no resource " + what));
  Record rec;
  if (Status s = snap.GetRecord(static_cast<size_t>(row), &rec); !s.ok()) return Outcome(s);
  if (rec.entity == EntityType::kDeactivated)
    return Outcome(Status::Gone("NPI " + NpiToString(id.npi) + " was deactivated on " +
                                FormatIsoDate(rec.deactivation_date)));
  if (!Exists(rec, type, id)) return Outcome(Status::NotFound("no resource " + what));
  JsonWriter w;
  const Corrections fixes = req.corrections ? req.corrections(id.npi) : Corrections{};
  WriteResource(rec, type, id, Elements{}, &w, fixes);
  // A correction changes the answer, so it changes the tag.
  int64_t last = 0;
  for (const store::Correction& c : fixes)
    last = std::max(last, c.id * 4 + (c.status == "flagged" ? 1 : 0));
  char etag[64];
  std::snprintf(etag, sizeof etag, "W/\"%08x-%lld\"", snap.id(), static_cast<long long>(last));
  return Ok(w.str(), {{"ETag", etag}});
}

}  // namespace

Response Outcome(const Status& s) {
  JsonWriter w;
  w.BeginObject().Field("resourceType", "OperationOutcome");
  w.Key("issue").BeginArray().BeginObject();
  w.Field("severity", "error").Field("code", IssueCode(s));
  w.Field("diagnostics", s.message());
  if (!s.param().empty()) w.Key("expression").BeginArray().String(s.param()).EndArray();
  w.EndObject().EndArray().EndObject();
  return Response{s.HttpStatus(), w.str(), {}};
}

std::string CapabilityStatementJson(const std::string& base_url, const Snapshot& snap) {
  JsonWriter w;
  w.BeginObject();
  w.Field("resourceType", "CapabilityStatement");
  w.Field("status", "active");
  w.Field("date", FormatUnixInstant(static_cast<int64_t>(snap.created_unix())));
  w.Field("publisher", "Meridian");
  w.Field("kind", "instance");
  w.Key("software").BeginObject().Field("name", "Meridian").EndObject();
  w.Key("implementation").BeginObject();
  w.Field("description",
          "A read-only provider directory built from the CMS NPPES registry. Everything in it is "
          "self-reported to NPPES; nothing is verified.");
  w.Field("url", base_url);
  w.EndObject();
  w.Field("fhirVersion", kFhirVersion);
  w.Key("format").BeginArray().String("json").EndArray();
  w.Key("rest").BeginArray().BeginObject();
  w.Field("mode", "server");
  w.Field("documentation",
          "Search with GET or POST [type]/_search. Every search also takes _count (1-100, default "
          "10), _total (none, estimate, accurate), _summary (count, false), _elements, _include, "
          "_revinclude, _format (json) and _page (from a next or previous link). Results with a "
          "point are nearest first, the distance in the location-distance extension of "
          "Bundle.entry.search. Ids derive from the NPI: Practitioner/{npi}, "
          "Location/{npi}-{k}, PractitionerRole/{npi}-{k}-{slot}, Endpoint/{npi}-{j}.");
  w.Key("resource").BeginArray();
  for (ResourceType t : kAllTypes) {
    w.BeginObject();
    w.Field("type", TypeName(t));
    w.Key("interaction").BeginArray();
    w.BeginObject().Field("code", "read").EndObject();
    w.BeginObject().Field("code", "search-type").EndObject();
    w.EndArray();
    w.Key("searchInclude").BeginArray();
    for (const IncludeDef& d : Includes())
      if (d.from == t) w.String(d.Spec());
    w.EndArray();
    w.Key("searchRevInclude").BeginArray();
    for (const IncludeDef& d : Includes())
      if (d.target == t) w.String(d.Spec());
    w.EndArray();
    w.Key("searchParam").BeginArray();
    for (const ParamDef& p : SearchParams()) {
      if (p.type != t) continue;
      w.BeginObject().Field("name", p.name);
      if (!p.definition.empty()) w.Field("definition", p.definition);
      w.Field("type", p.fhir_type).Field("documentation", p.documentation);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  // The system-level bulk export (bulk.h).
  w.Key("operation").BeginArray().BeginObject();
  w.Field("name", "export");
  w.Field("definition", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export");
  w.Field("documentation",
          "GET /fhir/$export with Prefer: respond-async; takes _type, _since and "
          "_outputFormat=ndjson. Files expire an hour after the export finishes.");
  w.EndObject().EndArray();
  w.EndObject().EndArray();
  w.EndObject();
  return w.str();
}

Response Handle(const SearchIndex& index, const Request& req) {
  if (Status s = CheckFormat(req); !s.ok()) return Outcome(s);
  const std::vector<std::string>& path = req.path;
  if (path.size() == 1 && path[0] == "metadata") {
    if (req.method != "GET")
      return Outcome(Status::MethodNotAllowed(req.method + " is not allowed here"));
    return Ok(CapabilityStatementJson(req.base_url, index.snapshot()));
  }
  ResourceType type;
  if (path.empty() || !ParseType(path[0], &type))
    return Outcome(Status::NotFound(
        "unknown resource type" + (path.empty() ? std::string() : " \"" + path[0] + "\"") +
        "; this server has Practitioner, PractitionerRole, Organization, Location, Endpoint and "
        "OrganizationAffiliation"));
  const bool search = path.size() == 1 || (path.size() == 2 && path[1] == "_search");
  if (search && (path.size() == 1 ? req.method != "GET" : req.method != "POST"))
    return Outcome(Status::MethodNotAllowed(req.method + " is not allowed here"));
  if (search) {
    SearchRequest s{type, req.params, req.base_url, req.corrections};
    Result<std::string> bundle = Search(index, s);
    if (!bundle.ok()) return Outcome(bundle.status());
    return Ok(std::move(bundle).value());
  }
  if (path.size() != 2) return Outcome(Status::NotFound("no such path under /fhir"));
  if (req.method != "GET")
    return Outcome(Status::MethodNotAllowed(req.method + " is not allowed here"));
  for (const auto& [name, value] : req.params)
    if (name != "_format")
      return Outcome(
          Status::InvalidArgument("a read takes no parameters besides _format").WithParam(name));
  return Read(index, type, path[1], req);
}

}  // namespace meridian::fhir
