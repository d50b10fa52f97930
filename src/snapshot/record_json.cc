#include "snapshot/record_json.h"

#include "text/display_case.h"

namespace meridian {

namespace {

void WriteAddress(const Address& registry, JsonWriter* w) {
  const Address a = ReadableAddress(registry);
  w->Optional("line1", a.line1).Optional("line2", a.line2).Optional("city", a.city);
  w->Optional("state", a.state)
      .Optional("postal_code", a.postal_code)
      .Optional("country", a.country);
  w->Optional("phone", a.phone).Optional("phone_ext", a.phone_ext).Optional("fax", a.fax);
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
  w->Optional("line1", a.line1).Optional("line2", a.line2).Optional("city", a.city);
  w->EndObject();
}

void WriteRecordJson(const Record& r, const TaxonomyDict& taxonomy, JsonWriter* w) {
  w->BeginObject();
  w->Field("npi", NpiToString(r.npi));
  w->Field("entity_type", EntityTypeName(r.entity));
  w->Optional("display_name", ReadableName(r));
  w->Key("registry_text").BeginObject().Optional("display_name", r.RegistryName()).EndObject();
  w->Field("source", "NPPES NPI registry; self-reported by the provider, not verified");
  w->Optional("replacement_npi", r.replacement_npi).Optional("ein", r.ein);
  w->Key("name").BeginObject();
  w->Optional("organization", r.org_name)
      .Optional("last", r.last_name)
      .Optional("first", r.first_name);
  w->Optional("middle", r.middle_name)
      .Optional("prefix", r.name_prefix)
      .Optional("suffix", r.name_suffix);
  w->Optional("credential", r.credential);
  w->EndObject();
  w->Key("other_name").BeginObject();
  w->Optional("organization", r.other_org_name)
      .Optional("organization_type_code", r.other_org_name_type);
  w->Optional("last", r.other_last_name).Optional("first", r.other_first_name);
  w->Optional("middle", r.other_middle_name).Optional("prefix", r.other_name_prefix);
  w->Optional("suffix", r.other_name_suffix).Optional("credential", r.other_credential);
  w->Optional("last_name_type_code", r.other_last_name_type);
  w->EndObject();
  w->Optional("credential", r.credential);
  w->Optional("sex", r.sex);
  w->Optional("sole_proprietor", r.sole_proprietor);
  w->Optional("is_organization_subpart", r.is_org_subpart);
  w->Optional("parent_organization_lbn", r.parent_org_lbn);
  w->Optional("parent_organization_tin", r.parent_org_tin);
  w->Optional("enumeration_date", FormatIsoDate(r.enumeration_date));
  w->Optional("last_update_date", FormatIsoDate(r.last_update_date));
  w->Optional("deactivation_date", FormatIsoDate(r.deactivation_date));
  w->Optional("deactivation_reason_code", r.deactivation_reason);
  w->Optional("reactivation_date", FormatIsoDate(r.reactivation_date));
  w->Optional("certification_date", FormatIsoDate(r.certification_date));
  w->Key("authorized_official").BeginObject();
  w->Optional("last", r.ao_last_name).Optional("first", r.ao_first_name);
  w->Optional("middle", r.ao_middle_name)
      .Optional("title", r.ao_title)
      .Optional("phone", r.ao_phone);
  w->Optional("prefix", r.ao_name_prefix).Optional("suffix", r.ao_name_suffix);
  w->Optional("credential", r.ao_credential);
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
    w->Optional("code", t.code);
    int id = taxonomy.Find(t.code);
    const TaxonomyEntry* e = id < 0 ? nullptr : &taxonomy.entry(static_cast<uint16_t>(id));
    bool known = e != nullptr && e->known;
    w->Key("known").Bool(known);
    w->Optional("display_name", known ? e->info.display_name : "");
    w->Optional("grouping", known ? e->info.grouping : "");
    w->Optional("classification", known ? e->info.classification : "");
    w->Optional("specialization", known ? e->info.specialization : "");
    w->Optional("license_number", t.license_number);
    w->Optional("license_state", t.license_state);
    w->Optional("primary_switch", t.primary_switch == ' ' ? "" : std::string(1, t.primary_switch));
    w->Key("primary").Bool(static_cast<int>(i) == primary);
    w->Optional("group", t.group);
    w->EndObject();
  }
  w->EndArray();
  w->Key("other_identifiers").BeginArray();
  for (const OtherIdentifier& o : r.other_ids) {
    w->BeginObject();
    w->Key("slot").Uint(o.slot);
    w->Optional("identifier", o.identifier).Optional("type_code", o.type_code);
    w->Optional("state", o.state).Optional("issuer", o.issuer);
    w->EndObject();
  }
  w->EndArray();
  w->Key("other_organization_names").BeginArray();
  for (const OtherOrgName& o : r.other_org_names) {
    w->BeginObject();
    w->Optional("name", o.name).Optional("type_code", o.type_code);
    w->EndObject();
  }
  w->EndArray();
  w->Key("endpoints").BeginArray();
  for (const Endpoint& p : r.endpoints) {
    w->BeginObject();
    w->Optional("type", p.type).Optional("type_description", p.type_description);
    w->Optional("endpoint", p.endpoint).Optional("affiliation", p.affiliation);
    w->Optional("description", p.description);
    w->Optional("affiliation_legal_name", p.affiliation_legal_name);
    w->Optional("use_code", p.use_code).Optional("use_description", p.use_description);
    w->Optional("other_use_description", p.other_use_description);
    w->Optional("content_type", p.content_type)
        .Optional("content_description", p.content_description);
    w->Optional("other_content_description", p.other_content_description);
    w->Key("affiliation_address").BeginObject();
    WriteAddress(p.affiliation_address, w);
    w->EndObject();
    w->EndObject();
  }
  w->EndArray();
  w->EndObject();
}

}  // namespace meridian
