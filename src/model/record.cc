#include "model/record.h"

namespace meridian {

const char* EntityTypeName(EntityType e) {
  switch (e) {
    case EntityType::kIndividual:
      return "individual";
    case EntityType::kOrganization:
      return "organization";
    case EntityType::kDeactivated:
      return "deactivated";
  }
  return "deactivated";
}

const char* GeoPrecisionName(GeoPrecision p) {
  return p == GeoPrecision::kZipCentroid ? "zip-centroid" : "none";
}

int Record::PrimaryTaxonomyIndex() const {
  if (taxonomies.empty()) return -1;
  for (size_t i = 0; i < taxonomies.size(); ++i)
    if (taxonomies[i].primary_switch == 'Y') return static_cast<int>(i);
  return 0;
}

std::string Record::RegistryName() const {
  if (entity == EntityType::kOrganization) return org_name;
  std::string out;
  auto add = [&out](const std::string& part) {
    if (part.empty()) return;
    if (!out.empty()) out += ' ';
    out += part;
  };
  add(name_prefix);
  add(first_name);
  add(middle_name);
  add(last_name);
  add(name_suffix);
  return out;
}

std::string Record::SortName() const {
  std::string key = entity == EntityType::kOrganization ? org_name
                    : entity == EntityType::kIndividual
                        ? last_name + " " + first_name + " " + middle_name
                        : std::string();
  for (char& c : key)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return key;
}

std::string NpiToString(uint32_t npi) {
  std::string s = std::to_string(npi);
  if (s.size() < 10) s.insert(0, 10 - s.size(), '0');
  return s;
}

}  // namespace meridian
