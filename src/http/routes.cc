#include "http/routes.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "data/embedded.h"
#include "knowledge/modality_map.h"
#include "query/query.h"
#include "util/json.h"

namespace meridian {

namespace {

// Descriptions of the search parameters, in SearchParameterNames() order.
const std::map<std::string, RouteParam>& SearchParamDocs() {
  static const std::map<std::string, RouteParam> docs = [] {
    std::map<std::string, RouteParam> m;
    auto add = [&](std::string name, std::string type, bool repeatable, std::string d) {
      m[name] = RouteParam{name, "query", std::move(type), false, repeatable, std::move(d)};
    };
    add("near", "string", false, "A 5-digit ZIP code or \"lat,lon\".");
    add("radius", "string", false, "N, Nmi or Nkm; default 25 mi, at most 500 mi.");
    add("city", "string", false,
        "A practice city, \"Madison\" or \"Madison, WI\" (instead of near).");
    add("taxonomy", "string", true, "NUCC taxonomy code or code prefix, e.g. 171100000X or 2251.");
    add("modality", "string", false,
        "acupuncture, dry_needling, chiropractic, massage, physical_therapy, osteopathic, "
        "pain_medicine, or any (at least one of them).");
    add("entity", "string", false, "individual or organization.");
    add("state", "string", false, "USPS code of the practice state, e.g. WI.");
    add("sex", "string", false, "F or M, as self-reported to NPPES.");
    add("credential", "string", true, "Credential text token, e.g. L.Ac. or DPT.");
    add("include_deactivated", "boolean", false, "Include deactivated NPIs (default false).");
    add("has_secondary", "boolean", false, "Only providers with a secondary practice location.");
    add("q", "string", false, "Words of names and cities; typos allowed, the last word a prefix.");
    add("sort", "string", false, "distance, relevance or name.");
    add("limit", "integer", false, "1 to 100 (default 10).");
    add("offset", "integer", false, "0 to 10000.");
    add("cursor", "string", false, "next_cursor of the previous page.");
    add("number", "string", false,
        "One NPI, exactly (the NPPES Registry API's name for it); not with near, city or q.");
    add("first_name", "string", false,
        "A person's first name, exactly (any case), or its start then * after 2 or more "
        "letters (the NPPES Registry API's rule).");
    add("last_name", "string", false, "A person's last name, exactly, or its start then *.");
    add("organization_name", "string", false,
        "An organization's legal or other name (DBA), exactly, or its start then *.");
    add("postal_code", "string", false,
        "A practice ZIP code (5 digits or ZIP+4), or its first 2 to 4 digits then * (as in the "
        "NPPES Registry API).");
    return m;
  }();
  return docs;
}

std::vector<RouteParam> SearchParams() {
  std::vector<RouteParam> out;
  for (const std::string& name : SearchParameterNames()) {
    auto it = SearchParamDocs().find(name);
    out.push_back(it != SearchParamDocs().end()
                      ? it->second
                      : RouteParam{name, "query", "string", false, false, "(undocumented)"});
  }
  return out;
}

RouteParam Form(std::string name, std::string d) {
  return RouteParam{std::move(name), "query", "string", false, false, std::move(d)};
}

RouteParam PathParam(std::string name, std::string type, std::string d) {
  return RouteParam{std::move(name), "path", std::move(type), true, false, std::move(d)};
}

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  size_t at = 1;
  while (at <= path.size()) {
    size_t slash = path.find('/', at);
    if (slash == std::string_view::npos) slash = path.size();
    out.emplace_back(path.substr(at, slash - at));
    at = slash + 1;
  }
  return out;
}

}  // namespace

