// libFuzzer target: the FHIR R4 search parameters (fhir/search.h) and the
// FHIR routes (fhir/api.h), over the index of the 99 sample rows.
//
// Input byte 0 picks what the rest is:
//   0..5 (% 8): the query string of GET /fhir/<type> for the sixth types.
//        Parsed strictly (ParseQueryString); when accepted, fhir::Search
//        runs it. A refusal is InvalidArgument-like (4xx) with a message; an
//        answer is a searchset Bundle whose entries all carry a resource
//        with a resourceType; its `next` link, when there is one, must
//        itself be a search that succeeds (paging never strands a client).
//   6: "<path>?<query>": fhir::Handle for GET /fhir/<path>, any segments.
//   7: "<type>?<form>": POST /fhir/<type>/_search with the form as body.
// For 6 and 7: the status is in 100..599 and the body parses as JSON.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fhir/api.h"
#include "fhir/resources.h"
#include "fhir/search.h"
#include "fuzz_dataset.h"
#include "fuzz_util.h"
#include "http/query_string.h"
#include "http/service.h"

using namespace meridian;

namespace {

const std::string kBase = "http://127.0.0.1:8080/fhir";

const Dataset& Data() { return fuzz::SampleDataset(); }

// The query string of a link the Bundle gave (kBase/<type>?...).
bool LinkParams(const std::string& url, QueryParams* params) {
  const size_t qm = url.find('?');
  if (!url.starts_with(kBase + "/") || qm == std::string::npos) return false;
  Status st = ParseQueryString(std::string_view(url).substr(qm + 1), params);
  MERIDIAN_FUZZ_CHECK(st.ok(), ("a link the Bundle gave does not parse: " + url).c_str());
  return true;
}

void CheckBundle(const std::string& body, const fhir::SearchRequest& req, int depth) {
  nlohmann::json b = fuzz::ParseJsonBody(body);
  MERIDIAN_FUZZ_CHECK(b.is_object() && b.value("resourceType", "") == "Bundle",
                      "a search answer that is not a Bundle");
  MERIDIAN_FUZZ_CHECK(b.value("type", "") == "searchset", "a Bundle that is not a searchset");
  if (b.contains("entry"))
    for (const auto& e : b["entry"])
      MERIDIAN_FUZZ_CHECK(e.contains("resource") && e["resource"].contains("resourceType"),
                          "an entry without a resource");
  if (depth > 0 || !b.contains("link")) return;
  for (const auto& l : b["link"]) {
    if (l.value("relation", "") != "next" || !l.contains("url")) continue;
    fhir::SearchRequest next = req;
    next.params.clear();
    if (!LinkParams(l["url"].get<std::string>(), &next.params)) continue;
    auto r = fhir::Search(*Data().index, next);
    MERIDIAN_FUZZ_CHECK(r.ok(), ("a next link that fails: " + r.status().ToString()).c_str());
    CheckBundle(*r, next, depth + 1);
  }
}

void CheckResponse(const fhir::Response& r) {
  MERIDIAN_FUZZ_CHECK(r.status >= 100 && r.status <= 599, "status out of range");
  MERIDIAN_FUZZ_CHECK(!fuzz::ParseJsonBody(r.body).is_discarded(),
                      "a FHIR answer that is not JSON");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)Data();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const int mode = data[0] % 8;
  const SearchIndex& index = *Data().index;
  if (mode < 6) {
    fhir::SearchRequest req;
    req.type = fhir::kAllTypes[mode];
    req.base_url = kBase;
    if (!ParseQueryString(rest, &req.params).ok()) return 0;  // the service answers 400
    auto r = fhir::Search(index, req);
    if (!r.ok()) {
      MERIDIAN_FUZZ_CHECK(!r.status().message().empty(), "a refusal without a message");
      const int status = r.status().HttpStatus();
      MERIDIAN_FUZZ_CHECK(status >= 400 && status < 500, r.status().ToString().c_str());
      return 0;
    }
    CheckBundle(*r, req, 0);
    return 0;
  }
  const size_t qm = rest.find('?');
  const std::string_view path = rest.substr(0, qm);
  const std::string_view query = qm == std::string_view::npos ? "" : rest.substr(qm + 1);
  fhir::Request req;
  req.base_url = kBase;
  req.accept = "application/fhir+json";
  for (size_t at = 0; at <= path.size();) {
    const size_t slash = std::min(path.find('/', at), path.size());
    req.path.emplace_back(path.substr(at, slash - at));
    at = slash + 1;
  }
  if (mode == 6) {
    req.method = "GET";
  } else {
    req.method = "POST";
    req.path.resize(1);
    req.path.push_back("_search");
  }
  if (!ParseQueryString(query, &req.params).ok()) return 0;
  CheckResponse(fhir::Handle(index, req));
  return 0;
}
