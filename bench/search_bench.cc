// In-process query latency of the search engine.
//
//   bench_search SNAPSHOT [QUERIES] [SEED] [--export DIR] [--text-share F] [--slowest N]
//                [--urls FILE] [--mix provider|zip] [--mark-ab ROUNDS] [--plan-ab ROUNDS]
//
// --urls FILE writes the mix as /api/v1/search URLs instead (bench/http.sh).
//
// --mark-ab ROUNDS times the mix's text queries under each MarkPlan instead,
// interleaved query by query over ROUNDS rounds (so a machine whose speed
// drifts charges every plan alike), and prints each plan's mean and p99
// (with the rows near the point as candidates, TextPlan::kSites).
// --plan-ab ROUNDS does the same for the TextPlans: the place postings, the
// rows near the point, the rarest word's postings.
//
// Loads the snapshot (timed: open + verify + index build = "load to first
// query"), then runs a realistic mix: a point where providers practise —
// with --mix provider (the default) the primary location of a provider drawn
// at random, so each provider is equally likely and a dense metro is drawn as
// often as its share of providers; with --mix zip a ZIP drawn uniformly among
// the ZIPs that have providers (under-weights dense metros; for comparison) — radius 5-50 miles,
// half with a modality filter, and a quarter (--text-share) with 1-2 words of a name there, often
// with a typo; default sort (distance) and page size, facets included. Prints one JSON line with
// p50/p99/p999 latency, load time and resident memory per provider.
//
// --export DIR also writes the same data and the same queries for the peer
// benchmark (bench/peers.sh): prov.csv (row, npi, entity, sex, state,
// classification, modality mask, the row's normalized words), loc.csv (row,
// location, lat, lon), queries.csv (lat, lon, radius_mi, modality mask,
// words) and expected.csv (this engine's total and first NPIs per query, to
// check the peers' answers).
#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "index/search_index.h"
#include "query/executor.h"
#include "snapshot/snapshot.h"
#include "text/fuzzy.h"
#include "text/normalize.h"
#include "util/malloc_tuning.h"

using namespace meridian;
using Clock = std::chrono::steady_clock;

static long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

static int Export(const Snapshot& snap, const SearchIndex& index, const std::vector<Query>& mix,
                  const std::string& dir) {
  std::ofstream prov(dir + "/prov.csv"), loc(dir + "/loc.csv"), qs(dir + "/queries.csv"),
      exp(dir + "/expected.csv");
  for (size_t i = 0; i < snap.size(); ++i) {
    const RowInfo& r = index.row_info(i);
    prov << i << ',' << snap.npi(i) << ',' << int(r.entity) << ',' << int(r.sex) << ','
         << int(r.state) << ',' << r.class_slot << ',' << r.modality_mask << ',';
    const char* sep = "";
    for (uint32_t t : snap.text().row_terms(i)) prov << sep << snap.text().term(t), sep = " ";
    prov << '\n';
    auto locs = snap.locations(i);
    for (size_t k = 0; k < locs.size(); ++k)
      if (locs[k].precision != 0) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "%zu,%zu,%.17g,%.17g\n", i, k,
                      static_cast<double>(locs[k].lat), static_cast<double>(locs[k].lon));
        loc << buf;
      }
  }
  for (const Query& q : mix) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%.17g,%.17g,%.17g,%d,", q.lat, q.lon, q.radius_mi,
                  q.modality >= 0 ? 1 << q.modality : 0);
    qs << buf;
    for (size_t w = 0; w < q.text.size(); ++w) qs << (w ? " " : "") << q.text[w];
    qs << '\n';
    SearchResult r = Execute(index, q);
    exp << r.total;
    for (const SearchHit& h : r.hits) exp << ',' << snap.npi(h.row);
    exp << '\n';
  }
  std::fprintf(stderr, "exported %zu providers and %zu queries to %s\n", snap.size(), mix.size(),
               dir.c_str());
  return prov && loc && qs && exp ? 0 : 1;
}

