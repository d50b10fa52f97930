#include "fhir/resources.h"

#include <charconv>
#include <cstdio>
#include <ctime>

#include "model/fields.h"
#include "refdata/nucc.h"
#include "text/display_case.h"

namespace meridian::fhir {

const char* TypeName(ResourceType t) {
  switch (t) {
    case ResourceType::kPractitioner:
      return "Practitioner";
    case ResourceType::kPractitionerRole:
      return "PractitionerRole";
    case ResourceType::kOrganization:
      return "Organization";
    case ResourceType::kLocation:
      return "Location";
    case ResourceType::kEndpoint:
      return "Endpoint";
    case ResourceType::kOrganizationAffiliation:
      return "OrganizationAffiliation";
  }
  return "";
}

bool ParseType(std::string_view name, ResourceType* t) {
  for (ResourceType x : kAllTypes)
    if (name == TypeName(x)) {
      *t = x;
      return true;
    }
  return false;
}

namespace {

// Splits "a-b-c" into at most `max` parts; false on more or on empty parts.
bool SplitDash(std::string_view s, std::string_view* parts, size_t max, size_t* n) {
  *n = 0;
  while (true) {
    const size_t dash = s.find('-');
    std::string_view part = s.substr(0, dash);
    if (part.empty() || *n == max) return false;
    parts[(*n)++] = part;
    if (dash == std::string_view::npos) return true;
    s.remove_prefix(dash + 1);
  }
}

bool SmallNumber(std::string_view s, uint32_t max, uint32_t* out) {
  if (s.empty() || s.size() > 5 || (s.size() > 1 && s[0] == '0')) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && *out <= max;
}

}  // namespace

bool ParseId(ResourceType t, std::string_view id, ResourceId* out) {
  std::string_view parts[3];
  size_t n = 0;
  if (!SplitDash(id, parts, 3, &n) || !ParseNpi(parts[0], &out->npi)) return false;
  switch (t) {
    case ResourceType::kPractitioner:
    case ResourceType::kOrganization:
      return n == 1;
    case ResourceType::kLocation:
      return n == 2 && SmallNumber(parts[1], 65535, &out->location);
    case ResourceType::kPractitionerRole:
      return n == 3 && SmallNumber(parts[1], 65535, &out->location) &&
             SmallNumber(parts[2], 15, &out->slot) && out->slot >= 1;
    case ResourceType::kEndpoint:
      return n == 2 && SmallNumber(parts[1], 65535, &out->endpoint) && out->endpoint >= 1;
    case ResourceType::kOrganizationAffiliation:
      return n == 2 && parts[1] == "parent";
  }
  return false;
}

std::string LocationId(uint32_t npi, uint32_t k) {
  return NpiToString(npi) + "-" + std::to_string(k);
}
std::string RoleId(uint32_t npi, uint32_t k, uint32_t slot) {
  return LocationId(npi, k) + "-" + std::to_string(slot);
}
std::string EndpointId(uint32_t npi, uint32_t j) {
  return NpiToString(npi) + "-" + std::to_string(j);
}
std::string AffiliationId(uint32_t npi) { return NpiToString(npi) + "-parent"; }

int SlotIndex(const Record& r, uint32_t slot) {
  for (size_t i = 0; i < r.taxonomies.size(); ++i)
    if (r.taxonomies[i].slot == slot) return static_cast<int>(i);
  return -1;
}

namespace {

// "2024-03-05T00:00:00Z": NPPES dates have no time; FHIR instants need one.
std::string Instant(PackedDate d) { return FormatIsoDate(d) + "T00:00:00Z"; }

void Meta(const Record& r, const Elements& el, JsonWriter* w) {
  w->Key("meta").BeginObject();
  if (r.last_update_date != 0) w->Field("lastUpdated", Instant(r.last_update_date));
  if (!el.names.empty()) {
    w->Key("tag").BeginArray().BeginObject();
    w->Field("system", "http://terminology.hl7.org/CodeSystem/v3-ObservationValue");
    w->Field("code", "SUBSETTED");
    w->EndObject().EndArray();
  }
  w->EndObject();
}

// Whether a correction belongs on a resource: every one on the listing
// (Practitioner, Organization); on the practice location, those of its
// address and phone.
bool ForLocation(const store::Correction& c) {
  return c.field == "address" || c.field == "phone" || c.field == "not_practising_here";
}

void WriteCorrection(const store::Correction& c, JsonWriter* w) {
  w->BeginObject().Field("url", kCorrectionUrl).Key("extension").BeginArray();
  auto sub = [&](const char* url, const char* type, const std::string& v) {
    w->BeginObject().Field("url", url).Field(type, v).EndObject();
  };
  sub("field", "valueCode", c.field);
  if (!c.value.empty()) sub("value", "valueString", c.value);
  if (!c.nppes_value.empty()) sub("nppesValue", "valueString", c.nppes_value);
  sub("source", "valueString", c.source);
  sub("date", "valueDate", FormatUnixDate(c.created));
  w->BeginObject().Field("url", "flagged").Key("valueBoolean").Bool(c.status == "flagged");
  w->EndObject();
  w->EndArray().EndObject();
}

void Begin(const char* type, const std::string& id, const Record& r, const Elements& el,
           JsonWriter* w, const Corrections& fixes = {}, bool location = false) {
  w->BeginObject();
  w->Field("resourceType", type).Field("id", id);
  Meta(r, el, w);
  if (el.Want("extension")) {
    w->Key("extension").BeginArray().BeginObject();
    w->Field("url", kSelfReportedUrl).Key("valueBoolean").Bool(true);
    w->EndObject();
    for (const store::Correction& c : fixes)
      if (c.status != "retired" && (!location || ForLocation(c))) WriteCorrection(c, w);
    w->EndArray();
  }
}

void NpiIdentifier(const Record& r, JsonWriter* w) {
  w->Key("identifier").BeginArray().BeginObject();
  w->Field("use", "official").Field("system", kNpiSystem).Field("value", NpiToString(r.npi));
  w->EndObject().EndArray();
}

void WriteAddress(const Address& registry, const char* type, JsonWriter* w) {
  const Address a = ReadableAddress(registry);
  w->BeginObject();
  w->Field("use", "work").Field("type", type);
  std::string text = a.line1;
  w->Key("line").BeginArray();
  if (!a.line1.empty()) w->String(a.line1);
  if (!a.line2.empty()) w->String(a.line2), text += ", " + a.line2;
  w->EndArray();
  if (!a.city.empty()) w->Field("city", a.city), text += ", " + a.city;
  if (!a.state.empty()) w->Field("state", a.state), text += ", " + a.state;
  if (!a.postal_code.empty()) {
    w->Field("postalCode", FormatPostalCode(a.postal_code));
    text += " " + FormatPostalCode(a.postal_code);
  }
  // NPPES country codes are ISO 3166 alpha-2 ("US").
  if (!a.country.empty()) w->Field("country", a.country);
  w->Field("text", text);
  w->EndObject();
}

void WriteTelecom(const Address& a, JsonWriter* w) {
  w->Key("telecom").BeginArray();
  if (!a.phone.empty()) {
    w->BeginObject().Field("system", "phone");
    w->Field("value", a.phone_ext.empty() ? a.phone : a.phone + " ext. " + a.phone_ext);
    w->Field("use", "work").EndObject();
  }
  if (!a.fax.empty()) w->BeginObject().Field("system", "fax").Field("value", a.fax).EndObject();
  w->EndArray();
}

bool HasTelecom(const Address& a) { return !a.phone.empty() || !a.fax.empty(); }

void TaxonomyCoding(const std::string& code, JsonWriter* w) {
  w->BeginObject().Field("system", kNuccSystem).Field("code", code);
  if (const TaxonomyInfo* t = TaxonomyTable::Embedded().Find(code))
    w->Field("display", t->display_name);
  w->EndObject();
}

const char* Gender(const std::string& sex) {
  if (sex == "M") return "male";
  if (sex == "F") return "female";
  if (sex == "X") return "other";
  if (sex == "U") return "unknown";
  return nullptr;
}

void Reference(const std::string& ref, const std::string& display, JsonWriter* w) {
  w->BeginObject();
  if (!ref.empty()) w->Field("reference", ref);
  if (!display.empty()) w->Field("display", display);
  w->EndObject();
}

// "endpoint": a reference to each of the record's endpoints (none: left out).
void EndpointRefs(const Record& r, const Elements& el, JsonWriter* w) {
  if (r.endpoints.empty() || !el.Want("endpoint")) return;
  w->Key("endpoint").BeginArray();
  for (size_t j = 0; j < r.endpoints.size(); ++j)
    Reference("Endpoint/" + EndpointId(r.npi, static_cast<uint32_t>(j + 1)), "", w);
  w->EndArray();
}

// The organization an individual's endpoint is marked affiliated with, as
// NPPES names it ("" when none).
std::string AffiliatedOrganization(const Record& r) {
  for (const Endpoint& e : r.endpoints)
    if (e.affiliation == "Y" && !e.affiliation_legal_name.empty())
      return DisplayOrgCase(e.affiliation_legal_name);
  return "";
}

}  // namespace

void WritePractitioner(const Record& r, const Elements& el, JsonWriter* w,
                       const Corrections& fixes) {
  Begin("Practitioner", NpiToString(r.npi), r, el, w, fixes);
  if (el.Want("identifier")) NpiIdentifier(r, w);
  if (el.Want("active")) w->Key("active").Bool(true);
  if (el.Want("name")) {
    w->Key("name").BeginArray();
    auto name = [&](const char* use, const std::string& last, const std::string& first,
                    const std::string& middle, const std::string& prefix,
                    const std::string& suffix) {
      w->BeginObject().Field("use", use);
      std::string text;
      for (const std::string* part : {&prefix, &first, &middle, &last, &suffix})
        if (!part->empty()) text += (text.empty() ? "" : " ") + DisplayNameCase(*part);
      if (!text.empty()) w->Field("text", text);
      if (!last.empty()) w->Field("family", DisplayNameCase(last));
      if (!first.empty() || !middle.empty()) {
        w->Key("given").BeginArray();
        if (!first.empty()) w->String(DisplayNameCase(first));
        if (!middle.empty()) w->String(DisplayNameCase(middle));
        w->EndArray();
      }
      if (!prefix.empty()) w->Key("prefix").BeginArray().String(DisplayNameCase(prefix)).EndArray();
      if (!suffix.empty()) w->Key("suffix").BeginArray().String(DisplayNameCase(suffix)).EndArray();
      w->EndObject();
    };
    name("official", r.last_name, r.first_name, r.middle_name, r.name_prefix, r.name_suffix);
    if (!r.other_last_name.empty() || !r.other_first_name.empty())
      name("old", r.other_last_name, r.other_first_name, r.other_middle_name, r.other_name_prefix,
           r.other_name_suffix);
    w->EndArray();
  }
  if (el.Want("telecom") && HasTelecom(r.practice.address)) WriteTelecom(r.practice.address, w);
  if (el.Want("address")) {
    w->Key("address").BeginArray();
    WriteAddress(r.practice.address, "physical", w);
    w->EndArray();
  }
  if (const char* g = Gender(r.sex); g != nullptr && el.Want("gender")) w->Field("gender", g);
  // Licenses as NPPES lists them (number and state per taxonomy), and the
  // credential text; all self-reported, none checked with a board.
  bool any = !r.credential.empty();
  for (const TaxonomySlot& t : r.taxonomies) any = any || !t.license_number.empty();
  if (any && el.Want("qualification")) {
    w->Key("qualification").BeginArray();
    for (const TaxonomySlot& t : r.taxonomies) {
      if (t.license_number.empty()) continue;
      w->BeginObject();
      w->Key("extension").BeginArray().BeginObject();
      w->Field("url", kSelfReportedUrl).Key("valueBoolean").Bool(true);
      w->EndObject().EndArray();
      w->Key("identifier").BeginArray().BeginObject();
      w->Field("value", t.license_number);
      w->EndObject().EndArray();
      w->Key("code").BeginObject().Key("coding").BeginArray();
      TaxonomyCoding(t.code, w);
      w->EndArray();
      w->Field("text", "License " + t.license_number +
                           (t.license_state.empty() ? "" : " (" + t.license_state + ")") +
                           ", as reported to NPPES");
      w->EndObject();
      if (!t.license_state.empty()) {
        w->Key("issuer");
        Reference("", "Licensing board of " + t.license_state, w);
      }
      w->EndObject();
    }
    if (!r.credential.empty()) {
      w->BeginObject();
      w->Key("extension").BeginArray().BeginObject();
      w->Field("url", kSelfReportedUrl).Key("valueBoolean").Bool(true);
      w->EndObject().EndArray();
      w->Key("code").BeginObject().Field("text", r.credential).EndObject();
      w->EndObject();
    }
    w->EndArray();
  }
  w->EndObject();
}

void WriteOrganization(const Record& r, const Elements& el, JsonWriter* w,
                       const Corrections& fixes) {
  Begin("Organization", NpiToString(r.npi), r, el, w, fixes);
  if (el.Want("identifier")) NpiIdentifier(r, w);
  if (el.Want("active")) w->Key("active").Bool(true);
  if (el.Want("type")) {
    w->Key("type").BeginArray().BeginObject().Key("coding").BeginArray().BeginObject();
    w->Field("system", "http://terminology.hl7.org/CodeSystem/organization-type");
    w->Field("code", "prov").Field("display", "Healthcare Provider");
    w->EndObject().EndArray().EndObject().EndArray();
  }
  if (el.Want("name")) w->Field("name", DisplayOrgCase(r.org_name));
  std::vector<std::string> aliases;
  if (!r.other_org_name.empty()) aliases.push_back(DisplayOrgCase(r.other_org_name));
  for (const OtherOrgName& o : r.other_org_names) aliases.push_back(DisplayOrgCase(o.name));
  if (!aliases.empty() && el.Want("alias")) {
    w->Key("alias").BeginArray();
    for (const std::string& a : aliases) w->String(a);
    w->EndArray();
  }
  if (el.Want("telecom") && HasTelecom(r.practice.address)) WriteTelecom(r.practice.address, w);
  if (el.Want("address")) {
    w->Key("address").BeginArray();
    WriteAddress(r.practice.address, "physical", w);
    if (!r.mailing.line1.empty() && !(r.mailing == r.practice.address))
      WriteAddress(r.mailing, "postal", w);
    w->EndArray();
  }
  // NPPES names a subpart's parent by legal name only, not by NPI.
  if (r.is_org_subpart == "Y" && !r.parent_org_lbn.empty() && el.Want("partOf")) {
    w->Key("partOf");
    Reference("", DisplayOrgCase(r.parent_org_lbn), w);
  }
  EndpointRefs(r, el, w);
  w->EndObject();
}

void WriteLocation(const Record& r, uint32_t k, const Elements& el, JsonWriter* w,
                   const Corrections& fixes) {
  const Location& loc = *r.LocationAt(k);
  Begin("Location", LocationId(r.npi, k), r, el, w, k == 0 ? fixes : Corrections{}, true);
  if (el.Want("status")) w->Field("status", "active");
  if (el.Want("name")) {
    const Address a = ReadableAddress(loc.address);
    w->Field("name", ReadableName(r) + (a.city.empty() ? "" : ", " + a.city));
  }
  if (el.Want("mode")) w->Field("mode", "instance");
  if (el.Want("telecom") && HasTelecom(loc.address)) WriteTelecom(loc.address, w);
  if (el.Want("address")) {
    w->Key("address");
    WriteAddress(loc.address, "physical", w);
  }
  if (loc.precision != GeoPrecision::kNone && el.Want("position")) {
    w->Key("position").BeginObject();
    w->Key("longitude").Double(loc.lon, 6).Key("latitude").Double(loc.lat, 6);
    w->Key("extension").BeginArray().BeginObject();
    w->Field("url", kGeocodePrecisionUrl).Field("valueCode", GeoPrecisionName(loc.precision));
    w->EndObject().EndArray();
    w->EndObject();
  }
  if (r.entity == EntityType::kOrganization && el.Want("managingOrganization")) {
    w->Key("managingOrganization");
    Reference("Organization/" + NpiToString(r.npi), DisplayOrgCase(r.org_name), w);
  }
  w->EndObject();
}

void WritePractitionerRole(const Record& r, uint32_t k, size_t slot_index, const Elements& el,
                           JsonWriter* w) {
  const TaxonomySlot& t = r.taxonomies[slot_index];
  const Location& loc = *r.LocationAt(k);
  Begin("PractitionerRole", RoleId(r.npi, k, t.slot), r, el, w);
  if (el.Want("active")) w->Key("active").Bool(true);
  if (el.Want("practitioner")) {
    w->Key("practitioner");
    Reference("Practitioner/" + NpiToString(r.npi), ReadableName(r), w);
  }
  if (const std::string org = AffiliatedOrganization(r); !org.empty() && el.Want("organization")) {
    w->Key("organization");
    Reference("", org, w);
  }
  const TaxonomyInfo* info = TaxonomyTable::Embedded().Find(t.code);
  if (el.Want("code")) {
    w->Key("code").BeginArray().BeginObject().Key("coding").BeginArray();
    TaxonomyCoding(t.code, w);
    w->EndArray();
    if (info != nullptr) w->Field("text", info->classification);
    w->EndObject().EndArray();
  }
  if (el.Want("specialty")) {
    w->Key("specialty").BeginArray().BeginObject().Key("coding").BeginArray();
    TaxonomyCoding(t.code, w);
    w->EndArray();
    w->Key("extension").BeginArray().BeginObject();
    w->Field("url", kPrimaryTaxonomyUrl)
        .Key("valueBoolean")
        .Bool(static_cast<int>(slot_index) == r.PrimaryTaxonomyIndex());
    w->EndObject().EndArray();
    w->EndObject().EndArray();
  }
  if (el.Want("location")) {
    w->Key("location").BeginArray();
    Reference("Location/" + LocationId(r.npi, k), "", w);
    w->EndArray();
  }
  if (el.Want("telecom") && HasTelecom(loc.address)) WriteTelecom(loc.address, w);
  EndpointRefs(r, el, w);
  w->EndObject();
}

void WriteEndpoint(const Record& r, uint32_t j, const Elements& el, JsonWriter* w) {
  const Endpoint& e = r.endpoints[j - 1];
  Begin("Endpoint", EndpointId(r.npi, j), r, el, w);
  // Required elements (status, connectionType, payloadType, address) are
  // always written, whatever _elements asks.
  w->Field("status", "active");
  w->Key("connectionType").BeginObject();
  if (e.type == "DIRECT") {
    w->Field("system", "http://terminology.hl7.org/CodeSystem/endpoint-connection-type");
    w->Field("code", "direct-project");
  } else if (e.type == "FHIR") {
    w->Field("system", "http://terminology.hl7.org/CodeSystem/endpoint-connection-type");
    w->Field("code", "hl7-fhir-rest");
  } else {
    // NPPES's own endpoint type codes (CONNECT, SOAP, REST, WEB, OTHERS).
    w->Field("system", "urn:meridian:fhir:CodeSystem:nppes-endpoint-type");
    w->Field("code", e.type.empty() ? "OTHERS" : e.type);
  }
  if (!e.type_description.empty()) w->Field("display", e.type_description);
  w->EndObject();
  if (!e.description.empty() && el.Want("name")) w->Field("name", e.description);
  if (!e.affiliation_legal_name.empty() && el.Want("managingOrganization")) {
    w->Key("managingOrganization");
    Reference("", DisplayOrgCase(e.affiliation_legal_name), w);
  }
  w->Key("payloadType").BeginArray().BeginObject();
  w->Field("text", !e.content_description.empty()         ? e.content_description
                   : !e.other_content_description.empty() ? e.other_content_description
                                                          : "Not stated in NPPES");
  w->EndObject().EndArray();
  // A Direct address is an email address; FHIR wants a URL.
  const bool mail =
      e.endpoint.find('@') != std::string::npos && e.endpoint.find(':') == std::string::npos;
  w->Field("address", mail ? "mailto:" + e.endpoint : e.endpoint);
  w->EndObject();
}

void WriteOrganizationAffiliation(const Record& r, const Elements& el, JsonWriter* w) {
  Begin("OrganizationAffiliation", AffiliationId(r.npi), r, el, w);
  if (el.Want("active")) w->Key("active").Bool(true);
  // NPPES names the parent by legal name only, not by NPI.
  if (el.Want("organization")) {
    w->Key("organization");
    Reference("", DisplayOrgCase(r.parent_org_lbn), w);
  }
  if (el.Want("participatingOrganization")) {
    w->Key("participatingOrganization");
    Reference("Organization/" + NpiToString(r.npi), DisplayOrgCase(r.org_name), w);
  }
  if (el.Want("code")) {
    w->Key("code").BeginArray().BeginObject();
    w->Field("text", "Subpart of the parent organization, as the subpart states in NPPES");
    w->EndObject().EndArray();
  }
  w->EndObject();
}

bool Exists(const Record& r, ResourceType t, const ResourceId& id) {
  switch (t) {
    case ResourceType::kOrganizationAffiliation:
      return r.entity == EntityType::kOrganization && r.is_org_subpart == "Y" &&
             !r.parent_org_lbn.empty();
    case ResourceType::kPractitioner:
      return r.entity == EntityType::kIndividual;
    case ResourceType::kOrganization:
      return r.entity == EntityType::kOrganization;
    case ResourceType::kLocation:
      return r.entity != EntityType::kDeactivated && r.LocationAt(id.location) != nullptr;
    case ResourceType::kPractitionerRole:
      return r.entity == EntityType::kIndividual && r.LocationAt(id.location) != nullptr &&
             SlotIndex(r, id.slot) >= 0;
    case ResourceType::kEndpoint:
      return r.entity != EntityType::kDeactivated && id.endpoint >= 1 &&
             id.endpoint <= r.endpoints.size();
  }
  return false;
}

void WriteResource(const Record& r, ResourceType t, const ResourceId& id, const Elements& el,
                   JsonWriter* w, const Corrections& fixes) {
  switch (t) {
    case ResourceType::kPractitioner:
      return WritePractitioner(r, el, w, fixes);
    case ResourceType::kOrganization:
      return WriteOrganization(r, el, w, fixes);
    case ResourceType::kLocation:
      return WriteLocation(r, id.location, el, w, fixes);
    case ResourceType::kPractitionerRole:
      return WritePractitionerRole(r, id.location, static_cast<size_t>(SlotIndex(r, id.slot)), el,
                                   w);
    case ResourceType::kEndpoint:
      return WriteEndpoint(r, id.endpoint, el, w);
    case ResourceType::kOrganizationAffiliation:
      return WriteOrganizationAffiliation(r, el, w);
  }
}

}  // namespace meridian::fhir
