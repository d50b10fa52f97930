// TaxonomyDict: the taxonomy codes a snapshot refers to, by small id.
//
// Ids 0..K-1 are the NUCC code set in code order; ids K.. are codes seen in
// the data but absent from NUCC ("unknown"), kept so nothing is dropped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "refdata/nucc.h"
#include "util/status.h"

namespace meridian {

struct TaxonomyEntry {
  TaxonomyInfo info;  // only info.code is set for unknown codes
  bool known = false;
};

class TaxonomyDict {
 public:
  TaxonomyDict() = default;
  explicit TaxonomyDict(const TaxonomyTable& nucc);

  // Id of `code`, adding it as unknown when new. Not thread-safe.
  uint16_t Intern(std::string_view code);
  // Id of `code` or -1.
  int Find(std::string_view code) const;
  const TaxonomyEntry& entry(uint16_t id) const { return entries_[id]; }
  size_t size() const { return entries_.size(); }
  size_t known_count() const { return known_; }

  std::string Encode() const;
  static Result<TaxonomyDict> Decode(std::string_view bytes);

 private:
  std::vector<TaxonomyEntry> entries_;
  std::unordered_map<std::string, uint16_t> index_;
  size_t known_ = 0;
};

}  // namespace meridian
