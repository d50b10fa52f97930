#include "ingest/ingest.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <regex>

#include "ingest/csv_file.h"
#include "ingest/deactivations.h"
#include "ingest/main_file.h"
#include "ingest/zip_archive.h"
#include "model/fields.h"
#include "model/record_codec.h"
#include "snapshot/snapshot.h"
#include "snapshot/writer.h"
#include "text/normalize.h"
#include "text/search_text.h"
#include "util/file.h"
#include "util/json.h"

namespace meridian {

namespace {

using snapshot::LocationHot;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct SourceFile {
  std::string role, path;
  std::string archive;  // the ZIP `path` was read from, or ""
  uint64_t bytes = 0;
};

uint64_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

SourceFile Source(std::string role, const std::string& path, const std::string& archive) {
  SourceFile f{std::move(role), path, archive, 0};
  if (archive.empty()) {
    f.bytes = FileSize(path);
  } else if (auto z = ZipArchive::Open(archive); z.ok()) {
    if (const ZipMember* m = (*z)->Find(path)) f.bytes = m->size;
  }
  return f;
}

// What one run merges: any of new rows, side files, a base snapshot and deactivations.
struct BuildInput {
  const ParsedSet* parsed = nullptr;
  const Attachments* att = nullptr;
  bool has_pl = false, has_names = false, has_endpoints = false;
  const Snapshot* base = nullptr;
  const std::vector<Deactivation>* deactivations = nullptr;
  std::vector<SourceFile> sources;
  std::string base_path;
};

LocationHot HotOf(const Location& l, const StateTable& states) {
  LocationHot h{};
  h.lat = l.lat;
  h.lon = l.lon;
  h.precision = static_cast<uint8_t>(l.precision);
  h.state = states.Id(l.address.state);
  return h;
}

// "npidata_pfile_20050523-20250907.csv" -> "2005-05-23/2025-09-07" (CMS names
// carry the period they cover); "" when the name has no dates.
std::string PeriodFromName(const std::string& name) {
  static const std::regex re("(\\d{8})(?:-(\\d{8}))?");
  std::smatch m;
  if (!std::regex_search(name, m, re)) return "";
  auto iso = [](const std::string& d) {
    return d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
  };
  std::string out = iso(m[1].str());
  if (m[2].matched) out += "/" + iso(m[2].str());
  return out;
}

std::string IsoTimeNow() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

class Builder {
 public:
  // `writer` already holds the core bytes of in.parsed's entries.
  Builder(const IngestOptions& opt, const BuildInput& in, SnapshotWriter* writer,
          IngestSummary* sum, std::vector<IngestError>* errors)
      : opt_(opt), in_(in), sum_(sum), errors_(errors), dict_(*opt.nucc), writer_(writer) {}

  Status Run() {
    BuildDictionary();
    writer_->Reserve(SizeHint());
    MERIDIAN_RETURN_IF_ERROR(Merge());
    for (size_t id = dict_.known_count(); id < dict_.size(); ++id)
      sum_->unknown_taxonomy_codes.push_back(dict_.entry(static_cast<uint16_t>(id)).info.code);
    sum_->unknown_taxonomies = sum_->unknown_taxonomy_codes.size();
    sum_->records = writer_->records();
    std::string meta = MetaJson();
    MERIDIAN_RETURN_IF_ERROR(
        writer_->Finish(meta, dict_, *opt_.states, sum_->synthetic ? snapshot::kFlagSynthetic : 0));
    sum_->snapshot_bytes = FileSize(opt_.out);
    return Status::OK();
  }

