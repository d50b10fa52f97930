#include "snapshot/record_json.h"

#include "text/display_case.h"

namespace meridian {

namespace {

void WriteAddress(const Address& registry, JsonWriter* w) {
  const Address a = ReadableAddress(registry);
  w->Field("line1", a.line1).Field("line2", a.line2).Field("city", a.city);
  w->Field("state", a.state).Field("postal_code", a.postal_code).Field("country", a.country);
  w->Field("phone", a.phone).Field("phone_ext", a.phone_ext).Field("fax", a.fax);
  WriteRegistryAddress(registry, w);
}

void WriteLocation(const Location& l, JsonWriter* w) {
  w->BeginObject();
  WriteAddress(l.address, w);
  if (l.precision == GeoPrecision::kNone) {
    w->Key("lat").Null().Key("lon").Null();
  } else {
    w->Key("lat").Double(l.lat, 6).Key("lon").Double(l.lon, 6);
  }
  w->Field("geo_precision", GeoPrecisionName(l.precision));
  w->EndObject();
}

}  // namespace

void WriteRegistryAddress(const Address& a, JsonWriter* w) {
  w->Key("registry_text").BeginObject();
  w->Field("line1", a.line1).Field("line2", a.line2).Field("city", a.city);
  w->EndObject();
}

void WriteRecordJson(const Record& r, const TaxonomyDict& taxonomy, JsonWriter* w) {
  w->BeginObject();
  w->Field("npi", NpiToString(r.npi));
  w->Field("entity_type", EntityTypeName(r.entity));
  w->Field("display_name", ReadableName(r));
  w->Key("registry_text").BeginObject().Field("display_name", r.RegistryName()).EndObject();
  w->Field("source", "NPPES NPI registry; self-reported by the provider, not verified");
  w->Field("replacement_npi", r.replacement_npi).Field("ein", r.ein);
  w->Key("name").BeginObject();
  w->Field("organization", r.org_name).Field("last", r.last_name).Field("first", r.first_name);
  w->Field("middle", r.middle_name).Field("prefix", r.name_prefix).Field("suffix", r.name_suffix);
  w->Field("credential", r.credential);
  w->EndObject();
  w->Key("other_name").BeginObject();
  w->Field("organization", r.other_org_name).Field("organization_type_code", r.other_org_name_type);
  w->Field("last", r.other_last_name).Field("first", r.other_first_name);
  w->Field("middle", r.other_middle_name).Field("prefix", r.other_name_prefix);
  w->Field("suffix", r.other_name_suffix).Field("credential", r.other_credential);
  w->Field("last_name_type_code", r.other_last_name_type);
  w->EndObject();
  w->Field("credential", r.credential);
  w->Field("sex", r.sex);
  w->Field("sole_proprietor", r.sole_proprietor);
  w->Field("is_organization_subpart", r.is_org_subpart);
  w->Field("parent_organization_lbn", r.parent_org_lbn);
  w->Field("parent_organization_tin", r.parent_org_tin);
  w->Field("enumeration_date", FormatIsoDate(r.enumeration_date));
  w->Field("last_update_date", FormatIsoDate(r.last_update_date));
  w->Field("deactivation_date", FormatIsoDate(r.deactivation_date));
  w->Field("deactivation_reason_code", r.deactivation_reason);
  w->Field("reactivation_date", FormatIsoDate(r.reactivation_date));
  w->Field("certification_date", FormatIsoDate(r.certification_date));
  w->Key("authorized_official").BeginObject();
  w->Field("last", r.ao_last_name).Field("first", r.ao_first_name);
  w->Field("middle", r.ao_middle_name).Field("title", r.ao_title).Field("phone", r.ao_phone);
  w->Field("prefix", r.ao_name_prefix).Field("suffix", r.ao_name_suffix);
  w->Field("credential", r.ao_credential);
  w->EndObject();
  w->Key("mailing_address").BeginObject();
  WriteAddress(r.mailing, w);
  w->EndObject();
  w->Key("practice_location");
  WriteLocation(r.practice, w);
  w->Key("secondary_locations").BeginArray();
  for (const Location& l : r.secondary) WriteLocation(l, w);
  w->EndArray();
  w->Key("taxonomies").BeginArray();
  int primary = r.PrimaryTaxonomyIndex();
  for (size_t i = 0; i < r.taxonomies.size(); ++i) {
    const TaxonomySlot& t = r.taxonomies[i];
    w->BeginObject();
    w->Key("slot").Uint(t.slot);
    w->Field("code", t.code);
    int id = taxonomy.Find(t.code);
    const TaxonomyEntry* e = id < 0 ? nullptr : &taxonomy.entry(static_cast<uint16_t>(id));
    bool known = e != nullptr && e->known;
    w->Key("known").Bool(known);
    w->Field("display_name", known ? e->info.display_name : "");
    w->Field("grouping", known ? e->info.grouping : "");
    w->Field("classification", known ? e->info.classification : "");
    w->Field("specialization", known ? e->info.specialization : "");
    w->Field("license_number", t.license_number);
    w->Field("license_state", t.license_state);
    w->Field("primary_switch", t.primary_switch == ' ' ? "" : std::string(1, t.primary_switch));
    w->Key("primary").Bool(static_cast<int>(i) == primary);
    w->Field("group", t.group);
    w->EndObject();
  }
  w->EndArray();
  w->Key("other_identifiers").BeginArray();
  for (const OtherIdentifier& o : r.other_ids) {
    w->BeginObject();
    w->Key("slot").Uint(o.slot);
    w->Field("identifier", o.identifier).Field("type_code", o.type_code);
    w->Field("state", o.state).Field("issuer", o.issuer);
    w->EndObject();
  }
  w->EndArray();
  w->Key("other_organization_names").BeginArray();
  for (const OtherOrgName& o : r.other_org_names) {
    w->BeginObject();
    w->Field("name", o.name).Field("type_code", o.type_code);
    w->EndObject();
  }
  w->EndArray();
  w->Key("endpoints").BeginArray();
  for (const Endpoint& p : r.endpoints) {
    w->BeginObject();
    w->Field("type", p.type).Field("type_description", p.type_description);
    w->Field("endpoint", p.endpoint).Field("affiliation", p.affiliation);
    w->Field("description", p.description);
    w->Field("affiliation_legal_name", p.affiliation_legal_name);
    w->Field("use_code", p.use_code).Field("use_description", p.use_description);
    w->Field("other_use_description", p.other_use_description);
    w->Field("content_type", p.content_type).Field("content_description", p.content_description);
    w->Field("other_content_description", p.other_content_description);
    w->Key("affiliation_address").BeginObject();
    WriteAddress(p.affiliation_address, w);
    w->EndObject();
    w->EndObject();
  }
  w->EndArray();
  w->EndObject();
}

}  // namespace meridian
