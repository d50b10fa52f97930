#include "index/geo_grid.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "geo/distance.h"
#include "index/site_table.h"

namespace meridian {

namespace {

constexpr int64_t kLonCells = static_cast<int64_t>(360 / GeoGrid::kCellDegrees);  // 3600
constexpr int64_t kLatCells = static_cast<int64_t>(180 / GeoGrid::kCellDegrees);  // 1800

// Locations past 65535 for one row are not indexed (NPPES has none near that).
size_t IndexedLocations(size_t n) { return std::min<size_t>(n, size_t{UINT16_MAX} + 1); }

}  // namespace

int64_t GeoGrid::LatCell(double lat) {
  return std::clamp<int64_t>(static_cast<int64_t>(std::floor((lat + 90.0) / kCellDegrees)), 0,
                             kLatCells - 1);
}

int64_t GeoGrid::LonCell(double lon) {
  int64_t c = static_cast<int64_t>(std::floor((lon + 180.0) / kCellDegrees));
  return ((c % kLonCells) + kLonCells) % kLonCells;
}

uint32_t GeoGrid::Key(int64_t lat_cell, int64_t lon_cell) {
  return static_cast<uint32_t>(lat_cell * kLonCells + lon_cell);
}

uint64_t RowInfo::Bits() const {
  uint64_t v;
  std::memcpy(&v, this, sizeof v);
  return v;
}

namespace {

// One indexed point of a row: its site, its location index there, and (for
// rows with several points) how far its nearest other point is.
struct Entry {
  uint32_t row, site;
  uint16_t location;
  uint8_t bucket;
};

// Every row's geocoded points as entries: rows with one distinct site go to
// `singles`; rows with several, one entry per site (at its lowest location
// index) with its separation bucket, to `multis`.
void CollectEntries(const LocationView& snap, SiteTable* sites, std::vector<Entry>* singles,
                    std::vector<Entry>* multis) {
  singles->reserve(snap.size());
  std::vector<Entry> row_entries;
  for (size_t i = 0; i < snap.size(); ++i) {
    row_entries.clear();
    auto locs = snap.locations(i);
    for (size_t k = 0; k < IndexedLocations(locs.size()); ++k) {
      if (locs[k].precision == 0) continue;
      Entry e{static_cast<uint32_t>(i), sites->Id(locs[k].lat, locs[k].lon),
              static_cast<uint16_t>(k), 0};
      bool seen = false;
      for (const Entry& x : row_entries) seen = seen || x.site == e.site;
      if (!seen) row_entries.push_back(e);
    }
    if (row_entries.size() == 1) {
      singles->push_back(row_entries[0]);
      continue;
    }
    const auto& coords = sites->coords();
    for (Entry& e : row_entries) {
      double sep = 1e300;
      for (const Entry& o : row_entries)
        if (o.site != e.site)
          sep = std::min(sep, HaversineMiles(coords[e.site].first, coords[e.site].second,
                                             coords[o.site].first, coords[o.site].second));
      e.bucket = GeoGrid::SeparationBucket(sep);
      multis->push_back(e);
    }
  }
}

// Entries grouped by key (site, or site and bucket) into offsets and
// parallel arrays; a stable counting sort keeps rows ascending in a group.
void GroupEntries(const std::vector<Entry>& in, const std::vector<uint32_t>& remap, size_t sites,
                  size_t per_site, const std::vector<RowInfo>& row_info, std::vector<uint32_t>* off,
                  std::vector<uint32_t>* rows, std::vector<uint16_t>* locs,
                  std::vector<RowInfo>* infos) {
  auto key = [&](const Entry& e) { return remap[e.site] * per_site + e.bucket; };
  off->assign(sites * per_site + 1, 0);
  for (const Entry& e : in) ++(*off)[key(e) + 1];
  for (size_t k = 0; k + 1 < off->size(); ++k) (*off)[k + 1] += (*off)[k];
  std::vector<uint32_t> fill(off->begin(), off->end() - 1);
  rows->resize(in.size()), locs->resize(in.size()), infos->resize(in.size());
  for (const Entry& e : in) {
    uint32_t at = fill[key(e)]++;
    (*rows)[at] = e.row, (*locs)[at] = e.location, (*infos)[at] = row_info[e.row];
  }
}

// A profile before ids are given: the RowInfo itself and its count.
struct InfoCount {
  RowInfo info;
  uint32_t count;
};

// Profiles: the histogram of each group's RowInfo values, groups
// [grp_begin, grp_end), appended with their end offsets (ascending Bits()
// within a group).
void Histograms(const std::vector<uint32_t>& off, const std::vector<RowInfo>& infos,
                size_t grp_begin, size_t grp_end, std::vector<uint32_t>* ends,
                std::vector<InfoCount>* profiles) {
  std::vector<std::pair<uint64_t, RowInfo>> scratch;
  for (size_t grp = grp_begin; grp < grp_end; ++grp) {
    if (off[grp + 1] - off[grp] == 1) {  // most sites: one row, one profile
      profiles->push_back({infos[off[grp]], 1});
      ends->push_back(static_cast<uint32_t>(profiles->size()));
      continue;
    }
    scratch.clear();
    for (uint32_t k = off[grp]; k < off[grp + 1]; ++k)
      scratch.emplace_back(infos[k].Bits(), infos[k]);
    std::sort(scratch.begin(), scratch.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t k = 0; k < scratch.size(); ++k) {
      if (k > 0 && scratch[k].first == scratch[k - 1].first)
        ++profiles->back().count;
      else
        profiles->push_back({scratch[k].second, 1});
    }
    ends->push_back(static_cast<uint32_t>(profiles->size()));
  }
}

}  // namespace

struct GeoGrid::Points {
  SiteTable table;
  std::vector<Entry> singles, multis;
};

std::shared_ptr<GeoGrid::Points> GeoGrid::CollectPoints(const LocationView& snap) {
  auto p = std::make_shared<Points>();
  CollectEntries(snap, &p->table, &p->singles, &p->multis);
  return p;
}

GeoGrid GeoGrid::Build(const LocationView& snap, const std::vector<RowInfo>& row_info,
                       std::shared_ptr<Points> points) {
  if (points == nullptr) points = CollectPoints(snap);
  const std::vector<Entry>& singles = points->singles;
  const std::vector<Entry>& multis = points->multis;
  GeoGrid g;
  std::vector<uint32_t> remap;  // site id in `table` -> final site number
  g.PlaceSites(points->table.coords(), &remap);
  const size_t sites = points->table.coords().size();
  // Singles on a second thread; multis and their links here (disjoint members).
  std::thread single_thread([&] {
    GroupEntries(singles, remap, sites, 1, row_info, &g.single_, &g.single_row_, &g.single_loc_,
                 &g.single_info_);
  });
  GroupEntries(multis, remap, sites, kBuckets, row_info, &g.multi_, &g.multi_row_, &g.multi_loc_,
               &g.multi_info_);
  g.LinkMultiEntries();
  single_thread.join();
  g.row_site_.assign(snap.size(), kNoSite);
  g.row_loc_.assign(snap.size(), 0);
  for (const Entry& e : singles) g.row_site_[e.row] = remap[e.site], g.row_loc_[e.row] = e.location;
  for (const Entry& e : multis) g.row_site_[e.row] = kMultiSite;
  g.BuildProfiles();
  return g;
}

void GeoGrid::PlaceSites(const std::vector<std::pair<float, float>>& coords,
                         std::vector<uint32_t>* remap) {
  // Final site order: by cell key, then coordinates.
  std::vector<uint32_t> order(coords.size());
  std::iota(order.begin(), order.end(), 0u);
  auto key_of = [&](uint32_t s) {
    return Key(LatCell(coords[s].first), LonCell(coords[s].second));
  };
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    uint32_t ka = key_of(a), kb = key_of(b);
    if (ka != kb) return ka < kb;
    return coords[a] < coords[b];
  });
  remap->assign(coords.size(), 0);
  for (uint32_t k = 0; k < order.size(); ++k) {
    (*remap)[order[k]] = k;
    const uint32_t key = key_of(order[k]);
    if (keys_.empty() || keys_.back() != key) {
      keys_.push_back(key);
      begin_.push_back(k);
    }
    const auto [lat, lon] = coords[order[k]];
    site_lat_.push_back(lat);
    site_lon_.push_back(lon);
    site_cos_lat_.push_back(CosOfLatitude(lat));
    double v[3];
    UnitVector(lat, lon, v);
    for (double x : v) site_xyz_.push_back(static_cast<float>(x));
  }
  begin_.push_back(static_cast<uint32_t>(order.size()));
}

