#include "index/record_cache.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <thread>

#include "util/crc32c.h"
#include "util/file.h"

namespace meridian {

namespace {

constexpr char kMagic[8] = {'M', 'R', 'C', 'P', 'A', 'S', 'S', '1'};
constexpr size_t kHeaderBytes = 8 + 4 + 8 + 8 + 8 + 4;

template <class T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <class T>
T Get(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

Status ComputeRecordPass(const Snapshot& snap, std::vector<uint32_t>* name_rank,
                         OrganizationLinks* links) {
  // Every record decoded once, on two threads (each over half the rows):
  // its sort key and its organization links.
  std::vector<std::string> keys(snap.size());
  Status failed[2];
  OrganizationLinks second_half;
  auto fill = [&](size_t begin, size_t end, OrganizationLinks* into, Status* st) {
    Record r;
    for (size_t i = begin; i < end; ++i) {
      Status s = snap.GetRecordMapped(i, &r);  // a full pass: through the map
      if (!s.ok()) {
        *st = Status::Corruption("row " + std::to_string(i) + " does not decode: " + s.message());
        return;
      }
      keys[i] = r.SortName();
      into->Add(static_cast<uint32_t>(i), r);
    }
  };
  std::thread half(fill, snap.size() / 2, snap.size(), &second_half, &failed[1]);
  fill(0, snap.size() / 2, links, &failed[0]);
  half.join();
  for (const Status& s : failed) MERIDIAN_RETURN_IF_ERROR(s);
  links->Append(std::move(second_half));
  std::vector<uint32_t> order(snap.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return keys[a] != keys[b] ? keys[a] < keys[b] : a < b; });
  name_rank->resize(snap.size());
  for (uint32_t pos = 0; pos < order.size(); ++pos) (*name_rank)[order[pos]] = pos;
  return Status::OK();
}

Status SaveRecordPass(const std::string& path, const Snapshot& snap,
                      const std::vector<uint32_t>& name_rank, const OrganizationLinks& links) {
  if (name_rank.size() != snap.size())
    return Status::InvalidArgument("the name order does not cover the snapshot");
  std::string body(reinterpret_cast<const char*>(name_rank.data()),
                   name_rank.size() * sizeof(uint32_t));
  links.EncodeTo(&body);
  std::string file(kMagic, sizeof kMagic);
  Put<uint32_t>(&file, snap.id());
  Put<uint64_t>(&file, snap.size());
  Put<uint64_t>(&file, snap.file_bytes());
  Put<uint64_t>(&file, body.size());
  Put<uint32_t>(&file, crc32c::Value(body));
  file += body;
  return WriteFileAtomically(path, file);
}

bool LoadRecordPass(const std::string& path, const Snapshot& snap, std::vector<uint32_t>* name_rank,
                    OrganizationLinks* links) {
  std::string file;
  if (!ReadFile(path, &file).ok() || file.size() < kHeaderBytes ||
      std::memcmp(file.data(), kMagic, sizeof kMagic) != 0)
    return false;
  const char* p = file.data() + sizeof kMagic;
  const uint32_t id = Get<uint32_t>(p);
  const uint64_t rows = Get<uint64_t>(p + 4), bytes = Get<uint64_t>(p + 12);
  const uint64_t body_bytes = Get<uint64_t>(p + 20);
  const uint32_t crc = Get<uint32_t>(p + 28);
  if (id != snap.id() || rows != snap.size() || bytes != snap.file_bytes() ||
      body_bytes != file.size() - kHeaderBytes || rows * sizeof(uint32_t) > body_bytes)
    return false;
  const std::string_view body(file.data() + kHeaderBytes, body_bytes);
  if (crc32c::Value(body) != crc) return false;
  std::vector<uint32_t> ranks(rows);
  std::memcpy(ranks.data(), body.data(), rows * sizeof(uint32_t));
  // A permutation of 0..rows-1, or the cache is not used.
  std::vector<bool> seen(rows, false);
  for (uint32_t r : ranks) {
    if (r >= rows || seen[r]) return false;
    seen[r] = true;
  }
  auto decoded = OrganizationLinks::Decode(body.substr(rows * sizeof(uint32_t)), rows);
  if (!decoded.ok()) return false;
  *name_rank = std::move(ranks);
  *links = std::move(decoded).value();
  return true;
}

}  // namespace meridian
