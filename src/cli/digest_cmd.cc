// meridian digest send | preview: the weekly digest from the command line.
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "cli/commands.h"
#include "digest/changes.h"
#include "digest/compose.h"
#include "digest/sender.h"
#include "http/articles.h"
#include "knowledge/knowledge_base.h"
#include "query/places.h"
#include "util/json.h"

namespace meridian::cli {

void Commands::RegisterDigest(CLI::App* app) {
  auto* digest_cmd = app->add_subcommand("digest", "The weekly digest by email");
  digest_cmd->require_subcommand(1);
  digest_send_ = digest_cmd->add_subcommand(
      "send", "Send the week's digest to every confirmed subscriber, each at most once");
  digest_preview_ = digest_cmd->add_subcommand(
      "preview", "Print the week's digest for one subscriber (or a sample one) for review");
  for (CLI::App* c : {digest_send_, digest_preview_}) {
    c->add_option("--store", store_, "sqlite:PATH or a postgresql:// connection string");
    c->add_option("--week", week_, "the ISO week, e.g. 2026-W49 (default: this week)");
    c->add_option("--snapshot", snapshot_,
                  "the snapshot after the week's update (default: the store's active one)");
    c->add_option("--previous", previous_,
                  "the snapshot before it, for \"new near you\" (default: the store's previous "
                  "one)");
    c->add_option("--content", content_dir_, "articles and authors (default: the shipped content)");
    c->add_option("--public-url", public_url_,
                  "the site's address for links (default http://127.0.0.1:8080)");
  }
  digest_send_->add_option("--smtp", smtp_,
                           "smtp://HOST[:PORT] (STARTTLS) or smtps://HOST[:PORT] (default: .eml "
                           "files, see --mail-dir)");
  digest_send_->add_option("--smtp-credentials", smtp_credentials_,
                           "a file with username= and password= lines");
  digest_send_->add_option("--mail-dir", mail_dir_,
                           "without --smtp: write .eml files here (default: mail/ beside the "
                           "SQLite store)");
  digest_send_->add_option("--rate", digest_rate_, "messages per second at most (default 50)");
  digest_send_->add_flag("--json", json_, "print a JSON summary");
  digest_preview_->add_option("--subscriber", subscriber_,
                              "a subscriber's email address (default: a sample subscriber)");
  digest_preview_->add_flag("--mime", mime_, "print the whole MIME message, not the text part");
}

int Commands::DigestSend(bool preview) {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  digest::Week week = digest::WeekOf(now);
  if (!week_.empty()) {
    auto w = digest::ParseWeek(week_);
    if (!w.ok()) return Usage(w.status().message());
    week = *w;
  }
  auto store = OpenMigratedStore();
  if (!store.ok()) return Fail(store.status());
  // The snapshots: given, or the two newest the store's manifest knows.
  std::string after_path = snapshot_, before_path = previous_;
  if (after_path.empty() || before_path.empty()) {
    auto listed = (*store)->ListSnapshots(2);
    if (!listed.ok()) return Fail(listed.status());
    if (after_path.empty() && !listed->empty()) after_path = (*listed)[0].path;
    if (before_path.empty() && listed->size() > 1 && (*listed)[0].path == after_path)
      before_path = (*listed)[1].path;
  }
  if (after_path.empty())
    return Usage("no snapshot: pass --snapshot (the store's manifest lists none)");
  auto after = Snapshot::Open(after_path);
  if (!after.ok()) return Fail(after.status());
  std::unique_ptr<Snapshot> before;
  if (!before_path.empty()) {
    auto b = Snapshot::Open(before_path);
    if (!b.ok()) return Fail(b.status());
    before = std::move(b).value();
  }
  auto kb = KnowledgeBase::LoadEmbedded();
  if (!kb.ok()) return Fail(kb.status());
  const auto t_diff = std::chrono::steady_clock::now();
  auto changes = digest::WeekChanges::Diff(before.get(), **after, ModalityMap::Embedded(), &*kb);
  if (!changes.ok()) return Fail(changes.status());
  const double diff_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_diff).count();
  std::vector<content::ContentIssue> issues;
  auto lib = LoadContent(content_dir_, &issues);
  if (!lib.ok()) return Fail(lib.status());
  auto keys = digest::DigestKeys::Load(store->get());
  if (!keys.ok()) return Fail(keys.status());
  const digest::DigestSite site =
      digest::SiteFor(public_url_.empty() ? "http://127.0.0.1:8080" : public_url_);
  const digest::WeekIssue issue =
      digest::MakeWeekIssue(week, **lib, &*changes, ModalityMap::Embedded(), after->get());

