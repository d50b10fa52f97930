// GeoGrid: every geocoded practice location, grouped by *site* — a distinct
// (lat, lon) point — and sites grouped in a flat lat/lon grid of cells.
//
// Geocodes are ZIP centroids, so ~9 million providers stand on ~33 000
// sites: a radius query measures each nearby site once (exact haversine),
// and everything at a site shares that distance. Per site the grid keeps
//   - its single-location rows (rows with exactly one geocoded location),
//     ascending, each with its RowInfo;
//   - a histogram of those rows' RowInfo values ("profiles" with counts), so
//     totals and facets for filters that RowInfo can decide are summed per
//     profile instead of per row; a profile names its RowInfo by id in one
//     dictionary of the distinct values (ids ascend with RowInfo::Bits()), so
//     a query can add up counts per id and decide filters once per id;
//   - the rows with several geocoded locations that have one here (they
//     match at their nearest location, so they are resolved per row).
// A row whose geocoded locations all share one point counts as a single row
// there, at its lowest location index (equal distances tie to the lowest).
// Cells are kCellDegrees on a side (CSR layout: sorted cell keys + offsets
// into the site arrays; no pointers, no per-cell allocations).
//
// Matching follows the scan oracle exactly (query/scan.h): great-circle
// distance (geo/distance.h) from the query point to each location's float
// coordinates; a row matches at its nearest location within the radius.
//
// Thread safety: immutable after Build(); concurrent queries are safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "geo/distance.h"
#include "index/location_view.h"
#include "snapshot/snapshot.h"
#include "util/scope_exit.h"
#include "util/status.h"

namespace meridian {

// A row within the radius, at its nearest location, with the exact distance.
struct GeoCandidate {
  uint32_t row;
  uint32_t location;         // which of the row's locations (0 = primary)
  double exact_mi;           // great-circle miles (0 when the query has no point)
  uint8_t text_quality = 0;  // set by the executor for text queries (text/fuzzy.h)
};

// Per-row values that filters and facets read, stored next to each row in the
// grid so a radius query reads them sequentially instead of chasing columns.
struct RowInfo {
  uint16_t modality_mask = 0;
  uint16_t class_slot = 0;  // facet slot of the primary taxonomy's classification
  uint8_t entity = 0;       // EntityType
  uint8_t sex = 0;          // ASCII or 0
  uint8_t state = 0;        // StateTable id
  uint8_t flags = 0;        // kHasSecondary
  static constexpr uint8_t kHasSecondary = 1;
  bool operator==(const RowInfo&) const = default;
  uint64_t Bits() const;  // a total order for grouping
};
static_assert(sizeof(RowInfo) == 8);

// `count` rows of one site (or bucket) share the RowInfo GeoGrid::profile_info(id).
struct Profile {
  uint32_t id;
  uint32_t count;
};

// A site within the radius and its exact distance.
struct SiteHit {
  uint32_t site;
  double miles;
};

// The sites a search hit, with their distances, for GeoGrid::NearestOfRow:
// one bit per site (a few KB, so the many lookups of sites that were not hit
// stay in cache) and a distance read only for a hit. Mark() a search's hits,
// look them up, then Unmark() the same hits: the bits are all clear between
// searches. One per thread.
class HitSiteMiles {
 public:
  void Mark(std::span<const SiteHit> hits, size_t sites) {
    if (miles_.size() < sites) bits_.assign(sites / 64 + 1, 0), miles_.assign(sites, 0);
    for (const SiteHit& h : hits) {
      bits_[h.site >> 6] |= uint64_t{1} << (h.site & 63);
      miles_[h.site] = h.miles;
    }
  }
  void Unmark(std::span<const SiteHit> hits) {
    for (const SiteHit& h : hits) bits_[h.site >> 6] = 0;
  }
  // The site's distance if it was hit, else nullptr.
  const double* Find(uint32_t site) const {
    return (bits_[site >> 6] >> (site & 63)) & 1 ? &miles_[site] : nullptr;
  }

