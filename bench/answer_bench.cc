// In-process cost of answering /api/v1/search: Service::Handle on a list of
// URLs (bench/http.sh's mix), no sockets. What the server spends per search
// beyond the HTTP framing, and the engine's part of it (Execute).
//
//   bench_answer SNAPSHOT URLS_FILE [PASSES]
//
// Prints one JSON line: requests, mean and p50/p99 microseconds of Handle,
// the engine's mean (the answers' took_us) and the mean response bytes.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "http/service.h"
#include "util/malloc_tuning.h"

using namespace meridian;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  // The allocator settings `meridian serve` runs with (huge pages for the
  // index among them), so the engine is measured as it is served.
  meridian::ReexecWithTunedMalloc(argv);
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_answer SNAPSHOT URLS_FILE [PASSES]\n");
    return 2;
  }
  const int passes = argc > 3 ? std::stoi(argv[3]) : 2;
  ServiceOptions opt;
  opt.snapshot = argv[1];
  opt.rate_per_second = 1e12;
  opt.rate_burst = 1e12;
  auto service = Service::Create(opt);
  if (!service.ok()) {
    std::fprintf(stderr, "%s\n", service.status().ToString().c_str());
    return 1;
  }
  std::vector<HttpRequest> reqs;
  std::ifstream in(argv[2]);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    HttpRequest r;
    r.method = "GET";
    const size_t q = line.find('?');
    r.path = line.substr(0, q);
    r.query = q == std::string::npos ? "" : line.substr(q + 1);
    r.client = "127.0.0.1";
    reqs.push_back(std::move(r));
  }
  std::vector<double> us;
  double bytes = 0, engine = 0;
  size_t bad = 0;
  for (int p = 0; p < passes; ++p) {
    const bool measured = p + 1 == passes;  // earlier passes warm the caches
    for (const HttpRequest& r : reqs) {
      auto a = Clock::now();
      HttpResponse resp = (*service)->Handle(r);
      auto b = Clock::now();
      if (!measured) continue;
      us.push_back(std::chrono::duration<double, std::micro>(b - a).count());
      bytes += static_cast<double>(resp.body.size());
      // The engine's part, as the answer reports it ("took_us").
      const size_t at = resp.body.rfind("\"took_us\":");
      if (at != std::string::npos) engine += std::stod(resp.body.substr(at + 10));
      bad += resp.status != 200;
    }
  }
  double total = 0;
  for (double x : us) total += x;
  std::sort(us.begin(), us.end());
  auto pct = [&](double f) {
    return us[std::min(us.size() - 1, static_cast<size_t>(f * us.size()))];
  };
  std::printf(
      "{\"requests\":%zu,\"non_200\":%zu,\"mean_us\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,"
      "\"engine_mean_us\":%.1f,\"mean_bytes\":%.0f}\n",
      us.size(), bad, total / static_cast<double>(us.size()), pct(0.5), pct(0.99),
      engine / static_cast<double>(us.size()), bytes / static_cast<double>(us.size()));
  return 0;
}