 private:
  // Upper estimates of the output's columns: the parsed rows' own sizes, the
  // side files' rows and the base snapshot's columns.
  SnapshotSizeHint SizeHint() const {
    SnapshotSizeHint h;
    if (const ParsedSet* p = in_.parsed) {
      h.records += p->entries.size();
      h.locations += p->entries.size();
      for (const ParsedEntry& e : p->entries) {
        h.taxonomy_ids += e.tax_count;
        h.credential_bytes += e.cred_len;
        h.text_bytes += e.names_len + e.city_len + 2u;
      }
      h.attached_bytes += 4 * p->entries.size();
    }
    if (const Attachments* a = in_.att) {
      h.locations += a->locations.size();
      h.attached_bytes +=
          96 * a->locations.size() + 48 * a->other_names.size() + 128 * a->endpoints.size();
      h.text_bytes += 32 * a->other_names.size();
    }
    if (const Snapshot* b = in_.base; b != nullptr && b->size() > 0) {
      // From row 0's first element to the last row's end: the whole column.
      auto all = [](auto first, auto last) {
        return static_cast<uint64_t>(last.data() + last.size() - first.data());
      };
      const size_t n = b->size();
      h.records += n;
      h.locations += all(b->locations(0), b->locations(n - 1));
      h.taxonomy_ids += all(b->taxonomy_ids(0), b->taxonomy_ids(n - 1));
      h.attached_bytes += all(b->attached_bytes(0), b->attached_bytes(n - 1));
      h.credential_bytes += all(b->credential(0), b->credential(n - 1));
      h.text_bytes += 32 * n;
    }
    if (in_.deactivations != nullptr) h.records += in_.deactivations->size();
    return h;
  }

  // Output dictionary: NUCC, then every code outside NUCC that a record uses, sorted.
  void BuildDictionary() {
    std::vector<std::string> unknown;
    if (in_.parsed != nullptr) {
      for (const ParsedEntry& e : in_.parsed->entries)
        for (uint16_t ref : in_.parsed->Taxonomies(e))
          if (ref >= kUnknownTaxBase) unknown.emplace_back(in_.parsed->UnknownCode(e, ref));
    }
    if (in_.base != nullptr) {
      const TaxonomyDict& bd = in_.base->taxonomy();
      std::vector<bool> used(bd.size(), false);
      for (size_t i = 0; i < in_.base->size(); ++i)
        for (uint16_t id : in_.base->taxonomy_ids(i)) used[id] = true;
      for (size_t id = 0; id < bd.size(); ++id)
        if (used[id] && dict_.Find(bd.entry(static_cast<uint16_t>(id)).info.code) < 0)
          unknown.push_back(bd.entry(static_cast<uint16_t>(id)).info.code);
    }
    std::sort(unknown.begin(), unknown.end());
    unknown.erase(std::unique(unknown.begin(), unknown.end()), unknown.end());
    // Ids are 16-bit; codes past capacity stay in the records but are not indexed.
    for (const std::string& c : unknown)
      if (dict_.size() < snapshot::kNoTaxonomy) dict_.Intern(c);
    if (in_.base != nullptr) {
      const TaxonomyDict& bd = in_.base->taxonomy();
      base_remap_.resize(bd.size());
      for (size_t id = 0; id < bd.size(); ++id) {
        int to = dict_.Find(bd.entry(static_cast<uint16_t>(id)).info.code);
        base_remap_[id] = to < 0 ? snapshot::kNoTaxonomy : static_cast<uint16_t>(to);
      }
    }
  }

  // Dictionary id of a parsed taxonomy reference, or -1 if it is not indexed.
  int MapParsed(const ParsedEntry& e, uint16_t ref) const {
    if (ref < kUnknownTaxBase) return ref;  // NUCC row index == dictionary id
    return dict_.Find(in_.parsed->UnknownCode(e, ref));
  }

  template <class T>
  void TakeAttached(const std::vector<Attached<T>>& list, size_t* cursor, uint32_t npi,
                    const std::string& file, std::vector<T>* out) {
    while (*cursor < list.size() && list[*cursor].npi < npi) {
      const Attached<T>& a = list[(*cursor)++];
      ++sum_->orphaned;
      errors_->push_back({file, a.line, NpiToString(a.npi), "NPI",
                          in_.base ? "NPI is neither in the main file nor in the snapshot"
                                   : "NPI is not in the main file; row not attached"});
    }
    out->clear();
    while (*cursor < list.size() && list[*cursor].npi == npi)
      out->push_back(list[(*cursor)++].value);
  }

  void CountLocations(EntityType entity, std::span<const LocationHot> locs) {
    if (entity == EntityType::kDeactivated) return;
    for (const LocationHot& l : locs) (l.precision ? sum_->geocoded : sum_->not_geocoded)++;
  }

  void CountEntity(EntityType e) {
    if (e == EntityType::kIndividual)
      ++sum_->individuals;
    else if (e == EntityType::kOrganization)
      ++sum_->organizations;
    else
      ++sum_->deactivated;
  }

