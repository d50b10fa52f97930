// The API's handlers (service.cc dispatches to them). Each reads one Dataset
// and returns a complete response; none keeps state between requests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "http/correction_cache.h"
#include "http/service.h"
#include "query/query.h"
#include "store/store.h"

namespace meridian {

// The one place an API error body is built:
// {"error":{"code":Reason(),"message","param"(or null),"suggestions"?,extra...}}
// with the HTTP status the Status maps to. `extra` adds string fields
// (e.g. a deactivation date).
HttpResponse ApiError(const Status& status,
                      const std::vector<std::pair<std::string, std::string>>& extra = {});

// `fixes` (may be null): each result carries the editors' corrections of its NPI.
HttpResponse HandleSearch(const Dataset& d, const QueryParams& params,
                          const CorrectionMap* fixes = nullptr);
// `corrections`: the editors' corrections of this listing (store), shown
// next to what NPPES says.
HttpResponse HandleProvider(const Dataset& d, const std::string& npi,
                            const std::vector<store::Correction>& corrections = {});
HttpResponse HandleOrganizationProviders(const Dataset& d, const std::string& npi);
HttpResponse HandleTaxonomies();
HttpResponse HandleModalities(const Dataset& d);
HttpResponse HandlePlaces(const Dataset& d, const QueryParams& params);
HttpResponse HandleStateRules(const Dataset& d, const std::string& state);
HttpResponse HandleCredentials(const Dataset& d);
HttpResponse HandleGuide(const Dataset& d);
HttpResponse HandleGuideAnswers(const Dataset& d, const std::string& body);

}  // namespace meridian
