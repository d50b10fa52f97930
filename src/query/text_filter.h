// TextFilter: a query's words against the text index, for the executor.
// Per word, the matching terms (text/fuzzy.h); the rows (or, near a point,
// the grid entries) that match every word are marked in a bitmap from the
// postings alone, in row order (Mark) or in place order (MarkPlaces).
//
// Thread safety: immutable after construction; one per query.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "index/place_postings.h"
#include "query/executor.h"
#include "text/fuzzy.h"
#include "text/text_index.h"

namespace meridian {

// The query's words against the text index: per word, the matching terms
// (ascending ids, with quality). A row matches when every word matches one of
// its terms; its quality is the sum of each word's best.
class TextFilter {
 public:
  TextFilter(const TextIndex& ix, const std::vector<std::string>& words) : ix_(ix) {
    for (size_t k = 0; k < words.size(); ++k) {
      per_word_.push_back(MatchTerms(ix, words[k], k + 1 == words.size()));
      size_t n = 0;
      for (const TermMatch& m : per_word_.back()) n += ix_.postings(m.term).size();
      postings_.push_back(n);
    }
  }
  // Exact words (the NPPES name fields): each word's own term, or, for a
  // word marked prefix, every term starting with it; all of quality 0.
  TextFilter(const TextIndex& ix, const std::vector<std::pair<std::string, bool>>& exact)
      : ix_(ix) {
    for (const auto& [word, prefix] : exact) {
      std::vector<TermMatch> m;
      if (prefix) {
        const auto [first, last] = ix.PrefixRange(word);
        for (uint32_t t = first; t < last; ++t) m.push_back({t, 0});
      } else if (const int64_t t = ix.Find(word); t >= 0) {
        m.push_back({static_cast<uint32_t>(t), 0});
      }
      size_t n = 0;
      for (const TermMatch& x : m) n += ix_.postings(x.term).size();
      per_word_.push_back(std::move(m));
      postings_.push_back(n);
    }
  }
  bool active() const { return !per_word_.empty(); }
  bool impossible() const {
    for (const auto& m : per_word_)
      if (m.empty()) return true;
    return false;
  }
  // Sum of the words' best qualities over `row`'s terms, or -1.
  int Quality(size_t row) const {
    auto terms = ix_.row_terms(row);
    int sum = 0;
    for (const std::vector<TermMatch>& m : per_word_) {
      int best = -1;
      for (uint32_t t : terms) {
        auto it = std::lower_bound(m.begin(), m.end(), t,
                                   [](const TermMatch& a, uint32_t id) { return a.term < id; });
        if (it != m.end() && it->term == t && (best < 0 || it->quality < best)) best = it->quality;
      }
      if (best < 0) return -1;
      sum += best;
    }
    return sum;
  }
  // The word whose terms have the fewest postings, and that count.
  std::pair<size_t, size_t> Rarest() const {
    size_t best = 0, best_n = SIZE_MAX;
    for (size_t k = 0; k < postings_.size(); ++k)
      if (postings_[k] < best_n) best = k, best_n = postings_[k];
    return {best, best_n};
  }
  // Sets, in `acc` (one bit per row), exactly the rows that match every
  // word. `words` is the bitmaps' length in 64-bit words (rows / 64 + 1),
  // `tmp` scratch of that length. Word `rarest`'s postings set the bits;
  // each other word's postings set bits in `tmp`, which is then ANDed in,
  // through the rarest word's postings when they are few, else by one pass
  // over the whole bitmap (Dense() picks); `tmp` is cleared the same way.
  // REQUIRES: acc and tmp all zero; leaves tmp all zero. Undo with Unmark().
  void Mark(size_t rarest, uint64_t* acc, uint64_t* tmp, size_t words, MarkPlan plan) const {
    ForEachRow(rarest, [&](uint32_t row) { acc[row >> 6] |= Bit(row); });
    for (size_t k = 0; k < per_word_.size(); ++k) {
      if (k == rarest) continue;
      ForEachRow(k, [&](uint32_t row) { tmp[row >> 6] |= Bit(row); });
      if (Dense(postings_[rarest], words, plan)) {
        for (size_t i = 0; i < words; ++i) acc[i] &= tmp[i];
      } else {
        ForEachRow(rarest, [&](uint32_t row) { acc[row >> 6] &= tmp[row >> 6]; });  // idempotent
      }
      Clear(k, tmp, words, plan);
    }
  }
  // Zeroes every word of `acc` that Mark(rarest, acc, ..., words, plan) may have set.
  void Unmark(size_t rarest, uint64_t* acc, size_t words, MarkPlan plan) const {
    Clear(rarest, acc, words, plan);
  }
  // What Quality() costs, in binary-search steps: per word, log2 of its
  // matching terms, plus one.
  uint64_t RateLevels() const {
    uint64_t n = 0;
    for (const auto& m : per_word_) n += static_cast<uint64_t>(std::bit_width(m.size())) + 1;
    return n;
  }
  // The postings Mark(rarest, ...) reads at most (whole-bitmap passes read fewer).
  uint64_t MarkReads(size_t rarest) const {
    uint64_t n = 0;
    for (size_t k = 0; k < postings_.size(); ++k)
      n += postings_[k] * (k == rarest ? postings_.size() + 1 : 2);
    return n;
  }
  // Entries [begin, end) of the grid (place_postings.h) are bits [base,
  // base + end - begin) of a bitmap over the entries near a point.
  struct EntryRange {
    uint32_t begin, end, base;
    uint32_t first_site;  // the site of entry `begin`
  };
  // Sets, in `acc` (bits over `ranges`, `words` 64-bit words long), exactly
  // the entries of `ranges` whose row matches every word: each word's terms'
  // place postings within the ranges (binary search, or one merge when the
  // term has few), the other words' bits in `tmp` ANDed in by a pass over
  // the (small) bitmap. REQUIRES: acc and tmp all zero; leaves tmp all zero.
  void MarkPlaces(const PlacePostings& places, std::span<const EntryRange> ranges, size_t words,
                  uint64_t* acc, uint64_t* tmp) const {
    const size_t first = Rarest().first;
    for (const TermMatch& m : per_word_[first]) SetPlaces(places.postings(m.term), ranges, acc);
    for (size_t k = 0; k < per_word_.size(); ++k) {
      if (k == first) continue;
      for (const TermMatch& m : per_word_[k]) SetPlaces(places.postings(m.term), ranges, tmp);
      for (size_t i = 0; i < words; ++i) acc[i] &= tmp[i];
      std::fill(tmp, tmp + words, uint64_t{0});
    }
  }
  // f(row) for every posting of word k's terms (a row holding several of
  // them comes once per term).
  template <class F>
  void ForEachRow(size_t k, F f) const {
    for (const TermMatch& m : per_word_[k])
      for (uint32_t row : ix_.postings(m.term)) f(row);
  }
  static uint64_t Bit(uint32_t row) { return uint64_t{1} << (row & 63); }

