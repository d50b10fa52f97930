// The HTTP API's routes: one table that dispatch (service.cc), the OpenAPI
// document (OpenApiJson) and the test that keeps them in step all read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace meridian {

struct RouteParam {
  std::string name;
  std::string in;    // "query" or "path"
  std::string type;  // "string", "integer", "boolean"
  bool required = false;
  bool repeatable = false;
  std::string description;
};

enum class RouteId {
  kHealthz,
  kReadyz,
  kMetrics,
  kSearch,
  kProvider,
  kOrganizationProviders,
  kTaxonomies,
  kModalities,
  kPlaces,
  kStateRules,
  kCredentials,
  kArticles,
  kArticle,
  kGuide,
  kGuideAnswers,
  kOpenApi,
  kAdminReload,
  // The admin JSON API (bearer tokens).
  kApiAdminReports,
  kApiAdminReport,
  kApiAdminCorrections,
  kApiAdminCorrect,
  // The operator console (HTML, signed in).
  kAdminHome,
  kAdminLoginPage,
  kAdminLogin,
  kAdminLogout,
  kAdminSetPasswordPage,
  kAdminSetPassword,
  kAdminReportPage,
  kAdminReport,
  kAdminCorrectPage,
  kAdminCorrect,
  kAdminCorrections,
  kAdminAudit,
  kAdminDigest,
  // The web pages (HTML).
  kPageHome,
  kPageSearch,
  kPageProvider,
  kPageOrganization,
  kPageGuide,
  kPageGuideResult,
  kPageAbout,
  kPageArticles,
  kFeedAtom,
  kFeedJson,
  kPageArticle,
  kPageAuthor,
  kAuthorFeed,
  kAuthorPhoto,
  kSitemap,
  kSitemapFile,
  kPageReport,
  kPageDigest,
  kPageDigestSignup,
  kPageDigestConfirm,
  kPageDigestConfirmPost,
  kPageDigestManage,
  kPageDigestManagePost,
  kPageDigestExport,
  kPageDigestUnsubscribe,
  kDigestUnsubscribe,
  kStatic,
  // FHIR R4 (src/fhir/): its parameters are checked there, its errors are OperationOutcomes.
  kFhirMetadata,
  kFhirExport,
  kFhirExportStatus,
  kFhirExportCancel,
  kFhirExportFile,
  kFhirSearch,
  kFhirSearchPost,
  kFhirRead,
  kCount
};

struct Route {
  RouteId id;
  std::string name;    // metrics label, e.g. "search"
  std::string method;  // "GET" or "POST"
  std::string path;    // "/api/v1/providers/{npi}"
  std::string summary;
  std::vector<RouteParam> params = {};
  bool expensive = false;  // rate limited per client
  bool has_body = false;   // a request body (POST): JSON for the API, a form for pages
  bool html = false;       // a web page: errors come back as pages, with the page headers
  bool fhir = false;       // under /fhir: parameters per the CapabilityStatement (fhir/search.h)
};

const std::vector<Route>& Routes();

// The route whose path pattern matches `path` ({x} matches one non-empty
// segment, whose text goes to *path_args in order), or nullptr.
// *method_ok says whether the method matches too (else 405).
// Whether a request for `path` may wait on the store: the console, the
// report form and the digest's pages (the corrections searches apply come
// from a cache refreshed in the background). A prefix test, so the server
// can ask before routing, at no cost to searches.
bool IsStorePath(std::string_view path);

const Route* MatchRoute(std::string_view method, std::string_view path,
                        std::vector<std::string>* path_args, bool* method_ok);

// The methods `path` answers, for Allow headers and CORS preflights: those
// of every route whose pattern matches it, HEAD wherever GET is, and
// OPTIONS; "GET, HEAD, POST, OPTIONS" style, in that order. "" when no route
// matches the path.
std::string AllowedMethods(std::string_view path);

}  // namespace meridian
