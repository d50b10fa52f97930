#include "text/search_text.h"

#include "text/normalize.h"

namespace meridian {

void AppendNameText(const Record& r, std::string* out) {
  for (const std::string* f :
       {&r.first_name, &r.middle_name, &r.last_name, &r.other_first_name, &r.other_middle_name,
        &r.other_last_name, &r.org_name, &r.other_org_name})
    AppendNormalizedTokens(*f, out);
}

void AppendOtherNamesText(const std::vector<OtherOrgName>& names, std::string* out) {
  for (const OtherOrgName& n : names) AppendNormalizedTokens(n.name, out);
}

std::string SearchTextOf(const Record& r) {
  std::string out;
  AppendNameText(r, &out);
  AppendOtherNamesText(r.other_org_names, &out);
  AppendNormalizedTokens(r.practice.address.city, &out);
  return out;
}

std::string CityKey(const Record& r) {
  std::string out;
  AppendNormalizedTokens(r.practice.address.city, &out);
  return out;
}

}  // namespace meridian
