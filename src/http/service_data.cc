// Service: the dataset's life (load, reload, the corrections laid over it)
// and the digest started with the server. The request path is in
// service.cc, the metrics and access log in service_metrics.cc.
#include <malloc.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "digest/changes.h"
#include "digest/scheduler.h"
#include "digest/sender.h"
#include "fhir/bulk.h"
#include "geo/gazetteer.h"
#include "http/admin.h"
#include "http/articles.h"
#include "http/digest_pages.h"
#include "http/service.h"

namespace meridian {

std::string Dataset::version() const {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Result<std::unique_ptr<Dataset>> Dataset::Load(const std::string& path,
                                               const CorrectionMap* corrections,
                                               const std::string& content_dir) {
  auto d = std::make_unique<Dataset>();
  d->path = path;
  std::vector<content::ContentIssue> issues;  // warnings: the console shows reviews due
  auto content = LoadContent(content_dir, &issues);
  if (!content.ok()) return content.status();
  d->content = std::move(content).value();
  auto snap = Snapshot::Open(path);  // checks every section's checksum
  if (!snap.ok()) return snap.status();
  d->snap = std::move(snap).value();
  auto kb = KnowledgeBase::LoadEmbedded();
  if (!kb.ok()) return kb.status();
  d->knowledge = std::move(kb).value();
  auto guide = Guide::LoadEmbedded(d->knowledge);
  if (!guide.ok()) return guide.status();
  d->guide = std::make_unique<Guide>(std::move(guide).value());
  // Everything a request reads is built here (the index with its name order
  // and organization links), before the dataset serves.
  auto index = SearchIndex::Build(
      *d->snap, ModalityMap::Embedded(), &d->knowledge, SearchIndex::RecordPass::kBuild,
      corrections != nullptr ? OverridesFor(*d->snap, *corrections) : LocationOverrides{},
      path + ".recordpass");
  if (!index.ok()) return index.status();
  if (corrections != nullptr) d->location_key = LocationKey(*corrections);
  d->index = std::move(index).value();
  d->loaded_at = std::chrono::system_clock::now();
  return d;
}

namespace {

// Owns a loaded dataset. When the last request reading an old one ends, its
// memory (hundreds of MB at 9 M providers: the index, the name order) goes
// back to the system, not only to malloc's free lists, so each reload does
// not leave the heap a dataset larger.
std::shared_ptr<const Dataset> Share(std::unique_ptr<Dataset> d) {
  return std::shared_ptr<const Dataset>(d.release(), [](const Dataset* old) {
    delete old;
#ifdef __GLIBC__
    ::malloc_trim(0);
#endif
  });
}

}  // namespace

Result<std::unique_ptr<Service>> Service::Create(const ServiceOptions& options) {
  std::unique_ptr<Service> s(new Service(options));
  s->stats_ = std::make_unique<RouteStats[]>(static_cast<size_t>(RouteId::kCount));
  const std::string url = !options.store.empty()     ? options.store
                          : !options.reports.empty() ? "sqlite:" + options.reports
                                                     : "";
  if (!url.empty()) {
    auto store = store::Store::Open(url);
    if (!store.ok()) return store.status();
    Status migrated = (*store)->CheckMigrated();
    if (migrated.code() == StatusCode::kFailedPrecondition) return migrated;
    if (!migrated.ok() && options.error_log != nullptr)
      std::fprintf(options.error_log,
                   "meridian: the store is not reachable now (%s); pages that write answer 503 "
                   "until it is back\n",
                   migrated.ToString().c_str());
    s->store_ = std::move(store).value();
  }
  s->corrections_ = std::make_unique<CorrectionCache>(s->store_.get(), options.corrections_max_age);
  (void)s->corrections_->Reload();  // at start, waiting is fine (down: none until it is back)
  auto fixes = s->corrections_->Current();
  auto d = Dataset::Load(options.snapshot, fixes.get(), options.content_dir);
  if (!d.ok()) return d.status();
  (*d)->search.budget = options.search_budget;
  s->data_ = Share(std::move(d).value());
  s->seen_ = fixes;
  s->seen_raw_ = fixes.get();
  s->console_ = std::make_unique<AdminConsole>(s->store_.get(), s->corrections_.get());
  MERIDIAN_RETURN_IF_ERROR(s->StartDigest());
  if (s->store_ != nullptr) (void)FlagChangedCorrections(s->store_.get(), *s->data_);
  // Made on the first export; one directory per server process and Service.
  s->bulk_dir_ = !options.fhir_export_dir.empty()
                     ? options.fhir_export_dir
                     : (std::filesystem::temp_directory_path() /
                        ("meridian-fhir-export-" + std::to_string(::getpid()) + "-" +
                         std::to_string(reinterpret_cast<uintptr_t>(s.get()))))
                           .string();
  s->bulk_ = std::make_unique<fhir::BulkExports>(s->bulk_dir_);
  // The built-in gazetteer (what a search by town reads) is parsed on first
  // use, 0.1-0.3 s: do it now, after the load (so readiness does not wait
  // for it), and the first search by town does not wait either.
  s->warm_ = std::thread([] { (void)Gazetteer::Embedded(); });
  return s;
}

Status Service::StartDigest() {
  std::unique_ptr<digest::Subscriptions> subs;
  std::unique_ptr<digest::Outbox> outbox;
  if (store_ != nullptr) {
    const std::string url = !options_.store.empty() ? options_.store : "sqlite:" + options_.reports;
    auto made =
        digest::MakeMailer(options_.smtp_url, options_.smtp_credentials, options_.mail_dir, url);
    if (!made.ok()) return made.status();
    std::unique_ptr<digest::Mailer> mailer = std::move(made).value();
    if (options_.error_log != nullptr)
      std::fprintf(options_.error_log, "meridian: digest mail goes to %s\n",
                   mailer->Describe().c_str());
    auto keys = digest::DigestKeys::Load(store_.get());
    if (keys.ok()) {
      outbox = std::make_unique<digest::Outbox>(std::move(mailer));
      const std::string base = !options_.mail_base_url.empty() ? options_.mail_base_url
                               : !options_.public_url.empty()  ? options_.public_url
                                                               : "http://127.0.0.1:8080";
      digest_site_ = digest::SiteFor(base);
      digest_owner_ = digest::LocalOwner();
      subs = std::make_unique<digest::Subscriptions>(store_.get(), std::move(keys).value(),
                                                     digest_site_, outbox.get());
    } else if (options_.error_log != nullptr) {
      std::fprintf(options_.error_log, "meridian: the digest is off until the store answers (%s)\n",
                   keys.status().ToString().c_str());
    }
  }
  digest_ = std::make_unique<DigestPages>(std::move(outbox), std::move(subs));
  if (!options_.digest_schedule.empty()) {
    auto schedule = digest::Schedule::Parse(options_.digest_schedule);
    if (!schedule.ok()) return schedule.status();
    if (!digest_->on())
      return Status::FailedPrecondition("a digest schedule needs a store (--store)");
    store::Store* store = store_.get();
    scheduler_ = std::make_unique<digest::Scheduler>(
        *schedule, [store](const digest::Week& w) { return store->DigestFinished(w.id); },
        [this](const digest::Week& w) { return RunDigest(w.id); }, options_.error_log);
    scheduler_->Start();
    console_->set_digest_next(
        [this] { return scheduler_->Next(static_cast<int64_t>(std::time(nullptr))); });
  }
  return Status::OK();
}

Status Service::RunDigest(const std::string& week_id) {
  auto week = digest::ParseWeek(week_id);
  if (!week.ok()) return week.status();
  std::shared_ptr<const Dataset> d = data();
  // Last week's snapshot: the store's manifest's previous one, if its file is still there.
  std::unique_ptr<Snapshot> before;
  auto listed = store_->ListSnapshots(2);
  if (listed.ok() && listed->size() == 2) {
    auto b = Snapshot::Open((*listed)[1].path);
    if (b.ok()) before = std::move(b).value();
  }
  auto changes =
      digest::WeekChanges::Diff(before.get(), *d->snap, ModalityMap::Embedded(), &d->knowledge);
  if (!changes.ok()) return changes.status();
  const digest::WeekIssue issue =
      digest::MakeWeekIssue(*week, *d->content, &*changes, ModalityMap::Embedded(), d->snap.get());
  const std::string url = !options_.store.empty() ? options_.store : "sqlite:" + options_.reports;
  auto mailer =
      digest::MakeMailer(options_.smtp_url, options_.smtp_credentials, options_.mail_dir, url);
  if (!mailer.ok()) return mailer.status();
  auto keys = digest::DigestKeys::Load(store_.get());
  if (!keys.ok()) return keys.status();
  digest::SendOptions o;
  o.owner = digest_owner_;
  o.owner_is_dead = digest::LocalOwnerIsDead;
  auto report = digest::SendDigest(store_.get(), mailer->get(), digest_site_, *keys, issue, o);
  if (!report.ok()) return report.status();
  if (options_.error_log != nullptr && report->lease_held)
    std::fprintf(options_.error_log,
                 "meridian: digest %s: %zu sent, %zu failed, %zu suppressed, %zu left for later\n",
                 week_id.c_str(), report->sent, report->failed, report->suppressed,
                 report->deferred);
  return report->deferred == 0 ? Status::OK()
                               : Status::Unavailable(std::to_string(report->deferred) +
                                                     " messages could not be sent yet");
}

std::vector<store::Correction> Service::CorrectionsFor(const std::string& npi_text) {
  uint32_t npi = 0;
  if (!ParseNpi(npi_text, &npi)) return {};
  auto all = corrections_->Current();
  auto it = all->find(npi);
  return it == all->end() ? std::vector<store::Correction>{} : it->second;
}

Service::Service(const ServiceOptions& o) : options_(o), limiter_(o.rate_per_second, o.rate_burst) {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(rd()));
  request_id_prefix_ = buf;
}
Service::~Service() {
  if (warm_.joinable()) warm_.join();
  {
    std::lock_guard<std::mutex> lock(rebuild_mu_);
    if (rebuild_.joinable()) rebuild_.join();
  }
  bulk_.reset();  // stops and deletes the exports
  std::error_code ec;
  if (options_.fhir_export_dir.empty() && !bulk_dir_.empty())
    std::filesystem::remove(bulk_dir_, ec);  // only when empty
}

std::shared_ptr<const CorrectionMap> Service::SearchCorrections(const Dataset& d) {
  std::shared_ptr<const CorrectionMap> fixes = corrections_->Current();
  // The common case, without a lock: the same copy as last time (seen_
  // keeps that copy alive, so its address cannot be reused meanwhile).
  if (fixes.get() == seen_raw_.load(std::memory_order_acquire)) return fixes;
  std::lock_guard<std::mutex> lock(rebuild_mu_);
  if (fixes == seen_) return fixes;  // nothing new since the last look
  seen_ = fixes;
  seen_raw_.store(fixes.get(), std::memory_order_release);
  if (LocationKey(*fixes) == d.location_key || rebuilding_.exchange(true)) return fixes;
  // A listing moved (or left): rebuild the index in the background; the
  // current one serves until the new one is ready.
  if (rebuild_.joinable()) rebuild_.join();
  rebuild_ = std::thread([this] {
    (void)Reload();
    rebuilding_ = false;
  });
  return fixes;
}

std::shared_ptr<const Dataset> Service::data() const {
  std::lock_guard<std::mutex> lock(data_mu_);
  return data_;
}

Status Service::Reload() {
  std::lock_guard<std::mutex> one_at_a_time(reload_mu_);
  return LoadLocked(options_.snapshot);
}

Status Service::LoadSnapshot(const std::string& path) {
  std::lock_guard<std::mutex> one_at_a_time(reload_mu_);
  MERIDIAN_RETURN_IF_ERROR(LoadLocked(path));
  options_.snapshot = path;
  return Status::OK();
}

Status Service::LoadLocked(const std::string& path) {
  (void)corrections_->Reload();  // a reload reads the corrections afresh too
  auto d = Dataset::Load(path, corrections_->Current().get(), options_.content_dir);
  if (!d.ok()) {
    ++reloads_failed_;
    return d.status();
  }
  (*d)->search.budget = options_.search_budget;
  std::shared_ptr<const Dataset> fresh = Share(std::move(d).value());
  {
    std::lock_guard<std::mutex> lock(data_mu_);
    data_.swap(fresh);
  }
  ++reloads_ok_;
  // Corrections whose field NPPES has changed since go back to an editor.
  if (store_ != nullptr) (void)FlagChangedCorrections(store_.get(), *data());
  (void)corrections_->Reload();
  return Status::OK();  // `fresh` (the old data) goes when its last request ends
}

}  // namespace meridian