void GeoGrid::LinkMultiEntries() {
  // Per multi entry: the row's other points (site, location), so a query
  // can tell whether this entry is the row's nearest without per-row state.
  const size_t m = multi_row_.size(), n_sites = sites();
  std::vector<uint32_t> entry_site(m);
  for (uint32_t s = 0; s < n_sites; ++s)
    for (uint32_t k = multi_[s * kBuckets]; k < multi_[(s + 1) * kBuckets]; ++k) entry_site[k] = s;
  std::vector<uint32_t> by_row(m);
  std::iota(by_row.begin(), by_row.end(), 0u);
  std::sort(by_row.begin(), by_row.end(), [&](uint32_t a, uint32_t b) {
    return multi_row_[a] != multi_row_[b] ? multi_row_[a] < multi_row_[b] : a < b;
  });
  std::vector<std::pair<uint32_t, uint32_t>> span(m);  // entry -> [begin, end) in by_row
  for (size_t a = 0; a < m;) {
    size_t b = a;
    while (b < m && multi_row_[by_row[b]] == multi_row_[by_row[a]]) ++b;
    for (size_t k = a; k < b; ++k)
      span[by_row[k]] = {static_cast<uint32_t>(a), static_cast<uint32_t>(b)};
    a = b;
  }
  others_off_.assign(1, 0);
  for (uint32_t k = 0; k < m; ++k) {
    for (uint32_t x = span[k].first; x < span[k].second; ++x)
      if (by_row[x] != k) others_.push_back({entry_site[by_row[x]], multi_loc_[by_row[x]]});
    others_off_.push_back(static_cast<uint32_t>(others_.size()));
  }
  multi_rows_count_ = 0;
  for (size_t a = 0; a < m; ++a) multi_rows_count_ += span[by_row[a]].first == a;
}

