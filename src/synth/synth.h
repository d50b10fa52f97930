// Synthetic NPPES data at scale, for demos, tests and benchmarks.
//
// Writes rows in the real npidata_pfile layout (the real 330-column header,
// every field quoted) with realistic shapes: ~78% individuals, a taxonomy mix
// that includes the pain-care practitioner types Meridian is about, practice
// ZIPs drawn from real ZCTAs weighted toward dense areas, multiple taxonomy
// slots, deactivated rows and secondary practice locations (in a pl file).
// The same seed always gives the same bytes.
//
// Every output is marked synthetic: "<out>.meta.json" says so, and ingest
// copies the mark into the snapshot's metadata.
#pragma once

#include <cstdint>
#include <string>

#include "util/status.h"

namespace meridian {

struct SynthOptions {
  uint64_t rows = 1000;
  uint64_t seed = 1;
  std::string out;     // npidata-format CSV
  std::string pl_out;  // secondary locations CSV ("" = "<out without .csv>_pl.csv")
};

struct SynthSummary {
  uint64_t rows = 0, individuals = 0, organizations = 0, deactivated = 0;
  uint64_t secondary_locations = 0, bytes = 0;
  std::string pl_path;
};

Status Synthesize(const SynthOptions& options, SynthSummary* summary);

}  // namespace meridian
