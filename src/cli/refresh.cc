// `meridian download` and `meridian refresh`: the registry kept fresh
// without hand work (download -> update -> verify -> swap -> reload).
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "cli/commands.h"
#include "cli/progress.h"
#include "fetch/applied.h"
#include "fetch/download.h"
#include "fetch/listing.h"
#include "fleet/publish.h"
#include "index/record_cache.h"
#include "ingest/ingest.h"
#include "ingest/zip_archive.h"
#include "snapshot/snapshot.h"
#include "util/file.h"
#include "util/json.h"

namespace meridian::cli {

namespace {

Status MakeDir(const std::string& dir) {
  std::string path;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      if (!path.empty() && ::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
        return Status::IoError(path + ": " + std::strerror(errno));
    }
    if (i < dir.size()) path.push_back(dir[i]);
  }
  return Status::OK();
}

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// A downloaded file must be a whole ZIP holding what its kind promises.
Status CheckZip(const std::string& path, NppesFileKind kind) {
  auto zip = ZipArchive::Open(path);
  if (!zip.ok()) return zip.status();
  if (kind == NppesFileKind::kDeactivations) {
    for (const ZipMember& m : (*zip)->members())
      if (m.name.size() > 5 && m.name.compare(m.name.size() - 5, 5, ".xlsx") == 0)
        return Status::OK();
    return Status::InvalidArgument(path + ": the deactivation ZIP holds no .xlsx workbook");
  }
  if (FindNppesMembers(**zip).npidata.empty())
    return Status::InvalidArgument(path + ": no npidata_pfile_*.csv member");
  return Status::OK();
}

struct Fetched {
  NppesLink link;
  std::string path;
  bool already_applied = false;
  uint64_t bytes_fetched = 0;
};

Result<std::vector<NppesLink>> Listing(const std::string& listing_url) {
  auto page = FetchText(listing_url);
  if (!page.ok()) return page.status();
  return ParseListing(*page, listing_url);
}

// `link` downloaded into `dir`, unless it was applied before (then nothing is
// fetched) or is already there whole.
Result<Fetched> Fetch(const NppesLink& link, const std::string& dir) {
  Fetched f;
  f.link = link;
  f.path = dir + "/" + f.link.name;
  if (IsApplied(dir, f.link.name)) {
    f.already_applied = true;
    return f;
  }
  if (CheckZip(f.path, link.kind).ok()) return f;  // downloaded before, whole
  ProgressBar bar;
  DownloadOptions o;
  if (bar.enabled())
    o.progress = [&bar](uint64_t done, uint64_t total) { bar.Update(done, total, 0); };
  Status s = DownloadFile(f.link.url, f.path, o, &f.bytes_fetched);
  bar.Done();
  MERIDIAN_RETURN_IF_ERROR(s);
  if (Status z = CheckZip(f.path, link.kind); !z.ok()) {
    std::remove(f.path.c_str());  // a bad file must not be taken for a whole one next time
    return z;
  }
  return f;
}

// The last day a snapshot's NPPES files cover: the latest end of the
// "period" of its sources ("2005-05-23/2025-11-09" -> 20251109), 0 if none.
int CoveredUntil(const Snapshot& snap) {
  const std::string_view meta = snap.meta_json();
  int best = 0;
  for (size_t at = 0; (at = meta.find("\"period\":\"", at)) != std::string_view::npos;) {
    at += 10;
    size_t end = meta.find('"', at);
    if (end == std::string_view::npos) break;
    std::string_view period = meta.substr(at, end - at);
    size_t slash = period.find('/');
    std::string_view last = slash == std::string_view::npos ? period : period.substr(slash + 1);
    if (last.size() == 10) {
      const std::string digits = std::string(last.substr(0, 4)) + std::string(last.substr(5, 2)) +
                                 std::string(last.substr(8, 2));
      best = std::max(best, std::atoi(digits.c_str()));
    }
  }
  return best;
}

void WriteFetched(JsonWriter* w, const Fetched& f) {
  w->BeginObject();
  w->Field("kind", NppesFileKindName(f.link.kind)).Field("file", f.link.name);
  w->Field("url", f.link.url).Field("path", f.path);
  w->Field("status", f.already_applied ? "already_applied" : "ready");
  w->Key("bytes_fetched").Uint(f.bytes_fetched);
  w->EndObject();
}

// Every record decodes and the invariants hold (as `meridian verify`).
// The opened snapshot is kept: its mapping outlives the rename that swaps it in.
Result<std::unique_ptr<Snapshot>> VerifySnapshot(const std::string& path) {
  auto snap = Snapshot::Open(path);
  if (!snap.ok()) return snap.status();
  MERIDIAN_RETURN_IF_ERROR((*snap)->CheckEveryRecord());
  return snap;
}

}  // namespace

