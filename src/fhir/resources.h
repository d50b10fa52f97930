// FHIR R4 resources built from one NPPES record.
//
// Ids are stable: they come from the NPI and NPPES's own numbering, never
// from row numbers, so they stay valid across snapshots while NPPES keeps
// the same data:
//   Practitioner/{npi}            an individual (entity type 1)
//   Organization/{npi}            an organization (entity type 2)
//   Location/{npi}-{k}            k = 0 the practice location, k >= 1 the
//                                 k-th secondary practice location
//   PractitionerRole/{npi}-{k}-{s} an individual at location k in taxonomy
//                                 slot s (1..15, the NPPES column group)
//   Endpoint/{npi}-{j}            the j-th endpoint (1-based) of the record
//   OrganizationAffiliation/{npi}-parent
//                                 an organization subpart's tie to the parent
//                                 NPPES names (by legal name only)
//
// Everything here is self-reported to NPPES and is labelled so: every
// resource carries the `self-reported` extension; nothing is "verified".
// meta.profile is left out: the resources follow base R4, and claim no
// Plan-Net profile they have not been checked against.
//
// Names and addresses are in reading case (text/display_case.h), as on the
// web pages; the JSON API keeps the registry's own text.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "model/record.h"
#include "store/store.h"
#include "util/json.h"

namespace meridian::fhir {

inline constexpr const char* kNpiSystem = "http://hl7.org/fhir/sid/us-npi";
inline constexpr const char* kNuccSystem = "http://nucc.org/provider-taxonomy";
inline constexpr const char* kSelfReportedUrl =
    "urn:meridian:fhir:StructureDefinition:self-reported";
inline constexpr const char* kGeocodePrecisionUrl =
    "urn:meridian:fhir:StructureDefinition:geocode-precision";
inline constexpr const char* kPrimaryTaxonomyUrl =
    "urn:meridian:fhir:StructureDefinition:primary-taxonomy";
// The editors' corrections of a listing, next to what NPPES says (never
// instead of it), as the JSON API shows them: one extension each, with
// field, value, source, date and flagged (NPPES changed since).
inline constexpr const char* kCorrectionUrl =
    "urn:meridian:fhir:StructureDefinition:editor-correction";
inline constexpr const char* kDistanceUrl =
    "http://hl7.org/fhir/StructureDefinition/location-distance";

enum class ResourceType {
  kPractitioner,
  kPractitionerRole,
  kOrganization,
  kLocation,
  kEndpoint,
  kOrganizationAffiliation,
};
inline constexpr ResourceType kAllTypes[] = {
    ResourceType::kPractitioner, ResourceType::kPractitionerRole,
    ResourceType::kOrganization, ResourceType::kLocation,
    ResourceType::kEndpoint,     ResourceType::kOrganizationAffiliation};
const char* TypeName(ResourceType t);
// false when `name` is not one of the types above.
bool ParseType(std::string_view name, ResourceType* t);

// A parsed resource id: the NPI and, by type, the location (k), taxonomy
// slot (s) or endpoint number (j).
struct ResourceId {
  uint32_t npi = 0;
  uint32_t location = 0;  // Location, PractitionerRole
  uint32_t slot = 0;      // PractitionerRole
  uint32_t endpoint = 0;  // Endpoint (1-based)
};
// "1234567893", "1234567893-0", "1234567893-0-1", "1234567893-2"; false on
// anything else (wrong shape for the type, a bad NPI, numbers out of range).
bool ParseId(ResourceType t, std::string_view id, ResourceId* out);
std::string LocationId(uint32_t npi, uint32_t k);
std::string RoleId(uint32_t npi, uint32_t k, uint32_t slot);
std::string EndpointId(uint32_t npi, uint32_t j);
std::string AffiliationId(uint32_t npi);

// _elements: the top-level elements a client asked for; empty = all.
// resourceType, id and meta are always written (meta then carries the
// SUBSETTED tag, as the spec asks).
struct Elements {
  std::set<std::string, std::less<>> names;
  bool Want(std::string_view element) const { return names.empty() || names.contains(element); }
};

using Corrections = std::vector<store::Correction>;

// Each writer appends one resource object to *w. REQUIRES: the record's
// entity fits the type (an individual for Practitioner and PractitionerRole,
// an organization for Organization), the location / slot / endpoint exists.
// `fixes`: the editors' corrections of the listing (Practitioner and
// Organization carry them all; the practice Location, k = 0, those of its
// address and phone).
void WritePractitioner(const Record& r, const Elements& el, JsonWriter* w,
                       const Corrections& fixes = {});
void WriteOrganization(const Record& r, const Elements& el, JsonWriter* w,
                       const Corrections& fixes = {});
void WriteLocation(const Record& r, uint32_t k, const Elements& el, JsonWriter* w,
                   const Corrections& fixes = {});
// `slot_index` indexes r.taxonomies.
void WritePractitionerRole(const Record& r, uint32_t k, size_t slot_index, const Elements& el,
                           JsonWriter* w);
void WriteEndpoint(const Record& r, uint32_t j, const Elements& el, JsonWriter* w);
// REQUIRES: r is an organization subpart that names its parent.
void WriteOrganizationAffiliation(const Record& r, const Elements& el, JsonWriter* w);

// Whether resource `id` of type `t` exists in `r` (a live record of the right
// entity, with that location, slot or endpoint).
bool Exists(const Record& r, ResourceType t, const ResourceId& id);
// Writes the resource `id` of type `t`. REQUIRES: Exists(r, t, id).
void WriteResource(const Record& r, ResourceType t, const ResourceId& id, const Elements& el,
                   JsonWriter* w, const Corrections& fixes = {});

// Index into r.taxonomies of NPPES slot `slot`, or -1.
int SlotIndex(const Record& r, uint32_t slot);

}  // namespace meridian::fhir
