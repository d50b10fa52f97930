#include "query/executor.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <limits>
#include <span>

#include "geo/distance.h"
#include "query/text_filter.h"
#include "text/fuzzy.h"
#include "text/normalize.h"
#include "util/scope_exit.h"

namespace meridian {

namespace {

uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }

// The words of a query's name filters, for the text index: exact, but for
// the last word of a filter with a trailing *.
std::vector<std::pair<std::string, bool>> NameWords(const Query& q) {
  std::vector<std::pair<std::string, bool>> out;
  for (const Query::NameFilter& f : q.names) {
    const std::vector<std::string> words = NormalizeTokens(f.words);
    for (size_t k = 0; k < words.size(); ++k)
      out.emplace_back(words[k], f.prefix && k + 1 == words.size());
  }
  return out;
}

// Text with a point: reading the sites' rows costs less per row than a
// posting (sequential, RowInfo beside it), so the sites win until they hold
// this many times the rarest word's postings. Measured with
// bench_search --text-share 1 at 9 M rows.
constexpr size_t kSiteRowsPerPosting = 32;

// Work units (ExecuteOptions::budget), about 3.5 ns of one core each. One
// unit: kMarkReadsPerUnit postings read while marking (in order, into a
// bitmap that stays in cache); two: a row's RowInfo read in order (a
// nationwide scan). Dearer steps, measured with bench_costly at 9 M rows
// (bench/results/reliability.md):
//   a row near a point is measured (a distance);
//   a row that passes the filters is counted in the facets and kept for
//   ordering; sorted by name, ordering reads its name rank at random; sorted
//   by relevance, each word's terms are looked up among the row's;
//   a row reached from a text posting is a random read of its RowInfo and
//   terms; a credential filter tokenizes the row's credential text; a site
//   within the radius (the distance fast path) sums its profiles; a row of
//   that path's page is picked from every run at its distance (a row that
//   fails the filters there is one unit); a row with several locations goes
//   through a heap as deep as the page.
constexpr uint64_t kMarkReadsPerUnit = 8;
constexpr uint64_t kScanRowUnits = 2;
constexpr uint64_t kNearRowUnits = 1;
constexpr uint64_t kMatchUnits = 15;
constexpr uint64_t kNameOrderUnits = 40;
constexpr uint64_t kRateUnitsPerLevel = 3;  // per word, per halving of its terms
constexpr uint64_t kPostingUnits = 70;
constexpr uint64_t kCredentialUnits = 100;
constexpr uint64_t kNameFieldUnits = 400;  // a record read and decoded (about 1.5 us)
constexpr uint64_t kCodeUnits = 5;
constexpr uint64_t kSiteUnits = 60;       // plus one per profile it sums
constexpr uint64_t kMultiEntryUnits = 4;  // its other points looked up

// Thrown by Execution::Spend when the budget runs out; Execute() catches it.
struct OverBudget {};

// One query's execution: the filters, the facet counters and the page,
// with each step of Execute() a method. Lives for one call.
class Execution {
 public:
  Execution(const SearchIndex& index, const Query& q, const ExecuteOptions& options)
      : index_(index),
        snap_(index.snapshot()),
        grid_(index.grid()),
        q_(q),
        plan_(options.plan),
        mark_(options.mark),
        budget_(options.budget),
        text_(q.text.empty() && !q.names.empty() ? TextFilter(snap_.text(), NameWords(q))
                                                 : TextFilter(snap_.text(), q.text)),
        by_class_(index.classification_names().size(), 0),
        want_entity_(q.entity ? static_cast<uint8_t>(*q.entity) : 0xFF),
        want_modality_(WantedModalities(q, index.modalities())),
        state_id_(q.state.empty() ? 0 : snap_.states().Id(q.state)),
        rank_by_text_(text_.active() && q.sort == Query::Sort::kRelevance),
        name_rank_(q.sort == Query::Sort::kName ? &index.NameRank() : nullptr),
        from_(q.cursor ? 0 : q.offset) {
    result_.facets.modality.assign(index.modalities().modalities().size(), 0);
    // Per-taxonomy-id filter table, built only when the query filters by code.
    if (!q.taxonomies.empty()) {
      wanted_codes_.assign(snap_.taxonomy().size(), 0);
      for (size_t id = 0; id < wanted_codes_.size(); ++id)
        for (const std::string& t : q.taxonomies)
          if (snap_.taxonomy().entry(static_cast<uint16_t>(id)).info.code.starts_with(t))
            wanted_codes_[id] = 1;
    }
    row_filters_ = !wanted_codes_.empty() || !q.credentials.empty() || q.places.has_value() ||
                   !q.postal.empty() || !q.names.empty();
    row_units_ = (q.credentials.empty() ? 0 : kCredentialUnits) +
                 (q.names.empty() ? 0 : kNameFieldUnits) +
                 (row_filters_ && q.credentials.empty() && q.names.empty() ? kCodeUnits : 0);
  }