 private:
  std::vector<uint64_t> bits_;
  std::vector<double> miles_;
};

// Bound on |chord - true chord| for the float unit vectors: a site whose
// approximate chord exceeds the radius' by more than this is outside without
// measuring; every other site is measured exactly.
inline constexpr double kChordMargin = 1e-6;

class GeoGrid {
 public:
  static constexpr double kCellDegrees = 0.1;

  // Build's first step, which needs no RowInfo: every geocoded point as a
  // site and an entry (about a fifth of Build at 9 M rows). A caller may run
  // it on another thread while it computes the RowInfo, then pass it in.
  struct Points;
  static std::shared_ptr<Points> CollectPoints(const LocationView& snap);

  // REQUIRES: row_info.size() == snap.size(); `points`, when given, came
  // from CollectPoints(snap). O(locations + sites log sites); two threads
  // for part of it.
  static GeoGrid Build(const LocationView& snap, const std::vector<RowInfo>& row_info,
                       std::shared_ptr<Points> points = nullptr);

  // Appends every site within the radius (exact: HaversineMiles <= radius_mi),
  // in unspecified order. REQUIRES: 0 <= radius_mi <= 3000.
  void SitesWithin(double lat, double lon, double radius_mi, std::vector<SiteHit>* out) const;

  // Calls f(candidate, info) for every row within the radius, once per row at
  // its nearest location (ties: lowest location index), in unspecified order.
  template <class F>
  void ForEachWithin(double lat, double lon, double radius_mi, F f) const;
  // The multi-location rows standing on `hits` (entries of buckets
  // first_bucket and up), each once at its nearest location among them (ties:
  // lowest location index): f(candidate, info).
  template <class F>
  void ForEachMultiWithin(std::span<const SiteHit> hits, uint32_t first_bucket, F f) const;
  // The same rows, counted per profile: count(info, miles, n) once per
  // (site, bucket, profile) with n matching rows whose profile passes
  // `pass(info)`; row(candidate) for each such row (to pick a page).
  template <class Pass, class Count, class Row>
  void CountMultiWithin(std::span<const SiteHit> hits, uint32_t first_bucket, Pass pass,
                        Count count, Row row) const;

  // Rows standing on the sites of the cells a query visits (a cost estimate).
  size_t CountNear(double lat, double lon, double radius_mi) const;
  // The sites of the cells a query visits (every site SitesWithin can
  // return, and others near it), as ascending, disjoint [first, last) ranges
  // of site numbers. Sites are numbered in cell order, so a site range is
  // also a range of single entries and of multi entries (single_begin,
  // multi_begin): what place_postings.h relies on.
  struct SiteRange {
    uint32_t first, last;
  };
  void SiteRangesNear(double lat, double lon, double radius_mi, std::vector<SiteRange>* out) const;
  // The entries in site order: the first single / multi entry of site s
  // (s == sites(): the end), each entry's row, and an entry as a candidate.
  uint32_t single_begin(uint32_t s) const { return single_[s]; }
  uint32_t multi_begin(uint32_t s) const { return multi_[s * kBuckets]; }
  std::span<const uint32_t> all_single_rows() const { return single_row_; }
  std::span<const uint32_t> all_multi_rows() const { return multi_row_; }
  GeoCandidate single_entry(uint32_t e, double miles) const {
    return GeoCandidate{single_row_[e], single_loc_[e], miles};
  }
  const RowInfo& single_entry_info(uint32_t e) const { return single_info_[e]; }
  GeoCandidate multi_entry(uint32_t k, double miles) const {
    return GeoCandidate{multi_row_[k], multi_loc_[k], miles};
  }
  const RowInfo& multi_entry_info(uint32_t k) const { return multi_info_[k]; }
  // Whether multi entry k, on a hit site `miles` away, is its row's match:
  // none of the row's other points is a hit (`hit_miles`: site -> miles)
  // that is nearer, or as near with a lower location index.
  // `hit_miles` has Find(site) -> const double* (nullptr: not a hit).
  template <class HitMiles>
  bool NearestOfRow(uint32_t k, double miles, const HitMiles& hit_miles) const {
    for (uint32_t x = others_off_[k]; x < others_off_[k + 1]; ++x) {
      const double* m = hit_miles.Find(others_[x].site);
      if (m != nullptr && (*m < miles || (*m == miles && others_[x].loc <= multi_loc_[k])))
        return false;
    }
    return true;
  }

