#include "http/service.h"

#include <cxxabi.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cmath>
#include <cstdlib>
#include <typeinfo>

#include "fhir/api.h"
#include "fhir/bulk.h"
#include "http/admin.h"
#include "http/api.h"
#include "http/articles.h"
#include "http/conditional.h"
#include "http/cors.h"
#include "http/digest_pages.h"
#include "http/openapi.h"
#include "http/pages.h"
#include "http/query_string.h"
#include "http/routes.h"
#include "http/sitemap.h"
#include "util/hash.h"
#include "util/json.h"

namespace meridian {

namespace {

constexpr const char* kPageCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// A form post from this site: Sec-Fetch-Site says same-origin (browsers
// that send it), or else the Origin names this host. Anything else, such as
// a post from another site or one with neither header, is refused.
bool SameOrigin(const HttpRequest& req) {
  const std::string_view host = req.Header("host"), origin = req.Header("origin");
  const std::string_view fetch_site = req.Header("sec-fetch-site");
  if (!fetch_site.empty()) return fetch_site == "same-origin";
  return !origin.empty() && !host.empty() &&
         (origin == "http://" + std::string(host) || origin == "https://" + std::string(host));
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

bool TakesParameter(const Route& route, const std::string& name) {
  return std::any_of(route.params.begin(), route.params.end(),
                     [&](const RouteParam& rp) { return rp.in == "query" && rp.name == name; });
}

// The first query parameter an API route does not take, or nullptr. Search
// parameters are checked by ParseQuery itself.
const std::string* UnknownParameter(const Route& route, const QueryParams& params) {
  if (route.id == RouteId::kSearch) return nullptr;
  for (const auto& p : params)
    if (!TakesParameter(route, p.first)) return &p.first;
  return nullptr;
}

// The first parameter an API route takes once that came more than once, or
// nullptr: every route treats repeats as the search does ("given more than
// once"), never keeping the first or the last quietly.
const std::string* RepeatedParameter(const Route& route, const QueryParams& params) {
  if (route.id == RouteId::kSearch) return nullptr;  // ParseQuery says it itself
  for (size_t i = 0; i < params.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (params[j].first == params[i].first &&
          std::none_of(route.params.begin(), route.params.end(), [&](const RouteParam& rp) {
            return rp.name == params[i].first && rp.repeatable;
          }))
        return &params[i].first;
  return nullptr;
}

// Pages ignore parameters they do not take (utm_source and the like on a
// shared link), so such links still open.
QueryParams PageParameters(const Route& route, QueryParams params) {
  std::erase_if(params, [&](const auto& p) { return !TakesParameter(route, p.first); });
  return params;
}

bool IsFhirPath(std::string_view path) { return path == "/fhir" || path.starts_with("/fhir/"); }

// FHIR operations ($export) as some clients send them, percent-encoded
// ("/fhir/%24export"), spelled the way the routes name them.
std::string FhirOperationPath(const std::string& path) {
  if (path.starts_with("/fhir/%24")) return "/fhir/$" + path.substr(9);
  return path;
}

HttpResponse FromFhir(fhir::Response r) {
  return HttpResponse{r.status, std::move(r.content_type), std::move(r.body), std::move(r.headers)};
}

// An error as the client reads it: JSON for the API, a page for pages, an
// OperationOutcome under /fhir.
HttpResponse ErrorResponse(const Dataset* d, bool html, bool fhir, const Status& s) {
  if (fhir) return FromFhir(fhir::Outcome(s));
  if (!html) return ApiError(s);
  const char* heading = s.code() == StatusCode::kResourceExhausted ? "Please slow down" : "Sorry";
  return PageMessage(d, s.HttpStatus(), heading, s.message());
}

// Readable name of the exception being handled ("std::out_of_range").
std::string TypeName(const char* mangled) {
  int status = 0;
  char* readable = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string out = status == 0 && readable != nullptr ? readable : mangled;
  std::free(readable);
  return out;
}

}  // namespace

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

bool Service::MayWaitOnStore(const HttpRequest& req) const {
  return store_ != nullptr && IsStorePath(req.path);
}

namespace {

// OPTIONS: 204 with the methods the path answers; on the API, a CORS
// preflight (Access-Control-Request-Method sent) also gets what browsers need
// before they send a POST with a JSON body. `OPTIONS *` asks of the server.
HttpResponse Options(const HttpRequest& req, const std::string& path, bool html) {
  const std::string allow = path == "*" ? "GET, HEAD, POST, DELETE, OPTIONS" : AllowedMethods(path);
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  r.headers.emplace_back("Allow", allow);
  if (!html && !req.Header("access-control-request-method").empty()) {
    r.headers.emplace_back("Access-Control-Allow-Methods", allow);
    r.headers.emplace_back("Access-Control-Allow-Headers", std::string(kCorsAllowHeaders));
    r.headers.emplace_back("Access-Control-Max-Age", std::string(kCorsMaxAge));
  }
  return r;
}

bool HasHeader(const HttpResponse& r, std::string_view name) {
  return std::any_of(r.headers.begin(), r.headers.end(),
                     [&](const auto& h) { return h.first == name; });
}

// Shared caches may keep it: no Cache-Control yet (the default for a 200
// GET is public) or one that says public.
bool IsPublic(const HttpResponse& r) {
  for (const auto& [k, v] : r.headers)
    if (k == "Cache-Control") return v.find("public") != std::string::npos;
  return true;
}

// 304: no body and no representation headers (RFC 9110 15.4.5); the
// caching headers the 200 would carry stay.
HttpResponse NotModified(std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpResponse r;
  r.status = 304;
  r.content_type.clear();
  r.headers = std::move(headers);
  return r;
}

// Routes whose GET answers depend only on the dataset, the corrections and
// the request: entity tags and 304s. Not the probes and metrics, the FHIR
// exports (their status changes as they run), the console, the digest's
// pages or the report form (per person, no-store).
bool Revalidatable(RouteId id) {
  switch (id) {
    case RouteId::kHealthz:
    case RouteId::kReadyz:
    case RouteId::kMetrics:
    case RouteId::kFhirExport:
    case RouteId::kFhirExportStatus:
    case RouteId::kFhirExportCancel:
    case RouteId::kFhirExportFile:
      return false;
    default:
      break;
  }
  for (const Route& r : Routes())
    if (r.id == id) return !IsStorePath(r.path);
  return false;
}

// "application/json", any case, with or without parameters
// ("; charset=utf-8"); also "+json" types such as application/merge-patch+json.
bool IsJson(std::string_view content_type) {
  std::string t(content_type.substr(0, content_type.find(';')));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t == "application/json" || (t.starts_with("application/") && t.ends_with("+json"));
}

bool IsRequestIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == ':';
}

}  // namespace

uint64_t Service::CorrectionsFingerprint() {
  std::shared_ptr<const CorrectionMap> now = corrections_->Current();
  std::lock_guard<std::mutex> lock(tag_mu_);
  if (now != tag_corrections_) {
    // Order-free: a sum over the corrections, each hashed on what an answer shows.
    uint64_t sum = 0;
    for (const auto& [npi, list] : *now)
      for (const store::Correction& c : list)
        sum += Fnv1a64(c.status, Fnv1a64(c.value, Fnv1a64(c.field, Fnv1a64(std::to_string(c.id)))));
    tag_corrections_ = std::move(now);
    tag_corrections_sum_ = sum;
  }
  return tag_corrections_sum_;
}

std::string Service::EntityTag(const HttpRequest& req, const Dataset& d) {
  char state[160];
  std::snprintf(state, sizeof state, "%s|%08x|%llu|%zu|%016llx|%016llx|%llu", __DATE__ " " __TIME__,
                d.snap->id(), static_cast<unsigned long long>(d.snap->file_bytes()), d.snap->size(),
                static_cast<unsigned long long>(d.content->fingerprint()),
                static_cast<unsigned long long>(CorrectionsFingerprint()),
                static_cast<unsigned long long>(d.search.budget));
  uint64_t h = Fnv1a64(state);
  // The answer depends on these parts of the request (the Host names the
  // site in links when no public URL is set; FHIR reads Accept).
  for (std::string_view part : {std::string_view(req.path), std::string_view(req.query),
                                req.Header("host"), req.Header("accept")})
    h = Fnv1a64(part, h);
  return WeakEntityTag(h, AcceptsGzip(req.Header("accept-encoding")));
}

std::string Service::RequestId(const HttpRequest& req) {
  const std::string_view given = req.Header("x-request-id");
  if (!given.empty() && given.size() <= 128 &&
      std::all_of(given.begin(), given.end(), IsRequestIdChar))
    return std::string(given);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s-%" PRIx64, request_id_prefix_.c_str(),
                request_seq_.fetch_add(1, std::memory_order_relaxed));
  return buf;
}

HttpResponse Service::Handle(const HttpRequest& req) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> args;
  bool method_ok = false;
  const std::string path = FhirOperationPath(req.path);
  // HEAD is GET without the body (the server leaves the body out).
  const std::string_view method =
      req.method == "HEAD" ? std::string_view("GET") : std::string_view(req.method);
  const Route* route = MatchRoute(method, path, &args, &method_ok);
  const bool html =
      route != nullptr ? route->html : !req.path.starts_with("/api/") && !IsFhirPath(req.path);
  const bool read = req.method == "GET" || req.method == "HEAD";
  std::shared_ptr<const Dataset> d = data();
  // A conditional GET of a public answer: its tag comes from what the
  // answer depends on. A search that would only confirm the client's copy
  // is not run.
  const std::string etag =
      read && route != nullptr && method_ok && Revalidatable(route->id) ? EntityTag(req, *d) : "";
  const bool fresh = !etag.empty() && IfNoneMatchHits(req.Header("if-none-match"), etag);
  HttpResponse resp;
  if (req.method == "OPTIONS" && (route != nullptr || path == "*")) {
    resp = Options(req, path, html);
  } else if (fresh && route->id == RouteId::kSearch) {
    resp = NotModified();
  } else {
    // The exception boundary: nothing a handler throws reaches the server.
    try {
      resp = Respond(req, route, method_ok, html, args, *d);
    } catch (const std::exception& e) {
      resp = Threw(route, html, d.get(), typeid(e).name());
    } catch (...) {
      resp = Threw(route, html, d.get(), "unknown exception");
    }
  }
  // Tag a public answer (and the 304 above); a client that holds the tag
  // gets 304 and no body.
  if (!etag.empty() && (resp.status == 200 || resp.status == 304) && IsPublic(resp) &&
      !HasHeader(resp, "ETag")) {
    if (resp.status == 200 && fresh) resp = NotModified(std::move(resp.headers));
    resp.headers.emplace_back("ETag", etag);
    resp.headers.emplace_back("Vary", "Accept-Encoding");
  }
  // The API is readable from any origin, errors included (no credentials:
  // see http/cors.h); pages are locked down (own scripts and styles only,
  // no framing, no referrer). Nothing is ever sniffed.
  if (resp.content_type.starts_with("text/html")) {
    resp.headers.emplace_back("Content-Security-Policy", kPageCsp);
    resp.headers.emplace_back("X-Frame-Options", "DENY");
    resp.headers.emplace_back("Referrer-Policy", "same-origin");
    resp.headers.emplace_back("Permissions-Policy", "geolocation=(self), camera=(), microphone=()");
  } else if (!html) {
    resp.headers.emplace_back("Access-Control-Allow-Origin", "*");
    resp.headers.emplace_back("Access-Control-Expose-Headers", std::string(kCorsExposeHeaders));
  }
  resp.headers.emplace_back("X-Content-Type-Options", "nosniff");
  resp.headers.emplace_back("X-Meridian-Snapshot", d->version());
  resp.headers.emplace_back("X-Request-Id", RequestId(req));
  // Probes and metrics are never cached: each answer is about now.
  const bool now_only =
      route != nullptr && (route->id == RouteId::kHealthz || route->id == RouteId::kReadyz ||
                           route->id == RouteId::kMetrics);
  if (std::none_of(resp.headers.begin(), resp.headers.end(),
                   [](const auto& h) { return h.first == "Cache-Control"; }))
    resp.headers.emplace_back("Cache-Control",
                              (resp.status == 200 || resp.status == 304) && read && !now_only
                                  ? "public, max-age=60"
                                  : "no-store");
  const double seconds = Seconds(std::chrono::steady_clock::now() - t0);
  if (route != nullptr && method_ok) Observe(static_cast<size_t>(route->id), resp.status, seconds);
  LogAccess(req, route, resp, seconds);
  return resp;
}