int Commands::Download() {
  const NppesFileKind kind = monthly_              ? NppesFileKind::kMonthly
                             : weekly_             ? NppesFileKind::kWeekly
                             : deactivations_kind_ ? NppesFileKind::kDeactivations
                                                   : NppesFileKind::kMonthly;
  if (!monthly_ && !weekly_ && !deactivations_kind_)
    return Usage("download needs one of --monthly, --weekly, --deactivations");
  if (Status s = MakeDir(to_); !s.ok()) return Fail(s);
  auto links = Listing(from_);
  if (!links.ok()) return Fail(links.status());
  auto newest = NewestOf(*links, kind);
  if (!newest.ok()) return Fail(newest.status());
  auto f = Fetch(*newest, to_);
  if (!f.ok()) return Fail(f.status());
  if (json_) {
    JsonWriter w;
    WriteFetched(&w, *f);
    Print(w.str());
  } else if (f->already_applied) {
    std::printf("%s was already applied (%s/applied.txt); nothing to download\n",
                f->link.name.c_str(), to_.c_str());
  } else {
    std::printf("%s\n", f->path.c_str());
  }
  return kExitOk;
}

int Commands::Refresh() {
  const auto start = std::chrono::steady_clock::now();
  // With a store, once per fleet: another host's refresh holding the lock
  // means this one has nothing to do.
  std::unique_ptr<store::FleetLock> fleet_lock;
  if (!store_.empty() || std::getenv("MERIDIAN_STORE") != nullptr) {
    auto store = OpenMigratedStore();
    if (!store.ok()) return Fail(store.status());
    auto lock = (*store)->TryFleetLock("meridian-refresh");
    if (!lock.ok()) return Fail(lock.status());
    if (*lock == nullptr) {
      JsonWriter w;
      w.BeginObject().Field("status", "skipped");
      w.Field("reason", "another meridian refresh of this store is running").EndObject();
      std::printf("%s\n", w.str().c_str());
      return kExitOk;
    }
    fleet_lock = std::move(lock).value();
  } else if (!publish_to_.empty()) {
    return Usage("--publish-to needs --store (the manifest the fleet follows)");
  }
  const std::string dir = to_.empty() ? DirOf(snapshot_) + "/nppes" : to_;
  if (Status s = MakeDir(dir); !s.ok()) return Fail(s);
  auto links = Listing(from_);
  if (!links.ok()) return Fail(links.status());
  int covered = 0;
  {
    auto base = Snapshot::Open(snapshot_, Snapshot::Verify::kStructure);
    if (!base.ok()) return Fail(base.status());
    covered = CoveredUntil(**base);
  }
  // Every weekly file after what the snapshot covers, oldest first (each one
  // holds only its week's changes, so none may be skipped), then the newest
  // deactivation report.
  std::vector<NppesLink> weeklies;
  for (const NppesLink& l : *links)
    if (l.kind == NppesFileKind::kWeekly && l.date > covered && !IsApplied(dir, l.name))
      weeklies.push_back(l);
  std::stable_sort(weeklies.begin(), weeklies.end(),
                   [](const NppesLink& a, const NppesLink& b) { return a.date < b.date; });
  std::vector<Fetched> files;
  for (const NppesLink& l : weeklies) {
    auto f = Fetch(l, dir);
    if (!f.ok()) return Fail(f.status());
    files.push_back(*f);
  }
  std::optional<Fetched> deact;
  if (auto newest = NewestOf(*links, NppesFileKind::kDeactivations); newest.ok()) {
    auto f = Fetch(*newest, dir);
    if (!f.ok()) return Fail(f.status());
    if (!f->already_applied) deact = *f;
  } else if (newest.status().code() != StatusCode::kNotFound) {
    return Fail(newest.status());
  }

  JsonWriter w;
  w.BeginObject();
  w.Key("covered_until").Int(covered);
  w.Key("files").BeginArray();
  for (const Fetched& f : files) WriteFetched(&w, f);
  if (deact) WriteFetched(&w, *deact);
  w.EndArray();
  if (files.empty() && !deact) {
    w.Field("status", "up_to_date").EndObject();
    if (json_)
      Print(w.str());
    else
      std::printf("%s is up to date: no NPPES file newer than it on %s\n", snapshot_.c_str(),
                  from_.c_str());
    return kExitOk;
  }

  // Each file updates a new snapshot beside the served one; the last is
  // verified, then swapped in.
  IngestSummary sum, step;
  std::vector<IngestError> errors;
  std::string base = snapshot_;
  const std::string out = snapshot_ + ".new";
  for (size_t k = 0; k < files.size() || (k == files.size() && deact && files.empty()); ++k) {
    IngestOptions o;
    o.base_snapshot = base;
    o.out = out + (k % 2 ? ".b" : ".a");
    if (k < files.size()) {
      if (Status s = UseNppesZip(files[k].path, &o); !s.ok()) return Fail(s);
    }
    if (deact && k + 1 >= files.size()) o.deactivations = deact->path;
    std::vector<IngestError> errs;
    if (Status s = Update(o, &step, &errs); !s.ok()) return Fail(s);
    sum.updated += step.updated, sum.added += step.added;
    sum.deactivations_applied += step.deactivations_applied, sum.rejected += step.rejected;
    errors.insert(errors.end(), errs.begin(), errs.end());
    if (base != snapshot_) std::remove(base.c_str());
    base = o.out;
  }
  if (std::rename(base.c_str(), out.c_str()) != 0)
    return Fail(Status::IoError(out + ": " + std::strerror(errno)));
  if (!errors.empty()) {
    const std::string err_path = dir + "/errors_" + std::to_string(std::time(nullptr)) + ".csv";
    if (Status s = WriteErrorsCsv(err_path, errors); !s.ok()) return Fail(s);
    w.Field("errors_file", err_path);
  }
  auto verified = VerifySnapshot(out);
  if (!verified.ok()) {
    std::remove(out.c_str());
    return Fail(
        Status::Corruption("the updated snapshot failed verification, the served one is "
                           "unchanged: " +
                           verified.status().ToString()));
  }
  const Snapshot& fresh = **verified;
  const size_t records = fresh.size();
  // Keep the served file as .prev (a hard link), then rename over it: the
  // path always names a whole snapshot.
  const std::string prev = snapshot_ + ".prev";
  std::remove(prev.c_str());
  if (::link(snapshot_.c_str(), prev.c_str()) != 0 && errno != ENOENT)
    return Fail(Status::IoError(prev + ": " + std::strerror(errno)));
  if (std::rename(out.c_str(), snapshot_.c_str()) != 0)
    return Fail(
        Status::IoError(snapshot_ + ": cannot swap in the new snapshot: " + std::strerror(errno)));
  for (const Fetched& f : files)
    if (Status s = MarkApplied(dir, f.link.name); !s.ok()) return Fail(s);
  if (deact) {
    if (Status s = MarkApplied(dir, deact->link.name); !s.ok()) return Fail(s);
  }
  // The record pass the server runs on a new snapshot (most of its load time
  // at 9 M rows), done here once and saved beside it: the reload and every
  // later start on this snapshot skip it. Best effort, like the server's own.
  {
    std::vector<uint32_t> name_rank;
    OrganizationLinks links;
    const std::string cache = snapshot_ + ".recordpass";
    if (ComputeRecordPass(fresh, &name_rank, &links).ok() &&
        SaveRecordPass(cache, fresh, name_rank, links).ok())
      w.Field("record_pass", cache);
  }
  // Reload a running server.
  int64_t pid = pid_;
  if (pid == 0 && !pidfile_.empty()) {
    std::string text;
    if (Status s = ReadFile(pidfile_, &text); !s.ok()) return Fail(s);
    pid = std::atoll(text.c_str());
  }
  if (pid > 0) {
    if (::kill(static_cast<pid_t>(pid), SIGHUP) != 0)
      return Fail(Status::Unavailable("the snapshot was swapped but server pid " +
                                      std::to_string(pid) +
                                      " could not be told to reload: " + std::strerror(errno)));
    w.Key("reloaded_pid").Int(pid);
  }
  if (!reload_url_.empty()) {
    const char* token = std::getenv("MERIDIAN_ADMIN_TOKEN");
    if (token == nullptr || *token == 0)
      return Fail(Status::InvalidArgument(
          "the snapshot was swapped, but --reload-url needs the admin token in "
          "MERIDIAN_ADMIN_TOKEN"));
    if (Status s = PostWithBearer(reload_url_, token); !s.ok())
      return Fail(Status::Unavailable("the snapshot was swapped but the server did not reload: " +
                                      s.message()));
    w.Field("reloaded_url", reload_url_);
  }
  if (!store_.empty() || std::getenv("MERIDIAN_STORE") != nullptr) {
    auto store = OpenMigratedStore();
    if (!store.ok()) return Fail(store.status());
    auto sha = fleet::Sha256File(snapshot_);
    if (!sha.ok()) return Fail(sha.status());
    store::SnapshotManifest m;
    m.snapshot_id = !files.empty() ? files.back().link.name : deact->link.name;
    m.path = snapshot_, m.sha256 = *sha;
    struct stat st;
    m.bytes = ::stat(snapshot_.c_str(), &st) == 0 ? st.st_size : 0;
    m.created_unix = static_cast<int64_t>(std::time(nullptr));
    if (!publish_to_.empty()) {
      // For the fleet: a content-addressed copy, recorded as the active version.
      auto published = fleet::Publish(snapshot_, publish_to_, store->get(), "meridian refresh");
      if (!published.ok()) return Fail(published.status());
      w.Field("published", published->manifest.snapshot_id);
    } else if (Status s = (*store)->RecordSnapshot(m, "meridian refresh"); !s.ok()) {
      return Fail(s);
    }
    w.Field("sha256", *sha);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  w.Field("status", "updated").Field("snapshot", snapshot_);
  w.Key("records").Uint(records).Key("updated").Uint(sum.updated).Key("added").Uint(sum.added);
  w.Key("deactivations_applied").Uint(sum.deactivations_applied);
  w.Key("rejected").Uint(sum.rejected).Key("seconds").Double(secs, 1);
  w.EndObject();
  if (json_) {
    Print(w.str());
  } else {
    std::string from;
    for (const Fetched& f : files) from += (from.empty() ? "" : " + ") + f.link.name;
    if (deact) from += (from.empty() ? "" : " + ") + deact->link.name;
    std::printf(
        "%s updated from %s: %zu records (%llu updated, %llu added, %llu deactivated, "
        "%llu rejected)%s\n",
        snapshot_.c_str(), from.c_str(), records, static_cast<unsigned long long>(sum.updated),
        static_cast<unsigned long long>(sum.added),
        static_cast<unsigned long long>(sum.deactivations_applied),
        static_cast<unsigned long long>(sum.rejected),
        pid > 0 || !reload_url_.empty() ? "; server reloaded" : "");
  }
  return kExitOk;
}

}  // namespace meridian::cli
