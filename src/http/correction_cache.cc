#include "http/correction_cache.h"

#include <algorithm>

#include "geo/states.h"
#include "geo/zcta.h"

namespace meridian {

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

CorrectionCache::~CorrectionCache() {
  std::lock_guard<std::mutex> lock(thread_mu_);
  if (refresher_.joinable()) refresher_.join();
}

std::shared_ptr<const CorrectionMap> CorrectionCache::Current() {
  if (store_ == nullptr || NowNs() < next_ns_.load() || refreshing_.exchange(true)) return Map();
  // This request starts the reload; it and every other go on with this copy.
  std::lock_guard<std::mutex> lock(thread_mu_);
  if (refresher_.joinable()) refresher_.join();  // the last one has finished
  refresher_ = std::thread([this] {
    (void)Reload();
    refreshing_ = false;
  });
  return Map();
}

Status CorrectionCache::Reload() {
  if (store_ == nullptr) return Status::OK();
  std::lock_guard<std::mutex> one(load_mu_);
  auto all = store_->ListCorrections("");
  const int64_t now = NowNs();
  if (!all.ok()) {
    const auto retry = std::min<std::chrono::milliseconds>(max_age_, std::chrono::seconds(1));
    next_ns_ = now + std::chrono::nanoseconds(retry).count();
    return all.status();
  }
  auto fresh = std::make_shared<CorrectionMap>();
  for (store::Correction& c : *all)
    if (c.status != "retired") (*fresh)[c.npi].push_back(std::move(c));
  std::shared_ptr<const CorrectionMap> next = std::move(fresh);
  {
    std::lock_guard<std::mutex> lock(map_mu_);
    map_.swap(next);
  }  // the old map is freed outside the lock
  next_ns_ = now + std::chrono::nanoseconds(max_age_).count();
  return Status::OK();
}

namespace {

bool MovesListing(const store::Correction& c) {
  return c.status != "retired" && (c.field == "address" || c.field == "not_practising_here");
}

}  // namespace

LocationOverrides OverridesFor(const Snapshot& snap, const CorrectionMap& corrections) {
  LocationOverrides out;
  for (const auto& [npi, list] : corrections) {
    const int64_t row = snap.Find(npi);
    if (row < 0) continue;
    auto now = snap.locations(static_cast<size_t>(row));
    if (now.empty()) continue;
    std::vector<snapshot::LocationHot> locs(now.begin(), now.end());
    bool changed = false;
    for (const store::Correction& c : list) {  // in id order: the newest wins
      if (!MovesListing(c)) continue;
      if (c.field == "not_practising_here") {
        locs[0].precision = static_cast<uint8_t>(GeoPrecision::kNone);
        changed = true;
        continue;
      }
      // line1|city|state|zip
      const size_t p3 = c.value.rfind('|');
      const size_t p2 = p3 == std::string::npos ? p3 : c.value.rfind('|', p3 - 1);
      if (p2 == std::string::npos) continue;
      LatLon at;
      if (!ZctaTable::Embedded().Find(c.value.substr(p3 + 1, 5), &at)) continue;
      locs[0].lat = static_cast<float>(at.lat), locs[0].lon = static_cast<float>(at.lon);
      locs[0].precision = static_cast<uint8_t>(GeoPrecision::kZipCentroid);
      locs[0].state = StateTable::Embedded().Id(c.value.substr(p2 + 1, p3 - p2 - 1));
      changed = true;
    }
    if (changed) out.emplace(static_cast<uint32_t>(row), std::move(locs));
  }
  return out;
}

std::string LocationKey(const CorrectionMap& corrections) {
  std::vector<std::string> parts;
  for (const auto& [npi, list] : corrections)
    for (const store::Correction& c : list)
      if (MovesListing(c)) parts.push_back(std::to_string(c.id));
  std::sort(parts.begin(), parts.end());
  std::string key;
  for (const std::string& p : parts) key += p + ",";
  return key;
}

}  // namespace meridian