void GeoGrid::BuildProfiles() {
  // Singles on two threads (two halves of the sites, joined after), multis here.
  const size_t n_sites = sites(), half = n_sites / 2;
  std::vector<uint32_t> ends_b;
  std::vector<InfoCount> singles_a, singles_b, multis;
  profile_offsets_.assign(1, 0);
  std::thread second(
      [&] { Histograms(single_, single_info_, half, n_sites, &ends_b, &singles_b); });
  Histograms(single_, single_info_, 0, half, &profile_offsets_, &singles_a);
  multi_profile_offsets_.assign(1, 0);
  Histograms(multi_, multi_info_, 0, multi_.size() - 1, &multi_profile_offsets_, &multis);
  second.join();
  const uint32_t base = static_cast<uint32_t>(singles_a.size());
  for (uint32_t e : ends_b) profile_offsets_.push_back(base + e);
  // The dictionary: every distinct RowInfo, ascending Bits(), so ids keep
  // each group's order.
  // Millions of profiles but few distinct values: found with a hash set,
  // then only those sorted.
  std::unordered_set<uint64_t> distinct;
  for (const auto* v : {&singles_a, &singles_b, &multis})
    for (const InfoCount& p : *v) distinct.insert(p.info.Bits());
  std::vector<uint64_t> bits(distinct.begin(), distinct.end());
  std::sort(bits.begin(), bits.end());
  profile_info_.resize(bits.size());
  std::unordered_map<uint64_t, uint32_t> id_by_bits;
  id_by_bits.reserve(bits.size());
  for (size_t k = 0; k < bits.size(); ++k) {
    std::memcpy(&profile_info_[k], &bits[k], sizeof bits[k]);
    id_by_bits.emplace(bits[k], static_cast<uint32_t>(k));
  }
  auto id_of = [&](const RowInfo& info) { return id_by_bits.find(info.Bits())->second; };
  auto convert = [&](const std::vector<InfoCount>& in, std::vector<Profile>* out) {
    for (const InfoCount& p : in) out->push_back({id_of(p.info), p.count});
  };
  profile_.reserve(singles_a.size() + singles_b.size());
  convert(singles_a, &profile_);
  convert(singles_b, &profile_);
  multi_profile_.reserve(multis.size());
  convert(multis, &multi_profile_);
  // Each site's profiles with a modality first (a modality search reads
  // only those); ids stay ascending within each part.
  modal_end_.resize(n_sites);
  for (size_t site = 0; site < n_sites; ++site) {
    const auto first = profile_.begin() + profile_offsets_[site],
               last = profile_.begin() + profile_offsets_[site + 1];
    const auto mid = std::stable_partition(
        first, last, [&](const Profile& p) { return profile_info_[p.id].modality_mask != 0; });
    modal_end_[site] = static_cast<uint32_t>(mid - profile_.begin());
  }
  // Each multi entry's profile (a group's profiles ascend by id).
  multi_entry_profile_.resize(multi_row_.size());
  for (size_t grp = 0; grp + 1 < multi_.size(); ++grp) {
    auto first = multi_profile_.begin() + multi_profile_offsets_[grp],
         last = multi_profile_.begin() + multi_profile_offsets_[grp + 1];
    for (uint32_t k = multi_[grp]; k < multi_[grp + 1]; ++k)
      multi_entry_profile_[k] = static_cast<uint32_t>(
          std::lower_bound(first, last, id_of(multi_info_[k]),
                           [](const Profile& p, uint32_t id) { return p.id < id; }) -
          multi_profile_.begin());
  }
}

