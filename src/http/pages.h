// Pages: the patient's web pages, server-rendered from web/templates with
// mustache (every {{value}} HTML-escaped), working without JavaScript.
// The search page takes form fields (where, care, q, radius, sort, page,
// sex, entity, taxonomy) and maps them onto the API's query model, so
// pages and API answer from the same parser and executor.
#pragma once

#include <string>

#include "http/correction_cache.h"
#include "http/service.h"
#include "query/query.h"
#include "store/store.h"

namespace meridian {

// `digest`: the weekly digest is on (its sign-up form is shown).
HttpResponse PageHome(const Dataset& d, const QueryParams& params, bool digest = false);
// `fixes` (may be null): results the editors corrected say so.
HttpResponse PageSearch(const Dataset& d, const QueryParams& params,
                        const CorrectionMap* fixes = nullptr);
HttpResponse PageProvider(const Dataset& d, const std::string& npi, bool reports_on,
                          const std::vector<store::Correction>& corrections = {});
HttpResponse PageOrganization(const Dataset& d, const std::string& npi);
HttpResponse PageGuide(const Dataset& d);
HttpResponse PageGuideResult(const Dataset& d, const std::string& form_body);
HttpResponse PageAbout(const Dataset& d);
// POST /report. REQUIRES the caller checked the request is same-origin.
HttpResponse PageReport(const Dataset& d, const std::string& form_body, store::Store* store);
// A page for an error (404, 400, 403, 429 ...), in the site's layout.
HttpResponse PageMessage(const Dataset* d, int status, const std::string& heading,
                         const std::string& message);
// GET /static/<name>: site.css, app.js.
HttpResponse StaticFile(const std::string& name);

}  // namespace meridian
