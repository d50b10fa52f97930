// Snapshots for a fleet: `meridian publish` puts a verified snapshot under a
// content-addressed name in a directory that web servers (or `meridian
// serve --publish-dir`) serve, and records it in the store's manifest as
// the active version; following servers (follower.h) fetch it from there.
//
// Names are "nppes-<YYYYMMDD>-<first 12 hex digits of the SHA-256>.snap":
// the date the snapshot was built and its content, so the same name always
// means the same bytes and a published file is never rewritten.
#pragma once

#include <cstdint>
#include <string>

#include "store/store.h"
#include "util/status.h"

namespace meridian::fleet {

// The SHA-256 of a file's bytes, as 64 lower-case hex digits.
Result<std::string> Sha256File(const std::string& path);

// Copies `from` to `to` through an AtomicFile (a temporary name, fsync,
// rename, the directory fsynced): `to` is whole or absent.
Status CopyFileAtomically(const std::string& from, const std::string& to);

// "nppes-20261202-0123456789ab.snap".
std::string PublishedName(int64_t created_unix, const std::string& sha256_hex);

// Whether `name` is a published name (no slashes, dots or other surprises:
// followers and the publish-dir route only ever open such names).
bool IsPublishedName(const std::string& name);

struct Published {
  store::SnapshotManifest manifest;  // snapshot_id = the published name
  bool copied = false;               // false: the file was in the directory already
};

// Verifies `snapshot` (checksums, invariants, every record), copies it to
// `dir`/<name> (written to a temporary name, fsynced, renamed, the directory
// fsynced) unless that file is there already with the same checksum, and
// makes it the store's active snapshot, or with `stage` records it as
// staged (store::Store::StageSnapshot: followers fetch it, serve it later).
Result<Published> Publish(const std::string& snapshot, const std::string& dir, store::Store* store,
                          const std::string& actor, bool stage = false);

}  // namespace meridian::fleet
