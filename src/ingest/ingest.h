// Ingest and weekly update: NPPES files in, a verified snapshot out.
//
//   Ingest:  npidata (+ pl, othername, endpoint) -> new snapshot
//   Update:  old snapshot + weekly npidata (+ side files, deactivations) -> new snapshot
//
// Both read every row, keep every good one, and report every bad one with its
// line, NPI (when readable) and reason. The output is written atomically.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "geo/states.h"
#include "geo/zcta.h"
#include "ingest/attached.h"
#include "refdata/nucc.h"
#include "util/status.h"

namespace meridian {

struct IngestOptions {
  std::string nppes;                    // required for ingest, optional for update
  std::string pl, othername, endpoint;  // optional side files
  // update only: CSV "NPI","Deactivation Date", or the report as CMS ships it
  // (a ZIP holding an .xlsx workbook, or the .xlsx itself)
  std::string deactivations;
  // When set, nppes/pl/othername/endpoint name members of this ZIP archive
  // (see FindNppesMembers), read in place.
  std::string archive;
  std::string base_snapshot;  // update only: the snapshot to update
  std::string out;            // snapshot path to write
  int threads = 2;
  size_t window_bytes = 64u << 20;  // CSV read window (tests make it small)
  bool synthetic = false;  // mark the snapshot as synthetic (also set by a synthetic sidecar)
  const TaxonomyTable* nucc = nullptr;  // defaults to the embedded tables
  const ZctaTable* zcta = nullptr;
  const StateTable* states = nullptr;
  std::function<void(uint64_t done, uint64_t total, uint64_t rows)> progress;
};

struct IngestSummary {
  uint64_t rows_read = 0;  // data rows in the main file, good and bad
  uint64_t individuals = 0, organizations = 0, deactivated = 0;  // in the output snapshot
  uint64_t rejected = 0;                                         // rows rejected, all files
  uint64_t geocoded = 0, not_geocoded = 0;  // practice locations of active records
  uint64_t unknown_taxonomies = 0;          // distinct codes not in NUCC, kept
  std::vector<std::string> unknown_taxonomy_codes;
  uint64_t secondary_locations = 0, other_names = 0, endpoints = 0;
  uint64_t orphaned = 0;  // side-file rows whose NPI has no record
  uint64_t updated = 0, added = 0, deactivations_applied = 0;  // update only
  uint64_t records = 0;                                        // in the output snapshot
  uint64_t bytes_read = 0;
  uint64_t snapshot_bytes = 0;
  double seconds = 0, mb_per_s = 0;
  // Where the time went: main-file parse (parallel), side files, snapshot write.
  double parse_seconds = 0, side_files_seconds = 0, write_seconds = 0;
  bool synthetic = false;

  std::string ToJson(bool update) const;
};

// Points `o` at the NPPES members of a dissemination ZIP as CMS publishes it
// (monthly or weekly): sets o->archive and names npidata, pl, othername and
// endpoint by their members (FindNppesMembers). InvalidArgument when the
// archive has no npidata member, or when `o` already names any of those files.
Status UseNppesZip(const std::string& zip, IngestOptions* o);

Status Ingest(const IngestOptions& options, IngestSummary* summary,
              std::vector<IngestError>* errors);
Status Update(const IngestOptions& options, IngestSummary* summary,
              std::vector<IngestError>* errors);

// Writes the errors as CSV (file,line,npi,field,reason), atomically.
Status WriteErrorsCsv(const std::string& path, const std::vector<IngestError>& errors);

// True when "<path>.meta.json" (written by `meridian synth`) marks `path` synthetic.
bool HasSyntheticSidecar(const std::string& path);

}  // namespace meridian