const std::vector<Route>& Routes() {
  static const std::vector<Route> routes = {
      {.id = RouteId::kHealthz,
       .name = "healthz",
       .method = "GET",
       .path = "/healthz",
       .summary = "The process is up."},
      {.id = RouteId::kReadyz,
       .name = "readyz",
       .method = "GET",
       .path = "/readyz",
       .summary = "A snapshot is loaded and serving."},
      {.id = RouteId::kMetrics,
       .name = "metrics",
       .method = "GET",
       .path = "/metrics",
       .summary = "Prometheus metrics: requests and latency per route, snapshot age and records."},
      {.id = RouteId::kSearch,
       .name = "search",
       .method = "GET",
       .path = "/api/v1/search",
       .summary = "Find providers by place, care type, filters and names. A search whose work "
                  "would pass the server's bound (serve --search-budget; about 10 ms at 9 M "
                  "providers) is refused with 400 and error code too_broad, saying what to "
                  "narrow: a place, more letters of a name, a smaller radius.",
       .params = SearchParams(),
       .expensive = true},
      {.id = RouteId::kProvider,
       .name = "provider",
       .method = "GET",
       .path = "/api/v1/providers/{npi}",
       .summary = "One provider's full NPPES record, credential cards and state notes.",
       .params = {PathParam("npi", "string", "The 10-digit NPI.")}},
      {.id = RouteId::kOrganizationProviders,
       .name = "organization_providers",
       .method = "GET",
       .path = "/api/v1/organizations/{npi}/providers",
       .summary =
           "Providers NPPES links to an organization (subparts naming it as parent; endpoints "
           "affiliated with it). A shared address or phone is not a link.",
       .params = {PathParam("npi", "string", "The organization's 10-digit NPI.")},
       .expensive = true},
      {.id = RouteId::kTaxonomies,
       .name = "taxonomies",
       .method = "GET",
       .path = "/api/v1/taxonomies",
       .summary = "The NUCC taxonomy code set with plain names."},
      {.id = RouteId::kModalities,
       .name = "modalities",
       .method = "GET",
       .path = "/api/v1/modalities",
       .summary = "The kinds of care Meridian searches by, with what each is."},
      {.id = RouteId::kPlaces,
       .name = "places",
       .method = "GET",
       .path = "/api/v1/places",
       .summary = "ZIP codes and cities that start with q, for as-you-type place boxes.",
       .params = {RouteParam{"q", "query", "string", true, false,
                             "At least 2 letters or 3 digits."}},
       .expensive = true},
      {.id = RouteId::kStateRules,
       .name = "state_rules",
       .method = "GET",
       .path = "/api/v1/states/{state}/rules",
       .summary = "What a state's rules say about acupuncture and dry needling, with sources.",
       .params = {PathParam("state", "string", "USPS code of one of the 50 states or DC.")}},
      {.id = RouteId::kCredentials,
       .name = "credentials",
       .method = "GET",
       .path = "/api/v1/credentials",
       .summary = "What each credential means, with sources."},
      {.id = RouteId::kArticles,
       .name = "articles",
       .method = "GET",
       .path = "/api/v1/articles",
       .summary = "Articles, newest first: metadata (authors, reviewers, review dates, sources).",
       .params = {Form("modality", "Only articles about this modality id."),
                  Form("tag", "Only articles with this tag.")}},
      {.id = RouteId::kArticle,
       .name = "article",
       .method = "GET",
       .path = "/api/v1/articles/{slug}",
       .summary = "One article: its metadata and its body rendered as HTML.",
       .params = {PathParam("slug", "string", "The article's slug.")}},
      {.id = RouteId::kGuide,
       .name = "guide",
       .method = "GET",
       .path = "/api/v1/guide",
       .summary = "The decision guide's questions."},
      {.id = RouteId::kGuideAnswers,
       .name = "guide_answers",
       .method = "POST",
       .path = "/api/v1/guide/answers",
       .summary = "A neutral comparison of care options for the answers given (JSON body "
                  "{\"answers\":{\"where\":\"low_back\",\"cautions\":[\"pregnant\"]}}).",
       .expensive = true,
       .has_body = true},
      {.id = RouteId::kOpenApi,
       .name = "openapi",
       .method = "GET",
       .path = "/api/v1/openapi.json",
       .summary = "This document."},
      {.id = RouteId::kAdminReload,
       .name = "admin_reload",
       .method = "POST",
       .path = "/admin/reload",
       .summary = "Load the snapshot again and swap it in (needs the admin token)."},
      {.id = RouteId::kApiAdminReports,
       .name = "admin_api_reports",
       .method = "GET",
       .path = "/api/v1/admin/reports",
       .summary = "Reports people sent (needs Authorization: Bearer <token> from `meridian admin "
                  "token`).",
       .params = {RouteParam{"status", "query", "string", false, false,
                             "open, resolved or rejected; empty = all"},
                  RouteParam{"state", "query", "string", false, false, "USPS code"},
                  RouteParam{"kind", "query", "string", false, false,
                             "address, credential, closed or other"}}},
      {.id = RouteId::kApiAdminReport,
       .name = "admin_api_report",
       .method = "POST",
       .path = "/api/v1/admin/reports/{id}",
       .summary = "Resolve or reject a report (JSON body: status, note; bearer token).",
       .params = {PathParam("id", "integer", "The report's number.")},
       .has_body = true},
      {.id = RouteId::kApiAdminCorrections,
       .name = "admin_api_corrections",
       .method = "GET",
       .path = "/api/v1/admin/corrections",
       .summary = "Corrections of listings (bearer token).",
       .params = {RouteParam{"status", "query", "string", false, false,
                             "active, flagged or retired; empty = all"}}},
      {.id = RouteId::kApiAdminCorrect,
       .name = "admin_api_correct",
       .method = "POST",
       .path = "/api/v1/admin/corrections",
       .summary = "Correct a listing (JSON body: npi, field, value, source; bearer token). Fields: "
                  "phone, address (line1|city|state|zip), not_practising_here, no_dry_needling, "
                  "note.",
       .has_body = true},
      {.id = RouteId::kAdminHome,
       .name = "admin_home",
       .method = "GET",
       .path = "/admin",
       .summary = "Console: the report queue (signed in).",
       .params = {Form("status", "open, resolved or rejected"), Form("state", "USPS code"),
                  Form("kind", "address, credential, closed or other")},
       .html = true},
      {.id = RouteId::kAdminLoginPage,
       .name = "admin_login_page",
       .method = "GET",
       .path = "/admin/login",
       .summary = "Console: sign in.",
       .html = true},
      {.id = RouteId::kAdminLogin,
       .name = "admin_login",
       .method = "POST",
       .path = "/admin/login",
       .summary = "Console: sign in (form body: email, password; same-origin only).",
       .expensive = true,
       .has_body = true,
       .html = true},
      {.id = RouteId::kAdminLogout,
       .name = "admin_logout",
       .method = "POST",
       .path = "/admin/logout",
       .summary = "Console: sign out (form body: csrf).",
       .has_body = true,
       .html = true},
      {.id = RouteId::kAdminSetPasswordPage,
       .name = "admin_set_password_page",
       .method = "GET",
       .path = "/admin/set-password",
       .summary = "Console: set a password from a one-time link.",
       .params = {Form("token", "The link's token")},
       .html = true},
      {.id = RouteId::kAdminSetPassword,
       .name = "admin_set_password",
       .method = "POST",
       .path = "/admin/set-password",
       .summary = "Console: set a password (form body: token, password, password2).",
       .expensive = true,
       .has_body = true,
       .html = true},
      {.id = RouteId::kAdminReportPage,
       .name = "admin_report_page",
       .method = "GET",
       .path = "/admin/reports/{id}",
       .summary = "Console: one report next to the listing it names.",
       .params = {PathParam("id", "integer", "The report's number.")},
       .html = true},
      {.id = RouteId::kAdminReport,
       .name = "admin_report",
       .method = "POST",
       .path = "/admin/reports/{id}",
       .summary = "Console: resolve or reject a report (form body: status, note, csrf).",
       .params = {PathParam("id", "integer", "The report's number.")},
       .has_body = true,
       .html = true},
      {.id = RouteId::kAdminCorrectPage,
       .name = "admin_correct_page",
       .method = "GET",
       .path = "/admin/providers/{npi}/correct",
       .summary = "Console: correct a listing.",
       .params = {PathParam("npi", "string", "The 10-digit NPI.")},
       .html = true},
      {.id = RouteId::kAdminCorrect,
       .name = "admin_correct",
       .method = "POST",
       .path = "/admin/providers/{npi}/correct",
       .summary = "Console: save a correction (form body: field, value or line1/city/state/zip, "
                  "source, csrf).",
       .params = {PathParam("npi", "string", "The 10-digit NPI.")},
       .has_body = true,
       .html = true},
      {.id = RouteId::kAdminCorrections,
       .name = "admin_corrections",
       .method = "GET",
       .path = "/admin/corrections",
       .summary = "Console: corrections, flagged ones first.",
       .html = true},
      {.id = RouteId::kAdminAudit,
       .name = "admin_audit",
       .method = "GET",
       .path = "/admin/audit",
       .summary = "Console: the audit log (admins only).",
       .html = true},
      {.id = RouteId::kAdminDigest,
       .name = "admin_digest",
       .method = "GET",
       .path = "/admin/digest",
       .summary = "Console: the weekly digest's subscribers, the next scheduled run, and past "
                  "runs with messages sent, failed, suppressed and in flight.",
       .html = true},
      {.id = RouteId::kPageHome,
       .name = "page_home",
       .method = "GET",
       .path = "/",
       .summary = "Web page: the search form.",
       .params = {Form("where", "ZIP code or city"), Form("q", "Name")},
       .html = true},
      {.id = RouteId::kPageSearch,
       .name = "page_search",
       .method = "GET",
       .path = "/search",
       .summary = "Web page: results.",
       .params = {Form("where", "ZIP code, city or lat,lon"),
                  Form("care", "A modality id; empty = any of Meridian's kinds of care"),
                  Form("q", "A name or a kind of care (\"physical therapy\")"),
                  Form("as", "name: take q as a name even when it names a kind of care"),
                  Form("radius", "Miles: 5, 10, 25, 50, 100, 250 or 500"),
                  Form("sort", "distance, relevance or name"), Form("page", "Page number from 1"),
                  Form("sex", "F or M"), Form("entity", "individual or organization"),
                  RouteParam{"taxonomy", "query", "string", false, true, "NUCC code or prefix"}},
       .expensive = true,
       .html = true},
      {.id = RouteId::kPageProvider,
       .name = "page_provider",
       .method = "GET",
       .path = "/provider/{npi}",
       .summary = "Web page: one provider.",
       .params = {PathParam("npi", "string", "The 10-digit NPI.")},
       .html = true},
      {.id = RouteId::kPageOrganization,
       .name = "page_organization",
       .method = "GET",
       .path = "/organization/{npi}",
       .summary = "Web page: an organization and the providers NPPES links to it.",
       .params = {PathParam("npi", "string", "The organization's 10-digit NPI.")},
       .expensive = true,
       .html = true},
      {.id = RouteId::kPageGuide,
       .name = "page_guide",
       .method = "GET",
       .path = "/guide",
       .summary = "Web page: the decision guide.",
       .html = true},
      {.id = RouteId::kPageGuideResult,
       .name = "page_guide_result",
       .method = "POST",
       .path = "/guide",
       .summary = "Web page: the comparison for the guide's answers (form body).",
       .expensive = true,
       .has_body = true,
       .html = true},
      {.id = RouteId::kPageAbout,
       .name = "page_about",
       .method = "GET",
       .path = "/about",
       .summary = "Web page: about the data.",
       .html = true},
      {.id = RouteId::kPageArticles,
       .name = "page_articles",
       .method = "GET",
       .path = "/articles",
       .summary = "Web page: articles, newest first (filter by modality or tag; paged).",
       .params = {Form("modality", "A modality id."), Form("tag", "A tag."),
                  Form("page", "Page number, from 1.")},
       .html = true},
      // The feeds come before /articles/{slug}: the first match wins.
      {.id = RouteId::kFeedAtom,
       .name = "feed_atom",
       .method = "GET",
       .path = "/articles/feed.atom",
       .summary = "Atom feed (RFC 4287) of the articles."},
      {.id = RouteId::kFeedJson,
       .name = "feed_json",
       .method = "GET",
       .path = "/articles/feed.json",
       .summary = "JSON Feed 1.1 of the articles."},
      {.id = RouteId::kPageArticle,
       .name = "page_article",
       .method = "GET",
       .path = "/articles/{slug}",
       .summary = "Web page: one article with its authors, reviewers, review dates and sources.",
       .params = {PathParam("slug", "string", "The article's slug.")},
       .html = true},
      {.id = RouteId::kPageAuthor,
       .name = "page_author",
       .method = "GET",
       .path = "/authors/{slug}",
       .summary = "Web page: an author's bio, credentials, articles written and reviewed.",
       .params = {PathParam("slug", "string", "The author's slug.")},
       .html = true},
      {.id = RouteId::kAuthorFeed,
       .name = "author_feed",
       .method = "GET",
       .path = "/authors/{slug}/feed.atom",
       .summary = "Atom feed of one author's articles.",
       .params = {PathParam("slug", "string", "The author's slug.")}},
      {.id = RouteId::kAuthorPhoto,
       .name = "author_photo",
       .method = "GET",
       .path = "/authors/{slug}/photo",
       .summary = "An author's photo (the file the author's front matter names).",
       .params = {PathParam("slug", "string", "The author's slug.")}},
      {.id = RouteId::kSitemap,
       .name = "sitemap",
       .method = "GET",
       .path = "/sitemap.xml",
       .summary = "Sitemap index: the pages, articles and authors, and every provider profile."},
      {.id = RouteId::kSitemapFile,
       .name = "sitemap_file",
       .method = "GET",
       .path = "/sitemaps/{file}",
       .summary = "One sitemap: pages.xml, or providers-N.xml (at most 50,000 profiles each).",
       .params = {PathParam("file", "string", "pages.xml or providers-N.xml, N from 1.")}},
      {.id = RouteId::kPageReport,
       .name = "page_report",
       .method = "POST",
       .path = "/report",
       .summary =
           "Web page: report a problem with a listing (form body: npi, kind, details; same-origin "
           "only).",
       .expensive = true,
       .has_body = true,
       .html = true},
      {.id = RouteId::kPageDigest,
       .name = "page_digest",
       .method = "GET",
       .path = "/digest",
       .summary = "Web page: sign up for the weekly digest (new articles and new practitioners "
                  "near you).",
       .html = true},
      {.id = RouteId::kPageDigestSignup,
       .name = "page_digest_signup",
       .method = "POST",
       .path = "/digest",
       .summary = "Web page: the sign-up form's target (form body: email, place, radius, care; "
                  "same-origin only). The answer is the same whether or not the address is known.",
       .expensive = true,
       .has_body = true,
       .html = true},
      {.id = RouteId::kPageDigestConfirm,
       .name = "page_digest_confirm",
       .method = "GET",
       .path = "/digest/confirm",
       .summary = "Web page: the confirmation link's page, with a Confirm button (opening the link "
                  "confirms nothing).",
       .params = {Form("t", "The signed token from the confirmation email.")},
       .html = true},
      {.id = RouteId::kPageDigestConfirmPost,
       .name = "page_digest_confirm_post",
       .method = "POST",
       .path = "/digest/confirm",
       .summary = "Web page: confirms a sign-up (form body: t).",
       .has_body = true,
       .html = true},
      {.id = RouteId::kPageDigestManage,
       .name = "page_digest_manage",
       .method = "GET",
       .path = "/digest/manage",
       .summary = "Web page: a subscriber's settings (place, radius, kinds of care; pause; export; "
                  "delete), reached by the signed link in every email.",
       .params = {Form("t", "The signed token from an email.")},
       .html = true},
      {.id = RouteId::kPageDigestManagePost,
       .name = "page_digest_manage_post",
       .method = "POST",
       .path = "/digest/manage",
       .summary = "Web page: saves settings, pauses, resumes or deletes (form body: t, action, "
                  "place, radius, care).",
       .has_body = true,
       .html = true},
      {.id = RouteId::kPageDigestExport,
       .name = "page_digest_export",
       .method = "GET",
       .path = "/digest/export",
       .summary = "Everything held about a subscriber, as a JSON download.",
       .params = {Form("t", "The signed token from an email.")},
       .html = true},
      {.id = RouteId::kPageDigestUnsubscribe,
       .name = "page_digest_unsubscribe",
       .method = "GET",
       .path = "/digest/unsubscribe",
       .summary = "Web page: unsubscribe, with a button (opening the link changes nothing).",
       .params = {Form("t", "The signed token from an email.")},
       .html = true},
      {.id = RouteId::kDigestUnsubscribe,
       .name = "digest_unsubscribe",
       .method = "POST",
       .path = "/digest/unsubscribe",
       .summary = "One-click unsubscribe (RFC 8058): works without cookies or a page; the token "
                  "is in the query (t) or the form body.",
       .params = {Form("t", "The signed token from an email.")},
       .has_body = true,
       .html = true},
      {.id = RouteId::kStatic,
       .name = "static",
       .method = "GET",
       .path = "/static/{file}",
       .summary = "The site's CSS and JavaScript.",
       .params = {PathParam("file", "string", "site.css or app.js")},
       .html = true},
      {.id = RouteId::kFhirMetadata,
       .name = "fhir_metadata",
       .method = "GET",
       .path = "/fhir/metadata",
       .summary = "FHIR R4: the CapabilityStatement (types, search parameters, includes).",
       .fhir = true},
      {.id = RouteId::kFhirExport,
       .name = "fhir_export",
       .method = "GET",
       .path = "/fhir/$export",
       .summary = "FHIR Bulk Data kick-off (Prefer: respond-async): 202 with the status address "
                  "in Content-Location. Takes _type, _since and _outputFormat (ndjson).",
       .expensive = true,
       .fhir = true},
      {.id = RouteId::kFhirExportStatus,
       .name = "fhir_export_status",
       .method = "GET",
       .path = "/fhir/$export-status/{job}",
       .summary = "FHIR Bulk Data status: 202 with X-Progress while running, then 200 with the "
                  "manifest of NDJSON files (which expire an hour after).",
       .params = {PathParam("job", "string", "The export's id from Content-Location.")},
       .fhir = true},
      {.id = RouteId::kFhirExportCancel,
       .name = "fhir_export_cancel",
       .method = "DELETE",
       .path = "/fhir/$export-status/{job}",
       .summary = "FHIR Bulk Data: cancels an export and deletes its files.",
       .params = {PathParam("job", "string", "The export's id.")},
       .fhir = true},
      {.id = RouteId::kFhirExportFile,
       .name = "fhir_export_file",
       .method = "GET",
       .path = "/fhir/$export-file/{job}/{file}",
       .summary = "FHIR Bulk Data: one NDJSON file of a finished export (application/fhir+ndjson).",
       .params = {PathParam("job", "string", "The export's id."),
                  PathParam("file", "string", "A file name from the manifest.")},
       .fhir = true},
      {.id = RouteId::kFhirSearch,
       .name = "fhir_search",
       .method = "GET",
       .path = "/fhir/{type}",
       .summary = "FHIR R4 search (application/fhir+json): a searchset Bundle. The parameters "
                  "of each type are in /fhir/metadata.",
       .params = {PathParam("type", "string",
                            "Practitioner, PractitionerRole, Organization, Location or Endpoint.")},
       .expensive = true,
       .fhir = true},
      {.id = RouteId::kFhirSearchPost,
       .name = "fhir_search_post",
       .method = "POST",
       .path = "/fhir/{type}/_search",
       .summary = "FHIR R4 search with the parameters in a form body "
                  "(application/x-www-form-urlencoded).",
       .params = {PathParam("type", "string", "As for GET /fhir/{type}.")},
       .expensive = true,
       .has_body = true,
       .html = false,
       .fhir = true},
      {.id = RouteId::kFhirRead,
       .name = "fhir_read",
       .method = "GET",
       .path = "/fhir/{type}/{id}",
       .summary = "FHIR R4 read: one resource by id (ids derive from the NPI).",
       .params = {PathParam("type", "string", "As for GET /fhir/{type}."),
                  PathParam("id", "string", "1234567893, 1234567893-0, 1234567893-0-1, ...")},
       .fhir = true},
  };
  return routes;
}