// The same mix as API search URLs, one per line (bench/http.sh feeds them to wrk).
static int WriteUrls(const std::vector<Query>& mix, const std::string& path) {
  std::ofstream out(path);
  const auto& mods = ModalityMap::Embedded().modalities();
  for (const Query& q : mix) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "/api/v1/search?near=%.5f,%.5f&radius=%gmi", q.lat, q.lon,
                  q.radius_mi);
    out << buf;
    if (q.modality >= 0) out << "&modality=" << mods[static_cast<size_t>(q.modality)].id;
    for (size_t w = 0; w < q.text.size(); ++w) out << (w ? "+" : "&q=") << q.text[w];
    out << '\n';
  }
  std::fprintf(stderr, "wrote %zu search URLs to %s\n", mix.size(), path.c_str());
  return out ? 0 : 1;
}

// The mean of `v` (0 when empty).
static double Mean(const std::vector<double>& v) {
  double t = 0;
  for (double x : v) t += x;
  return v.empty() ? 0.0 : t / static_cast<double>(v.size());
}

// One way of running a query, for an A/B comparison.
struct Variant {
  const char* name;
  ExecuteOptions options;
};

// Each text query of the mix under each variant in turn, the first variant
// rotating (the first run of a query warms the caches); the mean and p99
// per variant. Fails when the variants' totals differ.
static int Ab(const SearchIndex& index, const std::vector<Query>& mix, size_t rounds,
              std::span<const Variant> variants) {
  const size_t n = variants.size();
  std::vector<std::vector<double>> us(n);
  std::vector<uint64_t> totals(n, 0);
  size_t turn = 0;
  for (size_t round = 0; round < rounds; ++round)
    for (const Query& q : mix) {
      if (q.text.empty()) continue;
      ++turn;
      for (size_t k = 0; k < n; ++k) {
        const size_t p = (turn + k) % n;
        auto a = Clock::now();
        const SearchResult r = Execute(index, q, variants[p].options);
        us[p].push_back(std::chrono::duration<double, std::micro>(Clock::now() - a).count());
        totals[p] += r.total;
      }
    }
  std::printf("{");
  for (size_t p = 0; p < n; ++p) {
    const double mean = Mean(us[p]);
    std::sort(us[p].begin(), us[p].end());
    const double p99 = us[p].empty() ? 0 : us[p][us[p].size() * 99 / 100];
    std::printf("%s\"%s\":{\"mean_us\":%.1f,\"p99_us\":%.1f,\"totals\":%llu}", p ? "," : "",
                variants[p].name, mean, p99, static_cast<unsigned long long>(totals[p]));
  }
  std::printf("}\n");
  return std::all_of(totals.begin(), totals.end(), [&](uint64_t t) { return t == totals[0]; }) ? 0
                                                                                               : 1;
}