  // Writes a fully materialized record (used whenever bytes must be rebuilt).
  Status AddRecord(const Record& r) {
    bytes_.clear();
    EncodeCore(r, &bytes_);
    uint64_t offset = 0;
    MERIDIAN_RETURN_IF_ERROR(writer_->AppendCore(bytes_, &offset));
    attached_.clear();
    EncodeAttached(r.secondary, r.other_org_names, r.endpoints, &attached_);
    locs_.clear();
    locs_.push_back(HotOf(r.practice, *opt_.states));
    for (const Location& l : r.secondary) locs_.push_back(HotOf(l, *opt_.states));
    postal_.clear();
    postal_.push_back(PostalKey(r.practice.address.postal_code));
    for (const Location& l : r.secondary) postal_.push_back(PostalKey(l.address.postal_code));
    tax_.clear();
    int primary = -1;
    for (const TaxonomySlot& t : r.taxonomies) {
      if (t.code.empty()) continue;
      int id = dict_.Find(t.code);
      if (id < 0) continue;  // only past the 16-bit id capacity
      if (primary < 0 && t.primary_switch == 'Y') primary = static_cast<int>(tax_.size());
      tax_.push_back(static_cast<uint16_t>(id));
    }
    if (primary < 0 && !tax_.empty()) primary = 0;
    SnapshotRecordIn in;
    in.npi = r.npi;
    in.entity = r.entity;
    in.sex = r.sex.size() == 1 ? r.sex[0] : 0;
    in.state = opt_.states->Id(r.practice.address.state);
    in.locations = locs_;
    in.postal = postal_;
    in.taxonomy_ids = tax_;
    in.primary_taxonomy = primary < 0 ? snapshot::kNoTaxonomy : tax_[static_cast<size_t>(primary)];
    in.core_offset = offset;
    in.core_length = static_cast<uint32_t>(bytes_.size());
    in.attached = attached_;
    in.credential = r.credential;
    text_ = SearchTextOf(r);
    city_ = CityKey(r);
    in.search_text = text_;
    in.city = city_;
    CountEntity(r.entity);
    CountLocations(r.entity, locs_);
    sum_->secondary_locations += r.secondary.size();
    sum_->other_names += r.other_org_names.size();
    sum_->endpoints += r.endpoints.size();
    return writer_->Add(in);
  }

  Status Merge() {
    const ParsedSet* p = in_.parsed;
    const Snapshot* b = in_.base;
    const std::vector<Deactivation>* d = in_.deactivations;
    const size_t pn = p ? p->entries.size() : 0, bn = b ? b->size() : 0, dn = d ? d->size() : 0;
    size_t pi = 0, bi = 0, di = 0, li = 0, ni = 0, ei = 0;
    static const Attachments kNone;
    const Attachments& att = in_.att ? *in_.att : kNone;
    std::vector<Location> locs;
    std::vector<OtherOrgName> names;
    std::vector<Endpoint> endpoints;
    Record rec;
    while (pi < pn || bi < bn || di < dn) {
      uint32_t npi = UINT32_MAX;
      if (pi < pn) npi = std::min(npi, p->entries[pi].npi);
      if (bi < bn) npi = std::min(npi, b->npi(bi));
      if (di < dn) npi = std::min(npi, (*d)[di].first);
      const bool has_p = pi < pn && p->entries[pi].npi == npi;
      const bool has_b = bi < bn && b->npi(bi) == npi;
      const bool has_d = di < dn && (*d)[di].first == npi;
      TakeAttached(att.locations, &li, npi, att.locations_file, &locs);
      TakeAttached(att.other_names, &ni, npi, att.other_names_file, &names);
      TakeAttached(att.endpoints, &ei, npi, att.endpoints_file, &endpoints);
      const bool any_att = !locs.empty() || !names.empty() || !endpoints.empty();

      Status s;
      if (has_d) {
        // As in the monthly file, a deactivated NPI keeps only its number and date.
        rec = Record();
        rec.npi = npi;
        rec.entity = EntityType::kDeactivated;
        rec.deactivation_date = (*d)[di].second;
        if (has_b) {
          Record old;
          MERIDIAN_RETURN_IF_ERROR(b->GetRecordMapped(bi, &old));
          rec.deactivation_reason = old.deactivation_reason;
        }
        ++sum_->deactivations_applied;
        if (!has_b && !has_p) ++sum_->added;
        s = AddRecord(rec);
      } else if (has_p && (!has_b || (in_.has_pl && in_.has_names && in_.has_endpoints))) {
        s = AddParsed(p->entries[pi], locs, names, endpoints);
        if (has_b)
          ++sum_->updated;
        else if (b)
          ++sum_->added;
      } else if (has_p) {
        // Changed record; side lists not supplied this week are kept from the snapshot.
        Record old;
        MERIDIAN_RETURN_IF_ERROR(b->GetRecordMapped(bi, &old));
        s = AddParsed(p->entries[pi], in_.has_pl ? locs : old.secondary,
                      in_.has_names ? names : old.other_org_names,
                      in_.has_endpoints ? endpoints : old.endpoints);
        ++sum_->updated;
      } else if (any_att) {
        MERIDIAN_RETURN_IF_ERROR(b->GetRecordMapped(bi, &rec));
        if (!locs.empty()) rec.secondary = locs;
        if (!names.empty()) rec.other_org_names = names;
        if (!endpoints.empty()) rec.endpoints = endpoints;
        ++sum_->updated;
        s = AddRecord(rec);
      } else {
        s = AddBase(bi);
      }
      MERIDIAN_RETURN_IF_ERROR(s);
      if (has_p) ++pi;
      if (has_b) ++bi;
      if (has_d) ++di;
    }
    // Side-file rows past the last record are orphans too.
    TakeAttached(att.locations, &li, UINT32_MAX, att.locations_file, &locs);
    TakeAttached(att.other_names, &ni, UINT32_MAX, att.other_names_file, &names);
    TakeAttached(att.endpoints, &ei, UINT32_MAX, att.endpoints_file, &endpoints);
    return Status::OK();
  }

