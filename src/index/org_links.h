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

 private:
  std::unordered_map<std::string, std::vector<uint32_t>> by_name_;
};

}  // namespace meridian
