#include "text/text_index.h"

#include <algorithm>
#include <numeric>

#include "text/normalize.h"

namespace meridian {

TextIndexData BuildTextIndex(std::string_view text, std::span<const uint64_t> text_off) {
  TextIndexData d;
  const size_t rows = text_off.empty() ? 0 : text_off.size() - 1;
  // Pass 1: provisional ids in order of first appearance. Tens of millions
  // of lookups: open addressing (linear probing, FNV-1a), doubled at half full.
  std::vector<uint32_t> table(1 << 16, UINT32_MAX);
  std::vector<std::string_view> terms;
  std::vector<uint64_t> hashes;
  auto hash = [](std::string_view s) {
    uint64_t h = 1469598103934665603ull;
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return h;
  };
  auto id_of = [&](std::string_view w) -> uint32_t {
    const uint64_t h = hash(w);
    size_t mask = table.size() - 1, at = h & mask;
    while (table[at] != UINT32_MAX) {
      if (hashes[table[at]] == h && terms[table[at]] == w) return table[at];
      at = (at + 1) & mask;
    }
    if (2 * (terms.size() + 1) > table.size()) {
      table.assign(table.size() * 2, UINT32_MAX);
      mask = table.size() - 1;
      for (uint32_t id = 0; id < terms.size(); ++id) {
        size_t a = hashes[id] & mask;
        while (table[a] != UINT32_MAX) a = (a + 1) & mask;
        table[a] = id;
      }
      at = h & mask;
      while (table[at] != UINT32_MAX) at = (at + 1) & mask;
    }
    table[at] = static_cast<uint32_t>(terms.size());
    terms.push_back(w);
    hashes.push_back(h);
    return table[at];
  };
  d.fwd_off.reserve(rows + 1);
  d.fwd_off.push_back(0);
  for (size_t r = 0; r < rows; ++r) {
    std::string_view row = text.substr(text_off[r], text_off[r + 1] - text_off[r]);
    size_t at = 0;
    while (at < row.size()) {
      size_t end = row.find(' ', at);
      if (end == std::string_view::npos) end = row.size();
      if (end > at) d.fwd.push_back(id_of(row.substr(at, end - at)));
      at = end + 1;
    }
    d.fwd_off.push_back(static_cast<uint32_t>(d.fwd.size()));
  }
  // Final ids in sorted term order.
  std::vector<uint32_t> order(terms.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return terms[a] < terms[b]; });
  std::vector<uint32_t> remap(terms.size());
  d.vocab_off.push_back(0);
  for (uint32_t k = 0; k < order.size(); ++k) {
    remap[order[k]] = k;
    d.vocab.append(terms[order[k]]);
    d.vocab_off.push_back(static_cast<uint32_t>(d.vocab.size()));
  }
  // Rewrite each row's ids, sorted and unique (compacting in place).
  size_t out = 0;
  for (size_t r = 0; r < rows; ++r) {
    const size_t b = d.fwd_off[r], e = d.fwd_off[r + 1];
    for (size_t k = b; k < e; ++k) d.fwd[k] = remap[d.fwd[k]];
    std::sort(d.fwd.begin() + static_cast<long>(b), d.fwd.begin() + static_cast<long>(e));
    d.fwd_off[r] = static_cast<uint32_t>(out);
    for (size_t k = b; k < e; ++k)
      if (k == b || d.fwd[k] != d.fwd[k - 1]) d.fwd[out++] = d.fwd[k];
  }
  if (rows > 0) d.fwd_off[rows] = static_cast<uint32_t>(out);
  d.fwd.resize(out);
  d.fwd.shrink_to_fit();
  // Postings: the transpose (counting sort; rows visited in order, so each list is ascending).
  d.post_off.assign(terms.size() + 1, 0);
  for (uint32_t t : d.fwd) ++d.post_off[t + 1];
  for (size_t t = 0; t < terms.size(); ++t) d.post_off[t + 1] += d.post_off[t];
  d.postings.resize(d.fwd.size());
  std::vector<uint32_t> fill(d.post_off.begin(), d.post_off.end() - 1);
  for (size_t r = 0; r < rows; ++r)
    for (size_t k = d.fwd_off[r]; k < d.fwd_off[r + 1]; ++k)
      d.postings[fill[d.fwd[k]]++] = static_cast<uint32_t>(r);
  return d;
}

Status TextIndex::Validate(size_t rows) const {
  auto offsets_ok = [](std::span<const uint32_t> off, size_t count, size_t end) {
    if (off.size() != count + 1 || off[0] != 0 || off[count] != end) return false;
    for (size_t i = 0; i < count; ++i)
      if (off[i] > off[i + 1]) return false;
    return true;
  };
  const size_t terms = vocab_off_.empty() ? 0 : vocab_off_.size() - 1;
  if (!offsets_ok(vocab_off_, terms, vocab_.size()))
    return Status::Corruption("text vocabulary offsets are malformed");
  if (!offsets_ok(post_off_, terms, postings_.size()))
    return Status::Corruption("text postings offsets are malformed");
  if (!offsets_ok(fwd_off_, rows, fwd_.size()))
    return Status::Corruption("text forward offsets are malformed");
  for (uint32_t r : postings_)
    if (r >= rows) return Status::Corruption("text postings name a row out of range");
  for (uint32_t t : fwd_)
    if (t >= terms) return Status::Corruption("text forward lists name a term out of range");
  return Status::OK();
}

