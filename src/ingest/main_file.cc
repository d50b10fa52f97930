#include "ingest/main_file.h"

#include <algorithm>
#include <atomic>
#include <unordered_map>

#include "ingest/nppes_row.h"
#include "model/fields.h"
#include "model/record_codec.h"
#include "snapshot/writer.h"
#include "text/normalize.h"
#include "text/search_text.h"

namespace meridian {

namespace {

class MainFileSink : public CsvSink {
 public:
  MainFileSink(std::string file, const NppesColumns* cols, const MainFileOptions& opt,
               ParsedWorker* w, uint8_t worker_id, std::atomic<uint64_t>* rows)
      : file_(std::move(file)), cols_(cols), opt_(opt), w_(w), id_(worker_id), rows_(rows) {}

  void OnRecord(const CsvRecord& rec) override {
    ++w_->rows;
    rows_->fetch_add(1, std::memory_order_relaxed);
    RowError err;
    if (!MapNppesRow(*cols_, rec.fields, rec.raw, &record_, &err)) {
      std::string_view npi = rec.fields.empty() ? std::string_view() : rec.fields[0];
      if (!IsValidNpi(npi) && !(npi.size() <= 12 && err.field == "NPI")) npi = {};
      w_->errors.push_back(
          {file_, rec.line, std::string(npi.substr(0, 12)), err.field, err.reason});
      return;
    }
    GeocodeLocation(*opt_.zcta, &record_.practice);
    const size_t at = w_->pending.size();
    EncodeCore(record_, &w_->pending);

    ParsedEntry e;
    e.npi = record_.npi;
    e.entity = static_cast<uint8_t>(record_.entity);
    e.sex = record_.sex.size() == 1 ? static_cast<uint8_t>(record_.sex[0]) : 0;
    e.state = opt_.states->Id(record_.practice.address.state);
    e.precision = static_cast<uint8_t>(record_.practice.precision);
    e.lat = record_.practice.lat;
    e.lon = record_.practice.lon;
    e.postal = PostalKey(record_.practice.address.postal_code);
    e.line = rec.line;
    e.core_offset = at;
    e.core_len = static_cast<uint32_t>(w_->pending.size() - at);
    e.tax_begin = static_cast<uint32_t>(w_->tax_pool.size());
    std::string& pool = w_->str_pool;
    e.str_begin = static_cast<uint32_t>(pool.size());
    e.cred_len = static_cast<uint16_t>(std::min<size_t>(record_.credential.size(), 1024));
    pool.append(record_.credential, 0, e.cred_len);
    words_.clear();
    AppendNameText(record_, &words_);
    e.names_len = static_cast<uint16_t>(std::min<size_t>(words_.size(), 4096));
    pool.append(words_, 0, e.names_len);
    words_.clear();
    AppendNormalizedTokens(record_.practice.address.city, &words_);
    e.city_len = static_cast<uint8_t>(std::min<size_t>(words_.size(), 255));
    pool.append(words_, 0, e.city_len);
    e.tax_count = 0;
    e.worker = id_;
    primary_candidates_.clear();
    for (const TaxonomySlot& t : record_.taxonomies) {
      if (t.code.empty()) continue;  // a slot with only a license number
      const TaxonomyInfo* info = opt_.nucc->Find(t.code);
      uint16_t ref;
      if (info != nullptr) {
        ref = static_cast<uint16_t>(info - opt_.nucc->rows().data());
      } else {
        auto it = unknown_index_.find(t.code);
        if (it != unknown_index_.end()) {
          ref = it->second;
        } else if (w_->unknown_codes.size() < kMaxUnknownPerWorker) {
          ref = static_cast<uint16_t>(kUnknownTaxBase + w_->unknown_codes.size());
          w_->unknown_codes.push_back(t.code);
          unknown_index_.emplace(t.code, ref);
        } else {
          continue;  // beyond 32k distinct unknown codes: kept in the record, not indexed
        }
      }
      w_->tax_pool.push_back(ref);
      primary_candidates_.push_back(t.primary_switch == 'Y');
      ++e.tax_count;
    }
    // Primary: the first code marked 'Y', else the first code.
    e.primary_slot = e.tax_count > 0 ? 0 : 0xFF;
    for (size_t k = 0; k < primary_candidates_.size(); ++k)
      if (primary_candidates_[k]) {
        e.primary_slot = static_cast<uint8_t>(k);
        break;
      }
    w_->entries.push_back(e);
  }

  void OnError(uint64_t line, std::string_view raw, const char* reason) override {
    ++w_->rows;
    rows_->fetch_add(1, std::memory_order_relaxed);
    std::string_view npi = raw.substr(raw.starts_with('"') ? 1 : 0, 10);
    w_->errors.push_back(
        {file_, line, IsValidNpi(npi) ? std::string(npi) : std::string(), "", reason});
  }

  size_t Checkpoint() override {
    marks_.push_back({w_->pending.size(), w_->entries.size(), w_->tax_pool.size(),
                      w_->str_pool.size(), w_->unknown_codes.size(), w_->errors.size(), w_->rows});
    return marks_.size() - 1;
  }
  void Rollback(size_t checkpoint) override {
    const Mark& m = marks_[checkpoint];
    w_->pending.resize(m.pending);
    w_->entries.resize(m.entries);
    w_->tax_pool.resize(m.tax);
    w_->str_pool.resize(m.str);
    w_->unknown_codes.resize(m.unknown);
    unknown_index_.clear();
    for (size_t i = 0; i < w_->unknown_codes.size(); ++i)
      unknown_index_.emplace(w_->unknown_codes[i], static_cast<uint16_t>(kUnknownTaxBase + i));
    w_->errors.resize(m.errors);
    rows_->fetch_sub(w_->rows - m.rows, std::memory_order_relaxed);
    w_->rows = m.rows;
    marks_.resize(checkpoint);
  }

