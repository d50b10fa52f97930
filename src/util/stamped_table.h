// StampedTable<T>: a table of slots that can be made all-empty in O(1).
// Each slot carries the generation it was written in; NewGeneration() moves
// to the next one, so every older slot reads as empty without being touched
// (the whole table is cleared once every 2^32 generations, when the counter
// wraps). For per-thread scratch that marks a few slots per query out of
// millions, e.g. the sites within a radius.
//
// Thread safety: none; keep one per thread (thread_local).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace meridian {

template <class T>
class StampedTable {
 public:
  // `last_generation` lets tests start just before the counter wraps.
  explicit StampedTable(uint32_t last_generation = 0) : generation_(last_generation) {}

  // Starts a generation with at least `size` slots, all empty.
  void NewGeneration(size_t size) {
    if (slots_.size() < size) slots_.assign(size, Slot{});
    if (++generation_ == 0) {  // wrapped: clear every stamp once
      for (Slot& s : slots_) s.stamp = 0;
      generation_ = 1;
    }
  }
  void Set(size_t i, const T& value) { slots_[i] = Slot{value, generation_}; }
  // The slot's value if it was set in this generation, else nullptr.
  const T* Find(size_t i) const {
    return slots_[i].stamp == generation_ ? &slots_[i].value : nullptr;
  }

 private:
  struct Slot {
    T value{};
    uint32_t stamp = 0;
  };
  std::vector<Slot> slots_;
  uint32_t generation_;
};

}  // namespace meridian