bool IsStorePath(std::string_view path) {
  return path.starts_with("/admin") || path.starts_with("/api/v1/admin/") || path == "/report" ||
         path.starts_with("/digest");
}

const Route* MatchRoute(std::string_view method, std::string_view path,
                        std::vector<std::string>* args, bool* method_ok) {
  if (path.empty() || path[0] != '/') return nullptr;
  const std::vector<std::string> got = Segments(path);
  const Route* path_match = nullptr;
  for (const Route& r : Routes()) {
    const std::vector<std::string> want = Segments(r.path);
    if (want.size() != got.size()) continue;
    std::vector<std::string> a;
    bool ok = true;
    for (size_t i = 0; i < want.size() && ok; ++i) {
      if (want[i].size() > 2 && want[i].front() == '{')
        ok = !got[i].empty(), a.push_back(got[i]);
      else
        ok = want[i] == got[i];
    }
    if (!ok) continue;
    if (r.method == method) {
      *args = std::move(a);
      *method_ok = true;
      return &r;
    }
    path_match = &r;
  }
  *method_ok = false;
  return path_match;
}

std::string AllowedMethods(std::string_view path) {
  if (path.empty() || path[0] != '/') return "";
  const std::vector<std::string> got = Segments(path);
  bool any = false, get = false, post = false, del = false;
  for (const Route& r : Routes()) {
    const std::vector<std::string> want = Segments(r.path);
    if (want.size() != got.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < want.size() && ok; ++i)
      ok = want[i].size() > 2 && want[i].front() == '{' ? !got[i].empty() : want[i] == got[i];
    if (!ok) continue;
    any = true;
    get |= r.method == "GET", post |= r.method == "POST", del |= r.method == "DELETE";
  }
  if (!any) return "";
  std::string out;
  if (get) out += "GET, HEAD, ";
  if (post) out += "POST, ";
  if (del) out += "DELETE, ";
  return out + "OPTIONS";
}

