// The parsed form of a FHIR search and how one provider expands into the
// resources it returns: internal to fhir/search.cc (paging and the Bundle)
// and fhir/plan.cc (parsing and expansion). See search.h for the contract.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/resources.h"
#include "fhir/search.h"
#include "index/search_index.h"
#include "query/query.h"
#include "query/result.h"
#include "util/status.h"

namespace meridian::fhir {

// 400 naming the parameter.
Status Bad(const std::string& param, std::string message);

struct Entry {
  ResourceType type;
  ResourceId id;
  uint32_t row = 0;
  double distance_mi = -1;  // < 0: no distance
};

std::string IdText(const Entry& e);

// A search, parsed.
struct Plan {
  ResourceType type;
  Query q;  // the engine's filters
  // Reference searches: the providers to start from (rows), or nullopt.
  std::optional<std::vector<uint32_t>> seed;
  std::set<std::string> ids;           // _id: only these resource ids ("" = any)
  std::set<std::string> location_ids;  // PractitionerRole?location=
  std::string endpoint_org;            // Endpoint?organization=: its legal name, lower-cased
  std::string primary_org;  // OrganizationAffiliation?primary-organization=: its name, lower-cased
  uint32_t endpoint_org_npi = 0;
  std::string state;                     // address-state (location level)
  std::string city;                      // address-city, normalized words (a prefix)
  std::vector<std::string> postal;       // address-postalcode digits (prefixes; any of them)
  std::vector<std::string> specialties;  // NUCC code prefixes (slot level)
  char sex = 0;
  bool has_text = false;
  double unit_miles = 1 / kKmPerMile;  // the distance extension's unit, in miles
  std::string unit_code = "km";
  size_t count = kDefaultCount;
  bool total_accurate = false, summary_count = false;
  Elements elements;
  std::vector<const IncludeDef*> includes, revincludes;
  std::string page;
  std::map<std::string, std::string> engine_names;  // engine parameter -> FHIR parameter
};

// Builds *p from the request: unknown, repeated or bad parameters are 400s
// naming the parameter.
Status ParsePlan(const SearchIndex& index, const SearchRequest& req, Plan* p);

bool SpecialtyPasses(const Plan& p, std::string_view code);

// The resources of `rec` a search returns. `location`: the engine's matched
// location with a point, else -1 (every location that passes).
void Expand(const Plan& p, const Record& rec, uint32_t row, int64_t location, double distance_mi,
            std::vector<Entry>* out);

// Whether Expand() can drop what the engine's columns let through.
bool RecordFilters(const Plan& p);

// How many resources Expand() gives for an engine hit (columns only, or
// the record when RecordFilters()). REQUIRES: an engine-path plan.
Result<uint64_t> CountExpansions(const SearchIndex& index, const Plan& p, const SearchHit& hit);

// Whether the engine gives one resource per hit, so its total is exact.
bool OnePerHit(const Plan& p);

}  // namespace meridian::fhir
