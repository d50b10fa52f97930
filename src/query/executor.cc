#include "query/executor.h"

#include <algorithm>

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
  std::vector<SearchHit> matches;
  const uint8_t want_entity = q.entity ? static_cast<uint8_t>(*q.entity) : 0xFF;
  const ModalityMask want_modality =
      q.modality >= 0 ? static_cast<ModalityMask>(1u << q.modality) : 0;
  const uint8_t deactivated = static_cast<uint8_t>(EntityType::kDeactivated);

  // Filters read the candidate's RowInfo (next to it in the grid); only code
  // and credential filters look at the row's columns.
  auto consider = [&](const GeoHit& c, const RowInfo& info) {
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
    matches.push_back({c.row, c.distance_mi, c.location});
    for (ModalityMask m = info.modality_mask; m != 0; m &= static_cast<ModalityMask>(m - 1))
      ++r.facets.modality[static_cast<size_t>(__builtin_ctz(m))];
    ++by_class[info.class_slot];
    ++by_entity[info.entity];
    ++by_sex[info.sex];
    ++by_state[info.state];
    if (q.has_point)
      for (size_t b = 0; b < kDistanceBandsMiles.size(); ++b)
        if (c.distance_mi <= kDistanceBandsMiles[b]) ++r.facets.distance_bands[b];
  };
  if (q.has_point) {
    index.grid().ForEachWithin(q.lat, q.lon, q.radius_mi, consider);
  } else {
    for (size_t i = 0; i < snap.size(); ++i)
      consider(GeoHit{static_cast<uint32_t>(i), 0, 0}, index.row_info(i));
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
  auto page_sort = [&](auto less) {
    if (to < matches.size())
      std::partial_sort(matches.begin(), matches.begin() + static_cast<long>(to), matches.end(),
                        less);
    else
      std::sort(matches.begin(), matches.end(), less);
  };
  if (q.sort == Query::Sort::kDistance) {
    page_sort([](const SearchHit& a, const SearchHit& b) {
      return a.distance_mi != b.distance_mi ? a.distance_mi < b.distance_mi : a.row < b.row;
    });
  } else {
    const std::vector<uint32_t>& rank = index.NameRank();
    page_sort(
        [&rank](const SearchHit& a, const SearchHit& b) { return rank[a.row] < rank[b.row]; });
  }
  r.hits.assign(matches.begin() + static_cast<long>(from), matches.begin() + static_cast<long>(to));
  return r;
}

}  // namespace meridian
