// SearchIndex: everything the executor needs beyond the snapshot's columns,
// built once after a snapshot is opened.
//
//   - GeoGrid over all geocoded locations (radius candidates), and the text
//     postings in its order (PlacePostings: words near a point);
//   - a ModalityMask per row (taxonomy codes + credential text, per
//     data/modalities.csv), so the modality filter and facet are one AND;
//   - per taxonomy id: its classification's facet slot;
//   - each row's rank in name order (for sort=name), and the organization
//     links NPPES states, from one pass over the decoded records.
//
// Everything is built in Build(), off the serving path, so the first query
// after a load pays for nothing.
//
// Thread safety: immutable after Build(); concurrent queries are safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "index/geo_grid.h"
#include "index/org_links.h"
#include "index/place_postings.h"
#include "knowledge/knowledge_base.h"
#include "knowledge/modality_map.h"
#include "snapshot/snapshot.h"

namespace meridian {

// The modalities a provider offers by its taxonomy codes and credential text
// (data/modalities.csv) and, with `knowledge`, dry needling by its practice
// state's rules. The plain per-row definition: the index precomputes it, the
// scan oracle calls it.
ModalityMask ProviderModalities(const Snapshot& snap, size_t row, const ModalityMap& modalities,
                                const KnowledgeBase* knowledge);

class SearchIndex {
 public:
  // REQUIRES: `snap`, `modalities` and `knowledge` outlive the index. With
  // `knowledge`, the dry_needling modality follows the provider's state rules
  // (KnowledgeBase::MayDryNeedle) instead of the taxonomy prefixes alone.
  // A record that fails to decode is Corruption (the snapshot is refused,
  // never served with rows silently missing from the name order).
  // The name order and the organization links both come from one pass over
  // the decoded records (two threads). RecordPass::kSkip leaves both out,
  // for a one-off query that needs neither (`meridian search` not sorted by
  // name).
  // `overrides` replace some rows' locations as the index sees them (the
  // editors' corrections; location_view.h): distances and the radius use
  // them, the snapshot and the records stay as NPPES has them.
  // `record_cache`, when not empty, is a file for the record pass's
  // results (record_cache.h): used when it matches the snapshot, else the
  // pass runs and the file is written for the next start.
  enum class RecordPass { kBuild, kSkip };
  static Result<std::unique_ptr<SearchIndex>> Build(const Snapshot& snap,
                                                    const ModalityMap& modalities,
                                                    const KnowledgeBase* knowledge = nullptr,
                                                    RecordPass record_pass = RecordPass::kBuild,
                                                    LocationOverrides overrides = {},
                                                    const std::string& record_cache = "");
  // Whether Build() took the record pass from the cache.
  bool record_pass_cached() const { return record_pass_cached_; }

  const Snapshot& snapshot() const { return snap_; }
  const ModalityMap& modalities() const { return modalities_; }
  const GeoGrid& grid() const { return grid_; }
  // The text index's postings in the grid's order (place_postings.h), or
  // nullptr while Build()'s background work is still making them.
  const PlacePostings* place_postings() const {
    return places_ready_.load(std::memory_order_acquire) ? &place_postings_ : nullptr;
  }
  // Row `row`'s locations as the index sees them (with any override).
  std::span<const snapshot::LocationHot> locations(size_t row) const {
    return locations_.locations(row);
  }
  const LocationOverrides& overrides() const { return locations_.overrides(); }
  ModalityMask modality_mask(size_t row) const { return row_info_[row].modality_mask; }
  const RowInfo& row_info(size_t row) const { return row_info_[row]; }
  // Facet slot of a taxonomy id's classification; names in classification_names().
  uint16_t classification_slot(uint16_t taxonomy_id) const { return class_slot_[taxonomy_id]; }
  const std::vector<std::string>& classification_names() const { return class_names_; }
  uint16_t none_classification_slot() const { return none_slot_; }
  // Rank of each row in (SortName, row) order; empty when built with
  // RecordPass::kSkip.
  const std::vector<uint32_t>& NameRank() const { return name_rank_; }
  bool has_name_rank() const { return name_rank_.size() == snap_.size(); }
  // Providers NPPES links to each organization; empty with RecordPass::kSkip.
  const OrganizationLinks& org_links() const { return org_links_; }

  // Bytes the index holds; the place postings count once published, so
  // the figure grows once when the background work ends.
  size_t memory_bytes() const;
  ~SearchIndex();
  // Build() leaves work to a background thread (queries may run
  // meanwhile): the place postings, then handing the snapshot's pages back
  // to the page cache. This waits for both; after it place_postings() is
  // set. The destructor stops the place postings early.
  void WaitForBackgroundWork() const;
  // The grid's invariants plus: masks agree with the modality map for every row.
  Status CheckInvariants() const;

 private:
  SearchIndex(const Snapshot& snap, const ModalityMap& modalities, const KnowledgeBase* knowledge,
              LocationOverrides overrides)
      : snap_(snap),
        modalities_(modalities),
        knowledge_(knowledge),
        locations_(snap, std::move(overrides)) {}
  ModalityMask MaskOf(size_t row) const;
  void BuildRowInfo(const std::vector<ModalityMask>& code_qualifies);

  const Snapshot& snap_;
  const ModalityMap& modalities_;
  const KnowledgeBase* knowledge_;
  const LocationView locations_;
  GeoGrid grid_;
  PlacePostings place_postings_;  // set once by the background thread, then places_ready_
  std::vector<RowInfo> row_info_;
  std::vector<ModalityMask> taxonomy_mask_;  // per taxonomy id
  std::vector<uint16_t> class_slot_;
  std::vector<std::string> class_names_;
  uint16_t none_slot_ = 0;
  mutable std::thread background_;
  mutable std::once_flag background_once_;
  std::atomic<bool> stop_{false};          // the destructor asks the background work to stop
  std::atomic<bool> places_ready_{false};  // place_postings_ published
  std::vector<uint32_t> name_rank_;
  OrganizationLinks org_links_;
  bool record_pass_cached_ = false;
};

}  // namespace meridian