  // The answer, or OverBudget (thrown as soon as the work is known to
  // exceed the budget: before the candidates are read when their count
  // shows it, else during the reading).
  SearchResult Run() {
    if (text_.active() && text_.impossible()) return result_;  // a word that matches nothing
    if (!q_.state.empty() && state_id_ == 0) return result_;   // a state no row can have
    if (q_.has_point && !row_filters_ && !text_.active() && q_.sort == Query::Sort::kDistance) {
      NearestSitesFirst();
      return std::move(result_);
    }
    std::vector<GeoCandidate> matches;
    if (q_.npi) {
      // number=: one row at most (ParseQuery keeps points and words out).
      Spend(kMatchUnits);
      const int64_t row = snap_.Find(*q_.npi);
      if (row >= 0)
        Consider(GeoCandidate{static_cast<uint32_t>(row), 0, 0},
                 index_.row_info(static_cast<size_t>(row)), &matches);
    } else if (text_.active()) {
      CollectTextMatches(&matches);
    } else if (q_.has_point) {
      Spend(grid_.CountNear(q_.lat, q_.lon, q_.radius_mi) * kNearRowUnits);
      grid_.ForEachWithin(q_.lat, q_.lon, q_.radius_mi, [&](GeoCandidate c, const RowInfo& info) {
        Consider(c, info, &matches);
      });
    } else {
      Spend(snap_.size() * kScanRowUnits);
      for (size_t i = 0; i < snap_.size(); ++i)
        Consider(GeoCandidate{static_cast<uint32_t>(i), 0, 0}, index_.row_info(i), &matches);
    }
    FinishFacets();
    OrderAndEmit(&matches);
    return std::move(result_);
  }

  uint64_t work() const { return work_; }

 private:
  static bool ByDistance(const GeoCandidate& a, const GeoCandidate& b) {
    return a.exact_mi != b.exact_mi ? a.exact_mi < b.exact_mi : a.row < b.row;
  }

  // Filters RowInfo decides (so they apply to a whole profile at once)...
  bool PassesInfo(const RowInfo& info) const {
    return (q_.include_deactivated || info.entity != kDeactivated) &&
           (want_entity_ == 0xFF || info.entity == want_entity_) &&
           (state_id_ == 0 || info.state == state_id_) &&
           (q_.sex == 0 || info.sex == static_cast<uint8_t>(q_.sex)) &&
           (!q_.has_secondary || (info.flags & RowInfo::kHasSecondary)) &&
           (want_modality_ == 0 || (info.modality_mask & want_modality_));
  }

  // ...and those that read the row: codes, credential text, place, postal code.
  bool PassesRow(const GeoCandidate& c) const {
    if (q_.places && !std::binary_search(q_.places->begin(), q_.places->end(), snap_.place(c.row)))
      return false;
    if (!q_.postal.empty() && !PostalPasses(c)) return false;
    if (!wanted_codes_.empty()) {
      bool ok = false;
      for (uint16_t id : snap_.taxonomy_ids(c.row)) ok = ok || wanted_codes_[id];
      if (!ok) return false;
    }
    if (!q_.credentials.empty()) {
      std::vector<std::string> tokens = CredentialTokens(snap_.credential(c.row));
      bool ok = false;
      for (const std::string& cred : q_.credentials)
        ok = ok || std::find(tokens.begin(), tokens.end(), cred) != tokens.end();
      if (!ok) return false;
    }
    if (!q_.names.empty()) {
      // The name fields are in the record: read it (pread, like a page).
      thread_local Record rec;
      if (!snap_.GetRecord(c.row, &rec).ok()) return false;
      for (const Query::NameFilter& f : q_.names)
        if (!NameMatches(f, rec)) return false;
    }
    return true;
  }

