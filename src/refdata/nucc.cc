#include "refdata/nucc.h"

#include <algorithm>
#include <cstdint>

#include "data/embedded.h"
#include "util/csv.h"

namespace meridian {

Result<TaxonomyTable> TaxonomyTable::Parse(std::string_view csv) {
  TaxonomyTable t;
  MERIDIAN_RETURN_IF_ERROR(ForEachReferenceRow(
      csv, "NUCC taxonomy CSV", "Code", 8, SIZE_MAX, [&t](const CsvRecord& rec) -> Status {
        if (rec.fields[0].size() != 10)
          return Status::InvalidArgument("NUCC taxonomy CSV line " + std::to_string(rec.line) +
                                         ": expected a 10-character code");
        TaxonomyInfo info;
        info.code = rec.fields[0];
        info.grouping = rec.fields[1];
        info.classification = rec.fields[2];
        info.specialization = rec.fields[3];
        info.display_name = rec.fields[6];
        info.section = rec.fields[7];
        t.rows_.push_back(std::move(info));
        return Status::OK();
      }));
  std::sort(t.rows_.begin(), t.rows_.end(),
            [](const TaxonomyInfo& a, const TaxonomyInfo& b) { return a.code < b.code; });
  return t;
}

const TaxonomyTable& TaxonomyTable::Embedded() {
  // Built on first use from immutable embedded bytes; never fails (tested).
  static const TaxonomyTable table = [] {
    auto r = Parse(EmbeddedNuccCsv());
    return r.ok() ? std::move(r).value() : TaxonomyTable();
  }();
  return table;
}

const TaxonomyInfo* TaxonomyTable::Find(std::string_view code) const {
  auto it = std::lower_bound(rows_.begin(), rows_.end(), code,
                             [](const TaxonomyInfo& a, std::string_view c) { return a.code < c; });
  if (it == rows_.end() || it->code != code) return nullptr;
  return &*it;
}

}  // namespace meridian
