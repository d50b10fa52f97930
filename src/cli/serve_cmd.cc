// meridian serve: the HTTP server over a snapshot.
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "fleet/follower.h"
#include "http/server.h"
#include "http/service.h"
#include "util/ascii.h"
#include "util/scope_exit.h"

namespace meridian::cli {

namespace {

// "ADDRESS:PORT" (the last colon splits them), port 0..65535.
bool SplitListen(const std::string& text, std::string* address, uint16_t* port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  int p = -1;
  auto r = std::from_chars(text.data() + colon + 1, text.data() + text.size(), p);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || p < 0 || p > 65535) return false;
  *address = text.substr(0, colon);
  *port = static_cast<uint16_t>(p);
  return true;
}

}  // namespace

int Commands::Serve() {
  ServerOptions so;
  if (!SplitListen(listen_, &so.address, &so.port))
    return Usage("--listen takes ADDRESS:PORT (port 0 to 65535), e.g. 127.0.0.1:8080; got \"" +
                 listen_ + "\"");
  ServerOptions mo;  // --metrics-listen
  if (!metrics_listen_.empty() && !SplitListen(metrics_listen_, &mo.address, &mo.port))
    return Usage("--metrics-listen takes ADDRESS:PORT, e.g. 10.0.0.5:9090; got \"" +
                 metrics_listen_ + "\"");
  so.threads = serve_threads_;
  so.read_timeout = std::chrono::milliseconds(read_timeout_ms_);
  so.idle_timeout = std::chrono::milliseconds(idle_timeout_ms_);
  so.stop_grace = std::chrono::milliseconds(stop_grace_ms_);
  for (const std::string& t : trusted_proxies_) {
    auto cidr = ParseCidr(t);
    if (!cidr.ok()) return Usage(cidr.status().message());
    so.client_rules.trusted.push_back(*cidr);
  }
  so.client_rules.header = AsciiLower(forwarded_header_);
  so.max_connections = max_connections_;
  if (!publish_dir_.empty() && !std::filesystem::is_directory(publish_dir_))
    return Usage("--publish-dir: " + publish_dir_ + " is not a directory");
  so.publish_dir = publish_dir_;
  ServiceOptions opts;
  opts.snapshot = snapshot_;
  opts.content_dir = content_dir_;
  opts.public_url = public_url_;
  opts.rate_per_second = rate_, opts.rate_burst = burst_;
  opts.search_budget = search_budget_;
  opts.store = StoreUrl();
  opts.smtp_url = smtp_, opts.smtp_credentials = smtp_credentials_, opts.mail_dir = mail_dir_;
  opts.digest_schedule = digest_schedule_;
  opts.mail_base_url = !public_url_.empty() ? public_url_ : "http://" + listen_;
  if (const char* t = std::getenv("MERIDIAN_ADMIN_TOKEN")) opts.admin_token = t;
  std::FILE* log = nullptr;
  if (access_log_ == "-") {
    opts.access_log = stderr;
  } else if (!access_log_.empty()) {
    log = std::fopen(access_log_.c_str(), "a");
    if (log == nullptr) return Fail(Status::IoError("cannot open " + access_log_));
    opts.access_log = log;
  }
  // --follow: the store's active snapshot first (fetched and checked), then
  // a thread that keeps up with the manifest.
  std::unique_ptr<store::Store> follow_store;
  std::unique_ptr<fleet::Follower> follower;
  if (follow_) {
    if (follow_from_.empty())
      return Usage("--follow needs --follow-from (a base URL or a directory of published files)");
    auto st = OpenMigratedStore();
    if (!st.ok()) return Fail(st.status());
    follow_store = std::move(st).value();
    fleet::FollowOptions fo;
    fo.from = follow_from_;
    fo.dir = follow_dir_.empty() ? "snapshots-follow" : follow_dir_;
    fo.interval = std::chrono::milliseconds(static_cast<int64_t>(follow_interval_s_ * 1000));
    follower = std::make_unique<fleet::Follower>(follow_store.get(), fo);
    std::string first;
    follower->set_activate([&first](const std::string& path) -> Status {
      auto snap = Snapshot::Open(path);  // checksums; the service checks the rest
      if (!snap.ok()) return snap.status();
      first = path;
      return Status::OK();
    });
    if (Status s = follower->PollOnce(); !s.ok()) {
      if (snapshot_.empty()) return Fail(Status::Unavailable("--follow: " + s.message()));
      std::fprintf(stderr, "meridian: --follow: %s; serving %s until it resolves\n",
                   s.message().c_str(), snapshot_.c_str());
    } else {
      opts.snapshot = first;
    }
    opts.follower = follower.get();
  }
  if (opts.snapshot.empty())
    return Usage("serve needs --snapshot, or --follow with a snapshot published in the store");
  auto service = Service::Create(opts);
  if (!service.ok()) return Fail(service.status());
  if (follower != nullptr) {
    Service* svc = service->get();
    follower->set_activate([svc](const std::string& path) { return svc->LoadSnapshot(path); });
    follower->Start();
  }
  // The follower swaps into the service: it stops first, however this ends.
  ScopeExit stop_follower([&follower] {
    if (follower != nullptr) follower->Stop();
  });
  if (!metrics_listen_.empty()) so.paths = ServerOptions::Paths::kAllButMetrics;
  Server server(service->get(), so);
  Status s = server.Start();
  if (!s.ok()) return Fail(s);
  // The metrics listener: its own port, one thread, no signals; it stops
  // when the main one does.
  std::unique_ptr<Server> metrics;
  std::thread metrics_thread;
  if (!metrics_listen_.empty()) {
    mo.threads = 1;
    mo.max_connections = 64;
    mo.paths = ServerOptions::Paths::kMetricsOnly;
    mo.handle_signals = false;
    mo.client_rules = so.client_rules;
    metrics = std::make_unique<Server>(service->get(), mo);
    if (Status ms = metrics->Start(); !ms.ok())
      return Fail(ms.WithMessage("--metrics-listen " + metrics_listen_ + ": " + ms.message()));
    metrics_thread = std::thread([&metrics] { metrics->Run(); });
    std::fprintf(stderr, "meridian: metrics on http://%s:%u/metrics\n", mo.address.c_str(),
                 metrics->port());
  }
  ScopeExit stop_metrics([&] {
    if (metrics != nullptr) {
      metrics->Stop();
      metrics_thread.join();
    }
  });
  {
    // Scoped: a copy held past this line would keep the first snapshot (and
    // its index) in memory after every reload.
    const auto data = (*service)->data();
    std::fprintf(stderr,
                 "meridian: serving %zu providers%s on http://%s:%u (SIGHUP reloads, SIGTERM "
                 "stops)\n",
                 data->snap->size(), data->snap->synthetic() ? " (SYNTHETIC sample data)" : "",
                 so.address.c_str(), server.port());
  }
  std::fflush(stderr);
  server.Run();
  std::fprintf(stderr, "meridian: stopped\n");
  if (log != nullptr) std::fclose(log);
  return kExitOk;
}

}  // namespace meridian::cli
