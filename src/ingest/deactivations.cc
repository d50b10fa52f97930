#include "ingest/deactivations.h"

#include <algorithm>
#include <cctype>

#include "ingest/csv_file.h"
#include "ingest/xlsx.h"
#include "ingest/zip_archive.h"
#include "model/fields.h"
#include "util/ascii.h"
#include "util/file.h"

namespace meridian {

// The deactivation report's first sheet as CSV text, from a ZIP holding one
// .xlsx workbook (CMS's "NPPES_Deactivated_NPI_Report_*.zip") or from the
// workbook itself.
namespace {

Result<std::string> DeactivationSheetAsCsv(const std::string& path) {
  auto zip = ZipArchive::Open(path);
  if (!zip.ok()) return zip.status();
  if ((*zip)->Find("[Content_Types].xml") != nullptr) {  // the workbook itself
    std::string bytes;
    MERIDIAN_RETURN_IF_ERROR(ReadFile(path, &bytes));
    return XlsxFirstSheetToCsv(BaseName(path), bytes);
  }
  for (const ZipMember& m : (*zip)->members()) {
    const std::string lower = AsciiLower(m.name);
    if (lower.size() < 5 || lower.compare(lower.size() - 5, 5, ".xlsx") != 0) continue;
    auto bytes = (*zip)->ReadAll(m);
    if (!bytes.ok()) return bytes.status();
    return XlsxFirstSheetToCsv(BaseName(path) + ": " + m.name, *bytes);
  }
  return Status::InvalidArgument(BaseName(path) + ": the ZIP holds no .xlsx workbook");
}

}  // namespace

Status ReadDeactivations(const std::string& path, std::vector<Deactivation>* out,
                         std::vector<IngestError>* errors) {
  class Sink : public CsvSink {
   public:
    Sink(std::string file, std::vector<Deactivation>* out, std::vector<IngestError>* errors)
        : file_(std::move(file)), out_(out), errors_(errors) {}
    Status OnHeader(const CsvRecord& h) {
      for (size_t i = 0; i < h.fields.size(); ++i) {
        std::string name(h.fields[i]);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (name == "npi") npi_col_ = static_cast<int>(i);
        if (name.find("deactivation date") != std::string::npos) date_col_ = static_cast<int>(i);
      }
      if (npi_col_ < 0 || date_col_ < 0)
        return Status::InvalidArgument(
            file_ + ": header must name an \"NPI\" column and a \"... Deactivation Date\" column");
      return Status::OK();
    }
    void OnRecord(const CsvRecord& r) override {
      size_t need = static_cast<size_t>(std::max(npi_col_, date_col_)) + 1;
      if (r.fields.size() < need) return Err(r.line, "", "", "too few fields");
      std::string_view npi = r.fields[static_cast<size_t>(npi_col_)];
      if (!IsValidNpi(npi)) return Err(r.line, npi.substr(0, 12), "NPI", NpiProblem(npi));
      PackedDate d;
      std::string_view ds = r.fields[static_cast<size_t>(date_col_)];
      if (!ParseNppesDate(ds, &d) || d == 0)
        return Err(r.line, npi, "Deactivation Date", "unparseable date (expected MM/DD/YYYY)");
      uint32_t packed = 0;
      ParseNpi(npi, &packed);  // IsValidNpi passed above
      out_->emplace_back(packed, d);
      lines_.push_back(r.line);
    }
    void OnError(uint64_t line, std::string_view, const char* reason) override {
      Err(line, "", "", reason);
    }
    size_t Checkpoint() override { return 0; }
    void Rollback(size_t) override {}
    void Err(uint64_t line, std::string_view npi, std::string field, std::string reason) {
      errors_->push_back({file_, line, std::string(npi), std::move(field), std::move(reason)});
    }
    std::vector<uint64_t> lines_;

   private:
    std::string file_;
    std::vector<Deactivation>* out_;
    std::vector<IngestError>* errors_;
    int npi_col_ = -1, date_col_ = -1;
  };
  Sink sink(BaseName(path), out, errors);
  CsvReadStats stats;
  auto on_header = [&](const CsvRecord& h) { return sink.OnHeader(h); };
  if (LooksLikeZip(path)) {
    // As CMS ships it: a ZIP holding an .xlsx workbook (or the workbook itself,
    // which is a ZIP too). The sheet becomes CSV text in memory.
    auto csv = DeactivationSheetAsCsv(path);
    if (!csv.ok()) return csv.status();
    MERIDIAN_RETURN_IF_ERROR(
        ReadCsvText(BaseName(path), *csv, CsvReadOptions(), on_header, {&sink}, &stats));
  } else {
    MERIDIAN_RETURN_IF_ERROR(ReadCsvFile(path, CsvReadOptions(), on_header, {&sink}, &stats));
  }
  // Sort by NPI; a repeated NPI keeps its first row and the rest are rejected.
  std::vector<size_t> order(out->size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return (*out)[a].first < (*out)[b].first; });
  std::vector<Deactivation> sorted;
  for (size_t i : order) {
    if (!sorted.empty() && sorted.back().first == (*out)[i].first) {
      sink.Err(sink.lines_[i], NpiToString((*out)[i].first), "NPI", "duplicate NPI");
      continue;
    }
    sorted.push_back((*out)[i]);
  }
  *out = std::move(sorted);
  return Status::OK();
}

}  // namespace meridian
