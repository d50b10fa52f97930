#include "refdata/nppes_columns.h"

#include <string>
#include <unordered_map>

namespace meridian {

namespace {

struct Named {
  const char* name;
  int NppesColumns::*member;
  bool required;
};

constexpr Named kColumns[] = {
    {"NPI", &NppesColumns::npi, true},
    {"Entity Type Code", &NppesColumns::entity, true},
    {"Replacement NPI", &NppesColumns::replacement_npi, true},
    {"Employer Identification Number (EIN)", &NppesColumns::ein, true},
    {"Provider Organization Name (Legal Business Name)", &NppesColumns::org_name, true},
    {"Provider Last Name (Legal Name)", &NppesColumns::last_name, true},
    {"Provider First Name", &NppesColumns::first_name, true},
    {"Provider Middle Name", &NppesColumns::middle_name, true},
    {"Provider Name Prefix Text", &NppesColumns::name_prefix, true},
    {"Provider Name Suffix Text", &NppesColumns::name_suffix, true},
    {"Provider Credential Text", &NppesColumns::credential, true},
    {"Provider Other Organization Name", &NppesColumns::other_org_name, true},
    {"Provider Other Organization Name Type Code", &NppesColumns::other_org_name_type, true},
    {"Provider Other Last Name", &NppesColumns::other_last_name, true},
    {"Provider Other First Name", &NppesColumns::other_first_name, true},
    {"Provider Other Middle Name", &NppesColumns::other_middle_name, true},
    {"Provider Other Name Prefix Text", &NppesColumns::other_name_prefix, true},
    {"Provider Other Name Suffix Text", &NppesColumns::other_name_suffix, true},
    {"Provider Other Credential Text", &NppesColumns::other_credential, true},
    {"Provider Other Last Name Type Code", &NppesColumns::other_last_name_type, true},
    {"Provider First Line Business Mailing Address", &NppesColumns::mail_line1, true},
    {"Provider Second Line Business Mailing Address", &NppesColumns::mail_line2, true},
    {"Provider Business Mailing Address City Name", &NppesColumns::mail_city, true},
    {"Provider Business Mailing Address State Name", &NppesColumns::mail_state, true},
    {"Provider Business Mailing Address Postal Code", &NppesColumns::mail_postal, true},
    {"Provider Business Mailing Address Country Code (If outside U.S.)",
     &NppesColumns::mail_country, true},
    {"Provider Business Mailing Address Telephone Number", &NppesColumns::mail_phone, true},
    {"Provider Business Mailing Address Fax Number", &NppesColumns::mail_fax, true},
    {"Provider First Line Business Practice Location Address", &NppesColumns::prac_line1, true},
    {"Provider Second Line Business Practice Location Address", &NppesColumns::prac_line2, true},
    {"Provider Business Practice Location Address City Name", &NppesColumns::prac_city, true},
    {"Provider Business Practice Location Address State Name", &NppesColumns::prac_state, true},
    {"Provider Business Practice Location Address Postal Code", &NppesColumns::prac_postal, true},
    {"Provider Business Practice Location Address Country Code (If outside U.S.)",
     &NppesColumns::prac_country, true},
    {"Provider Business Practice Location Address Telephone Number", &NppesColumns::prac_phone,
     true},
    {"Provider Business Practice Location Address Fax Number", &NppesColumns::prac_fax, true},
    {"Provider Enumeration Date", &NppesColumns::enumeration_date, true},
    {"Last Update Date", &NppesColumns::last_update_date, true},
    {"NPI Deactivation Reason Code", &NppesColumns::deactivation_reason, true},
    {"NPI Deactivation Date", &NppesColumns::deactivation_date, true},
    {"NPI Reactivation Date", &NppesColumns::reactivation_date, true},
    {"Authorized Official Last Name", &NppesColumns::ao_last_name, true},
    {"Authorized Official First Name", &NppesColumns::ao_first_name, true},
    {"Authorized Official Middle Name", &NppesColumns::ao_middle_name, true},
    {"Authorized Official Title or Position", &NppesColumns::ao_title, true},
    {"Authorized Official Telephone Number", &NppesColumns::ao_phone, true},
    {"Is Sole Proprietor", &NppesColumns::sole_proprietor, true},
    {"Is Organization Subpart", &NppesColumns::is_org_subpart, true},
    {"Parent Organization LBN", &NppesColumns::parent_org_lbn, true},
    {"Parent Organization TIN", &NppesColumns::parent_org_tin, true},
    {"Authorized Official Name Prefix Text", &NppesColumns::ao_name_prefix, false},
    {"Authorized Official Name Suffix Text", &NppesColumns::ao_name_suffix, false},
    {"Authorized Official Credential Text", &NppesColumns::ao_credential, false},
    {"Certification Date", &NppesColumns::certification_date, false},
};

}  // namespace

Result<NppesColumns> NppesColumns::FromHeader(const std::vector<std::string_view>& header) {
  std::unordered_map<std::string_view, int> index;
  for (size_t i = 0; i < header.size(); ++i) index.emplace(header[i], static_cast<int>(i));
  NppesColumns c;
  c.field_count = header.size();
  c.names.assign(header.begin(), header.end());
  c.tax_code.fill(-1), c.tax_license.fill(-1), c.tax_license_state.fill(-1);
  c.tax_switch.fill(-1), c.tax_group.fill(-1);
  c.oid_id.fill(-1), c.oid_type.fill(-1), c.oid_state.fill(-1), c.oid_issuer.fill(-1);

  std::string missing;
  auto find = [&](const std::string& name, int* out, bool required) {
    auto it = index.find(name);
    if (it != index.end()) {
      *out = it->second;
    } else if (required) {
      if (!missing.empty()) missing += "; ";
      missing += '"' + name + '"';
    }
  };
  for (const Named& n : kColumns) find(n.name, &(c.*(n.member)), n.required);
  // The sex column was renamed from "Provider Gender Code" in 2024.
  auto sex = index.find("Provider Sex Code");
  if (sex == index.end()) sex = index.find("Provider Gender Code");
  if (sex != index.end()) {
    c.sex = sex->second;
  } else {
    missing += std::string(missing.empty() ? "" : "; ") +
               "\"Provider Sex Code\" (or \"Provider Gender Code\")";
  }
  for (int k = 1; k <= kTaxonomySlots; ++k) {
    std::string n = std::to_string(k);
    find("Healthcare Provider Taxonomy Code_" + n, &c.tax_code[k - 1], true);
    find("Provider License Number_" + n, &c.tax_license[k - 1], true);
    find("Provider License Number State Code_" + n, &c.tax_license_state[k - 1], true);
    find("Healthcare Provider Primary Taxonomy Switch_" + n, &c.tax_switch[k - 1], true);
    find("Healthcare Provider Taxonomy Group_" + n, &c.tax_group[k - 1], false);
  }
  for (int k = 1; k <= kOtherIdSlots; ++k) {
    std::string n = std::to_string(k);
    find("Other Provider Identifier_" + n, &c.oid_id[k - 1], true);
    find("Other Provider Identifier Type Code_" + n, &c.oid_type[k - 1], true);
    find("Other Provider Identifier State_" + n, &c.oid_state[k - 1], true);
    find("Other Provider Identifier Issuer_" + n, &c.oid_issuer[k - 1], true);
  }
  if (!missing.empty())
    return Status::InvalidArgument("NPPES header lacks required columns: " + missing);
  return c;
}

}  // namespace meridian
