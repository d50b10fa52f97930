// Service: Meridian's HTTP API as a function from request to response, with
// no sockets in it (server.h puts it on the network; tests call it directly
// too). It owns the loaded data and swaps it on reload, counts requests for
// /metrics, limits expensive routes per client, and writes the access log.
//
// Routes and their parameters are one table (routes.h) that dispatch, the
// OpenAPI document and its test all read.
//
// Thread safety: Handle() and Reload() may be called from any number of
// threads at once. A request holds a shared_ptr to the Dataset it started
// with, so a reload never changes data under a request in flight.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "content/content.h"
#include "digest/compose.h"
#include "fleet/follower.h"
#include "http/correction_cache.h"
#include "http/rate_limiter.h"
#include "http/routes.h"
#include "index/search_index.h"
#include "knowledge/guide.h"
#include "knowledge/knowledge_base.h"
#include "query/executor.h"
#include "query/query.h"
#include "snapshot/snapshot.h"
#include "store/store.h"
#include "util/status.h"

namespace meridian {

class AdminConsole;
class DigestPages;
namespace digest {
class Scheduler;
}
namespace fhir {
class BulkExports;
}

struct HttpRequest {
  std::string method;  // "GET"
  std::string path;    // "/api/v1/search" (not decoded)
  std::string query;   // "near=53703&radius=10mi" (not decoded)
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string client;  // the peer's address, for rate limits only (never logged)
  std::string_view Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Everything a request reads, loaded together and never changed after.
// Members are declared in dependency order (the index and guide point into
// the snapshot and knowledge).
struct Dataset {
  std::string path;
  std::unique_ptr<Snapshot> snap;
  KnowledgeBase knowledge;
  std::unique_ptr<SearchIndex> index;
  std::unique_ptr<Guide> guide;
  // Articles and authors (content/content.h); reloaded with the snapshot.
  std::shared_ptr<const content::ContentLibrary> content;
  std::chrono::system_clock::time_point loaded_at;
  std::string location_key;  // LocationKey() of the corrections the index was built with
  // The bound on each search's work (ServiceOptions::search_budget).
  ExecuteOptions search;

  // `corrections` (may be null): where the editors' corrections put
  // listings, laid over the index (OverridesFor).
  // `content_dir`: the articles' directory ("" = the content shipped in the
  // repository); content with errors fails the load.
  static Result<std::unique_ptr<Dataset>> Load(const std::string& path,
                                               const CorrectionMap* corrections = nullptr,
                                               const std::string& content_dir = "");
  // What /readyz, /metrics and the X-Meridian-Snapshot header call this
  // snapshot: its file name (content-addressed when published).
  std::string version() const;
};

struct ServiceOptions {
  std::string snapshot;     // path of the snapshot to serve (and reload)
  std::string content_dir;  // articles and authors (articles/, authors/); "" = shipped content
  // The site's absolute address for feeds, canonical links and structured
  // data ("https://example.org"); "" = http://<the request's Host>.
  std::string public_url;
  std::string admin_token;  // POST /admin/reload needs "Authorization: Bearer <token>"; "" = off
  double rate_per_second = 20;  // per client, on expensive routes
  double rate_burst = 40;
  std::FILE* access_log = nullptr;  // JSON lines; nullptr = off
  // The store (store/store.h): "sqlite:PATH" or a PostgreSQL connection
  // string; "" = no store (reports and the console are off). It must be
  // migrated (`meridian store migrate`); one that is unreachable at start
  // is not fatal: write routes answer 503 until it is back.
  std::string store;
  std::string reports;  // older form: an SQLite file, the same as store "sqlite:FILE"
  // How old the in-memory copy of the corrections may get before a request
  // reloads it (corrections made on another server show up within this).
  std::chrono::milliseconds corrections_max_age{10000};
  std::FILE* error_log = stderr;  // one line per handler that threw; nullptr = off
  // The weekly digest's mail (it needs the store). `smtp_url` set: SMTP
  // (digest/mailer.h), with `smtp_credentials` a file of username= and
  // password= lines; else each message is written as an .eml file under
  // `mail_dir` ("" = mail/ beside an SQLite store, else ./mail).
  std::string smtp_url, smtp_credentials, mail_dir;
  // The address links in emails point to ("" = public_url, else
  // http://127.0.0.1:8080). Never taken from a request's Host header.
  std::string mail_base_url;
  // When this server runs the weekly digest itself: "mon 08:00" (UTC); ""
  // = never (use `meridian digest send`). Every server of a fleet may have
  // it: the store's lease lets one of them send.
  std::string digest_schedule;
  // Where FHIR bulk exports write their files ("" = a new directory under
  // the system's temporary directory, removed when the server stops).
  std::string fhir_export_dir;
  // The bound on one search's work (query/executor.h): past it the API
  // answers 400 too_broad and the page asks for a narrower search.
  uint64_t search_budget = kDefaultSearchBudget;
  // `serve --follow` (fleet/follower.h), not owned; null = not following.
  // /readyz and /metrics report its state; it outlives the service.
  const fleet::Follower* follower = nullptr;
  // Tests only: runs just before a matched request is dispatched, and may
  // throw (to prove a throw answers 500 and stops nothing).
  std::function<void(const HttpRequest&)> before_dispatch;
};

class Service {
 public:
  ~Service();
  static Result<std::unique_ptr<Service>> Create(const ServiceOptions& options);

