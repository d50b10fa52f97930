// Snapshot: a read-only, memory-mapped view of a snapshot file.
//
// Open() maps the file and checks it: magic, format version, file size
// (truncation), header and table CRCs, section bounds and sizes, and — unless
// the caller asks for Verify::kStructure — every section's CRC-32C. Column
// accessors then read the mapped arrays in place.
//
// Thread safety: immutable after Open(); any number of threads may read.
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
#include "text/text_index.h"
#include "util/file.h"
#include "util/status.h"

namespace meridian {

class Snapshot {
 public:
  enum class Verify { kChecksums, kStructure };
  static Result<std::unique_ptr<Snapshot>> Open(const std::string& path,
                                                Verify verify = Verify::kChecksums);

  size_t size() const { return npi_.size(); }
  uint32_t npi(size_t i) const { return npi_[i]; }
  EntityType entity(size_t i) const { return static_cast<EntityType>(entity_[i]); }
  char sex(size_t i) const { return static_cast<char>(sex_[i]); }
  uint8_t state(size_t i) const { return state_[i]; }
  uint16_t primary_taxonomy(size_t i) const { return primary_tax_[i]; }
  std::span<const uint16_t> taxonomy_ids(size_t i) const {
    return tax_ids_.subspan(tax_off_[i], tax_off_[i + 1] - tax_off_[i]);
  }
  std::span<const snapshot::LocationHot> locations(size_t i) const {
    return locations_.subspan(loc_off_[i], loc_off_[i + 1] - loc_off_[i]);
  }
  // Whether the snapshot has the optional loc_postal column (written since
  // the FHIR address-postalcode search; older files lack it).
  bool has_postal() const { return !loc_postal_.empty() || locations_.empty(); }
  // The five-digit postal codes of row i's locations, parallel to
  // locations(i) (snapshot::kNoPostal when none); empty without the column.
  std::span<const uint32_t> postal_codes(size_t i) const {
    if (loc_postal_.empty()) return {};
    return loc_postal_.subspan(loc_off_[i], loc_off_[i + 1] - loc_off_[i]);
  }
  // The two halves of row i's encoded record (record_codec.h).
  std::string_view core_bytes(size_t i) const {
    return records_.substr(core_off_[i], core_len_[i]);
  }
  std::string_view attached_bytes(size_t i) const {
    return attached_.substr(att_off_[i], att_off_[i + 1] - att_off_[i]);
  }
  // "Provider Credential Text" as published (e.g. "L.Ac.", "PT, DPT").
  std::string_view credential(size_t i) const {
    return credentials_.substr(cred_off_[i], cred_off_[i + 1] - cred_off_[i]);
  }
  // The words rows are found by, and the (city, state) places.
  const TextIndex& text() const { return text_; }
  const std::vector<Place>& places() const { return places_; }
  uint32_t place(size_t i) const { return place_[i]; }
  // Row i's record, read with pread (a lookup: the pages do not join this
  // process's resident set). With RecordParts::kCore only the core part is
  // read (one pread instead of two): the attached fields (secondary
  // locations, other organization names, endpoints) come back empty.
  enum class RecordParts { kAll, kCore };
  Status GetRecord(size_t i, Record* out, RecordParts parts = RecordParts::kAll) const;
  // Several records at once, for a page of results: out[k] gets row
  // reads[k].row with reads[k].parts. All their bytes are read as one batch
  // (BatchReader: one system call where the kernel has io_uring) instead of
  // one pread each. REQUIRES: out.size() >= reads.size().
  struct RecordRead {
    size_t row;
    RecordParts parts;
  };
  Status GetRecords(std::span<const RecordRead> reads, std::span<Record> out) const;
  // The same, read through the map: for passes over many rows in order
  // (verify, the scan oracle), where pread per row would cost more; call
  // ReleaseResident() after such a pass.
  Status GetRecordMapped(size_t i, Record* out) const;
  // Drops the mapped pages from this process's resident set (they stay in
  // the page cache and fault back in when read). Call after a pass that
  // touched everything, e.g. opening with checksums and building indexes.
  void ReleaseResident() const { file_->ReleaseResident(); }
  // Row of `npi`, or -1.
  int64_t Find(uint32_t npi) const;

  const TaxonomyDict& taxonomy() const { return taxonomy_; }
  const StateTable& states() const { return states_; }
  std::string_view meta_json() const { return meta_; }
  bool synthetic() const { return (header_.flags & snapshot::kFlagSynthetic) != 0; }
  uint64_t created_unix() const { return header_.created_unix; }
  uint64_t file_bytes() const { return header_.file_bytes; }
  // Identifies the snapshot's content: a CRC-32C of every section's CRC but
  // the metadata's (which holds the creation time). Same data, same id.
  uint32_t id() const { return id_; }

  // Checks every cross-structure rule: NPIs strictly ascending, offset arrays
  // start at 0, never decrease and end at their section's size, taxonomy and
  // state ids in range, enums valid. O(n); used by tests and `meridian verify`.
  Status CheckInvariants() const;
  // CheckInvariants(), then every record decodes and carries its row's NPI
  // (`meridian verify`, and `refresh` before it swaps a snapshot in).
  Status CheckEveryRecord() const;

 private:
  Snapshot() = default;
  // The steps of Open() after the header and layout checks: point the
  // columns into the file, then check the offset arrays.
  Status Bind(const std::vector<const snapshot::SectionEntry*>& found);
  Status CheckOffsets() const;
  std::unique_ptr<MappedFile> file_;
  snapshot::FileHeader header_{};
  std::span<const uint32_t> npi_;
  std::span<const uint8_t> entity_, sex_, state_;
  std::span<const uint16_t> primary_tax_, tax_ids_;
  std::span<const uint32_t> tax_off_, loc_off_;
  std::span<const snapshot::LocationHot> locations_;
  std::span<const uint32_t> loc_postal_;  // empty when the file has no loc_postal
  std::span<const uint64_t> core_off_, att_off_;
  std::span<const uint32_t> core_len_, cred_off_;
  std::string_view credentials_;
  std::string_view records_, attached_, meta_;
  uint32_t id_ = 0;
  TextIndex text_;
  std::vector<Place> places_;
  std::span<const uint32_t> place_;
  TaxonomyDict taxonomy_;
  StateTable states_;
};

}  // namespace meridian