uint8_t GeoGrid::SeparationBucket(double sep) {
  for (uint32_t b = 0; b + 1 < kBuckets; ++b)
    if (sep > kBucketMiles[b]) return static_cast<uint8_t>(b);
  return kBuckets - 1;
}

uint32_t GeoGrid::ExclusiveBuckets(double radius_mi) {
  uint32_t b = 0;
  while (b + 1 < kBuckets && kBucketMiles[b] > 2 * radius_mi + kTriangleSlackMiles) ++b;
  return b;
}

void GeoGrid::SitesWithin(double lat, double lon, double radius_mi,
                          std::vector<SiteHit>* out) const {
  thread_local std::vector<Run> runs;
  Runs(lat, lon, radius_mi, &runs);
  double q[3];
  UnitVector(lat, lon, q);
  const double cos_lat = CosOfLatitude(lat);
  const double cr = ChordOfMiles(radius_mi) + kChordMargin;
  const double out2 = cr * cr;
  for (const Run& run : runs) {
    auto it = std::lower_bound(keys_.begin(), keys_.end(), run.k0);
    for (; it != keys_.end() && *it <= run.k1; ++it) {
      const size_t c = static_cast<size_t>(it - keys_.begin());
      for (uint32_t s = begin_[c]; s < begin_[c + 1]; ++s) {
        const float* v = &site_xyz_[3 * s];
        const double dx = q[0] - v[0], dy = q[1] - v[1], dz = q[2] - v[2];
        if (dx * dx + dy * dy + dz * dz > out2) continue;  // clearly outside
        const double d =
            HaversineMilesCos(lat, lon, cos_lat, site_lat_[s], site_lon_[s], site_cos_lat_[s]);
        if (d <= radius_mi) out->push_back({s, d});
      }
    }
  }
}

size_t GeoGrid::CountNear(double lat, double lon, double radius_mi) const {
  thread_local std::vector<Run> runs;
  Runs(lat, lon, radius_mi, &runs);
  size_t n = 0;
  for (const Run& run : runs) {
    auto a = std::lower_bound(keys_.begin(), keys_.end(), run.k0);
    auto b = std::upper_bound(a, keys_.end(), run.k1);
    const uint32_t s0 = begin_[static_cast<size_t>(a - keys_.begin())];
    const uint32_t s1 = begin_[static_cast<size_t>(b - keys_.begin())];
    n += single_[s1] - single_[s0] + multi_[s1 * kBuckets] - multi_[s0 * kBuckets];
  }
  return n;
}

