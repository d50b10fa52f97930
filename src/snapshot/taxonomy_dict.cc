#include "snapshot/taxonomy_dict.h"

#include "util/bytes.h"

namespace meridian {

TaxonomyDict::TaxonomyDict(const TaxonomyTable& nucc) {
  for (const TaxonomyInfo& info : nucc.rows()) {
    index_.emplace(info.code, static_cast<uint16_t>(entries_.size()));
    entries_.push_back({info, true});
  }
  known_ = entries_.size();
}

uint16_t TaxonomyDict::Intern(std::string_view code) {
  auto it = index_.find(std::string(code));
  if (it != index_.end()) return it->second;
  uint16_t id = static_cast<uint16_t>(entries_.size());
  TaxonomyEntry e;
  e.info.code = std::string(code);
  entries_.push_back(e);
  index_.emplace(std::string(code), id);
  return id;
}

int TaxonomyDict::Find(std::string_view code) const {
  auto it = index_.find(std::string(code));
  return it == index_.end() ? -1 : it->second;
}

std::string TaxonomyDict::Encode() const {
  std::string out;
  PutVarint(&out, entries_.size());
  for (const TaxonomyEntry& e : entries_) {
    PutString(&out, e.info.code);
    PutString(&out, e.info.grouping);
    PutString(&out, e.info.classification);
    PutString(&out, e.info.specialization);
    PutString(&out, e.info.display_name);
    PutString(&out, e.info.section);
    out.push_back(e.known ? 1 : 0);
  }
  return out;
}

Result<TaxonomyDict> TaxonomyDict::Decode(std::string_view bytes) {
  ByteReader in(bytes);
  TaxonomyDict d;
  uint64_t n = in.Varint();
  if (n >= 0xFFFF) return Status::Corruption("taxonomy dictionary too large");
  for (uint64_t i = 0; i < n && in.ok(); ++i) {
    TaxonomyEntry e;
    e.info.code = in.String();
    e.info.grouping = in.String();
    e.info.classification = in.String();
    e.info.specialization = in.String();
    e.info.display_name = in.String();
    e.info.section = in.String();
    e.known = in.Fixed<uint8_t>() != 0;
    if (e.known) ++d.known_;
    d.index_.emplace(e.info.code, static_cast<uint16_t>(d.entries_.size()));
    d.entries_.push_back(std::move(e));
  }
  if (!in.ok() || !in.AtEnd()) return Status::Corruption("taxonomy dictionary is malformed");
  return d;
}

}  // namespace meridian
