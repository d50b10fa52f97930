// Query: Meridian's search request, and the one parser that builds it from
// name/value parameters. The CLI (`meridian search`) and the HTTP API pass
// their flags / query-string pairs through ParseQuery, so both accept the same
// names and give the same errors.
//
// Parameters (repeatable ones marked *):
//   near        5-digit ZIP or "lat,lon"
//   radius      N, Nmi or Nkm; default 25 mi, at most 500 mi (needs near)
//   taxonomy*   NUCC code or code prefix (e.g. 171100000X, 2251)
//   modality    acupuncture, dry_needling, chiropractic, massage,
//               physical_therapy, osteopathic, pain_medicine (data/modalities.csv),
//               or any (any one of them: the providers Meridian is about)
//   entity      individual | organization
//   state       USPS code of the practice address (e.g. WI)
//   sex         F | M (as self-reported to NPPES)
//   credential* credential text token (e.g. L.Ac., DPT, D.O.)
//   include_deactivated, has_secondary   true | false
//   city        a practice city, "Madison" or "Madison, WI" (resolved to a
//               point through the snapshot's places; instead of near)
//   q           words of names (people, organizations) and cities; typo
//               tolerant, the last word also as a prefix (text/fuzzy.h)
//   sort        distance (default with near/city) | relevance (default with q
//               alone) | name (default otherwise)
//   limit       1..100 (default 10);  offset  0..10000, or
//   cursor      the next_cursor of the previous page (any depth)
//   number      one NPI, exactly (the NPPES Registry API's name); not with
//               near, city or q
//   first_name, last_name, organization_name
//               the field exactly (any case, accents and punctuation aside),
//               or its start with a trailing * after 2+ letters (NPPES's rule)
//   postal_code a practice ZIP code (5 digits, or ZIP+4), or its first 2 to 4
//               digits then * (NPPES's wildcard)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "knowledge/modality_map.h"
#include "model/record.h"
#include "snapshot/snapshot.h"

namespace meridian {

struct Query {
  bool has_point = false;
  double lat = 0, lon = 0;
  double radius_mi = 25;
  std::vector<std::string> taxonomies;
  int modality = -1;  // index into the ModalityMap, kNoModalityFilter or kAnyModality
  std::optional<EntityType> entity;
  std::string state;                     // USPS code, "" = any
  char sex = 0;                          // 'F', 'M' or 0 = any
  std::vector<std::string> credentials;  // normalized credential tokens
  bool include_deactivated = false;
  bool has_secondary = false;
  std::vector<std::string> text;  // normalized words of `q`; the last one also a prefix
  std::string place;              // "Madison, WI" when the point came from `city`
  bool place_listed = true;       // its point: listed providers' centroid, else the gazetteer's
  // number=: this NPI only (an exact lookup, as in the NPPES Registry API).
  std::optional<uint32_t> npi;
  // first_name=, last_name=, organization_name= (the NPPES Registry API's
  // exact name fields): the field's words (normalized) must equal `words`,
  // or, with `prefix` (a trailing * after 2 or more letters), start with it.
  // Organization names match the legal name or any other name (DBA).
  struct NameFilter {
    enum class Field { kFirst, kLast, kOrganization } field;
    std::string words;  // NormalizeTokens joined by one space
    bool prefix = false;
    bool operator==(const NameFilter&) const = default;
  };
  std::vector<NameFilter> names;
  // `postal` below is also set by ParseQuery from postal_code= (NPPES's
  // name): one five-digit code, or a prefix of 2 to 4 digits ending in *.
  // Set by the FHIR search only (ParseQuery never sets them):
  //   places  rows whose primary practice place (snapshot/places.h) is one of
  //           these ids, sorted; an empty list matches nothing;
  //   postal  rows with a location whose five-digit postal code (the
  //           snapshot's loc_postal column) lies in one of these [lo, hi]
  //           ranges; with a point, the row's nearest location in range must.
  std::optional<std::vector<uint32_t>> places;
  std::vector<std::pair<uint32_t, uint32_t>> postal;
  enum class Sort { kDistance, kName, kRelevance } sort = Sort::kDistance;
  size_t limit = 10, offset = 0;
  // Keyset paging: results strictly after this sort key. Keys: distance →
  // (distance bits, 0); name → (name rank, 0); relevance → (text quality,
  // distance bits or 0); then NPI. `snapshot` ties it to one snapshot.
  struct Cursor {
    Sort sort = Sort::kDistance;
    // The sort's key of the last row on the page (distance bits, name
    // rank, or text quality) and its tie-breaker (distance bits under
    // relevance, else 0); the NPI breaks the last ties.
    uint64_t sort_key = 0, tie_key = 0;
    uint32_t npi = 0;
    uint32_t snapshot = 0;
    uint32_t query = 0;  // the fingerprint of the search it pages (below)
    bool operator==(const Cursor&) const = default;
  };
  std::optional<Cursor> cursor;
  // QueryFingerprint() of this search, set by ParseQuery (0 elsewhere); the
  // cursors it makes carry it, and a cursor given to another search is refused.
  uint32_t fingerprint = 0;
};

inline constexpr int kNoModalityFilter = -1;  // every provider, with or without a modality
inline constexpr int kAnyModality = -2;       // providers of at least one modality

// The modality bits a row needs at least one of; 0 = no modality filter.
ModalityMask WantedModalities(const Query& q, const ModalityMap& modalities);

// Whether `r`'s field has the words `f` asks for (Query::NameFilter).
bool NameMatches(const Query::NameFilter& f, const Record& r);

// What a search asks for, apart from its page (limit, offset, cursor): the
// point, radius, filters, words and sort, hashed.
uint32_t QueryFingerprint(const Query& q);

std::string EncodeCursor(const Query::Cursor& c);
bool DecodeCursor(std::string_view text, Query::Cursor* c);

inline constexpr double kDefaultRadiusMiles = 25;
inline constexpr double kMaxRadiusMiles = 500;
inline constexpr size_t kMaxLimit = 100;
inline constexpr size_t kMaxOffset = 10000;
inline constexpr size_t kMaxTextWords = 8;
inline constexpr size_t kMaxTextBytes = 200;

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// The parameter names ParseQuery accepts (the OpenAPI document lists exactly these).
const std::vector<std::string>& SearchParameterNames();

// Builds *q from `params`. Unknown parameter names, repeated single-valued
// ones, bad values and out-of-range numbers are InvalidArgument, with the
// parameter in param() and, for unknown values, the accepted ones in
// suggestions(). `snap` resolves `city` and checks cursors; without it those
// parameters are refused.
Status ParseQuery(const QueryParams& params, const ModalityMap& modalities, Query* q,
                  const Snapshot* snap = nullptr);

}  // namespace meridian