namespace {

using nlohmann::json;

// The JSON Schema of one parameter's value: its type, and the constraints
// the parsers enforce (query/query.cc for the search; the handlers for the
// rest). Enumerated values are listed as spelled canonically; the server
// takes them in any letter case.
json ParamSchema(const RouteParam& p) {
  json s = {{"type", p.type}};
  const std::string& n = p.name;
  if (n == "npi" || n == "number") {
    s["pattern"] = "^[0-9]{10}$";
  } else if (n == "postal_code") {
    s["pattern"] = "^([0-9]{5}(-?[0-9]{4})?|[0-9]{2,4}\\*)$";
  } else if (n == "state") {
    s["pattern"] = "^[A-Za-z]{2}$";
  } else if (n == "modality") {
    json ids = json::array({"any"});
    for (const Modality& m : ModalityMap::Embedded().modalities()) ids.push_back(m.id);
    s["enum"] = ids;
  } else if (n == "entity") {
    s["enum"] = {"individual", "organization"};
  } else if (n == "sex") {
    s["enum"] = {"F", "M"};
  } else if (n == "sort") {
    s["enum"] = {"distance", "relevance", "name"};
  } else if (n == "limit" && p.type == "integer") {
    s["minimum"] = 1, s["maximum"] = kMaxLimit, s["default"] = 10;
  } else if (n == "offset" && p.type == "integer") {
    s["minimum"] = 0, s["maximum"] = kMaxOffset, s["default"] = 0;
  } else if (n == "radius" && p.in == "query" && p.type == "string") {
    s["pattern"] = "^[0-9]+(\\.[0-9]+)?(mi|km)?$";
  } else if (n == "near") {
    s["pattern"] = "^([0-9]{5}(-?[0-9]{4})?|-?[0-9.]+,-?[0-9.]+)$";
  } else if (n == "taxonomy") {
    s["pattern"] = "^[0-9A-Za-z]{1,10}$";
  } else if (n == "q" && p.in == "query") {
    s["maxLength"] = kMaxTextBytes;
  } else if (n == "cursor") {
    s["pattern"] = "^c2\\.";
  }
  if (p.repeatable) return {{"type", "array"}, {"items", s}};
  return s;
}

// The document's group for a route: the API by what it is about, then the
// web pages, FHIR and the console apart from it.
std::string TagOf(const Route& r) {
  if (r.fhir) return "FHIR R4";
  if (r.html) return r.path.starts_with("/admin") ? "Console (HTML)" : "Web pages (HTML)";
  if (r.path.starts_with("/api/v1/admin") || r.path == "/admin/reload") return "Admin";
  if (r.path == "/healthz" || r.path == "/readyz" || r.path == "/metrics") return "Operations";
  if (r.path.starts_with("/api/v1/search") || r.path.starts_with("/api/v1/providers") ||
      r.path.starts_with("/api/v1/organizations"))
    return "Search and providers";
  if (r.path.starts_with("/api/v1/guide")) return "Guide";
  if (r.path.starts_with("/api/v1/articles") || r.path.starts_with("/articles")) return "Articles";
  return "Reference";
}

bool NeedsBearer(const Route& r) {
  return r.path.starts_with("/api/v1/admin") || r.path == "/admin/reload";
}

// A response whose body is not JSON described by a schema of ours: HTML,
// FHIR resources, feeds and files.
json PlainResponse(const Route& r) {
  std::string type = "text/html";
  json schema = {{"type", "string"}};
  if (r.fhir) {
    type = "application/fhir+json";
    schema = {{"type", "object"},
              {"description",
               "A FHIR R4 resource, Bundle or OperationOutcome "
               "(https://hl7.org/fhir/R4/)."}};
  } else if (r.name == "metrics") {
    type = "text/plain";
  } else if (r.path.ends_with(".atom") || r.name == "author_feed") {
    type = "application/atom+xml";
  } else if (r.name == "sitemap" || r.name == "sitemap_file") {
    type = "application/xml";
  } else if (r.name == "author_photo" || r.name == "static") {
    type = "application/octet-stream";
  }
  return {{"description", r.html ? "An HTML page" : "OK"},
          {"content", {{type, {{"schema", schema}}}}}};
}

const char* ErrorResponseName(int status) {
  switch (status) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 406:
      return "NotAcceptable";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "PayloadTooLarge";
    case 414:
      return "UriTooLong";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "UnprocessableContent";
    case 429:
      return "TooManyRequests";
    case 431:
      return "RequestHeaderFieldsTooLarge";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    default:
      return nullptr;
  }
}

}  // namespace

