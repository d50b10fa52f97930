#include "fhir/export.h"

#include <filesystem>
#include <memory>

#include "util/file.h"
#include "util/json.h"

namespace meridian::fhir {

Result<std::vector<ResourceType>> ParseTypeList(std::string_view list) {
  std::vector<ResourceType> out;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    ResourceType t;
    if (!ParseType(name, &t))
      return Status::InvalidArgument("unknown resource type \"" + std::string(name) +
                                     "\"; use Practitioner, PractitionerRole, Organization, "
                                     "Location or Endpoint")
          .WithParam("_type");
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

Result<std::vector<ExportFile>> ExportNdjson(const Snapshot& snap, const ExportOptions& options) {
  std::vector<ResourceType> types = options.types;
  if (types.empty()) types.assign(std::begin(kAllTypes), std::end(kAllTypes));
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) return Status::IoError("cannot create " + options.out_dir + ": " + ec.message());
  std::vector<ExportFile> files;
  std::vector<std::unique_ptr<AtomicFile>> out;
  for (ResourceType t : types) {
    ExportFile f{t, options.out_dir + "/" + TypeName(t) + ".ndjson"};
    auto file = AtomicFile::Create(f.path);
    if (!file.ok()) return file.status();
    out.push_back(std::move(file).value());
    files.push_back(std::move(f));
  }
  const Elements all;
  Record rec;
  auto emit = [&](size_t i, const JsonWriter& w) -> Status {
    files[i].resources++;
    if (Status s = out[i]->Append(w.str()); !s.ok()) return s;
    return out[i]->Append("\n");
  };
  for (size_t row = 0; row < snap.size(); ++row) {
    if ((row & 0xFFFF) == 0) {
      if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed))
        return Status::Unavailable("the export was cancelled");
      if (options.progress) options.progress(row);
    }
    if (snap.entity(row) == EntityType::kDeactivated) continue;
    if (Status s = snap.GetRecordMapped(row, &rec); !s.ok()) return s;
    for (size_t i = 0; i < types.size(); ++i) {
      switch (types[i]) {
        case ResourceType::kPractitioner:
        case ResourceType::kOrganization: {
          const ResourceType want = rec.entity == EntityType::kIndividual
                                        ? ResourceType::kPractitioner
                                        : ResourceType::kOrganization;
          if (types[i] != want) break;
          JsonWriter w;
          WriteResource(rec, want, {.npi = rec.npi}, all, &w);
          if (Status s = emit(i, w); !s.ok()) return s;
          break;
        }
        case ResourceType::kLocation:
          for (uint32_t k = 0; rec.LocationAt(k) != nullptr; ++k) {
            JsonWriter w;
            WriteLocation(rec, k, all, &w);
            if (Status s = emit(i, w); !s.ok()) return s;
          }
          break;
        case ResourceType::kPractitionerRole:
          if (rec.entity != EntityType::kIndividual) break;
          for (uint32_t k = 0; rec.LocationAt(k) != nullptr; ++k)
            for (size_t slot = 0; slot < rec.taxonomies.size(); ++slot) {
              JsonWriter w;
              WritePractitionerRole(rec, k, slot, all, &w);
              if (Status s = emit(i, w); !s.ok()) return s;
            }
          break;
        case ResourceType::kEndpoint:
          for (uint32_t j = 1; j <= rec.endpoints.size(); ++j) {
            JsonWriter w;
            WriteEndpoint(rec, j, all, &w);
            if (Status s = emit(i, w); !s.ok()) return s;
          }
          break;
      }
    }
  }
  for (size_t i = 0; i < files.size(); ++i) {
    files[i].bytes = out[i]->size();
    if (Status s = out[i]->Commit(); !s.ok()) return s;
  }
  if (options.progress) options.progress(snap.size());
  return files;
}

}  // namespace meridian::fhir