HttpResponse Service::Respond(const HttpRequest& req, const Route* route, bool method_ok, bool html,
                              const std::vector<std::string>& args, const Dataset& d) {
  const bool fhir = IsFhirPath(req.path);
  if (route == nullptr)
    return ErrorResponse(&d, html, fhir,
                         Status::NotFound(html ? "We could not find that page."
                                               : "no such path; see /api/v1/openapi.json"));
  if (!method_ok) {
    HttpResponse resp = ErrorResponse(
        &d, html, fhir, Status::MethodNotAllowed(req.method + " is not allowed here"));
    resp.headers.emplace_back("Allow", AllowedMethods(FhirOperationPath(req.path)));
    return resp;
  }
  QueryParams params;
  if (Status qs = ParseQueryString(req.query, &params); !qs.ok())
    return ErrorResponse(&d, html, fhir, qs.WithReason("bad_query_string"));
  // Rate-limited routes say what is left (RateLimit-Limit, -Remaining and
  // -Reset, as in the IETF httpapi draft), refused or not.
  RateLimiter::Quota quota;
  const bool allowed =
      !route->expensive || limiter_.Allow(req.client, RateLimiter::Clock::now(), &quota);
  auto counted = [&](HttpResponse r) {
    if (route->expensive) {
      r.headers.emplace_back("RateLimit-Limit", std::to_string(quota.limit));
      r.headers.emplace_back("RateLimit-Remaining", std::to_string(quota.remaining));
      r.headers.emplace_back("RateLimit-Reset", std::to_string(quota.reset_s));
    }
    return r;
  };
  if (!allowed) {
    HttpResponse resp = ErrorResponse(
        &d, html, fhir, Status::ResourceExhausted("too many requests; try again shortly"));
    resp.headers.emplace_back("Retry-After",
                              std::to_string(static_cast<int>(std::ceil(quota.retry_after_s))));
    return counted(std::move(resp));
  }
  if (html) {
    params = PageParameters(*route, std::move(params));
  } else if (route->fhir) {
    // Checked by the FHIR search itself, against the CapabilityStatement's table.
  } else if (const std::string* bad = UnknownParameter(*route, params)) {
    return counted(ApiError(Status::InvalidArgument("unknown parameter " + *bad).WithParam(*bad)));
  } else if (const std::string* twice = RepeatedParameter(*route, params)) {
    return counted(ApiError(Status::InvalidArgument("given more than once").WithParam(*twice)));
  }
  // A JSON route's body must say it is JSON (415 otherwise, with what it takes).
  if (!html && !route->fhir && route->has_body && !IsJson(req.Header("content-type"))) {
    HttpResponse resp = ApiError(
        Status::UnsupportedMediaType("the body must be JSON (Content-Type: application/json)")
            .WithParam("Content-Type"));
    resp.headers.emplace_back("Accept-Post", "application/json");
    return counted(std::move(resp));
  }
  // Forms that change something must come from this site (the console's
  // forms also carry a CSRF token).
  // One-click unsubscribe (RFC 8058) comes from mail clients, not this
  // site; its signed token is what protects it.
  if (html && req.method == "POST" && route->id != RouteId::kPageGuideResult &&
      route->id != RouteId::kDigestUnsubscribe && !SameOrigin(req))
    return ErrorResponse(&d, html, fhir,
                         Status::PermissionDenied("This form must be sent from this site."));
  if (options_.before_dispatch) options_.before_dispatch(req);
  return counted(Dispatch(*route, args, params, req, d));
}

