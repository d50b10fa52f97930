// The served dataset over the sample snapshot (fuzz_util.h), loaded once per
// process: for the targets that call the HTTP layer's handlers directly
// (fhir_fuzz, form_fuzz). Needs meridian_http.
#pragma once

#include "fuzz_util.h"
#include "http/service.h"

namespace meridian::fuzz {

inline const Dataset& SampleDataset() {
  static const Dataset* d = [] {
    auto r = Dataset::Load(SampleSnapshot());
    if (!r.ok()) Die(r.status().ToString());
    return r->release();
  }();
  return *d;
}

}  // namespace meridian::fuzz