  size_t sites() const { return site_lat_.size(); }
  // f(row) for every row with a point on one of `hits` (a multi-point row
  // once per such point).
  template <class F>
  void ForEachRowAt(std::span<const SiteHit> hits, F f) const {
    for (const SiteHit& h : hits) {
      for (uint32_t row : single_rows(h.site)) f(row);
      for (uint32_t k = multi_[h.site * kBuckets]; k < multi_[(h.site + 1) * kBuckets]; ++k)
        f(multi_row_[k]);
    }
  }
  // Where a row stands, without reading the snapshot: its site when all its
  // geocoded points share one (the location index is its lowest there),
  // kMultiSite when it has several points, kNoSite when it has none.
  static constexpr uint32_t kNoSite = UINT32_MAX, kMultiSite = UINT32_MAX - 1;
  uint32_t row_site(size_t row) const { return row_site_[row]; }
  uint16_t row_loc(size_t row) const { return row_loc_[row]; }
  size_t single_entries() const { return single_row_.size(); }
  size_t multi_entries() const { return multi_row_.size(); }
  size_t multi_rows() const { return multi_rows_count_; }
  size_t profile_count() const { return profile_.size() + multi_profile_.size(); }
  // The distinct RowInfo values, by profile id (ascending RowInfo::Bits()).
  size_t distinct_profiles() const { return profile_info_.size(); }
  const RowInfo& profile_info(uint32_t id) const { return profile_info_[id]; }
  std::span<const uint32_t> single_rows(uint32_t s) const { return Slice(single_row_, single_, s); }
  std::span<const RowInfo> single_info(uint32_t s) const { return Slice(single_info_, single_, s); }
  std::span<const uint16_t> single_loc(uint32_t s) const { return Slice(single_loc_, single_, s); }
  // Site s's single-row profiles: those with a modality first, then those
  // without (ascending id within each part). A search for a modality needs
  // only modal_profiles(s): no other profile can pass its filter.
  std::span<const Profile> profiles(uint32_t s) const {
    return Slice(profile_, profile_offsets_, s);
  }
  std::span<const Profile> modal_profiles(uint32_t s) const {
    return Range(profile_, profile_offsets_[s], modal_end_[s]);
  }
  // Multi-location rows, by separation bucket: an entry in bucket b is at
  // least kBucketMiles[b] from every other point of its row. When twice the
  // radius is below that, no other point of the row can be within the radius
  // too (triangle inequality), so the entry acts like a single row: the first
  // ExclusiveBuckets(radius) buckets are summed by profile, not per row.
  static constexpr uint32_t kBuckets = 10;
  static constexpr double kBucketMiles[kBuckets - 1] = {1000, 400, 200, 100, 50, 20, 10, 5, 2};
  static constexpr double kTriangleSlackMiles = 0.01;  // beyond rounding of HaversineMiles
  static uint8_t SeparationBucket(double miles_to_nearest_other_point);
  static uint32_t ExclusiveBuckets(double radius_mi);
  // Entries of buckets [0, nb) at site s, rows ascending per bucket.
  std::span<const uint32_t> excl_rows(uint32_t s, uint32_t nb) const {
    return Range(multi_row_, multi_[s * kBuckets], multi_[s * kBuckets + nb]);
  }
  std::span<const uint16_t> excl_loc(uint32_t s, uint32_t nb) const {
    return Range(multi_loc_, multi_[s * kBuckets], multi_[s * kBuckets + nb]);
  }
  std::span<const RowInfo> excl_info(uint32_t s, uint32_t nb) const {
    return Range(multi_info_, multi_[s * kBuckets], multi_[s * kBuckets + nb]);
  }
  // Entries of bucket b at site s alone (rows ascending).
  std::span<const uint32_t> bucket_rows(uint32_t s, uint32_t b) const {
    return Range(multi_row_, multi_[s * kBuckets + b], multi_[s * kBuckets + b + 1]);
  }
  std::span<const uint16_t> bucket_loc(uint32_t s, uint32_t b) const {
    return Range(multi_loc_, multi_[s * kBuckets + b], multi_[s * kBuckets + b + 1]);
  }
  std::span<const RowInfo> bucket_info(uint32_t s, uint32_t b) const {
    return Range(multi_info_, multi_[s * kBuckets + b], multi_[s * kBuckets + b + 1]);
  }
  std::span<const Profile> excl_profiles(uint32_t s, uint32_t nb) const {
    return Range(multi_profile_, multi_profile_offsets_[s * kBuckets],
                 multi_profile_offsets_[s * kBuckets + nb]);
  }

