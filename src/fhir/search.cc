#include "fhir/search.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "geo/distance.h"
#include "geo/zcta.h"
#include "query/executor.h"
#include "text/normalize.h"
#include "util/ascii.h"
#include "util/escape.h"
#include "util/json.h"

namespace meridian::fhir {

namespace {

using RT = ResourceType;

Status Bad(const std::string& param, std::string message) {
  return Status::InvalidArgument(std::move(message)).WithParam(param);
}

// One resource of a result page.
struct Entry {
  ResourceType type;
  ResourceId id;
  uint32_t row = 0;
  double distance_mi = -1;  // < 0: no distance
};

std::string IdText(const Entry& e) {
  switch (e.type) {
    case RT::kPractitioner:
    case RT::kOrganization:
      return NpiToString(e.id.npi);
    case RT::kLocation:
      return LocationId(e.id.npi, e.id.location);
    case RT::kPractitionerRole:
      return RoleId(e.id.npi, e.id.location, e.id.slot);
    case RT::kEndpoint:
      return EndpointId(e.id.npi, e.id.endpoint);
    case RT::kOrganizationAffiliation:
      return AffiliationId(e.id.npi);
  }
  return "";
}

// A search, parsed.
struct Plan {
  ResourceType type;
  Query q;  // the engine's filters
  // Reference searches: the providers to start from (rows), or nullopt.
  std::optional<std::vector<uint32_t>> seed;
  std::set<std::string> ids;           // _id: only these resource ids ("" = any)
  std::set<std::string> location_ids;  // PractitionerRole?location=
  std::string endpoint_org;            // Endpoint?organization=: its legal name, lower-cased
  std::string primary_org;  // OrganizationAffiliation?primary-organization=: its name, lower-cased
  uint32_t endpoint_org_npi = 0;
  std::string state;                     // address-state (location level)
  std::string city;                      // address-city, normalized words (a prefix)
  std::vector<std::string> postal;       // address-postalcode digits (prefixes; any of them)
  std::vector<std::string> specialties;  // NUCC code prefixes (slot level)
  char sex = 0;
  bool has_text = false;
  double unit_miles = 1 / kKmPerMile;  // the distance extension's unit, in miles
  std::string unit_code = "km";
  size_t count = kDefaultCount;
  bool total_accurate = false, summary_count = false;
  Elements elements;
  std::vector<const IncludeDef*> includes, revincludes;
  std::string page;
  std::map<std::string, std::string> engine_names;  // engine parameter -> FHIR parameter
};

bool Repeatable(std::string_view name) {
  return name == "name" || name == "family" || name == "given" || name == "practitioner.name" ||
         name == "_include" || name == "_revinclude";
}

std::vector<std::string> SplitComma(std::string_view v) {
  std::vector<std::string> out;
  while (true) {
    const size_t comma = v.find(',');
    out.emplace_back(v.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    v.remove_prefix(comma + 1);
  }
}

// "Practitioner/1234567893", or the bare id; the type must be `t`.
bool ParseReference(std::string_view v, ResourceType t, ResourceId* id) {
  const std::string prefix = std::string(TypeName(t)) + "/";
  if (v.starts_with(prefix)) v.remove_prefix(prefix.size());
  return ParseId(t, v, id);
}

// Rows of an organization's links (org_links.h) and the organization itself.
Result<std::pair<uint32_t, std::string>> OrganizationRow(const SearchIndex& index,
                                                         const std::string& param,
                                                         std::string_view v) {
  ResourceId id;
  if (!ParseReference(v, RT::kOrganization, &id))
    return Bad(param, "expected Organization/{npi}, e.g. Organization/1234567893");
  const Snapshot& snap = index.snapshot();
  const int64_t row = snap.Find(id.npi);
  if (row < 0 || snap.entity(static_cast<size_t>(row)) != EntityType::kOrganization)
    return std::pair<uint32_t, std::string>{UINT32_MAX, ""};  // matches nothing
  Record org;
  if (Status s = snap.GetRecord(static_cast<size_t>(row), &org); !s.ok()) return s;
  return std::pair<uint32_t, std::string>{static_cast<uint32_t>(row), org.org_name};
}

void Intersect(std::optional<std::vector<uint32_t>>* seed, std::vector<uint32_t> rows) {
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  if (!seed->has_value()) {
    *seed = std::move(rows);
    return;
  }
  std::vector<uint32_t> both;
  std::set_intersection((*seed)->begin(), (*seed)->end(), rows.begin(), rows.end(),
                        std::back_inserter(both));
  **seed = std::move(both);
}

bool AllowedFor(const std::string& name, ResourceType t) {
  for (const ParamDef& d : SearchParams())
    if (d.type == t && d.name == name) return true;
  return false;
}

Status ParseNear(const std::string& param, const std::string& v, Plan* p, QueryParams* engine) {
  std::string_view parts[4];
  size_t n = 0;
  std::string_view rest = v;
  while (n < 4) {
    const size_t bar = rest.find('|');
    parts[n++] = rest.substr(0, bar);
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 1);
    if (n == 4) return Bad(param, "expected lat|lon|distance|units");
  }
  if (n < 2 || parts[0].empty() || parts[1].empty())
    return Bad(param, "expected lat|lon|distance|units, e.g. 43.07|-89.40|10|km");
  engine->emplace_back("near", std::string(parts[0]) + "," + std::string(parts[1]));
  p->engine_names["near"] = param;
  p->engine_names["radius"] = param;
  std::string unit = n >= 4 ? std::string(parts[3]) : "km";
  double miles_per_unit;
  if (unit == "km" || unit.empty())
    miles_per_unit = 1 / kKmPerMile, p->unit_code = "km";
  else if (unit == "m")
    miles_per_unit = 1 / (kKmPerMile * 1000), p->unit_code = "m";
  else if (unit == "mi" || unit == "[mi_i]")
    miles_per_unit = 1, p->unit_code = "[mi_i]";
  else
    return Bad(param, "unknown distance unit \"" + unit + "\"; use km, m, mi or [mi_i]");
  p->unit_miles = miles_per_unit;
  if (n >= 3 && !parts[2].empty()) {
    double d = 0;
    const std::string text(parts[2]);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (ec != std::errc() || end != text.data() + text.size() || !(d > 0))
      return Bad(param, "expected a positive distance, e.g. 10");
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9gmi", d * miles_per_unit);
    engine->emplace_back("radius", buf);
  }
  return Status::OK();
}

// The value of a token parameter without its system, checking the system
// when one is given.
Result<std::string> TokenCode(const std::string& param, const std::string& v,
                              std::string_view system) {
  const size_t bar = v.find('|');
  if (bar == std::string::npos) return v;
  if (bar > 0 && v.substr(0, bar) != system)
    return Bad(param, "unknown system; use " + std::string(system));
  return v.substr(bar + 1);
}

Status ParsePlan(const SearchIndex& index, const SearchRequest& req, Plan* p) {
  p->type = req.type;
  QueryParams engine;
  std::string text;
  std::set<std::string> seen;
  auto engine_param = [&](std::string name, std::string value, const std::string& fhir) {
    p->engine_names[name] = fhir;
    engine.emplace_back(std::move(name), std::move(value));
  };
  const Snapshot& snap = index.snapshot();
  for (const auto& [name, value] : req.params) {
    const bool result_param =
        std::find(ResultParams().begin(), ResultParams().end(), name) != ResultParams().end();
    if (!result_param && !AllowedFor(name, req.type)) {
      std::string msg = "unknown search parameter " + name + " for " + TypeName(req.type);
      if (name.find(':') != std::string::npos) msg += " (modifiers are not supported)";
      return Bad(name, msg + "; see /fhir/metadata");
    }
    if (!Repeatable(name) && !seen.insert(name).second)
      return Bad(name, "given more than once (combine values with commas)");
    if (value.empty()) return Bad(name, "empty value");
    if (name == "_count") {
      size_t c = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), c);
      if (ec != std::errc() || end != value.data() + value.size() || c < 1 || c > kMaxCount)
        return Bad(name, "expected a whole number from 1 to 100");
      p->count = c;
    } else if (name == "_total") {
      if (value != "none" && value != "estimate" && value != "accurate")
        return Bad(name, "expected none, estimate or accurate");
      p->total_accurate = value == "accurate";
    } else if (name == "_summary") {
      if (value != "count" && value != "false")
        return Bad(name, "only _summary=count and _summary=false are supported");
      p->summary_count = value == "count";
    } else if (name == "_elements") {
      for (std::string& e : SplitComma(value)) {
        if (e.empty() ||
            e.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") !=
                std::string::npos)
          return Bad(name, "expected element names separated by commas, e.g. name,gender");
        p->elements.names.insert(std::move(e));
      }
    } else if (name == "_include" || name == "_revinclude") {
      const bool rev = name == "_revinclude";
      const IncludeDef* found = nullptr;
      for (const IncludeDef& d : Includes())
        if (d.Spec() == value && (rev ? d.target : d.from) == req.type) found = &d;
      if (found == nullptr) {
        std::string allowed;
        for (const IncludeDef& d : Includes())
          if ((rev ? d.target : d.from) == req.type)
            allowed += (allowed.empty() ? "" : ", ") + d.Spec();
        return Bad(name, "unsupported " + name + " \"" + value + "\" for " + TypeName(req.type) +
                             (allowed.empty() ? "; none are supported here" : "; use " + allowed));
      }
      (rev ? p->revincludes : p->includes).push_back(found);
    } else if (name == "_format") {
      // Checked by the caller (api.cc); json only.
    } else if (name == "_page") {
      p->page = value;
    } else if (name == "_id") {
      std::vector<uint32_t> rows;
      for (const std::string& v : SplitComma(value)) {
        ResourceId id;
        if (!ParseId(req.type, v, &id))
          return Bad(name, "\"" + v + "\" is not a " + TypeName(req.type) + " id");
        p->ids.insert(v);
        if (int64_t row = snap.Find(id.npi); row >= 0) rows.push_back(static_cast<uint32_t>(row));
      }
      Intersect(&p->seed, std::move(rows));
    } else if (name == "identifier") {
      std::vector<uint32_t> rows;
      for (const std::string& v : SplitComma(value)) {
        Result<std::string> code = TokenCode(name, v, kNpiSystem);
        if (!code.ok()) return code.status();
        uint32_t npi;
        if (!ParseNpi(*code, &npi)) return Bad(name, "expected a 10-digit NPI");
        if (int64_t row = snap.Find(npi); row >= 0) rows.push_back(static_cast<uint32_t>(row));
      }
      Intersect(&p->seed, std::move(rows));
    } else if (name == "name" || name == "family" || name == "given" ||
               name == "practitioner.name") {
      text += (text.empty() ? "" : " ") + value;
      p->engine_names["q"] = name;
      p->has_text = true;
    } else if (name == "gender" || name == "practitioner.gender") {
      if (value == "male")
        p->sex = 'M';
      else if (value == "female")
        p->sex = 'F';
      else if (value == "other")
        p->sex = 'X';
      else if (value == "unknown")
        p->sex = 'U';
      else
        return Bad(name, "expected male, female, other or unknown");
    } else if (name == "address-state" || name == "location.address-state") {
      std::string st = value;
      for (char& c : st) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (StateTable::Embedded().Id(st) == 0)
        return Bad(name, "expected a USPS state code such as WI");
      p->state = st;
      engine_param("state", st, name);
    } else if (name == "address-city" || name == "location.address-city") {
      AppendNormalizedTokens(value, &p->city);
      if (p->city.empty()) return Bad(name, "expected the start of a city name, e.g. Madison");
    } else if (name == "address-postalcode" || name == "location.address-postalcode") {
      if (!snap.has_postal())
        return Bad(name,
                   "this snapshot was built before postal codes were indexed; rebuild it with "
                   "meridian ingest to search by postal code");
      for (const std::string& v : SplitComma(value)) {
        std::string digits;
        for (char c : v)
          if (c != '-' && c != ' ') digits += c;
        if (digits.empty() || digits.size() > 9 ||
            digits.find_first_not_of("0123456789") != std::string::npos)
          return Bad(name,
                     "expected a ZIP code or its first digits, e.g. 53703, 537 or 53703-1234");
        p->postal.push_back(std::move(digits));
      }
    } else if (name == "modality") {
      engine_param("modality", value, name);
    } else if (name == "specialty") {
      for (const std::string& v : SplitComma(value)) {
        Result<std::string> code = TokenCode(name, v, kNuccSystem);
        if (!code.ok()) return code.status();
        engine_param("taxonomy", *code, name);
        p->specialties.push_back(*code);
      }
    } else if (name == "near" || name == "location.near") {
      if (Status s = ParseNear(name, value, p, &engine); !s.ok()) return s;
    } else if (name == "practitioner") {
      std::vector<uint32_t> rows;
      for (const std::string& v : SplitComma(value)) {
        ResourceId id;
        if (!ParseReference(v, RT::kPractitioner, &id))
          return Bad(name, "expected Practitioner/{npi}");
        if (int64_t row = snap.Find(id.npi); row >= 0) rows.push_back(static_cast<uint32_t>(row));
      }
      Intersect(&p->seed, std::move(rows));
    } else if (name == "location") {
      std::vector<uint32_t> rows;
      for (const std::string& v : SplitComma(value)) {
        ResourceId id;
        if (!ParseReference(v, RT::kLocation, &id)) return Bad(name, "expected Location/{id}");
        p->location_ids.insert(LocationId(id.npi, id.location));
        if (int64_t row = snap.Find(id.npi); row >= 0) rows.push_back(static_cast<uint32_t>(row));
      }
      Intersect(&p->seed, std::move(rows));
    } else if (name == "participating-organization") {
      ResourceId id;
      if (!ParseReference(value, RT::kOrganization, &id))
        return Bad(name, "expected Organization/{npi}, e.g. Organization/1234567893");
      std::vector<uint32_t> rows;
      if (int64_t row = snap.Find(id.npi); row >= 0) rows.push_back(static_cast<uint32_t>(row));
      Intersect(&p->seed, std::move(rows));
    } else if (name == "organization" || name == "partof" || name == "primary-organization") {
      auto org = OrganizationRow(index, name, value);
      if (!org.ok()) return org.status();
      const auto& [org_row, org_name] = *org;
      std::vector<uint32_t> rows;
      if (org_row != UINT32_MAX) {
        if (req.type == RT::kLocation || req.type == RT::kEndpoint) rows.push_back(org_row);
        if (req.type != RT::kLocation)
          for (uint32_t r : index.org_links().Find(org_name))
            if (r != org_row) rows.push_back(r);
        if (req.type == RT::kEndpoint) {
          p->endpoint_org = AsciiLower(org_name);
          p->endpoint_org_npi = snap.npi(org_row);
        }
        if (name == "primary-organization" || name == "partof")
          p->primary_org = AsciiLower(org_name);
      }
      Intersect(&p->seed, std::move(rows));
    }
  }
  if (p->type == RT::kEndpoint && !p->seed)
    return Bad("_id", "an Endpoint search needs _id or organization");
  if (p->type == RT::kOrganizationAffiliation && !p->seed)
    return Bad("_id",
               "an OrganizationAffiliation search needs _id, participating-organization or "
               "primary-organization");
  if (p->has_text) engine.emplace_back("q", text);
  if (p->type == RT::kPractitioner || p->type == RT::kPractitionerRole)
    engine.emplace_back("entity", "individual");
  if (p->type == RT::kOrganization || p->type == RT::kOrganizationAffiliation)
    engine.emplace_back("entity", "organization");
  if (Status s = ParseQuery(engine, index.modalities(), &p->q, &snap); !s.ok()) {
    auto it = p->engine_names.find(s.param());
    return Status::InvalidArgument(s.message())
        .WithParam(it != p->engine_names.end() ? it->second : s.param());
  }
  p->q.sex = p->sex;
  p->q.limit = p->count;
  for (const std::string& d : p->postal) {
    // The five-digit codes the prefix covers: "537" -> [53700, 53799].
    const std::string five = d.substr(0, 5);
    uint32_t lo = 0, span = 1;
    for (char c : five) lo = lo * 10 + static_cast<uint32_t>(c - '0');
    for (size_t k = five.size(); k < 5; ++k) lo *= 10, span *= 10;
    p->q.postal.emplace_back(lo, lo + span - 1);
  }
  if (!p->city.empty()) {
    // The places (primary practice city and state) whose name starts so.
    std::vector<uint32_t> ids;
    for (size_t i = 0; i < snap.places().size(); ++i)
      if (snap.places()[i].city.starts_with(p->city)) ids.push_back(static_cast<uint32_t>(i));
    p->q.places = std::move(ids);
  }
  if (p->seed && p->has_text)
    return Bad(p->engine_names["q"],
               "name searches cannot be combined with _id, identifier or a reference parameter");
  if (p->seed && p->seed->size() > kMaxListRows)
    return Bad("organization", "links more than " + std::to_string(kMaxListRows) +
                                   " providers; add filters such as address-state");
  return Status::OK();
}

