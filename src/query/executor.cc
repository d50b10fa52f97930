#include "query/executor.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "geo/distance.h"
#include "text/fuzzy.h"

namespace meridian {

namespace {

// The query's words against the text index: per word, the matching terms
// (ascending ids, with quality). A row matches when every word matches one of
// its terms; its quality is the sum of each word's best.
class TextFilter {
 public:
  TextFilter(const TextIndex& ix, const std::vector<std::string>& words) : ix_(ix) {
    for (size_t k = 0; k < words.size(); ++k)
      per_word_.push_back(MatchTerms(ix, words[k], k + 1 == words.size()));
  }
  bool active() const { return !per_word_.empty(); }
  bool impossible() const {
    for (const auto& m : per_word_)
      if (m.empty()) return true;
    return false;
  }
  // Sum of the words' best qualities over `row`'s terms, or -1.
  int Quality(size_t row) const {
    auto terms = ix_.row_terms(row);
    int sum = 0;
    for (const std::vector<TermMatch>& m : per_word_) {
      int best = -1;
      for (uint32_t t : terms) {
        auto it = std::lower_bound(m.begin(), m.end(), t,
                                   [](const TermMatch& a, uint32_t id) { return a.term < id; });
        if (it != m.end() && it->term == t && (best < 0 || it->quality < best)) best = it->quality;
      }
      if (best < 0) return -1;
      sum += best;
    }
    return sum;
  }
  // The word whose terms have the fewest postings, and that count.
  std::pair<size_t, size_t> Rarest() const {
    size_t best = 0, best_n = SIZE_MAX;
    for (size_t k = 0; k < per_word_.size(); ++k) {
      size_t n = 0;
      for (const TermMatch& m : per_word_[k]) n += ix_.postings(m.term).size();
      if (n < best_n) best = k, best_n = n;
    }
    return {best, best_n};
  }
  // Rows holding a term of word k, ascending, each once.
  std::vector<uint32_t> Rows(size_t k) const {
    std::vector<uint32_t> rows;
    for (const TermMatch& m : per_word_[k]) {
      auto p = ix_.postings(m.term);
      rows.insert(rows.end(), p.begin(), p.end());
    }
    if (per_word_[k].size() > 1) {
      std::sort(rows.begin(), rows.end());
      rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    }
    return rows;
  }

 private:
  const TextIndex& ix_;
  std::vector<std::vector<TermMatch>> per_word_;
};

uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }

}  // namespace

