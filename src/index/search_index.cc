#include "index/search_index.h"

#include <algorithm>
#include <array>
#include <map>
#include <numeric>
#include <thread>
#include <unordered_map>

#include "index/record_cache.h"

namespace meridian {

Result<std::unique_ptr<SearchIndex>> SearchIndex::Build(
    const Snapshot& snap, const ModalityMap& modalities, const KnowledgeBase* knowledge,
    RecordPass record_pass, LocationOverrides overrides, const std::string& record_cache) {
  for (const auto& [row, locs] : overrides)
    if (row >= snap.size() || locs.size() != snap.locations(row).size())
      return Status::InvalidArgument("a location override does not match its row");
  std::unique_ptr<SearchIndex> ix(
      new SearchIndex(snap, modalities, knowledge, std::move(overrides)));
  const TaxonomyDict& dict = snap.taxonomy();
  ix->taxonomy_mask_.resize(dict.size());
  std::vector<ModalityMask> code_qualifies(dict.size());
  ix->class_slot_.resize(dict.size());
  std::map<std::string, uint16_t> slots;
  auto slot_of = [&](const std::string& name) {
    auto [it, inserted] = slots.emplace(name, static_cast<uint16_t>(ix->class_names_.size()));
    if (inserted) ix->class_names_.push_back(name);
    return it->second;
  };
  for (size_t id = 0; id < dict.size(); ++id) {
    const TaxonomyEntry& e = dict.entry(static_cast<uint16_t>(id));
    ix->taxonomy_mask_[id] = modalities.MaskForTaxonomy(e.info.code);
    code_qualifies[id] = modalities.CredentialTaxonomyMask(e.info.code);
    ix->class_slot_[id] = slot_of(e.known ? e.info.classification : "unknown code");
  }
  ix->none_slot_ = slot_of("none");
  // The grid's points need no RowInfo: collected on a second thread meanwhile.
  std::shared_ptr<GeoGrid::Points> points;
  std::thread collect([&] { points = GeoGrid::CollectPoints(ix->locations_); });
  ix->BuildRowInfo(code_qualifies);
  collect.join();
  ix->grid_ = GeoGrid::Build(ix->locations_, ix->row_info_, std::move(points));
  if (record_pass == RecordPass::kBuild) {
    if (!record_cache.empty() &&
        LoadRecordPass(record_cache, snap, &ix->name_rank_, &ix->org_links_)) {
      ix->record_pass_cached_ = true;
    } else {
      MERIDIAN_RETURN_IF_ERROR(ComputeRecordPass(snap, &ix->name_rank_, &ix->org_links_));
      // Best effort: a directory we cannot write to only costs the pass next time.
      if (!record_cache.empty())
        (void)SaveRecordPass(record_cache, snap, ix->name_rank_, ix->org_links_);
    }
  }
  // Off the load path, on one thread: the place postings (about 0.7 s at 9 M
  // rows; text searches take the row-order plans until they are published),
  // then the snapshot's pages handed back (opening and building read every
  // page, queries need few; releasing 3 GB of mappings takes a few hundred ms).
  SearchIndex* raw = ix.get();
  ix->background_ = std::thread([raw, &snap] {
    PlacePostings places = PlacePostings::Build(snap.text(), raw->grid_, &raw->stop_);
    if (!raw->stop_.load(std::memory_order_relaxed)) {
      raw->place_postings_ = std::move(places);
      raw->places_ready_.store(true, std::memory_order_release);
    }
    snap.ReleaseResident();
  });
  return ix;
}

void SearchIndex::BuildRowInfo(const std::vector<ModalityMask>& code_qualifies) {
  const Snapshot& snap = snap_;
  const TaxonomyDict& dict = snap.taxonomy();
  // Dry needling by state rule: a (state id, taxonomy id) table.
  const int dn = modalities_.Find("dry_needling");
  const ModalityMask dn_bit = knowledge_ && dn >= 0 ? static_cast<ModalityMask>(1u << dn) : 0;
  const size_t n_states = snap.states().codes().size() + 1;
  std::vector<uint8_t> may_needle;
  if (dn_bit) {
    may_needle.assign(n_states * dict.size(), 0);
    for (size_t st = 1; st < n_states; ++st)
      for (size_t id = 0; id < dict.size(); ++id)
        may_needle[st * dict.size() + id] =
            knowledge_->MayDryNeedle(snap.states().Code(static_cast<uint8_t>(st)),
                                     dict.entry(static_cast<uint16_t>(id)).info.code);
  }
  row_info_.resize(snap.size());
  // One thread (Build collects the grid's points beside it). Credential
  // texts repeat a lot ("MD", "M.D.", "DDS"): each distinct one is
  // tokenized once.
  auto fill = [&](size_t begin, size_t end) {
    std::unordered_map<std::string_view, ModalityMask> by_credential;
    for (size_t i = begin; i < end; ++i) {
      std::string_view cred = snap.credential(i);
      auto it = by_credential.find(cred);
      if (it == by_credential.end())
        it = by_credential.emplace(cred, modalities_.MaskForCredential(cred)).first;
      ModalityMask by_code = 0, qualifies = 0;
      for (uint16_t id : snap.taxonomy_ids(i)) {
        by_code |= taxonomy_mask_[id];
        qualifies |= code_qualifies[id];
      }
      ModalityMask m = modalities_.Covered(it->second, by_code, qualifies);
      if (dn_bit) {
        m &= static_cast<ModalityMask>(~dn_bit);
        for (uint16_t id : snap.taxonomy_ids(i))
          if (may_needle[snap.state(i) * dict.size() + id]) m |= dn_bit;
      }
      RowInfo& info = row_info_[i];
      info.modality_mask = m;
      uint16_t pt = snap.primary_taxonomy(i);
      info.class_slot = pt == snapshot::kNoTaxonomy ? none_slot_ : class_slot_[pt];
      info.entity = static_cast<uint8_t>(snap.entity(i));
      info.sex = static_cast<uint8_t>(snap.sex(i));
      info.state = snap.state(i);
      info.flags = snap.locations(i).size() > 1 ? RowInfo::kHasSecondary : 0;
    }
  };
  fill(0, snap.size());
}

SearchIndex::~SearchIndex() {
  stop_.store(true, std::memory_order_relaxed);  // a one-off query need not wait for the places
  WaitForBackgroundWork();
}

void SearchIndex::WaitForBackgroundWork() const {
  std::call_once(background_once_, [this] {
    if (background_.joinable()) background_.join();
  });
}

ModalityMask SearchIndex::MaskOf(size_t row) const {
  return ProviderModalities(snap_, row, modalities_, knowledge_);
}

ModalityMask ProviderModalities(const Snapshot& snap, size_t row, const ModalityMap& modalities,
                                const KnowledgeBase* knowledge) {
  std::array<std::string_view, 16> codes;  // NPPES has 15 taxonomy slots
  size_t n = 0;
  for (uint16_t id : snap.taxonomy_ids(row))
    if (n < codes.size()) codes[n++] = snap.taxonomy().entry(id).info.code;
  return ModalitiesOf(snap.credential(row), std::span(codes.data(), n),
                      snap.states().Code(snap.state(row)), modalities, knowledge);
}

size_t SearchIndex::memory_bytes() const {
  const PlacePostings* places = place_postings();  // not read while the background builds it
  return grid_.memory_bytes() + (places != nullptr ? places->memory_bytes() : 0) +
         row_info_.capacity() * sizeof(RowInfo) + name_rank_.capacity() * 4 +
         taxonomy_mask_.capacity() * sizeof(ModalityMask) + class_slot_.capacity() * 2;
}

Status SearchIndex::CheckInvariants() const {
  MERIDIAN_RETURN_IF_ERROR(grid_.CheckInvariants(locations_, row_info_));
  WaitForBackgroundWork();
  MERIDIAN_RETURN_IF_ERROR(place_postings_.CheckInvariants(snap_.text(), grid_));
  if (row_info_.size() != snap_.size()) return Status::Corruption("row info count differs");
  for (size_t i = 0; i < snap_.size(); ++i) {
    const RowInfo& r = row_info_[i];
    uint16_t pt = snap_.primary_taxonomy(i);
    if (r.modality_mask != MaskOf(i) || r.entity != static_cast<uint8_t>(snap_.entity(i)) ||
        r.sex != static_cast<uint8_t>(snap_.sex(i)) || r.state != snap_.state(i) ||
        r.class_slot != (pt == snapshot::kNoTaxonomy ? none_slot_ : class_slot_[pt]) ||
        ((r.flags & RowInfo::kHasSecondary) != 0) != (snap_.locations(i).size() > 1))
      return Status::Corruption("row info of row " + std::to_string(i) + " is stale");
  }
  return Status::OK();
}

}  // namespace meridian