bool SpecialtyPasses(const Plan& p, std::string_view code) {
  if (p.specialties.empty()) return true;
  for (const std::string& s : p.specialties)
    if (code.starts_with(s)) return true;
  return false;
}

// Whether a location passes address-city and address-postalcode (FHIR
// string matching: the value starts the field, ignoring case, accents and
// punctuation; postal codes count only when they start with five digits,
// as the engine's column holds them).
bool AddressPasses(const Plan& p, const Location& l) {
  if (!p.city.empty()) {
    std::string city;
    AppendNormalizedTokens(l.address.city, &city);
    if (!city.starts_with(p.city)) return false;
  }
  if (!p.postal.empty()) {
    if (Zip5(l.address.postal_code) < 0) return false;
    std::string digits;
    for (char c : l.address.postal_code)
      if (c >= '0' && c <= '9') digits += c;
    bool any = false;
    for (const std::string& v : p.postal) any = any || digits.starts_with(v);
    if (!any) return false;
  }
  return true;
}

bool AnyAddressPasses(const Plan& p, const Record& rec) {
  if (p.city.empty() && p.postal.empty()) return true;
  for (uint32_t k = 0; rec.LocationAt(k) != nullptr; ++k)
    if (AddressPasses(p, *rec.LocationAt(k))) return true;
  return false;
}

