#include "snapshot/writer.h"

#include <cstddef>
#include <cstring>
#include <ctime>
#include <thread>

#include "geo/zcta.h"
#include "text/text_index.h"
#include "util/bytes.h"
#include "util/crc32c.h"

namespace meridian {

using snapshot::FileHeader;
using snapshot::SectionEntry;

namespace {

constexpr int kSectionCount = 28;

uint32_t Crc(uint32_t crc, std::string_view bytes) {
  return crc32c::Extend(crc, bytes.data(), bytes.size());
}

template <class T>
std::string_view AsBytes(const std::vector<T>& v) {
  return {reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T)};
}

uint64_t HeaderBytes() { return sizeof(FileHeader) + kSectionCount * sizeof(SectionEntry); }

uint64_t AlignUp(uint64_t x) {
  return (x + snapshot::kSectionAlign - 1) / snapshot::kSectionAlign * snapshot::kSectionAlign;
}

}  // namespace

uint32_t PostalKey(std::string_view postal_code) {
  const int zip = Zip5(postal_code);
  return zip < 0 ? snapshot::kNoPostal : static_cast<uint32_t>(zip);
}

SnapshotWriter::SnapshotWriter(std::unique_ptr<AtomicFile> file) : file_(std::move(file)) {}

Result<std::unique_ptr<SnapshotWriter>> SnapshotWriter::Create(const std::string& path) {
  auto f = AtomicFile::Create(path);
  if (!f.ok()) return f.status();
  std::unique_ptr<SnapshotWriter> w(new SnapshotWriter(std::move(f).value()));
  // Placeholder for header + table, then the records section begins.
  std::string zeros(AlignUp(HeaderBytes()), '\0');
  MERIDIAN_RETURN_IF_ERROR(w->file_->Append(zeros));
  w->records_offset_ = w->file_->size();
  w->records_crc_ = Crc(0, {});
  return w;
}

Status SnapshotWriter::AppendCore(std::string_view bytes, uint64_t* offset) {
  if (!status_.ok()) return status_;
  *offset = records_bytes_;
  Status s = file_->Append(bytes);
  if (!s.ok()) return status_ = s;
  records_crc_ = Crc(records_crc_, bytes);
  records_bytes_ += bytes.size();
  return Status::OK();
}

void SnapshotWriter::Reserve(const SnapshotSizeHint& h) {
  npi_.reserve(h.records);
  entity_.reserve(h.records);
  sex_.reserve(h.records);
  state_.reserve(h.records);
  primary_tax_.reserve(h.records);
  tax_off_.reserve(h.records + 1);
  loc_off_.reserve(h.records + 1);
  core_off_.reserve(h.records);
  core_len_.reserve(h.records);
  att_off_.reserve(h.records + 1);
  cred_off_.reserve(h.records + 1);
  text_off_.reserve(h.records + 1);
  place_.reserve(h.records);
  tax_ids_.reserve(h.taxonomy_ids);
  locations_.reserve(h.locations);
  loc_postal_.reserve(h.locations);
  attached_.reserve(h.attached_bytes);
  credentials_.reserve(h.credential_bytes);
  text_.reserve(h.text_bytes);
}

Status SnapshotWriter::Add(const SnapshotRecordIn& r) {
  if (!status_.ok()) return status_;
  if (!npi_.empty() && r.npi <= npi_.back())
    return status_ = Status::Internal("SnapshotWriter::Add: NPIs must be strictly ascending");
  if (r.core_offset > records_bytes_ || r.core_length > records_bytes_ - r.core_offset)
    return status_ = Status::Internal("SnapshotWriter::Add: core bytes were not appended");
  if (r.postal.size() != r.locations.size())
    return status_ = Status::Internal("SnapshotWriter::Add: one postal code per location");
  npi_.push_back(r.npi);
  entity_.push_back(static_cast<uint8_t>(r.entity));
  sex_.push_back(static_cast<uint8_t>(r.sex));
  state_.push_back(r.state);
  primary_tax_.push_back(r.primary_taxonomy);
  tax_ids_.insert(tax_ids_.end(), r.taxonomy_ids.begin(), r.taxonomy_ids.end());
  tax_off_.push_back(static_cast<uint32_t>(tax_ids_.size()));
  locations_.insert(locations_.end(), r.locations.begin(), r.locations.end());
  loc_off_.push_back(static_cast<uint32_t>(locations_.size()));
  loc_postal_.insert(loc_postal_.end(), r.postal.begin(), r.postal.end());
  core_off_.push_back(r.core_offset);
  core_len_.push_back(r.core_length);
  attached_.append(r.attached);
  att_off_.push_back(attached_.size());
  credentials_.append(r.credential);
  cred_off_.push_back(static_cast<uint32_t>(credentials_.size()));
  if (!text_.empty() && !r.search_text.empty()) text_.push_back(' ');
  text_.append(r.search_text);
  text_off_.push_back(text_.size());
  const bool geo = !r.locations.empty() && r.locations[0].precision != 0;
  place_.push_back(places_.Add(r.city, r.state, geo, geo ? r.locations[0].lat : 0,
                               geo ? r.locations[0].lon : 0));
  return Status::OK();
}

