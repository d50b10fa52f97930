// Bulk export: every resource of a snapshot as NDJSON, one file per type
// (the FHIR Bulk Data format), streamed from the snapshot one record at a
// time, so the whole 9 M-provider directory exports in constant memory.
//
// Files are written through AtomicFile (util/file.h): fsynced, then renamed,
// so a reader never sees a half-written file under its final name.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fhir/resources.h"
#include "snapshot/snapshot.h"
#include "util/status.h"

namespace meridian::fhir {

struct ExportFile {
  ResourceType type;
  std::string path;  // DIR/Practitioner.ndjson, or DIR/Practitioner-2.ndjson when split
  uint64_t resources = 0, bytes = 0;
};

struct ExportOptions {
  std::string out_dir;              // created if missing
  std::vector<ResourceType> types;  // empty = every type
  // Only resources whose record NPPES updated on or after this date
  // (meta.lastUpdated); 0 = all.
  PackedDate since = 0;
  // Split each type into files of at most this many resources
  // (Type-1.ndjson, Type-2.ndjson, ...); 0 = one file per type.
  uint64_t max_per_file = 0;
  // Drop the snapshot's pages from this process now and then, so resident
  // memory stays flat however big the snapshot (they stay in the page
  // cache). For a process of its own: a server's searches want them mapped.
  bool release_pages = false;
  // Called now and then with the rows done so far (of snap.size()).
  std::function<void(size_t rows_done)> progress;
  // Set from another thread to stop early (the export then fails, Unavailable).
  const std::atomic<bool>* cancel = nullptr;
};

// REQUIRES: the snapshot stays open for the call.
Result<std::vector<ExportFile>> ExportNdjson(const Snapshot& snap, const ExportOptions& options);

// "Practitioner,Location" -> types; InvalidArgument (param "_type") naming an unknown one.
Result<std::vector<ResourceType>> ParseTypeList(std::string_view list);

}  // namespace meridian::fhir