// The resources of `rec` a search returns. `location`: the engine's matched
// location with a point, else -1 (every location that passes).
void Expand(const Plan& p, const Record& rec, uint32_t row, int64_t location, double distance_mi,
            std::vector<Entry>* out) {
  auto keep = [&](Entry e) {
    e.row = row;
    e.distance_mi = distance_mi;
    if (!p.ids.empty() && !p.ids.contains(IdText(e))) return;
    out->push_back(e);
  };
  std::vector<uint32_t> locations;
  if (location >= 0) {
    if (const Location* l = rec.LocationAt(static_cast<size_t>(location));
        l != nullptr && AddressPasses(p, *l))
      locations.push_back(static_cast<uint32_t>(location));
  } else {
    for (uint32_t k = 0; rec.LocationAt(k) != nullptr; ++k)
      if ((p.state.empty() || rec.LocationAt(k)->address.state == p.state) &&
          AddressPasses(p, *rec.LocationAt(k)))
        locations.push_back(k);
  }
  switch (p.type) {
    case RT::kPractitioner:
    case RT::kOrganization:
      // partof: only subparts naming the organization as their parent (its
      // links also hold organizations with an endpoint affiliated with it).
      if (!p.primary_org.empty() &&
          (rec.is_org_subpart != "Y" || AsciiLower(rec.parent_org_lbn) != p.primary_org))
        return;
      // With a point, the matched location must pass city and postal code.
      if (location >= 0 ? locations.empty() : !AnyAddressPasses(p, rec)) return;
      keep({p.type, {.npi = rec.npi}});
      return;
    case RT::kLocation:
      for (uint32_t k : locations) keep({p.type, {.npi = rec.npi, .location = k}});
      return;
    case RT::kPractitionerRole:
      for (uint32_t k : locations) {
        if (!p.location_ids.empty() && !p.location_ids.contains(LocationId(rec.npi, k))) continue;
        for (const TaxonomySlot& t : rec.taxonomies)
          if (SpecialtyPasses(p, t.code))
            keep({p.type, {.npi = rec.npi, .location = k, .slot = t.slot}});
      }
      return;
    case RT::kOrganizationAffiliation:
      if (Exists(rec, p.type, {.npi = rec.npi}) &&
          (p.primary_org.empty() || AsciiLower(rec.parent_org_lbn) == p.primary_org))
        keep({p.type, {.npi = rec.npi}});
      return;
    case RT::kEndpoint:
      for (size_t j = 0; j < rec.endpoints.size(); ++j) {
        if (!p.endpoint_org.empty() && rec.npi != p.endpoint_org_npi &&
            AsciiLower(rec.endpoints[j].affiliation_legal_name) != p.endpoint_org)
          continue;
        keep({p.type, {.npi = rec.npi, .endpoint = static_cast<uint32_t>(j + 1)}});
      }
      return;
  }
}

