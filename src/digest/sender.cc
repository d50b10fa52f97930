#include "digest/sender.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <thread>

namespace meridian::digest {

namespace {

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string HostName() {
  char host[256] = "";
  ::gethostname(host, sizeof host - 1);
  return host;
}

}  // namespace

std::string LocalOwner() {
  static std::atomic<int> made{0};
  return HostName() + ":" + std::to_string(::getpid()) + ":" + std::to_string(++made);
}

bool LocalOwnerIsDead(const std::string& owner) {
  const size_t colon = owner.find(':');
  if (colon == std::string::npos || owner.substr(0, colon) != HostName()) return false;
  const long pid = std::strtol(owner.c_str() + colon + 1, nullptr, 10);
  return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

Result<SendReport> SendDigest(store::Store* store, Mailer* mailer, const DigestSite& site,
                              const DigestKeys& keys, const WeekIssue& issue,
                              const SendOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  auto now = [&] { return options.now ? options.now() : static_cast<int64_t>(std::time(nullptr)); };
  SendReport report;
  const std::string& week = issue.week.id;
  auto lease = store->LeaseDigest(week, options.owner, now(), options.lease_seconds);
  if (!lease.ok()) return lease.status();
  if (!*lease && options.owner_is_dead) {
    auto holder = store->DigestLeaseOwner(week);
    if (!holder.ok()) return holder.status();
    if (!holder->empty() && options.owner_is_dead(*holder))
      lease = store->LeaseDigest(week, options.owner, now(), options.lease_seconds, *holder);
    if (!lease.ok()) return lease.status();
  }
  if (!*lease) return report;
  report.lease_held = true;
  auto purged = store->PurgePending(now() - kConfirmSeconds);
  if (!purged.ok()) return purged.status();
  report.purged_pending = *purged;

  const auto interval = options.rate_per_second > 0
                            ? std::chrono::duration<double>(1.0 / options.rate_per_second)
                            : std::chrono::duration<double>(0);
  auto next_send = std::chrono::steady_clock::now();
  int64_t after = 0;
  for (;;) {
    auto batch = store->ActiveSubscribers(after, options.batch);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) break;
    after = batch->back().id;
    // Still ours? (A run that stalled past its lease stops here.)
    auto renewed = store->LeaseDigest(week, options.owner, now(), options.lease_seconds);
    if (!renewed.ok()) return renewed.status();
    if (!*renewed) return Status::Unavailable("another server took over the digest for " + week);
    for (const store::Subscriber& s : *batch) {
      ++report.subscribers;
      const std::string id = DigestMessageId(site, week, s.email_hash);
      auto claim = store->ClaimSend(week, s.email_hash, id, now());
      if (!claim.ok()) return claim.status();
      if (claim->status != "claimed") {
        ++report.already_done;
        continue;
      }
      auto suppressed = store->IsSuppressed(s.email_hash);
      if (!suppressed.ok()) return suppressed.status();
      if (*suppressed) {
        MERIDIAN_RETURN_IF_ERROR(
            store->FinishSend(week, s.email_hash, "suppressed", "address suppressed", now()));
        ++report.suppressed;
        continue;
      }
      const auto t_compose = std::chrono::steady_clock::now();
      const MailMessage m = ComposeDigest(site, keys, issue, s, now(), &report.near_seconds);
      const std::string bytes = RenderMime(m);
      report.compose_seconds += Since(t_compose);
      auto backoff = options.backoff;
      MailResult r;
      for (int attempt = 1;; ++attempt) {
        if (interval.count() > 0) {
          std::this_thread::sleep_until(next_send);
          next_send = std::max(next_send, std::chrono::steady_clock::now()) +
                      std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval);
        }
        const auto t_send = std::chrono::steady_clock::now();
        r = mailer->Send(site.from_address, s.email, bytes);
        report.send_seconds += Since(t_send);
        if (r.kind != MailResult::kTemporary || attempt >= options.max_attempts) break;
        ++report.retries;
        std::this_thread::sleep_for(backoff);
        backoff *= 2;
      }
      switch (r.kind) {
        case MailResult::kSent:
          MERIDIAN_RETURN_IF_ERROR(store->FinishSend(week, s.email_hash, "sent", "", now()));
          ++report.sent;
          break;
        case MailResult::kPermanent:
          MERIDIAN_RETURN_IF_ERROR(store->FinishSend(week, s.email_hash, "failed", r.reply, now()));
          MERIDIAN_RETURN_IF_ERROR(
              store->RecordPermanentFailure(s.email_hash, r.reply, options.suppress_after, now()));
          ++report.failed;
          break;
        case MailResult::kTemporary:
          // Stays claimed: the next run tries it again.
          MERIDIAN_RETURN_IF_ERROR(
              store->FinishSend(week, s.email_hash, "claimed", r.reply, now()));
          ++report.deferred;
          break;
      }
    }
  }
  if (report.deferred == 0) MERIDIAN_RETURN_IF_ERROR(store->FinishDigest(week, now()));
  report.seconds = Since(start);
  return report;
}

}  // namespace meridian::digest
