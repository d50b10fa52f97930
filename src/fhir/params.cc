// The search parameter table (search.h): what the parser takes and the
// CapabilityStatement declares.
#include "fhir/search.h"

namespace meridian::fhir {

namespace {

using RT = ResourceType;

constexpr const char* kSearchParamBase = "http://hl7.org/fhir/SearchParameter/";

}  // namespace

constexpr const char* kCityDoc =
    "The start of the city's name, ignoring case, accents and punctuation (Madison, "
    "madi). Providers are found by their primary practice city; Location and "
    "PractitionerRole then keep the locations in a matching city. \"St\" and \"Saint\" are "
    "not taken as the same word.";
constexpr const char* kPostalDoc =
    "A ZIP code or its first digits (53703, 537, 53703-1234); comma-separated for any of "
    "them. Matches locations whose postal code starts so (codes that do not start with five "
    "digits are never matched). With near, the matched (nearest) location must have it.";

const std::vector<ParamDef>& SearchParams() {
  static const std::vector<ParamDef> table = [] {
    std::vector<ParamDef> t;
    auto add = [&](RT type, std::string name, std::string fhir_type, std::string doc,
                   std::string definition) {
      t.push_back(
          {type, std::move(name), std::move(fhir_type), std::move(doc), std::move(definition)});
    };
    const std::string base = kSearchParamBase;
    for (RT type : kAllTypes)
      add(type, "_id", "token",
          "Resource ids, comma-separated (ids are derived from the NPI; see the resource).",
          base + "Resource-id");
    // Practitioner.
    add(RT::kPractitioner, "identifier", "token",
        "The NPI, as 1234567893 or http://hl7.org/fhir/sid/us-npi|1234567893.",
        base + "Practitioner-identifier");
    const char* kNameDoc =
        "Words of the name, typo-tolerant and the last word also a prefix, as the JSON API's q "
        "(which also matches the practice city's words). Repeats and name/family/given together "
        "must all match.";
    add(RT::kPractitioner, "name", "string", kNameDoc, base + "Practitioner-name");
    add(RT::kPractitioner, "family", "string", kNameDoc, base + "individual-family");
    add(RT::kPractitioner, "given", "string", kNameDoc, base + "individual-given");
    add(RT::kPractitioner, "gender", "token", "male, female, other or unknown, as self-reported.",
        base + "individual-gender");
    add(RT::kPractitioner, "address-state", "string",
        "USPS code of the primary practice state, e.g. WI.", base + "individual-address-state");
    add(RT::kPractitioner, "address-city", "string", kCityDoc, base + "individual-address-city");
    add(RT::kPractitioner, "address-postalcode", "string", kPostalDoc,
        base + "individual-address-postalcode");
    const char* kModalityDoc =
        "Meridian's kinds of care: acupuncture, dry_needling, chiropractic, massage, "
        "physical_therapy, osteopathic, pain_medicine, or any. dry_needling takes the state's "
        "rules into account, as the JSON API's modality does.";
    add(RT::kPractitioner, "modality", "token", kModalityDoc, "");
    // PractitionerRole.
    add(RT::kPractitionerRole, "specialty", "token",
        "NUCC taxonomy code or code prefix, as 171100000X or "
        "http://nucc.org/provider-taxonomy|171100000X; comma-separated for any of them.",
        base + "PractitionerRole-specialty");
    add(RT::kPractitionerRole, "practitioner", "reference",
        "Practitioner/{npi} (or the NPI): that practitioner's roles.",
        base + "PractitionerRole-practitioner");
    add(RT::kPractitionerRole, "location", "reference", "Location/{id}: the roles at a location.",
        base + "PractitionerRole-location");
    add(RT::kPractitionerRole, "organization", "reference",
        "Organization/{npi}: practitioners NPPES links to that organization (an endpoint "
        "affiliated with it).",
        base + "PractitionerRole-organization");
    add(RT::kPractitionerRole, "location.near", "special",
        "lat|lon|distance|units (units km, m, mi or [mi_i]; km when left out; 25 miles when the "
        "distance is left out; at most 500 miles). Each practitioner once, at the nearest "
        "matching location; nearest first, the distance in the location-distance extension.",
        base + "Location-near");
    add(RT::kPractitionerRole, "location.address-state", "string",
        "USPS code of the practice state, e.g. WI.", base + "Location-address-state");
    add(RT::kPractitionerRole, "location.address-city", "string", kCityDoc,
        base + "Location-address-city");
    add(RT::kPractitionerRole, "location.address-postalcode", "string", kPostalDoc,
        base + "Location-address-postalcode");
    add(RT::kPractitionerRole, "practitioner.name", "string", kNameDoc, base + "Practitioner-name");
    add(RT::kPractitionerRole, "practitioner.gender", "token",
        "male, female, other or unknown, as self-reported.", base + "individual-gender");
    add(RT::kPractitionerRole, "modality", "token", kModalityDoc, "");
    // Organization.
    add(RT::kOrganization, "identifier", "token", "The NPI, as for Practitioner.",
        base + "Organization-identifier");
    add(RT::kOrganization, "name", "string",
        "Words of the legal or other names, typo-tolerant, as the JSON API's q.",
        base + "Organization-name");
    add(RT::kOrganization, "address-state", "string", "USPS code of the practice state.",
        base + "Organization-address-state");
    add(RT::kOrganization, "address-city", "string", kCityDoc, base + "Organization-address-city");
    add(RT::kOrganization, "address-postalcode", "string", kPostalDoc,
        base + "Organization-address-postalcode");
    add(RT::kOrganization, "partof", "reference",
        "Organization/{npi}: its subparts (NPPES names the parent by legal name).",
        base + "Organization-partof");
    // Location.
    add(RT::kLocation, "near", "special",
        "lat|lon|distance|units, as location.near on PractitionerRole: each provider's nearest "
        "location in range, nearest first, with its distance.",
        base + "Location-near");
    add(RT::kLocation, "name", "string",
        "Words of the location's name (the provider's name and city), typo-tolerant, as the JSON "
        "API's q.",
        base + "Location-name");
    add(RT::kLocation, "address-state", "string", "USPS code of the location's state.",
        base + "Location-address-state");
    add(RT::kLocation, "address-city", "string", kCityDoc, base + "Location-address-city");
    add(RT::kLocation, "address-postalcode", "string", kPostalDoc,
        base + "Location-address-postalcode");
    add(RT::kLocation, "organization", "reference",
        "Organization/{npi}: the organization's own practice locations.",
        base + "Location-organization");
    add(RT::kLocation, "modality", "token", kModalityDoc, "");
    // OrganizationAffiliation.
    add(RT::kOrganizationAffiliation, "participating-organization", "reference",
        "Organization/{npi}: the subpart's tie to its parent.",
        base + "OrganizationAffiliation-participating-organization");
    add(RT::kOrganizationAffiliation, "primary-organization", "reference",
        "Organization/{npi}: the subparts that name this organization as their parent.",
        base + "OrganizationAffiliation-primary-organization");
    // Endpoint.
    add(RT::kEndpoint, "organization", "reference",
        "Organization/{npi}: endpoints NPPES marks as affiliated with it, and its own.",
        base + "Endpoint-organization");
    return t;
  }();
  return table;
}

const std::vector<std::string>& ResultParams() {
  static const std::vector<std::string> names = {"_count",   "_total",      "_summary", "_elements",
                                                 "_include", "_revinclude", "_format",  "_page"};
  return names;
}

const std::vector<IncludeDef>& Includes() {
  static const std::vector<IncludeDef> table = {
      {RT::kPractitionerRole, "practitioner", RT::kPractitioner},
      {RT::kPractitionerRole, "location", RT::kLocation},
      {RT::kPractitionerRole, "endpoint", RT::kEndpoint},
      {RT::kOrganization, "endpoint", RT::kEndpoint},
      {RT::kLocation, "organization", RT::kOrganization},
      {RT::kOrganizationAffiliation, "participating-organization", RT::kOrganization},
  };
  return table;
}

}  // namespace meridian::fhir
