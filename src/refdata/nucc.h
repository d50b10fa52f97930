// TaxonomyTable: the NUCC Health Care Provider Taxonomy code set.
//
// Resolves a 10-character code such as "171100000X" to its plain names.
// Loaded once from the CSV NUCC publishes (Code, Grouping, Classification,
// Specialization, Definition, Notes, Display Name, Section).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace meridian {

struct TaxonomyInfo {
  std::string code, grouping, classification, specialization, display_name, section;
};

class TaxonomyTable {
 public:
  // Parses the NUCC CSV. Rows with a malformed code are an error: the code set
  // is reference data and must load completely.
  static Result<TaxonomyTable> Parse(std::string_view csv);
  // The code set compiled into the binary (data/nucc_taxonomy_251.csv).
  static const TaxonomyTable& Embedded();

  // nullptr when the code is not in the code set.
  const TaxonomyInfo* Find(std::string_view code) const;
  size_t size() const { return rows_.size(); }
  const std::vector<TaxonomyInfo>& rows() const { return rows_; }  // sorted by code

 private:
  std::vector<TaxonomyInfo> rows_;
};

}  // namespace meridian
