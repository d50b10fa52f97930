// Reference data compiled into the binary (data/README.md gives provenance).
#pragma once

#include <string_view>

namespace meridian {

std::string_view EmbeddedNuccCsv();            // NUCC taxonomy v25.1
std::string_view EmbeddedZctaCsv();            // 2021 ZCTA internal points
std::string_view EmbeddedUsAtlas();            // data/us_atlas_counties_10m.json (TopoJSON)
std::string_view EmbeddedPlacesCsv();          // data/places_us.csv: ZIP -> USPS city, point
std::string_view EmbeddedStatesTxt();          // Census states, pipe-separated
std::string_view EmbeddedNppesHeader();        // the 330-column npidata header line
std::string_view EmbeddedCountiesTxt();        // Census 2017 counties, pipe-separated
std::string_view EmbeddedModalitiesCsv();      // modality -> taxonomy prefixes, credential tokens
std::string_view EmbeddedCredentialsCsv();     // data/knowledge/credentials.csv
std::string_view EmbeddedStateRulesCsv();      // data/knowledge/state_rules.csv
std::string_view EmbeddedModalityInfoCsv();    // data/knowledge/modality_info.csv
std::string_view EmbeddedEvidenceCsv();        // data/knowledge/evidence.csv
std::string_view EmbeddedCorrectionsCsv();     // data/knowledge/corrections.csv
std::string_view EmbeddedGuideQuestionsCsv();  // data/knowledge/guide_questions.csv
std::string_view EmbeddedGuideRulesCsv();      // data/knowledge/guide_rules.csv
std::string_view EmbeddedLicenseLookupCsv();   // data/knowledge/license_lookup.csv
std::string_view EmbeddedSourceDomainsCsv();   // data/knowledge/source_domains.csv
std::string_view EmbeddedOpenApiComponents();  // data/api/openapi_components.json

}  // namespace meridian
