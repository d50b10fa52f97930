#include "index/record_cache.h"

#include <cstring>

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