void GeoGrid::SiteRangesNear(double lat, double lon, double radius_mi,
                             std::vector<SiteRange>* out) const {
  thread_local std::vector<Run> runs;
  Runs(lat, lon, radius_mi, &runs);
  out->clear();
  for (const Run& run : runs) {
    auto a = std::lower_bound(keys_.begin(), keys_.end(), run.k0);
    auto b = std::upper_bound(a, keys_.end(), run.k1);
    const uint32_t s0 = begin_[static_cast<size_t>(a - keys_.begin())];
    const uint32_t s1 = begin_[static_cast<size_t>(b - keys_.begin())];
    if (s0 < s1) out->push_back({s0, s1});
  }
  // A run that wraps around the globe comes after its row's higher keys.
  std::sort(out->begin(), out->end(),
            [](const SiteRange& x, const SiteRange& y) { return x.first < y.first; });
  size_t n = 0;
  for (const SiteRange& r : *out) {
    if (n > 0 && (*out)[n - 1].last >= r.first)
      (*out)[n - 1].last = std::max((*out)[n - 1].last, r.last);
    else
      (*out)[n++] = r;
  }
  out->resize(n);
}

void GeoGrid::Runs(double lat, double lon, double radius_mi, std::vector<Run>* runs) const {
  runs->clear();
  // Latitude band: exact, since a degree of latitude is the same everywhere.
  const double dlat = radius_mi / kMilesPerDegreeLat;
  const double lat_lo = lat - dlat, lat_hi = lat + dlat;
  // Longitude half-width of the band: the widest point of the circle is at
  // the band's highest |latitude|. Near a pole, or when the circle is wider
  // than a hemisphere, take every longitude.
  const double max_abs_lat = std::max(std::fabs(lat_lo), std::fabs(lat_hi));
  double dlon = 360.0;
  if (max_abs_lat < 89.0) {
    double c = std::cos(max_abs_lat * M_PI / 180.0);
    // sin(angular radius) / cos(lat) bounds the longitude offset on the sphere.
    double ang = radius_mi / kEarthRadiusMiles;
    if (ang < M_PI / 2) {
      double s = std::sin(ang) / c;
      if (s < 1.0) dlon = std::asin(s) * 180.0 / M_PI;
    }
  }
  // Widen by one cell so rounding at cell edges can never drop a point; the
  // exact distance test decides membership.
  const int64_t lat0 = LatCell(lat_lo - kCellDegrees), lat1 = LatCell(lat_hi + kCellDegrees);
  const bool all_lon = dlon >= 180.0;
  const int64_t span =
      all_lon ? kLonCells : static_cast<int64_t>(std::ceil(2 * dlon / kCellDegrees)) + 3;
  const int64_t lon0 = all_lon ? 0 : LonCell(lon - dlon - kCellDegrees);
  for (int64_t la = lat0; la <= lat1; ++la) {
    // The longitude cells [lon0, lon0 + span) wrap at most once around the globe.
    int64_t remaining = std::min(span, kLonCells);
    int64_t start = lon0;
    while (remaining > 0) {
      int64_t run = std::min(remaining, kLonCells - start);
      runs->push_back({Key(la, start), Key(la, start + run - 1)});
      remaining -= run;
      start = 0;
    }
  }
}

void GeoGrid::UnitVector(double lat, double lon, double out[3]) {
  constexpr double kRad = M_PI / 180.0;
  const double cl = std::cos(lat * kRad);
  out[0] = cl * std::cos(lon * kRad);
  out[1] = cl * std::sin(lon * kRad);
  out[2] = std::sin(lat * kRad);
}

double GeoGrid::ChordOfMiles(double miles) {
  return 2 * std::sin(std::min(miles / kEarthRadiusMiles, M_PI) / 2);
}

