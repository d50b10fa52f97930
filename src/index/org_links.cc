#include "index/org_links.h"

#include <algorithm>

#include "util/ascii.h"

namespace meridian {

void OrganizationLinks::Add(uint32_t row, const Record& r) {
  std::vector<std::string> names;
  if (r.is_org_subpart == "Y" && !r.parent_org_lbn.empty())
    names.push_back(AsciiLower(r.parent_org_lbn));
  for (const Endpoint& e : r.endpoints)
    if (e.affiliation == "Y" && !e.affiliation_legal_name.empty())
      names.push_back(AsciiLower(e.affiliation_legal_name));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  for (std::string& n : names) by_name_[std::move(n)].push_back(row);
}

void OrganizationLinks::Append(OrganizationLinks&& later) {
  for (auto& [name, rows] : later.by_name_) {
    std::vector<uint32_t>& mine = by_name_[name];
    mine.insert(mine.end(), rows.begin(), rows.end());
  }
  later.by_name_.clear();
}

std::span<const uint32_t> OrganizationLinks::Find(std::string_view org_name) const {
  auto it = by_name_.find(AsciiLower(org_name));
  if (it == by_name_.end()) return {};
  return it->second;
}

}  // namespace meridian
