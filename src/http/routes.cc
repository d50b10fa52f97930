#include "http/routes.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "query/query.h"

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

// The segments of a path after its leading '/', as views of it (no copies:
// every request is matched against every route).
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t at = 1;
  while (at <= path.size()) {
    size_t slash = path.find('/', at);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(at, slash - at));
    at = slash + 1;
  }
  return out;
}

// Whether a route's path segment is a {parameter}.
bool IsParam(std::string_view segment) { return segment.size() > 2 && segment.front() == '{'; }

// Whether a request's segments fit a route's: the same count, each equal or
// a non-empty value for a {parameter}.
bool SegmentsFit(const std::vector<std::string_view>& want,
                 const std::vector<std::string_view>& got) {
  if (want.size() != got.size()) return false;
  for (size_t i = 0; i < want.size(); ++i)
    if (IsParam(want[i]) ? got[i].empty() : want[i] != got[i]) return false;
  return true;
}

// Segments(r.path) of every route, in Routes() order, split once (views of
// the routes' paths, which live as long as the table).
const std::vector<std::vector<std::string_view>>& RouteSegments() {
  static const std::vector<std::vector<std::string_view>> segments = [] {
    std::vector<std::vector<std::string_view>> out;
    for (const Route& r : Routes()) out.push_back(Segments(r.path));
    return out;
  }();
  return segments;
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
  const std::vector<std::string_view> got = Segments(path);
  const Route* path_match = nullptr;
  const std::vector<Route>& routes = Routes();
  const std::vector<std::vector<std::string_view>>& segments = RouteSegments();
  for (size_t k = 0; k < routes.size(); ++k) {
    const Route& r = routes[k];
    const std::vector<std::string_view>& want = segments[k];
    if (!SegmentsFit(want, got)) continue;
    if (r.method == method) {
      args->clear();
      for (size_t i = 0; i < want.size(); ++i)
        if (IsParam(want[i])) args->emplace_back(got[i]);
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
  const std::vector<std::string_view> got = Segments(path);
  bool any = false, get = false, post = false, del = false;
  const std::vector<Route>& routes = Routes();
  const std::vector<std::vector<std::string_view>>& segments = RouteSegments();
  for (size_t k = 0; k < routes.size(); ++k) {
    const Route& r = routes[k];
    if (!SegmentsFit(segments[k], got)) continue;
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

}  // namespace meridian