  static void UnitVector(double lat, double lon, double out[3]);
  // The chord of a great-circle distance.
  static double ChordOfMiles(double miles);

  size_t memory_bytes() const;

  // Keys strictly ascending, offsets consistent, every site inside its cell
  // and distinct, exactly the snapshot's geocoded locations present (as
  // single or multi entries), rows ascending per site, RowInfo current,
  // each site's profiles the exact histogram of its single rows' RowInfo, and
  // row_site / row_loc naming each row's single entry (or its kind).
  Status CheckInvariants(const LocationView& snap, const std::vector<RowInfo>& row_info) const;

 private:
  // The steps of Build().
  void PlaceSites(const std::vector<std::pair<float, float>>& coords, std::vector<uint32_t>* remap);
  void LinkMultiEntries();
  void BuildProfiles();

  template <class T>
  static std::span<const T> Range(const std::vector<T>& v, uint32_t b, uint32_t e) {
    return std::span<const T>(v).subspan(b, e - b);
  }
  template <class T>
  static std::span<const T> Slice(const std::vector<T>& v, const std::vector<uint32_t>& off,
                                  uint32_t s) {
    return std::span<const T>(v).subspan(off[s], off[s + 1] - off[s]);
  }
  static int64_t LatCell(double lat);
  static int64_t LonCell(double lon);
  static uint32_t Key(int64_t lat_cell, int64_t lon_cell);
  struct Run {
    uint32_t k0, k1;
  };
  void Runs(double lat, double lon, double radius_mi, std::vector<Run>* runs) const;