// Whether Expand() can drop what the engine's columns let through: a city
// or a postal code checked on the record.
// The engine picks rows by their primary place and by five-digit codes;
// with a point, by the nearest location's code.
bool RecordFilters(const Plan& p) {
  const bool per_location = p.type == RT::kLocation || p.type == RT::kPractitionerRole;
  for (const std::string& v : p.postal)
    if (v.size() > 5) return true;  // the column holds five digits
  if (!p.city.empty() && (per_location || p.q.has_point)) return true;
  return !p.postal.empty() && per_location && !p.q.has_point;
}

// How many resources Expand() gives for an engine hit: from columns only,
// or from the record when RecordFilters().
// REQUIRES: no _id or location filter (those are reference searches).
Result<uint64_t> CountExpansions(const SearchIndex& index, const Plan& p, const SearchHit& hit) {
  const Snapshot& snap = index.snapshot();
  if (RecordFilters(p)) {
    Record rec;
    if (Status s = snap.GetRecord(hit.row, &rec); !s.ok()) return s;
    std::vector<Entry> mine;
    Expand(p, rec, hit.row, p.q.has_point ? static_cast<int64_t>(hit.location) : -1,
           hit.distance_mi, &mine);
    return uint64_t{mine.size()};
  }
  if (p.type == RT::kPractitioner || p.type == RT::kOrganization) return 1;
  uint64_t locations = 0;
  if (p.q.has_point) {
    locations = 1;
  } else {
    const uint8_t want = p.state.empty() ? 0 : snap.states().Id(p.state);
    for (const snapshot::LocationHot& l : snap.locations(hit.row))
      locations += want == 0 || l.state == want;
  }
  if (p.type == RT::kLocation) return locations;
  uint64_t slots = 0;
  for (uint16_t id : snap.taxonomy_ids(hit.row))
    slots += SpecialtyPasses(p, snap.taxonomy().entry(id).info.code);
  return locations * slots;
}

