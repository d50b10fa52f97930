// libFuzzer target for the snapshot reader (snapshot/snapshot.h).
//
// Input byte 0 picks a mode:
//   even: the rest is a whole snapshot file, opened with Verify::kChecksums.
//   odd:  structure-aware. The rest is a list of 6-byte edits applied to a
//         small valid snapshot (the 99 sample rows, ingested at startup):
//           [region][offset: u32 LE][value]
//         region % (sections + 3) picks the header, the section table, a
//         section, or (the last) a new file size = offset % (2 * size);
//         offset is taken modulo the region's size; region's high bit adds
//         the value instead of storing it. Every section CRC, the table CRC
//         and the header CRC (and, after a resize, file_bytes) are then
//         recomputed, so the file passes the checksums and the fuzzer
//         reaches Open()'s structure checks, CheckInvariants() and
//         CheckEveryRecord().
// Properties: never crash or read out of bounds; every refusal carries a
// message; a snapshot that passes CheckEveryRecord() builds a SearchIndex
// (or is refused with a message), that index passes its own
// CheckInvariants(), and queries on it return only rows that exist.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "index/search_index.h"
#include "query/executor.h"
#include "query/query.h"
#include "snapshot/format.h"
#include "snapshot/snapshot.h"
#include "util/crc32c.h"
#include "util/file.h"

using namespace meridian;
using snapshot::FileHeader;
using snapshot::SectionEntry;

namespace {

const std::string& Seed() {
  static const std::string bytes = [] {
    std::string b;
    if (!ReadFile(fuzz::SampleSnapshot(), &b).ok()) fuzz::Die("cannot read the sample snapshot");
    return b;
  }();
  return bytes;
}

template <class T>
T Load(const std::string& f, size_t at) {
  T v;
  std::memcpy(&v, f.data() + at, sizeof v);
  return v;
}

template <class T>
void Store(std::string* f, size_t at, const T& v) {
  std::memcpy(f->data() + at, &v, sizeof v);
}

// Makes every checksum of `f` (as far as its header and table can be
// read) match its bytes again.
void FixChecksums(std::string* f, bool fix_size) {
  if (f->size() < sizeof(FileHeader)) return;
  FileHeader h = Load<FileHeader>(*f, 0);
  if (fix_size) h.file_bytes = f->size();
  const uint64_t count = h.section_count > 64 ? 64 : h.section_count;
  const uint64_t table_at = sizeof(FileHeader);
  const uint64_t table_end = table_at + count * sizeof(SectionEntry);
  if (table_end <= f->size()) {
    for (uint64_t i = 0; i < count; ++i) {
      const size_t at = table_at + i * sizeof(SectionEntry);
      SectionEntry e = Load<SectionEntry>(*f, at);
      if (e.offset <= f->size() && e.bytes <= f->size() - e.offset) {
        e.crc = crc32c::Extend(0, f->data() + e.offset, e.bytes);
        Store(f, at, e);
      }
    }
    h.table_crc = crc32c::Extend(0, f->data() + table_at, table_end - table_at);
  }
  Store(f, 0, h);
  h.header_crc = crc32c::Extend(0, f->data(), offsetof(FileHeader, header_crc));
  Store(f, 0, h);
}

std::string Mutate(std::string_view edits) {
  std::string f = Seed();
  const FileHeader h0 = Load<FileHeader>(f, 0);
  bool resized = false;
  for (; edits.size() >= 6; edits.remove_prefix(6)) {
    const uint8_t region = static_cast<uint8_t>(edits[0]);
    uint32_t offset;
    std::memcpy(&offset, edits.data() + 1, 4);
    const uint8_t value = static_cast<uint8_t>(edits[5]);
    const uint32_t k = (region & 0x7F) % (h0.section_count + 3);
    uint64_t begin = 0, size = 0;
    if (k == 0) {
      size = sizeof(FileHeader);
    } else if (k == 1) {
      begin = sizeof(FileHeader), size = uint64_t{h0.section_count} * sizeof(SectionEntry);
    } else if (k - 2 < h0.section_count) {
      const SectionEntry e = Load<SectionEntry>(Seed(), sizeof(FileHeader) + (k - 2) * 48);
      begin = e.offset, size = e.bytes;
    } else {
      f.resize(offset % (2 * f.size() + 1), '\0');
      resized = true;
      continue;
    }
    if (size == 0 || begin + size > f.size()) continue;
    char& c = f[begin + offset % size];
    c = static_cast<char>((region & 0x80) ? static_cast<uint8_t>(c) + value : value);
  }
  FixChecksums(&f, resized);
  return f;
}

void Check(const std::string& path) {
  auto opened = Snapshot::Open(path, Snapshot::Verify::kChecksums);
  if (!opened.ok()) {
    MERIDIAN_FUZZ_CHECK(!opened.status().message().empty(), "Open refused without a message");
    return;
  }
  const Snapshot& snap = **opened;
  Status st = snap.CheckInvariants();
  if (!st.ok()) {
    MERIDIAN_FUZZ_CHECK(!st.message().empty(), "CheckInvariants without a message");
    return;
  }
  st = snap.CheckEveryRecord();
  if (!st.ok()) {
    MERIDIAN_FUZZ_CHECK(!st.message().empty(), "CheckEveryRecord without a message");
    return;
  }
  auto index = SearchIndex::Build(snap, ModalityMap::Embedded());
  if (!index.ok()) {
    MERIDIAN_FUZZ_CHECK(!index.status().message().empty(), "SearchIndex refused without message");
    return;
  }
  st = (*index)->CheckInvariants();
  MERIDIAN_FUZZ_CHECK(st.ok(), st.ToString().c_str());
  // Two queries built the way the API builds them: near the first geocoded
  // location with the first word of the text index, and every row by name.
  QueryParams near = {{"include_deactivated", "true"}, {"limit", "20"}};
  for (size_t row = 0; row < snap.size() && near.size() == 2; ++row)
    for (const snapshot::LocationHot& loc : snap.locations(row))
      if (loc.precision != 0) {
        near.emplace_back("near", std::to_string(loc.lat) + "," + std::to_string(loc.lon));
        near.emplace_back("radius", "500mi");
        break;
      }
  if (snap.text().term_count() > 0) near.emplace_back("q", std::string(snap.text().term(0)));
  const QueryParams all = {{"include_deactivated", "true"}, {"sort", "name"}, {"limit", "100"}};
  for (const QueryParams& params : {near, all}) {
    Query q;
    if (!ParseQuery(params, ModalityMap::Embedded(), &q, &snap).ok()) continue;
    SearchResult r = Execute(**index, q);
    Record rec;
    for (const SearchHit& hit : r.hits) {
      MERIDIAN_FUZZ_CHECK(hit.row < snap.size(), "a hit past the last row");
      st = snap.GetRecord(hit.row, &rec);
      MERIDIAN_FUZZ_CHECK(st.ok(), "a hit's record does not decode");
    }
  }
  (*index)->WaitForBackgroundWork();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)Seed();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const std::string path = fuzz::ScratchFile("input.snap");
  if (data[0] % 2 == 0)
    fuzz::WriteWhole(path, body);
  else
    fuzz::WriteWhole(path, Mutate(body));
  Check(path);
  return 0;
}
