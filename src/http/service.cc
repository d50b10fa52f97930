#include "http/service.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>

#include "http/api.h"
#include "http/pages.h"
#include "http/query_string.h"
#include "http/routes.h"
#include "util/json.h"

namespace meridian {

namespace {

constexpr size_t kMaxRateClients = 100000;  // beyond this the table starts afresh
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

// The first query parameter `route` does not take, or nullptr. Search
// parameters are checked by ParseQuery itself.
const std::string* UnknownParameter(const Route& route, const QueryParams& params) {
  if (route.id == RouteId::kSearch) return nullptr;
  for (const auto& p : params)
    if (std::none_of(route.params.begin(), route.params.end(),
                     [&](const RouteParam& rp) { return rp.in == "query" && rp.name == p.first; }))
      return &p.first;
  return nullptr;
}

}  // namespace

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

Result<std::unique_ptr<Dataset>> Dataset::Load(const std::string& path) {
  auto d = std::make_unique<Dataset>();
  d->path = path;
  auto snap = Snapshot::Open(path);  // checks every section's checksum
  if (!snap.ok()) return snap.status();
  d->snap = std::move(snap).value();
  auto kb = KnowledgeBase::LoadEmbedded();
  if (!kb.ok()) return kb.status();
  d->knowledge = std::move(kb).value();
  auto guide = Guide::LoadEmbedded(d->knowledge);
  if (!guide.ok()) return guide.status();
  d->guide = std::make_unique<Guide>(std::move(guide).value());
  d->index = SearchIndex::Build(*d->snap, ModalityMap::Embedded(), &d->knowledge);
  d->loaded_at = std::chrono::system_clock::now();
  return d;
}

Result<std::unique_ptr<Service>> Service::Create(const ServiceOptions& options) {
  std::unique_ptr<Service> s(new Service(options));
  s->stats_ = std::make_unique<RouteStats[]>(static_cast<size_t>(RouteId::kCount));
  auto d = Dataset::Load(options.snapshot);
  if (!d.ok()) return d.status();
  s->data_ = std::shared_ptr<const Dataset>(std::move(d).value());
  if (!options.reports.empty()) {
    auto store = ReportStore::Open(options.reports);
    if (!store.ok()) return store.status();
    s->reports_ = std::move(store).value();
  }
  return s;
}

std::shared_ptr<const Dataset> Service::data() const {
  std::lock_guard<std::mutex> lock(data_mu_);
  return data_;
}

Status Service::Reload() {
  std::lock_guard<std::mutex> one_at_a_time(reload_mu_);
  auto d = Dataset::Load(options_.snapshot);
  if (!d.ok()) {
    ++reloads_failed_;
    return d.status();
  }
  std::shared_ptr<const Dataset> fresh(std::move(d).value());
  {
    std::lock_guard<std::mutex> lock(data_mu_);
    data_.swap(fresh);
  }
  ++reloads_ok_;
  return Status::OK();  // `fresh` (the old data) goes when its last request ends
}

bool Service::Allow(const std::string& client, double* retry_after_s) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(rate_mu_);
  if (buckets_.size() >= kMaxRateClients && !buckets_.count(client)) buckets_.clear();
  auto [it, fresh] = buckets_.try_emplace(client, Bucket{options_.rate_burst, now});
  Bucket& b = it->second;
  if (!fresh) {
    b.tokens =
        std::min(options_.rate_burst, b.tokens + Seconds(now - b.at) * options_.rate_per_second);
    b.at = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return true;
  }
  *retry_after_s = (1 - b.tokens) / options_.rate_per_second;
  return false;
}

