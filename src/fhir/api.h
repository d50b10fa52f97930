// The read-only FHIR R4 server under /fhir, as a function from a request to
// a response (http/service.cc puts it on the routes; tests call it too).
//
//   GET  /fhir/metadata                  the CapabilityStatement
//   GET  /fhir/{type}/{id}               read
//   GET  /fhir/{type}?...                search (search.h)
//   POST /fhir/{type}/_search            search, parameters in a form body
//
// JSON only (application/fhir+json). Asking for XML, by _format or by an
// Accept header that takes no JSON, is 406. Every error is an
// OperationOutcome with the matching status: 400 for an unknown or bad
// parameter (named in issue.expression), 404 for an unknown type or id, 410
// for a deactivated NPI.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "fhir/search.h"
#include "index/search_index.h"
#include "query/query.h"
#include "store/store.h"
#include "util/status.h"

namespace meridian::fhir {

inline constexpr const char* kFhirJson = "application/fhir+json; charset=utf-8";
inline constexpr const char* kFhirVersion = "4.0.1";

struct Request {
  std::string method;             // "GET" or "POST"
  std::vector<std::string> path;  // the segments after /fhir/: {"Practitioner", "123"}
  QueryParams params;             // decoded; a POST _search's form body appended
  std::string accept;             // the Accept header
  std::string base_url;           // "http://127.0.0.1:8080/fhir"
  // The editors' corrections by NPI (search.h); empty without a store.
  CorrectionsOf corrections;
};

struct Response {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type = kFhirJson;
};

Response Handle(const SearchIndex& index, const Request& req);

// An OperationOutcome for `s`, with s.HttpStatus().
Response Outcome(const Status& s);

// The CapabilityStatement: exactly the types, interactions, search
// parameters and includes of search.h.
std::string CapabilityStatementJson(const std::string& base_url, const Snapshot& snap);

}  // namespace meridian::fhir
