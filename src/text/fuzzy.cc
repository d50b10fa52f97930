#include "text/fuzzy.h"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "text/normalize.h"

namespace meridian {

namespace {

constexpr size_t kMaxToken = 64;  // longer query tokens are cut here
constexpr int kInf = 1 << 20;

// Plain OSA distance, full matrix: the reference the trie walk must agree with.
int Osa(std::string_view a, std::string_view b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      int v = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1] ? 1 : 0)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        v = std::min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  return d[a.size()][b.size()];
}

int Penalty(std::string_view q, std::string_view t) {
  return q.empty() || t.empty() || q[0] != t[0] ? 1 : 0;
}

// Row d (d >= 1) of the DP d[d][j] = OSA(t[0..d), q[0..j)) into `r`, from
// rows d-1 (`up`) and d-2 (`up2`, read only when d > 1; `prev` = t[d-2]);
// `c` = t[d-1]. Returns the row's smallest entry. Shared by the trie walk
// and TermRater.
int OsaRow(std::string_view q, size_t d, char c, char prev, const int* up2, const int* up, int* r) {
  const size_t m = q.size();
  r[0] = static_cast<int>(d);
  int mn = r[0];
  for (size_t j = 1; j <= m; ++j) {
    int v = std::min({up[j] + 1, r[j - 1] + 1, up[j - 1] + (c != q[j - 1] ? 1 : 0)});
    if (d > 1 && j > 1 && c == q[j - 2] && prev == q[j - 1]) v = std::min(v, up2[j - 2] + 1);
    r[j] = v;
    mn = std::min(mn, v);
  }
  return mn;
}

}  // namespace

int TypoBudget(std::string_view token) {
  size_t n = CodePoints(token);
  return n < 5 ? 0 : n <= 8 ? 1 : 2;
}

int TypoCost(std::string_view q, std::string_view t) { return Osa(q, t) + Penalty(q, t); }

int MatchQuality(std::string_view q, std::string_view term, bool prefix) {
  q = q.substr(0, kMaxToken);
  const int budget = TypoBudget(q);
  int best = kInf;
  int full = TypoCost(q, term);
  if (full <= budget) best = 2 * full;
  if (prefix)
    for (size_t len = 1; len < term.size(); ++len) {
      int c = TypoCost(q, term.substr(0, len));
      if (c <= budget) best = std::min(best, 2 * c + 1);
    }
  return best == kInf ? -1 : best;
}

TermRater::TermRater(std::string_view q) : q_(q.substr(0, kMaxToken)), budget_(TypoBudget(q_)) {}

bool TermRater::MayMatch(char first, size_t max_len) const {
  if (q_.empty()) return false;
  const int penalty = first != q_[0] ? 1 : 0;
  const int be = budget_ - penalty;
  // As Rate(): a distance of at least `penalty`, and at least q's length
  // less the term's (or prefix's).
  return be >= penalty && static_cast<long>(max_len) >= static_cast<long>(q_.size()) - be;
}

int TermRater::Rate(std::string_view term, bool prefix) const {
  const std::string_view q = q_;
  if (q.empty() || term.empty()) return -1;
  // The first-letter rule and the shortest possible term, as MayMatch.
  if (!MayMatch(term[0], term.size())) return -1;
  const int penalty = Penalty(q, term);  // every prefix starts with the term's letter
  const int be = budget_ - penalty;      // typos left for the distance itself
  const long m = static_cast<long>(q.size()), n = static_cast<long>(term.size());
  // A distance is at least the difference in length: the whole term must be
  // within `be` of q's length, a prefix (1..n-1 bytes) reach it.
  const bool full_possible = std::abs(n - m) <= be;
  const bool prefix_possible = prefix && n - 1 >= m - be;
  if (!full_possible && !prefix_possible) return -1;
  // Rows i-2, i-1 and i of d[i][j] = OSA(term[0..i), q[0..j)), rotated.
  std::array<std::array<int, kMaxToken + 1>, 3> rows;
  int* two = rows[0].data();
  int* one = rows[1].data();
  int* cur = rows[2].data();
  for (long j = 0; j <= m; ++j) one[j] = static_cast<int>(j);
  int min_one = 0;  // the smallest entry of row i-1
  int best = kInf;
  for (long i = 1; i <= n; ++i) {
    const size_t d = static_cast<size_t>(i);
    const int mn = OsaRow(q, d, term[d - 1], d > 1 ? term[d - 2] : 0, two, one, cur);
    if (cur[m] <= be) {
      const int typos = cur[m] + penalty;
      if (i == n)
        best = std::min(best, 2 * typos);
      else if (prefix)
        best = std::min(best, 2 * typos + 1);
    }
    // No later row can come back within budget (each is at least the
    // smaller of this row's minimum and the previous row's minimum + 1).
    if (mn > be && min_one >= be) break;
    min_one = mn;
    int* spare = two;
    two = one, one = cur, cur = spare;
  }
  return best == kInf ? -1 : best;
}

