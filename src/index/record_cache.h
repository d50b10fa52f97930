// The record-pass cache: what SearchIndex::Build learns from decoding every
// record (the name order and the organization links), saved in a file
// beside the snapshot so the next start of a server on the same snapshot
// skips the pass (at 9 M providers, most of the time to ready).
//
// The file names the snapshot it was made from (its content id, row count
// and size) and carries a CRC-32C of its body; a cache for another
// snapshot, or a damaged one, is not used (the pass runs and the file is
// written again). Writing is atomic (AtomicFile) and best effort: a
// read-only directory only costs the pass.
//
// Format (little-endian): magic "MRCPASS1", u32 snapshot id, u64 rows,
// u64 snapshot file bytes, u64 body bytes, u32 body CRC-32C, then the body:
// u32[rows] name ranks, then the organization links (org_links.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "index/org_links.h"
#include "snapshot/snapshot.h"
#include "util/status.h"

namespace meridian {

// The pass itself: every record of `snap` decoded once (on two threads):
// each row's rank in name order (Record::SortName, ties by row) and the
// organization links (`links` starts empty). Corruption naming the first
// row that does not decode.
Status ComputeRecordPass(const Snapshot& snap, std::vector<uint32_t>* name_rank,
                         OrganizationLinks* links);

Status SaveRecordPass(const std::string& path, const Snapshot& snap,
                      const std::vector<uint32_t>& name_rank, const OrganizationLinks& links);

// True with both filled when `path` holds a sound cache of `snap`; false
// when there is none or it is for another snapshot or damaged.
bool LoadRecordPass(const std::string& path, const Snapshot& snap, std::vector<uint32_t>* name_rank,
                    OrganizationLinks* links);

}  // namespace meridian