size_t GeoGrid::memory_bytes() const {
  auto bytes = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  return bytes(keys_) + bytes(begin_) + bytes(site_lat_) + bytes(site_lon_) + bytes(site_xyz_) +
         bytes(site_cos_lat_) + bytes(single_) + bytes(single_row_) + bytes(single_info_) +
         bytes(single_loc_) + bytes(profile_offsets_) + bytes(profile_) + bytes(multi_) +
         bytes(multi_row_) + bytes(multi_loc_) + bytes(multi_info_) + bytes(others_off_) +
         bytes(others_) + bytes(multi_profile_offsets_) + bytes(multi_entry_profile_) +
         bytes(multi_profile_) + bytes(row_site_) + bytes(row_loc_) + bytes(profile_info_) +
         bytes(modal_end_);
}

namespace {

// The number of distinct geocoded points of a row (indexed locations only).
size_t DistinctPoints(const LocationView& snap, size_t row) {
  std::vector<std::pair<float, float>> pts;
  auto locs = snap.locations(row);
  for (size_t k = 0; k < IndexedLocations(locs.size()); ++k)
    if (locs[k].precision != 0) pts.emplace_back(locs[k].lat, locs[k].lon);
  std::sort(pts.begin(), pts.end());
  return static_cast<size_t>(std::unique(pts.begin(), pts.end()) - pts.begin());
}

}  // namespace

Status GeoGrid::CheckInvariants(const LocationView& snap,
                                const std::vector<RowInfo>& row_info) const {
  MERIDIAN_RETURN_IF_ERROR(CheckCells());
  std::vector<uint32_t> seen;
  std::unordered_map<uint32_t, std::vector<OtherPoint>> multi_points;  // row -> its entries
  MERIDIAN_RETURN_IF_ERROR(CheckEntries(snap, row_info, &seen, &multi_points));
  MERIDIAN_RETURN_IF_ERROR(CheckOtherPoints(multi_points));
  return CheckRowSites(snap, seen);
}

// Cells, sites and offset arrays agree with each other.
Status GeoGrid::CheckCells() const {
  const size_t n = site_lat_.size();
  if (begin_.size() != keys_.size() + 1 || begin_.front() != 0 || begin_.back() != n)
    return Status::Corruption("geo grid: cell offsets do not match the sites");
  for (auto* off : {&single_, &profile_offsets_, &multi_, &multi_profile_offsets_})
    if (off->size() != (off == &single_ || off == &profile_offsets_ ? n : n * kBuckets) + 1 ||
        off->front() != 0 || !std::is_sorted(off->begin(), off->end()))
      return Status::Corruption("geo grid: site offsets are malformed");
  if (single_.back() != single_row_.size() || multi_.back() != multi_row_.size() ||
      profile_offsets_.back() != profile_.size() ||
      multi_profile_offsets_.back() != multi_profile_.size())
    return Status::Corruption("geo grid: site offsets do not end at their arrays");
  for (size_t k = 1; k < profile_info_.size(); ++k)
    if (profile_info_[k - 1].Bits() >= profile_info_[k].Bits())
      return Status::Corruption("geo grid: profile dictionary not ascending");
  if (modal_end_.size() != n) return Status::Corruption("geo grid: modality profile ends missing");
  for (size_t s = 0; s < n; ++s) {
    if (modal_end_[s] < profile_offsets_[s] || modal_end_[s] > profile_offsets_[s + 1])
      return Status::Corruption("geo grid: modality profile end out of its site");
    for (uint32_t k = profile_offsets_[s]; k < profile_offsets_[s + 1]; ++k) {
      if (profile_[k].id >= profile_info_.size())
        return Status::Corruption("geo grid: profile id out of range");
      if ((profile_info_[profile_[k].id].modality_mask != 0) != (k < modal_end_[s]))
        return Status::Corruption("geo grid: a site's profiles are not split by modality");
    }
  }
  for (size_t c = 0; c < keys_.size(); ++c) {
    if (c > 0 && keys_[c] <= keys_[c - 1])
      return Status::Corruption("geo grid: keys not ascending");
    if (begin_[c] >= begin_[c + 1]) return Status::Corruption("geo grid: empty cell");
    for (uint32_t s = begin_[c]; s < begin_[c + 1]; ++s) {
      if (Key(LatCell(site_lat_[s]), LonCell(site_lon_[s])) != keys_[c])
        return Status::Corruption("geo grid: a site lies outside its cell");
      if (s > begin_[c] &&
          !(std::pair(site_lat_[s - 1], site_lon_[s - 1]) < std::pair(site_lat_[s], site_lon_[s])))
        return Status::Corruption("geo grid: sites of a cell not distinct and ordered");
      double v[3];
      UnitVector(site_lat_[s], site_lon_[s], v);
      for (int k = 0; k < 3; ++k)
        if (site_xyz_[3 * s + k] != static_cast<float>(v[k]))
          return Status::Corruption("geo grid: stale unit vector");
      if (site_cos_lat_[s] != CosOfLatitude(site_lat_[s]))
        return Status::Corruption("geo grid: stale cosine of latitude");
    }
  }
  return Status::OK();
}