// Whether the engine gives one resource per hit, so its total is exact.
bool OnePerHit(const Plan& p) {
  if (RecordFilters(p)) return false;
  return p.type == RT::kPractitioner || p.type == RT::kOrganization ||
         (p.type == RT::kLocation && p.q.has_point);
}

// Page tokens: "e<snapshot>.<engine cursor, - or @>.<skip>.<position>" on
// the engine path, "o<snapshot>.<offset>" for reference searches. An engine
// token's position counts the resources before its page; "@" (previous
// links) means "seek to that position from the start".
struct PageToken {
  bool engine = true;
  std::string cursor;  // "" = from the start
  size_t skip = 0;     // resources of the first provider already shown (engine)
  size_t offset = 0;   // the page's first resource: its position (both paths)
  bool seek = false;   // engine: find the position by counting from the start
};

std::string EncodeToken(uint32_t snapshot_id, const PageToken& t) {
  char id[16];
  std::snprintf(id, sizeof id, "%08x", snapshot_id);
  if (!t.engine) return std::string("o") + id + "." + std::to_string(t.offset);
  return std::string("e") + id + "." +
         (t.seek             ? "@"
          : t.cursor.empty() ? "-"
                             : t.cursor) +
         "." + std::to_string(t.skip) + "." + std::to_string(t.offset);
}