void Service::Observe(size_t route, int status, double seconds) {
  RouteStats& s = stats_[route];
  s.by_class[std::clamp(status / 100, 0, 5)].fetch_add(1, std::memory_order_relaxed);
  size_t b = 0;
  while (b < kLatencyBuckets && seconds > kBucketSeconds[b]) ++b;
  s.buckets[b].fetch_add(1, std::memory_order_relaxed);
  s.sum_us.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

HttpResponse Service::Handle(const HttpRequest& req) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> args;
  bool method_ok = false;
  const Route* route = MatchRoute(req.method, req.path, &args, &method_ok);
  HttpResponse resp;
  size_t stat_slot = static_cast<size_t>(RouteId::kCount);  // none: unmatched
  std::shared_ptr<const Dataset> d = data();
  // Errors as JSON for the API, as a page for the web pages.
  const bool html = route != nullptr ? route->html : !req.path.starts_with("/api/");
  auto error = [&](int status, const char* code, const std::string& message,
                   const std::string& param = "") {
    return html
               ? PageMessage(d.get(), status, status == 429 ? "Please slow down" : "Sorry", message)
               : ApiError(status, code, message, param);
  };
  if (route == nullptr) {
    resp = error(404, "not_found",
                 html ? "We could not find that page." : "no such path; see /api/v1/openapi.json");
  } else if (!method_ok) {
    resp = error(405, "method_not_allowed", req.method + " is not allowed here");
    resp.headers.emplace_back("Allow", route->method);
  } else {
    stat_slot = static_cast<size_t>(route->id);
    QueryParams params;
    Status qs = ParseQueryString(req.query, &params);
    double retry = 0;
    if (!qs.ok()) {
      resp = error(400, "bad_query_string", qs.message());
    } else if (route->expensive && !Allow(req.client, &retry)) {
      resp = error(429, "rate_limited", "too many requests; try again shortly");
      resp.headers.emplace_back("Retry-After", std::to_string(static_cast<int>(std::ceil(retry))));
    } else if (const std::string* bad = UnknownParameter(*route, params)) {
      resp = error(400, "bad_parameter", "unknown parameter " + *bad, *bad);
    } else if (route->id == RouteId::kPageReport && !SameOrigin(req)) {
      resp = error(403, "forbidden", "This form must be sent from this site.");
    } else {
      switch (route->id) {
        case RouteId::kHealthz:
          resp.body = "{\"status\":\"ok\"}";
          break;
        case RouteId::kReadyz:
          if (d == nullptr) {
            resp = ApiError(503, "not_ready", "no snapshot loaded");
          } else {
            JsonWriter w;
            w.BeginObject().Field("status", "ready").Key("records").Uint(d->snap->size());
            w.Key("synthetic").Bool(d->snap->synthetic()).EndObject();
            resp.body = w.str();
          }
          break;
        case RouteId::kMetrics:
          resp.content_type = "text/plain; version=0.0.4";
          resp.body = MetricsText();
          break;
        case RouteId::kSearch:
          resp = HandleSearch(*d, params);
          break;
        case RouteId::kProvider:
          resp = HandleProvider(*d, args[0], req);
          break;
        case RouteId::kOrganizationProviders:
          resp = HandleOrganizationProviders(*d, args[0]);
          break;
        case RouteId::kTaxonomies:
          resp = HandleTaxonomies();
          break;
        case RouteId::kModalities:
          resp = HandleModalities(*d);
          break;
        case RouteId::kPlaces:
          resp = params.empty() ? ApiError(400, "bad_parameter", "q is required", "q")
                                : HandlePlaces(*d, params);
          break;
        case RouteId::kStateRules:
          resp = HandleStateRules(*d, args[0]);
          break;
        case RouteId::kCredentials:
          resp = HandleCredentials(*d);
          break;
        case RouteId::kGuide:
          resp = HandleGuide(*d);
          break;
        case RouteId::kGuideAnswers:
          resp = HandleGuideAnswers(*d, req.body);
          break;
        case RouteId::kOpenApi:
          resp.body = OpenApiJson();
          resp.headers.emplace_back("Cache-Control", "public, max-age=3600");
          break;
        case RouteId::kAdminReload: {
          const std::string want = "Bearer " + options_.admin_token;
          if (options_.admin_token.empty()) {
            resp = ApiError(404, "not_found", "reloading over HTTP is off (no admin token set)");
          } else if (req.Header("authorization") != want) {
            resp = ApiError(401, "unauthorized", "a valid admin token is required");
          } else {
            Status s = Reload();
            resp = s.ok() ? HttpResponse{200, "application/json", "{\"reloaded\":true}", {}}
                          : ApiError(s.HttpStatus() == 500 ? 422 : s.HttpStatus(), "reload_failed",
                                     s.message() + "; the previous snapshot keeps serving");
          }
          break;
        }
        case RouteId::kPageHome:
          resp = PageHome(*d, params);
          break;
        case RouteId::kPageSearch:
          resp = PageSearch(*d, params);
          break;
        case RouteId::kPageProvider:
          resp = PageProvider(*d, args[0], reports_ != nullptr);
          break;
        case RouteId::kPageOrganization:
          resp = PageOrganization(*d, args[0]);
          break;
        case RouteId::kPageGuide:
          resp = PageGuide(*d);
          break;
        case RouteId::kPageGuideResult:
          resp = PageGuideResult(*d, req.body);
          break;
        case RouteId::kPageAbout:
          resp = PageAbout(*d);
          break;
        case RouteId::kPageReport:
          resp = PageReport(*d, req.body, reports_.get());
          break;
        case RouteId::kStatic:
          resp = StaticFile(args[0]);
          break;
        case RouteId::kCount:
          break;
      }
    }
  }
  // API responses are readable from any origin for GET; pages are locked
  // down (own scripts and styles only, no framing, no referrer). Nothing is
  // ever sniffed.
  if (resp.content_type.starts_with("text/html")) {
    resp.headers.emplace_back("Content-Security-Policy", kPageCsp);
    resp.headers.emplace_back("X-Frame-Options", "DENY");
    resp.headers.emplace_back("Referrer-Policy", "same-origin");
    resp.headers.emplace_back("Permissions-Policy", "geolocation=(self), camera=(), microphone=()");
  } else if (req.method == "GET" && !html) {
    resp.headers.emplace_back("Access-Control-Allow-Origin", "*");
  }
  resp.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (std::none_of(resp.headers.begin(), resp.headers.end(),
                   [](const auto& h) { return h.first == "Cache-Control"; }))
    resp.headers.emplace_back("Cache-Control", resp.status == 200 && req.method == "GET"
                                                   ? "public, max-age=60"
                                                   : "no-store");
  const double seconds = Seconds(std::chrono::steady_clock::now() - t0);
  if (stat_slot < static_cast<size_t>(RouteId::kCount)) Observe(stat_slot, resp.status, seconds);
  if (options_.access_log != nullptr) {
    // No query text, no client address: only what the operator needs.
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    char line[256];
    std::snprintf(line, sizeof line,
                  "{\"ts_ms\":%lld,\"method\":\"%s\",\"route\":\"%s\",\"status\":%d,\"bytes\":%zu,"
                  "\"us\":%.0f}\n",
                  static_cast<long long>(now),
                  req.method == "POST"  ? "POST"
                  : req.method == "GET" ? "GET"
                                        : "OTHER",
                  route ? route->name.c_str() : "unmatched", resp.status, resp.body.size(),
                  seconds * 1e6);
    std::lock_guard<std::mutex> lock(log_mu_);
    std::fputs(line, options_.access_log);
    std::fflush(options_.access_log);
  }
  return resp;
}