HttpResponse Service::Dispatch(const Route& route, const std::vector<std::string>& args,
                               const QueryParams& params, const HttpRequest& req,
                               const Dataset& d) {
  switch (route.id) {
    case RouteId::kHealthz:
      return HttpResponse{200, "application/json", "{\"status\":\"ok\"}", {}};
    case RouteId::kReadyz: {
      JsonWriter w;
      if (draining_.load())
        return HttpResponse{503, "application/json", "{\"status\":\"draining\"}", {}};
      w.BeginObject().Field("status", "ready").Key("records").Uint(d.snap->size());
      w.Key("synthetic").Bool(d.snap->synthetic());
      w.Field("snapshot", d.version());
      if (options_.follower != nullptr) {
        // Still ready when a fetch fails: the current snapshot keeps serving.
        const fleet::FollowState f = options_.follower->state();
        w.Key("follow").BeginObject();
        w.Optional("serving", f.serving).Optional("wanted", f.wanted).Optional("staged", f.staged);
        w.Field("state", f.last_error.empty() ? "current" : "behind");
        w.Optional("last_error", f.last_error);
        w.Key("last_check_unix").Int(f.last_check_unix);
        w.Key("last_success_unix").Int(f.last_success_unix);
        w.EndObject();
      }
      w.EndObject();
      return HttpResponse{200, "application/json", w.str(), {}};
    }
    case RouteId::kMetrics:
      return HttpResponse{200, "text/plain; version=0.0.4", MetricsText(), {}};
    case RouteId::kSearch:
      return HandleSearch(d, params, SearchCorrections(d).get());
    case RouteId::kProvider:
      return HandleProvider(d, args[0], CorrectionsFor(args[0]));
    case RouteId::kOrganizationProviders:
      return HandleOrganizationProviders(d, args[0]);
    case RouteId::kTaxonomies:
      return HandleTaxonomies();
    case RouteId::kModalities:
      return HandleModalities(d);
    case RouteId::kPlaces:
      return params.empty() ? ApiError(Status::InvalidArgument("q is required").WithParam("q"))
                            : HandlePlaces(d, params);
    case RouteId::kStateRules:
      return HandleStateRules(d, args[0]);
    case RouteId::kCredentials:
      return HandleCredentials(d);
    case RouteId::kGuide:
      return HandleGuide(d);
    case RouteId::kGuideAnswers:
      return HandleGuideAnswers(d, req.body);
    case RouteId::kOpenApi:
      return HttpResponse{
          200, "application/json", OpenApiJson(), {{"Cache-Control", "public, max-age=3600"}}};
    case RouteId::kAdminReload:
      return AdminReload(req);
    case RouteId::kPageHome:
      return PageHome(d, params, digest_->on());
    case RouteId::kPageSearch:
      return PageSearch(d, params, SearchCorrections(d).get());
    case RouteId::kPageProvider:
      return PageProvider(d, args[0], store_ != nullptr, CorrectionsFor(args[0]));
    case RouteId::kPageOrganization:
      return PageOrganization(d, args[0]);
    case RouteId::kPageGuide:
      return PageGuide(d);
    case RouteId::kPageGuideResult:
      return PageGuideResult(d, req.body);
    case RouteId::kPageAbout:
      return PageAbout(d);
    case RouteId::kPageReport:
      return PageReport(d, req.body, store_.get());
    case RouteId::kArticles:
      return ApiArticles(d, params);
    case RouteId::kArticle:
      return ApiArticle(d, args[0]);
    case RouteId::kPageArticles:
      return PageArticles(d, params);
    case RouteId::kPageArticle:
      return PageArticle(d, args[0], BaseUrl(req), digest_->on());
    case RouteId::kPageAuthor:
      return PageAuthor(d, args[0]);
    case RouteId::kFeedAtom:
      return FeedAtom(d, "", BaseUrl(req));
    case RouteId::kAuthorFeed:
      return FeedAtom(d, args[0], BaseUrl(req));
    case RouteId::kFeedJson:
      return FeedJson(d, BaseUrl(req));
    case RouteId::kAuthorPhoto:
      return AuthorPhoto(d, args[0]);
    case RouteId::kSitemap:
      return SitemapIndex(d, BaseUrl(req));
    case RouteId::kSitemapFile:
      return SitemapFile(d, args[0], BaseUrl(req));
    case RouteId::kStatic:
      return StaticFile(args[0]);
    case RouteId::kPageDigest:
    case RouteId::kPageDigestSignup:
    case RouteId::kPageDigestConfirm:
    case RouteId::kPageDigestConfirmPost:
    case RouteId::kPageDigestManage:
    case RouteId::kPageDigestManagePost:
    case RouteId::kPageDigestExport:
    case RouteId::kPageDigestUnsubscribe:
    case RouteId::kDigestUnsubscribe:
      return digest_->Handle(route.id, params, req, d);
    case RouteId::kApiAdminReports:
    case RouteId::kApiAdminReport:
    case RouteId::kApiAdminCorrections:
    case RouteId::kApiAdminCorrect:
    case RouteId::kAdminHome:
    case RouteId::kAdminLoginPage:
    case RouteId::kAdminLogin:
    case RouteId::kAdminLogout:
    case RouteId::kAdminSetPasswordPage:
    case RouteId::kAdminSetPassword:
    case RouteId::kAdminReportPage:
    case RouteId::kAdminReport:
    case RouteId::kAdminCorrectPage:
    case RouteId::kAdminCorrect:
    case RouteId::kAdminCorrections:
    case RouteId::kAdminAudit:
    case RouteId::kAdminDigest:
      return console_->Handle(route.id, args, params, req, d);
    case RouteId::kFhirExport: {
      // The job keeps the snapshot it reads alive, whatever reloads meanwhile.
      std::shared_ptr<const Dataset> owner = data();
      std::shared_ptr<const Snapshot> snap(owner, owner->snap.get());
      const std::string base = BaseUrl(req) + "/fhir";
      return FromFhir(bulk_->Start(std::move(snap), params, std::string(req.Header("prefer")),
                                   std::string(req.Header("accept")), base,
                                   base + "/$export" + (req.query.empty() ? "" : "?" + req.query)));
    }
    case RouteId::kFhirExportStatus:
      return FromFhir(bulk_->Status(args[0], BaseUrl(req) + "/fhir"));
    case RouteId::kFhirExportCancel:
      return FromFhir(bulk_->Cancel(args[0]));
    case RouteId::kFhirExportFile:
      return FromFhir(bulk_->File(args[0], args[1]));
    case RouteId::kFhirMetadata:
    case RouteId::kFhirSearch:
    case RouteId::kFhirSearchPost:
    case RouteId::kFhirRead:
      return Fhir(route, args, params, req, d);
    case RouteId::kCount:
      break;
  }
  return ApiError(Status::Internal("route without a handler"));
}