  // A postal range holds one of the row's locations (with a point: the
  // candidate's own location).
  bool PostalPasses(const GeoCandidate& c) const {
    std::span<const uint32_t> codes = snap_.postal_codes(c.row);
    auto in_range = [&](uint32_t code) {
      for (const auto& [lo, hi] : q_.postal)
        if (code >= lo && code <= hi) return true;
      return false;
    };
    if (q_.has_point) return c.location < codes.size() && in_range(codes[c.location]);
    return std::any_of(codes.begin(), codes.end(), in_range);
  }

  // The text match quality, for the rows that need it: every match when the
  // sort is by relevance (and for its cursor), else the page's rows only.
  void Rate(GeoCandidate* c) const {
    c->text_quality = static_cast<uint8_t>(text_.Quality(c->row));
  }

  // Counts `n` matches with this RowInfo at `miles` in the total and facets.
  void Count(const RowInfo& info, double miles, uint64_t n) {
    result_.total += n;
    for (ModalityMask m = info.modality_mask; m != 0; m &= static_cast<ModalityMask>(m - 1))
      result_.facets.modality[static_cast<size_t>(__builtin_ctz(m))] += n;
    by_class_[info.class_slot] += n;
    by_entity_[info.entity] += n;
    by_sex_[info.sex] += n;
    by_state_[info.state] += n;
    if (q_.has_point)
      for (size_t b = 0; b < kDistanceBandsMiles.size(); ++b)
        result_.facets.distance_bands[b] += miles <= kDistanceBandsMiles[b] ? n : 0;
  }

  // Names the facet counters kept by small ids.
  void FinishFacets() {
    Facets& f = result_.facets;
    auto counts = [](const auto& counter, auto name) {
      std::vector<FacetCounts::Entry> named;
      named.reserve(static_cast<size_t>(
          std::count_if(counter.begin(), counter.end(), [](uint64_t n) { return n != 0; })));
      for (size_t k = 0; k < counter.size(); ++k)
        if (counter[k]) named.emplace_back(name(k), counter[k]);
      return FacetCounts(std::move(named));
    };
    f.classification = counts(by_class_, [this](size_t s) -> std::string_view {
      return index_.classification_names()[s];
    });
    f.entity = counts(by_entity_, [](size_t e) -> std::string_view {
      return EntityTypeName(static_cast<EntityType>(e));
    });
    f.sex = counts(by_sex_,
                   [](size_t x) -> std::string_view { return SexFacetKey(static_cast<char>(x)); });
    f.state = counts(by_state_, [this](size_t s) -> std::string_view {
      const std::string_view code = snap_.states().Code(static_cast<uint8_t>(s));
      return code.empty() ? "unknown" : code;
    });
  }

  // The sort's key, as the cursor stores it (then the NPI).
  std::pair<uint64_t, uint64_t> Key(const GeoCandidate& c) const {
    switch (q_.sort) {
      case Query::Sort::kDistance:
        return {Bits(c.exact_mi), 0};
      case Query::Sort::kName:
        return {(*name_rank_)[c.row], 0};
      case Query::Sort::kRelevance:
        return {c.text_quality, q_.has_point ? Bits(c.exact_mi) : 0};
    }
    return {0, 0};
  }

  bool AfterCursor(const GeoCandidate& c) const {
    if (!q_.cursor) return true;
    auto [sort_key, tie_key] = Key(c);
    if (sort_key != q_.cursor->sort_key) return sort_key > q_.cursor->sort_key;
    if (tie_key != q_.cursor->tie_key) return tie_key > q_.cursor->tie_key;
    return snap_.npi(c.row) > q_.cursor->npi;
  }

  // The hits of `page` (sorted, after the cursor) from the offset, and the
  // cursor for the next page when there is one.
  void EmitPage(std::vector<GeoCandidate>& page) {
    const size_t to = std::min(page.size(), from_ + q_.limit);
    for (size_t i = from_; i < to; ++i) {
      if (text_.active() && !rank_by_text_) Rate(&page[i]);
      result_.hits.push_back({page[i].row, q_.has_point ? page[i].exact_mi : 0.0, page[i].location,
                              page[i].text_quality});
    }
    if (page.size() > to && to > 0) {
      auto [sort_key, tie_key] = Key(page[to - 1]);
      result_.next_cursor = EncodeCursor(
          {q_.sort, sort_key, tie_key, snap_.npi(page[to - 1].row), snap_.id(), q_.fingerprint});
    }
  }

