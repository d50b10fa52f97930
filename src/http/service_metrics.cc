// Service: what an operator reads about it: /metrics (Prometheus text) and
// the access log.
#include <cinttypes>

#include "http/routes.h"
#include "http/service.h"

namespace meridian {

void Service::Observe(size_t route, int status, double seconds) {
  RouteStats& s = stats_[route];
  s.by_class[std::clamp(status / 100, 0, 5)].fetch_add(1, std::memory_order_relaxed);
  size_t b = 0;
  while (b < kLatencyBuckets && seconds > kBucketSeconds[b]) ++b;
  s.buckets[b].fetch_add(1, std::memory_order_relaxed);
  s.sum_us.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Service::LogAccess(const HttpRequest& req, const Route* route, const HttpResponse& resp,
                        double seconds) {
  if (options_.access_log == nullptr) return;
  // No query text, no client address: only what the operator needs.
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  // The request id (X-Request-Id, set by Handle) holds only [A-Za-z0-9._:-].
  std::string_view id;
  for (const auto& [k, v] : resp.headers)
    if (k == "X-Request-Id") id = v;
  char line[512];
  std::snprintf(line, sizeof line,
                "{\"ts_ms\":%lld,\"method\":\"%s\",\"route\":\"%s\",\"status\":%d,\"bytes\":%zu,"
                "\"us\":%.0f,\"request_id\":\"%.*s\"}\n",
                static_cast<long long>(now),
                req.method == "POST"      ? "POST"
                : req.method == "GET"     ? "GET"
                : req.method == "HEAD"    ? "HEAD"
                : req.method == "OPTIONS" ? "OPTIONS"
                : req.method == "DELETE"  ? "DELETE"
                                          : "OTHER",
                route ? route->name.c_str() : "unmatched", resp.status, resp.body.size(),
                seconds * 1e6, static_cast<int>(id.size()), id.data());
  std::lock_guard<std::mutex> lock(log_mu_);
  std::fputs(line, options_.access_log);
  std::fflush(options_.access_log);
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
  if (d != nullptr) {
    out += "# HELP meridian_snapshot_info The snapshot this server serves (value 1).\n";
    out += "# TYPE meridian_snapshot_info gauge\n";
    out += "meridian_snapshot_info{version=\"" + d->version() + "\"} 1\n";
  }
  if (options_.follower != nullptr) {
    const fleet::FollowState f = options_.follower->state();
    out += "# HELP meridian_follow_checks_total Manifest checks by the follower, by result.\n";
    out += "# TYPE meridian_follow_checks_total counter\n";
    std::snprintf(buf, sizeof buf, "meridian_follow_checks_total{result=\"ok\"} %" PRIu64 "\n",
                  f.checks - f.failures);
    out += buf;
    std::snprintf(buf, sizeof buf, "meridian_follow_checks_total{result=\"failed\"} %" PRIu64 "\n",
                  f.failures);
    out += buf;
    out += "# HELP meridian_follow_swaps_total Snapshots the follower swapped in.\n";
    out += "# TYPE meridian_follow_swaps_total counter\n";
    std::snprintf(buf, sizeof buf, "meridian_follow_swaps_total %" PRIu64 "\n", f.swaps);
    out += buf;
    out += "# HELP meridian_follow_notified_total Checks woken early by the store's NOTIFY.\n";
    out += "# TYPE meridian_follow_notified_total counter\n";
    std::snprintf(buf, sizeof buf, "meridian_follow_notified_total %" PRIu64 "\n", f.notified);
    out += buf;
    out += "# HELP meridian_follow_refused_total Fetched snapshots refused by their checks.\n";
    out += "# TYPE meridian_follow_refused_total counter\n";
    std::snprintf(buf, sizeof buf, "meridian_follow_refused_total %" PRIu64 "\n", f.refused);
    out += buf;
    out +=
        "# HELP meridian_follow_behind 1 when the last check failed (serving an older "
        "snapshot or none newer).\n";
    out += "# TYPE meridian_follow_behind gauge\n";
    out += std::string("meridian_follow_behind ") + (f.last_error.empty() ? "0" : "1") + "\n";
  }
  out += "# HELP meridian_handler_exceptions_total Requests whose handler threw (answered 500).\n";
  out += "# TYPE meridian_handler_exceptions_total counter\n";
  std::snprintf(buf, sizeof buf, "meridian_handler_exceptions_total %" PRIu64 "\n",
                handler_exceptions_.load());
  out += buf;
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
