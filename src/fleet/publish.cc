#include "fleet/publish.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "snapshot/snapshot.h"
#include "util/file.h"

namespace meridian::fleet {

Result<std::string> Sha256File(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(path + ": cannot read");
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  std::string buf(1u << 20, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(buf.data()),
                              static_cast<unsigned long long>(in.gcount()));
  }
  if (in.bad()) return Status::IoError(path + ": read failed");
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return std::string(hex);
}

std::string PublishedName(int64_t created_unix, const std::string& sha256_hex) {
  const std::time_t t = static_cast<std::time_t>(created_unix);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y%m%d", &tm);
  return "nppes-" + std::string(date) + "-" + sha256_hex.substr(0, 12) + ".snap";
}

bool IsPublishedName(const std::string& name) {
  // nppes-YYYYMMDD-hhhhhhhhhhhh.snap
  if (name.size() != 32 || !name.starts_with("nppes-") || name[14] != '-' ||
      !name.ends_with(".snap"))
    return false;
  for (size_t i = 6; i < 14; ++i)
    if (name[i] < '0' || name[i] > '9') return false;
  for (size_t i = 15; i < 27; ++i)
    if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f'))) return false;
  return true;
}

Status CopyFileAtomically(const std::string& from, const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  if (!in) return Status::IoError(from + ": cannot read");
  auto out = AtomicFile::Create(to);
  if (!out.ok()) return out.status();
  std::string buf(4u << 20, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    MERIDIAN_RETURN_IF_ERROR((*out)->Append({buf.data(), static_cast<size_t>(in.gcount())}));
  }
  if (in.bad()) return Status::IoError(from + ": read failed");
  return (*out)->Commit();
}

Result<Published> Publish(const std::string& snapshot, const std::string& dir, store::Store* store,
                          const std::string& actor, bool stage) {
  {
    auto snap = Snapshot::Open(snapshot);
    if (!snap.ok()) return snap.status();
    if (Status s = (*snap)->CheckEveryRecord(); !s.ok())
      return Status::Corruption(snapshot + ": " + s.message());
  }
  auto sha = Sha256File(snapshot);
  if (!sha.ok()) return sha.status();
  struct stat st;
  if (::stat(snapshot.c_str(), &st) != 0) return Status::IoError(snapshot + ": cannot stat");
  auto snap = Snapshot::Open(snapshot, Snapshot::Verify::kStructure);
  if (!snap.ok()) return snap.status();
  Published out;
  store::SnapshotManifest& m = out.manifest;
  m.snapshot_id = PublishedName(static_cast<int64_t>((*snap)->created_unix()), *sha);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(dir + ": cannot create: " + ec.message());
  m.path = std::filesystem::absolute(std::filesystem::path(dir) / m.snapshot_id).string();
  m.sha256 = *sha;
  m.bytes = static_cast<int64_t>(st.st_size);
  m.created_unix = static_cast<int64_t>((*snap)->created_unix());
  bool present = false;
  if (std::filesystem::exists(m.path)) {
    auto there = Sha256File(m.path);
    if (!there.ok()) return there.status();
    present = *there == *sha;
  }
  if (!present) {
    MERIDIAN_RETURN_IF_ERROR(CopyFileAtomically(snapshot, m.path));
    out.copied = true;
  }
  if (stage) {
    MERIDIAN_RETURN_IF_ERROR(store->StageSnapshot(m, actor));
    return out;
  }
  MERIDIAN_RETURN_IF_ERROR(store->ActivateSnapshot(m, actor));
  m.active = true;
  return out;
}

}  // namespace meridian::fleet