std::string OpenApiJson() {
  static const std::string doc = [] {
    const json components = json::parse(EmbeddedOpenApiComponents());
    const json& route_schemas = components["x-route-schemas"];
    json d;
    d["openapi"] = "3.1.0";
    d["info"] = {
        {"title", "Meridian API"},
        {"version", "1"},
        {"description",
         "Find qualified practitioners of non-drug pain care from the CMS NPPES registry. "
         "Everything NPPES says is self-reported by providers and is labelled so. Errors are "
         "{\"error\":{\"code\",\"message\",\"param\"}}. Every API answer is readable from any "
         "origin (CORS), has a Date, and public ones a weak ETag for If-None-Match; searches "
         "page with next_cursor and a Link rel=next header."},
        {"license", {{"name", "Apache-2.0"}, {"identifier", "Apache-2.0"}}}};
    d["servers"] = json::array({{{"url", "/"}, {"description", "This server"}}});
    d["security"] = json::array();
    json tags = json::array();
    for (const auto& [t, about] : std::initializer_list<std::pair<const char*, const char*>>{
             {"Search and providers",
              "Search the registry near a place, by name or NPI; read a provider or organization."},
             {"Reference", "Places, state rules, credentials, modalities and the NUCC taxonomy."},
             {"Guide", "The decision guide: its questions and what an answer leads to."},
             {"Articles", "Published articles, authors and feeds."},
             {"Operations", "Health, readiness and metrics for whoever runs the server."},
             {"Admin", "Reload, corrections and reports; needs a bearer token."},
             {"FHIR R4", "The same data as FHIR R4 resources (Practitioner, Organization, ...)."},
             {"Web pages (HTML)", "The pages people read; not part of the JSON API."},
             {"Console (HTML)", "The operators' console pages; not part of the JSON API."}})
      tags.push_back({{"name", t}, {"description", about}});
    d["tags"] = tags;
    json paths = json::object();
    for (const Route& r : Routes()) {
      std::string m = r.method;
      for (char& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      json op;
      op["operationId"] = r.name;
      op["summary"] = r.summary;
      op["tags"] = {TagOf(r)};
      json params = json::array();
      for (const RouteParam& p : r.params) {
        json jp = {{"name", p.name},
                   {"in", p.in},
                   {"description", p.description},
                   {"required", p.required},
                   {"schema", ParamSchema(p)}};
        if (p.repeatable) jp["explode"] = true;
        params.push_back(jp);
      }
      op["parameters"] = params;
      if (r.has_body) {
        const std::string type =
            r.html || r.fhir ? "application/x-www-form-urlencoded" : "application/json";
        op["requestBody"] = {{"required", true},
                             {"content", {{type, {{"schema", {{"type", "object"}}}}}}}};
      }
      if (NeedsBearer(r)) op["security"] = json::array({{{"bearer", json::array()}}});
      json responses = json::object();
      if (route_schemas.contains(r.name)) {
        const json& rs = route_schemas[r.name];
        for (const auto& [status, schema] : rs.items()) {
          if (status == "errors") continue;
          if (status == "304") {
            responses["304"] = {{"$ref", "#/components/responses/NotModified"}};
            continue;
          }
          const std::string type = r.name == "feed_json" ? "application/feed+json"
                                   : r.name == "metrics" ? "text/plain"
                                                         : "application/json";
          responses[status] = {
              {"description", status == "201"   ? "Created"
                              : status == "503" ? "Draining"
                                                : "OK"},
              {"content",
               {{type,
                 {{"schema", {{"$ref", "#/components/schemas/" + schema.get<std::string>()}}}}}}}};
        }
        for (const json& e : rs.value("errors", json::array()))
          if (const char* name = ErrorResponseName(e.get<int>()))
            if (!responses.contains(std::to_string(e.get<int>())))
              responses[std::to_string(e.get<int>())] = {
                  {"$ref", std::string("#/components/responses/") + name}};
      } else {
        responses["200"] = PlainResponse(r);
        if (!r.params.empty() || r.has_body)
          responses["400"] = {
              {"description", r.html ? "An HTML page saying what is wrong" : "A bad parameter"}};
        if (r.expensive) responses["429"] = {{"description", "Too many requests; see Retry-After"}};
      }
      // What the server answers before any route is found, on every route:
      // a URL or headers too long, and 503 when it sheds connections.
      for (const int status : {414, 431, 503})
        if (!responses.contains(std::to_string(status)))
          responses[std::to_string(status)] = {
              {"$ref", std::string("#/components/responses/") + ErrorResponseName(status)}};
      if (r.fhir && !responses.contains("406"))
        responses["406"] = {
            {"description", "The client accepts no JSON: an OperationOutcome"},
            {"content", {{"application/fhir+json", {{"schema", {{"type", "object"}}}}}}}};
      if (r.html && r.has_body && !responses.contains("403"))
        responses["403"] = {{"description", "An HTML page: the form was not sent from this site"},
                            {"content", {{"text/html", {{"schema", {{"type", "string"}}}}}}}};
      paths[r.path][m] = op;
      paths[r.path][m]["responses"] = responses;
    }
    d["paths"] = paths;
    json c;
    c["schemas"] = components["schemas"];
    // Only the shared responses some operation refers to.
    const std::string all_paths = paths.dump();
    c["responses"] = json::object();
    for (const auto& [name, response] : components["responses"].items())
      if (all_paths.find("\"#/components/responses/" + name + "\"") != std::string::npos)
        c["responses"][name] = response;
    c["securitySchemes"] = {
        {"bearer",
         {{"type", "http"},
          {"scheme", "bearer"},
          {"description", "A token from `meridian admin token` (only its hash is stored)."}}}};
    d["components"] = c;
    return d.dump();
  }();
  return doc;
}

}  // namespace meridian