  if (preview) {
    store::Subscriber s;
    if (!subscriber_.empty()) {
      const std::string email = digest::NormalizeEmail(subscriber_);
      if (email.empty()) return Usage("--subscriber: not an email address");
      auto found = (*store)->FindSubscriber(keys->EmailHash(email));
      if (!found.ok()) return Fail(found.status().WithMessage("no subscriber " + email));
      s = *found;
    } else {
      s.email = "reader@example.org";
      s.email_hash = keys->EmailHash(s.email);
      s.status = "active";
      if ((*after)->size() > 0) {
        // A sample place: where the newest change is, else a listed place.
        if (!changes->changes().empty()) {
          const auto& c = changes->changes().front();
          s.place = c.place;
        } else if (!(*after)->places().empty()) {
          s.place = PlaceLabel(**after, (*after)->places().front());
        }
      }
      s.radius_miles = 25;
    }
    const digest::MailMessage m = digest::ComposeDigest(site, *keys, issue, s, now);
    std::fputs(mime_
                   ? digest::RenderMime(m).c_str()
                   : ("Subject: " + m.subject + "\nTo: " + m.to_address + "\n\n" + m.text).c_str(),
               stdout);
    return kExitOk;
  }

  auto mailer = digest::MakeMailer(smtp_, smtp_credentials_, mail_dir_, StoreUrl());
  if (!mailer.ok()) return Fail(mailer.status());
  std::fprintf(stderr, "meridian: digest %s: mail goes to %s\n", week.id.c_str(),
               (*mailer)->Describe().c_str());
  digest::SendOptions o;
  o.owner = digest::LocalOwner();
  o.rate_per_second = digest_rate_;
  // A lease held by a process of this host that no longer runs (killed):
  // taken over at once rather than after it lapses.
  o.owner_is_dead = digest::LocalOwnerIsDead;
  // One sender per fleet at a time: the store's fleet lock (a PostgreSQL
  // advisory lock) saves the others the work. Correctness does not rest on
  // it: the week's lease and the per-subscriber claims are unique rows.
  auto lock = (*store)->TryFleetLock("meridian-digest-send");
  if (!lock.ok()) return Fail(lock.status());
  Result<digest::SendReport> report = digest::SendReport{};
  if (*lock == nullptr)
    std::fprintf(stderr, "meridian: digest %s: another server is sending; nothing to do here\n",
                 week.id.c_str());
  else
    report = digest::SendDigest(store->get(), mailer->get(), site, *keys, issue, o);
  if (!report.ok()) return Fail(report.status());
  if (json_) {
    JsonWriter w;
    w.BeginObject().Field("week", week.id).Key("lease_held").Bool(report->lease_held);
    w.Key("subscribers").Uint(report->subscribers).Key("sent").Uint(report->sent);
    w.Key("already_done").Uint(report->already_done).Key("failed").Uint(report->failed);
    w.Key("suppressed").Uint(report->suppressed).Key("deferred").Uint(report->deferred);
    w.Key("retries").Uint(report->retries).Key("purged_pending").Int(report->purged_pending);
    w.Key("changes")
        .Uint(changes->changes().size())
        .Key("deactivated")
        .Uint(changes->deactivated());
    w.Key("seconds").Double(report->seconds, 4).Key("diff_seconds").Double(diff_seconds, 4);
    w.Key("compose_seconds").Double(report->compose_seconds, 4);
    w.Key("near_seconds").Double(report->near_seconds, 4);
    w.Key("send_seconds").Double(report->send_seconds, 4).EndObject();
    std::printf("%s\n", w.str().c_str());
  } else if (!report->lease_held) {
    std::printf("digest %s: another server is sending it; nothing done\n", week.id.c_str());
  } else {
    std::printf(
        "digest %s: %zu sent, %zu already sent, %zu failed, %zu suppressed, %zu left for the "
        "next run (%zu subscribers, %.1f s)\n",
        week.id.c_str(), report->sent, report->already_done, report->failed, report->suppressed,
        report->deferred, report->subscribers, report->seconds);
  }
  return report->deferred == 0 ? kExitOk : kExitFatal;
}

}  // namespace meridian::cli
