// The NPPES side files that attach to an NPI: secondary practice locations
// (pl_pfile), other organization names (othername_pfile) and electronic
// endpoints (endpoint_pfile). Columns are found by header name, compared
// without case, spaces or punctuation, so the pl file's irregular published
// spacing ("Address-  Address Line 2") matches.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "geo/zcta.h"
#include "model/record.h"
#include "util/file.h"
#include "util/status.h"

namespace meridian {

struct IngestError {
  std::string file;  // base name of the input file
  uint64_t line = 0;
  std::string npi;    // as read, "" when unreadable
  std::string field;  // column name, "" for the whole row
  std::string reason;
};

// One side-file row: the NPI it belongs to, where it came from, and its value.
template <class T>
struct Attached {
  uint32_t npi = 0;
  uint64_t line = 0;
  T value;
};

// Rows of the three side files, sorted by NPI with file order kept within an NPI.
struct Attachments {
  std::vector<Attached<Location>> locations;
  std::vector<Attached<OtherOrgName>> other_names;
  std::vector<Attached<Endpoint>> endpoints;
  std::string locations_file, other_names_file, endpoints_file;  // base names
  uint64_t rows_read = 0;
};

enum class AttachedKind { kSecondaryLocations, kOtherNames, kEndpoints };

// Reads one side file into *out on `threads` threads, geocoding locations
// with `zcta`. Bad rows go to *errors (in line order); a missing file or a
// header without the needed columns is fatal. The list of `kind` in *out
// comes back sorted by NPI, file order within an NPI (rows already there
// from an earlier file first among equals).
// A non-empty `archive` makes `path` a member of that ZIP archive.
Status ReadAttachedFile(const std::string& path, AttachedKind kind, const ZctaTable& zcta,
                        int threads, Attachments* out, std::vector<IngestError>* errors,
                        const std::string& archive = "");

// Sorts each list by NPI, keeping file order within an NPI (a list
// already in order is left as it is).
void SortAttachments(Attachments* a);

// Geocodes a location from its postal code when the country is empty or US.
void GeocodeLocation(const ZctaTable& zcta, Location* loc);

}  // namespace meridian
