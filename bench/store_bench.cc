// Store benchmark: "report a problem" submissions per second with
// acknowledged durability on each backend (SQLite file with synchronous=FULL
// on disk; PostgreSQL 15 started for the run), and search throughput alone
// and while the writes run. In-process through Service::Handle (no
// sockets): 1 search thread alone, 2 writer threads alone, then the search
// thread with 50 reports a second (far more than a real site gets) and with
// writers that never pause. Searches are drawn from dense metro ZIPs, where
// people search.
//
//   bench_store SNAPSHOT SECONDS
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "http/service.h"
#include "store/store.h"
#include "testing/pg_cluster.h"

using namespace meridian;

namespace {

HttpRequest Req(const std::string& method, const std::string& path, const std::string& query,
                const std::string& body) {
  HttpRequest r;
  r.method = method, r.path = path, r.query = query, r.body = body, r.client = "bench";
  r.headers = {{"sec-fetch-site", "same-origin"}};
  return r;
}

struct Rates {
  double reports = 0, searches = 0;
  int64_t acked = 0;
};

// Runs `writers` report threads and `readers` search threads for `seconds`;
// with `write_rate` > 0 the writers together post about that many a second.
Rates Run(Service* s, int writers, int readers, double seconds, uint32_t npi,
          double write_rate = 0) {
  static const char* kZips[] = {"10001", "60601", "90012", "77002", "85004", "19103",
                                "78205", "92101", "75201", "95113", "30303", "98101",
                                "02108", "80202", "53703", "33130", "48226", "97205"};
  std::atomic<bool> stop{false};
  std::atomic<int64_t> reports{0}, searches{0}, failed{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w)
    threads.emplace_back([&, w] {
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; !stop; ++i) {
        if (write_rate > 0)
          std::this_thread::sleep_until(start +
                                        std::chrono::duration<double>(i * writers / write_rate));
        HttpResponse r = s->Handle(Req("POST", "/report", "",
                                       "npi=" + NpiToString(npi) + "&kind=other&details=bench+" +
                                           std::to_string(w) + "+" + std::to_string(i)));
        (r.status == 200 ? reports : failed)++;
      }
    });
  for (int t = 0; t < readers; ++t)
    threads.emplace_back([&, t] {
      for (size_t i = t; !stop; ++i) {
        HttpResponse r = s->Handle(
            Req("GET", "/api/v1/search",
                std::string("near=") + kZips[i % std::size(kZips)] + "&radius=10mi&limit=10", ""));
        (r.status == 200 ? searches : failed)++;
      }
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : threads) th.join();
  if (failed > 0) std::fprintf(stderr, "bench_store: %lld requests failed\n", (long long)failed);
  return {reports / seconds, searches / seconds, reports.load()};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_store SNAPSHOT SECONDS\n");
    return 2;
  }
  const std::string snap = argv[1];
  const double seconds = std::atof(argv[2]);
  std::unique_ptr<testing::PgCluster> pg;
  std::printf(
      "| backend | searches/s alone | reports/s alone (saturating) | searches/s with 50 reports/s "
      "| "
      "searches/s with saturating reports (reports/s) | reports kept / acknowledged |\n"
      "|---|---:|---:|---:|---:|---|\n");
  for (const std::string backend : {"sqlite", "postgresql"}) {
    std::string url;
    if (backend == "sqlite") {
      const std::string file = std::filesystem::path(snap).parent_path() / "bench_store.sqlite";
      for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(file + ext);
      url = "sqlite:" + file;
    } else {
      auto c = testing::PgCluster::Start();
      if (!c.ok()) {
        std::fprintf(stderr, "bench_store: %s\n", c.status().ToString().c_str());
        return 1;
      }
      pg = std::move(c).value();
      auto db = pg->NewDatabase();
      if (!db.ok()) return 1;
      url = *db;
    }
    {
      auto st = store::Store::Open(url);
      if (!st.ok() || !(*st)->Migrate().ok()) return 1;
    }
    ServiceOptions o;
    o.snapshot = snap, o.store = url, o.rate_per_second = 1e9, o.rate_burst = 1e9;
    auto s = Service::Create(o);
    if (!s.ok()) {
      std::fprintf(stderr, "bench_store: %s\n", s.status().ToString().c_str());
      return 1;
    }
    const uint32_t npi = (*s)->data()->snap->npi(0);
    Rates reads = Run(s->get(), 0, 1, seconds, npi);
    Rates writes = Run(s->get(), 2, 0, seconds, npi);
    Rates light = Run(s->get(), 2, 1, seconds, npi, 50);
    Rates both = Run(s->get(), 2, 1, seconds, npi);
    const int64_t acked = writes.acked + light.acked + both.acked;
    const int64_t kept = *(*s)->store()->CountReports();
    std::printf("| %s | %.0f | %.0f | %.0f | %.0f (%.0f) | %lld / %lld |\n", backend.c_str(),
                reads.searches, writes.reports, light.searches, both.searches, both.reports,
                (long long)kept, (long long)acked);
    std::fflush(stdout);
  }
  return 0;
}