  // The fast path of a full ingest: the row's encoded core plus its side lists.
  Status AddParsed(const ParsedEntry& e, const std::vector<Location>& locs,
                   const std::vector<OtherOrgName>& names, const std::vector<Endpoint>& endpoints) {
    attached_.clear();
    EncodeAttached(locs, names, endpoints, &attached_);
    locs_.clear();
    LocationHot primary{};
    primary.lat = e.lat;
    primary.lon = e.lon;
    primary.precision = e.precision;
    primary.state = e.state;
    locs_.push_back(primary);
    for (const Location& l : locs) locs_.push_back(HotOf(l, *opt_.states));
    postal_.clear();
    postal_.push_back(e.postal);
    for (const Location& l : locs) postal_.push_back(PostalKey(l.address.postal_code));
    tax_.clear();
    uint16_t primary_tax = snapshot::kNoTaxonomy;
    auto refs = in_.parsed->Taxonomies(e);
    for (size_t k = 0; k < refs.size(); ++k) {
      int id = MapParsed(e, refs[k]);
      if (id < 0) continue;
      tax_.push_back(static_cast<uint16_t>(id));
      if (k == e.primary_slot) primary_tax = static_cast<uint16_t>(id);
    }
    SnapshotRecordIn in;
    in.npi = e.npi;
    in.entity = static_cast<EntityType>(e.entity);
    in.sex = static_cast<char>(e.sex);
    in.state = e.state;
    in.locations = locs_;
    in.postal = postal_;
    in.taxonomy_ids = tax_;
    in.primary_taxonomy = primary_tax;
    in.core_offset = e.core_offset;
    in.core_length = e.core_len;
    in.attached = attached_;
    in.credential = in_.parsed->Credential(e);
    text_.assign(in_.parsed->NameText(e));
    AppendOtherNamesText(names, &text_);
    AppendNormalizedTokens(in_.parsed->City(e), &text_);
    in.search_text = text_;
    in.city = in_.parsed->City(e);
    CountEntity(in.entity);
    CountLocations(in.entity, locs_);
    sum_->secondary_locations += locs.size();
    sum_->other_names += names.size();
    sum_->endpoints += endpoints.size();
    return writer_->Add(in);
  }