Status DecodeToken(std::string_view text, uint32_t snapshot_id, bool engine, PageToken* t) {
  auto bad = [] {
    return Bad("_page", "not a page token from this search; follow the links as given");
  };
  if (text.size() < 11 || (text[0] != 'e' && text[0] != 'o') || text[9] != '.') return bad();
  char id[16];
  std::snprintf(id, sizeof id, "%08x", snapshot_id);
  if (text.substr(1, 8) != id)
    return Status::InvalidArgument(
               "the directory was updated since this page link was made; run the search again")
        .WithParam("_page")
        .WithReason("stale_page");
  if ((text[0] == 'e') != engine) return bad();
  text.remove_prefix(10);
  t->engine = engine;
  auto number = [](std::string_view s, size_t* out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return !s.empty() && ec == std::errc() && end == s.data() + s.size();
  };
  if (!engine) return number(text, &t->offset) ? Status::OK() : bad();
  size_t dot = text.rfind('.');
  if (dot == std::string_view::npos || !number(text.substr(dot + 1), &t->offset)) return bad();
  text = text.substr(0, dot);
  dot = text.rfind('.');
  if (dot == std::string_view::npos || !number(text.substr(dot + 1), &t->skip)) return bad();
  const std::string_view cursor = text.substr(0, dot);
  if (cursor.empty()) return bad();
  t->seek = cursor == "@";
  t->cursor = cursor == "-" || t->seek ? "" : std::string(cursor);
  if (t->seek && (t->skip != 0 || t->offset > kMaxSeek)) return bad();
  return Status::OK();
}

struct Page {
  std::vector<Entry> entries;
  // The decoded records of the entries' providers (decoded once, to expand
  // them; written from here).
  std::unordered_map<uint32_t, Record> records;
  std::optional<uint64_t> total;
  std::optional<PageToken> next, previous;
};

// Where the resource at `target` starts on the engine path: the cursor
// before its provider's hit and how many of that provider's resources come
// before it. Counts from the start (CountExpansions), 100 hits at a time.
Status Seek(const SearchIndex& index, const Plan& p, size_t target, std::string* cursor,
            size_t* skip) {
  std::string at;
  size_t pos = 0;
  while (true) {
    Query q = p.q;
    q.limit = kMaxCount;
    if (!at.empty()) {
      Query::Cursor c;
      if (!DecodeCursor(at, &c)) return Status::Internal("Seek: a cursor did not decode");
      q.cursor = c;
    }
    const SearchResult res = Execute(index, q);
    for (const SearchHit& hit : res.hits) {
      Result<uint64_t> n = CountExpansions(index, p, hit);
      if (!n.ok()) return n.status();
      if (pos + *n > target) {
        *cursor = at, *skip = target - pos;
        return Status::OK();
      }
      pos += *n;
      at = CursorAfter(index, q, hit);
    }
    if (res.next_cursor.empty())
      return Bad("_page", "not a page token from this search; follow the links as given");
    at = res.next_cursor;
  }
}

// The engine path: the hits after the token's cursor (or its position),
// expanded until the page is full.
Status EnginePage(const SearchIndex& index, const Plan& p, const PageToken& from, Page* page) {
  const Snapshot& snap = index.snapshot();
  std::string cursor = from.cursor;
  size_t skip = from.skip;
  if (from.seek)
    if (Status s = Seek(index, p, from.offset, &cursor, &skip); !s.ok()) return s;
  // The previous page starts `count` resources earlier: the first page, or
  // a seek while that is shallow enough to count to.
  if (from.offset > 0 && from.offset <= kMaxSeek + p.count) {
    if (from.offset <= p.count)
      page->previous = PageToken{.engine = true};
    else
      page->previous = PageToken{.engine = true, .offset = from.offset - p.count, .seek = true};
  }
  auto next = [&](std::string at, size_t skip_next) {
    page->next = PageToken{.engine = true,
                           .cursor = std::move(at),
                           .skip = skip_next,
                           .offset = from.offset + page->entries.size()};
  };
  bool first_call = true;
  while (true) {
    Query q = p.q;
    q.limit = p.count;
    if (!cursor.empty()) {
      Query::Cursor c;
      if (!DecodeCursor(cursor, &c) || c.sort != q.sort || c.snapshot != snap.id())
        return Bad("_page", "not a page token from this search; follow the links as given");
      q.cursor = c;
    }
    SearchResult res = Execute(index, q);
    if (first_call && OnePerHit(p) && from.offset == 0) page->total = res.total;
    first_call = false;
    std::string before = cursor;  // the cursor that starts at the current hit
    for (size_t h = 0; h < res.hits.size(); ++h) {
      const SearchHit& hit = res.hits[h];
      Record rec;
      if (Status s = snap.GetRecord(hit.row, &rec); !s.ok()) return s;
      std::vector<Entry> mine;
      Expand(p, rec, hit.row, p.q.has_point ? static_cast<int64_t>(hit.location) : -1,
             p.q.has_point ? hit.distance_mi : -1, &mine);
      for (size_t i = skip; i < mine.size(); ++i) {
        if (page->entries.size() == p.count) {
          next(before, i);
          return Status::OK();
        }
        page->entries.push_back(mine[i]);
        if (i == skip) page->records.emplace(hit.row, rec);
      }
      skip = 0;
      before = CursorAfter(index, q, hit);
      if (page->entries.size() == p.count &&
          (h + 1 < res.hits.size() || !res.next_cursor.empty())) {
        next(before, 0);
        return Status::OK();
      }
    }
    if (res.next_cursor.empty()) return Status::OK();
    cursor = res.next_cursor;
  }
}

