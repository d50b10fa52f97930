// CorrectionCache: the editors' corrections of listings, held in memory so a
// search or a profile never waits on the store. When the copy is older than
// `max_age`, the request that notices starts a reload on a background thread
// and, like every other, goes on with the copy it has. Reload() reads the
// store at once, on the caller's thread (this server's console after it
// changes one, a snapshot reload). A store that is down keeps the last copy
// and is tried again a second later.
//
// Thread safety: Current() and Reload() may be called from any thread;
// Reload() waits on the store, so never from a server's I/O thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
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
  ~CorrectionCache();

  // The corrections that are not retired, by NPI (never null). Never waits.
  std::shared_ptr<const CorrectionMap> Current();
  // Reads the store now. OK, or the store's error (the last copy stays).
  Status Reload();

 private:
  store::Store* store_;
  const std::chrono::milliseconds max_age_;
  // Read on every search, behind a mutex held only to copy the pointer
  // (libstdc++'s atomic<shared_ptr> spins on a bit ThreadSanitizer cannot
  // see, so it reported a race between Reload and Current).
  std::shared_ptr<const CorrectionMap> Map() const {
    std::lock_guard<std::mutex> lock(map_mu_);
    return map_;
  }
  mutable std::mutex map_mu_;
  std::shared_ptr<const CorrectionMap> map_ = std::make_shared<CorrectionMap>();
  std::atomic<int64_t> next_ns_{0};  // steady clock: when Current() starts a reload
  std::mutex load_mu_;               // one reload at a time
  std::atomic<bool> refreshing_{false};
  std::mutex thread_mu_;
  std::thread refresher_;
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
