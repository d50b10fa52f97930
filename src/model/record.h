// Record: one NPPES provider with everything Meridian keeps about it.
//
// This is the decoded, owning form used by ingest, update, `meridian show` and
// tests. The snapshot stores each Record in a compact encoding (record_codec.h)
// and the hot search columns separately (snapshot/format.h).
//
// All text is kept exactly as NPPES published it (already validated as UTF-8).
// Everything here is self-reported by the provider to NPPES; nothing is verified.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/fields.h"

namespace meridian {

enum class EntityType : uint8_t {
  kDeactivated = 0,  // NPPES publishes only NPI + deactivation date
  kIndividual = 1,   // Entity Type Code 1
  kOrganization = 2  // Entity Type Code 2
};
const char* EntityTypeName(EntityType e);  // "individual" / "organization" / "deactivated"

// How a location's lat/lon were found. Stored so a better geocoder can
// replace ZIP centroids later without guessing what is there now.
enum class GeoPrecision : uint8_t {
  kNone = 0,        // not geocoded (no/unknown ZIP, or outside the US)
  kZipCentroid = 1  // internal point of the 5-digit ZIP's Census ZCTA
};
const char* GeoPrecisionName(GeoPrecision p);  // "none" / "zip-centroid"

struct Address {
  std::string line1, line2, city, state, postal_code, country, phone, phone_ext, fax;
  friend bool operator==(const Address&, const Address&) = default;
};

struct Location {
  Address address;
  float lat = 0, lon = 0;  // valid only when precision != kNone
  GeoPrecision precision = GeoPrecision::kNone;
  friend bool operator==(const Location&, const Location&) = default;
};

struct TaxonomySlot {
  uint8_t slot = 0;  // 1..15, the column group it came from
  std::string code, license_number, license_state;
  char primary_switch = ' ';  // 'Y', 'N', 'X' or ' ' (empty)
  std::string group;          // Healthcare Provider Taxonomy Group_k
  friend bool operator==(const TaxonomySlot&, const TaxonomySlot&) = default;
};

struct OtherIdentifier {
  uint8_t slot = 0;  // 1..50
  std::string identifier, type_code, state, issuer;
  friend bool operator==(const OtherIdentifier&, const OtherIdentifier&) = default;
};

// From the othername_pfile (other organization names).
struct OtherOrgName {
  std::string name, type_code;
  friend bool operator==(const OtherOrgName&, const OtherOrgName&) = default;
};

// From the endpoint_pfile.
struct Endpoint {
  std::string type, type_description, endpoint, affiliation, description, affiliation_legal_name,
      use_code, use_description, other_use_description, content_type, content_description,
      other_content_description;
  Address affiliation_address;  // line1, line2, city, state, country, postal_code
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

struct Record {
  uint32_t npi = 0;  // 10 digits always fit: the first digit is 1 or 2
  EntityType entity = EntityType::kDeactivated;
  std::string replacement_npi, ein;
  // Names. For organizations only org_name is set; for individuals the legal name parts.
  std::string org_name, last_name, first_name, middle_name, name_prefix, name_suffix, credential;
  std::string other_org_name, other_org_name_type;
  std::string other_last_name, other_first_name, other_middle_name, other_name_prefix,
      other_name_suffix, other_credential, other_last_name_type;
  std::string sex;  // "M", "F", "X", "U" or "" as published (column "Provider Sex Code")
  std::string sole_proprietor, is_org_subpart, parent_org_lbn, parent_org_tin;
  PackedDate enumeration_date = 0, last_update_date = 0, deactivation_date = 0,
             reactivation_date = 0, certification_date = 0;
  std::string deactivation_reason;
  // Authorized official (organizations).
  std::string ao_last_name, ao_first_name, ao_middle_name, ao_title, ao_phone, ao_name_prefix,
      ao_name_suffix, ao_credential;
  Address mailing;
  Location practice;                       // primary practice location
  std::vector<Location> secondary;         // from the pl_pfile
  std::vector<TaxonomySlot> taxonomies;    // non-empty slots, in slot order
  std::vector<OtherIdentifier> other_ids;  // non-empty slots, in slot order
  std::vector<OtherOrgName> other_org_names;
  std::vector<Endpoint> endpoints;

  // Every field equal (floats exactly).
  friend bool operator==(const Record&, const Record&) = default;

  // Location `index` as search hits number them: 0 the practice location,
  // k >= 1 secondary[k - 1]; nullptr when there is no such location.
  const Location* LocationAt(size_t index) const {
    if (index == 0) return &practice;
    return index <= secondary.size() ? &secondary[index - 1] : nullptr;
  }

  // Index into `taxonomies` of the slot marked primary ('Y'); the first slot
  // when none is marked; -1 when there are no taxonomies.
  int PrimaryTaxonomyIndex() const;
  // "DAVID WIEBE" / "CUMBERLAND COUNTY HOSPITAL SYSTEM, INC" (as published, no case change).
  std::string RegistryName() const;
  // The key for sorting by name: "LAST FIRST MIDDLE" for individuals, the
  // legal name for organizations, ASCII letters upper-cased; "" when deactivated.
  std::string SortName() const;
};

// Formats a packed NPI as its 10 digits.
std::string NpiToString(uint32_t npi);

}  // namespace meridian