  std::vector<uint32_t> keys_;   // cell keys, ascending
  std::vector<uint32_t> begin_;  // keys_.size() + 1 offsets into the sites
  std::vector<float> site_lat_, site_lon_;
  std::vector<float> site_xyz_;       // unit vector per site (3 floats)
  std::vector<double> site_cos_lat_;  // CosOfLatitude per site (for HaversineMilesCos)
  std::vector<uint32_t> single_;      // sites + 1 offsets
  std::vector<uint32_t> single_row_;  // ascending per site
  std::vector<RowInfo> single_info_;
  std::vector<uint16_t> single_loc_;
  std::vector<uint32_t> profile_offsets_;  // sites + 1 offsets
  std::vector<Profile> profile_;
  std::vector<uint32_t> modal_end_;  // per site: the end of its modality profiles in profile_
  std::vector<uint32_t> multi_;      // sites * kBuckets + 1 offsets (site, bucket)
  std::vector<uint32_t> multi_row_;  // ascending per site
  std::vector<uint16_t> multi_loc_;
  std::vector<RowInfo> multi_info_;
  std::vector<uint32_t> multi_profile_offsets_;  // sites * kBuckets + 1 offsets into multi_profile_
  std::vector<Profile> multi_profile_;           // per (site, bucket): histogram of multi entries
  std::vector<RowInfo> profile_info_;            // profile id -> RowInfo, ascending Bits()
  struct OtherPoint {
    uint32_t site;
    uint16_t loc;
  };
  // The steps of CheckInvariants().
  Status CheckCells() const;
  Status CheckEntries(const LocationView& snap, const std::vector<RowInfo>& row_info,
                      std::vector<uint32_t>* seen,
                      std::unordered_map<uint32_t, std::vector<OtherPoint>>* multi_points) const;
  Status CheckOtherPoints(
      const std::unordered_map<uint32_t, std::vector<OtherPoint>>& multi_points) const;
  Status CheckRowSites(const LocationView& snap, const std::vector<uint32_t>& seen) const;
  std::vector<uint32_t> others_off_;           // multi entries + 1 offsets into others_
  std::vector<OtherPoint> others_;             // per multi entry: its row's other points
  std::vector<uint32_t> multi_entry_profile_;  // per multi entry: its profile in multi_profile_
  std::vector<uint32_t> row_site_;             // per row: site, kMultiSite or kNoSite
  std::vector<uint16_t> row_loc_;              // per row: location index at row_site_ (single rows)
  uint32_t multi_rows_count_ = 0;
};

template <class F>
void GeoGrid::ForEachMultiWithin(std::span<const SiteHit> hits, uint32_t first_bucket, F f) const {
  // Mark the hit sites with their distance; an entry is its row's match
  // when none of the row's other points is a hit that is nearer (ties:
  // lower location index).
  thread_local HitSiteMiles mark;  // hit site -> miles
  mark.Mark(hits, sites());
  const ScopeExit unmark([&] { mark.Unmark(hits); });
  for (const SiteHit& h : hits)
    for (uint32_t k = multi_[h.site * kBuckets + first_bucket]; k < multi_[(h.site + 1) * kBuckets];
         ++k) {
      if (NearestOfRow(k, h.miles, mark)) f(multi_entry(k, h.miles), multi_info_[k]);
    }
}

template <class Pass, class Count, class Row>
void GeoGrid::CountMultiWithin(std::span<const SiteHit> hits, uint32_t first_bucket, Pass pass,
                               Count count, Row row) const {
  thread_local HitSiteMiles mark;            // hit site -> miles
  thread_local std::vector<uint32_t> n;      // per profile, zero between groups
  thread_local std::vector<uint8_t> passes;  // per profile of the current group
  if (n.size() < multi_profile_.size()) n.assign(multi_profile_.size(), 0);
  mark.Mark(hits, sites());
  const ScopeExit unmark([&] { mark.Unmark(hits); });
  for (const SiteHit& h : hits)
    for (uint32_t b = first_bucket; b < kBuckets; ++b) {
      const uint32_t grp = h.site * kBuckets + b;
      if (multi_[grp] == multi_[grp + 1]) continue;
      const uint32_t p0 = multi_profile_offsets_[grp], p1 = multi_profile_offsets_[grp + 1];
      passes.resize(p1 - p0);
      bool any = false;
      for (uint32_t p = p0; p < p1; ++p)
        any |= (passes[p - p0] = pass(profile_info_[multi_profile_[p].id]));
      if (!any) continue;
      for (uint32_t k = multi_[grp]; k < multi_[grp + 1]; ++k) {
        if (!passes[multi_entry_profile_[k] - p0]) continue;
        if (!NearestOfRow(k, h.miles, mark)) continue;
        ++n[multi_entry_profile_[k]];
        row(GeoCandidate{multi_row_[k], multi_loc_[k], h.miles});
      }
      for (uint32_t p = p0; p < p1; ++p)
        if (n[p] != 0) count(profile_info_[multi_profile_[p].id], h.miles, n[p]), n[p] = 0;
    }
}

template <class F>
void GeoGrid::ForEachWithin(double lat, double lon, double radius_mi, F f) const {
  thread_local std::vector<SiteHit> hits;
  hits.clear();
  SitesWithin(lat, lon, radius_mi, &hits);
  for (const SiteHit& h : hits) {
    auto rows = single_rows(h.site);
    auto info = single_info(h.site);
    auto loc = single_loc(h.site);
    for (size_t k = 0; k < rows.size(); ++k) f(GeoCandidate{rows[k], loc[k], h.miles}, info[k]);
  }
  ForEachMultiWithin(hits, 0, f);
}

}  // namespace meridian