  // An unchanged record copied from the base snapshot.
  Status AddBase(size_t i) {
    const Snapshot& b = *in_.base;
    tax_.clear();
    for (uint16_t id : b.taxonomy_ids(i)) tax_.push_back(base_remap_[id]);
    locs_.assign(b.locations(i).begin(), b.locations(i).end());
    postal_.assign(b.postal_codes(i).begin(), b.postal_codes(i).end());
    if (!b.has_postal()) {  // a base written before the column: from the record
      Record old;
      MERIDIAN_RETURN_IF_ERROR(b.GetRecordMapped(i, &old));
      postal_.clear();
      for (uint32_t k = 0; old.LocationAt(k) != nullptr; ++k)
        postal_.push_back(PostalKey(old.LocationAt(k)->address.postal_code));
    }
    SnapshotRecordIn in;
    in.npi = b.npi(i);
    in.entity = b.entity(i);
    in.sex = b.sex(i);
    in.state = b.state(i);
    in.locations = locs_;
    in.postal = postal_;
    in.taxonomy_ids = tax_;
    uint16_t pt = b.primary_taxonomy(i);
    in.primary_taxonomy = pt == snapshot::kNoTaxonomy ? pt : base_remap_[pt];
    uint64_t offset = 0;
    MERIDIAN_RETURN_IF_ERROR(writer_->AppendCore(b.core_bytes(i), &offset));
    in.core_offset = offset;
    in.core_length = static_cast<uint32_t>(b.core_bytes(i).size());
    in.attached = b.attached_bytes(i);
    in.credential = b.credential(i);
    text_.clear();
    for (uint32_t t : b.text().row_terms(i)) {
      if (!text_.empty()) text_.push_back(' ');
      text_.append(b.text().term(t));
    }
    in.search_text = text_;
    in.city = b.places()[b.place(i)].city;
    CountEntity(in.entity);
    CountLocations(in.entity, locs_);
    sum_->secondary_locations += locs_.empty() ? 0 : locs_.size() - 1;
    return writer_->Add(in);
  }

  std::string MetaJson() const {
    JsonWriter w;
    w.BeginObject();
    w.Field("generator", "meridian");
    w.Key("format_version").Uint(snapshot::kFormatVersion);
    w.Key("synthetic").Bool(sum_->synthetic);
    w.Field("created", IsoTimeNow());
    w.Field("geocoder", "zip-centroid: Census 2021 ZCTA internal points");
    w.Field("taxonomy_code_set", "NUCC Health Care Provider Taxonomy v25.1");
    w.Key("sources").BeginArray();
    for (const SourceFile& f : in_.sources) {
      w.BeginObject();
      w.Field("role", f.role);
      w.Field("file", BaseName(f.path));
      w.Key("bytes").Uint(f.bytes);
      if (!f.archive.empty()) w.Field("archive", BaseName(f.archive));
      w.Field("period", PeriodFromName(BaseName(f.path)));
      w.EndObject();
    }
    w.EndArray();
    if (in_.base != nullptr) {
      w.Key("base_snapshot").BeginObject();
      w.Field("file", BaseName(in_.base_path));
      w.Key("records").Uint(in_.base->size());
      w.Key("created_unix").Uint(in_.base->created_unix());
      w.EndObject();
    }
    w.Key("counts").BeginObject();
    w.Key("records").Uint(sum_->records);
    w.Key("individuals").Uint(sum_->individuals);
    w.Key("organizations").Uint(sum_->organizations);
    w.Key("deactivated").Uint(sum_->deactivated);
    w.Key("geocoded").Uint(sum_->geocoded);
    w.Key("not_geocoded").Uint(sum_->not_geocoded);
    w.Key("secondary_locations").Uint(sum_->secondary_locations);
    w.EndObject();
    w.EndObject();
    return w.str();
  }

