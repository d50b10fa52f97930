#include "ingest/attached.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <span>
#include <unordered_map>

#include "ingest/csv_file.h"
#include "model/fields.h"
#include "util/utf8.h"

namespace meridian {

namespace {

std::string NormalizeHeader(std::string_view s) {
  std::string out;
  for (char c : s)
    if (std::isalnum(static_cast<unsigned char>(c)))
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

// Column names per kind, in the order MapRow expects them.
const std::vector<std::string>& ColumnsOf(AttachedKind kind) {
  static const std::vector<std::string> pl = {
      "NPI",
      "Provider Secondary Practice Location Address- Address Line 1",
      "Provider Secondary Practice Location Address- Address Line 2",
      "Provider Secondary Practice Location Address - City Name",
      "Provider Secondary Practice Location Address - State Name",
      "Provider Secondary Practice Location Address - Postal Code",
      "Provider Secondary Practice Location Address - Country Code (If outside U.S.)",
      "Provider Secondary Practice Location Address - Telephone Number",
      "Provider Secondary Practice Location Address - Telephone Extension",
      "Provider Practice Location Address - Fax Number"};
  static const std::vector<std::string> names = {"NPI", "Provider Other Organization Name",
                                                 "Provider Other Organization Name Type Code"};
  static const std::vector<std::string> endpoints = {"NPI",
                                                     "Endpoint Type",
                                                     "Endpoint Type Description",
                                                     "Endpoint",
                                                     "Affiliation",
                                                     "Endpoint Description",
                                                     "Affiliation Legal Business Name",
                                                     "Use Code",
                                                     "Use Description",
                                                     "Other Use Description",
                                                     "Content Type",
                                                     "Content Description",
                                                     "Other Content Description",
                                                     "Affiliation Address Line One",
                                                     "Affiliation Address Line Two",
                                                     "Affiliation Address City",
                                                     "Affiliation Address State",
                                                     "Affiliation Address Country",
                                                     "Affiliation Address Postal Code"};
  switch (kind) {
    case AttachedKind::kSecondaryLocations:
      return pl;
    case AttachedKind::kOtherNames:
      return names;
    case AttachedKind::kEndpoints:
      return endpoints;
  }
  return pl;
}

class AttachedSink : public CsvSink {
 public:
  AttachedSink(std::string file, AttachedKind kind, const ZctaTable& zcta, Attachments* out,
               std::vector<IngestError>* errors)
      : file_(std::move(file)), kind_(kind), zcta_(zcta), out_(out), errors_(errors) {}

  Status OnHeader(const CsvRecord& header) {
    std::unordered_map<std::string, int> index;
    for (size_t i = 0; i < header.fields.size(); ++i)
      index.emplace(NormalizeHeader(header.fields[i]), static_cast<int>(i));
    std::string missing;
    cols_.clear();
    for (const std::string& name : ColumnsOf(kind_)) {
      auto it = index.find(NormalizeHeader(name));
      if (it == index.end()) {
        missing += (missing.empty() ? "\"" : "; \"") + name + "\"";
        cols_.push_back(-1);
      } else {
        cols_.push_back(it->second);
      }
    }
    field_count_ = header.fields.size();
    if (!missing.empty())
      return Status::InvalidArgument(file_ + ": header lacks required columns: " + missing);
    return Status::OK();
  }

  void OnRecord(const CsvRecord& rec) override {
    ++out_->rows_read;
    const auto& f = rec.fields;
    if (f.size() != field_count_) {
      std::string_view first = f.empty() ? std::string_view() : f[0];
      return Error(rec.line, IsValidNpi(first) ? first : std::string_view(), "",
                   "expected " + std::to_string(field_count_) + " fields, found " +
                       std::to_string(f.size()));
    }
    std::string_view npi = f[static_cast<size_t>(cols_[0])];
    if (!IsValidNpi(npi)) return Error(rec.line, npi, "NPI", NpiProblem(npi));
    for (size_t i = 0; i < f.size(); ++i)
      if (!IsValidUtf8(f[i]))
        return Error(rec.line, npi, "column " + std::to_string(i + 1), "invalid UTF-8");
    uint32_t id = 0;
    ParseNpi(npi, &id);  // IsValidNpi passed above
    auto get = [&](size_t k) { return std::string(f[static_cast<size_t>(cols_[k])]); };
    switch (kind_) {
      case AttachedKind::kSecondaryLocations: {
        Location loc;
        Address& a = loc.address;
        a.line1 = get(1), a.line2 = get(2), a.city = get(3), a.state = get(4);
        a.postal_code = get(5), a.country = get(6), a.phone = get(7), a.phone_ext = get(8);
        a.fax = get(9);
        GeocodeLocation(zcta_, &loc);
        out_->locations.push_back({id, rec.line, std::move(loc)});
        break;
      }
      case AttachedKind::kOtherNames:
        out_->other_names.push_back({id, rec.line, OtherOrgName{get(1), get(2)}});
        break;
      case AttachedKind::kEndpoints: {
        Endpoint e;
        e.type = get(1), e.type_description = get(2), e.endpoint = get(3);
        e.affiliation = get(4), e.description = get(5), e.affiliation_legal_name = get(6);
        e.use_code = get(7), e.use_description = get(8), e.other_use_description = get(9);
        e.content_type = get(10), e.content_description = get(11);
        e.other_content_description = get(12);
        Address& a = e.affiliation_address;
        a.line1 = get(13), a.line2 = get(14), a.city = get(15), a.state = get(16);
        a.country = get(17), a.postal_code = get(18);
        out_->endpoints.push_back({id, rec.line, std::move(e)});
        break;
      }
    }
  }

  void OnError(uint64_t line, std::string_view raw, const char* reason) override {
    ++out_->rows_read;
    // Best effort: the NPI is the first field, quoted.
    std::string_view npi = raw.substr(raw.starts_with('"') ? 1 : 0, 10);
    Error(line, IsValidNpi(npi) ? npi : std::string_view(), "", reason);
  }
  // Side files are read on one thread, so no rollback is ever needed.
  size_t Checkpoint() override {
    marks_.push_back({out_->locations.size(), out_->other_names.size(), out_->endpoints.size(),
                      errors_->size(), out_->rows_read});
    return marks_.size() - 1;
  }
  void Rollback(size_t checkpoint) override {
    const Mark& m = marks_[checkpoint];
    out_->locations.resize(m.locations);
    out_->other_names.resize(m.names);
    out_->endpoints.resize(m.endpoints);
    errors_->resize(m.errors);
    out_->rows_read = m.rows;
    marks_.resize(checkpoint);
  }

 private:
  void Error(uint64_t line, std::string_view npi, std::string field, std::string reason) {
    errors_->push_back(
        {file_, line, std::string(npi.substr(0, 20)), std::move(field), std::move(reason)});
  }
  std::string file_;
  AttachedKind kind_;
  const ZctaTable& zcta_;
  Attachments* out_;
  std::vector<IngestError>* errors_;
  std::vector<int> cols_;
  size_t field_count_ = 0;
  struct Mark {
    size_t locations, names, endpoints, errors;
    uint64_t rows;
  };
  std::vector<Mark> marks_;
};

}  // namespace

void GeocodeLocation(const ZctaTable& zcta, Location* loc) {
  loc->precision = GeoPrecision::kNone;
  loc->lat = loc->lon = 0;
  const std::string& country = loc->address.country;
  if (!country.empty() && country != "US") return;
  LatLon p;
  if (zcta.Find(loc->address.postal_code, &p)) {
    loc->lat = p.lat;
    loc->lon = p.lon;
    loc->precision = GeoPrecision::kZipCentroid;
  }
}

namespace {

struct RowKey {
  uint32_t npi;
  uint32_t source;
  uint64_t line;
  size_t index;
};

// Moves the rows of `sources` into *out, ordered by (NPI, line), each row
// once. Sorting a small key array and moving each large row once into
// memory sized up front costs far less than concatenating the rows and
// sorting them (on some hosts the fresh pages cost more than the parse).
template <class T>
void MoveSortedFrom(std::span<std::vector<Attached<T>>* const> sources,
                    std::vector<Attached<T>>* out) {
  std::vector<RowKey> keys;
  for (size_t k = 0; k < sources.size(); ++k) {
    const auto& rows = *sources[k];
    for (size_t i = 0; i < rows.size(); ++i)
      keys.push_back({rows[i].npi, static_cast<uint32_t>(k), rows[i].line, i});
  }
  auto less = [](const RowKey& x, const RowKey& y) {
    return x.npi != y.npi ? x.npi < y.npi : x.line < y.line;
  };
  if (!std::is_sorted(keys.begin(), keys.end(), less)) std::sort(keys.begin(), keys.end(), less);
  out->clear();
  out->reserve(keys.size());
  for (const RowKey& key : keys) out->push_back(std::move((*sources[key.source])[key.index]));
  for (auto* s : sources) std::vector<Attached<T>>().swap(*s);
}

// *out (rows from earlier files) and every part's `member` list, merged.
template <class T>
void MergeSorted(std::vector<Attachments>* parts, std::vector<Attached<T>> Attachments::*member,
                 std::vector<Attached<T>>* out) {
  std::vector<Attached<T>> earlier;
  earlier.swap(*out);
  std::vector<std::vector<Attached<T>>*> sources{&earlier};
  for (Attachments& p : *parts) sources.push_back(&(p.*member));
  MoveSortedFrom<T>(sources, out);
}

template <class T>
void SortRows(std::vector<Attached<T>>* rows) {
  std::vector<Attached<T>> taken;
  taken.swap(*rows);
  std::vector<Attached<T>>* one[] = {&taken};
  MoveSortedFrom<T>(one, rows);
}

}  // namespace

Status ReadAttachedFile(const std::string& path, AttachedKind kind, const ZctaTable& zcta,
                        int threads, Attachments* out, std::vector<IngestError>* errors,
                        const std::string& archive) {
  std::string file = BaseName(path);
  switch (kind) {
    case AttachedKind::kSecondaryLocations:
      out->locations_file = file;
      break;
    case AttachedKind::kOtherNames:
      out->other_names_file = file;
      break;
    case AttachedKind::kEndpoints:
      out->endpoints_file = file;
      break;
  }
  // One sink (with its own output) per thread; merged in line order below.
  threads = std::max(1, threads);
  std::vector<Attachments> parts(static_cast<size_t>(threads));
  std::vector<std::vector<IngestError>> part_errors(static_cast<size_t>(threads));
  std::vector<std::unique_ptr<AttachedSink>> sinks;
  std::vector<CsvSink*> sink_ptrs;
  for (int k = 0; k < threads; ++k) {
    sinks.push_back(std::make_unique<AttachedSink>(file, kind, zcta, &parts[k], &part_errors[k]));
    sink_ptrs.push_back(sinks.back().get());
  }
  CsvReadOptions options;
  options.threads = threads;
  options.archive = archive;
  CsvReadStats stats;
  MERIDIAN_RETURN_IF_ERROR(ReadCsvFile(
      path, options,
      [&sinks](const CsvRecord& h) {
        for (auto& sink : sinks) MERIDIAN_RETURN_IF_ERROR(sink->OnHeader(h));
        return Status::OK();
      },
      sink_ptrs, &stats));
  auto by_line = [](const auto& x, const auto& y) { return x.line < y.line; };
  const size_t first_error = errors->size();
  MergeSorted(&parts, &Attachments::locations, &out->locations);
  MergeSorted(&parts, &Attachments::other_names, &out->other_names);
  MergeSorted(&parts, &Attachments::endpoints, &out->endpoints);
  for (size_t k = 0; k < parts.size(); ++k) {
    errors->insert(errors->end(), std::make_move_iterator(part_errors[k].begin()),
                   std::make_move_iterator(part_errors[k].end()));
    out->rows_read += parts[k].rows_read;
  }
  std::stable_sort(errors->begin() + static_cast<long>(first_error), errors->end(), by_line);
  return Status::OK();
}

void SortAttachments(Attachments* a) {
  SortRows(&a->locations);
  SortRows(&a->other_names);
  SortRows(&a->endpoints);
}

}  // namespace meridian