std::vector<TermMatch> MatchTermsBrute(const TextIndex& index, std::string_view q, bool prefix) {
  std::vector<TermMatch> out;
  for (uint32_t t = 0; t < index.term_count(); ++t) {
    int quality = MatchQuality(q, index.term(t), prefix);
    if (quality >= 0) out.push_back({t, static_cast<uint8_t>(quality)});
  }
  return out;
}

std::vector<TermMatch> MatchTerms(const TextIndex& index, std::string_view q, bool prefix) {
  std::vector<TermMatch> out;
  q = q.substr(0, kMaxToken);
  const uint32_t n = static_cast<uint32_t>(index.term_count());
  if (q.empty() || n == 0) return out;
  const int budget = TypoBudget(q);
  const size_t m = q.size();
  if (budget == 0) {  // exact word, or exact prefix: one binary search
    if (prefix) {
      auto [b, e] = index.PrefixRange(q);
      for (uint32_t t = b; t < e; ++t)
        out.push_back({t, static_cast<uint8_t>(index.term(t) == q ? 0 : 1)});
    } else if (int64_t t = index.Find(q); t >= 0) {
      out.push_back({static_cast<uint32_t>(t), 0});
    }
    return out;
  }

  // DP rows along the current trie path: rows[d][j] = OSA(path[0..d), q[0..j)).
  std::vector<std::array<int, kMaxToken + 1>> rows(1);
  std::vector<int> row_min(1, 0), best_pre(1, kInf);
  for (size_t j = 0; j <= m; ++j) rows[0][j] = static_cast<int>(j);
  std::string path;

  uint32_t i = 0;
  while (i < n) {
    std::string_view t = index.term(i);
    // Budget left for the DP once the first-letter penalty is paid.
    const int penalty = static_cast<unsigned char>(t[0]) != static_cast<unsigned char>(q[0]);
    const int be = budget - penalty;
    // A term starting with another byte than q differs from q, so its
    // distance is at least 1 on top of the penalty: with fewer typos left,
    // no term with this first byte can match.
    if (be < penalty) {
      i = index.SkipPrefix(i, 1);
      continue;
    }
    size_t valid = 0;
    while (valid < path.size() && valid < t.size() && path[valid] == t[valid]) ++valid;
    path.resize(valid);
    bool skipped = false;
    for (size_t d = valid + 1; d <= t.size(); ++d) {
      if (rows.size() <= d) rows.resize(d + 1), row_min.resize(d + 1), best_pre.resize(d + 1);
      const char c = t[d - 1];
      const int mn = OsaRow(q, d, c, d > 1 ? t[d - 2] : 0, d > 1 ? rows[d - 2].data() : nullptr,
                            rows[d - 1].data(), rows[d].data());
      row_min[d] = mn;
      best_pre[d] = std::min(best_pre[d - 1], rows[d][m]);
      path.push_back(c);
      // No deeper row can come back within budget (each is at least the
      // smaller of this row's minimum and the previous row's minimum + 1).
      if (mn > be && row_min[d - 1] >= be) {
        uint32_t end = index.SkipPrefix(i, d);
        if (prefix && best_pre[d] <= be) {
          // Every term below matched already as a prefix and cannot do better.
          const int cost = best_pre[d] + penalty;
          for (uint32_t k = i; k < end; ++k) out.push_back({k, static_cast<uint8_t>(2 * cost + 1)});
        }
        i = end;
        skipped = true;
        break;
      }
    }
    if (skipped) continue;
    const int full = rows[t.size()][m];
    int quality = kInf;
    if (full <= be) quality = 2 * (full + penalty);
    // A proper prefix (shorter than the term) matching.
    if (prefix && t.size() > 1 && best_pre[t.size() - 1] <= be)
      quality = std::min(quality, 2 * (best_pre[t.size() - 1] + penalty) + 1);
    if (quality != kInf) out.push_back({i, static_cast<uint8_t>(quality)});
    ++i;
  }
  return out;
}

}  // namespace meridian
