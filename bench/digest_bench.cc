// Digest benchmark: builds and sends one week's digest to N subscribers
// over SMTP (a local aiosmtpd server started by bench/digest.sh), and
// reports how the time splits: the snapshot diff ("what changed this
// week"), composing (of which "new near you"), and sending (SMTP plus the
// store's claim and mark per message).
//
//   bench_digest SNAPSHOT PREVIOUS STORE_URL SMTP_URL SUBSCRIBERS
//
// Subscribers are drawn where providers practise (a random provider's ZIP,
// so dense metros weigh as their share), radius 5-50 miles, half with one
// kind of care.
#include <chrono>
#include <cstdio>
#include <random>

#include "content/content.h"
#include "digest/changes.h"
#include "digest/sender.h"
#include "knowledge/knowledge_base.h"
#include "snapshot/snapshot.h"

using namespace meridian;

namespace {

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: bench_digest SNAPSHOT PREVIOUS STORE_URL SMTP_URL SUBSCRIBERS\n");
    return 2;
  }
  const int n = std::atoi(argv[5]);
  auto after = Snapshot::Open(argv[1]);
  auto before = Snapshot::Open(argv[2]);
  if (!after.ok() || !before.ok()) {
    std::fprintf(stderr, "cannot open the snapshots\n");
    return 1;
  }
  auto store = store::Store::Open(argv[3]);
  if (!store.ok() || !(*store)->Migrate().ok()) {
    std::fprintf(stderr, "cannot open the store\n");
    return 1;
  }
  auto keys = digest::DigestKeys::Load(store->get());
  if (!keys.ok()) return 1;
  // Subscribers where providers practise.
  const auto t_seed = std::chrono::steady_clock::now();
  std::mt19937_64 rng(11);
  const auto& mods = ModalityMap::Embedded().modalities();
  const int radii[] = {5, 10, 25, 50};
  for (int i = 0; i < n; ++i) {
    Record r;
    std::string zip;
    while (zip.size() < 5) {
      const size_t row = rng() % (*after)->size();
      if ((*after)->GetRecord(row, &r).ok()) zip = r.practice.address.postal_code.substr(0, 5);
    }
    store::Subscriber s, got;
    s.email = "reader" + std::to_string(i) + "@example.org";
    s.email_hash = keys->EmailHash(s.email);
    s.place = zip;
    s.radius_miles = radii[rng() % 4];
    if (rng() % 2 == 0) s.care = mods[rng() % mods.size()].id;
    auto sig = (*store)->Signup(s, {.action = "subscribe"}, 1, 3, 3600, &got);
    if (!sig.ok() || !(*store)->ConfirmSubscriber(got.id, {.action = "confirm"}, 2).ok()) {
      std::fprintf(stderr, "seeding failed at %d\n", i);
      return 1;
    }
  }
  const double seed_s = Since(t_seed);
  auto kb = KnowledgeBase::LoadEmbedded();
  const auto t_diff = std::chrono::steady_clock::now();
  auto changes = digest::WeekChanges::Diff(before->get(), **after, ModalityMap::Embedded(), &*kb);
  if (!changes.ok()) return 1;
  const double diff_s = Since(t_diff);
  std::vector<content::ContentIssue> issues;
  content::ContentRules rules;
  for (const Modality& m : mods) rules.modalities.push_back(m.id);
  auto lib =
      content::ContentLibrary::Build(content::ContentLibrary::EmbeddedFiles(), rules, &issues);
  const digest::WeekIssue issue = digest::MakeWeekIssue(
      *digest::ParseWeek("2026-W49"), *lib, &*changes, ModalityMap::Embedded(), after->get());
  digest::SmtpMailer mailer({.url = argv[4]});
  digest::SendOptions o{.owner = digest::LocalOwner(), .rate_per_second = 0};
  auto report = digest::SendDigest(store->get(), &mailer,
                                   digest::SiteFor("https://care.example.org"), *keys, issue, o);
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.status().ToString().c_str());
    return 1;
  }
  const double total = diff_s + report->seconds;
  std::printf(
      "| subscribers | changes this week | sent | failed | build and send | messages/s | diff | "
      "compose (new near you) | SMTP send | store claim+mark | seeding |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  const double store_s = report->seconds - report->compose_seconds - report->send_seconds;
  std::printf(
      "| %d | %zu | %zu | %zu | %.1f s | %.0f | %.2f s | %.1f s (%.1f s = %.1f%% of all) | %.1f s "
      "| %.1f s | %.0f s |\n",
      n, changes->changes().size(), report->sent, report->failed, total,
      report->sent / report->seconds, diff_s, report->compose_seconds, report->near_seconds,
      100.0 * report->near_seconds / total, report->send_seconds, store_s, seed_s);
  return report->sent == static_cast<size_t>(n) ? 0 : 1;
}
