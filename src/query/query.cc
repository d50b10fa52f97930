#include "query/query.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>

#include "geo/distance.h"
#include "geo/gazetteer.h"
#include "geo/states.h"
#include "geo/zcta.h"
#include "query/places.h"
#include "refdata/nucc.h"
#include "text/normalize.h"
#include "util/hash.h"

namespace meridian {

namespace {

// The error for a refused parameter: what was wrong and, for unknown
// values, the accepted ones.
Status Refuse(std::string param, std::string message, std::vector<std::string> suggestions = {}) {
  return Status::InvalidArgument(std::move(message))
      .WithParam(std::move(param))
      .WithSuggestions(std::move(suggestions));
}

bool ParseDouble(std::string_view s, double* out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(*out);
}

bool ParseSize(std::string_view s, size_t* out) {
  if (s.empty() || s.size() > 9) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Enumerated values are taken in any letter case ("Acupuncture", "f",
// "NAME"); these give the spelling the rest of the code compares with.
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// true/false, 1/0, yes/no, in any case.
bool ParseBool(std::string_view text, bool* out) {
  const std::string s = Lower(text);
  if (s == "true" || s == "1" || s == "yes") return *out = true, true;
  if (s == "false" || s == "0" || s == "no") return *out = false, true;
  return false;
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.starts_with(prefix); }

// Whether any NUCC code, or any code the snapshot's data uses (NPPES keeps
// some NUCC has retired), is `code` or starts with it.
bool KnownTaxonomy(const std::string& code, const Snapshot* snap) {
  const auto& rows = TaxonomyTable::Embedded().rows();
  auto it =
      std::lower_bound(rows.begin(), rows.end(), code,
                       [](const TaxonomyInfo& t, const std::string& c) { return t.code < c; });
  if (it != rows.end() && StartsWith(it->code, code)) return true;
  if (snap != nullptr)
    for (size_t i = 0; i < snap->taxonomy().size(); ++i)
      if (StartsWith(snap->taxonomy().entry(static_cast<uint16_t>(i)).info.code, code)) return true;
  return false;
}

// Up to five NUCC codes sharing the longest prefix with `code` that any does.
std::vector<std::string> NearTaxonomies(const std::string& code) {
  const auto& rows = TaxonomyTable::Embedded().rows();
  for (size_t len = code.size(); len-- > 1;) {
    std::vector<std::string> out;
    for (const TaxonomyInfo& t : rows)
      if (StartsWith(t.code, std::string_view(code).substr(0, len)) && out.size() < 5)
        out.push_back(t.code);
    if (!out.empty()) return out;
  }
  return {};
}

bool ParseHex(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 16) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out, 16);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

const char kSortLetters[] = {'d', 'n', 'r'};

}  // namespace

namespace {

std::string Joined(std::string_view text) {
  std::string out;
  for (const std::string& w : NormalizeTokens(text)) out += (out.empty() ? "" : " ") + w;
  return out;
}

bool WordsMatch(const Query::NameFilter& f, std::string_view field) {
  if (field.empty()) return false;
  const std::string have = Joined(field);
  return f.prefix ? have.starts_with(f.words) : have == f.words;
}

}  // namespace

bool NameMatches(const Query::NameFilter& f, const Record& r) {
  switch (f.field) {
    case Query::NameFilter::Field::kFirst:
      return WordsMatch(f, r.first_name);
    case Query::NameFilter::Field::kLast:
      return WordsMatch(f, r.last_name);
    case Query::NameFilter::Field::kOrganization:
      if (WordsMatch(f, r.org_name) || WordsMatch(f, r.other_org_name)) return true;
      for (const OtherOrgName& o : r.other_org_names)
        if (WordsMatch(f, o.name)) return true;
      return false;
  }
  return false;
}

uint32_t QueryFingerprint(const Query& q) {
  uint64_t h = kFnvOffset;
  auto bits = [&](double v) {
    uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    char digits[24];  // the bytes of std::to_string(b), without its allocation
    h = Fnv1a64(std::string_view(digits, std::to_chars(digits, digits + sizeof digits, b).ptr), h);
  };
  auto word = [&](std::string_view w) { h = Fnv1a64(w, h); };
  auto sorted = [&](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    word(std::to_string(v.size()));
    for (const std::string& x : v) word(x);
  };
  word(q.has_point ? "p" : "-");
  if (q.has_point) bits(q.lat), bits(q.lon), bits(q.radius_mi);
  sorted(q.taxonomies);
  word(std::to_string(q.modality));
  word(q.entity ? std::to_string(static_cast<int>(*q.entity)) : "-");
  word(q.state);
  word(std::string(1, q.sex == 0 ? '-' : q.sex));
  sorted(q.credentials);
  word(q.include_deactivated ? "d" : "-");
  word(q.has_secondary ? "s" : "-");
  word(std::to_string(q.text.size()));
  for (const std::string& w : q.text) word(w);  // in order: the last word is a prefix
  word(q.place);
  word(std::to_string(static_cast<int>(q.sort)));
  word(q.npi ? std::to_string(*q.npi) : "-");
  word(std::to_string(q.names.size()));
  for (const Query::NameFilter& f : q.names)
    word(std::to_string(static_cast<int>(f.field)) + (f.prefix ? "*" : "=") + f.words);
  word(std::to_string(q.postal.size()));
  for (const auto& [lo, hi] : q.postal) word(std::to_string(lo) + "-" + std::to_string(hi));
  return static_cast<uint32_t>(h ^ (h >> 32));
}

std::string EncodeCursor(const Query::Cursor& c) {
  char buf[112];
  std::snprintf(buf, sizeof buf, "c2.%c.%llx.%llx.%u.%x.%x", kSortLetters[static_cast<int>(c.sort)],
                static_cast<unsigned long long>(c.sort_key),
                static_cast<unsigned long long>(c.tie_key), c.npi, c.snapshot, c.query);
  return buf;
}

bool DecodeCursor(std::string_view text, Query::Cursor* c) {
  std::vector<std::string_view> parts;
  for (size_t at = 0;;) {
    size_t dot = text.find('.', at);
    parts.push_back(text.substr(at, dot == std::string_view::npos ? dot : dot - at));
    if (dot == std::string_view::npos) break;
    at = dot + 1;
  }
  if (parts.size() != 7 || parts[0] != "c2" || parts[1].size() != 1) return false;
  const char* s = std::find(std::begin(kSortLetters), std::end(kSortLetters), parts[1][0]);
  if (s == std::end(kSortLetters)) return false;
  c->sort = static_cast<Query::Sort>(s - kSortLetters);
  uint64_t npi, snap, query;
  if (!ParseHex(parts[2], &c->sort_key) || !ParseHex(parts[3], &c->tie_key) ||
      !ParseHex(parts[5], &snap) || snap > UINT32_MAX || !ParseHex(parts[6], &query) ||
      query > UINT32_MAX)
    return false;
  auto r = std::from_chars(parts[4].data(), parts[4].data() + parts[4].size(), npi);
  if (r.ec != std::errc() || r.ptr != parts[4].data() + parts[4].size() || npi > UINT32_MAX)
    return false;
  c->npi = static_cast<uint32_t>(npi);
  c->snapshot = static_cast<uint32_t>(snap);
  c->query = static_cast<uint32_t>(query);
  return EncodeCursor(*c) == text;  // one spelling per cursor
}

ModalityMask WantedModalities(const Query& q, const ModalityMap& modalities) {
  if (q.modality == kAnyModality)
    return static_cast<ModalityMask>((1u << modalities.modalities().size()) - 1);
  return q.modality >= 0 ? static_cast<ModalityMask>(1u << q.modality) : 0;
}

const std::vector<std::string>& SearchParameterNames() {
  static const std::vector<std::string> kNames = {"near",
                                                  "radius",
                                                  "city",
                                                  "taxonomy",
                                                  "modality",
                                                  "entity",
                                                  "state",
                                                  "sex",
                                                  "credential",
                                                  "include_deactivated",
                                                  "has_secondary",
                                                  "q",
                                                  "sort",
                                                  "limit",
                                                  "offset",
                                                  "cursor",
                                                  "number",
                                                  "postal_code",
                                                  "first_name",
                                                  "last_name",
                                                  "organization_name"};
  return kNames;
}

Status ParseQuery(const QueryParams& params, const ModalityMap& modalities, Query* q,
                  const Snapshot* snap) {
  *q = Query();
  static const std::set<std::string> kRepeatable = {"taxonomy", "credential"};
  static const std::set<std::string> kKnown(SearchParameterNames().begin(),
                                            SearchParameterNames().end());
  std::set<std::string> seen;
  std::string radius_text, sort_text, city_text, cursor_text;
  for (const auto& [name, value] : params) {
    if (!kKnown.count(name))
      return Refuse(name, "unknown parameter",
                    std::vector<std::string>(kKnown.begin(), kKnown.end()));
    if (!kRepeatable.count(name) && !seen.insert(name).second)
      return Refuse(name, "given more than once");
    if (name == "near") {
      size_t comma = value.find(',');
      if (comma == std::string::npos) {
        LatLon p;
        // A ZIP or a ZIP+4 ("53703-1234", "537031234").
        const std::string zip = ZipOf(value);
        if (zip.empty())
          return Refuse(name, "expected a 5-digit ZIP code (or ZIP+4) or \"lat,lon\"");
        if (ZctaTable::Embedded().Find(zip, &p)) {
          q->lat = p.lat, q->lon = p.lon;
        } else if (const GazetteerPlace* t = Gazetteer::Embedded().FindZip(zip)) {
          q->lat = t->lat, q->lon = t->lon;  // a PO-box ZIP: its town's centre
        } else {
          return Refuse(name, "ZIP code " + zip + " has no location in the Census ZIP table");
        }
      } else if (!ParseDouble(std::string_view(value).substr(0, comma), &q->lat) ||
                 !ParseDouble(std::string_view(value).substr(comma + 1), &q->lon) || q->lat < -90 ||
                 q->lat > 90 || q->lon < -180 || q->lon > 180) {
        return Refuse(name, "expected \"lat,lon\" with -90<=lat<=90 and -180<=lon<=180");
      }
      q->has_point = true;
    } else if (name == "radius") {
      radius_text = value;
    } else if (name == "taxonomy") {
      const std::string code = Upper(value);
      if (code.empty() || code.size() > 10 ||
          code.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)
        return Refuse(name, "expected a NUCC code or prefix such as 171100000X or 2251");
      if (!KnownTaxonomy(code, snap))
        return Refuse(
            name,
            "no NUCC taxonomy code is or starts with \"" + code + "\"; see /api/v1/taxonomies",
            NearTaxonomies(code));
      q->taxonomies.push_back(code);
    } else if (name == "modality") {
      const std::string id = Lower(value);
      q->modality = id == "any" ? kAnyModality : modalities.Find(id);
      if (q->modality == kNoModalityFilter) {
        std::vector<std::string> ids = {"any"};
        for (const Modality& m : modalities.modalities()) ids.push_back(m.id);
        return Refuse(name, "unknown modality \"" + value + "\"", ids);
      }
    } else if (name == "entity") {
      const std::string e = Lower(value);
      if (e == "individual")
        q->entity = EntityType::kIndividual;
      else if (e == "organization")
        q->entity = EntityType::kOrganization;
      else
        return Refuse(name, "expected individual or organization", {"individual", "organization"});
    } else if (name == "state") {
      q->state = Upper(value);
      if (StateTable::Embedded().Id(q->state) == 0)
        return Refuse(name, "unknown state code \"" + value + "\"", StateTable::Embedded().codes());
    } else if (name == "sex") {
      const std::string sex = Upper(value);
      if (sex != "F" && sex != "M") return Refuse(name, "expected F or M", {"F", "M"});
      q->sex = sex[0];
    } else if (name == "credential") {
      // The credential's letters and digits, joined: "Dipl. Ac." -> DIPLAC, which
      // CredentialTokens() also produces for the provider's text.
      std::string compact;
      for (char c : value) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
        if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) compact.push_back(c);
      }
      if (compact.empty()) return Refuse(name, "expected a credential such as L.Ac. or DPT");
      q->credentials.push_back(compact);
    } else if (name == "include_deactivated" || name == "has_secondary") {
      bool b;
      if (!ParseBool(value, &b)) return Refuse(name, "expected true or false", {"true", "false"});
      (name == "has_secondary" ? q->has_secondary : q->include_deactivated) = b;
    } else if (name == "sort") {
      sort_text = Lower(value);
      if (sort_text != "distance" && sort_text != "name" && sort_text != "relevance")
        return Refuse(name, "expected distance, relevance or name",
                      {"distance", "relevance", "name"});
    } else if (name == "q") {
      if (value.size() > kMaxTextBytes) return Refuse(name, "at most 200 characters");
      q->text = NormalizeTokens(value);
      if (q->text.empty()) return Refuse(name, "expected a name or city (letters or digits)");
      if (q->text.size() > kMaxTextWords) return Refuse(name, "at most 8 words");
    } else if (name == "city") {
      city_text = value;
    } else if (name == "cursor") {
      cursor_text = value;
    } else if (name == "number") {
      uint64_t npi = 0;
      if (value.size() != 10 || value.find_first_not_of("0123456789") != std::string::npos ||
          value[0] == '0')
        return Refuse(name, "expected a 10-digit NPI");
      std::from_chars(value.data(), value.data() + value.size(), npi);
      q->npi = static_cast<uint32_t>(npi);
    } else if (name == "first_name" || name == "last_name" || name == "organization_name") {
      std::string_view v = value;
      Query::NameFilter f;
      f.field = name == "first_name"  ? Query::NameFilter::Field::kFirst
                : name == "last_name" ? Query::NameFilter::Field::kLast
                                      : Query::NameFilter::Field::kOrganization;
      f.prefix = v.ends_with('*');
      if (f.prefix) v.remove_suffix(1);
      std::string joined;
      for (const std::string& w : NormalizeTokens(v)) joined += (joined.empty() ? "" : " ") + w;
      if (joined.empty() || v.size() > kMaxTextBytes)
        return Refuse(name, "expected a name (letters), at most 200 characters");
      if (f.prefix && joined.size() < 2) return Refuse(name, "give at least 2 letters before *");
      f.words = joined;
      q->names.push_back(std::move(f));
    } else if (name == "postal_code") {
      // 53703, 53703-1234, 537031234; or 53*, 537*, 5370*.
      std::string digits;
      for (char c : value)
        if (c != '-') digits.push_back(c);
      const bool wild = !digits.empty() && digits.back() == '*';
      if (wild) digits.pop_back();
      const bool ok = digits.find_first_not_of("0123456789") == std::string::npos &&
                      (wild ? digits.size() >= 2 && digits.size() <= 4
                            : digits.size() == 5 || digits.size() == 9);
      if (!ok)
        return Refuse(name, "expected a 5-digit ZIP code (or ZIP+4), or 2 to 4 digits then *");
      if (!wild) digits.resize(5);
      uint32_t lo = static_cast<uint32_t>(std::stoul(digits)), hi = lo;
      for (size_t n = digits.size(); n < 5; ++n) lo *= 10, hi = hi * 10 + 9;
      q->postal.emplace_back(lo, hi);
    } else if (name == "limit") {
      if (!ParseSize(value, &q->limit) || q->limit < 1 || q->limit > kMaxLimit)
        return Refuse(name, "expected a whole number from 1 to 100");
    } else if (name == "offset") {
      if (!ParseSize(value, &q->offset) || q->offset > kMaxOffset)
        return Refuse(name, "expected a whole number from 0 to 10000");
    }
  }
  if (!city_text.empty() || seen.count("city")) {
    if (q->has_point) return Refuse("city", "give near or city, not both");
    if (snap == nullptr) return Refuse("city", "city search needs a snapshot's places");
    Result<ResolvedPlace> place = ResolvePlace(*snap, city_text, q->state);
    if (!place.ok()) return place.status();
    q->has_point = true;
    q->lat = place->lat, q->lon = place->lon;
    q->place = place->label;
    q->place_listed = place->listed;
  }
  if (!radius_text.empty()) {
    if (!q->has_point) return Refuse("radius", "radius needs near or city");
    std::string_view v = radius_text;
    double factor = 1;
    if (v.ends_with("km"))
      v.remove_suffix(2), factor = 1 / kKmPerMile;
    else if (v.ends_with("mi"))
      v.remove_suffix(2);
    double r;
    if (!ParseDouble(v, &r) || r <= 0)
      return Refuse("radius", "expected a positive number with optional mi or km, e.g. 10mi");
    q->radius_mi = r * factor;
    if (q->radius_mi > kMaxRadiusMiles) return Refuse("radius", "at most 500 miles (805 km)");
  }
  if (sort_text == "distance" && !q->has_point)
    return Refuse("sort", "sorting by distance needs near or city");
  if (sort_text == "relevance" && q->text.empty())
    return Refuse("sort", "sorting by relevance needs q");
  if (!sort_text.empty())
    q->sort = sort_text == "name"        ? Query::Sort::kName
              : sort_text == "relevance" ? Query::Sort::kRelevance
                                         : Query::Sort::kDistance;
  else
    q->sort = q->has_point       ? Query::Sort::kDistance
              : !q->text.empty() ? Query::Sort::kRelevance
                                 : Query::Sort::kName;
  if (q->npi && (q->has_point || !q->text.empty()))
    return Refuse("number", "number looks up one NPI: give it without near, city or q");
  q->fingerprint = QueryFingerprint(*q);
  if (seen.count("cursor")) {
    Query::Cursor c;
    if (seen.count("offset")) return Refuse("cursor", "give offset or cursor, not both");
    // An older server's cursor (c1.) predates this one: like a reload.
    if (cursor_text.starts_with("c1."))
      return Refuse("cursor",
                    "the data was reloaded since this cursor was made; start from the first page")
          .WithReason("cursor_expired");
    if (!DecodeCursor(cursor_text, &c))
      return Refuse("cursor", "not a cursor; use next_cursor as given");
    if (snap == nullptr || c.snapshot != snap->id())
      return Refuse("cursor",
                    "the data was reloaded since this cursor was made; start from the first page")
          .WithReason("cursor_expired");
    if (c.sort != q->sort || c.query != q->fingerprint)
      return Refuse("cursor",
                    "this cursor belongs to a search with other filters or another sort; ask "
                    "again from the first page, or send the same filters with it")
          .WithReason("cursor_mismatch");
    q->cursor = c;
  }
  return Status::OK();
}

}  // namespace meridian
