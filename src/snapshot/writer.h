// SnapshotWriter: builds a new snapshot file.
//
// Core record bytes stream straight to disk through AppendCore(), in any
// order and at any time before Finish() (ingest appends them while it parses,
// in input order). Rows are then declared with Add() in NPI order, pointing
// at their core bytes; the small per-row columns and the attached parts are
// kept in memory (~30 bytes a row plus the side-file data) and written by
// Finish(). The file appears at its path only when Finish() succeeds
// (AtomicFile): a crash or an error at any point leaves the previous snapshot
// at that path untouched.
//
// Thread safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "geo/states.h"
#include "model/record.h"
#include "snapshot/format.h"
#include "snapshot/places.h"
#include "snapshot/taxonomy_dict.h"
#include "util/file.h"
#include "util/status.h"

namespace meridian {

struct SnapshotRecordIn {
  uint32_t npi = 0;
  EntityType entity = EntityType::kDeactivated;
  char sex = 0;       // 'M', 'F', 'X', 'U' or 0
  uint8_t state = 0;  // StateTable id of the primary practice address
  std::span<const snapshot::LocationHot> locations;  // primary first; may be empty
  // Each location's five-digit postal code (snapshot::kNoPostal when none);
  // the same count as `locations`.
  std::span<const uint32_t> postal;
  std::span<const uint16_t> taxonomy_ids;
  uint16_t primary_taxonomy = snapshot::kNoTaxonomy;
  uint64_t core_offset = 0;  // from AppendCore()
  uint32_t core_length = 0;
  std::string_view attached;     // the record_codec.h attached part
  std::string_view credential;   // "Provider Credential Text" (a column for filters)
  std::string_view search_text;  // normalized words the row is found by (text/search_text.h)
  std::string_view city;         // normalized practice city (a place, with `state`)
};

// The loc_postal value of a postal code: its first five digits as a number
// ("53703-1234" -> 53703), or snapshot::kNoPostal.
uint32_t PostalKey(std::string_view postal_code);

// Expected totals of a whole run, for SnapshotWriter::Reserve. Estimates:
// too low only costs regrowth, too high only untouched address space.
struct SnapshotSizeHint {
  uint64_t records = 0, locations = 0, taxonomy_ids = 0;
  uint64_t attached_bytes = 0, credential_bytes = 0, text_bytes = 0;
};

class SnapshotWriter {
 public:
  static Result<std::unique_ptr<SnapshotWriter>> Create(const std::string& path);

  // Sizes the in-memory columns once, so Add() does not copy them as they
  // grow (on some hosts each first touch of a fresh page is a costly fault).
  void Reserve(const SnapshotSizeHint& hint);

  // Appends core record bytes; *offset receives where they start.
  Status AppendCore(std::string_view bytes, uint64_t* offset);

  // REQUIRES: npi strictly greater than the previous record's; the core
  // bytes were appended with AppendCore().
  Status Add(const SnapshotRecordIn& r);

  // Writes the columns, dictionaries and header, then commits the file.
  Status Finish(std::string_view meta_json, const TaxonomyDict& taxonomy, const StateTable& states,
                uint32_t flags);

  uint64_t records() const { return npi_.size(); }

 private:
  explicit SnapshotWriter(std::unique_ptr<AtomicFile> file);
  Status WriteSection(const char* name, std::string_view bytes, uint32_t elem_bytes,
                      uint64_t elem_count);

  std::unique_ptr<AtomicFile> file_;
  std::vector<snapshot::SectionEntry> table_;
  uint64_t records_offset_ = 0;  // file offset of the records section
  uint64_t records_bytes_ = 0;
  uint32_t records_crc_ = 0;
  std::vector<uint32_t> npi_;
  std::vector<uint8_t> entity_, sex_, state_;
  std::vector<uint16_t> primary_tax_, tax_ids_;
  std::vector<uint32_t> tax_off_{0}, loc_off_{0};
  std::vector<snapshot::LocationHot> locations_;
  std::vector<uint32_t> loc_postal_;
  std::vector<uint64_t> core_off_;
  std::vector<uint32_t> core_len_;
  std::vector<uint64_t> att_off_{0};
  std::string attached_;
  std::vector<uint32_t> cred_off_{0};
  std::string credentials_;
  std::string text_;
  std::vector<uint64_t> text_off_{0};
  PlaceBuilder places_;
  std::vector<uint32_t> place_;
  Status status_;  // first error; Add/Finish fail fast after it
};

}  // namespace meridian
