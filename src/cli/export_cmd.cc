// meridian export fhir: the snapshot as FHIR R4 NDJSON, one file per type.
#include <chrono>
#include <cstdio>

#include "cli/commands.h"
#include "cli/progress.h"
#include "fhir/export.h"
#include "hsds/export.h"
#include "knowledge/knowledge_base.h"
#include "util/json.h"

namespace meridian::cli {

void Commands::RegisterExport(CLI::App* app) {
  auto* export_cmd = app->add_subcommand("export", "Export the directory in standard formats");
  export_cmd->require_subcommand(1);
  export_fhir_ = export_cmd->add_subcommand(
      "fhir", "FHIR R4 NDJSON (Bulk Data format), one file per resource type, streamed");
  export_fhir_->add_option("--snapshot", snapshot_)->required();
  export_fhir_->add_option("--out", out_, "the directory to write into")->required();
  export_fhir_->add_option("--type", export_types_,
                           "resource types, comma-separated (default: Practitioner, "
                           "PractitionerRole, Organization, Location, Endpoint)");
  export_fhir_->add_flag("--json", json_, "print a JSON summary");
  export_hsds_ = export_cmd->add_subcommand(
      "hsds", "Open Referral HSDS 3.0: CSV tables, datapackage.json and JSON in one ZIP");
  export_hsds_->add_option("--snapshot", snapshot_)->required();
  export_hsds_->add_option("--out", out_, "the ZIP file to write")->required();
  export_hsds_->add_flag("--json", json_, "print a JSON summary");
}

int Commands::ExportHsds() {
  auto snap = Snapshot::Open(snapshot_);
  if (!snap.ok()) return Fail(snap.status());
  auto knowledge = KnowledgeBase::LoadEmbedded();
  if (!knowledge.ok()) return Fail(knowledge.status());
  // The modality masks (dry-needling state rules included) are all it needs.
  auto index = SearchIndex::Build(**snap, ModalityMap::Embedded(), &*knowledge,
                                  SearchIndex::RecordPass::kSkip);
  if (!index.ok()) return Fail(index.status());
  ProgressBar bar;
  const size_t rows = (*snap)->size();
  const auto t0 = std::chrono::steady_clock::now();
  auto sum = hsds::ExportHsds(**index, out_, [&](size_t done) { bar.Update(done, rows, done); });
  bar.Done();
  if (!sum.ok()) return Fail(sum.status());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (json_) {
    JsonWriter w;
    w.BeginObject().Field("path", out_).Key("providers").Uint(sum->providers);
    w.Key("seconds").Double(secs, 3).Key("rows").BeginObject();
    for (const auto& [file, n] : sum->rows) w.Key(file).Uint(n);
    w.EndObject().EndObject();
    std::printf("%s\n", w.str().c_str());
  } else {
    for (const auto& [file, n] : sum->rows)
      std::printf("%-30s %12llu rows\n", file.c_str(), static_cast<unsigned long long>(n));
    std::printf("%llu providers written to %s in %.1f s\n",
                static_cast<unsigned long long>(sum->providers), out_.c_str(), secs);
  }
  return kExitOk;
}

int Commands::ExportFhir() {
  auto snap = Snapshot::Open(snapshot_);
  if (!snap.ok()) return Fail(snap.status());
  fhir::ExportOptions o;
  o.out_dir = out_;
  o.release_pages = true;
  if (!export_types_.empty()) {
    auto types = fhir::ParseTypeList(export_types_);
    if (!types.ok()) return Usage("--type: " + types.status().message());
    o.types = *types;
  }
  ProgressBar bar;
  const size_t rows = (*snap)->size();
  o.progress = [&](size_t done) { bar.Update(done, rows, done); };
  const auto t0 = std::chrono::steady_clock::now();
  auto files = fhir::ExportNdjson(**snap, o);
  bar.Done();
  if (!files.ok()) return Fail(files.status());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (json_) {
    JsonWriter w;
    w.BeginObject().Key("seconds").Double(secs, 3).Key("files").BeginArray();
    for (const fhir::ExportFile& f : *files) {
      w.BeginObject().Field("type", fhir::TypeName(f.type)).Field("path", f.path);
      w.Key("resources").Uint(f.resources).Key("bytes").Uint(f.bytes).EndObject();
    }
    w.EndArray().EndObject();
    std::printf("%s\n", w.str().c_str());
  } else {
    for (const fhir::ExportFile& f : *files)
      std::printf("%-17s %12llu resources  %s\n", fhir::TypeName(f.type),
                  static_cast<unsigned long long>(f.resources), f.path.c_str());
    std::printf("exported in %.1f s\n", secs);
  }
  return kExitOk;
}

}  // namespace meridian::cli
