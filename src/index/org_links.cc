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

namespace {

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const uint8_t b = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace

void OrganizationLinks::EncodeTo(std::string* out) const {
  std::vector<const std::string*> names;
  names.reserve(by_name_.size());
  for (const auto& [name, rows] : by_name_) names.push_back(&name);
  std::sort(names.begin(), names.end(), [](const auto* a, const auto* b) { return *a < *b; });
  PutVarint(names.size(), out);
  for (const std::string* name : names) {
    const std::vector<uint32_t>& rows = by_name_.at(*name);
    PutVarint(name->size(), out);
    out->append(*name);
    PutVarint(rows.size(), out);
    uint32_t prev = 0;
    for (uint32_t r : rows) {
      PutVarint(r - prev, out);
      prev = r;
    }
  }
}

Result<OrganizationLinks> OrganizationLinks::Decode(std::string_view in, size_t rows) {
  const Status bad = Status::Corruption("the organization links do not decode");
  OrganizationLinks links;
  uint64_t names = 0;
  if (!GetVarint(&in, &names) || names > in.size()) return bad;
  for (uint64_t k = 0; k < names; ++k) {
    uint64_t len = 0, count = 0;
    if (!GetVarint(&in, &len) || len > in.size()) return bad;
    std::string name(in.substr(0, len));
    in.remove_prefix(len);
    if (!GetVarint(&in, &count) || count > in.size() || count == 0) return bad;
    std::vector<uint32_t>& out = links.by_name_[std::move(name)];
    if (!out.empty()) return bad;  // a name twice
    uint64_t row = 0;
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t delta = 0;
      if (!GetVarint(&in, &delta)) return bad;
      row += delta;
      if (row >= rows || (i > 0 && delta == 0)) return bad;
      out.push_back(static_cast<uint32_t>(row));
    }
  }
  if (!in.empty()) return bad;
  return links;
}

std::span<const uint32_t> OrganizationLinks::Find(std::string_view org_name) const {
  auto it = by_name_.find(AsciiLower(org_name));
  if (it == by_name_.end()) return {};
  return it->second;
}

}  // namespace meridian