  HttpResponse Handle(const HttpRequest& req);
  // Whether Handle(req) may wait on the store (a write, the console, the
  // digest's pages): the server runs those off its I/O threads. Everything
  // else answers from memory.
  bool MayWaitOnStore(const HttpRequest& req) const;
  // Loads the configured snapshot again (it may have been replaced on disk),
  // verifies it, and swaps it in; on failure the old one keeps serving.
  Status Reload();
  // Loads the snapshot at `path` the same way and, when it is good, serves
  // it and makes it the one Reload() reads from then on (the follower's
  // swap). On failure the old one keeps serving.
  Status LoadSnapshot(const std::string& path);
  std::shared_ptr<const Dataset> data() const;
  // The server is about to stop (SIGTERM's grace): /readyz answers 503 so
  // load balancers stop sending new requests; everything else still works.
  void SetDraining() { draining_ = true; }
  store::Store* store() const { return store_.get(); }
  // The digest's pages (null without a store); tests drain its outbox.
  DigestPages* digest() const { return digest_.get(); }

  // Request counts and latency per route, Prometheus text format.
  std::string MetricsText() const;

  static constexpr size_t kLatencyBuckets = 14;
  static constexpr double kBucketSeconds[kLatencyBuckets] = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

 private:
  explicit Service(const ServiceOptions& o);
  // The steps of Handle(): refuse what the route does not take, then answer.
  // `html`: errors as a page (a page route, or an unmatched path outside /api/).
  HttpResponse Respond(const HttpRequest& req, const Route* route, bool method_ok, bool html,
                       const std::vector<std::string>& args, const Dataset& d);
  HttpResponse Dispatch(const Route& route, const std::vector<std::string>& args,
                        const QueryParams& params, const HttpRequest& req, const Dataset& d);
  // The FHIR routes (fhir/api.h).
  HttpResponse Fhir(const Route& route, const std::vector<std::string>& args,
                    const QueryParams& params, const HttpRequest& req, const Dataset& d);
  // The site's absolute address: options_.public_url, else from the Host header.
  std::string BaseUrl(const HttpRequest& req) const;
  HttpResponse AdminReload(const HttpRequest& req);
  // Sets up the digest's pages and mailer (off without a store).
  Status StartDigest();
  // The scheduled run: the week's changes between the store's previous
  // snapshot and the one serving, sent to every subscriber.
  Status RunDigest(const std::string& week);
  // The store's corrections of a listing (empty without a store or when it is down).
  std::vector<store::Correction> CorrectionsFor(const std::string& npi_text);
  // The corrections for a search; starts a rebuild of the index in the
  // background when they move listings the current index does not know of.
  std::shared_ptr<const CorrectionMap> SearchCorrections(const Dataset& d);
  // The answer for a handler that threw: 500, counted, logged without request text.
  HttpResponse Threw(const Route* route, bool html, const Dataset* d, const char* what_type);
  void Observe(size_t route, int status, double seconds);
  void LogAccess(const HttpRequest& req, const Route* route, const HttpResponse& resp,
                 double seconds);
  // The client's X-Request-Id when it is 1..128 of [A-Za-z0-9._:-], else a
  // new one: this process's random prefix and a counter.
  std::string RequestId(const HttpRequest& req);
  // The weak entity tag of a GET of `req` (http/conditional.h): the build,
  // the snapshot's content, the articles, the corrections, the budget, and
  // the request's path, query, Host, Accept and gzip-or-not.
  std::string EntityTag(const HttpRequest& req, const Dataset& d);
  uint64_t CorrectionsFingerprint();  // of corrections_->Current(), cached per copy
  std::mutex tag_mu_;
  std::shared_ptr<const CorrectionMap> tag_corrections_;
  uint64_t tag_corrections_sum_ = 0;
  std::string request_id_prefix_;
  std::atomic<uint64_t> request_seq_{1};

  ServiceOptions options_;
  mutable std::mutex data_mu_;
  std::shared_ptr<const Dataset> data_;
  Status LoadLocked(const std::string& path);  // REQUIRES: reload_mu_ held
  std::mutex reload_mu_;                       // one reload at a time; guards options_.snapshot
  std::atomic<uint64_t> reloads_ok_{0}, reloads_failed_{0};
  std::atomic<uint64_t> handler_exceptions_{0};
  std::atomic<bool> draining_{false};

  struct RouteStats {
    std::atomic<uint64_t> by_class[6] = {};  // 1xx..5xx by status / 100
    std::atomic<uint64_t> buckets[kLatencyBuckets + 1] = {};
    std::atomic<uint64_t> sum_us{0};
  };
  std::unique_ptr<RouteStats[]> stats_;
  RateLimiter limiter_;
  std::mutex log_mu_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<CorrectionCache> corrections_;
  std::mutex rebuild_mu_;  // guards rebuild_ and seen_
  std::thread rebuild_;    // a background Reload() for moved listings
  std::thread warm_;       // parses the built-in gazetteer once the data is loaded
  std::atomic<bool> rebuilding_{false};
  std::shared_ptr<const CorrectionMap> seen_;  // the corrections last looked at
  std::atomic<const CorrectionMap*> seen_raw_{nullptr};
  std::unique_ptr<AdminConsole> console_;
  std::unique_ptr<DigestPages> digest_;
  digest::DigestSite digest_site_;
  std::string digest_owner_;                      // this server as the digest lease's owner
  std::unique_ptr<digest::Scheduler> scheduler_;  // after digest_: stops first
  std::string bulk_dir_;                          // removed at the end when we made it
  std::unique_ptr<fhir::BulkExports> bulk_;
};

}  // namespace meridian
