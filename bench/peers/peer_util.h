// Shared by the peer benchmark drivers: the exported CSV files and the tally
// of latencies and agreement with Meridian's answers.
#pragma once

#include <algorithm>
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
};

}  // namespace meridian::peers
