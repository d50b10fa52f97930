#include "hsds/export.h"

#include <sodium.h>
#include <zip.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "knowledge/modality_map.h"
#include "model/fields.h"
#include "refdata/nucc.h"
#include "text/display_case.h"
#include "util/file.h"
#include "util/json.h"

namespace meridian::hsds {

namespace {

struct Column {
  const char* name;
  const char* type;  // Frictionless table schema type: "string", "number", "boolean", "datetime"
};
struct Table {
  const char* file;
  const char* name;  // the HSDS schema's name ("organization"), or the profile's
  bool profile;      // a Meridian profile table, not HSDS core
  std::vector<Column> columns;
};

const std::vector<Table>& Tables() {
  static const std::vector<Table> t = {
      {"organizations.csv",
       "organization",
       false,
       {{"id", "string"},
        {"name", "string"},
        {"alternate_name", "string"},
        {"description", "string"},
        {"email", "string"},
        {"website", "string"},
        {"tax_status", "string"},
        {"tax_id", "string"},
        {"year_incorporated", "number"},
        {"legal_status", "string"},
        {"logo", "string"},
        {"uri", "string"},
        {"parent_organization_id", "string"}}},
      {"organization_identifiers.csv",
       "organization_identifier",
       false,
       {{"id", "string"},
        {"organization_id", "string"},
        {"identifier_scheme", "string"},
        {"identifier_type", "string"},
        {"identifier", "string"}}},
      {"locations.csv",
       "location",
       false,
       {{"id", "string"},
        {"location_type", "string"},
        {"url", "string"},
        {"organization_id", "string"},
        {"name", "string"},
        {"alternate_name", "string"},
        {"description", "string"},
        {"transportation", "string"},
        {"latitude", "number"},
        {"longitude", "number"},
        {"external_identifier", "string"},
        {"external_identifier_type", "string"}}},
      {"addresses.csv",
       "address",
       false,
       {{"id", "string"},
        {"location_id", "string"},
        {"attention", "string"},
        {"address_1", "string"},
        {"address_2", "string"},
        {"city", "string"},
        {"region", "string"},
        {"state_province", "string"},
        {"postal_code", "string"},
        {"country", "string"},
        {"address_type", "string"}}},
      {"phones.csv",
       "phone",
       false,
       {{"id", "string"},
        {"location_id", "string"},
        {"service_id", "string"},
        {"organization_id", "string"},
        {"contact_id", "string"},
        {"service_at_location_id", "string"},
        {"number", "string"},
        {"extension", "number"},
        {"type", "string"},
        {"description", "string"}}},
      {"services.csv",
       "service",
       false,
       {{"id", "string"},
        {"organization_id", "string"},
        {"program_id", "string"},
        {"name", "string"},
        {"alternate_name", "string"},
        {"description", "string"},
        {"url", "string"},
        {"email", "string"},
        {"status", "string"},
        {"interpretation_services", "string"},
        {"application_process", "string"},
        {"fees_description", "string"},
        {"wait_time", "string"},
        {"fees", "string"},
        {"accreditations", "string"},
        {"eligibility_description", "string"},
        {"minimum_age", "number"},
        {"maximum_age", "number"},
        {"assured_date", "date"},
        {"assurer_email", "string"},
        {"licenses", "string"},
        {"alert", "string"},
        {"last_modified", "datetime"}}},
      {"service_at_location.csv",
       "service_at_location",
       false,
       {{"id", "string"},
        {"service_id", "string"},
        {"location_id", "string"},
        {"description", "string"}}},
      {"taxonomies.csv",
       "taxonomy",
       false,
       {{"id", "string"},
        {"name", "string"},
        {"description", "string"},
        {"uri", "string"},
        {"version", "string"}}},
      {"taxonomy_terms.csv",
       "taxonomy_term",
       false,
       {{"id", "string"},
        {"code", "string"},
        {"name", "string"},
        {"description", "string"},
        {"parent_id", "string"},
        {"taxonomy", "string"},
        {"language", "string"},
        {"taxonomy_id", "string"},
        {"term_uri", "string"}}},
      {"attributes.csv",
       "attribute",
       false,
       {{"id", "string"},
        {"link_id", "string"},
        {"taxonomy_term_id", "string"},
        {"link_type", "string"},
        {"link_entity", "string"},
        {"value", "string"}}},
      {"practitioners.csv",
       "practitioner",
       true,
       {{"id", "string"},
        {"organization_id", "string"},
        {"npi", "string"},
        {"name", "string"},
        {"credential_text", "string"},
        {"gender", "string"},
        {"self_reported", "boolean"},
        {"fhir_practitioner", "string"}}},
      {"credentials.csv",
       "credential",
       true,
       {{"id", "string"},
        {"practitioner_id", "string"},
        {"type", "string"},
        {"number", "string"},
        {"state", "string"},
        {"taxonomy_code", "string"},
        {"taxonomy_name", "string"},
        {"source", "string"},
        {"verified", "boolean"}}},
  };
  return t;
}

void AppendCsvField(std::string* out, std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(v);
    return;
  }
  out->push_back('"');
  for (char c : v) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

// One CSV part: a header, then rows by column name.
class CsvPart {
 public:
  static Result<std::unique_ptr<CsvPart>> Create(const std::string& path, const Table& t) {
    auto f = AtomicFile::Create(path);
    if (!f.ok()) return f.status();
    std::unique_ptr<CsvPart> p(new CsvPart(std::move(f).value(), t));
    std::string header;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (i) header.push_back(',');
      header += t.columns[i].name;
    }
    header += "\r\n";
    MERIDIAN_RETURN_IF_ERROR(p->file_->Append(header));
    return p;
  }
  // `values` by column name; missing columns are empty.
  Status Row(std::initializer_list<std::pair<const char*, std::string>> values) {
    std::string line;
    for (size_t i = 0; i < table_.columns.size(); ++i) {
      if (i) line.push_back(',');
      for (const auto& [name, v] : values)
        if (std::string_view(name) == table_.columns[i].name) AppendCsvField(&line, v);
    }
    line += "\r\n";
    ++rows_;
    return file_->Append(line);
  }
  Status Commit() { return file_->Commit(); }
  uint64_t rows() const { return rows_; }

