// Shared by the peer benchmark drivers: the exported CSV files and the tally
// of latencies and agreement with Meridian's answers.
#pragma once

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace meridian::peers {

// Comma-separated rows without quoting (what bench_search --export writes).
inline std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, ',')) f.push_back(x);
    rows.push_back(f);
  }
  return rows;
}

// The query's words (queries.csv column 5, space-separated), padded with
// empty strings to `n`; words past n are dropped.
inline std::vector<std::string> Words(const std::vector<std::string>& query, size_t n) {
  std::vector<std::string> w;
  if (query.size() > 4) {
    std::stringstream ss(query[4]);
    std::string x;
    while (ss >> x) w.push_back(x);
  }
  w.resize(n);
  return w;
}

struct Tally {
  std::vector<double> us;
  size_t same_total = 0, same_top = 0;

  // `expected`: Meridian's total, then its first NPIs (expected.csv).
  void Add(double micros, const std::string& total, const std::string& top,
           const std::vector<std::string>& expected) {
    us.push_back(micros);
    same_total += total == expected[0];
    std::string want;
    for (size_t k = 1; k < expected.size(); ++k) want += (k > 1 ? "," : "") + expected[k];
    same_top += top == want;
  }
  double Pct(double p) {
    std::sort(us.begin(), us.end());
    return us.empty() ? 0 : us[std::min(us.size() - 1, static_cast<size_t>(p * us.size()))];
  }
  // "<prefix>queries":n,"<prefix>p50_us":... (no braces).
  std::string Json(const std::string& prefix) {
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  "\"%squeries\":%zu,\"%sp50_us\":%.0f,\"%sp99_us\":%.0f,\"%sp999_us\":%.0f,"
                  "\"%smax_us\":%.0f,\"%ssame_total\":%zu,\"%ssame_top10\":%zu",
                  prefix.c_str(), us.size(), prefix.c_str(), Pct(0.5), prefix.c_str(), Pct(0.99),
                  prefix.c_str(), Pct(0.999), prefix.c_str(), Pct(1), prefix.c_str(), same_total,
                  prefix.c_str(), same_top);
    return buf;
  }
};

}  // namespace meridian::peers
