// The API's handlers (service.cc dispatches to them). Each reads one Dataset
// and returns a complete response; none keeps state between requests.
#pragma once

#include <string>
#include <vector>

#include "http/service.h"
#include "query/query.h"

namespace meridian {

// "1234567893" -> its packed form; false unless exactly 10 digits that fit.
bool ParseNpi(const std::string& text, uint32_t* out);
// ASCII lower case.
std::string Lower(std::string_view s);

// {"error":{"code","message","param","suggestions"}} with `status`.
HttpResponse ApiError(int status, std::string code, std::string message, std::string param = "",
                      const std::vector<std::string>& suggestions = {});

// Rows NPPES links to the organization with this legal name: subparts naming
// it as their parent, and providers with an endpoint affiliated with it (a
// shared address or phone is not a link). Built on first use per dataset.
std::vector<uint32_t> OrganizationLinks(const Dataset& d, const std::string& org_name);

HttpResponse HandleSearch(const Dataset& d, const QueryParams& params);
HttpResponse HandleProvider(const Dataset& d, const std::string& npi, const HttpRequest& req);
HttpResponse HandleOrganizationProviders(const Dataset& d, const std::string& npi);
HttpResponse HandleTaxonomies();
HttpResponse HandleModalities(const Dataset& d);
HttpResponse HandlePlaces(const Dataset& d, const QueryParams& params);
HttpResponse HandleStateRules(const Dataset& d, const std::string& state);
HttpResponse HandleCredentials(const Dataset& d);
HttpResponse HandleGuide(const Dataset& d);
HttpResponse HandleGuideAnswers(const Dataset& d, const std::string& body);

}  // namespace meridian