// A reference search: the seed rows checked against the filters, expanded,
// ordered (by distance with a point, else by NPI) and paged by offset.
Status ListPage(const SearchIndex& index, const Plan& p, const PageToken& from, Page* page) {
  const Snapshot& snap = index.snapshot();
  const Query& q = p.q;
  const ModalityMask wanted = WantedModalities(q, index.modalities());
  const uint8_t state_id = q.state.empty() ? 0 : snap.states().Id(q.state);
  std::vector<Entry> all;
  std::unordered_map<uint32_t, Record> decoded;
  for (uint32_t row : *p.seed) {
    const RowInfo& info = index.row_info(row);
    if (info.entity == static_cast<uint8_t>(EntityType::kDeactivated)) continue;
    if (q.entity && info.entity != static_cast<uint8_t>(*q.entity)) continue;
    if (q.sex != 0 && info.sex != static_cast<uint8_t>(q.sex)) continue;
    if (state_id != 0 && info.state != state_id) continue;
    if (wanted != 0 && (info.modality_mask & wanted) == 0) continue;
    if (q.places && !std::binary_search(q.places->begin(), q.places->end(), snap.place(row)))
      continue;
    if (!q.taxonomies.empty()) {
      bool ok = false;
      for (uint16_t id : snap.taxonomy_ids(row))
        for (const std::string& t : q.taxonomies)
          ok = ok || snap.taxonomy().entry(id).info.code.starts_with(t);
      if (!ok) continue;
    }
    int64_t location = -1;
    double distance = -1;
    if (q.has_point) {
      // The nearest geocoded location in range, as the engine picks it.
      const auto locs = index.locations(row);
      for (size_t k = 0; k < locs.size(); ++k) {
        if (locs[k].precision == 0) continue;
        const double d = HaversineMiles(q.lat, q.lon, locs[k].lat, locs[k].lon);
        if (d <= q.radius_mi && (location < 0 || d < distance))
          location = static_cast<int64_t>(k), distance = d;
      }
      if (location < 0) continue;
    }
    Record& rec = decoded[row];
    if (Status s = snap.GetRecord(row, &rec); !s.ok()) return s;
    const size_t before = all.size();
    Expand(p, rec, row, location, distance, &all);
    if (all.size() == before) decoded.erase(row);  // nothing of it can be on the page
  }
  if (q.has_point)
    std::stable_sort(all.begin(), all.end(),
                     [](const Entry& a, const Entry& b) { return a.distance_mi < b.distance_mi; });
  page->total = all.size();
  const size_t at = std::min(from.offset, all.size());
  const size_t to = std::min(all.size(), at + p.count);
  page->entries.assign(all.begin() + static_cast<long>(at), all.begin() + static_cast<long>(to));
  for (const Entry& e : page->entries)
    if (!page->records.contains(e.row)) page->records.emplace(e.row, std::move(decoded[e.row]));
  if (to < all.size()) page->next = PageToken{.engine = false, .offset = to};
  if (at > 0)
    page->previous = PageToken{.engine = false, .offset = at >= p.count ? at - p.count : 0};
  return Status::OK();
}

// _total=accurate on the engine path when hits expand: counts every match.
Result<uint64_t> CountAll(const SearchIndex& index, const Plan& p) {
  Query q = p.q;
  q.limit = 1;
  const uint64_t matches = Execute(index, q).total;
  if (matches > kMaxCountedRows)
    return Bad("_total", "too many matches to count exactly (" + std::to_string(matches) +
                             " providers); narrow the search");
  q.limit = std::max<uint64_t>(matches, 1);
  uint64_t n = 0;
  for (const SearchHit& hit : Execute(index, q).hits) {
    Result<uint64_t> k = CountExpansions(index, p, hit);
    if (!k.ok()) return k.status();
    n += *k;
  }
  return n;
}

std::string PageUrl(const SearchRequest& req, const std::string* token) {
  std::string url = req.base_url + "/" + TypeName(req.type);
  char sep = '?';
  for (const auto& [name, value] : req.params) {
    if (name == "_page") continue;
    url += sep + QueryEscape(name) + "=" + QueryEscape(value);
    sep = '&';
  }
  if (token != nullptr) url += sep + std::string("_page=") + QueryEscape(*token);
  return url;
}

