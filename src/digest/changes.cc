#include "digest/changes.h"

#include <algorithm>
#include <cmath>

#include "geo/distance.h"
#include "index/search_index.h"
#include "text/display_case.h"

namespace meridian::digest {

namespace {

constexpr double kCellDegrees = 0.5;

int64_t CellKey(int64_t lat_cell, int64_t lon_cell) { return lat_cell * 100000 + lon_cell; }
int64_t CellOf(double v) { return static_cast<int64_t>(std::floor(v / kCellDegrees)); }

bool Active(const Snapshot& s, size_t row) { return s.entity(row) != EntityType::kDeactivated; }

// The primary practice location, when it has a point.
bool PointOf(const Snapshot& s, size_t row, float* lat, float* lon) {
  auto locs = s.locations(row);
  if (locs.empty() || locs[0].precision == 0) return false;
  *lat = locs[0].lat, *lon = locs[0].lon;
  return true;
}

}  // namespace

Result<WeekChanges> WeekChanges::Diff(const Snapshot* before, const Snapshot& after,
                                      const ModalityMap& modalities,
                                      const KnowledgeBase* knowledge) {
  WeekChanges w;
  if (before == nullptr) return w;
  w.has_previous_ = true;
  size_t i = 0, j = 0;
  const size_t n = before->size(), m = after.size();
  // A change of row `row` of `snap` (the new snapshot, or the old one for
  // a practitioner who left).
  auto add = [&](const Snapshot& snap, size_t row, ProviderChange::Kind kind) -> Status {
    ProviderChange c;
    c.kind = kind;
    c.npi = snap.npi(row);
    if (!PointOf(snap, row, &c.lat, &c.lon)) return Status::OK();  // no point: no "near"
    c.modalities = ProviderModalities(snap, row, modalities, knowledge);
    if (c.modalities == 0) return Status::OK();  // not a kind of care Meridian lists
    Record r;
    Status s = snap.GetRecord(row, &r);
    if (!s.ok())
      return Status::Corruption("row " + std::to_string(row) + " does not decode: " + s.message());
    c.name = ReadableName(r);
    const uint16_t pt = snap.primary_taxonomy(row);
    if (pt != snapshot::kNoTaxonomy) {
      const TaxonomyEntry& e = snap.taxonomy().entry(pt);
      c.what = !e.known                      ? ""
               : e.info.display_name.empty() ? e.info.classification
                                             : e.info.display_name;
    }
    c.place = DisplayAddressCase(r.practice.address.city) + ", " + r.practice.address.state;
    w.changes_.push_back(std::move(c));
    return Status::OK();
  };
  while (j < m) {
    const uint32_t a = i < n ? before->npi(i) : UINT32_MAX;
    const uint32_t b = after.npi(j);
    if (i < n && a < b) {  // gone from the file: NPPES does not drop NPIs, but count it
      if (Active(*before, i)) {
        ++w.deactivated_;
        MERIDIAN_RETURN_IF_ERROR(add(*before, i, ProviderChange::kLeft));
      }
      ++i;
      continue;
    }
    if (i < n && a == b) {
      const bool was = Active(*before, i), is = Active(after, j);
      if (was && !is) {
        ++w.deactivated_;
        MERIDIAN_RETURN_IF_ERROR(add(*before, i, ProviderChange::kLeft));
      } else if (!was && is) {
        MERIDIAN_RETURN_IF_ERROR(add(after, j, ProviderChange::kNew));
      } else if (was && is) {
        float la0, lo0, la1, lo1;
        const bool p0 = PointOf(*before, i, &la0, &lo0), p1 = PointOf(after, j, &la1, &lo1);
        if (p1 && (!p0 || HaversineMiles(la0, lo0, la1, lo1) > 0.1))
          MERIDIAN_RETURN_IF_ERROR(add(after, j, ProviderChange::kMoved));
      }
      ++i, ++j;
      continue;
    }
    if (Active(after, j)) MERIDIAN_RETURN_IF_ERROR(add(after, j, ProviderChange::kNew));
    ++j;
  }
  for (; i < n; ++i)
    if (Active(*before, i)) {
      ++w.deactivated_;
      MERIDIAN_RETURN_IF_ERROR(add(*before, i, ProviderChange::kLeft));
    }
  w.BuildCells();
  return w;
}

void WeekChanges::BuildCells() {
  for (size_t k = 0; k < changes_.size(); ++k)
    cells_[CellKey(CellOf(changes_[k].lat), CellOf(changes_[k].lon))].push_back(k);
}

std::vector<size_t> WeekChanges::Near(double lat, double lon, double radius_miles,
                                      ModalityMask care) const {
  std::vector<std::pair<double, size_t>> hits;
  // A degree of latitude is about 69 miles; longitude shrinks with cos(lat).
  const double dlat = radius_miles / 69.0;
  const double coslat = std::max(0.05, std::cos(lat * M_PI / 180.0));
  const double dlon = std::min(180.0, radius_miles / (69.0 * coslat));
  for (int64_t a = CellOf(lat - dlat); a <= CellOf(lat + dlat); ++a) {
    for (int64_t b = CellOf(lon - dlon); b <= CellOf(lon + dlon); ++b) {
      auto it = cells_.find(CellKey(a, b));
      if (it == cells_.end()) continue;
      for (size_t k : it->second) {
        const ProviderChange& c = changes_[k];
        if (care != 0 && (c.modalities & care) == 0) continue;
        const double d = HaversineMiles(lat, lon, c.lat, c.lon);
        if (d <= radius_miles) hits.emplace_back(d, k);
      }
    }
  }
  std::sort(hits.begin(), hits.end());
  std::vector<size_t> out;
  out.reserve(hits.size());
  for (const auto& h : hits) out.push_back(h.second);
  return out;
}

}  // namespace meridian::digest
