#include "data/embedded.h"

extern "C" {
extern const char meridian_nucc_begin[], meridian_nucc_end[];
extern const char meridian_zcta_begin[], meridian_zcta_end[];
extern const char meridian_places_begin[], meridian_places_end[];
extern const char meridian_atlas_begin[], meridian_atlas_end[];
extern const char meridian_states_begin[], meridian_states_end[];
extern const char meridian_header_begin[], meridian_header_end[];
extern const char meridian_counties_begin[], meridian_counties_end[];
extern const char meridian_modalities_begin[], meridian_modalities_end[];
extern const char meridian_credentials_begin[], meridian_credentials_end[];
extern const char meridian_state_rules_begin[], meridian_state_rules_end[];
extern const char meridian_modality_info_begin[], meridian_modality_info_end[];
extern const char meridian_evidence_begin[], meridian_evidence_end[];
extern const char meridian_corrections_begin[], meridian_corrections_end[];
extern const char meridian_guide_questions_begin[], meridian_guide_questions_end[];
extern const char meridian_guide_rules_begin[], meridian_guide_rules_end[];
extern const char meridian_license_lookup_begin[], meridian_license_lookup_end[];
extern const char meridian_source_domains_begin[], meridian_source_domains_end[];
extern const char meridian_openapi_components_begin[], meridian_openapi_components_end[];
}

namespace meridian {

std::string_view EmbeddedNuccCsv() {
  return {meridian_nucc_begin, static_cast<size_t>(meridian_nucc_end - meridian_nucc_begin)};
}
std::string_view EmbeddedZctaCsv() {
  return {meridian_zcta_begin, static_cast<size_t>(meridian_zcta_end - meridian_zcta_begin)};
}

std::string_view EmbeddedUsAtlas() {
  return {meridian_atlas_begin, static_cast<size_t>(meridian_atlas_end - meridian_atlas_begin)};
}

std::string_view EmbeddedPlacesCsv() {
  return {meridian_places_begin, static_cast<size_t>(meridian_places_end - meridian_places_begin)};
}
std::string_view EmbeddedStatesTxt() {
  return {meridian_states_begin, static_cast<size_t>(meridian_states_end - meridian_states_begin)};
}

std::string_view EmbeddedNppesHeader() {
  return {meridian_header_begin, static_cast<size_t>(meridian_header_end - meridian_header_begin)};
}
std::string_view EmbeddedCountiesTxt() {
  return {meridian_counties_begin,
          static_cast<size_t>(meridian_counties_end - meridian_counties_begin)};
}

std::string_view EmbeddedModalitiesCsv() {
  return {meridian_modalities_begin,
          static_cast<size_t>(meridian_modalities_end - meridian_modalities_begin)};
}

std::string_view EmbeddedCredentialsCsv() {
  return {meridian_credentials_begin,
          static_cast<size_t>(meridian_credentials_end - meridian_credentials_begin)};
}

std::string_view EmbeddedStateRulesCsv() {
  return {meridian_state_rules_begin,
          static_cast<size_t>(meridian_state_rules_end - meridian_state_rules_begin)};
}

std::string_view EmbeddedModalityInfoCsv() {
  return {meridian_modality_info_begin,
          static_cast<size_t>(meridian_modality_info_end - meridian_modality_info_begin)};
}

std::string_view EmbeddedEvidenceCsv() {
  return {meridian_evidence_begin,
          static_cast<size_t>(meridian_evidence_end - meridian_evidence_begin)};
}

std::string_view EmbeddedCorrectionsCsv() {
  return {meridian_corrections_begin,
          static_cast<size_t>(meridian_corrections_end - meridian_corrections_begin)};
}

std::string_view EmbeddedGuideQuestionsCsv() {
  return {meridian_guide_questions_begin,
          static_cast<size_t>(meridian_guide_questions_end - meridian_guide_questions_begin)};
}

std::string_view EmbeddedGuideRulesCsv() {
  return {meridian_guide_rules_begin,
          static_cast<size_t>(meridian_guide_rules_end - meridian_guide_rules_begin)};
}

std::string_view EmbeddedLicenseLookupCsv() {
  return {meridian_license_lookup_begin,
          static_cast<size_t>(meridian_license_lookup_end - meridian_license_lookup_begin)};
}
std::string_view EmbeddedSourceDomainsCsv() {
  return {meridian_source_domains_begin,
          static_cast<size_t>(meridian_source_domains_end - meridian_source_domains_begin)};
}

std::string_view EmbeddedOpenApiComponents() {
  return {meridian_openapi_components_begin,
          static_cast<size_t>(meridian_openapi_components_end - meridian_openapi_components_begin)};
}

}  // namespace meridian
