// LocationView: a snapshot's geocoded locations as the search index sees
// them, with per-row replacements laid over (the editors' corrections: a
// corrected practice address is found at its new point, a listing that no
// longer practises there is not found there). The snapshot is never changed.
//
// Thread safety: immutable after construction.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "snapshot/format.h"
#include "snapshot/snapshot.h"

namespace meridian {

// Row -> its whole location list (same length and order as the snapshot's,
// so a location index still names the same NPPES address).
using LocationOverrides = std::unordered_map<uint32_t, std::vector<snapshot::LocationHot>>;

class LocationView {
 public:
  // Implicit: a snapshot alone is a view with nothing laid over.
  LocationView(const Snapshot& snap) : snap_(&snap) {}  // NOLINT(google-explicit-constructor)
  // REQUIRES: every override has the row's location count.
  LocationView(const Snapshot& snap, LocationOverrides overrides)
      : snap_(&snap), overrides_(std::move(overrides)) {}

  size_t size() const { return snap_->size(); }
  std::span<const snapshot::LocationHot> locations(size_t row) const {
    if (!overrides_.empty()) {
      auto it = overrides_.find(static_cast<uint32_t>(row));
      if (it != overrides_.end()) return it->second;
    }
    return snap_->locations(row);
  }
  const LocationOverrides& overrides() const { return overrides_; }

 private:
  const Snapshot* snap_;
  LocationOverrides overrides_;
};

}  // namespace meridian
