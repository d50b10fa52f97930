#include "query/scan.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "geo/distance.h"
#include "geo/zcta.h"
#include "index/search_index.h"
#include "text/fuzzy.h"
#include "text/normalize.h"
#include "text/search_text.h"

namespace meridian {

namespace {

// The oracle reads records the engine never decodes; one that does not
// decode is corruption the oracle must not paper over (the engine would
// answer 500 or refuse the snapshot), so the test run stops here.
void DecodeOrDie(const Snapshot& snap, size_t row, Record* rec) {
  Status s = snap.GetRecordMapped(row, rec);
  if (s.ok()) return;
  std::fprintf(stderr, "ScanSearch: row %zu does not decode: %s\n", row, s.ToString().c_str());
  std::abort();
}

}  // namespace

SearchResult ScanSearch(const Snapshot& snap, const ModalityMap& modalities, const Query& q,
                        const KnowledgeBase* knowledge) {
  const TaxonomyDict& dict = snap.taxonomy();
  SearchResult r;
  r.facets.modality.assign(modalities.modalities().size(), 0);
  std::vector<SearchHit> all;
  // Facet counts by name (views of the snapshot's tables, or literals).
  std::map<std::string_view, uint64_t> classification, entity_counts, sex_counts, state_counts;
  const ModalityMask want_modality = WantedModalities(q, modalities);
  for (size_t i = 0; i < snap.size(); ++i) {
    if (q.npi && snap.npi(i) != *q.npi) continue;
    const EntityType entity = snap.entity(i);
    if (!q.include_deactivated && entity == EntityType::kDeactivated) continue;
    if (q.entity && entity != *q.entity) continue;
    if (!q.state.empty() && snap.states().Code(snap.state(i)) != q.state) continue;
    if (q.sex != 0 && snap.sex(i) != q.sex) continue;
    auto locs = snap.locations(i);
    if (q.has_secondary && locs.size() < 2) continue;
    if (!q.taxonomies.empty()) {
      bool ok = false;
      for (uint16_t id : snap.taxonomy_ids(i))
        for (const std::string& t : q.taxonomies)
          ok = ok || dict.entry(id).info.code.starts_with(t);
      if (!ok) continue;
    }
    const ModalityMask mask = ProviderModalities(snap, i, modalities, knowledge);
    if (want_modality != 0 && !(mask & want_modality)) continue;
    if (!q.credentials.empty()) {
      std::vector<std::string> tokens = CredentialTokens(snap.credential(i));
      bool ok = false;
      for (const std::string& c : q.credentials)
        ok = ok || std::find(tokens.begin(), tokens.end(), c) != tokens.end();
      if (!ok) continue;
    }
    if (q.places && std::find(q.places->begin(), q.places->end(), snap.place(i)) == q.places->end())
      continue;
    if (!q.names.empty()) {
      Record rec;
      DecodeOrDie(snap, i, &rec);
      bool ok = true;
      for (const Query::NameFilter& f : q.names) ok = ok && NameMatches(f, rec);
      if (!ok) continue;
    }
    // Postal codes from the decoded record (the engine reads the column).
    std::vector<int> zips;
    if (!q.postal.empty()) {
      Record rec;
      DecodeOrDie(snap, i, &rec);
      for (uint32_t k = 0; rec.LocationAt(k) != nullptr; ++k)
        zips.push_back(Zip5(rec.LocationAt(k)->address.postal_code));
    }
    auto postal_passes = [&](size_t k) {
      for (const auto& [lo, hi] : q.postal)
        if (zips[k] >= 0 && static_cast<uint32_t>(zips[k]) >= lo &&
            static_cast<uint32_t>(zips[k]) <= hi)
          return true;
      return false;
    };
    if (!q.postal.empty() && !q.has_point) {
      bool any = false;
      for (size_t k = 0; k < zips.size(); ++k) any = any || postal_passes(k);
      if (!any) continue;
    }
    SearchHit hit{static_cast<uint32_t>(i), 0, 0};
    if (!q.text.empty()) {
      // Every query word against every word of the decoded record.
      Record rec;
      DecodeOrDie(snap, i, &rec);
      const std::string words = SearchTextOf(rec);
      const std::vector<std::string_view> row_words = SplitTokens(words);
      int sum = 0;
      for (size_t k = 0; k < q.text.size() && sum >= 0; ++k) {
        int best = -1;
        for (std::string_view w : row_words) {
          int quality = MatchQuality(q.text[k], w, k + 1 == q.text.size());
          if (quality >= 0 && (best < 0 || quality < best)) best = quality;
        }
        sum = best < 0 ? -1 : sum + best;
      }
      if (sum < 0) continue;
      hit.text_quality = static_cast<uint32_t>(sum);
    }
    if (q.has_point) {
      double best = 1e300;
      for (size_t k = 0; k < locs.size(); ++k) {
        if (locs[k].precision == 0) continue;
        double d = HaversineMiles(q.lat, q.lon, locs[k].lat, locs[k].lon);
        if (d < best) best = d, hit.location = static_cast<uint32_t>(k);
      }
      if (!(best <= q.radius_mi)) continue;
      if (!q.postal.empty() && !postal_passes(hit.location)) continue;
      hit.distance_mi = best;
    }
    all.push_back(hit);
    // Facets.
    for (size_t m = 0; m < r.facets.modality.size(); ++m)
      if (mask & (1u << m)) ++r.facets.modality[m];
    uint16_t pt = snap.primary_taxonomy(i);
    // (Views all: a std::string branch would make the key a temporary.)
    ++classification[pt == snapshot::kNoTaxonomy ? std::string_view("none")
                     : dict.entry(pt).known ? std::string_view(dict.entry(pt).info.classification)
                                            : std::string_view("unknown code")];
    ++entity_counts[EntityTypeName(entity)];
    ++sex_counts[SexFacetKey(snap.sex(i))];
    std::string_view st = snap.states().Code(snap.state(i));
    ++state_counts[st.empty() ? "unknown" : st];
    if (q.has_point)
      for (size_t b = 0; b < kDistanceBandsMiles.size(); ++b)
        if (hit.distance_mi <= kDistanceBandsMiles[b]) ++r.facets.distance_bands[b];
  }
  r.total = all.size();
  auto named = [](const std::map<std::string_view, uint64_t>& m) {
    return FacetCounts(std::vector<FacetCounts::Entry>(m.begin(), m.end()));
  };
  r.facets.classification = named(classification);
  r.facets.entity = named(entity_counts);
  r.facets.sex = named(sex_counts);
  r.facets.state = named(state_counts);
  // Sort keys as cursors carry them: (a, b), then NPI (= row order).
  std::vector<std::pair<uint64_t, uint64_t>> keys(snap.size());
  if (q.sort == Query::Sort::kDistance) {
    std::sort(all.begin(), all.end(), [](const SearchHit& a, const SearchHit& b) {
      return a.distance_mi != b.distance_mi ? a.distance_mi < b.distance_mi : a.row < b.row;
    });
    for (const SearchHit& h : all) keys[h.row] = {std::bit_cast<uint64_t>(h.distance_mi), 0};
  } else if (q.sort == Query::Sort::kRelevance) {
    std::sort(all.begin(), all.end(), [](const SearchHit& a, const SearchHit& b) {
      if (a.text_quality != b.text_quality) return a.text_quality < b.text_quality;
      return a.distance_mi != b.distance_mi ? a.distance_mi < b.distance_mi : a.row < b.row;
    });
    for (const SearchHit& h : all)
      keys[h.row] = {h.text_quality, q.has_point ? std::bit_cast<uint64_t>(h.distance_mi) : 0};
  } else {
    std::vector<std::pair<std::string, SearchHit>> keyed;
    Record rec;
    for (const SearchHit& h : all) {
      DecodeOrDie(snap, h.row, &rec);
      keyed.emplace_back(rec.SortName(), h);
    }
    std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : a.second.row < b.second.row;
    });
    for (size_t k = 0; k < keyed.size(); ++k) all[k] = keyed[k].second, keys[all[k].row] = {k, 0};
  }
  size_t from = std::min(q.offset, all.size());
  if (q.cursor) {  // the first hit whose key is after the cursor's
    from = 0;
    while (from < all.size()) {
      auto [a, b] = keys[all[from].row];
      if (a != q.cursor->sort_key  ? a > q.cursor->sort_key
          : b != q.cursor->tie_key ? b > q.cursor->tie_key
                                   : snap.npi(all[from].row) > q.cursor->npi)
        break;
      ++from;
    }
  }
  size_t to = std::min(all.size(), from + q.limit);
  r.hits.assign(all.begin() + static_cast<long>(from), all.begin() + static_cast<long>(to));
  if (to < all.size()) {
    auto [a, b] = keys[all[to - 1].row];
    r.next_cursor =
        EncodeCursor({q.sort, a, b, snap.npi(all[to - 1].row), snap.id(), q.fingerprint});
  }
  return r;
}

}  // namespace meridian
