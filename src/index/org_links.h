// OrganizationLinks: the providers NPPES itself links to an organization, by
// the organization's legal name (ASCII lower-cased): an organization subpart
// names its parent (Parent Organization LBN), and an endpoint marked
// affiliated names the organization it belongs to (Affiliation Legal
// Business Name). Nothing else counts: a shared address or phone number is
// not a link.
//
// Built once per snapshot while loading (O(n) record decodes), never on a
// request. Thread safety: immutable after Build().
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "snapshot/snapshot.h"
#include "util/status.h"

namespace meridian {

class OrganizationLinks {
 public:
  // A record that fails to decode is Corruption.
  static Result<OrganizationLinks> Build(const Snapshot& snap);

  // Rows linked to the organization with this legal name (any case), in row
  // order; empty when none.
  std::span<const uint32_t> Find(std::string_view org_name) const;
  size_t organizations() const { return by_name_.size(); }

 private:
  std::unordered_map<std::string, std::vector<uint32_t>> by_name_;
};

}  // namespace meridian
