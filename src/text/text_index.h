// TextIndex: the searchable words of every snapshot row, in both directions.
//
//   vocabulary  every distinct token, sorted bytewise (so a prefix is a range
//               and the sorted list walks as an implicit trie, see fuzzy.h);
//   postings    per term: the rows that contain it, ascending;
//   forward     per row: its term ids, ascending (filters a candidate row
//               against a query token without touching the record).
//
// Built once by BuildTextIndex() when a snapshot is written (ingest, update)
// and stored as snapshot sections; TextIndex reads them in place, so loading
// costs nothing per row.
//
// Thread safety: TextIndex is immutable; any number of threads may read.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace meridian {

// What BuildTextIndex produces: the arrays of the snapshot's text sections.
struct TextIndexData {
  std::string vocab;                // terms, concatenated in sorted order
  std::vector<uint32_t> vocab_off;  // terms + 1 offsets into vocab
  std::vector<uint32_t> post_off;   // terms + 1 offsets into postings
  std::vector<uint32_t> postings;   // row ids
  std::vector<uint32_t> fwd_off;    // rows + 1 offsets into fwd
  std::vector<uint32_t> fwd;        // term ids
};

// `text` holds every row's tokens (space-separated, as AppendNormalizedTokens
// writes them), row i at [text_off[i], text_off[i+1]). Duplicate tokens in a
// row count once. REQUIRES: text_off.size() == rows + 1, ascending.
TextIndexData BuildTextIndex(std::string_view text, std::span<const uint64_t> text_off);

class TextIndex {
 public:
  TextIndex() = default;
  // Views over the sections. Validate() must pass before any other call.
  TextIndex(std::string_view vocab, std::span<const uint32_t> vocab_off,
            std::span<const uint32_t> post_off, std::span<const uint32_t> postings,
            std::span<const uint32_t> fwd_off, std::span<const uint32_t> fwd)
      : vocab_(vocab),
        vocab_off_(vocab_off),
        post_off_(post_off),
        postings_(postings),
        fwd_off_(fwd_off),
        fwd_(fwd) {}

  // Bounds only (O(rows + terms + postings)): offsets ascending and ending at
  // their arrays' sizes, ids in range. Safe to call on any bytes.
  Status Validate(size_t rows) const;
  // Everything else: terms strictly ascending and non-empty, postings and
  // forward lists strictly ascending, and each the exact transpose of the other.
  Status CheckInvariants() const;

  size_t term_count() const { return vocab_off_.empty() ? 0 : vocab_off_.size() - 1; }
  std::string_view term(uint32_t id) const {
    return vocab_.substr(vocab_off_[id], vocab_off_[id + 1] - vocab_off_[id]);
  }
  std::span<const uint32_t> postings(uint32_t id) const {
    return postings_.subspan(post_off_[id], post_off_[id + 1] - post_off_[id]);
  }
  std::span<const uint32_t> row_terms(size_t row) const {
    return fwd_.subspan(fwd_off_[row], fwd_off_[row + 1] - fwd_off_[row]);
  }
  // Hints that row_terms(row) is read soon, for a loop over rows in random
  // order: its offsets first, then, once they are likely in cache, its terms.
  void PrefetchOffsets(size_t row) const { __builtin_prefetch(fwd_off_.data() + row); }
  void PrefetchTerms(size_t row) const { __builtin_prefetch(fwd_.data() + fwd_off_[row]); }
  // Id of `token`, or -1.
  int64_t Find(std::string_view token) const;
  // [first, last) ids of the terms starting with `prefix`.
  std::pair<uint32_t, uint32_t> PrefixRange(std::string_view prefix) const;
  // First id >= `from` whose term does not start with term(from)[0..len).
  // After BuildSkips() a few steps over small arrays; before, a galloping
  // search with string compares.
  uint32_t SkipPrefix(uint32_t from, size_t len) const;

  // Builds the tables SkipPrefix walks (O(terms + vocabulary bytes); 5
  // bytes a term): for each term, the length of the prefix it shares with
  // the term before it, and the next term sharing less. REQUIRES:
  // Validate() passed. Terms out of order (a damaged file that
  // CheckInvariants would refuse) give wrong skips, never a read out of
  // bounds.
  void BuildSkips();
  // Bytes held by the skip tables.
  size_t skip_bytes() const { return lcp_.size() + next_shorter_.size() * sizeof(uint32_t); }

 private:
  uint32_t LowerBound(std::string_view key, uint32_t lo, uint32_t hi) const;
  // First id >= `from` whose term does not start with `prefix`.
  // REQUIRES: the terms from `from` on that start with it come first.
  uint32_t EndOfPrefix(std::string_view prefix, uint32_t from) const;

  std::string_view vocab_;
  std::span<const uint32_t> vocab_off_, post_off_, postings_, fwd_off_, fwd_;
  // BuildSkips(): lcp_[t] = the prefix term t shares with term t-1 (0 for
  // the first; capped at kMaxLcp); next_shorter_[t] = the first t' > t with
  // lcp_[t'] < lcp_[t], or term_count(). Empty until built.
  static constexpr size_t kMaxLcp = 255;
  std::vector<uint8_t> lcp_;
  std::vector<uint32_t> next_shorter_;
};

}  // namespace meridian
