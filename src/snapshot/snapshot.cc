#include "snapshot/snapshot.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "geo/zcta.h"
#include "model/record_codec.h"
#include "util/bytes.h"
#include "util/crc32c.h"

namespace meridian {

using snapshot::FileHeader;
using snapshot::SectionEntry;

namespace {

uint32_t Crc(std::string_view bytes) { return crc32c::Value(bytes); }

template <class T>
Status Column(const std::vector<const SectionEntry*>& found, std::string_view file,
              const char* name, uint64_t expect_count, bool check_count, std::span<const T>* out) {
  for (const SectionEntry* e : found) {
    if (std::strncmp(e->name, name, sizeof e->name) != 0) continue;
    if (e->elem_bytes != sizeof(T) || e->bytes != e->elem_count * sizeof(T))
      return Status::Corruption(std::string("section '") + name + "' has the wrong element size");
    if (check_count && e->elem_count != expect_count)
      return Status::Corruption(std::string("section '") + name + "' has " +
                                std::to_string(e->elem_count) + " entries, expected " +
                                std::to_string(expect_count));
    if (e->offset % alignof(T) != 0)
      return Status::Corruption(std::string("section '") + name + "' is misaligned");
    *out = std::span<const T>(reinterpret_cast<const T*>(file.data() + e->offset), e->elem_count);
    return Status::OK();
  }
  return Status::Corruption(std::string("section '") + name + "' is missing");
}

}  // namespace

namespace {

// The header and the section table: magic, checksums, version, size, and
// every section inside the file. Fills *h and *found.
Status ReadHeaderAndTable(std::string_view file, FileHeader* h,
                          std::vector<const SectionEntry*>* found) {
  if (file.size() < sizeof(FileHeader) ||
      std::memcmp(file.data(), snapshot::kMagic, sizeof snapshot::kMagic) != 0)
    return Status::Corruption("not a Meridian snapshot (bad magic)");
  std::memcpy(h, file.data(), sizeof *h);
  if (Crc(file.substr(0, offsetof(FileHeader, header_crc))) != h->header_crc)
    return Status::Corruption("header checksum mismatch");
  if (h->format_version != snapshot::kFormatVersion)
    return Status::Corruption("format version " + std::to_string(h->format_version) +
                              " is not supported (this build reads version " +
                              std::to_string(snapshot::kFormatVersion) + ")");
  if (h->file_bytes != file.size())
    return Status::Corruption("file is " + std::to_string(file.size()) +
                              " bytes but the header says " + std::to_string(h->file_bytes) +
                              " (truncated or extended)");
  if (h->section_count == 0 || h->section_count > 64)
    return Status::Corruption("bad section count");
  const uint64_t table_bytes = uint64_t{h->section_count} * sizeof(SectionEntry);
  if (sizeof(FileHeader) + table_bytes > file.size())
    return Status::Corruption("section table is truncated");
  std::string_view table = file.substr(sizeof(FileHeader), table_bytes);
  if (Crc(table) != h->table_crc) return Status::Corruption("section table checksum mismatch");
  for (uint32_t i = 0; i < h->section_count; ++i) {
    const auto* e = reinterpret_cast<const SectionEntry*>(table.data() + i * sizeof(SectionEntry));
    if (e->offset > file.size() || e->bytes > file.size() - e->offset)
      return Status::Corruption("a section lies outside the file");
    found->push_back(e);
  }
  return Status::OK();
}

// Sections must not overlap, and every byte outside them (alignment
// padding) must be zero, so no byte of the file goes unchecked.
Status CheckLayout(std::string_view file, const std::vector<const SectionEntry*>& found,
                   uint64_t first_section_at) {
  std::vector<std::pair<uint64_t, uint64_t>> spans;
  for (const SectionEntry* e : found) spans.emplace_back(e->offset, e->offset + e->bytes);
  std::sort(spans.begin(), spans.end());
  uint64_t at = first_section_at;
  for (const auto& [begin, end] : spans) {
    if (begin < at) return Status::Corruption("sections overlap");
    for (uint64_t i = at; i < begin; ++i)
      if (file[i] != 0) return Status::Corruption("non-zero padding between sections");
    at = end;
  }
  if (at != file.size()) return Status::Corruption("trailing bytes after the last section");
  return Status::OK();
}

// Every section's CRC-32C, on two threads (long sections in 32 MiB pieces).
// The bytes are read with pread through a small buffer, not through the
// map: faulting in gigabytes of mapped pages costs several times the copy
// (on a 2-core VM, 0.7 s -> 0.3 s for a 9 M-row file), and the pages a
// server never needs (the records) stay out of its resident set.
Status VerifyChecksums(const MappedFile& file, const std::vector<const SectionEntry*>& found) {
  constexpr uint64_t kChunk = uint64_t{1} << 20;
  std::vector<uint64_t> lengths;
  for (const SectionEntry* e : found) lengths.push_back(e->bytes);
  std::mutex mu;
  Status first_error;
  auto crcs =
      crc32c::ParallelPieces(lengths, 2, [&](size_t k, uint64_t offset, uint64_t n, uint32_t* crc) {
        thread_local std::string buf;
        for (uint64_t done = 0; done < n; done += kChunk) {
          const uint64_t len = std::min(kChunk, n - done);
          Status st = file.ReadAt(found[k]->offset + offset + done, len, &buf);
          if (!st.ok()) {
            std::lock_guard<std::mutex> lock(mu);
            if (first_error.ok()) first_error = st;
            return false;
          }
          *crc = crc32c::Extend(*crc, buf.data(), len);
        }
        return true;
      });
  if (!crcs) return first_error;
  for (size_t k = 0; k < found.size(); ++k)
    if ((*crcs)[k] != found[k]->crc)
      return Status::Corruption("checksum mismatch in section '" +
                                std::string(found[k]->name, strnlen(found[k]->name, 16)) + "'");
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<Snapshot>> Snapshot::Open(const std::string& path, Verify verify) {
  auto mapped = MappedFile::Open(path);
  if (!mapped.ok()) return mapped.status();
  std::unique_ptr<Snapshot> snap(new Snapshot());
  snap->file_ = std::move(mapped).value();
  const std::string_view file = snap->file_->bytes();
  std::vector<const SectionEntry*> found;
  Status st = ReadHeaderAndTable(file, &snap->header_, &found);
  if (st.ok())
    st = CheckLayout(
        file, found,
        sizeof(FileHeader) + uint64_t{snap->header_.section_count} * sizeof(SectionEntry));
  if (st.ok() && verify == Verify::kChecksums) st = VerifyChecksums(*snap->file_, found);
  if (st.ok()) st = snap->Bind(found);
  if (st.ok()) st = snap->CheckOffsets();
  if (!st.ok()) return Status::Corruption(path + ": " + st.message());
  return snap;
}

Status Snapshot::Bind(const std::vector<const snapshot::SectionEntry*>& found) {
  const std::string_view file = file_->bytes();
  const uint64_t n = header_.record_count;
  for (const SectionEntry* e : found)
    if (std::strncmp(e->name, snapshot::kMeta, sizeof e->name) != 0)
      id_ = crc32c::Extend(id_, reinterpret_cast<const char*>(&e->crc), sizeof e->crc);
  namespace f = snapshot;
  Status st;
  auto col = [&](const char* name, uint64_t count, bool check, auto* out) {
    if (st.ok()) st = Column(found, file, name, count, check, out);
  };
  std::span<const char> meta, states, dict, records, attached, creds, vocab, places;
  std::span<const uint32_t> vocab_off, post_off, postings, fwd_off, fwd;
  col(f::kMeta, 0, false, &meta);
  col(f::kStates, 0, false, &states);
  col(f::kTaxonomy, 0, false, &dict);
  col(f::kNpi, n, true, &npi_);
  col(f::kEntity, n, true, &entity_);
  col(f::kSex, n, true, &sex_);
  col(f::kState, n, true, &state_);
  col(f::kPrimaryTax, n, true, &primary_tax_);
  col(f::kTaxOffsets, n + 1, true, &tax_off_);
  col(f::kTaxIds, 0, false, &tax_ids_);
  col(f::kLocOffsets, n + 1, true, &loc_off_);
  col(f::kLocations, 0, false, &locations_);
  col(f::kCoreOffsets, n, true, &core_off_);
  col(f::kCoreLengths, n, true, &core_len_);
  col(f::kAttOffsets, n + 1, true, &att_off_);
  col(f::kAttached, 0, false, &attached);
  col(f::kRecords, 0, false, &records);
  col(f::kCredOffsets, n + 1, true, &cred_off_);
  col(f::kCredentials, 0, false, &creds);
  col(f::kTextVocab, 0, false, &vocab);
  col(f::kTextVocabOff, 0, false, &vocab_off);
  col(f::kTextPostOff, 0, false, &post_off);
  col(f::kTextPostings, 0, false, &postings);
  col(f::kTextFwdOff, n + 1, true, &fwd_off);
  col(f::kTextFwd, 0, false, &fwd);
  col(f::kPlaces, 0, false, &places);
  col(f::kPlace, n, true, &place_);
  MERIDIAN_RETURN_IF_ERROR(st);
  for (const SectionEntry* e : found)
    if (std::strncmp(e->name, f::kLocPostal, sizeof e->name) == 0)
      col(f::kLocPostal, locations_.size(), true, &loc_postal_);
  MERIDIAN_RETURN_IF_ERROR(st);
  text_ = TextIndex({vocab.data(), vocab.size()}, vocab_off, post_off, postings, fwd_off, fwd);
  MERIDIAN_RETURN_IF_ERROR(text_.Validate(n));
  text_.BuildSkips();
  auto pl = DecodePlaces({places.data(), places.size()});
  if (!pl.ok()) return pl.status();
  places_ = std::move(pl).value();
  for (size_t i = 0; i < n; ++i)
    if (place_[i] >= places_.size())
      return Status::Corruption("place id out of range at row " + std::to_string(i));
  meta_ = {meta.data(), meta.size()};
  records_ = {records.data(), records.size()};
  attached_ = {attached.data(), attached.size()};
  credentials_ = {creds.data(), creds.size()};
  ByteReader sr({states.data(), states.size()});
  std::vector<std::string> codes(sr.Varint() & 0xFF);
  for (std::string& c : codes) c = std::string(sr.String());
  if (!sr.ok() || !sr.AtEnd()) return Status::Corruption("states section is malformed");
  states_ = StateTable::FromCodes(codes);
  auto d = TaxonomyDict::Decode({dict.data(), dict.size()});
  if (!d.ok()) return d.status();
  taxonomy_ = std::move(d).value();
  return Status::OK();
}

Status Snapshot::CheckOffsets() const {
  const uint64_t n = header_.record_count;
  // The offset arrays are used without per-access checks, so their ends,
  // order and bounds must be right (O(n), a few ms per million rows).
  if (tax_off_[n] != tax_ids_.size() || loc_off_[n] != locations_.size() ||
      att_off_[n] != attached_.size() || cred_off_[n] != credentials_.size() || tax_off_[0] != 0 ||
      loc_off_[0] != 0 || att_off_[0] != 0 || cred_off_[0] != 0)
    return Status::Corruption("offset arrays do not match their sections");
  for (size_t i = 0; i < n; ++i) {
    if (tax_off_[i] > tax_off_[i + 1] || loc_off_[i] > loc_off_[i + 1] ||
        att_off_[i] > att_off_[i + 1] || cred_off_[i] > cred_off_[i + 1] ||
        core_off_[i] > records_.size() || core_len_[i] > records_.size() - core_off_[i])
      return Status::Corruption("offset arrays are out of order or bounds at row " +
                                std::to_string(i));
  }
  return Status::OK();
}

Status Snapshot::GetRecord(size_t i, Record* out, RecordParts parts) const {
  const RecordRead read{i, parts};
  return GetRecords(std::span(&read, 1), std::span(out, 1));
}

Status Snapshot::GetRecords(std::span<const RecordRead> reads, std::span<Record> out) const {
  // The cold record bytes are read with pread (or a batch of them), not
  // through the map: a server answers for records all over the file, and
  // mapped reads would leave every page it ever showed in its resident set
  // (bench/http.sh: about 280 of 317 MB at 1 M after a few seconds of
  // searches). One piece alone is read with one pread (BatchReader).
  thread_local BatchReader reader;              // one ring per thread
  thread_local std::vector<std::string> bytes;  // core, attached per read; keep their room
  thread_local std::vector<ReadRequest> requests;
  if (bytes.size() < 2 * reads.size()) bytes.resize(2 * reads.size());
  requests.clear();
  const char* base = file_->bytes().data();
  for (size_t k = 0; k < reads.size(); ++k) {
    if (reads[k].row >= size()) return Status::NotFound("row out of range");
    const std::string_view c = core_bytes(reads[k].row);
    requests.push_back({static_cast<size_t>(c.data() - base), c.size(), &bytes[2 * k]});
    if (reads[k].parts == RecordParts::kAll) {
      const std::string_view a = attached_bytes(reads[k].row);
      requests.push_back({static_cast<size_t>(a.data() - base), a.size(), &bytes[2 * k + 1]});
    }
  }
  MERIDIAN_RETURN_IF_ERROR(file_->ReadManyAt(requests, &reader));
  for (size_t k = 0; k < reads.size(); ++k)
    MERIDIAN_RETURN_IF_ERROR(reads[k].parts == RecordParts::kCore
                                 ? DecodeRecordCore(bytes[2 * k], &out[k])
                                 : DecodeRecordParts(bytes[2 * k], bytes[2 * k + 1], &out[k]));
  return Status::OK();
}

Status Snapshot::GetRecordMapped(size_t i, Record* out) const {
  if (i >= size()) return Status::NotFound("row out of range");
  return DecodeRecordParts(core_bytes(i), attached_bytes(i), out);
}

int64_t Snapshot::Find(uint32_t npi) const {
  auto it = std::lower_bound(npi_.begin(), npi_.end(), npi);
  if (it == npi_.end() || *it != npi) return -1;
  return it - npi_.begin();
}

Status Snapshot::CheckEveryRecord() const {
  MERIDIAN_RETURN_IF_ERROR(CheckInvariants());
  Record r;
  for (size_t i = 0; i < size(); ++i) {
    Status s = GetRecordMapped(i, &r);
    if (!s.ok()) return Status::Corruption("record " + std::to_string(i) + ": " + s.message());
    if (r.npi != npi(i)) return Status::Corruption("record NPI does not match column");
    const std::span<const uint32_t> postal = postal_codes(i);
    for (size_t k = 0; k < postal.size(); ++k) {
      const Location* l = r.LocationAt(k);
      const int zip = l == nullptr ? -1 : Zip5(l->address.postal_code);
      if (postal[k] != (zip < 0 ? snapshot::kNoPostal : static_cast<uint32_t>(zip)))
        return Status::Corruption("record " + std::to_string(i) +
                                  ": the postal code column does not match the record");
    }
  }
  return Status::OK();
}

Status Snapshot::CheckInvariants() const {
  const size_t n = size();
  for (size_t i = 1; i < n; ++i)
    if (npi_[i] <= npi_[i - 1]) return Status::Corruption("NPIs are not strictly ascending");
  for (size_t i = 0; i < n; ++i) {
    if (entity_[i] > 2) return Status::Corruption("bad entity type at row " + std::to_string(i));
    if (state_[i] > states_.codes().size())
      return Status::Corruption("state id out of range at row " + std::to_string(i));
    if (primary_tax_[i] != snapshot::kNoTaxonomy && primary_tax_[i] >= taxonomy_.size())
      return Status::Corruption("primary taxonomy out of range at row " + std::to_string(i));
  }
  for (uint16_t id : tax_ids_)
    if (id >= taxonomy_.size()) return Status::Corruption("taxonomy id out of range");
  for (const auto& l : locations_) {
    if (l.precision > 1 || l.state > states_.codes().size())
      return Status::Corruption("bad location entry");
    if (l.precision != 0 && (!(l.lat >= -90 && l.lat <= 90) || !(l.lon >= -180 && l.lon <= 180)))
      return Status::Corruption("location coordinates out of range");
  }
  for (uint32_t code : loc_postal_)
    if (code > 99999 && code != snapshot::kNoPostal)
      return Status::Corruption("a location's postal code is not five digits");
  MERIDIAN_RETURN_IF_ERROR(text_.CheckInvariants());
  // Each place's counts are the rows that name it.
  std::vector<uint32_t> rows(places_.size(), 0);
  for (size_t i = 0; i < n; ++i) {
    const Place& p = places_[place_[i]];
    if (p.state != state_[i])
      return Status::Corruption("row " + std::to_string(i) + " names a place in another state");
    ++rows[place_[i]];
  }
  for (size_t k = 0; k < places_.size(); ++k)
    if (rows[k] != places_[k].rows)
      return Status::Corruption("place '" + places_[k].city + "' counts the wrong rows");
  return Status::OK();
}

}  // namespace meridian
