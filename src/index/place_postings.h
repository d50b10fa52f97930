// PlacePostings: the text index's postings in the grid's order. Per term,
// the grid entries (a row standing on a site) whose row holds the term,
// ascending. Entries are numbered as the grid keeps them: single entries
// 0 .. single_entries() - 1, then multi entries from single_entries() on
// (multi entry k is single_entries() + k).
//
// Why: sites are numbered in cell order, so the entries near a point are a
// few ranges (GeoGrid::SiteRangesNear), and a word's rows there are found
// by binary search in its place postings instead of reading every posting
// in the country and every row near the point. A common word within 50
// miles of Manhattan reads the matches there, not 200,000 postings and
// 730,000 rows.
//
// Built from the text index and the grid after a snapshot is opened (not
// stored: it follows the grid, which follows location overrides). Rows
// without a geocoded point have no entries and are in no place postings.
//
// Thread safety: immutable after Build(); any number of threads may read.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "index/geo_grid.h"
#include "text/text_index.h"
#include "util/status.h"

namespace meridian {

class PlacePostings {
 public:
  PlacePostings() = default;
  // O(entries × terms per row), two threads. When `*stop` turns true it
  // returns early with an unusable (possibly partial) result: the caller
  // asked for it to stop and discards it.
  static PlacePostings Build(const TextIndex& text, const GeoGrid& grid,
                             const std::atomic<bool>* stop = nullptr);

  bool empty() const { return off_.empty(); }
  // The entries whose row holds `term`, ascending. REQUIRES: !empty().
  std::span<const uint32_t> postings(uint32_t term) const {
    return std::span<const uint32_t>(entries_.get() + off_[term], off_[term + 1] - off_[term]);
  }
  size_t memory_bytes() const {
    return off_.capacity() * sizeof(uint32_t) + size_ * sizeof(uint32_t);
  }
  // Empty (none built), or each term's list strictly ascending, every entry in it standing for a
  // row that holds the term, and as many postings as the entries' rows
  // hold terms (so no entry is missing from a list).
  Status CheckInvariants(const TextIndex& text, const GeoGrid& grid) const;

 private:
  std::vector<uint32_t> off_;            // terms + 1 offsets into entries_
  std::unique_ptr<uint32_t[]> entries_;  // per term, ascending
  size_t size_ = 0;                      // of entries_
};

}  // namespace meridian
