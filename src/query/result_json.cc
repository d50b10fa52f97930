#include "query/result_json.h"

#include <cmath>

#include "snapshot/record_json.h"
#include "text/display_case.h"

namespace meridian {

void WriteProviderSummaryFields(const Snapshot& snap, size_t row, const Record& rec,
                                JsonWriter* w) {
  w->Field("npi", NpiToString(rec.npi));
  w->Optional("display_name", ReadableName(rec));
  w->Key("registry_text").BeginObject().Optional("display_name", rec.RegistryName()).EndObject();
  w->Optional("credential", rec.credential);
  w->Field("entity_type", EntityTypeName(rec.entity));
  const uint16_t pt = snap.primary_taxonomy(row);
  const bool has_pt = pt != snapshot::kNoTaxonomy;
  w->Optional("primary_taxonomy", has_pt ? snap.taxonomy().entry(pt).info.code : "");
  w->Optional("primary_taxonomy_name", has_pt ? snap.taxonomy().entry(pt).info.display_name : "");
}

Status WriteSearchJson(const SearchIndex& index, const Query& q, const SearchResult& r,
                       int64_t took_us, JsonWriter* w, const ResultExtra& extra) {
  const Snapshot& snap = index.snapshot();
  w->BeginObject();
  w->Key("total").Uint(r.total);
  w->Key("results").BeginArray();
  // The answer shows the matched location and the core's fields: the
  // attached part is read only when the match is a secondary location. The
  // page's records are read in one batch.
  thread_local std::vector<Record> recs;  // reused: their strings keep their room
  thread_local std::vector<Snapshot::RecordRead> reads;
  reads.clear();
  for (const SearchHit& h : r.hits)
    reads.push_back(
        {h.row, h.location == 0 ? Snapshot::RecordParts::kCore : Snapshot::RecordParts::kAll});
  if (recs.size() < reads.size()) recs.resize(reads.size());
  MERIDIAN_RETURN_IF_ERROR(snap.GetRecords(reads, recs));
  for (size_t k = 0; k < r.hits.size(); ++k) {
    const SearchHit& h = r.hits[k];
    const Record& rec = recs[k];
    const Location* at = rec.LocationAt(h.location);
    if (at == nullptr)
      return Status::Corruption("row " + std::to_string(h.row) + " has no location " +
                                std::to_string(h.location));
    const Location& loc = *at;
    w->BeginObject();
    WriteProviderSummaryFields(snap, h.row, rec, w);
    const ReadableLines readable = ReadableAddressLines(loc.address);
    w->Key("address").BeginObject();
    w->Optional("line1", readable.line1).Optional("line2", readable.line2);
    w->Optional("city", readable.city).Optional("state", loc.address.state);
    w->Optional("postal_code", loc.address.postal_code);
    WriteRegistryAddress(loc.address, w);
    w->EndObject();
    w->Optional("phone", loc.address.phone);
    w->Key("location_index").Uint(h.location);
    if (q.has_point) {
      w->Key("distance_mi").Double(std::round(h.distance_mi * 10) / 10, 1);
    } else {
      w->Key("distance_mi").Null();
    }
    if (loc.precision == GeoPrecision::kNone) {
      w->Key("lat").Null().Key("lon").Null();
    } else {
      w->Key("lat").Double(loc.lat, 6).Key("lon").Double(loc.lon, 6);
    }
    w->Field("geo_precision", GeoPrecisionName(loc.precision));
    if (!q.text.empty()) w->Key("text_match").Uint(h.text_quality);
    if (extra) extra(rec.npi, w);
    w->EndObject();
  }
  w->EndArray();
  w->Key("facets").BeginObject();
  w->Key("modality").BeginObject();
  const auto& mods = index.modalities().modalities();
  for (size_t m = 0; m < mods.size(); ++m) w->Key(mods[m].id).Uint(r.facets.modality[m]);
  w->EndObject();
  auto counts = [w](const char* name, const FacetCounts& m) {
    w->Key(name).BeginObject();
    for (const auto& [k, v] : m) w->Key(k).Uint(v);
    w->EndObject();
  };
  counts("classification", r.facets.classification);
  counts("entity_type", r.facets.entity);
  counts("sex", r.facets.sex);
  counts("state", r.facets.state);
  if (q.has_point) {
    w->Key("distance_mi").BeginObject();
    for (size_t b = 0; b < kDistanceBandsMiles.size(); ++b)
      w->Key(std::to_string(static_cast<int>(kDistanceBandsMiles[b])))
          .Uint(r.facets.distance_bands[b]);
    w->EndObject();
  }
  w->EndObject();
  if (r.next_cursor.empty())
    w->Key("next_cursor").Null();
  else
    w->Field("next_cursor", r.next_cursor);
  if (!q.place.empty()) {
    w->Key("place").BeginObject();
    w->Field("label", q.place);
    w->Key("lat").Double(q.lat, 4).Key("lon").Double(q.lon, 4);
    w->Field("method", q.place_listed ? "centroid of the providers practicing in this city"
                                      : "centre of the town's ZIP codes (gazetteer)");
    w->EndObject();
  }
  w->Key("synthetic").Bool(snap.synthetic());
  w->Key("took_us").Int(took_us);
  w->EndObject();
  return Status::OK();
}

}  // namespace meridian