  // Adds `units` of work; throws OverBudget past the budget. Never called
  // where a throw would leave per-thread scratch dirty (see Run()).
  void Spend(uint64_t units) {
    work_ += units;
    if (work_ > budget_) throw OverBudget{};
  }

  // A match of the general path: checked, rated, counted, kept if after the cursor.
  void Consider(GeoCandidate c, const RowInfo& info, std::vector<GeoCandidate>* matches) {
    if (!PassesInfo(info)) return;
    if (row_filters_) {
      Spend(row_units_);
      if (!PassesRow(c)) return;
    }
    Spend(match_units_);
    if (rank_by_text_) Rate(&c);
    Count(info, c.exact_mi, 1);
    if (AfterCursor(c)) matches->push_back(c);
  }

  void NearestSitesFirst();
  void CountSiteProfiles(std::span<const SiteHit> sites, uint32_t nb);
  void CollectTextMatches(std::vector<GeoCandidate>* matches);
  void CollectTextMatchesByPlace(const PlacePostings& places, std::vector<GeoCandidate>* matches);
  void OrderAndEmit(std::vector<GeoCandidate>* matches);

  static constexpr uint8_t kDeactivated = static_cast<uint8_t>(EntityType::kDeactivated);
  const SearchIndex& index_;
  const Snapshot& snap_;
  const GeoGrid& grid_;
  const Query& q_;
  const TextPlan plan_;
  const MarkPlan mark_;
  const uint64_t budget_;
  uint64_t work_ = 0;
  const TextFilter text_;
  SearchResult result_;
  // Facet counters by small ids, named by FinishFacets().
  std::vector<uint64_t> by_class_;
  std::array<uint64_t, 3> by_entity_{};
  std::array<uint64_t, 256> by_sex_{}, by_state_{};
  std::vector<uint8_t> wanted_codes_;  // per taxonomy id; empty = no code filter
  const uint8_t want_entity_;
  const ModalityMask want_modality_;
  const uint8_t state_id_;
  const bool rank_by_text_;
  bool row_filters_ = false;
  uint64_t row_units_ = 0;  // what PassesRow costs
  const uint64_t match_units_ = kMatchUnits +
                                (q_.sort == Query::Sort::kName ? kNameOrderUnits : 0) +
                                (rank_by_text_ ? text_.RateLevels() * kRateUnitsPerLevel : 0);
  const std::vector<uint32_t>* name_rank_;  // for sort=name only
  const size_t from_;                       // the offset into the page's order
};

// Fast path (a point, sorted by distance, filters RowInfo decides): totals
// and facets per site profile; the page from the nearest sites only.
void Execution::NearestSitesFirst() {
  thread_local std::vector<SiteHit> sites;
  thread_local std::vector<GeoCandidate> page, multi;
  sites.clear(), page.clear(), multi.clear();
  grid_.SitesWithin(q_.lat, q_.lon, q_.radius_mi, &sites);
  const uint32_t nb = GeoGrid::ExclusiveBuckets(q_.radius_mi);
  const size_t need = from_ + q_.limit + 1;
  const uint64_t heap_units = 3 * static_cast<uint64_t>(std::bit_width(need));
  // Known before any is read: the sites' profiles, and the sort of a page
  // of at most `need` single rows and `need` multi-location ones (and never
  // more than the sites hold).
  uint64_t site_units = 0, rows = 0;
  for (const SiteHit& h : sites) {
    const size_t excl = grid_.excl_rows(h.site, nb).size();
    const size_t multi_entries = grid_.excl_rows(h.site, GeoGrid::kBuckets).size() - excl;
    site_units += kSiteUnits + grid_.profiles(h.site).size() +
                  grid_.excl_profiles(h.site, nb).size() + kMultiEntryUnits * multi_entries;
    rows += grid_.single_rows(h.site).size() + excl + multi_entries;
  }
  Spend(site_units + 2 * std::min<uint64_t>(need, rows) * heap_units);
  auto passes = [this](const RowInfo& info) { return PassesInfo(info); };
  auto count = [this](const RowInfo& info, double miles, uint64_t n) { Count(info, miles, n); };
  // Multi-location entries far enough from their rows' other points count
  // like single rows here (GeoGrid::ExclusiveBuckets).
  CountSiteProfiles(sites, nb);
  // The `need` nearest multi-location matches: a bounded max-heap.
  // Its work is added after it returns: CountMultiWithin keeps per-thread
  // counters that a throw from inside would leave dirty.
  uint64_t multi_units = 0;
  grid_.CountMultiWithin(sites, nb, passes, count, [&](const GeoCandidate& c) {
    ++multi_units;
    if (multi.size() == need && !ByDistance(c, multi.front())) return;
    multi_units += heap_units;
    if (!AfterCursor(c)) return;
    if (multi.size() < need) {
      multi.push_back(c);
      std::push_heap(multi.begin(), multi.end(), ByDistance);
    } else if (ByDistance(c, multi.front())) {
      std::pop_heap(multi.begin(), multi.end(), ByDistance);
      multi.back() = c;
      std::push_heap(multi.begin(), multi.end(), ByDistance);
    }
  });
  Spend(multi_units);
  // Sites nearest first (rows at equal distance in row = NPI order), taken
  // from a heap only as far as the page needs: a wide radius in a dense
  // metro holds thousands of sites, and the page usually fills from a few.
  // Popped sites collect at the back, so the k-th nearest is sites[n-1-k].
  auto farther = [](const SiteHit& a, const SiteHit& b) {
    return a.miles != b.miles ? a.miles > b.miles : a.site > b.site;
  };
  std::make_heap(sites.begin(), sites.end(), farther);
  size_t heap_end = sites.size();
  auto nearest = [&](size_t k) -> const SiteHit& {  // REQUIRES: k < sites.size()
    while (sites.size() - heap_end <= k) {
      std::pop_heap(sites.begin(), sites.begin() + static_cast<long>(heap_end), farther);
      --heap_end;
    }
    return sites[sites.size() - 1 - k];
  };
  // Each site's single rows, and each exclusive bucket's rows, are runs
  // ascending by row; a group of sites at one distance is merged run by run
  // until the page is full. A run stands at its next row that passes the
  // filters, so a row that fails costs one step, not one per run.
  struct Run {
    std::span<const uint32_t> rows;
    std::span<const RowInfo> info;
    std::span<const uint16_t> loc;
    size_t at;
  };
  thread_local std::vector<Run> runs;
  auto skip_failing = [&](Run& run) -> uint64_t {  // the rows it stepped over
    const size_t from = run.at;
    while (run.at < run.rows.size() && !PassesInfo(run.info[run.at])) ++run.at;
    return run.at - from;
  };
  for (size_t i = 0; i < sites.size() && page.size() < need;) {
    size_t j = i;
    const double miles = nearest(i).miles;
    while (j < sites.size() && nearest(j).miles == miles) ++j;
    if (q_.cursor && Bits(miles) < q_.cursor->sort_key) {  // wholly before the cursor
      i = j;
      continue;
    }
    runs.clear();
    uint64_t skipped = 0;
    auto add_run = [&](Run run) {
      skipped += skip_failing(run);
      if (run.at < run.rows.size()) runs.push_back(run);
    };
    for (size_t k = i; k < j; ++k) {
      const uint32_t s = nearest(k).site;
      add_run({grid_.single_rows(s), grid_.single_info(s), grid_.single_loc(s), 0});
      for (uint32_t b = 0; b < nb; ++b)  // (add_run drops an empty run)
        add_run({grid_.bucket_rows(s, b), grid_.bucket_info(s, b), grid_.bucket_loc(s, b), 0});
    }
    Spend(skipped);
    while (page.size() < need) {
      Run* next = nullptr;
      for (Run& run : runs)
        if (run.at < run.rows.size() &&
            (next == nullptr || run.rows[run.at] < next->rows[next->at]))
          next = &run;
      if (next == nullptr) break;
      const size_t k = next->at++;
      Spend(runs.size() + skip_failing(*next));
      GeoCandidate c{next->rows[k], next->loc[k], miles};
      if (AfterCursor(c)) page.push_back(c);
    }
    i = j;
  }
  page.insert(page.end(), multi.begin(), multi.end());
  std::sort(page.begin(), page.end(), ByDistance);
  FinishFacets();
  EmitPage(page);
}

// The distance band a site falls in: the first of kDistanceBandsMiles that
// holds it, or kDistanceBandsMiles.size() beyond them all; and a distance
// that Count() puts in the same bands.
size_t BandOf(double miles) {
  size_t b = 0;
  while (b < kDistanceBandsMiles.size() && miles > kDistanceBandsMiles[b]) ++b;
  return b;
}
double BandMiles(size_t band) {
  return band < kDistanceBandsMiles.size() ? kDistanceBandsMiles[band]
                                           : std::numeric_limits<double>::infinity();
}

// Totals and facets of the sites' single rows and exclusive multi entries:
// counts are summed per (distance band, profile id), so the filters and the
// facet counters run once per distinct profile and band, not once per
// (site, profile). Same sums as Count() per site profile.
void Execution::CountSiteProfiles(std::span<const SiteHit> sites, uint32_t nb) {
  constexpr size_t kBands = kDistanceBandsMiles.size() + 1;
  const size_t n_ids = grid_.distinct_profiles();
  thread_local std::vector<uint32_t> sum;      // band * n_ids + id -> rows; zero between queries
  thread_local std::vector<uint32_t> touched;  // the nonzero slots of `sum`
  if (sum.size() < kBands * n_ids) sum.assign(kBands * n_ids, 0);
  touched.clear();
  auto add = [&](uint32_t* band_sum, size_t band_base, std::span<const Profile> profiles) {
    for (const Profile& p : profiles) {
      if (band_sum[p.id] == 0) touched.push_back(static_cast<uint32_t>(band_base + p.id));
      band_sum[p.id] += p.count;
    }
  };
  // A modality filter passes no profile without a modality.
  const bool modal_only = want_modality_ != 0;
  for (const SiteHit& h : sites) {
    const size_t base = BandOf(h.miles) * n_ids;
    add(&sum[base], base, modal_only ? grid_.modal_profiles(h.site) : grid_.profiles(h.site));
    add(&sum[base], base, grid_.excl_profiles(h.site, nb));
  }
  for (uint32_t slot : touched) {
    const RowInfo& info = grid_.profile_info(static_cast<uint32_t>(slot % n_ids));
    if (PassesInfo(info)) Count(info, BandMiles(slot / n_ids), sum[slot]);
    sum[slot] = 0;
  }
}

// Text queries. The rows matching every word are marked in a bitmap first
// (postings read in order, no row data touched). Then the candidates come
// from the sites within the radius, when they hold fewer rows than the
// rarest word's postings (rows read in site order with their RowInfo), or
// from those postings (each row once: its bit is cleared when it is seen).
void Execution::CollectTextMatches(std::vector<GeoCandidate>* matches) {
  thread_local std::vector<uint64_t> acc, tmp;  // one bit per row, all zero between queries
  if (acc.size() < snap_.size() / 64 + 1) {
    acc.assign(snap_.size() / 64 + 1, 0);
    tmp.assign(acc.size(), 0);
  }
  const std::pair<size_t, size_t> rare = text_.Rarest();  // (word, postings)
  const size_t rarest = rare.first, rarest_rows = rare.second;
  const PlacePostings* places = index_.place_postings();  // null until built
  const bool by_places = q_.has_point && places != nullptr && !places->empty() &&
                         (plan_ == TextPlan::kAuto || plan_ == TextPlan::kPlaces);
  const size_t near = q_.has_point && plan_ != TextPlan::kPostings
                          ? grid_.CountNear(q_.lat, q_.lon, q_.radius_mi)
                          : 0;
  const bool by_sites = q_.has_point && (plan_ == TextPlan::kAuto || plan_ == TextPlan::kPlaces
                                             ? near <= kSiteRowsPerPosting * rarest_rows
                                             : plan_ == TextPlan::kSites);
  // The reads are known before any is made: a search past the budget stops
  // here. The estimate is the cheaper of the two row-order plans whichever
  // plan runs, so every plan refuses the same searches (the place postings
  // read at most what either reads).
  Spend(text_.MarkReads(rarest) / kMarkReadsPerUnit +
        (by_sites ? near * kNearRowUnits : rarest_rows * kPostingUnits));
  if (by_places) {
    CollectTextMatchesByPlace(*places, matches);
    return;
  }
  const size_t words = snap_.size() / 64 + 1;  // of the bitmaps (they may be longer)
  text_.Mark(rarest, acc.data(), tmp.data(), words, mark_);
  // Whatever happens below, the bitmap is all zero again for the next query.
  const ScopeExit unmark([&] { text_.Unmark(rarest, acc.data(), words, mark_); });
  auto take = [&](uint32_t row) {  // true once per marked row
    uint64_t& w = acc[row >> 6];
    const uint64_t bit = uint64_t{1} << (row & 63);
    if (!(w & bit)) return false;
    w &= ~bit;
    return true;
  };
  if (by_sites) {
    grid_.ForEachWithin(q_.lat, q_.lon, q_.radius_mi, [&](GeoCandidate c, const RowInfo& info) {
      if (take(c.row)) Consider(c, info, matches);
    });
    return;
  }
  // A posting's row is within the radius when its site is a hit (marked
  // with its distance); rows with several points measure each.
  thread_local std::vector<SiteHit> hits;
  thread_local HitSiteMiles site_miles;  // hit site -> miles
  hits.clear();
  if (q_.has_point) {
    grid_.SitesWithin(q_.lat, q_.lon, q_.radius_mi, &hits);
    site_miles.Mark(hits, grid_.sites());
  }
  const ScopeExit unmark_sites([&] { site_miles.Unmark(hits); });
  text_.ForEachRow(rarest, [&](uint32_t row) {
    if (!take(row)) return;
    GeoCandidate c{row, 0, 0};
    if (q_.has_point) {
      const uint32_t site = grid_.row_site(row);
      if (site == GeoGrid::kNoSite) return;
      if (site != GeoGrid::kMultiSite) {
        const double* miles = site_miles.Find(site);
        if (miles == nullptr) return;
        c.exact_mi = *miles, c.location = grid_.row_loc(row);
      } else {  // as the grid measures it: the nearest point (ties: lowest index)
        auto locs = index_.locations(row);
        double best = 1e300;
        for (size_t k = 0; k < locs.size() && k <= UINT16_MAX; ++k) {
          if (locs[k].precision == 0) continue;
          double d = HaversineMiles(q_.lat, q_.lon, locs[k].lat, locs[k].lon);
          if (d < best) best = d, c.location = static_cast<uint32_t>(k);
        }
        if (!(best <= q_.radius_mi)) return;
        c.exact_mi = best;
      }
    }
    Consider(c, index_.row_info(row), matches);
  });
}

// Text with a point, through the place postings: the entries near the
// point are a few ranges of the grid's order; each word's entries there are
// marked in a bitmap over those ranges alone, and the marked entries on
// sites within the radius are the candidates (a row with several points at
// its nearest, as the grid decides). Nothing far from the point is read,
// and no row near it that lacks a word.
void Execution::CollectTextMatchesByPlace(const PlacePostings& places,
                                          std::vector<GeoCandidate>* matches) {
  using EntryRange = TextFilter::EntryRange;
  thread_local std::vector<GeoGrid::SiteRange> near;
  thread_local std::vector<EntryRange> ranges;
  grid_.SiteRangesNear(q_.lat, q_.lon, q_.radius_mi, &near);
  ranges.clear();
  const uint32_t singles = static_cast<uint32_t>(grid_.single_entries());
  uint32_t base = 0;
  for (const GeoGrid::SiteRange& s : near) {  // single entries, then multi entries
    const uint32_t b = grid_.single_begin(s.first), e = grid_.single_begin(s.last);
    if (b < e) ranges.push_back({b, e, base, s.first}), base += e - b;
  }
  for (const GeoGrid::SiteRange& s : near) {
    const uint32_t b = singles + grid_.multi_begin(s.first),
                   e = singles + grid_.multi_begin(s.last);
    if (b < e) ranges.push_back({b, e, base, s.first}), base += e - b;
  }
  const size_t words = base / 64 + 1;
  thread_local std::vector<uint64_t> acc, tmp;  // all zero between queries
  if (acc.size() < words) acc.resize(words, 0), tmp.resize(words, 0);
  text_.MarkPlaces(places, ranges, words, acc.data(), tmp.data());
  const ScopeExit unmark([&] { std::fill(acc.begin(), acc.begin() + words, uint64_t{0}); });
  thread_local std::vector<SiteHit> hits;
  thread_local HitSiteMiles site_miles;  // hit site -> miles
  hits.clear();
  grid_.SitesWithin(q_.lat, q_.lon, q_.radius_mi, &hits);
  site_miles.Mark(hits, grid_.sites());
  const ScopeExit unmark_sites([&] { site_miles.Unmark(hits); });
  for (const EntryRange& r : ranges) {
    const bool multi = r.begin >= singles;
    const uint32_t first = r.base, last = r.base + (r.end - r.begin);  // bits
    uint32_t site = r.first_site;
    for (uint32_t w = first / 64; w * 64 < last; ++w) {
      uint64_t bits = acc[w];
      if (first > w * 64) bits &= ~uint64_t{0} << (first - w * 64);
      if (last < w * 64 + 64) bits &= (uint64_t{1} << (last - w * 64)) - 1;
      for (; bits != 0; bits &= bits - 1) {
        const uint32_t e =
            r.begin + (w * 64 + static_cast<uint32_t>(std::countr_zero(bits)) - first);
        if (!multi) {
          while (grid_.single_begin(site + 1) <= e) ++site;
          const double* miles = site_miles.Find(site);
          if (miles != nullptr)
            Consider(grid_.single_entry(e, *miles), grid_.single_entry_info(e), matches);
        } else {
          const uint32_t k = e - singles;
          while (grid_.multi_begin(site + 1) <= k) ++site;
          const double* miles = site_miles.Find(site);
          if (miles != nullptr && grid_.NearestOfRow(k, *miles, site_miles))
            Consider(grid_.multi_entry(k, *miles), grid_.multi_entry_info(k), matches);
        }
      }
    }
  }
}

// Orders only what the page needs (a partial sort up to the page's end plus
// one, to know whether a next page exists), then emits it.
void Execution::OrderAndEmit(std::vector<GeoCandidate>* matches_in) {
  std::vector<GeoCandidate>& matches = *matches_in;
  const size_t to = std::min(matches.size(), from_ + q_.limit + 1);
  auto order = [&](auto less) {
    if (to < matches.size())
      std::partial_sort(matches.begin(), matches.begin() + static_cast<long>(to), matches.end(),
                        less);
    else
      std::sort(matches.begin(), matches.end(), less);
  };
  if (q_.sort == Query::Sort::kDistance) {
    order(ByDistance);
  } else if (q_.sort == Query::Sort::kName) {
    order([rank = name_rank_](const GeoCandidate& a, const GeoCandidate& b) {
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
  EmitPage(matches);
}

}  // namespace

SearchResult Execute(const SearchIndex& index, const Query& q, const ExecuteOptions& options) {
  assert(q.sort != Query::Sort::kName || index.has_name_rank());
  Execution e(index, q, options);
  try {
    SearchResult r = e.Run();
    r.work = e.work();
    return r;
  } catch (const OverBudget&) {
    SearchResult r;
    r.too_broad = true;
    r.work = e.work();
    return r;
  }
}

Status TooBroad(const Query& q) {
  if (!q.text.empty() && !q.has_point)
    return Status::InvalidArgument(
               "this name matches too many providers across the country to sort; add a place "
               "(near or city), a state, or more letters of the name")
        .WithParam("q")
        .WithReason("too_broad");
  if (q.has_point)
    return Status::InvalidArgument(
               "this area holds too many providers for this search; use a smaller radius, "
               "sort by distance, or add a care type or name")
        .WithParam("radius")
        .WithReason("too_broad");
  return Status::InvalidArgument(
             "searching every provider in the country this way is too broad; add a place (near "
             "or city) or a name (q). To list every provider, use the bulk exports")
      .WithReason("too_broad");
}

std::string CursorAfter(const SearchIndex& index, const Query& q, const SearchHit& hit) {
  // The same keys as Execution::Key().
  uint64_t sort_key = 0, tie_key = 0;
  switch (q.sort) {
    case Query::Sort::kDistance:
      sort_key = Bits(hit.distance_mi);
      break;
    case Query::Sort::kName:
      sort_key = index.NameRank()[hit.row];
      break;
    case Query::Sort::kRelevance:
      sort_key = hit.text_quality;
      tie_key = q.has_point ? Bits(hit.distance_mi) : 0;
      break;
  }
  const Snapshot& snap = index.snapshot();
  return EncodeCursor({q.sort, sort_key, tie_key, snap.npi(hit.row), snap.id(), q.fingerprint});
}

}  // namespace meridian