int main(int argc, char** argv) {
  // The allocator settings `meridian serve` runs with (huge pages for the
  // index among them), so the engine is measured as it is served.
  meridian::ReexecWithTunedMalloc(argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_search SNAPSHOT [QUERIES] [SEED]\n");
    return 2;
  }
  const size_t queries = argc > 2 ? std::stoul(argv[2]) : 20000;
  const uint64_t seed = argc > 3 ? std::stoull(argv[3]) : 1;
  std::string export_dir;
  double text_share = 0.25;
  size_t slowest = 0;
  std::string urls_path;
  std::string mix_kind = "provider";
  size_t mark_ab = 0, plan_ab = 0;
  for (int a = 4; a + 1 < argc; a += 2) {
    if (std::string(argv[a]) == "--export") export_dir = argv[a + 1];
    if (std::string(argv[a]) == "--text-share") text_share = std::stod(argv[a + 1]);
    if (std::string(argv[a]) == "--slowest") slowest = std::stoul(argv[a + 1]);
    if (std::string(argv[a]) == "--urls") urls_path = argv[a + 1];
    if (std::string(argv[a]) == "--mix") mix_kind = argv[a + 1];
    if (std::string(argv[a]) == "--mark-ab") mark_ab = std::stoul(argv[a + 1]);
    if (std::string(argv[a]) == "--plan-ab") plan_ab = std::stoul(argv[a + 1]);
  }
  auto t0 = Clock::now();
  auto snap = Snapshot::Open(argv[1]);
  if (!snap.ok()) {
    std::fprintf(stderr, "%s\n", snap.status().ToString().c_str());
    return 1;
  }
  auto t1 = Clock::now();
  auto knowledge = KnowledgeBase::LoadEmbedded();
  if (!knowledge.ok()) return 1;
  auto built = SearchIndex::Build(**snap, ModalityMap::Embedded(), &*knowledge);
  if (!built.ok()) {
    std::fprintf(stderr, "%s\n", built.status().ToString().c_str());
    return 1;
  }
  auto index = std::move(built).value();
  auto t2 = Clock::now();
  index->WaitForBackgroundWork();  // memory settles after load (see SearchIndex::Build)
  const long rss_after_load = RssKb();
  // The first name-sorted search after a load: the name rank is built while
  // loading, so this pays for nothing (it was 1.24 s at 1 M when built lazily).
  double first_name_sort_ms = 0;
  {
    Query by_name;
    by_name.sort = Query::Sort::kName;
    by_name.limit = 10;
    const auto n0 = Clock::now();
    // Every provider by name: past the default work bound at 9 M, so unbounded here.
    const SearchResult first = Execute(*index, by_name, ExecuteOptions{.budget = UINT64_MAX});
    first_name_sort_ms = std::chrono::duration<double, std::milli>(Clock::now() - n0).count();
    if (first.hits.empty()) return 1;
  }

  // Query centres: primary locations of random providers (real ZCTA points),
  // or, for --mix zip, of a random provider of a ZIP drawn uniformly.
  if (mix_kind != "provider" && mix_kind != "zip") {
    std::fprintf(stderr, "--mix takes provider or zip\n");
    return 2;
  }
  std::vector<std::vector<uint32_t>> zip_rows;  // --mix zip: rows by distinct point
  if (mix_kind == "zip") {
    std::unordered_map<uint64_t, uint32_t> slot;
    for (size_t row = 0; row < (*snap)->size(); ++row) {
      auto locs = (*snap)->locations(row);
      if (locs.empty() || locs[0].precision == 0) continue;
      uint64_t key = (static_cast<uint64_t>(std::bit_cast<uint32_t>(locs[0].lat)) << 32) |
                     std::bit_cast<uint32_t>(locs[0].lon);
      auto [it, fresh] = slot.emplace(key, static_cast<uint32_t>(zip_rows.size()));
      if (fresh) zip_rows.emplace_back();
      zip_rows[it->second].push_back(static_cast<uint32_t>(row));
    }
  }
  std::mt19937_64 rng(seed);
  std::vector<Query> mix;
  const double radii[] = {5, 10, 25, 50};
  const int n_mod = static_cast<int>(ModalityMap::Embedded().modalities().size());
  while (mix.size() < queries) {
    size_t row = rng() % (*snap)->size();
    if (!zip_rows.empty()) {
      const auto& rows = zip_rows[rng() % zip_rows.size()];
      row = rows[rng() % rows.size()];
    }
    auto locs = (*snap)->locations(row);
    if (locs.empty() || locs[0].precision == 0) continue;
    Query q;
    q.has_point = true;
    q.lat = locs[0].lat, q.lon = locs[0].lon;
    q.radius_mi = radii[rng() % 4];
    if (rng() % 2) q.modality = static_cast<int>(rng() % n_mod);
    // A share of queries also name someone there, as a person would type
    // it: a last name, or first and last name (an organization: its first
    // one or two words), half the time with a typo (a letter changed, or two
    // swapped).
    if (std::uniform_real_distribution<double>(0, 1)(rng) < text_share) {
      Record rec;
      if (!(*snap)->GetRecord(row, &rec).ok()) continue;
      std::vector<std::string> words;
      if (rec.entity == EntityType::kIndividual) {
        words = NormalizeTokens(rec.last_name);
        if (rng() % 2) {
          std::vector<std::string> first = NormalizeTokens(rec.first_name);
          words.insert(words.begin(), first.begin(), first.end());
        }
      } else {
        words = NormalizeTokens(rec.org_name);
        words.resize(std::min<size_t>(words.size(), 1 + rng() % 2));
      }
      if (words.empty()) continue;
      for (std::string t : words) {
        if (t.size() >= 5 && rng() % 2) {
          if (rng() % 2)
            t[1 + rng() % (t.size() - 1)] = static_cast<char>('a' + rng() % 26);
          else
            std::swap(t[1], t[2]);
        }
        q.text.push_back(t);
      }
      q.modality = -1;
    }
    mix.push_back(q);
  }
  size_t text_queries = 0;
  for (const Query& q : mix) text_queries += !q.text.empty();
  if (!export_dir.empty()) return Export(**snap, *index, mix, export_dir);
  if (!urls_path.empty()) return WriteUrls(mix, urls_path);
  if (mark_ab > 0) {
    const Variant marks[] = {
        {"auto", {.plan = TextPlan::kSites, .mark = MarkPlan::kAuto}},
        {"by_postings", {.plan = TextPlan::kSites, .mark = MarkPlan::kByPostings}},
        {"whole_bitmap", {.plan = TextPlan::kSites, .mark = MarkPlan::kWholeBitmap}}};
    return Ab(*index, mix, mark_ab, marks);
  }
  if (plan_ab > 0) {
    const Variant plans[] = {{"places", {.plan = TextPlan::kPlaces}},
                             {"sites", {.plan = TextPlan::kSites}},
                             {"postings", {.plan = TextPlan::kPostings}}};
    return Ab(*index, mix, plan_ab, plans);
  }
  // Warm-up pass (page-in), then the measured pass.
  uint64_t sink = 0;
  for (size_t i = 0; i < std::min<size_t>(2000, mix.size()); ++i)
    sink += Execute(*index, mix[i]).total;
  std::vector<double> us(mix.size());
  size_t too_broad = 0;  // searches of the mix past the default work bound
  for (size_t i = 0; i < mix.size(); ++i) {
    auto a = Clock::now();
    SearchResult r = Execute(*index, mix[i]);
    auto b = Clock::now();
    sink += r.total;
    too_broad += r.too_broad;
    if (r.too_broad) {  // named on stderr: the bound should spare realistic searches
      std::string words;
      for (const std::string& w : mix[i].text) words += (words.empty() ? "" : " ") + w;
      std::fprintf(stderr, "too_broad: %.4f,%.4f r=%g mod=%d q='%s' (%llu units)\n", mix[i].lat,
                   mix[i].lon, mix[i].radius_mi, mix[i].modality, words.c_str(),
                   static_cast<unsigned long long>(r.work));
    }
    us[i] = std::chrono::duration<double, std::micro>(b - a).count();
  }
  // --slowest N: the N slowest queries on stderr, to see what the tail is.
  std::vector<size_t> by_time(mix.size());
  for (size_t i = 0; i < by_time.size(); ++i) by_time[i] = i;
  std::sort(by_time.begin(), by_time.end(), [&](size_t a, size_t b) { return us[a] > us[b]; });
  for (size_t k = 0; k < std::min(slowest, by_time.size()); ++k) {
    const Query& q = mix[by_time[k]];
    std::string words;
    for (const std::string& w : q.text) words += (words.empty() ? "" : " ") + w;
    // Postings of each word's matching terms, and rows near the point.
    std::string postings;
    auto m0 = Clock::now();
    for (size_t w = 0; w < q.text.size(); ++w)
      sink += MatchTerms((*snap)->text(), q.text[w], w + 1 == q.text.size()).size();
    postings = " match_terms_us=" +
               std::to_string(std::chrono::duration<double, std::micro>(Clock::now() - m0).count());
    for (size_t w = 0; w < q.text.size(); ++w) {
      size_t n = 0;
      for (const TermMatch& m : MatchTerms((*snap)->text(), q.text[w], w + 1 == q.text.size()))
        n += (*snap)->text().postings(m.term).size();
      postings += " " + std::to_string(n);
    }
    std::fprintf(stderr, "%9.1f us  %.4f,%.4f r=%g mod=%d q='%s' total=%llu postings%s near=%zu\n",
                 us[by_time[k]], q.lat, q.lon, q.radius_mi, q.modality, words.c_str(),
                 static_cast<unsigned long long>(Execute(*index, q).total), postings.c_str(),
                 index->grid().CountNear(q.lat, q.lon, q.radius_mi));
  }
  // Percentiles over all queries, and over the text ones alone.
  auto percentiles = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    auto pct = [&](double p) {
      return v.empty() ? 0.0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
    };
    return std::array<double, 4>{pct(0.50), pct(0.99), pct(0.999), v.empty() ? 0 : v.back()};
  };
  std::vector<double> text_us, plain_us;
  for (size_t i = 0; i < mix.size(); ++i)
    (mix[i].text.empty() ? plain_us : text_us).push_back(us[i]);
  const auto all = percentiles(us), text = percentiles(text_us), plain = percentiles(plain_us);
  double open_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  double index_ms = std::chrono::duration<double, std::milli>(t2 - t1).count();
  size_t modal_profiles = 0;  // single-row profiles a modality search reads
  for (uint32_t site = 0; site < index->grid().sites(); ++site)
    modal_profiles += index->grid().modal_profiles(site).size();
  std::printf(
      "{\"records\":%zu,\"queries\":%zu,\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,"
      "\"max_us\":%.1f,\"text_queries\":%zu,\"text_p50_us\":%.1f,\"text_p99_us\":%.1f,"
      "\"text_p999_us\":%.1f,\"plain_p50_us\":%.1f,\"plain_p99_us\":%.1f,\"plain_p999_us\":%.1f,"
      // means: what a server's throughput pays (percentiles hide a heavy tail's weight)
      "\"mean_us\":%.1f,\"text_mean_us\":%.1f,\"plain_mean_us\":%.1f,"
      "\"open_ms\":%.0f,\"index_build_ms\":%.0f,\"load_ms\":%.0f,\"first_name_sort_ms\":%.1f,"
      "\"rss_after_load_mb\":%.0f,\"rss_bytes_per_provider\":%.0f,\"index_bytes\":%zu,"
      "\"final_rss_mb\":%.0f,\"sites\":%zu,\"multi_rows\":%zu,\"multi_entries\":%zu,"
      "\"profiles\":%zu,\"modal_profiles\":%zu,\"distinct_profiles\":%zu,\"too_broad\":%zu,"
      "\"checksum\":%llu}\n",
      (*snap)->size(), mix.size(), all[0], all[1], all[2], all[3], text_queries, text[0], text[1],
      text[2], plain[0], plain[1], plain[2], Mean(us), Mean(text_us), Mean(plain_us), open_ms,
      index_ms, open_ms + index_ms, first_name_sort_ms, rss_after_load / 1024.0,
      rss_after_load * 1024.0 / static_cast<double>((*snap)->size()), index->memory_bytes(),
      RssKb() / 1024.0, index->grid().sites(), index->grid().multi_rows(),
      index->grid().multi_entries(), index->grid().profile_count(), modal_profiles,
      index->grid().distinct_profiles(), too_broad, static_cast<unsigned long long>(sink));
  return 0;
}
