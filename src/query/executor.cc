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
  // Sets, in `acc` (one bit per row), exactly the rows that match every
  // word, reading word `rarest`'s postings once per other word plus twice,
  // and every other word's postings twice. `tmp` is scratch of acc's size.
  // REQUIRES: acc and tmp all zero; leaves tmp all zero. Undo with Unmark().
  void Mark(size_t rarest, uint64_t* acc, uint64_t* tmp) const {
    ForEachRow(rarest, [&](uint32_t row) { acc[row >> 6] |= Bit(row); });
    for (size_t k = 0; k < per_word_.size(); ++k) {
      if (k == rarest) continue;
      ForEachRow(k, [&](uint32_t row) { tmp[row >> 6] |= Bit(row); });
      ForEachRow(rarest, [&](uint32_t row) { acc[row >> 6] &= tmp[row >> 6]; });  // idempotent
      ForEachRow(k, [&](uint32_t row) { tmp[row >> 6] = 0; });
    }
  }
  // Zeroes every word of `acc` that Mark(rarest, ...) may have set.
  void Unmark(size_t rarest, uint64_t* acc) const {
    ForEachRow(rarest, [&](uint32_t row) { acc[row >> 6] = 0; });
  }
  // f(row) for every posting of word k's terms (a row holding several of
  // them comes once per term).
  template <class F>
  void ForEachRow(size_t k, F f) const {
    for (const TermMatch& m : per_word_[k])
      for (uint32_t row : ix_.postings(m.term)) f(row);
  }
  static uint64_t Bit(uint32_t row) { return uint64_t{1} << (row & 63); }

 private:
  const TextIndex& ix_;
  std::vector<std::vector<TermMatch>> per_word_;
};

uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }

// Text with a point: reading the sites' rows costs less per row than a
// posting (sequential, RowInfo beside it), so the sites win until they hold
// this many times the rarest word's postings. Measured with
// bench_search --text-share 1 at 9 M rows.
constexpr size_t kSiteRowsPerPosting = 32;

}  // namespace

