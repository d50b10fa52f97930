#include "index/org_links.h"

#include <algorithm>

#include "util/ascii.h"

namespace meridian {

Result<OrganizationLinks> OrganizationLinks::Build(const Snapshot& snap) {
  OrganizationLinks links;
  Record r;
  std::vector<std::string> names;
  for (size_t i = 0; i < snap.size(); ++i) {
    Status s = snap.GetRecord(i, &r);
    if (!s.ok())
      return Status::Corruption("row " + std::to_string(i) + " does not decode: " + s.message());
    names.clear();
    if (r.is_org_subpart == "Y" && !r.parent_org_lbn.empty())
      names.push_back(AsciiLower(r.parent_org_lbn));
    for (const Endpoint& e : r.endpoints)
      if (e.affiliation == "Y" && !e.affiliation_legal_name.empty())
        names.push_back(AsciiLower(e.affiliation_legal_name));
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    for (const std::string& n : names) links.by_name_[n].push_back(static_cast<uint32_t>(i));
  }
  return links;
}

std::span<const uint32_t> OrganizationLinks::Find(std::string_view org_name) const {
  auto it = by_name_.find(AsciiLower(org_name));
  if (it == by_name_.end()) return {};
  return it->second;
}

}  // namespace meridian
