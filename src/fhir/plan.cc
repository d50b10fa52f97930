// Parsing a FHIR search into a Plan, and expanding a provider into the
// resources it returns (plan.h).
#include "fhir/plan.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "geo/zcta.h"
#include "text/normalize.h"
#include "util/ascii.h"

namespace meridian::fhir {

using RT = ResourceType;

namespace {

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

}  // namespace

Status Bad(const std::string& param, std::string message) {
  return Status::InvalidArgument(std::move(message)).WithParam(param);
}

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
// or a postal code checked on the record (the engine picks rows by their
// primary place and by five-digit codes; with a point, by the nearest
// location's code).
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

}  // namespace meridian::fhir
