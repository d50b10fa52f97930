// NppesColumns: where each field Meridian reads sits in the NPPES "NPI
// Downloadable File" (npidata_pfile, 330 columns), found by header name,
// never by position, so a reordered or extended file still reads correctly.
// Both "Provider Sex Code" and the older "Provider Gender Code" are accepted.
// Ingest reads rows with it; synth writes rows with it.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace meridian {

inline constexpr int kTaxonomySlots = 15;
inline constexpr int kOtherIdSlots = 50;

// Column index of every field Meridian reads; -1 for optional columns that
// are absent from the header.
struct NppesColumns {
  size_t field_count = 0;
  std::vector<std::string> names;  // the header, for naming fields in errors
  int npi = -1, entity = -1, replacement_npi = -1, ein = -1, org_name = -1, last_name = -1,
      first_name = -1, middle_name = -1, name_prefix = -1, name_suffix = -1, credential = -1,
      other_org_name = -1, other_org_name_type = -1, other_last_name = -1, other_first_name = -1,
      other_middle_name = -1, other_name_prefix = -1, other_name_suffix = -1, other_credential = -1,
      other_last_name_type = -1;
  int mail_line1 = -1, mail_line2 = -1, mail_city = -1, mail_state = -1, mail_postal = -1,
      mail_country = -1, mail_phone = -1, mail_fax = -1;
  int prac_line1 = -1, prac_line2 = -1, prac_city = -1, prac_state = -1, prac_postal = -1,
      prac_country = -1, prac_phone = -1, prac_fax = -1;
  int enumeration_date = -1, last_update_date = -1, deactivation_reason = -1,
      deactivation_date = -1, reactivation_date = -1, sex = -1;
  int ao_last_name = -1, ao_first_name = -1, ao_middle_name = -1, ao_title = -1, ao_phone = -1,
      ao_name_prefix = -1, ao_name_suffix = -1, ao_credential = -1;
  int sole_proprietor = -1, is_org_subpart = -1, parent_org_lbn = -1, parent_org_tin = -1,
      certification_date = -1;
  std::array<int, kTaxonomySlots> tax_code{}, tax_license{}, tax_license_state{}, tax_switch{},
      tax_group{};
  std::array<int, kOtherIdSlots> oid_id{}, oid_type{}, oid_state{}, oid_issuer{};

  // Locates every column by name. InvalidArgument lists the missing required
  // columns (all but the later additions: taxonomy groups, certification date,
  // authorized-official prefix/suffix/credential).
  static Result<NppesColumns> FromHeader(const std::vector<std::string_view>& header);
};

}  // namespace meridian
