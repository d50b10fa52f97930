// Follower: keeps a server on the store's active snapshot (`meridian serve
// --follow`). Each check reads the manifest's active row; when it names a
// version this server does not serve, the follower fetches the published
// file (HTTP with Range resume into a ".part" file, or a copy from a local
// directory), checks its size and SHA-256 against the manifest, and hands
// it to `activate` (the service loads it with every snapshot check and
// swaps it in, or refuses it and keeps the old one). A file that fails its
// checks is deleted and not fetched again for `refuse_for`; a fetch that
// fails midway leaves the .part to resume. The serving file and the one
// before it stay in `dir` (a rollback needs no download); older published
// files there are removed.
//
// Two-phase activation: a version the manifest marks staged (publish
// --stage) is fetched and checked the same way but not served; state().staged
// names it. When it is activated, the swap needs no download and no hash,
// so the servers of a fleet change version within a poll of each other.
//
// Checks run every `interval` on the follower's thread (Start/Stop), and at
// once when PostgreSQL notifies a manifest change (LISTEN/NOTIFY is a hint:
// notifications sent while disconnected are lost, hence the poll), or when
// the caller asks (PollOnce). Nothing here blocks a request: the
// service reads state() for /readyz and /metrics.
//
// Thread safety: PollOnce() runs one at a time (a mutex); state() may be
// called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "store/store.h"
#include "util/status.h"

namespace meridian::fleet {

struct FollowOptions {
  std::string from;  // base URL ("http://host/snapshots") or a local directory
  std::string dir;   // where this server keeps its copies
  std::chrono::milliseconds interval{10000};
  std::chrono::milliseconds refuse_for{300000};
};

struct FollowState {
  std::string serving;     // the published name being served ("" = none yet)
  std::string wanted;      // the manifest's active name at the last check
  std::string staged;      // a staged version fetched and checked, not yet active
  std::string last_error;  // "" after a check that succeeded
  int64_t last_check_unix = 0, last_success_unix = 0;
  uint64_t checks = 0, failures = 0, swaps = 0, refused = 0;
  uint64_t notified = 0;  // checks woken early by the store's notification
};

class Follower {
 public:
  // Loads a fetched, checked file; an error means it was refused.
  using Activate = std::function<Status(const std::string& path)>;
  Follower(store::Store* store, FollowOptions options);
  ~Follower();
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  // REQUIRES: set before Start(), or between PollOnce() calls.
  void set_activate(Activate activate);
  // One check (see above). OK when this server serves the active version.
  Status PollOnce();
  void Start();
  void Stop();
  FollowState state() const;

 private:
  Status Check();
  // Serves `m` if it is not served yet: obtains it (unless staged already),
  // then activates it.
  Status Follow(const store::SnapshotManifest& m);
  // `m` in the follow folder, its size and SHA-256 checked; a bad file is
  // deleted and refused for options_.refuse_for.
  Status Obtain(const store::SnapshotManifest& m, const std::string& local);
  Status Refuse(const store::SnapshotManifest& m, const std::string& local, const std::string& why);
  std::string LocalPath(const store::SnapshotManifest& m) const;
  Status Fetch(const store::SnapshotManifest& m, const std::string& local);
  void Prune();

  store::Store* const store_;
  const FollowOptions options_;
  Activate activate_;
  std::mutex poll_mu_;
  mutable std::mutex state_mu_;
  FollowState state_;
  std::string previous_;  // the name served before `serving` (kept for rollback)
  std::string refused_name_;
  std::chrono::steady_clock::time_point refused_until_{};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace meridian::fleet
