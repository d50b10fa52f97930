#include "query/executor.h"

#include <algorithm>
#include <cmath>

namespace meridian {

SearchResult Execute(const SearchIndex& index, const Query& q) {
  const Snapshot& snap = index.snapshot();
  const size_t n_mod = index.modalities().modalities().size();
  SearchResult r;
  r.facets.modality.assign(n_mod, 0);

  // Per-taxonomy-id filter table, built only when the query filters by code.
  std::vector<uint8_t> wanted;
  if (!q.taxonomies.empty()) {
    wanted.assign(snap.taxonomy().size(), 0);
    for (size_t id = 0; id < wanted.size(); ++id)
      for (const std::string& t : q.taxonomies)
        if (snap.taxonomy().entry(static_cast<uint16_t>(id)).info.code.starts_with(t))
          wanted[id] = 1;
  }
  const uint8_t state_id = q.state.empty() ? 0 : snap.states().Id(q.state);
  if (!q.state.empty() && state_id == 0) return r;  // a state no row can have

  // Facet counters indexed by small ids, named at the end.
  std::vector<uint64_t> by_class(index.classification_names().size(), 0);
  std::array<uint64_t, 3> by_entity{};
  std::array<uint64_t, 256> by_sex{}, by_state{};
  std::vector<GeoCandidate> matches;
  const GeoGrid& grid = index.grid();
  // Band thresholds in chord space, with the exactness margin on both sides.
  std::array<double, kDistanceBandsMiles.size()> band_in{}, band_out{};
  for (size_t b = 0; b < band_in.size(); ++b) {
    double c = GeoGrid::ChordOfMiles(kDistanceBandsMiles[b]);
    band_in[b] = (c - kChordMargin) * (c - kChordMargin);
    band_out[b] = (c + kChordMargin) * (c + kChordMargin);
  }
  auto exact = [&](GeoCandidate& c) {
    if (!c.exact) c.exact_mi = grid.ExactMiles(q.lat, q.lon, c.point), c.exact = true;
    return c.exact_mi;
  };
  const uint8_t want_entity = q.entity ? static_cast<uint8_t>(*q.entity) : 0xFF;
  const ModalityMask want_modality =
      q.modality >= 0 ? static_cast<ModalityMask>(1u << q.modality) : 0;
  const uint8_t deactivated = static_cast<uint8_t>(EntityType::kDeactivated);

  // Filters read the candidate's RowInfo (next to it in the grid); only code
  // and credential filters look at the row's columns.
  auto consider = [&](GeoCandidate c, const RowInfo& info) {
    if (!q.include_deactivated && info.entity == deactivated) return;
    if (want_entity != 0xFF && info.entity != want_entity) return;
    if (state_id != 0 && info.state != state_id) return;
    if (q.sex != 0 && info.sex != static_cast<uint8_t>(q.sex)) return;
    if (q.has_secondary && !(info.flags & RowInfo::kHasSecondary)) return;
    if (want_modality != 0 && !(info.modality_mask & want_modality)) return;
    if (!wanted.empty()) {
      bool ok = false;
      for (uint16_t id : snap.taxonomy_ids(c.row)) ok = ok || wanted[id];
      if (!ok) return;
    }
    if (!q.credentials.empty()) {
      std::vector<std::string> tokens = CredentialTokens(snap.credential(c.row));
      bool ok = false;
      for (const std::string& cred : q.credentials)
        ok = ok || std::find(tokens.begin(), tokens.end(), cred) != tokens.end();
      if (!ok) return;
    }
    for (ModalityMask m = info.modality_mask; m != 0; m &= static_cast<ModalityMask>(m - 1))
      ++r.facets.modality[static_cast<size_t>(__builtin_ctz(m))];
    ++by_class[info.class_slot];
    ++by_entity[info.entity];
    ++by_sex[info.sex];
    ++by_state[info.state];
    if (q.has_point) {
      // Exact band membership; the exact distance is computed only near a band edge.
      for (size_t b = 0; b < kDistanceBandsMiles.size(); ++b) {
        bool in = c.exact                  ? c.exact_mi <= kDistanceBandsMiles[b]
                  : c.chord2 < band_in[b]  ? true
                  : c.chord2 > band_out[b] ? false
                                           : exact(c) <= kDistanceBandsMiles[b];
        r.facets.distance_bands[b] += in;
      }
    }
    matches.push_back(c);
  };
  if (q.has_point) {
    index.grid().ForEachWithin(q.lat, q.lon, q.radius_mi, consider);
  } else {
    for (size_t i = 0; i < snap.size(); ++i)
      consider(GeoCandidate{static_cast<uint32_t>(i), 0, 0, 0, 0, true}, index.row_info(i));
  }
  r.total = matches.size();
  for (size_t s = 0; s < by_class.size(); ++s)
    if (by_class[s]) r.facets.classification[index.classification_names()[s]] = by_class[s];
  for (size_t e = 0; e < by_entity.size(); ++e)
    if (by_entity[e]) r.facets.entity[EntityTypeName(static_cast<EntityType>(e))] = by_entity[e];
  for (size_t x = 0; x < by_sex.size(); ++x)
    if (by_sex[x]) r.facets.sex[SexFacetKey(static_cast<char>(x))] += by_sex[x];
  for (size_t s = 0; s < by_state.size(); ++s) {
    if (!by_state[s]) continue;
    std::string_view code = snap.states().Code(static_cast<uint8_t>(s));
    r.facets.state[code.empty() ? "unknown" : std::string(code)] += by_state[s];
  }

  // Order only what the page needs.
  const size_t from = std::min(q.offset, matches.size());
  const size_t to = std::min(matches.size(), from + q.limit);
  if (to == 0) return r;
  if (q.sort == Query::Sort::kDistance) {
    // The first `to` by exact (distance, NPI) are among the candidates whose
    // approximate chord is within 2 margins of the to-th smallest chord: take
    // those, measure them exactly, and sort them exactly.
    std::nth_element(
        matches.begin(), matches.begin() + static_cast<long>(to - 1), matches.end(),
        [](const GeoCandidate& a, const GeoCandidate& b) { return a.chord2 < b.chord2; });
    const double kth = std::sqrt(matches[to - 1].chord2) + 2 * kChordMargin;
    const double limit2 = kth * kth;
    auto keep = std::partition(matches.begin(), matches.end(),
                               [&](const GeoCandidate& c) { return c.chord2 <= limit2; });
    matches.erase(keep, matches.end());
    for (GeoCandidate& c : matches) exact(c);
    auto less = [](const GeoCandidate& a, const GeoCandidate& b) {
      return a.exact_mi != b.exact_mi ? a.exact_mi < b.exact_mi : a.row < b.row;
    };
    if (to < matches.size())
      std::partial_sort(matches.begin(), matches.begin() + static_cast<long>(to), matches.end(),
                        less);
    else
      std::sort(matches.begin(), matches.end(), less);
  } else {
    const std::vector<uint32_t>& rank = index.NameRank();
    auto less = [&rank](const GeoCandidate& a, const GeoCandidate& b) {
      return rank[a.row] < rank[b.row];
    };
    if (to < matches.size())
      std::partial_sort(matches.begin(), matches.begin() + static_cast<long>(to), matches.end(),
                        less);
    else
      std::sort(matches.begin(), matches.end(), less);
  }
  for (size_t i = from; i < to; ++i) {
    GeoCandidate& c = matches[i];
    r.hits.push_back({c.row, q.has_point ? exact(c) : 0.0, c.location});
  }
  return r;
}

}  // namespace meridian