HttpResponse Service::Fhir(const Route& route, const std::vector<std::string>& args,
                           const QueryParams& params, const HttpRequest& req, const Dataset& d) {
  fhir::Request f;
  f.method = req.method == "HEAD" ? "GET" : req.method;  // HEAD: GET without the body
  f.path = args;
  if (route.id == RouteId::kFhirMetadata) f.path = {"metadata"};
  if (route.id == RouteId::kFhirSearchPost) f.path.push_back("_search");
  f.params = params;
  if (route.id == RouteId::kFhirSearchPost) {
    // The parameters may come in the body too (application/x-www-form-urlencoded).
    const std::string_view type = req.Header("content-type");
    if (!req.body.empty() && !type.starts_with("application/x-www-form-urlencoded"))
      return FromFhir(fhir::Outcome(Status::InvalidArgument(
          "a POST _search body must be application/x-www-form-urlencoded")));
    QueryParams body;
    if (Status s = ParseQueryString(req.body, &body); !s.ok()) return FromFhir(fhir::Outcome(s));
    f.params.insert(f.params.end(), body.begin(), body.end());
  }
  f.accept = std::string(req.Header("accept"));
  f.base_url = BaseUrl(req) + "/fhir";
  // The editors' corrections, shown next to NPPES's values (as the JSON API does).
  f.corrections = [fixes = SearchCorrections(d)](uint32_t npi) {
    auto it = fixes->find(npi);
    return it == fixes->end() ? fhir::Corrections{} : it->second;
  };
  return FromFhir(fhir::Handle(*d.index, f));
}