 private:
  // Whether a pass over a whole bitmap of `words` beats `postings` random
  // accesses: a posting's read-modify-write costs about as much as a
  // sequential pass over kWordsPerPosting 64-bit words (bench_search
  // --mark-ab: at 1 M and 9 M the pass wins for the mix's text queries).
  static constexpr size_t kWordsPerPosting = 8;
  static bool Dense(size_t postings, size_t words, MarkPlan plan) {
    return plan == MarkPlan::kAuto ? postings * kWordsPerPosting > words
                                   : plan == MarkPlan::kWholeBitmap;
  }
  // Sets the bits of `bits` for the entries of `list` (ascending) in `ranges`.
  static void SetPlaces(std::span<const uint32_t> list, std::span<const EntryRange> ranges,
                        uint64_t* bits) {
    auto set = [&](const EntryRange& r, uint32_t e) {
      const uint32_t i = r.base + (e - r.begin);
      bits[i >> 6] |= Bit(i);
    };
    if (list.size() <= kMergeListPerRange * ranges.size()) {  // few: one merge
      size_t j = 0;
      for (uint32_t e : list) {
        while (j < ranges.size() && ranges[j].end <= e) ++j;
        if (j == ranges.size()) break;
        if (e >= ranges[j].begin) set(ranges[j], e);
      }
      return;
    }
    auto it = list.begin();
    for (const EntryRange& r : ranges) {
      it = std::lower_bound(it, list.end(), r.begin);
      for (; it != list.end() && *it < r.end; ++it) set(r, *it);
    }
  }
  // Below this many postings per range a merge beats a binary search per range.
  static constexpr size_t kMergeListPerRange = 8;

  // Zeroes the words of `bits` that word k's postings touch.
  void Clear(size_t k, uint64_t* bits, size_t words, MarkPlan plan) const {
    if (Dense(postings_[k], words, plan))
      std::fill(bits, bits + words, uint64_t{0});
    else
      ForEachRow(k, [&](uint32_t row) { bits[row >> 6] = 0; });
  }

  const TextIndex& ix_;
  std::vector<std::vector<TermMatch>> per_word_;
  std::vector<size_t> postings_;  // per word: the postings of its matching terms
};

}  // namespace meridian
