#include "index/place_postings.h"

#include <algorithm>
#include <string>
#include <thread>

namespace meridian {

namespace {

// The row of entry e (single entries first, then multi entries).
uint32_t EntryRow(const GeoGrid& grid, size_t e) {
  const size_t singles = grid.single_entries();
  return e < singles ? grid.all_single_rows()[e] : grid.all_multi_rows()[e - singles];
}

}  // namespace

PlacePostings PlacePostings::Build(const TextIndex& text, const GeoGrid& grid,
                                   const std::atomic<bool>* stop) {
  PlacePostings p;
  const size_t terms = text.term_count();
  const size_t entries = grid.single_entries() + grid.multi_entries();
  // Two halves of the entries, each counted and then placed by its own
  // thread: the first half's postings of a term come before the second's,
  // so every list comes out ascending with no sort.
  const size_t half = entries / 2;
  std::vector<uint32_t> count_a(terms, 0), count_b(terms, 0);
  // Entries are in place order, rows in NPI order: each row's terms are a
  // random read, prefetched a few entries ahead.
  constexpr size_t kAhead = 16;
  auto prefetch = [&](size_t e, size_t to) {
    if (e + kAhead < to) text.PrefetchOffsets(EntryRow(grid, e + kAhead));
    if (e + kAhead / 2 < to) text.PrefetchTerms(EntryRow(grid, e + kAhead / 2));
  };
  auto stopped = [&](size_t e) {
    return (e & 0xFFFF) == 0 && stop != nullptr && stop->load(std::memory_order_relaxed);
  };
  auto count = [&](size_t from, size_t to, std::vector<uint32_t>* n) {
    for (size_t e = from; e < to; ++e) {
      if (stopped(e)) return;
      prefetch(e, to);
      for (uint32_t t : text.row_terms(EntryRow(grid, e))) ++(*n)[t];
    }
  };
  std::thread second([&] { count(half, entries, &count_b); });
  count(0, half, &count_a);
  second.join();
  p.off_.resize(terms + 1);
  uint64_t total = 0;
  for (size_t t = 0; t < terms; ++t) {
    p.off_[t] = static_cast<uint32_t>(total);
    total += uint64_t{count_a[t]} + count_b[t];
  }
  // Stopped while counting (the counts are short), or more postings than
  // 32-bit offsets hold: no place postings (text searches keep to rows).
  if ((stop != nullptr && stop->load(std::memory_order_relaxed)) || total > UINT32_MAX)
    return PlacePostings();
  p.off_[terms] = static_cast<uint32_t>(total);
  p.entries_.reset(new uint32_t[total]);  // not zeroed: every slot is written below
  p.size_ = total;
  // The counts become each half's next write position per term.
  for (size_t t = 0; t < terms; ++t) {
    count_b[t] = p.off_[t] + count_a[t];
    count_a[t] = p.off_[t];
  }
  auto place = [&](size_t from, size_t to, std::vector<uint32_t>* at) {
    for (size_t e = from; e < to; ++e) {
      if (stopped(e)) return;
      prefetch(e, to);
      for (uint32_t t : text.row_terms(EntryRow(grid, e)))
        p.entries_[(*at)[t]++] = static_cast<uint32_t>(e);
    }
  };
  std::thread second_place([&] { place(half, entries, &count_b); });
  place(0, half, &count_a);
  second_place.join();
  return p;
}

Status PlacePostings::CheckInvariants(const TextIndex& text, const GeoGrid& grid) const {
  const size_t terms = text.term_count();
  const size_t entries = grid.single_entries() + grid.multi_entries();
  if (empty()) return Status::OK();  // none built: text searches keep to rows
  if (off_.size() != terms + 1 || off_.back() != size_)
    return Status::Corruption("place postings: offsets do not match the terms");
  uint64_t want = 0;
  for (size_t e = 0; e < entries; ++e) want += text.row_terms(EntryRow(grid, e)).size();
  if (want != size_)
    return Status::Corruption("place postings: " + std::to_string(size_) +
                              " postings, the entries' rows hold " + std::to_string(want));
  for (uint32_t t = 0; t < terms; ++t) {
    if (off_[t] > off_[t + 1]) return Status::Corruption("place postings: offsets descend");
    std::span<const uint32_t> list = postings(t);
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i] >= entries || (i > 0 && list[i] <= list[i - 1]))
        return Status::Corruption("place postings: term " + std::to_string(t) +
                                  " not strictly ascending entries");
      std::span<const uint32_t> held = text.row_terms(EntryRow(grid, list[i]));
      if (!std::binary_search(held.begin(), held.end(), t))
        return Status::Corruption("place postings: entry " + std::to_string(list[i]) +
                                  " listed under a term its row does not hold");
    }
  }
  return Status::OK();
}

}  // namespace meridian