std::string Service::MetricsText() const {
  std::string out;
  char buf[256];
  out += "# HELP meridian_requests_total Requests answered, by route and status class.\n";
  out += "# TYPE meridian_requests_total counter\n";
  for (const Route& r : Routes()) {
    const RouteStats& s = stats_[static_cast<size_t>(r.id)];
    for (int c = 1; c <= 5; ++c) {
      std::snprintf(buf, sizeof buf,
                    "meridian_requests_total{route=\"%s\",code=\"%dxx\"} %" PRIu64 "\n",
                    r.name.c_str(), c, s.by_class[c].load());
      out += buf;
    }
  }
  out += "# HELP meridian_request_seconds Time to answer a request, by route.\n";
  out += "# TYPE meridian_request_seconds histogram\n";
  for (const Route& r : Routes()) {
    const RouteStats& s = stats_[static_cast<size_t>(r.id)];
    uint64_t cum = 0;
    for (size_t b = 0; b <= kLatencyBuckets; ++b) {
      cum += s.buckets[b].load();
      if (b < kLatencyBuckets)
        std::snprintf(buf, sizeof buf,
                      "meridian_request_seconds_bucket{route=\"%s\",le=\"%g\"} %" PRIu64 "\n",
                      r.name.c_str(), kBucketSeconds[b], cum);
      else
        std::snprintf(buf, sizeof buf,
                      "meridian_request_seconds_bucket{route=\"%s\",le=\"+Inf\"} %" PRIu64 "\n",
                      r.name.c_str(), cum);
      out += buf;
    }
    std::snprintf(buf, sizeof buf, "meridian_request_seconds_sum{route=\"%s\"} %.6f\n",
                  r.name.c_str(), s.sum_us.load() / 1e6);
    out += buf;
    std::snprintf(buf, sizeof buf, "meridian_request_seconds_count{route=\"%s\"} %" PRIu64 "\n",
                  r.name.c_str(), cum);
    out += buf;
  }
  std::shared_ptr<const Dataset> d = data();
  if (d != nullptr) {
    const double age =
        std::chrono::duration<double>(
            std::chrono::system_clock::now() -
            std::chrono::system_clock::from_time_t(static_cast<time_t>(d->snap->created_unix())))
            .count();
    out += "# HELP meridian_snapshot_age_seconds Time since the serving snapshot was built.\n";
    out += "# TYPE meridian_snapshot_age_seconds gauge\n";
    std::snprintf(buf, sizeof buf, "meridian_snapshot_age_seconds %.0f\n", age);
    out += buf;
    out += "# HELP meridian_snapshot_records Providers in the serving snapshot.\n";
    out += "# TYPE meridian_snapshot_records gauge\n";
    std::snprintf(buf, sizeof buf, "meridian_snapshot_records %zu\n", d->snap->size());
    out += buf;
  }
  out += "# HELP meridian_reloads_total Snapshot reloads, by result.\n";
  out += "# TYPE meridian_reloads_total counter\n";
  std::snprintf(buf, sizeof buf, "meridian_reloads_total{result=\"ok\"} %" PRIu64 "\n",
                reloads_ok_.load());
  out += buf;
  std::snprintf(buf, sizeof buf, "meridian_reloads_total{result=\"failed\"} %" PRIu64 "\n",
                reloads_failed_.load());
  out += buf;
  return out;
}

}  // namespace meridian