Status SnapshotWriter::WriteSection(const char* name, std::string_view bytes, uint32_t elem_bytes,
                                    uint64_t elem_count) {
  uint64_t at = AlignUp(file_->size());
  MERIDIAN_RETURN_IF_ERROR(file_->Append(std::string(at - file_->size(), '\0')));
  SectionEntry e{};
  std::strncpy(e.name, name, sizeof e.name - 1);
  e.offset = at;
  e.bytes = bytes.size();
  e.elem_bytes = elem_bytes;
  e.elem_count = elem_count;
  e.crc = Crc(0, bytes);
  table_.push_back(e);
  return file_->Append(bytes);
}

Status SnapshotWriter::Finish(std::string_view meta_json, const TaxonomyDict& taxonomy,
                              const StateTable& states, uint32_t flags) {
  if (!status_.ok()) return status_;
  namespace s = snapshot;
  const uint64_t n = npi_.size();
  SectionEntry rec{};
  std::strncpy(rec.name, s::kRecords, sizeof rec.name - 1);
  rec.offset = records_offset_;
  rec.bytes = records_bytes_;
  rec.elem_bytes = 1;
  rec.elem_count = rec.bytes;
  rec.crc = records_crc_;
  table_.push_back(rec);

  std::string state_bytes;
  PutVarint(&state_bytes, states.codes().size());
  for (const std::string& c : states.codes()) PutString(&state_bytes, c);
  std::string dict = taxonomy.Encode();

  Status st;
  auto section = [&](const char* name, std::string_view bytes, uint32_t eb, uint64_t count) {
    if (st.ok()) st = WriteSection(name, bytes, eb, count);
  };
  // The text index is CPU work; build it while the columns are written.
  TextIndexData t;
  std::thread text_builder([&] {
    t = BuildTextIndex(text_, text_off_);
    std::string().swap(text_);
  });
  section(s::kMeta, meta_json, 1, meta_json.size());
  section(s::kStates, state_bytes, 1, state_bytes.size());
  section(s::kTaxonomy, dict, 1, dict.size());
  section(s::kNpi, AsBytes(npi_), 4, n);
  section(s::kEntity, AsBytes(entity_), 1, n);
  section(s::kSex, AsBytes(sex_), 1, n);
  section(s::kState, AsBytes(state_), 1, n);
  section(s::kPrimaryTax, AsBytes(primary_tax_), 2, n);
  section(s::kTaxOffsets, AsBytes(tax_off_), 4, n + 1);
  section(s::kTaxIds, AsBytes(tax_ids_), 2, tax_ids_.size());
  section(s::kLocOffsets, AsBytes(loc_off_), 4, n + 1);
  section(s::kLocations, AsBytes(locations_), sizeof(s::LocationHot), locations_.size());
  section(s::kCoreOffsets, AsBytes(core_off_), 8, n);
  section(s::kCoreLengths, AsBytes(core_len_), 4, n);
  section(s::kAttOffsets, AsBytes(att_off_), 8, n + 1);
  section(s::kAttached, attached_, 1, attached_.size());
  section(s::kCredOffsets, AsBytes(cred_off_), 4, n + 1);
  section(s::kCredentials, credentials_, 1, credentials_.size());
  text_builder.join();
  {
    section(s::kTextVocab, t.vocab, 1, t.vocab.size());
    section(s::kTextVocabOff, AsBytes(t.vocab_off), 4, t.vocab_off.size());
    section(s::kTextPostOff, AsBytes(t.post_off), 4, t.post_off.size());
    section(s::kTextPostings, AsBytes(t.postings), 4, t.postings.size());
    section(s::kTextFwdOff, AsBytes(t.fwd_off), 4, t.fwd_off.size());
    section(s::kTextFwd, AsBytes(t.fwd), 4, t.fwd.size());
  }
  std::string places = EncodePlaces(places_.Finish());
  section(s::kPlaces, places, 1, places.size());
  section(s::kPlace, AsBytes(place_), 4, n);
  section(s::kLocPostal, AsBytes(loc_postal_), 4, loc_postal_.size());
  if (!st.ok()) return status_ = st;
  if (table_.size() != kSectionCount) return Status::Internal("section count mismatch");

  FileHeader h{};
  std::memcpy(h.magic, s::kMagic, sizeof h.magic);
  h.format_version = s::kFormatVersion;
  h.section_count = kSectionCount;
  h.file_bytes = file_->size();
  h.record_count = n;
  h.flags = flags;
  h.created_unix = static_cast<uint64_t>(std::time(nullptr));
  std::string_view table(reinterpret_cast<const char*>(table_.data()),
                         table_.size() * sizeof(SectionEntry));
  h.table_crc = Crc(0, table);
  h.header_crc = Crc(0, {reinterpret_cast<const char*>(&h), offsetof(FileHeader, header_crc)});
  std::string head(reinterpret_cast<const char*>(&h), sizeof h);
  head.append(table);
  MERIDIAN_RETURN_IF_ERROR(file_->WriteAt(0, head));
  return status_ = file_->Commit();
}

}  // namespace meridian
