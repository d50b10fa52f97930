#include "http/correction_cache.h"

#include <algorithm>

#include "geo/states.h"
#include "geo/zcta.h"

namespace meridian {

std::shared_ptr<const CorrectionMap> CorrectionCache::Current() {
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  const int64_t max_age_ns = std::chrono::nanoseconds(max_age_).count();
  if (store_ == nullptr || (!stale_.load() && now - loaded_ns_.load() < max_age_ns))
    return map_.load();
  // One request reloads; the others go on with the copy they have.
  std::unique_lock<std::mutex> one(load_mu_, std::try_to_lock);
  if (!one.owns_lock()) return map_.load();
  stale_ = false;
  auto all = store_->ListCorrections("");
  loaded_ns_ = now;
  if (!all.ok()) {
    stale_ = true;  // try again on the next request; keep the last copy meanwhile
    return map_.load();
  }
  auto fresh = std::make_shared<CorrectionMap>();
  for (store::Correction& c : *all)
    if (c.status != "retired") (*fresh)[c.npi].push_back(std::move(c));
  std::shared_ptr<const CorrectionMap> out = std::move(fresh);
  map_.store(out);
  return out;
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
