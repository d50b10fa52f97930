// Engine time of the most expensive legal searches.
//
//   bench_costly SNAPSHOT [REPEATS] [--budget UNITS] [QUERY...]
//
// Loads the snapshot and its index, then runs each query string (as the JSON
// API's /api/v1/search takes it, e.g. "q=a" or "modality=massage&sort=name")
// REPEATS times (default 20) and prints one JSON line per query: the median
// and worst engine time in microseconds, the total matches, whether the cost
// bound stopped it (`too_broad`) and the work units it spent, or the error
// ParseQuery refused it with. --budget replaces the default bound
// (kDefaultSearchBudget); a huge one measures what each search would cost.
// Without queries it runs the built-in list of broad searches: one-letter
// names, a nationwide care type, a whole state, the widest radius in the
// densest metro, deep pages. These are the figures of
// bench/results/reliability.md ("The most expensive legal request").
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "index/search_index.h"
#include "query/executor.h"
#include "query/query.h"
#include "snapshot/snapshot.h"

using namespace meridian;
using Clock = std::chrono::steady_clock;

namespace {

// "a=1&b=two" into pairs; no percent-decoding (the built-in list needs none).
QueryParams Split(const std::string& s) {
  QueryParams out;
  size_t at = 0;
  while (at <= s.size()) {
    size_t amp = s.find('&', at);
    if (amp == std::string::npos) amp = s.size();
    std::string pair = s.substr(at, amp - at);
    size_t eq = pair.find('=');
    if (!pair.empty())
      out.emplace_back(pair.substr(0, eq), eq == std::string::npos ? "" : pair.substr(eq + 1));
    at = amp + 1;
  }
  return out;
}

const char* const kBroad[] = {
    "q=a",
    "q=j",
    "q=s&sort=name",
    "q=a&offset=10000",
    "q=a&near=10001&radius=500",
    "q=smith",
    "q=john",
    "q=john+s",
    "q=a+b+c+d+e+f+g+h",
    "q=christopherson",
    "q=chrstopherson&near=60601",
    "sort=name",
    "sort=name&offset=10000",
    "modality=massage&sort=name",
    "state=CA",
    "state=CA&modality=acupuncture&sort=name&offset=9990",
    "entity=organization&sort=name",
    "near=10001&radius=500",
    "near=10001&radius=500&sort=name",
    "near=10001&radius=500&credential=DC&sort=name",
    "near=10001&radius=500&offset=10000",
    "near=60601&radius=500&modality=physical_therapy&sort=name&offset=10000",
    "taxonomy=2&sort=name",
    "credential=MD&sort=name",
    // Towns that do not exist: every place and town is rated for the
    // nearest spellings before the search is refused.
    "city=Milwakee",
    "city=Xqzvbnmlkjhgfdsa",
    "city=Winston+Salme",
};

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_costly SNAPSHOT [REPEATS] [QUERY...]\n");
    return 2;
  }
  const size_t repeats = argc > 2 ? std::stoul(argv[2]) : 20;
  std::vector<std::string> queries;
  ExecuteOptions options;
  for (int a = 3; a < argc; ++a) {
    if (std::string(argv[a]) == "--budget" && a + 1 < argc)
      options.budget = std::stoull(argv[++a]);
    else
      queries.emplace_back(argv[a]);
  }
  if (queries.empty()) queries.assign(std::begin(kBroad), std::end(kBroad));

  auto snap = Snapshot::Open(argv[1], Snapshot::Verify::kStructure);
  if (!snap.ok()) {
    std::fprintf(stderr, "%s\n", snap.status().ToString().c_str());
    return 1;
  }
  auto knowledge = KnowledgeBase::LoadEmbedded();
  if (!knowledge.ok()) return 1;
  auto index = SearchIndex::Build(**snap, ModalityMap::Embedded(), &*knowledge);
  if (!index.ok()) {
    std::fprintf(stderr, "%s\n", index.status().ToString().c_str());
    return 1;
  }
  (*index)->WaitForBackgroundWork();
  double worst_all = 0;
  for (const std::string& qs : queries) {
    // Parsing resolves places (and, for an unknown town, rates every place
    // and town for suggestions): timed too.
    Query q;
    Status parsed;
    std::vector<double> parse_us;
    for (size_t i = 0; i < repeats; ++i) {
      q = Query();
      const auto t0 = Clock::now();
      parsed = ParseQuery(Split(qs), ModalityMap::Embedded(), &q, snap->get());
      parse_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
    std::sort(parse_us.begin(), parse_us.end());
    if (!parsed.ok()) {
      std::printf(
          "{\"query\":\"%s\",\"refused\":\"%s\",\"parse_median_us\":%.0f,\"parse_max_us\":%.0f}\n",
          JsonEscape(qs).c_str(), JsonEscape(parsed.ToString()).c_str(),
          parse_us[parse_us.size() / 2], parse_us.back());
      std::fflush(stdout);
      continue;
    }
    std::vector<double> us;
    SearchResult r;
    for (size_t i = 0; i < repeats; ++i) {
      const auto t0 = Clock::now();
      r = Execute(**index, q, options);
      us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
    std::sort(us.begin(), us.end());
    worst_all = std::max(worst_all, us.back());
    std::printf(
        "{\"query\":\"%s\",\"median_us\":%.0f,\"max_us\":%.0f,\"total\":%llu,\"hits\":%zu,"
        "\"too_broad\":%s,\"work\":%llu}\n",
        JsonEscape(qs).c_str(), us[us.size() / 2], us.back(),
        static_cast<unsigned long long>(r.total), r.hits.size(), r.too_broad ? "true" : "false",
        static_cast<unsigned long long>(r.work));
    std::fflush(stdout);
  }
  std::printf("{\"records\":%zu,\"worst_us\":%.0f}\n", (*snap)->size(), worst_all);
  return 0;
}