std::string Service::BaseUrl(const HttpRequest& req) const {
  if (!options_.public_url.empty()) return options_.public_url;
  // The Host header only when it is a plain host[:port]: it ends up in links.
  const std::string host(req.Header("host"));
  const bool plain = !host.empty() && host.size() < 256 &&
                     host.find_first_not_of(
                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "0123456789.-:[]") == std::string::npos;
  return "http://" + (plain ? host : std::string("localhost"));
}

HttpResponse Service::AdminReload(const HttpRequest& req) {
  if (options_.admin_token.empty())
    return ApiError(Status::NotFound("reloading over HTTP is off (no admin token set)"));
  if (req.Header("authorization") != "Bearer " + options_.admin_token)
    return ApiError(Status::Unauthenticated("a valid admin token is required"));
  Status s = Reload();
  if (s.ok()) return HttpResponse{200, "application/json", "{\"reloaded\":true}", {}};
  // A snapshot that fails to load is the operator's to fix (422), not ours.
  Status failed = s.WithMessage(s.message() + "; the previous snapshot keeps serving")
                      .WithReason("reload_failed");
  return ApiError(s.HttpStatus() == 500 ? failed.WithCode(StatusCode::kFailedPrecondition)
                                        : failed);
}

HttpResponse Service::Threw(const Route* route, bool html, const Dataset* d,
                            const char* what_type) {
  handler_exceptions_.fetch_add(1, std::memory_order_relaxed);
  if (options_.error_log != nullptr) {
    // The route and the exception's type only: never the request's text.
    const std::string line = "meridian: a handler threw " + TypeName(what_type) + " on route " +
                             (route ? route->name : "unmatched") + "; answered 500\n";
    std::lock_guard<std::mutex> lock(log_mu_);
    std::fputs(line.c_str(), options_.error_log);
    std::fflush(options_.error_log);
  }
  return ErrorResponse(d, html, route != nullptr && route->fhir,
                       Status::Internal(html ? "Something went wrong on our side. Please try "
                                               "again in a moment."
                                             : "internal error; it was logged"));
}

}  // namespace meridian