SearchResult Execute(const SearchIndex& index, const Query& q, TextPlan plan) {
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
  const GeoGrid& grid = index.grid();
  const uint8_t want_entity = q.entity ? static_cast<uint8_t>(*q.entity) : 0xFF;
  const ModalityMask want_modality = WantedModalities(q, index.modalities());
  const uint8_t deactivated = static_cast<uint8_t>(EntityType::kDeactivated);

  // Filters RowInfo decides (so they apply to a whole profile at once)...
  auto passes_info = [&](const RowInfo& info) {
    return (q.include_deactivated || info.entity != deactivated) &&
           (want_entity == 0xFF || info.entity == want_entity) &&
           (state_id == 0 || info.state == state_id) &&
           (q.sex == 0 || info.sex == static_cast<uint8_t>(q.sex)) &&
           (!q.has_secondary || (info.flags & RowInfo::kHasSecondary)) &&
           (want_modality == 0 || (info.modality_mask & want_modality));
  };
  // ...and those that read the row: codes, credential text, words.
  const bool row_filters = !wanted.empty() || !q.credentials.empty();
  auto passes_row = [&](GeoCandidate* c) {
    if (!wanted.empty()) {
      bool ok = false;
      for (uint16_t id : snap.taxonomy_ids(c->row)) ok = ok || wanted[id];
      if (!ok) return false;
    }
    if (!q.credentials.empty()) {
      std::vector<std::string> tokens = CredentialTokens(snap.credential(c->row));
      bool ok = false;
      for (const std::string& cred : q.credentials)
        ok = ok || std::find(tokens.begin(), tokens.end(), cred) != tokens.end();
      if (!ok) return false;
    }
    return true;
  };
  // The text match quality, for the rows that need it: every match when the
  // sort is by relevance (and for its cursor), else the page's rows only.
  const bool rank_by_text = text.active() && q.sort == Query::Sort::kRelevance;
  auto rate = [&](GeoCandidate* c) {
    c->text_quality = static_cast<uint8_t>(text.Quality(c->row));
  };
  auto count = [&](const RowInfo& info, double miles, uint64_t n) {
    r.total += n;
    for (ModalityMask m = info.modality_mask; m != 0; m &= static_cast<ModalityMask>(m - 1))
      r.facets.modality[static_cast<size_t>(__builtin_ctz(m))] += n;
    by_class[info.class_slot] += n;
    by_entity[info.entity] += n;
    by_sex[info.sex] += n;
    by_state[info.state] += n;
    if (q.has_point)
      for (size_t b = 0; b < kDistanceBandsMiles.size(); ++b)
        r.facets.distance_bands[b] += miles <= kDistanceBandsMiles[b] ? n : 0;
  };
  auto finish_facets = [&] {
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
  };

  // Each sort's key, as the cursor stores it: (a, b), then NPI.
  const std::vector<uint32_t>* rank = q.sort == Query::Sort::kName ? &index.NameRank() : nullptr;
  auto key = [&](const GeoCandidate& c) -> std::pair<uint64_t, uint64_t> {
    switch (q.sort) {
      case Query::Sort::kDistance:
        return {Bits(c.exact_mi), 0};
      case Query::Sort::kName:
        return {(*rank)[c.row], 0};
      case Query::Sort::kRelevance:
        return {c.text_quality, q.has_point ? Bits(c.exact_mi) : 0};
    }
    return {0, 0};
  };
  auto after_cursor = [&](const GeoCandidate& c) {
    if (!q.cursor) return true;
    auto [a, b] = key(c);
    if (a != q.cursor->a) return a > q.cursor->a;
    if (b != q.cursor->b) return b > q.cursor->b;
    return snap.npi(c.row) > q.cursor->npi;
  };
  auto by_distance = [](const GeoCandidate& a, const GeoCandidate& b) {
    return a.exact_mi != b.exact_mi ? a.exact_mi < b.exact_mi : a.row < b.row;
  };
  const size_t from = q.cursor ? 0 : q.offset;
  auto emit_page = [&](std::vector<GeoCandidate>& page) {  // page: sorted, after the cursor
    const size_t to = std::min(page.size(), from + q.limit);
    for (size_t i = from; i < to; ++i) {
      if (text.active() && !rank_by_text) rate(&page[i]);
      r.hits.push_back({page[i].row, q.has_point ? page[i].exact_mi : 0.0, page[i].location,
                        page[i].text_quality});
    }
    if (page.size() > to && to > 0) {
      auto [a, b] = key(page[to - 1]);
      r.next_cursor = EncodeCursor({q.sort, a, b, snap.npi(page[to - 1].row), snap.id()});
    }
  };

  if (q.has_point && !row_filters && !text.active() && q.sort == Query::Sort::kDistance) {
    // Fast path: totals and facets per site profile; the page from the
    // nearest sites only.
    thread_local std::vector<SiteHit> sites;
    thread_local std::vector<GeoCandidate> page, multi;
    sites.clear(), page.clear(), multi.clear();
    grid.SitesWithin(q.lat, q.lon, q.radius_mi, &sites);
    // Multi-location entries far enough from their rows' other points count
    // like single rows here (GeoGrid::ExclusiveBuckets).
    const uint32_t nb = GeoGrid::ExclusiveBuckets(q.radius_mi);
    for (const SiteHit& h : sites) {
      for (const Profile& p : grid.profiles(h.site))
        if (passes_info(p.info)) count(p.info, h.miles, p.count);
      for (const Profile& p : grid.excl_profiles(h.site, nb))
        if (passes_info(p.info)) count(p.info, h.miles, p.count);
    }
    const size_t need = from + q.limit + 1;
    // The `need` nearest multi-location matches: a bounded max-heap.
    grid.CountMultiWithin(sites, nb, passes_info, count, [&](const GeoCandidate& c) {
      if (multi.size() == need && !by_distance(c, multi.front())) return;
      if (!after_cursor(c)) return;
      if (multi.size() < need) {
        multi.push_back(c);
        std::push_heap(multi.begin(), multi.end(), by_distance);
      } else if (by_distance(c, multi.front())) {
        std::pop_heap(multi.begin(), multi.end(), by_distance);
        multi.back() = c;
        std::push_heap(multi.begin(), multi.end(), by_distance);
      }
    });
    // Sites nearest first; rows at equal distance in row (= NPI) order.
    std::sort(sites.begin(), sites.end(), [](const SiteHit& a, const SiteHit& b) {
      return a.miles != b.miles ? a.miles < b.miles : a.site < b.site;
    });
    // Each site's single rows, and each exclusive bucket's rows, are runs
    // ascending by row; a group of sites at one distance is merged run by run
    // until the page is full.
    struct Run {
      std::span<const uint32_t> rows;
      std::span<const RowInfo> info;
      std::span<const uint16_t> loc;
      size_t at;
    };
    thread_local std::vector<Run> runs;
    for (size_t i = 0; i < sites.size() && page.size() < need;) {
      size_t j = i;
      while (j < sites.size() && sites[j].miles == sites[i].miles) ++j;
      const double miles = sites[i].miles;
      if (q.cursor && Bits(miles) < q.cursor->a) {  // wholly before the cursor
        i = j;
        continue;
      }
      runs.clear();
      for (size_t k = i; k < j; ++k) {
        const uint32_t s = sites[k].site;
        runs.push_back({grid.single_rows(s), grid.single_info(s), grid.single_loc(s), 0});
        for (uint32_t b = 0; b < nb; ++b)
          if (!grid.bucket_rows(s, b).empty())
            runs.push_back(
                {grid.bucket_rows(s, b), grid.bucket_info(s, b), grid.bucket_loc(s, b), 0});
      }
      while (page.size() < need) {
        Run* next = nullptr;
        for (Run& run : runs)
          if (run.at < run.rows.size() &&
              (next == nullptr || run.rows[run.at] < next->rows[next->at]))
            next = &run;
        if (next == nullptr) break;
        const size_t k = next->at++;
        GeoCandidate c{next->rows[k], next->loc[k], miles};
        if (passes_info(next->info[k]) && after_cursor(c)) page.push_back(c);
      }
      i = j;
    }
    page.insert(page.end(), multi.begin(), multi.end());
    std::sort(page.begin(), page.end(), by_distance);
    finish_facets();
    emit_page(page);
    return r;
  }

  // General path: collect every match, then order what the page needs.
  std::vector<GeoCandidate> matches;
  auto consider = [&](GeoCandidate c, const RowInfo& info) {
    if (!passes_info(info)) return;
    if (row_filters && !passes_row(&c)) return;
    if (rank_by_text) rate(&c);
    count(info, c.exact_mi, 1);
    if (after_cursor(c)) matches.push_back(c);
  };
  if (text.active()) {
    // The rows matching every word are marked in a bitmap first (postings
    // read in order, no row data touched). Then the candidates come from
    // the sites within the radius, when they hold fewer rows than the rarest
    // word's postings (rows read in site order with their RowInfo), or from
    // those postings (each row once: its bit is cleared when it is seen).
    thread_local std::vector<uint64_t> acc, tmp;  // one bit per row, all zero between queries
    if (acc.size() < snap.size() / 64 + 1) {
      acc.assign(snap.size() / 64 + 1, 0);
      tmp.assign(acc.size(), 0);
    }
    const std::pair<size_t, size_t> rare = text.Rarest();  // (word, postings)
    const size_t rarest = rare.first, rarest_rows = rare.second;
    text.Mark(rarest, acc.data(), tmp.data());
    auto take = [&](uint32_t row) {  // true once per marked row
      uint64_t& w = acc[row >> 6];
      const uint64_t bit = uint64_t{1} << (row & 63);
      if (!(w & bit)) return false;
      w &= ~bit;
      return true;
    };
    const bool by_sites =
        q.has_point && (plan == TextPlan::kAuto ? grid.CountNear(q.lat, q.lon, q.radius_mi) <=
                                                      kSiteRowsPerPosting * rarest_rows
                                                : plan == TextPlan::kSites);
    if (by_sites) {
      grid.ForEachWithin(q.lat, q.lon, q.radius_mi, [&](GeoCandidate c, const RowInfo& info) {
        if (take(c.row)) consider(c, info);
      });
    } else {
      // A posting's row is within the radius when its site is a hit (a
      // stamped per-site table); rows with several points measure each.
      thread_local std::vector<SiteHit> hits;
      thread_local std::vector<std::pair<double, uint32_t>> site_mark;  // (miles, generation)
      thread_local uint32_t generation = 0;
      if (q.has_point) {
        hits.clear();
        grid.SitesWithin(q.lat, q.lon, q.radius_mi, &hits);
        if (site_mark.size() < grid.sites()) site_mark.assign(grid.sites(), {0.0, 0});
        if (++generation == 0) {  // wrapped: reset every stamp
          for (auto& m : site_mark) m.second = 0;
          generation = 1;
        }
        for (const SiteHit& h : hits) site_mark[h.site] = {h.miles, generation};
      }
      text.ForEachRow(rarest, [&](uint32_t row) {
        if (!take(row)) return;
        GeoCandidate c{row, 0, 0};
        if (q.has_point) {
          const uint32_t site = grid.row_site(row);
          if (site == GeoGrid::kNoSite) return;
          if (site != GeoGrid::kMultiSite) {
            if (site_mark[site].second != generation) return;
            c.exact_mi = site_mark[site].first, c.location = grid.row_loc(row);
          } else {  // as the grid measures it: the nearest point (ties: lowest index)
            auto locs = snap.locations(row);
            double best = 1e300;
            for (size_t k = 0; k < locs.size() && k <= UINT16_MAX; ++k) {
              if (locs[k].precision == 0) continue;
              double d = HaversineMiles(q.lat, q.lon, locs[k].lat, locs[k].lon);
              if (d < best) best = d, c.location = static_cast<uint32_t>(k);
            }
            if (!(best <= q.radius_mi)) return;
            c.exact_mi = best;
          }
        }
        consider(c, index.row_info(row));
      });
    }
    text.Unmark(rarest, acc.data());
  } else if (q.has_point) {
    grid.ForEachWithin(q.lat, q.lon, q.radius_mi, consider);
  } else {
    for (size_t i = 0; i < snap.size(); ++i)
      consider(GeoCandidate{static_cast<uint32_t>(i), 0, 0}, index.row_info(i));
  }
  finish_facets();

  const size_t to =
      std::min(matches.size(), from + q.limit + 1);  // one more: is there a next page?
  auto order = [&](auto less) {
    if (to < matches.size())
      std::partial_sort(matches.begin(), matches.begin() + static_cast<long>(to), matches.end(),
                        less);
    else
      std::sort(matches.begin(), matches.end(), less);
  };
  if (q.sort == Query::Sort::kDistance) {
    order(by_distance);
  } else if (q.sort == Query::Sort::kName) {
    order([rank](const GeoCandidate& a, const GeoCandidate& b) {
      return (*rank)[a.row] < (*rank)[b.row];
    });
  } else {
    order([](const GeoCandidate& a, const GeoCandidate& b) {
      if (a.text_quality != b.text_quality) return a.text_quality < b.text_quality;
      if (a.exact_mi != b.exact_mi) return a.exact_mi < b.exact_mi;
      return a.row < b.row;
    });
  }
  matches.resize(to);
  emit_page(matches);
  return r;
}

}  // namespace meridian