// Each row appears once per distinct geocoded point, at that point's site,
// with the lowest location index there; as a single entry when it has one
// such point. Profiles count their group's RowInfo values; multi entries sit
// in their separation bucket. Fills *seen_out (entries per row) and
// *multi_points_out (each multi row's entries).
Status GeoGrid::CheckEntries(
    const LocationView& snap, const std::vector<RowInfo>& row_info, std::vector<uint32_t>* seen_out,
    std::unordered_map<uint32_t, std::vector<OtherPoint>>* multi_points_out) const {
  const size_t n = site_lat_.size();
  std::vector<uint32_t>& seen = *seen_out;
  seen.assign(snap.size(), 0);
  auto& multi_points = *multi_points_out;
  auto check = [&](uint32_t s, uint32_t row, uint16_t loc, const RowInfo& info, bool single) {
    if (row >= snap.size()) return Status::Corruption("geo grid: row out of range");
    auto locs = snap.locations(row);
    if (loc >= locs.size() || locs[loc].precision == 0 || locs[loc].lat != site_lat_[s] ||
        locs[loc].lon != site_lon_[s] || (DistinctPoints(snap, row) == 1) != single)
      return Status::Corruption("geo grid: entry does not match its snapshot location");
    for (size_t k = 0; k < loc; ++k)
      if (locs[k].precision != 0 && locs[k].lat == site_lat_[s] && locs[k].lon == site_lon_[s])
        return Status::Corruption("geo grid: entry is not the row's lowest location there");
    if (!(info == row_info[row]))
      return Status::Corruption("geo grid: stale row info for row " + std::to_string(row));
    ++seen[row];
    return Status::OK();
  };
  std::unordered_map<uint64_t, uint32_t> hist;
  for (uint32_t s = 0; s < n; ++s) {
    auto rows = single_rows(s);
    hist.clear();
    for (size_t k = 0; k < rows.size(); ++k) {
      if (k > 0 && rows[k] <= rows[k - 1])
        return Status::Corruption("geo grid: rows not ascending");
      MERIDIAN_RETURN_IF_ERROR(check(s, rows[k], single_loc(s)[k], single_info(s)[k], true));
      ++hist[single_info(s)[k].Bits()];
    }
    auto profs = profiles(s);
    if (profs.size() != hist.size()) return Status::Corruption("geo grid: profile count differs");
    for (const Profile& p : profs)
      if (p.id >= profile_info_.size() || hist[profile_info_[p.id].Bits()] != p.count)
        return Status::Corruption("geo grid: profile miscounted");
    for (uint32_t b = 0; b < kBuckets; ++b) {
      const uint32_t g0 = multi_[s * kBuckets + b], g1 = multi_[s * kBuckets + b + 1];
      hist.clear();
      for (uint32_t k = g0; k < g1; ++k) ++hist[multi_info_[k].Bits()];
      auto mp = Range(multi_profile_, multi_profile_offsets_[s * kBuckets + b],
                      multi_profile_offsets_[s * kBuckets + b + 1]);
      if (mp.size() != hist.size())
        return Status::Corruption("geo grid: multi profile count differs");
      for (const Profile& p : mp)
        if (p.id >= profile_info_.size() || hist[profile_info_[p.id].Bits()] != p.count)
          return Status::Corruption("geo grid: multi profile miscounted");
      for (uint32_t k = g0; k < g1; ++k) {
        if (k > g0 && multi_row_[k] <= multi_row_[k - 1])
          return Status::Corruption("geo grid: multi rows not ascending");
        // The bucket is the separation from the row's other points.
        double sep = 1e300;
        auto locs = snap.locations(multi_row_[k]);
        for (size_t j = 0; j < IndexedLocations(locs.size()); ++j)
          if (locs[j].precision != 0 &&
              (locs[j].lat != site_lat_[s] || locs[j].lon != site_lon_[s]))
            sep =
                std::min(sep, HaversineMiles(site_lat_[s], site_lon_[s], locs[j].lat, locs[j].lon));
        if (SeparationBucket(sep) != b)
          return Status::Corruption("geo grid: multi entry in the wrong separation bucket");
      }
    }
    for (uint32_t k = multi_[s * kBuckets]; k < multi_[(s + 1) * kBuckets]; ++k) {
      MERIDIAN_RETURN_IF_ERROR(check(s, multi_row_[k], multi_loc_[k], multi_info_[k], false));
      multi_points[multi_row_[k]].push_back({s, multi_loc_[k]});
      if (multi_entry_profile_[k] >= multi_profile_.size() ||
          !(profile_info_[multi_profile_[multi_entry_profile_[k]].id] == multi_info_[k]))
        return Status::Corruption("geo grid: multi entry names the wrong profile");
    }
  }
  return Status::OK();
}

