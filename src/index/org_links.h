// OrganizationLinks: the providers NPPES itself links to an organization, by
// the organization's legal name (ASCII lower-cased): an organization subpart
// names its parent (Parent Organization LBN), and an endpoint marked
// affiliated names the organization it belongs to (Affiliation Legal
// Business Name). Nothing else counts: a shared address or phone number is
// not a link.
//
// Built once per snapshot while loading, in SearchIndex::Build's one pass
// over the decoded records (which the name order needs too), never on a
// request. Thread safety: immutable once built.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/record.h"
#include "util/status.h"

namespace meridian {

class OrganizationLinks {
 public:
  // Adds the links record `rec` (at `row`) states. REQUIRES: rows are added
  // in ascending order.
  void Add(uint32_t row, const Record& rec);
  // Appends the links of `later`, whose rows all come after this one's.
  void Append(OrganizationLinks&& later);

  // Rows linked to the organization with this legal name (any case), in row
  // order; empty when none.
  std::span<const uint32_t> Find(std::string_view org_name) const;
  size_t organizations() const { return by_name_.size(); }

  // A byte form for the record-pass cache (record_cache.h), names in order:
  // varint count, then per name: varint length, bytes, varint rows, and the
  // rows as varint deltas. Decode refuses anything malformed (Corruption)
  // and rows at or past `rows`.
  void EncodeTo(std::string* out) const;
  static Result<OrganizationLinks> Decode(std::string_view in, size_t rows);
  bool operator==(const OrganizationLinks& o) const { return by_name_ == o.by_name_; }

 private:
  std::unordered_map<std::string, std::vector<uint32_t>> by_name_;
};

}  // namespace meridian
