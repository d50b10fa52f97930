#include "http/correction_cache.h"

namespace meridian {

std::shared_ptr<const CorrectionMap> CorrectionCache::Current() {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (store_ == nullptr || (!stale_ && now - loaded_ < max_age_)) return map_;
  }
  // One request reloads; the others go on with the copy they have.
  std::unique_lock<std::mutex> one(load_mu_, std::try_to_lock);
  if (!one.owns_lock()) {
    std::lock_guard<std::mutex> lock(mu_);
    return map_;
  }
  stale_ = false;
  auto all = store_->ListCorrections("");
  std::lock_guard<std::mutex> lock(mu_);
  loaded_ = now;
  if (!all.ok()) {
    stale_ = true;  // try again on the next request; keep the last copy meanwhile
    return map_;
  }
  auto fresh = std::make_shared<CorrectionMap>();
  for (store::Correction& c : *all)
    if (c.status != "retired") (*fresh)[c.npi].push_back(std::move(c));
  map_ = std::move(fresh);
  return map_;
}

}  // namespace meridian
