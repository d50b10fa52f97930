// SiteTable: distinct (lat, lon) points, numbered in order of first
// appearance, keyed by the float coordinates' bits (so -0.0 and 0.0 are two
// sites, as two spellings in the data would be). Open addressing with linear
// probing, doubled at half full: GeoGrid::Build looks up millions of points,
// and std::unordered_map is several times slower.
//
// Thread safety: none (one builder).
#pragma once

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

namespace meridian {

class SiteTable {
 public:
  explicit SiteTable(size_t initial_slots = 1 << 16) : table_(RoundUp(initial_slots), kEmpty) {}

  // The id of the site at (lat, lon), added when new.
  uint32_t Id(float lat, float lon) {
    const uint64_t key = KeyOf(lat, lon);
    size_t at = Slot(key);
    if (table_[at].second != kNone) return table_[at].second;
    if (2 * (coords_.size() + 1) > table_.size()) {
      Grow();
      at = Slot(key);
    }
    table_[at] = {key, static_cast<uint32_t>(coords_.size())};
    coords_.emplace_back(lat, lon);
    return table_[at].second;
  }
  // Each site's (lat, lon), by id.
  const std::vector<std::pair<float, float>>& coords() const { return coords_; }
  size_t slots() const { return table_.size(); }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr std::pair<uint64_t, uint32_t> kEmpty{0, kNone};
  static size_t RoundUp(size_t n) {
    size_t p = 16;
    while (p < n) p *= 2;
    return p;
  }
  static uint64_t KeyOf(float lat, float lon) {
    uint32_t la, lo;
    std::memcpy(&la, &lat, 4), std::memcpy(&lo, &lon, 4);
    return (uint64_t{la} << 32) | lo;
  }
  size_t Slot(uint64_t key) const {
    const size_t mask = table_.size() - 1;
    size_t h = (key * 0x9E3779B97F4A7C15ull) >> 20;
    while (table_[h & mask].second != kNone && table_[h & mask].first != key) ++h;
    return h & mask;
  }
  void Grow() {
    std::vector<std::pair<uint64_t, uint32_t>> old(table_.size() * 2, kEmpty);
    old.swap(table_);
    for (const auto& e : old)
      if (e.second != kNone) table_[Slot(e.first)] = e;
  }

  std::vector<std::pair<uint64_t, uint32_t>> table_;  // (key, id) or kEmpty
  std::vector<std::pair<float, float>> coords_;
};

}  // namespace meridian