SearchResult Execute(const SearchIndex& index, const Query& q) {
  const Snapshot& snap = index.snapshot();
  const size_t n_mod = index.modalities().modalities().size();
  SearchResult r;
  r.facets.modality.assign(n_mod, 0);

  TextFilter text(snap.text(), q.text);
  if (text.active() && text.impossible()) return r;  // a word that matches nothing

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

  // Filters read the candidate's RowInfo (next to it in the grid); only code,
  // credential and text filters look further.
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
    if (text.active()) {
      int quality = text.Quality(c.row);
      if (quality < 0) return;
      c.text_quality = static_cast<uint8_t>(quality);
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

  // Candidates come from the grid (radius), from the text postings of the
  // rarest word, or from every row — whichever is cheaper and applies.
  const auto [rarest, rarest_rows] =
      text.active() ? text.Rarest() : std::pair<size_t, size_t>{0, SIZE_MAX};
  if (q.has_point && rarest_rows >= grid.CountNear(q.lat, q.lon, q.radius_mi)) {
    grid.ForEachWithin(q.lat, q.lon, q.radius_mi, consider);
  } else if (text.active()) {
    for (uint32_t row : text.Rows(rarest)) {
      GeoCandidate c{row, 0, 0, 0, 0, true};
      if (q.has_point) {
        // As the grid measures it: the nearest geocoded location (ties: lowest index).
        auto locs = snap.locations(row);
        double best = 1e300;
        for (size_t k = 0; k < locs.size(); ++k) {
          if (locs[k].precision == 0) continue;
          double d = HaversineMiles(q.lat, q.lon, locs[k].lat, locs[k].lon);
          if (d < best) best = d, c.location = static_cast<uint32_t>(k);
        }
        if (!(best <= q.radius_mi)) continue;
        c.exact_mi = best;
        const double chord = GeoGrid::ChordOfMiles(best);
        c.chord2 = chord * chord;
      }
      consider(c, index.row_info(row));
    }
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

  // Each sort's key, as the cursor stores it: (a, b, NPI).
  const std::vector<uint32_t>* rank = q.sort == Query::Sort::kName ? &index.NameRank() : nullptr;
  auto key = [&](GeoCandidate& c) -> std::pair<uint64_t, uint64_t> {
    switch (q.sort) {
      case Query::Sort::kDistance:
        return {Bits(exact(c)), 0};
      case Query::Sort::kName:
        return {(*rank)[c.row], 0};
      case Query::Sort::kRelevance:
        return {c.text_quality, q.has_point ? Bits(exact(c)) : 0};
    }
    return {0, 0};
  };
  if (q.cursor) {
    // Keep what sorts after the cursor. By distance, most candidates are
    // decided by their chord without measuring them exactly.
    const Query::Cursor& cur = *q.cursor;
    double lo2 = -1, hi2 = -1;
    if (q.sort == Query::Sort::kDistance) {
      double ch = GeoGrid::ChordOfMiles(std::bit_cast<double>(cur.a));
      lo2 = ch > 2 * kChordMargin ? (ch - 2 * kChordMargin) * (ch - 2 * kChordMargin) : -1;
      hi2 = (ch + 2 * kChordMargin) * (ch + 2 * kChordMargin);
    }
    auto after = [&](GeoCandidate& c) {
      if (lo2 >= 0 && !c.exact && c.chord2 < lo2) return false;
      if (hi2 >= 0 && !c.exact && c.chord2 > hi2) return true;
      auto [a, b] = key(c);
      if (a != cur.a) return a > cur.a;
      if (b != cur.b) return b > cur.b;
      return snap.npi(c.row) > cur.npi;
    };
    size_t kept = 0;
    for (GeoCandidate& c : matches)
      if (after(c)) matches[kept++] = c;
    matches.resize(kept);
  }

  // Order only what the page needs.
  const size_t from = q.cursor ? 0 : std::min(q.offset, matches.size());
  const size_t to = std::min(matches.size(), from + q.limit);
  const bool more = matches.size() > to;
  if (to == 0) return r;
  auto order = [&](auto less) {
    if (to < matches.size())
      std::partial_sort(matches.begin(), matches.begin() + static_cast<long>(to), matches.end(),
                        less);
    else
      std::sort(matches.begin(), matches.end(), less);
  };
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
    order([](const GeoCandidate& a, const GeoCandidate& b) {
      return a.exact_mi != b.exact_mi ? a.exact_mi < b.exact_mi : a.row < b.row;
    });
  } else if (q.sort == Query::Sort::kName) {
    order([rank](const GeoCandidate& a, const GeoCandidate& b) {
      return (*rank)[a.row] < (*rank)[b.row];
    });
  } else {
    if (q.has_point)
      for (GeoCandidate& c : matches) exact(c);
    order([](const GeoCandidate& a, const GeoCandidate& b) {
      if (a.text_quality != b.text_quality) return a.text_quality < b.text_quality;
      if (a.exact_mi != b.exact_mi) return a.exact_mi < b.exact_mi;
      return a.row < b.row;
    });
  }
  for (size_t i = from; i < to; ++i) {
    GeoCandidate& c = matches[i];
    r.hits.push_back({c.row, q.has_point ? exact(c) : 0.0, c.location, c.text_quality});
  }
  if (more) {
    GeoCandidate& last = matches[to - 1];
    auto [a, b] = key(last);
    r.next_cursor = EncodeCursor({q.sort, a, b, snap.npi(last.row), snap.id()});
  }
  return r;
}

}  // namespace meridian
