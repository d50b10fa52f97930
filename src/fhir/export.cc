#include "fhir/export.h"

#include <algorithm>
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

namespace {

// The open file of each type, split every `max` resources.
class TypeOutput {
 public:
  TypeOutput(ResourceType type, std::string dir, uint64_t max)
      : type_(type), dir_(std::move(dir)), max_(max) {}

  Status Write(const std::string& line, std::vector<ExportFile>* done) {
    if (file_ == nullptr || (max_ != 0 && current_.resources == max_)) {
      if (file_ != nullptr)
        if (Status s = Close(done); !s.ok()) return s;
      ++part_;
      current_ = ExportFile{type_, dir_ + "/" + TypeName(type_) +
                                       (max_ == 0 ? "" : "-" + std::to_string(part_)) + ".ndjson"};
      auto f = AtomicFile::Create(current_.path);
      if (!f.ok()) return f.status();
      file_ = std::move(f).value();
    }
    ++current_.resources;
    if (Status s = file_->Append(line); !s.ok()) return s;
    return file_->Append("\n");
  }

  // Commits the open file; without a split, an empty file too (so each
  // asked-for type has its file).
  Status Close(std::vector<ExportFile>* done) {
    if (file_ == nullptr) {
      if (max_ != 0 || part_ != 0) return Status::OK();
      current_ = ExportFile{type_, dir_ + "/" + TypeName(type_) + ".ndjson"};
      auto f = AtomicFile::Create(current_.path);
      if (!f.ok()) return f.status();
      file_ = std::move(f).value();
      part_ = 1;
    }
    current_.bytes = file_->size();
    if (Status s = file_->Commit(); !s.ok()) return s;
    file_.reset();
    done->push_back(current_);
    return Status::OK();
  }

 private:
  ResourceType type_;
  std::string dir_;
  uint64_t max_;
  uint64_t part_ = 0;
  ExportFile current_{};
  std::unique_ptr<AtomicFile> file_;
};

}  // namespace

Result<std::vector<ExportFile>> ExportNdjson(const Snapshot& snap, const ExportOptions& options) {
  std::vector<ResourceType> types = options.types;
  if (types.empty()) types.assign(std::begin(kAllTypes), std::end(kAllTypes));
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) return Status::IoError("cannot create " + options.out_dir + ": " + ec.message());
  std::vector<ExportFile> files;
  std::vector<TypeOutput> out;
  for (ResourceType t : types) out.emplace_back(t, options.out_dir, options.max_per_file);
  const Elements all;
  Record rec;
  auto emit = [&](size_t i, const JsonWriter& w) { return out[i].Write(w.str(), &files); };
  for (size_t row = 0; row < snap.size(); ++row) {
    if ((row & 0xFFFF) == 0) {
      if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed))
        return Status::Unavailable("the export was cancelled");
      if (options.progress) options.progress(row);
      if (options.release_pages && (row & 0x3FFFF) == 0) snap.ReleaseResident();
    }
    if (snap.entity(row) == EntityType::kDeactivated) continue;
    if (Status s = snap.GetRecordMapped(row, &rec); !s.ok()) return s;
    if (options.since != 0 && rec.last_update_date < options.since) continue;
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
        case ResourceType::kOrganizationAffiliation:
          if (Exists(rec, types[i], {.npi = rec.npi})) {
            JsonWriter w;
            WriteOrganizationAffiliation(rec, all, &w);
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
  for (TypeOutput& o : out)
    if (Status s = o.Close(&files); !s.ok()) return s;
  std::stable_sort(files.begin(), files.end(), [&](const ExportFile& a, const ExportFile& b) {
    return std::find(types.begin(), types.end(), a.type) <
           std::find(types.begin(), types.end(), b.type);
  });
  if (options.progress) options.progress(snap.size());
  return files;
}

}  // namespace meridian::fhir
