#include "ingest/nppes_row.h"

#include <string>
#include <unordered_map>

#include "model/fields.h"
#include "util/utf8.h"

namespace meridian {

namespace {

// Looks up an optional column: "" when absent.
inline std::string_view Get(const std::vector<std::string_view>& f, int col) {
  return col < 0 ? std::string_view() : f[static_cast<size_t>(col)];
}

inline void Set(std::string& dst, const std::vector<std::string_view>& f, int col) {
  std::string_view v = Get(f, col);
  dst.assign(v.data(), v.size());
}

bool SetDate(PackedDate* out, const std::vector<std::string_view>& f, int col, const char* name,
             RowError* err) {
  std::string_view v = Get(f, col);
  if (ParseNppesDate(v, out)) return true;
  err->field = name;
  err->reason = "unparseable date \"" + std::string(v.substr(0, 40)) + "\" (expected MM/DD/YYYY)";
  return false;
}

}  // namespace

bool MapNppesRow(const NppesColumns& c, const std::vector<std::string_view>& f,
                 std::string_view raw, Record* r, RowError* err) {
  if (f.size() != c.field_count) {
    err->field = "";
    err->reason =
        "expected " + std::to_string(c.field_count) + " fields, found " + std::to_string(f.size());
    return false;
  }
  std::string_view npi = f[c.npi];
  if (!IsValidNpi(npi)) {
    err->field = "NPI";
    err->reason = NpiProblem(npi);
    return false;
  }
  // UTF-8: one pass over the raw record; per field only to name the bad one.
  if (raw.empty() || !IsValidUtf8(raw))
    for (size_t i = 0; i < f.size(); ++i) {
      if (!IsValidUtf8(f[i])) {
        err->field = c.names[i];
        err->reason = "invalid UTF-8";
        return false;
      }
    }
  if (!ParseNpi(npi, &r->npi)) {  // IsValidNpi passed: 10 digits starting 1 or 2
    err->field = "NPI";
    err->reason = "NPI is not 10 digits";
    return false;
  }

  std::string_view entity = f[c.entity];
  if (entity == "1") {
    r->entity = EntityType::kIndividual;
  } else if (entity == "2") {
    r->entity = EntityType::kOrganization;
  } else if (entity.empty()) {
    r->entity = EntityType::kDeactivated;
  } else {
    err->field = "Entity Type Code";
    err->reason =
        "entity type must be 1, 2 or empty, found \"" + std::string(entity.substr(0, 20)) + "\"";
    return false;
  }

  Set(r->replacement_npi, f, c.replacement_npi);
  Set(r->ein, f, c.ein);
  Set(r->org_name, f, c.org_name);
  Set(r->last_name, f, c.last_name);
  Set(r->first_name, f, c.first_name);
  Set(r->middle_name, f, c.middle_name);
  Set(r->name_prefix, f, c.name_prefix);
  Set(r->name_suffix, f, c.name_suffix);
  Set(r->credential, f, c.credential);
  Set(r->other_org_name, f, c.other_org_name);
  Set(r->other_org_name_type, f, c.other_org_name_type);
  Set(r->other_last_name, f, c.other_last_name);
  Set(r->other_first_name, f, c.other_first_name);
  Set(r->other_middle_name, f, c.other_middle_name);
  Set(r->other_name_prefix, f, c.other_name_prefix);
  Set(r->other_name_suffix, f, c.other_name_suffix);
  Set(r->other_credential, f, c.other_credential);
  Set(r->other_last_name_type, f, c.other_last_name_type);
  Set(r->sex, f, c.sex);
  Set(r->sole_proprietor, f, c.sole_proprietor);
  Set(r->is_org_subpart, f, c.is_org_subpart);
  Set(r->parent_org_lbn, f, c.parent_org_lbn);
  Set(r->parent_org_tin, f, c.parent_org_tin);
  Set(r->deactivation_reason, f, c.deactivation_reason);
  Set(r->ao_last_name, f, c.ao_last_name);
  Set(r->ao_first_name, f, c.ao_first_name);
  Set(r->ao_middle_name, f, c.ao_middle_name);
  Set(r->ao_title, f, c.ao_title);
  Set(r->ao_phone, f, c.ao_phone);
  Set(r->ao_name_prefix, f, c.ao_name_prefix);
  Set(r->ao_name_suffix, f, c.ao_name_suffix);
  Set(r->ao_credential, f, c.ao_credential);

  Address& m = r->mailing;
  Set(m.line1, f, c.mail_line1), Set(m.line2, f, c.mail_line2), Set(m.city, f, c.mail_city);
  Set(m.state, f, c.mail_state), Set(m.postal_code, f, c.mail_postal);
  Set(m.country, f, c.mail_country), Set(m.phone, f, c.mail_phone), Set(m.fax, f, c.mail_fax);
  m.phone_ext.clear();
  Address& p = r->practice.address;
  Set(p.line1, f, c.prac_line1), Set(p.line2, f, c.prac_line2), Set(p.city, f, c.prac_city);
  Set(p.state, f, c.prac_state), Set(p.postal_code, f, c.prac_postal);
  Set(p.country, f, c.prac_country), Set(p.phone, f, c.prac_phone), Set(p.fax, f, c.prac_fax);
  p.phone_ext.clear();
  r->practice.lat = r->practice.lon = 0;
  r->practice.precision = GeoPrecision::kNone;

  if (!SetDate(&r->enumeration_date, f, c.enumeration_date, "Provider Enumeration Date", err) ||
      !SetDate(&r->last_update_date, f, c.last_update_date, "Last Update Date", err) ||
      !SetDate(&r->deactivation_date, f, c.deactivation_date, "NPI Deactivation Date", err) ||
      !SetDate(&r->reactivation_date, f, c.reactivation_date, "NPI Reactivation Date", err) ||
      !SetDate(&r->certification_date, f, c.certification_date, "Certification Date", err))
    return false;
  if (r->entity == EntityType::kDeactivated && r->deactivation_date == 0) {
    err->field = "Entity Type Code";
    err->reason = "entity type is empty but there is no deactivation date";
    return false;
  }

  r->taxonomies.clear();
  for (int k = 0; k < kTaxonomySlots; ++k) {
    std::string_view code = f[c.tax_code[k]];
    std::string_view lic = f[c.tax_license[k]];
    std::string_view lic_state = f[c.tax_license_state[k]];
    std::string_view sw = f[c.tax_switch[k]];
    if (code.empty() && lic.empty() && lic_state.empty()) continue;
    TaxonomySlot& t = r->taxonomies.emplace_back();
    t.slot = static_cast<uint8_t>(k + 1);
    t.code.assign(code), t.license_number.assign(lic), t.license_state.assign(lic_state);
    t.primary_switch = sw.empty() ? ' ' : sw[0];
    Set(t.group, f, c.tax_group[k]);
  }
  r->other_ids.clear();
  for (int k = 0; k < kOtherIdSlots; ++k) {
    std::string_view id = f[c.oid_id[k]];
    std::string_view type = f[c.oid_type[k]];
    if (id.empty() && type.empty()) continue;
    OtherIdentifier& o = r->other_ids.emplace_back();
    o.slot = static_cast<uint8_t>(k + 1);
    o.identifier.assign(id), o.type_code.assign(type);
    Set(o.state, f, c.oid_state[k]), Set(o.issuer, f, c.oid_issuer[k]);
  }
  r->secondary.clear();
  r->other_org_names.clear();
  r->endpoints.clear();
  return true;
}

}  // namespace meridian