void WriteEntry(const SearchRequest& req, const Record& rec, const Entry& e, const char* mode,
                const Plan& p, const Elements& el, JsonWriter* w) {
  w->BeginObject();
  w->Field("fullUrl", req.base_url + "/" + TypeName(e.type) + "/" + IdText(e));
  w->Key("resource");
  WriteResource(rec, e.type, e.id, el, w,
                req.corrections && e.type != RT::kPractitionerRole && e.type != RT::kEndpoint
                    ? req.corrections(rec.npi)
                    : Corrections{});
  w->Key("search").BeginObject();
  if (e.distance_mi >= 0 && std::string_view(mode) == "match") {
    w->Key("extension").BeginArray().BeginObject().Field("url", kDistanceUrl);
    w->Key("valueDistance").BeginObject();
    w->Key("value").Double(e.distance_mi / p.unit_miles, 3);
    w->Field("unit", p.unit_code == "[mi_i]" ? "mi" : p.unit_code);
    w->Field("system", "http://unitsofmeasure.org").Field("code", p.unit_code);
    w->EndObject().EndObject().EndArray();
  }
  w->Field("mode", mode);
  w->EndObject();
  w->EndObject();
}

}  // namespace

Result<std::string> Search(const SearchIndex& index, const SearchRequest& req) {
  Plan p;
  if (Status s = ParsePlan(index, req, &p); !s.ok()) return s;
  const Snapshot& snap = index.snapshot();
  const bool engine = !p.seed.has_value();
  PageToken from{.engine = engine};
  if (!p.page.empty())
    if (Status s = DecodeToken(p.page, snap.id(), engine, &from); !s.ok()) return s;
  Page page;
  if (p.summary_count) p.count = 1;
  Status s = engine ? EnginePage(index, p, from, &page) : ListPage(index, p, from, &page);
  if (!s.ok()) return s;
  if (!page.total && (p.total_accurate || p.summary_count)) {
    auto n = CountAll(index, p);
    if (!n.ok()) return n.status();
    page.total = *n;
  }
  JsonWriter w;
  w.BeginObject();
  w.Field("resourceType", "Bundle");
  w.Key("meta")
      .BeginObject()
      .Field("lastUpdated", FormatUnixInstant(snap.created_unix()))
      .EndObject();
  w.Field("type", "searchset");
  if (page.total) w.Key("total").Uint(*page.total);
  w.Key("link").BeginArray();
  w.BeginObject()
      .Field("relation", "self")
      .Field("url", PageUrl(req, p.page.empty() ? nullptr : &p.page));
  w.EndObject();
  if (!p.summary_count) {
    for (auto [rel, token] :
         {std::pair{"next", &page.next}, std::pair{"previous", &page.previous}}) {
      if (!token->has_value()) continue;
      const std::string t = EncodeToken(snap.id(), **token);
      w.BeginObject().Field("relation", rel).Field("url", PageUrl(req, &t)).EndObject();
    }
  }
  w.EndArray();
  if (!p.summary_count) {
    w.Key("entry").BeginArray();
    std::unordered_map<uint32_t, Record>& records = page.records;
    auto record = [&](uint32_t row) -> Result<const Record*> {
      auto it = records.find(row);
      if (it == records.end()) {
        Record rec;
        if (Status got = snap.GetRecord(row, &rec); !got.ok()) return got;
        it = records.emplace(row, std::move(rec)).first;
      }
      return &it->second;
    };
    std::set<std::string> written;
    for (const Entry& e : page.entries) {
      auto rec = record(e.row);
      if (!rec.ok()) return rec.status();
      written.insert(std::string(TypeName(e.type)) + "/" + IdText(e));
      WriteEntry(req, **rec, e, "match", p, p.elements, &w);
    }
    // _include and _revinclude: each resource once, after the matches.
    const Elements all;
    size_t included = 0;
    auto include = [&](const Record& rec, Entry e) {
      const std::string key = std::string(TypeName(e.type)) + "/" + IdText(e);
      if (included >= 1000 || !written.insert(key).second) return;
      if (!Exists(rec, e.type, e.id)) return;
      ++included;
      WriteEntry(req, rec, e, "include", p, all, &w);
    };
    for (const Entry& e : page.entries) {
      auto got = record(e.row);
      if (!got.ok()) return got.status();
      const Record& rec = **got;
      for (const IncludeDef* inc : p.includes) {
        if (inc->target == RT::kPractitioner || inc->target == RT::kOrganization)
          include(rec, {inc->target, {.npi = rec.npi}, e.row});
        else if (inc->target == RT::kLocation)
          include(rec, {RT::kLocation, {.npi = rec.npi, .location = e.id.location}, e.row});
        else if (inc->target == RT::kEndpoint)
          for (uint32_t j = 1; j <= rec.endpoints.size(); ++j)
            include(rec, {RT::kEndpoint, {.npi = rec.npi, .endpoint = j}, e.row});
      }
      for (const IncludeDef* rev : p.revincludes) {
        // PractitionerRole:practitioner (from a Practitioner) or
        // PractitionerRole:location (from a Location).
        if (rec.entity != EntityType::kIndividual) continue;
        for (uint32_t k = 0; rec.LocationAt(k) != nullptr; ++k) {
          if (rev->param == "location" && k != e.id.location) continue;
          for (const TaxonomySlot& t : rec.taxonomies)
            include(
                rec,
                {RT::kPractitionerRole, {.npi = rec.npi, .location = k, .slot = t.slot}, e.row});
        }
      }
    }
    w.EndArray();
  }
  w.EndObject();
  return w.str();
}

}  // namespace meridian::fhir
