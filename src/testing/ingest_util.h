// Test support: builds a snapshot in-process from NPPES files, for tests of
// the modules below ingest (snapshot, index, query) that need real data.
// Only tests include this; the engine's modules never include ingest/.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/ingest.h"

namespace meridian::testing {

// Ingests `nppes` (and `pl`, `endpoint`, when not empty) into the snapshot `out`.
// Fails the calling test when ingest fails.
inline void IngestInProcess(const std::string& nppes, const std::string& out,
                            const std::string& pl = "", const std::string& endpoint = "") {
  IngestOptions o;
  o.nppes = nppes;
  o.pl = pl;
  o.endpoint = endpoint;
  o.out = out;
  IngestSummary sum;
  std::vector<IngestError> errors;
  Status s = Ingest(o, &sum, &errors);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

}  // namespace meridian::testing