 private:
  CsvPart(std::unique_ptr<AtomicFile> f, const Table& t) : file_(std::move(f)), table_(t) {}
  std::unique_ptr<AtomicFile> file_;
  const Table& table_;
  uint64_t rows_ = 0;
};

std::string Coordinate(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(v));
  return buf;
}

std::string DatapackageJson() {
  JsonWriter w;
  w.BeginObject();
  w.Field("name", "meridian-hsds");
  w.Field("title", "Meridian: providers of non-drug pain care, from the CMS NPPES registry");
  w.Field("profile", "tabular-data-package");
  w.Field("description",
          "HSDS 3.0 tables (https://docs.openreferral.org/en/latest/hsds/) and two tables of "
          "Meridian's profile extension, practitioners and credentials, for what HSDS lacks. "
          "Everything comes from NPPES and is self-reported by providers; nothing is verified.");
  w.Key("resources").BeginArray();
  for (const Table& t : Tables()) {
    w.BeginObject();
    w.Field("name", t.name).Field("path", t.file).Field("profile", "tabular-data-resource");
    w.Field("format", "csv").Field("mediatype", "text/csv").Field("encoding", "utf-8");
    if (t.profile) w.Field("description", "Meridian HSDS profile extension table");
    w.Key("schema").BeginObject().Key("fields").BeginArray();
    for (const Column& c : t.columns)
      w.BeginObject().Field("name", c.name).Field("type", c.type).EndObject();
    w.EndArray();
    w.Field("primaryKey", "id");
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.str();
}

constexpr const char* kReadme =
    "Meridian HSDS 3.0 export\n"
    "\n"
    "Providers of non-drug pain care (acupuncture, dry needling, chiropractic, massage,\n"
    "physical therapy, osteopathic and pain medicine) from the CMS NPPES registry, as\n"
    "Open Referral HSDS 3.0 tables (CSV, described by datapackage.json) and as one JSON\n"
    "object per service in the shape of the HSDS 3.0 service schema (services.ndjson).\n"
    "\n"
    "Everything here is what providers reported to NPPES. Nothing is verified: no\n"
    "service carries an assured_date or accreditations. Check a license with the\n"
    "state board before you rely on it.\n"
    "\n"
    "An individual practitioner appears as the organization of their own practice.\n"
    "practitioners.csv and credentials.csv are Meridian's profile extension: HSDS 3.0\n"
    "has no table for a practitioner or a structured license. Ids are UUIDs derived\n"
    "from the NPI, the same in every export.\n";

}  // namespace