// Each multi entry's "others" are exactly its row's other entries.
Status GeoGrid::CheckOtherPoints(
    const std::unordered_map<uint32_t, std::vector<OtherPoint>>& multi_points) const {
  const size_t n = site_lat_.size();
  if (others_off_.size() != multi_row_.size() + 1 || others_off_.back() != others_.size())
    return Status::Corruption("geo grid: other-point offsets are malformed");
  for (uint32_t s = 0; s < n; ++s)
    for (uint32_t k = multi_[s * kBuckets]; k < multi_[(s + 1) * kBuckets]; ++k) {
      std::vector<std::pair<uint32_t, uint16_t>> want, got;
      auto row_points = multi_points.find(multi_row_[k]);
      if (row_points == multi_points.end())
        return Status::Corruption("geo grid: a multi entry's row has no entries");
      for (const OtherPoint& o : row_points->second)
        if (o.site != s) want.emplace_back(o.site, o.loc);
      for (uint32_t x = others_off_[k]; x < others_off_[k + 1]; ++x)
        got.emplace_back(others_[x].site, others_[x].loc);
      std::sort(want.begin(), want.end());
      std::sort(got.begin(), got.end());
      if (want != got) return Status::Corruption("geo grid: stale other points of a multi entry");
    }
  return Status::OK();
}

// Every row's site: none, its single site, or "several"; and as many
// entries as distinct geocoded points.
Status GeoGrid::CheckRowSites(const LocationView& snap, const std::vector<uint32_t>& seen) const {
  const size_t n = site_lat_.size();
  if (row_site_.size() != snap.size() || row_loc_.size() != snap.size())
    return Status::Corruption("geo grid: row sites do not cover the snapshot");
  for (uint32_t s = 0; s < n; ++s)
    for (size_t k = 0; k < single_rows(s).size(); ++k)
      if (row_site_[single_rows(s)[k]] != s || row_loc_[single_rows(s)[k]] != single_loc(s)[k])
        return Status::Corruption("geo grid: row site differs from its single entry");
  for (size_t i = 0; i < snap.size(); ++i) {
    const size_t points = DistinctPoints(snap, i);
    const bool ok = points == 0   ? row_site_[i] == kNoSite
                    : points == 1 ? row_site_[i] < n
                                  : row_site_[i] == kMultiSite;
    if (!ok) return Status::Corruption("geo grid: row " + std::to_string(i) + " has a stale site");
  }
  for (size_t i = 0; i < snap.size(); ++i)
    if (seen[i] != DistinctPoints(snap, i))
      return Status::Corruption("geo grid: row " + std::to_string(i) + " has " +
                                std::to_string(DistinctPoints(snap, i)) + " geocoded points but " +
                                std::to_string(seen[i]) + " entries");
  return Status::OK();
}

}  // namespace meridian
