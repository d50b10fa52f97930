// "New near you": what a weekly NPPES update changed, found by comparing
// the snapshot before the update with the one after (both NPI columns are
// sorted, so one merge pass), and the changes within a subscriber's
// radius and kinds of care.
//
//   new       an NPI active now that was absent or deactivated before;
//   moved     an active NPI whose primary practice location moved (more
//             than a tenth of a mile);
//   left      an NPI active before that NPPES deactivated (or dropped),
//             placed where it practised before.
//
// Thread safety: WeekChanges is immutable after Diff(); Near() is const.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "knowledge/knowledge_base.h"
#include "knowledge/modality_map.h"
#include "snapshot/snapshot.h"
#include "util/status.h"

namespace meridian::digest {

struct ProviderChange {
  enum Kind : uint8_t { kNew, kMoved, kLeft };
  Kind kind = kNew;
  uint32_t npi = 0;
  float lat = 0, lon = 0;
  ModalityMask modalities = 0;
  std::string name;   // "Sandra Smith, PT" (reading case)
  std::string what;   // the primary taxonomy's name, e.g. "Acupuncturist"
  std::string place;  // "Madison, WI"
};

class WeekChanges {
 public:
  // `before` may be null (no earlier snapshot): nothing is new.
  static Result<WeekChanges> Diff(const Snapshot* before, const Snapshot& after,
                                  const ModalityMap& modalities, const KnowledgeBase* knowledge);

  const std::vector<ProviderChange>& changes() const { return changes_; }
  // Every deactivation, with or without a point or a kind of care Meridian lists.
  size_t deactivated() const { return deactivated_; }
  bool has_previous() const { return has_previous_; }

  // Indexes into changes() within `radius_miles` of (lat, lon) offering any
  // of `care` (0 = any of Meridian's kinds of care), nearest first.
  std::vector<size_t> Near(double lat, double lon, double radius_miles, ModalityMask care) const;

 private:
  void BuildCells();
  std::vector<ProviderChange> changes_;
  size_t deactivated_ = 0;
  bool has_previous_ = false;
  std::unordered_map<int64_t, std::vector<size_t>> cells_;  // half-degree cells
};

}  // namespace meridian::digest
