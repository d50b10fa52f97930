#include "fleet/follower.h"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <filesystem>

#include "fetch/download.h"
#include "fleet/publish.h"

namespace meridian::fleet {

namespace {

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

bool IsUrl(const std::string& s) { return s.starts_with("http://") || s.starts_with("https://"); }

}  // namespace

Follower::Follower(store::Store* store, FollowOptions options)
    : store_(store), options_(std::move(options)) {}

Follower::~Follower() { Stop(); }

void Follower::set_activate(Activate activate) {
  std::lock_guard<std::mutex> lock(poll_mu_);
  activate_ = std::move(activate);
}

FollowState Follower::state() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  return state_;
}

Status Follower::PollOnce() {
  std::lock_guard<std::mutex> lock(poll_mu_);
  Status s = Check();
  std::lock_guard<std::mutex> st(state_mu_);
  ++state_.checks;
  state_.last_check_unix = Now();
  if (s.ok()) {
    state_.last_success_unix = state_.last_check_unix;
    state_.last_error.clear();
  } else {
    ++state_.failures;
    state_.last_error = s.message();
  }
  return s;
}

Status Follower::Check() {
  auto m = store_->ActiveSnapshot();
  if (!m.ok()) return m.status();
  MERIDIAN_RETURN_IF_ERROR(Follow(*m));
  // Two-phase activation: a staged version is fetched and checked now, and
  // swapped in (without fetching or hashing again) once it is activated.
  auto staged = store_->StagedSnapshot();
  if (!staged.ok())
    return staged.status().code() == StatusCode::kNotFound ? Status::OK() : staged.status();
  if (staged->snapshot_id == state_.serving || staged->snapshot_id == state_.staged)
    return Status::OK();
  MERIDIAN_RETURN_IF_ERROR(Obtain(*staged, LocalPath(*staged)));
  std::lock_guard<std::mutex> st(state_mu_);
  state_.staged = staged->snapshot_id;
  return Status::OK();
}

std::string Follower::LocalPath(const store::SnapshotManifest& m) const {
  return (std::filesystem::path(options_.dir) / m.snapshot_id).string();
}

Status Follower::Follow(const store::SnapshotManifest& m) {
  {
    std::lock_guard<std::mutex> st(state_mu_);
    state_.wanted = m.snapshot_id;
    if (m.snapshot_id == state_.serving) return Status::OK();
  }
  const std::string local = LocalPath(m);
  if (m.snapshot_id != state_.staged) MERIDIAN_RETURN_IF_ERROR(Obtain(m, local));
  if (!activate_) return Status::Internal("Follower: no activate function");
  if (Status s = activate_(local); !s.ok()) return Refuse(m, local, s.message());
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    if (!state_.serving.empty() && state_.serving != m.snapshot_id) previous_ = state_.serving;
    state_.serving = m.snapshot_id;
    if (state_.staged == m.snapshot_id) state_.staged.clear();
    ++state_.swaps;
  }
  Prune();
  return Status::OK();
}

Status Follower::Refuse(const store::SnapshotManifest& m, const std::string& local,
                        const std::string& why) {
  std::error_code ec;
  std::filesystem::remove(local, ec);
  if (state_.staged == m.snapshot_id) {
    std::lock_guard<std::mutex> st(state_mu_);
    state_.staged.clear();
  }
  refused_name_ = m.snapshot_id;
  refused_until_ = std::chrono::steady_clock::now() + options_.refuse_for;
  std::lock_guard<std::mutex> st(state_mu_);
  ++state_.refused;
  return Status::Corruption(m.snapshot_id + " refused: " + why);
}

Status Follower::Obtain(const store::SnapshotManifest& m, const std::string& local) {
  if (!IsPublishedName(m.snapshot_id))
    return Status::FailedPrecondition("the snapshot " + m.snapshot_id +
                                      " was not recorded by meridian publish");
  if (m.snapshot_id == refused_name_ && std::chrono::steady_clock::now() < refused_until_)
    return Status::FailedPrecondition(m.snapshot_id + " was refused; still serving " +
                                      (state_.serving.empty() ? "nothing" : state_.serving));
  if (!std::filesystem::exists(local)) MERIDIAN_RETURN_IF_ERROR(Fetch(m, local));
  struct stat st;
  if (::stat(local.c_str(), &st) != 0) return Status::IoError(local + ": cannot stat");
  if (st.st_size != m.bytes)
    return Refuse(m, local,
                  "it has " + std::to_string(st.st_size) + " bytes, the manifest says " +
                      std::to_string(m.bytes));
  auto sha = Sha256File(local);
  if (!sha.ok()) return sha.status();
  if (*sha != m.sha256) return Refuse(m, local, "its SHA-256 does not match the manifest");
  return Status::OK();
}

Status Follower::Fetch(const store::SnapshotManifest& m, const std::string& local) {
  std::error_code ec;
  std::filesystem::create_directories(options_.dir, ec);
  if (ec) return Status::IoError(options_.dir + ": cannot create: " + ec.message());
  if (IsUrl(options_.from)) {
    std::string base = options_.from;
    while (base.ends_with('/')) base.pop_back();
    uint64_t fetched = 0;
    return DownloadFile(base + "/" + m.snapshot_id, local, DownloadOptions{}, &fetched);
  }
  // A local directory (a shared mount, or tests).
  const std::string from = (std::filesystem::path(options_.from) / m.snapshot_id).string();
  if (!std::filesystem::exists(from)) return Status::Unavailable(from + ": cannot read");
  return CopyFileAtomically(from, local);
}

void Follower::Prune() {
  std::string serving, staged;
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    serving = state_.serving, staged = state_.staged;
  }
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(options_.dir, ec)) {
    const std::string name = e.path().filename().string();
    if (IsPublishedName(name) && name != serving && name != previous_ && name != staged)
      std::filesystem::remove(e.path(), ec);
  }
}

void Follower::Start() {
  thread_ = std::thread([this] {
    // NOTIFY meridian_manifest wakes the loop early (PostgreSQL); the poll
    // every interval covers notifications lost while disconnected.
    std::unique_ptr<store::Listener> listener = store_->ListenManifest();
    auto stopped = [this] {
      std::lock_guard<std::mutex> lock(stop_mu_);
      return stop_;
    };
    while (!stopped()) {
      (void)PollOnce();  // the outcome is in state()
      const auto until = std::chrono::steady_clock::now() + options_.interval;
      while (!stopped()) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= until) break;
        const auto slice = std::min<std::chrono::milliseconds>(
            std::chrono::duration_cast<std::chrono::milliseconds>(until - now) +
                std::chrono::milliseconds(1),
            std::chrono::milliseconds(200));  // Stop() waits at most this long
        if (listener != nullptr) {
          if (listener->Wait(slice)) {
            std::lock_guard<std::mutex> lock(state_mu_);
            ++state_.notified;
            break;
          }
        } else {
          std::unique_lock<std::mutex> lock(stop_mu_);
          stop_cv_.wait_for(lock, slice, [this] { return stop_; });
        }
      }
    }
  });
}

void Follower::Stop() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace meridian::fleet
