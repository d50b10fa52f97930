// meridian publish: put a snapshot where a fleet's servers fetch it, and
// make it the store's active version (or roll back to the one before).
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
  publish_->add_flag("--json", json_, "print a JSON summary");
}

int Commands::Publish() {
  auto store = OpenMigratedStore();
  if (!store.ok()) return Fail(store.status());
  JsonWriter w;
  w.BeginObject();
  if (rollback_) {
    if (!snapshot_.empty() || !to_.empty())
      return Usage("--rollback takes only --store (the files are published already)");
    auto back = (*store)->RollbackSnapshot("meridian publish --rollback");
    if (!back.ok()) return Fail(back.status());
    w.Field("status", "rolled_back").Field("active", back->snapshot_id);
    w.Field("sha256", back->sha256).Field("path", back->path);
  } else {
    if (snapshot_.empty() || to_.empty()) return Usage("publish needs --snapshot and --to");
    auto out = fleet::Publish(snapshot_, to_, store->get(), "meridian publish");
    if (!out.ok()) return Fail(out.status());
    const store::SnapshotManifest& m = out->manifest;
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
