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
//               physical_therapy, osteopathic, pain_medicine (data/modalities.csv)
//   entity      individual | organization
//   state       USPS code of the practice address (e.g. WI)
//   sex         F | M (as self-reported to NPPES)
//   credential* credential text token (e.g. L.Ac., DPT, D.O.)
//   include_deactivated, has_secondary   true | false
//   sort        distance (default with near) | name (default without)
//   limit       1..100 (default 10);  offset  0..10000
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "knowledge/modality_map.h"
#include "model/record.h"

namespace meridian {

struct Query {
  bool has_point = false;
  double lat = 0, lon = 0;
  double radius_mi = 25;
  std::vector<std::string> taxonomies;
  int modality = -1;  // index into the ModalityMap, -1 = any
  std::optional<EntityType> entity;
  std::string state;                     // USPS code, "" = any
  char sex = 0;                          // 'F', 'M' or 0 = any
  std::vector<std::string> credentials;  // normalized credential tokens
  bool include_deactivated = false;
  bool has_secondary = false;
  enum class Sort { kDistance, kName } sort = Sort::kDistance;
  size_t limit = 10, offset = 0;
};

inline constexpr double kDefaultRadiusMiles = 25;
inline constexpr double kMaxRadiusMiles = 500;
inline constexpr size_t kMaxLimit = 100;
inline constexpr size_t kMaxOffset = 10000;

// Why a parameter was refused: its name, a message a person can act on, and
// (for unknown values) the accepted ones.
struct QueryError {
  std::string param, message;
  std::vector<std::string> suggestions;
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Builds *q from `params`. Unknown parameter names, repeated single-valued
// ones, bad values and out-of-range numbers are errors.
bool ParseQuery(const QueryParams& params, const ModalityMap& modalities, Query* q,
                QueryError* err);

}  // namespace meridian