  void OnWindowDone() override {
    if (w_->pending.empty() || !status_.ok()) return;
    uint64_t base = 0;
    status_ = opt_.append_core(w_->pending, &base);
    for (size_t i = w_->unflushed; i < w_->entries.size(); ++i) w_->entries[i].core_offset += base;
    w_->unflushed = w_->entries.size();
    w_->pending.clear();
  }
  const Status& status() const { return status_; }

 private:
  struct Mark {
    size_t pending, entries, tax, str, unknown, errors;
    uint64_t rows;
  };
  std::string file_;
  const NppesColumns* cols_;
  const MainFileOptions& opt_;
  ParsedWorker* w_;
  uint8_t id_;
  std::atomic<uint64_t>* rows_;
  Record record_;  // reused across rows to keep string capacity
  std::vector<Mark> marks_;
  Status status_;                                            // first append_core failure
  std::unordered_map<std::string, uint16_t> unknown_index_;  // code -> ref, this worker
  std::vector<bool> primary_candidates_;                     // per indexed code: marked primary?
  std::string words_;                                        // scratch for normalized words
};

}  // namespace

Status ReadMainFile(const std::string& path, const MainFileOptions& options, ParsedSet* out) {
  const int threads = std::clamp(options.threads, 1, 64);
  const std::string file = BaseName(path);
  NppesColumns cols;
  std::atomic<uint64_t> rows{0};
  std::vector<std::unique_ptr<MainFileSink>> sinks;
  std::vector<CsvSink*> sink_ptrs;
  out->workers.clear();
  // A main-file row is at least ~1 KB (330 columns, most of them ""), so
  // bytes / 768 over-counts rows; the slack covers uneven splits. Reserved
  // pages that are never written cost nothing.
  const uint64_t rows_guess = options.expected_bytes / 768;
  const uint64_t per_worker = rows_guess / static_cast<uint64_t>(threads) + rows_guess / 8;
  for (int k = 0; k < threads; ++k) {
    out->workers.push_back(std::make_unique<ParsedWorker>());
    ParsedWorker& w = *out->workers.back();
    w.entries.reserve(per_worker);
    w.tax_pool.reserve(2 * per_worker);
    w.str_pool.reserve(48 * per_worker);
    w.pending.reserve(std::min<uint64_t>(options.expected_bytes, options.window_bytes) / 2);
    sinks.push_back(std::make_unique<MainFileSink>(file, &cols, options, out->workers.back().get(),
                                                   static_cast<uint8_t>(k), &rows));
    sink_ptrs.push_back(sinks.back().get());
  }
  CsvReadOptions ro;
  ro.threads = threads;
  ro.window_bytes = options.window_bytes;
  ro.archive = options.archive;
  if (options.progress)
    ro.progress = [&](uint64_t done, uint64_t total) {
      options.progress(done, total, rows.load());
    };
  CsvReadStats stats;
  Status s = ReadCsvFile(
      path, ro,
      [&](const CsvRecord& header) -> Status {
        auto c = NppesColumns::FromHeader(header.fields);
        if (!c.ok()) return Status::InvalidArgument(file + ": " + c.status().message());
        cols = std::move(c).value();
        return Status::OK();
      },
      sink_ptrs, &stats);
  if (!s.ok()) return s;
  for (const auto& sink : sinks) MERIDIAN_RETURN_IF_ERROR(sink->status());
  out->bytes = stats.bytes;
  out->misguessed_splits = stats.misguessed_splits;

  // Merge workers, sort by NPI then line, and reject later duplicates.
  size_t total = 0;
  for (auto& w : out->workers) total += w->entries.size();
  out->entries.clear();
  out->entries.reserve(total);
  for (auto& w : out->workers) {
    out->entries.insert(out->entries.end(), w->entries.begin(), w->entries.end());
    std::vector<ParsedEntry>().swap(w->entries);
    out->errors.insert(out->errors.end(), std::make_move_iterator(w->errors.begin()),
                       std::make_move_iterator(w->errors.end()));
    w->errors.clear();
    out->rows_read += w->rows;
  }
  std::sort(out->entries.begin(), out->entries.end(),
            [](const ParsedEntry& a, const ParsedEntry& b) {
              return a.npi != b.npi ? a.npi < b.npi : a.line < b.line;
            });
  size_t kept = 0;
  for (size_t i = 0; i < out->entries.size(); ++i) {
    const ParsedEntry& e = out->entries[i];
    if (kept > 0 && out->entries[kept - 1].npi == e.npi) {
      out->errors.push_back({file, e.line, NpiToString(e.npi), "NPI",
                             "duplicate NPI (first seen at line " +
                                 std::to_string(out->entries[kept - 1].line) + ")"});
      continue;
    }
    out->entries[kept++] = e;
  }
  out->entries.resize(kept);
  std::stable_sort(out->errors.begin(), out->errors.end(),
                   [](const IngestError& a, const IngestError& b) { return a.line < b.line; });
  return Status::OK();
}

}  // namespace meridian
