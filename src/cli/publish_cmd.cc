// meridian publish: put a snapshot where a fleet's servers fetch it, and
// make it the store's active version (or stage it, activate a staged one,
// or roll back to the one before).
#include "cli/commands.h"
#include "fleet/publish.h"
#include "util/json.h"

namespace meridian::cli {

void Commands::RegisterPublish(CLI::App* app) {
  publish_ = app->add_subcommand(
      "publish",
      "Copy a verified snapshot under a content-addressed name into a directory that servers "
      "fetch from, and make it the store's active snapshot (servers with serve --follow swap it "
      "in)");
  publish_->add_option("--snapshot", snapshot_, "the snapshot to publish");
  publish_->add_option("--store", store_, "the fleet's store (a postgresql:// string, or sqlite:)");
  publish_->add_option("--to", to_, "the directory served to the fleet");
  publish_->add_flag("--rollback", rollback_,
                     "make the snapshot published before the active one active again");
  publish_->add_flag("--stage", stage_,
                     "two-phase: publish and record the snapshot as staged; servers fetch and "
                     "check it but serve it only after --activate");
  publish_->add_option("--activate", activate_,
                       "make the recorded snapshot NAME (e.g. a staged one) active");
  publish_->add_flag("--json", json_, "print a JSON summary");
}

int Commands::Publish() {
  auto store = OpenMigratedStore();
  if (!store.ok()) return Fail(store.status());
  JsonWriter w;
  w.BeginObject();
  if (rollback_ + !activate_.empty() + stage_ > 1)
    return Usage("use one of --rollback, --activate and --stage");
  if (!activate_.empty()) {
    if (!snapshot_.empty() || !to_.empty())
      return Usage("--activate takes only --store (the file is published already)");
    auto on = (*store)->ActivateSnapshotNamed(activate_, "meridian publish --activate");
    if (!on.ok()) return Fail(on.status());
    w.Field("status", "activated").Field("active", on->snapshot_id);
    w.Field("sha256", on->sha256).Field("path", on->path);
  } else if (rollback_) {
    if (!snapshot_.empty() || !to_.empty())
      return Usage("--rollback takes only --store (the files are published already)");
    auto back = (*store)->RollbackSnapshot("meridian publish --rollback");
    if (!back.ok()) return Fail(back.status());
    w.Field("status", "rolled_back").Field("active", back->snapshot_id);
    w.Field("sha256", back->sha256).Field("path", back->path);
  } else {
    if (snapshot_.empty() || to_.empty()) return Usage("publish needs --snapshot and --to");
    auto out = fleet::Publish(snapshot_, to_, store->get(), "meridian publish", stage_);
    if (!out.ok()) return Fail(out.status());
    const store::SnapshotManifest& m = out->manifest;
    if (stage_)
      w.Field("status", "staged").Field("staged", m.snapshot_id);
    else
      w.Field("status", "published").Field("active", m.snapshot_id);
    w.Field("sha256", m.sha256).Field("path", m.path);
    w.Key("bytes").Int(m.bytes).Key("copied").Bool(out->copied);
  }
  w.EndObject();
  if (json_)
    std::printf("%s\n", w.str().c_str());
  else
    std::fprintf(stderr, "meridian: %s\n", w.str().c_str());
  return kExitOk;
}

}  // namespace meridian::cli
