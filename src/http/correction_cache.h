// CorrectionCache: the editors' corrections of listings, held in memory so a
// search or a profile never waits on the store. Reloaded from the store when
// it is older than `max_age` (the request that notices pays one query; the
// others keep the copy they have) and right away after this server's console
// changes one (Invalidate). A store that is down keeps the last copy.
//
// Thread safety: Current() and Invalidate() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "index/location_view.h"
#include "snapshot/snapshot.h"
#include "store/store.h"

namespace meridian {

using CorrectionMap = std::unordered_map<uint32_t, std::vector<store::Correction>>;

class CorrectionCache {
 public:
  CorrectionCache(store::Store* store, std::chrono::milliseconds max_age)
      : store_(store), max_age_(max_age) {}

  // The corrections that are not retired, by NPI (never null).
  std::shared_ptr<const CorrectionMap> Current();
  void Invalidate() { stale_ = true; }

 private:
  store::Store* store_;
  const std::chrono::milliseconds max_age_;
  // Read on every search: no lock on the way to a fresh copy.
  std::atomic<std::shared_ptr<const CorrectionMap>> map_{std::make_shared<CorrectionMap>()};
  std::atomic<int64_t> loaded_ns_{0};  // steady clock, when map_ was read from the store
  std::atomic<bool> stale_{true};
  std::mutex load_mu_;  // one reload at a time
};

// Where the corrections put listings, for the search index: a corrected
// practice address moves location 0 to its ZIP's point (a ZIP we cannot
// place leaves it where NPPES has it); "no longer practising here" takes
// location 0 out of place searches. Rows not in `snap` are skipped.
LocationOverrides OverridesFor(const Snapshot& snap, const CorrectionMap& corrections);
// The location-changing corrections in one string: an index built for one
// key is current for another with the same key.
std::string LocationKey(const CorrectionMap& corrections);

}  // namespace meridian
