// Typo-tolerant matching of query tokens against the vocabulary.
//
// Rules (fixed, tested against a brute-force DP over the whole vocabulary):
//   - budget: 0 typos for tokens under 5 characters, 1 for 5–8, 2 for 9+;
//   - a typo is one insertion, deletion, substitution or swap of adjacent
//     bytes (optimal string alignment distance);
//   - a term whose first letter differs from the token's costs one typo
//     more, so "dental" (6 letters, 1 typo allowed) never finds "mental";
//   - prefix mode (the last token, as-you-type): a term also matches when
//     one of its prefixes is within budget ("joh" finds "johnson").
// A match's quality orders results: 2 × typos, plus 1 when only a prefix of
// the term matched. Exact full-word matches have quality 0 and rank first.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "text/text_index.h"

namespace meridian {

struct TermMatch {
  uint32_t term;
  uint8_t quality;
  bool operator==(const TermMatch&) const = default;
};

int TypoBudget(std::string_view token);
// Typo cost of query token q against the whole term t (OSA distance + the
// first-letter penalty), capped at `cap`+1.
int TypoCost(std::string_view q, std::string_view t);

// Every term matching q, ascending by term id. Walks the sorted vocabulary as
// a trie, pruning subtrees that cannot come within budget.
std::vector<TermMatch> MatchTerms(const TextIndex& index, std::string_view q, bool prefix);

// The same by brute force: TypoCost against every term and every prefix of
// every term. For tests.
std::vector<TermMatch> MatchTermsBrute(const TextIndex& index, std::string_view q, bool prefix);

// The quality of a term for a token, from brute force (as MatchTermsBrute
// rates it); -1 when it does not match. For the scan oracle.
int MatchQuality(std::string_view q, std::string_view term, bool prefix);

// MatchQuality's answer for one token against many terms, for the request
// path: the token's budget is worked out once; a term whose length or first
// letter cannot come within budget is refused before any distance is
// computed; and the distances to the term and to all its prefixes come from
// one pass over the term (DP rows on the stack, stopped once no later row can
// come within budget). Tens of nanoseconds for most town names, where
// MatchQuality allocates a matrix per prefix. Keeps a view of q: q must
// outlive it.
class TermRater {
 public:
  explicit TermRater(std::string_view q);
  // MatchQuality(q, term, prefix).
  int Rate(std::string_view term, bool prefix) const;
  // False when no term starting with byte `first` and at most `max_len`
  // bytes long can match (to skip building a term); true may still not match.
  bool MayMatch(char first, size_t max_len) const;

 private:
  std::string_view q_;
  int budget_;
};

}  // namespace meridian