Status TextIndex::CheckInvariants() const {
  const size_t terms = term_count();
  for (uint32_t t = 0; t < terms; ++t) {
    if (term(t).empty()) return Status::Corruption("empty term " + std::to_string(t));
    if (term(t).find(' ') != std::string_view::npos)
      return Status::Corruption("term with a space: " + std::string(term(t)));
    if (t > 0 && !(term(t - 1) < term(t)))
      return Status::Corruption("terms not strictly ascending at " + std::to_string(t));
    auto p = postings(t);
    if (p.empty()) return Status::Corruption("term without rows: " + std::string(term(t)));
    for (size_t k = 1; k < p.size(); ++k)
      if (p[k] <= p[k - 1]) return Status::Corruption("postings not ascending");
  }
  // Transpose check: walking rows in order, each (row, term) pair must be the
  // next unread posting of that term, and every posting must be read.
  std::vector<uint32_t> next(terms, 0);
  const size_t rows = fwd_off_.size() - 1;
  for (size_t r = 0; r < rows; ++r) {
    auto f = row_terms(r);
    for (size_t k = 0; k < f.size(); ++k) {
      if (k > 0 && f[k] <= f[k - 1]) return Status::Corruption("forward list not ascending");
      auto p = postings(f[k]);
      if (next[f[k]] >= p.size() || p[next[f[k]]] != r)
        return Status::Corruption("forward list of row " + std::to_string(r) +
                                  " disagrees with the postings");
      ++next[f[k]];
    }
  }
  for (uint32_t t = 0; t < terms; ++t)
    if (next[t] != postings(t).size())
      return Status::Corruption("postings of '" + std::string(term(t)) + "' name extra rows");
  return Status::OK();
}

uint32_t TextIndex::LowerBound(std::string_view key, uint32_t lo, uint32_t hi) const {
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (term(mid) < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

int64_t TextIndex::Find(std::string_view token) const {
  uint32_t n = static_cast<uint32_t>(term_count());
  uint32_t at = LowerBound(token, 0, n);
  return at < n && term(at) == token ? static_cast<int64_t>(at) : -1;
}

uint32_t TextIndex::EndOfPrefix(std::string_view prefix, uint32_t from) const {
  const uint32_t n = static_cast<uint32_t>(term_count());
  if (from >= n || !term(from).starts_with(prefix)) return from;
  // Galloping from `from`: the range is usually a small subtree of the
  // sorted terms (a fuzzy match skips thousands of them a query), so a few
  // probes near `from` bound it, then a binary search inside the bound.
  uint32_t lo = from + 1, hi = n;
  for (uint32_t step = 1; lo < n; step *= 2) {
    const uint32_t probe = n - lo > step ? lo + step - 1 : n - 1;
    if (!term(probe).starts_with(prefix)) {
      hi = probe;
      break;
    }
    lo = probe + 1;
  }
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (term(mid).starts_with(prefix))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

std::pair<uint32_t, uint32_t> TextIndex::PrefixRange(std::string_view prefix) const {
  const uint32_t n = static_cast<uint32_t>(term_count());
  const uint32_t first = LowerBound(prefix, 0, n);
  // The range, when there is one, starts at `first`: its end is a skip.
  if (first >= n || !term(first).starts_with(prefix)) return {first, first};
  return {first, SkipPrefix(first, prefix.size())};
}

uint32_t TextIndex::SkipPrefix(uint32_t from, size_t len) const {
  std::string_view t = term(from);
  len = std::min(len, t.size());
  const uint32_t n = static_cast<uint32_t>(term_count());
  if (lcp_.empty() || len >= kMaxLcp || from >= n) return EndOfPrefix(t.substr(0, len), from);
  if (len == 0) return n;  // every term starts with ""
  // Term j > from starts with term(from)[0..len) exactly when every lcp_
  // from from+1 to j is at least len. A term whose lcp_ is at least len
  // starts a stretch (up to its next_shorter_) of terms sharing at least as
  // much, so the walk jumps over it; each jump lands on a smaller lcp_.
  uint32_t j = from + 1;
  while (j < n && lcp_[j] >= len) j = next_shorter_[j];
  return j;
}

void TextIndex::BuildSkips() {
  const uint32_t n = static_cast<uint32_t>(term_count());
  lcp_.assign(n, 0);
  next_shorter_.assign(n, n);
  for (uint32_t t = 1; t < n; ++t) {
    const std::string_view a = term(t - 1), b = term(t);
    const size_t most = std::min({a.size(), b.size(), kMaxLcp});
    size_t k = 0;
    while (k < most && a[k] == b[k]) ++k;
    lcp_[t] = static_cast<uint8_t>(k);
  }
  // Next smaller value, with a stack of terms still waiting for theirs.
  std::vector<uint32_t> waiting;
  for (uint32_t t = 0; t < n; ++t) {
    while (!waiting.empty() && lcp_[waiting.back()] > lcp_[t]) {
      next_shorter_[waiting.back()] = t;
      waiting.pop_back();
    }
    waiting.push_back(t);
  }
}

}  // namespace meridian