const std::map<std::string, std::vector<std::string>>& TableColumns() {
  static const std::map<std::string, std::vector<std::string>> m = [] {
    std::map<std::string, std::vector<std::string>> out;
    for (const Table& t : Tables())
      for (const Column& c : t.columns) out[t.file].push_back(c.name);
    return out;
  }();
  return m;
}

std::string StableUuid(std::string_view kind, std::string_view key) {
  unsigned char h[crypto_hash_sha256_BYTES];
  std::string in = "meridian:";
  in.append(kind).push_back(':');
  in.append(key);
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(in.data()), in.size());
  h[6] = static_cast<unsigned char>((h[6] & 0x0F) | 0x80);  // version 8
  h[8] = static_cast<unsigned char>((h[8] & 0x3F) | 0x80);  // RFC 9562 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0], h[1],
                h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14],
                h[15]);
  return out;
}

Result<ExportSummary> ExportHsds(const SearchIndex& index, const std::string& out_zip,
                                 const std::function<void(size_t)>& progress) {
  const Snapshot& snap = index.snapshot();
  const ModalityMap& mods = index.modalities();
  const std::string parts = out_zip + ".parts";
  std::error_code ec;
  std::filesystem::remove_all(parts, ec);
  std::filesystem::create_directories(parts, ec);
  if (ec) return Status::IoError("cannot create " + parts + ": " + ec.message());
  std::map<std::string, std::unique_ptr<CsvPart>> csv;
  for (const Table& t : Tables()) {
    auto p = CsvPart::Create(parts + "/" + t.file, t);
    if (!p.ok()) return p.status();
    csv[t.file] = std::move(p).value();
  }
  auto json_out = AtomicFile::Create(parts + "/services.ndjson");
  if (!json_out.ok()) return json_out.status();
  std::unique_ptr<AtomicFile> services_json = std::move(json_out).value();

  // The kinds of care as a taxonomy.
  const std::string taxonomy_id = StableUuid("taxonomy", "modalities");
  MERIDIAN_RETURN_IF_ERROR(csv["taxonomies.csv"]->Row(
      {{"id", taxonomy_id},
       {"name", "Meridian kinds of care"},
       {"description",
        "The kinds of non-drug pain care Meridian finds, each defined by NUCC "
        "taxonomy codes and credentials (data/modalities.csv)."}}));
  for (const Modality& m : mods.modalities())
    MERIDIAN_RETURN_IF_ERROR(csv["taxonomy_terms.csv"]->Row({{"id", StableUuid("term", m.id)},
                                                             {"code", m.id},
                                                             {"name", m.label},
                                                             {"description", m.label},
                                                             {"taxonomy_id", taxonomy_id},
                                                             {"language", "en"}}));
  ExportSummary sum;
  Record rec;
  for (size_t row = 0; row < snap.size(); ++row) {
    if ((row & 0xFFFF) == 0 && progress) progress(row);
    // Resident memory stays flat: the pages stay in the page cache.
    if ((row & 0x3FFFF) == 0) snap.ReleaseResident();
    const ModalityMask mask = index.modality_mask(row);
    if (mask == 0 || snap.entity(row) == EntityType::kDeactivated) continue;
    MERIDIAN_RETURN_IF_ERROR(snap.GetRecordMapped(row, &rec));
    ++sum.providers;
    const std::string npi = NpiToString(rec.npi);
    const bool person = rec.entity == EntityType::kIndividual;
    const std::string org_id = StableUuid("organization", npi);
    const std::string name = ReadableName(rec);
    const std::string org_name =
        person && !rec.credential.empty() ? name + ", " + rec.credential : name;
    const std::string org_description =
        person ? "The practice of an individual practitioner listed in the NPPES registry (NPI " +
                     npi + "). Self-reported; not verified."
               : "An organization listed in the NPPES registry (NPI " + npi +
                     "). Self-reported; not verified.";
    const std::string alternate =
        !person && !rec.other_org_name.empty() ? DisplayOrgCase(rec.other_org_name) : "";
    MERIDIAN_RETURN_IF_ERROR(csv["organizations.csv"]->Row({{"id", org_id},
                                                            {"name", org_name},
                                                            {"alternate_name", alternate},
                                                            {"description", org_description}}));
    MERIDIAN_RETURN_IF_ERROR(csv["organization_identifiers.csv"]->Row(
        {{"id", StableUuid("organization_identifier", npi)},
         {"organization_id", org_id},
         {"identifier_type", "US National Provider Identifier (NPI)"},
         {"identifier", npi}}));
    // Locations, their addresses and phones.
    struct Loc {
      std::string id, key;
      const Location* loc;
    };
    std::vector<Loc> locs;
    for (uint32_t k = 0; rec.LocationAt(k) != nullptr; ++k) {
      const Location& l = *rec.LocationAt(k);
      if (l.address.line1.empty()) continue;
      const std::string key = npi + "-" + std::to_string(k);
      locs.push_back({StableUuid("location", key), key, &l});
    }
    for (const Loc& l : locs) {
      const Address a = ReadableAddress(l.loc->address);
      const bool geo = l.loc->precision != GeoPrecision::kNone;
      MERIDIAN_RETURN_IF_ERROR(csv["locations.csv"]->Row(
          {{"id", l.id},
           {"location_type", "physical"},
           {"organization_id", org_id},
           {"name", org_name + (a.city.empty() ? "" : ", " + a.city)},
           {"description", geo ? "Point: the ZIP code's centre (Census ZCTA), not the building."
                               : "Not placed on a map (no known ZIP code)."},
           {"latitude", geo ? Coordinate(l.loc->lat) : ""},
           {"longitude", geo ? Coordinate(l.loc->lon) : ""},
           {"external_identifier", l.key},
           {"external_identifier_type", "FHIR Location id (Meridian)"}}));
      MERIDIAN_RETURN_IF_ERROR(
          csv["addresses.csv"]->Row({{"id", StableUuid("address", l.key)},
                                     {"location_id", l.id},
                                     {"address_1", a.line1},
                                     {"address_2", a.line2},
                                     {"city", a.city},
                                     {"state_province", a.state},
                                     {"postal_code", FormatPostalCode(a.postal_code)},
                                     {"country", a.country.empty() ? "US" : a.country},
                                     {"address_type", "physical"}}));
      if (!a.phone.empty())
        MERIDIAN_RETURN_IF_ERROR(csv["phones.csv"]->Row({{"id", StableUuid("phone", l.key)},
                                                         {"location_id", l.id},
                                                         {"number", a.phone},
                                                         {"extension", a.phone_ext},
                                                         {"type", "voice"}}));
      if (!a.fax.empty())
        MERIDIAN_RETURN_IF_ERROR(csv["phones.csv"]->Row({{"id", StableUuid("fax", l.key)},
                                                         {"location_id", l.id},
                                                         {"number", a.fax},
                                                         {"type", "fax"}}));
    }
    // One service per kind of care, at each location.
    const std::string modified =
        rec.last_update_date ? FormatIsoDate(rec.last_update_date) + "T00:00:00Z" : "";
    for (size_t m = 0; m < mods.modalities().size(); ++m) {
      if ((mask & (1u << m)) == 0) continue;
      const Modality& mod = mods.modalities()[m];
      const std::string key = npi + "-" + mod.id;
      const std::string service_id = StableUuid("service", key);
      const std::string service_name = mod.label + " with " + org_name;
      const std::string service_description =
          mod.label + ", as Meridian reads the provider's NPPES taxonomy codes and credential.";
      MERIDIAN_RETURN_IF_ERROR(csv["services.csv"]->Row({{"id", service_id},
                                                         {"organization_id", org_id},
                                                         {"name", service_name},
                                                         {"description", service_description},
                                                         {"status", "active"},
                                                         {"last_modified", modified}}));
      MERIDIAN_RETURN_IF_ERROR(
          csv["attributes.csv"]->Row({{"id", StableUuid("attribute", key)},
                                      {"link_id", service_id},
                                      {"taxonomy_term_id", StableUuid("term", mod.id)},
                                      {"link_type", "service"},
                                      {"link_entity", "service"}}));
      JsonWriter w;
      w.BeginObject();
      w.Field("id", service_id).Field("organization_id", org_id).Field("name", service_name);
      w.Field("description", service_description).Field("status", "active");
      if (!modified.empty()) w.Field("last_modified", modified);
      w.Key("organization").BeginObject();
      w.Field("id", org_id).Field("name", org_name).Field("description", org_description);
      if (!alternate.empty()) w.Field("alternate_name", alternate);
      w.Key("organization_identifiers").BeginArray().BeginObject();
      w.Field("id", StableUuid("organization_identifier", npi)).Field("organization_id", org_id);
      w.Field("identifier_type", "US National Provider Identifier (NPI)").Field("identifier", npi);
      w.EndObject().EndArray();
      w.EndObject();
      w.Key("service_at_locations").BeginArray();
      for (const Loc& l : locs) {
        const std::string sal_id = StableUuid("service_at_location", key + "-" + l.key);
        MERIDIAN_RETURN_IF_ERROR(csv["service_at_location.csv"]->Row(
            {{"id", sal_id}, {"service_id", service_id}, {"location_id", l.id}}));
        const Address a = ReadableAddress(l.loc->address);
        w.BeginObject().Field("id", sal_id).Field("service_id", service_id);
        w.Field("location_id", l.id);
        w.Key("location").BeginObject();
        w.Field("id", l.id).Field("location_type", "physical").Field("organization_id", org_id);
        w.Field("name", org_name + (a.city.empty() ? "" : ", " + a.city));
        if (l.loc->precision != GeoPrecision::kNone) {
          w.Key("latitude").Double(l.loc->lat, 6);
          w.Key("longitude").Double(l.loc->lon, 6);
        }
        w.Field("external_identifier", l.key);
        w.Field("external_identifier_type", "FHIR Location id (Meridian)");
        w.Key("addresses").BeginArray().BeginObject();
        w.Field("id", StableUuid("address", l.key)).Field("location_id", l.id);
        w.Field("address_1", a.line1);
        if (!a.line2.empty()) w.Field("address_2", a.line2);
        w.Field("city", a.city).Field("state_province", a.state);
        w.Field("postal_code", FormatPostalCode(a.postal_code));
        w.Field("country", a.country.empty() ? "US" : a.country).Field("address_type", "physical");
        w.EndObject().EndArray();
        w.Key("phones").BeginArray();
        if (!a.phone.empty()) {
          w.BeginObject().Field("id", StableUuid("phone", l.key)).Field("location_id", l.id);
          w.Field("number", a.phone).Field("type", "voice").EndObject();
        }
        w.EndArray();
        w.EndObject();
        w.EndObject();
      }
      w.EndArray();
      w.Key("attributes").BeginArray().BeginObject();
      w.Field("id", StableUuid("attribute", key)).Field("link_id", service_id);
      w.Field("taxonomy_term_id", StableUuid("term", mod.id));
      w.Field("link_type", "service").Field("link_entity", "service");
      w.EndObject().EndArray();
      w.EndObject();
      MERIDIAN_RETURN_IF_ERROR(services_json->Append(w.str()));
      MERIDIAN_RETURN_IF_ERROR(services_json->Append("\n"));
    }
    // The profile's practitioner and credentials.
    if (person) {
      const std::string practitioner_id = StableUuid("practitioner", npi);
      const char* gender = rec.sex == "F" ? "female" : rec.sex == "M" ? "male" : "";
      MERIDIAN_RETURN_IF_ERROR(
          csv["practitioners.csv"]->Row({{"id", practitioner_id},
                                         {"organization_id", org_id},
                                         {"npi", npi},
                                         {"name", name},
                                         {"credential_text", rec.credential},
                                         {"gender", gender},
                                         {"self_reported", "true"},
                                         {"fhir_practitioner", "Practitioner/" + npi}}));
      for (const TaxonomySlot& t : rec.taxonomies) {
        if (t.license_number.empty()) continue;
        const TaxonomyInfo* info = TaxonomyTable::Embedded().Find(t.code);
        MERIDIAN_RETURN_IF_ERROR(csv["credentials.csv"]->Row(
            {{"id", StableUuid("credential", npi + "-" + std::to_string(t.slot))},
             {"practitioner_id", practitioner_id},
             {"type", "state license (as reported to NPPES)"},
             {"number", t.license_number},
             {"state", t.license_state},
             {"taxonomy_code", t.code},
             {"taxonomy_name", info != nullptr ? info->display_name : ""},
             {"source", "NPPES, self-reported"},
             {"verified", "false"}}));
      }
    }
  }
  if (progress) progress(snap.size());
  for (auto& [file, part] : csv) {
    sum.rows[file] = part->rows();
    MERIDIAN_RETURN_IF_ERROR(part->Commit());
  }
  MERIDIAN_RETURN_IF_ERROR(services_json->Commit());
  sum.rows["services.ndjson"] = sum.rows["services.csv"];
  MERIDIAN_RETURN_IF_ERROR(WriteFileAtomically(parts + "/datapackage.json", DatapackageJson()));
  MERIDIAN_RETURN_IF_ERROR(WriteFileAtomically(parts + "/README.txt", kReadme));

  // The ZIP: written under a temporary name, then renamed.
  const std::string tmp = out_zip + ".tmp";
  int err = 0;
  zip_t* z = zip_open(tmp.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (z == nullptr) return Status::IoError("cannot create " + tmp);
  std::vector<std::string> names = {"datapackage.json", "README.txt", "services.ndjson"};
  for (const Table& t : Tables()) names.push_back(t.file);
  for (const std::string& n : names) {
    const std::string path = parts + "/" + n;
    zip_source_t* src = zip_source_file(z, path.c_str(), 0, -1);
    if (src == nullptr || zip_file_add(z, n.c_str(), src, ZIP_FL_ENC_UTF_8) < 0) {
      if (src != nullptr) zip_source_free(src);
      zip_discard(z);
      return Status::IoError("cannot add " + n + " to " + tmp);
    }
  }
  if (zip_close(z) != 0) {
    const std::string why = zip_strerror(z);
    zip_discard(z);
    return Status::IoError("cannot write " + tmp + ": " + why);
  }
  std::filesystem::rename(tmp, out_zip, ec);
  if (ec) return Status::IoError("cannot rename " + tmp + ": " + ec.message());
  std::filesystem::remove_all(parts, ec);
  return sum;
}

}  // namespace meridian::hsds
