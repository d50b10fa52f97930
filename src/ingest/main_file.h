// Reading the main NPPES file (npidata_pfile) into a ParsedSet: every good
// row encoded (record_codec.h core part) and handed to `append_core` as soon
// as its window is final, plus a small entry with the fields the snapshot
// keeps as columns; every bad row becomes an IngestError.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "geo/states.h"
#include "geo/zcta.h"
#include "ingest/attached.h"
#include "ingest/csv_file.h"
#include "refdata/nucc.h"
#include "util/status.h"

namespace meridian {

// Taxonomy reference inside a ParsedSet: a NUCC row index (< kUnknownTaxBase)
// or kUnknownTaxBase + index into ParsedSet::unknown_codes of its worker.
inline constexpr uint16_t kUnknownTaxBase = 0x8000;
inline constexpr size_t kMaxUnknownPerWorker = 0x7FFF;  // distinct unknown codes

struct ParsedEntry {
  uint32_t npi;
  uint8_t entity, sex, state, precision;  // practice location state and geocode
  float lat, lon;
  uint64_t line;         // 1-based line where the row starts
  uint64_t core_offset;  // where append_core put the encoded core record
  uint32_t core_len;
  uint32_t tax_begin;  // into the worker's tax pool
  uint32_t str_begin;  // into the worker's string pool: credential, name words, city
  uint16_t cred_len, names_len;
  uint8_t city_len;
  uint8_t tax_count, primary_slot;  // primary_slot: index in the list, 0xFF = none
  uint8_t worker;
  uint32_t postal;  // practice ZIP's first five digits as a number, or snapshot::kNoPostal
};
static_assert(sizeof(ParsedEntry) == 56, "the postal code fills the padding");

struct ParsedWorker {
  std::string pending;   // encoded core records of the current window
  size_t unflushed = 0;  // entries from here on have offsets into `pending`
  std::vector<ParsedEntry> entries;
  std::vector<uint16_t> tax_pool;
  // Per entry: "Provider Credential Text", then its name words and practice
  // city, normalized (text/search_text.h).
  std::string str_pool;
  std::vector<std::string> unknown_codes;
  std::vector<IngestError> errors;
  uint64_t rows = 0;
};

struct ParsedSet {
  std::vector<std::unique_ptr<ParsedWorker>> workers;
  std::vector<ParsedEntry> entries;  // all workers', sorted by NPI, duplicates removed
  std::vector<IngestError> errors;   // sorted by line
  uint64_t rows_read = 0;            // data rows, good and bad
  uint64_t bytes = 0;
  uint64_t misguessed_splits = 0;

  // Taxonomy codes of entry e (NUCC index or unknown marker, see above).
  std::span<const uint16_t> Taxonomies(const ParsedEntry& e) const {
    return std::span<const uint16_t>(workers[e.worker]->tax_pool).subspan(e.tax_begin, e.tax_count);
  }
  std::string_view Credential(const ParsedEntry& e) const {
    return std::string_view(workers[e.worker]->str_pool).substr(e.str_begin, e.cred_len);
  }
  std::string_view NameText(const ParsedEntry& e) const {
    return std::string_view(workers[e.worker]->str_pool)
        .substr(e.str_begin + e.cred_len, e.names_len);
  }
  std::string_view City(const ParsedEntry& e) const {
    return std::string_view(workers[e.worker]->str_pool)
        .substr(e.str_begin + e.cred_len + e.names_len, e.city_len);
  }
  std::string_view UnknownCode(const ParsedEntry& e, uint16_t ref) const {
    return workers[e.worker]->unknown_codes[ref - kUnknownTaxBase];
  }
};

struct MainFileOptions {
  int threads = 2;
  size_t window_bytes = 64u << 20;
  const TaxonomyTable* nucc = nullptr;
  const ZctaTable* zcta = nullptr;
  const StateTable* states = nullptr;
  std::function<void(uint64_t done, uint64_t total, uint64_t rows)> progress;
  // Receives encoded core records in input order (the snapshot writer's
  // AppendCore); returns where they landed. Required.
  std::function<Status(std::string_view bytes, uint64_t* offset)> append_core;
  std::string archive;  // when set, `path` is a member of this ZIP archive
  // The input's size in bytes, when known (0 if not): the workers size their
  // buffers from it once instead of growing them row by row.
  uint64_t expected_bytes = 0;
};

// Reads `path` into *out. Fatal errors (missing file, header lacking required
// columns) are returned; row errors land in out->errors. Rows repeating an
// NPI seen on an earlier line are rejected as duplicates.
Status ReadMainFile(const std::string& path, const MainFileOptions& options, ParsedSet* out);

}  // namespace meridian