  const IngestOptions& opt_;
  const BuildInput& in_;
  IngestSummary* sum_;
  std::vector<IngestError>* errors_;
  TaxonomyDict dict_;
  std::vector<uint16_t> base_remap_;
  SnapshotWriter* writer_;
  std::string bytes_, attached_, text_, city_;
  std::vector<LocationHot> locs_;
  std::vector<uint32_t> postal_;
  std::vector<uint16_t> tax_;
};

IngestOptions WithDefaults(IngestOptions o) {
  if (o.nucc == nullptr) o.nucc = &TaxonomyTable::Embedded();
  if (o.zcta == nullptr) o.zcta = &ZctaTable::Embedded();
  if (o.states == nullptr) o.states = &StateTable::Embedded();
  return o;
}

Status ReadSideFiles(const IngestOptions& o, BuildInput* in, Attachments* att,
                     std::vector<IngestError>* errors) {
  if (!o.pl.empty()) {
    MERIDIAN_RETURN_IF_ERROR(ReadAttachedFile(o.pl, AttachedKind::kSecondaryLocations, *o.zcta,
                                              o.threads, att, errors, o.archive));
    in->has_pl = true;
    in->sources.push_back(Source("pl", o.pl, o.archive));
  }
  if (!o.othername.empty()) {
    MERIDIAN_RETURN_IF_ERROR(ReadAttachedFile(o.othername, AttachedKind::kOtherNames, *o.zcta,
                                              o.threads, att, errors, o.archive));
    in->has_names = true;
    in->sources.push_back(Source("othername", o.othername, o.archive));
  }
  if (!o.endpoint.empty()) {
    MERIDIAN_RETURN_IF_ERROR(ReadAttachedFile(o.endpoint, AttachedKind::kEndpoints, *o.zcta,
                                              o.threads, att, errors, o.archive));
    in->has_endpoints = true;
    in->sources.push_back(Source("endpoint", o.endpoint, o.archive));
  }
  // ReadAttachedFile leaves each list sorted by NPI: nothing to sort here.
  in->att = att;
  return Status::OK();
}

void Finish(const Clock::time_point start, const ParsedSet& parsed,
            const std::vector<IngestError>& errors, IngestSummary* s) {
  s->seconds = SecondsSince(start);
  s->rows_read = parsed.rows_read;
  s->bytes_read = parsed.bytes;
  s->mb_per_s = s->seconds > 0 ? static_cast<double>(parsed.bytes) / 1e6 / s->seconds : 0;
  // Orphaned side-file rows are reported in the errors file but counted apart.
  s->rejected = errors.size() - s->orphaned;
}

}  // namespace

Status UseNppesZip(const std::string& zip, IngestOptions* o) {
  if (!o->nppes.empty() || !o->pl.empty() || !o->othername.empty() || !o->endpoint.empty())
    return Status::InvalidArgument(
        "--nppes-zip takes the npidata, pl, othername and endpoint files from the archive; "
        "drop --nppes, --pl, --othername and --endpoint");
  auto a = ZipArchive::Open(zip);
  if (!a.ok()) return a.status();
  NppesMembers m = FindNppesMembers(**a);
  if (m.npidata.empty()) {
    std::string names;
    for (const ZipMember& z : (*a)->members()) names += (names.empty() ? "" : ", ") + z.name;
    return Status::InvalidArgument(zip + ": no npidata_pfile_*.csv member (it holds: " + names +
                                   ")");
  }
  o->archive = zip;
  o->nppes = m.npidata, o->pl = m.pl, o->othername = m.othername, o->endpoint = m.endpoint;
  return Status::OK();
}

bool HasSyntheticSidecar(const std::string& path) {
  std::string text;
  if (!ReadFile(path + ".meta.json", &text).ok()) return false;
  return text.find("\"synthetic\":true") != std::string::npos;
}

namespace {

// The shared path of ingest and update: stream the main file's records into
// a new snapshot, read the side files (and, for updates, the deactivations),
// then merge everything by NPI. `base` is the snapshot being updated, or null.
Status Build(const IngestOptions& o, const Snapshot* base, IngestSummary* summary,
             std::vector<IngestError>* errors) {
  const auto start = Clock::now();
  auto writer = SnapshotWriter::Create(o.out);
  if (!writer.ok()) return writer.status();
  ParsedSet parsed;
  BuildInput in;
  in.base = base;
  in.base_path = o.base_snapshot;
  if (!o.nppes.empty()) {
    MainFileOptions mo;
    mo.threads = o.threads;
    mo.archive = o.archive;
    mo.window_bytes = o.window_bytes;
    mo.nucc = o.nucc, mo.zcta = o.zcta, mo.states = o.states;
    mo.progress = o.progress;
    mo.expected_bytes = Source("npidata", o.nppes, o.archive).bytes;
    mo.append_core = [w = writer->get()](std::string_view b, uint64_t* at) {
      return w->AppendCore(b, at);
    };
    auto t = Clock::now();
    MERIDIAN_RETURN_IF_ERROR(ReadMainFile(o.nppes, mo, &parsed));
    summary->parse_seconds = SecondsSince(t);
    *errors = std::move(parsed.errors);
    parsed.errors.clear();
    in.parsed = &parsed;
    in.sources.push_back(Source("npidata", o.nppes, o.archive));
  }
  auto t = Clock::now();
  Attachments att;
  MERIDIAN_RETURN_IF_ERROR(ReadSideFiles(o, &in, &att, errors));
  std::vector<Deactivation> deactivations;
  if (!o.deactivations.empty()) {
    MERIDIAN_RETURN_IF_ERROR(ReadDeactivations(o.deactivations, &deactivations, errors));
    in.deactivations = &deactivations;
    in.sources.push_back(Source("deactivations", o.deactivations, ""));
  }
  summary->side_files_seconds = SecondsSince(t);
  t = Clock::now();
  Builder builder(o, in, writer->get(), summary, errors);
  MERIDIAN_RETURN_IF_ERROR(builder.Run());
  summary->write_seconds = SecondsSince(t);
  Finish(start, parsed, *errors, summary);
  return Status::OK();
}

}  // namespace

Status Ingest(const IngestOptions& options, IngestSummary* summary,
              std::vector<IngestError>* errors) {
  IngestOptions o = WithDefaults(options);
  if (o.nppes.empty()) return Status::InvalidArgument("--nppes is required");
  if (!o.deactivations.empty())
    return Status::InvalidArgument("--deactivations applies to update, not ingest");
  *summary = IngestSummary();
  summary->synthetic = o.synthetic || HasSyntheticSidecar(o.nppes);
  return Build(o, nullptr, summary, errors);
}

Status Update(const IngestOptions& options, IngestSummary* summary,
              std::vector<IngestError>* errors) {
  IngestOptions o = WithDefaults(options);
  if (o.base_snapshot.empty()) return Status::InvalidArgument("--snapshot is required");
  *summary = IngestSummary();
  auto base = Snapshot::Open(o.base_snapshot);
  if (!base.ok()) return base.status();
  summary->synthetic =
      (*base)->synthetic() || o.synthetic || (!o.nppes.empty() && HasSyntheticSidecar(o.nppes));
  return Build(o, base->get(), summary, errors);
}

std::string IngestSummary::ToJson(bool update) const {
  JsonWriter w;
  w.BeginObject();
  w.Key("rows_read").Uint(rows_read);
  w.Key("individuals").Uint(individuals);
  w.Key("organizations").Uint(organizations);
  w.Key("deactivated").Uint(deactivated);
  w.Key("rejected").Uint(rejected);
  w.Key("geocoded").Uint(geocoded);
  w.Key("not_geocoded").Uint(not_geocoded);
  w.Key("unknown_taxonomies").Uint(unknown_taxonomies);
  w.Key("unknown_taxonomy_codes").BeginArray();
  for (size_t i = 0; i < unknown_taxonomy_codes.size() && i < 100; ++i)
    w.String(unknown_taxonomy_codes[i]);
  w.EndArray();
  w.Key("secondary_locations").Uint(secondary_locations);
  w.Key("other_names").Uint(other_names);
  w.Key("endpoints").Uint(endpoints);
  w.Key("orphaned").Uint(orphaned);
  if (update) {
    w.Key("updated").Uint(updated);
    w.Key("added").Uint(added);
    w.Key("deactivations_applied").Uint(deactivations_applied);
  }
  w.Key("records").Uint(records);
  w.Key("synthetic").Bool(synthetic);
  w.Key("bytes_read").Uint(bytes_read);
  w.Key("snapshot_bytes").Uint(snapshot_bytes);
  w.Key("seconds").Double(seconds, 3);
  w.Key("mb_per_s").Double(mb_per_s, 1);
  w.Key("parse_seconds").Double(parse_seconds, 3);
  w.Key("side_files_seconds").Double(side_files_seconds, 3);
  w.Key("write_seconds").Double(write_seconds, 3);
  w.EndObject();
  return w.str();
}

Status WriteErrorsCsv(const std::string& path, const std::vector<IngestError>& errors) {
  std::string out = "file,line,npi,field,reason\n";
  auto quoted = [&out](std::string_view s) {
    out.push_back('"');
    for (char c : s) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  };
  for (const IngestError& e : errors) {
    quoted(e.file);
    out.push_back(',');
    out += std::to_string(e.line);
    out.push_back(',');
    quoted(e.npi);
    out.push_back(',');
    quoted(e.field);
    out.push_back(',');
    quoted(e.reason);
    out.push_back('\n');
  }
  return WriteFileAtomically(path, out);
}

}  // namespace meridian
