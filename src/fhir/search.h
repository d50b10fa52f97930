// FHIR search over a loaded snapshot: one table of search parameters that
// the parser, the CapabilityStatement (capability.h) and its test all read,
// and the search that answers them as a searchset Bundle.
//
// How a search runs. Parameters that the JSON API's engine knows become one
// engine Query (query/query.h): near, names, gender, specialty, state,
// modality. The answer then has the engine's speed and its order: nearest
// first with a point, best name match first with names alone, by name
// otherwise. Each engine hit (one provider) expands into the resources of
// the searched type:
//   Practitioner, Organization   the provider itself;
//   Location                     with a point, the provider's matching
//                                location (the nearest in range); without
//                                one, each of its locations that passes
//                                address-state;
//   PractitionerRole             those locations times the taxonomy slots
//                                that pass specialty.
// Searches by reference (_id, identifier, practitioner, location,
// organization, partof) start instead from the rows those name, checked
// against the other filters column by column; they are ordered by
// distance with a point, else by NPI.
//
// Paging: a `next` link carries an opaque _page token. On the engine path
// it holds the engine's keyset cursor and how many resources of the next
// provider were already shown, so pages never repeat or skip; it is tied to
// the snapshot, and after a reload it fails with a clear 400 (start again).
// Reference searches page by offset and also give `previous`.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/resources.h"
#include "index/search_index.h"
#include "query/query.h"
#include "util/status.h"

namespace meridian::fhir {

struct ParamDef {
  ResourceType type;
  std::string name;       // "near", "location.near"
  std::string fhir_type;  // "token", "string", "reference", "special"
  std::string documentation;
  std::string definition;  // canonical URL of the SearchParameter ("" = Meridian's own)
};

// Every search parameter each type takes, besides the result parameters.
const std::vector<ParamDef>& SearchParams();

// Parameters every search takes: _count (1..100, default 10), _total
// (none|estimate|accurate), _summary (count|false), _elements, _include,
// _revinclude, _format, and _page (the token of a next/previous link).
const std::vector<std::string>& ResultParams();

struct IncludeDef {
  ResourceType from;    // the resource holding the reference
  std::string param;    // "practitioner"
  ResourceType target;  // what it points to
  // "PractitionerRole:practitioner"
  std::string Spec() const { return std::string(TypeName(from)) + ":" + param; }
};
// _include values per searched type: from == the searched type.
// _revinclude values: target == the searched type.
const std::vector<IncludeDef>& Includes();

inline constexpr size_t kDefaultCount = 10;
inline constexpr size_t kMaxCount = 100;
// A reference search starts from at most this many providers, and
// _total=accurate counts at most this many matches.
inline constexpr size_t kMaxListRows = 20000;
inline constexpr size_t kMaxCountedRows = 200000;
// Engine-path `previous` links count resources from the start; past this
// depth a page has no previous link (follow next from the first page).
inline constexpr size_t kMaxSeek = 10000;

// The editors' corrections of a listing by NPI (empty when none); an empty
// function when there is no store.
using CorrectionsOf = std::function<Corrections(uint32_t npi)>;

struct SearchRequest {
  ResourceType type = ResourceType::kPractitioner;
  QueryParams params;    // decoded name/value pairs, in order
  std::string base_url;  // "http://127.0.0.1:8080/fhir"
  CorrectionsOf corrections;
};

// The searchset Bundle as JSON, or InvalidArgument naming the parameter
// (unknown, repeated, or a bad value).
Result<std::string> Search(const SearchIndex& index, const SearchRequest& req);

}  // namespace meridian::fhir
