#include "http/pages.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <kainjow/mustache.hpp>
#include <map>

#include "geo/distance.h"
#include "http/api.h"
#include "http/assets.h"
#include "http/query_string.h"
#include "ingest/nucc.h"
#include "knowledge/explain.h"
#include "query/executor.h"

namespace meridian {

namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

constexpr size_t kPageSize = 10;
constexpr int kRadii[] = {5, 10, 25, 50, 100};
constexpr double kMilesPerDegree = 69.09;

std::string Render(const std::string& name, const data& d) {
  mustache t(std::string(WebAsset("templates/" + name + ".mustache")));
  return t.render(d);
}

HttpResponse Html(const Dataset* ds, const std::string& title, const std::string& body,
                  int status = 200) {
  data layout;
  layout.set("title", title);
  layout.set("body", body);
  layout.set("synthetic", ds != nullptr && ds->snap->synthetic() ? data::type::bool_true
                                                                 : data::type::bool_false);
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = Render("layout", layout);
  return r;
}

data Bool(bool b) { return b ? data::type::bool_true : data::type::bool_false; }

// Sets `key` only for a non-empty value: mustache treats "" as true, and
// {{#key}}...{{/key}} sections must skip missing values.
void SetIf(data& d, const std::string& key, const std::string& value) {
  if (!value.empty()) d.set(key, value);
}

data List() { return data::type::list; }

std::string Get(const QueryParams& p, std::string_view name) {
  for (const auto& [k, v] : p)
    if (k == name) return v;
  return "";
}

std::string Encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string Href(const std::string& path, const QueryParams& p) {
  std::string out = path;
  char sep = '?';
  for (const auto& [k, v] : p) {
    if (v.empty()) continue;
    out += sep + Encode(k) + "=" + Encode(v);
    sep = '&';
  }
  return out;
}

QueryParams With(QueryParams p, const std::string& name, const std::string& value) {
  p.erase(std::remove_if(p.begin(), p.end(), [&](const auto& kv) { return kv.first == name; }),
          p.end());
  if (!value.empty()) p.emplace_back(name, value);
  return p;
}

std::string Phone(const std::string& digits) {
  if (digits.size() == 10 && digits.find_first_not_of("0123456789") == std::string::npos)
    return "(" + digits.substr(0, 3) + ") " + digits.substr(3, 3) + "-" + digits.substr(6);
  return digits;
}

std::string AddressLine(const Address& a) {
  std::string s = a.line1;
  if (!a.line2.empty()) s += ", " + a.line2;
  if (!a.city.empty()) s += ", " + a.city;
  if (!a.state.empty()) s += ", " + a.state;
  if (!a.postal_code.empty()) s += " " + a.postal_code.substr(0, 5);
  return s;
}

std::string Iso(uint64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

data ModalityList(const Dataset& d, const std::string& selected) {
  data list = List();
  for (const Modality& m : ModalityMap::Embedded().modalities()) {
    data item;
    item.set("id", m.id);
    item.set("label", m.label);
    const ModalityInfo* info = d.knowledge.FindModality(m.id);
    std::string what = info ? info->what_it_is.substr(0, info->what_it_is.find('.') + 1) : "";
    item.set("what", what);
    item.set("selected", Bool(m.id == selected));
    list.push_back(item);
  }
  return list;
}

// The NUCC codes of a classification ("Physical Therapist" -> 225100000X,
// 2251B1300X, ...), in code order, at most 40; built once from the embedded
// code set, which never changes.
const std::vector<std::string>& CodesOf(const std::string& classification) {
  static const std::map<std::string, std::vector<std::string>> by_class = [] {
    std::map<std::string, std::vector<std::string>> m;
    for (const TaxonomyInfo& t : TaxonomyTable::Embedded().rows())
      if (m[t.classification].size() < 40) m[t.classification].push_back(t.code);
    return m;
  }();
  static const std::vector<std::string> none;
  auto it = by_class.find(classification);
  return it == by_class.end() ? none : it->second;
}

// Form fields -> the API's query parameters.
QueryParams ToQuery(const QueryParams& form, std::string* where_error) {
  QueryParams q;
  std::string where = Get(form, "where");
  while (!where.empty() && where.back() == ' ') where.pop_back();
  while (!where.empty() && where.front() == ' ') where.erase(0, 1);
  const bool zip = where.size() == 5 && where.find_first_not_of("0123456789") == std::string::npos;
  const bool point = where.find(',') != std::string::npos &&
                     where.find_first_not_of("0123456789.,- ") == std::string::npos;
  if (point) where.erase(std::remove(where.begin(), where.end(), ' '), where.end());
  if (where.empty())
    *where_error = "Tell us where: a ZIP code or a city.";
  else
    q.emplace_back(zip || point ? "near" : "city", where);
  const std::string radius = Get(form, "radius");
  if (!radius.empty()) q.emplace_back("radius", radius + "mi");
  if (const std::string care = Get(form, "care"); !care.empty()) q.emplace_back("modality", care);
  if (const std::string name = Get(form, "q"); !name.empty()) q.emplace_back("q", name);
  for (const char* f : {"sex", "entity", "sort"})
    if (const std::string v = Get(form, f); !v.empty()) q.emplace_back(f, v);
  for (const auto& [k, v] : form)
    if (k == "taxonomy" && !v.empty()) q.emplace_back("taxonomy", v);
  const std::string page = Get(form, "page");
  int n = 1;
  if (!page.empty() && page.size() <= 4 &&
      page.find_first_not_of("0123456789") == std::string::npos)
    n = std::max(1, std::stoi(page));
  if (n > 1) q.emplace_back("offset", std::to_string((n - 1) * kPageSize));
  return q;
}

}  // namespace

HttpResponse PageHome(const Dataset& d, const QueryParams& params) {
  data v;
  v.set("modalities", ModalityList(d, ""));
  v.set("where", Get(params, "where"));
  v.set("q", Get(params, "q"));
  return Html(&d, "Find care", Render("home", v));
}

HttpResponse PageSearch(const Dataset& d, const QueryParams& form) {
  // Only the form's own fields are kept (they go back into every link).
  QueryParams kept;
  for (const auto& [k, val] : form)
    if (k == "where" || k == "care" || k == "q" || k == "radius" || k == "sort" || k == "page" ||
        k == "sex" || k == "entity" || k == "taxonomy")
      kept.emplace_back(k, val);
  const std::string where = Get(kept, "where"), care = Get(kept, "care"), name = Get(kept, "q");
  std::string radius_text = Get(kept, "radius");
  data v;
  v.set("where", where);
  v.set("q", name);
  v.set("modalities", ModalityList(d, care));
  const int radius = radius_text.empty() ? 25 : std::atoi(radius_text.c_str());
  data radii = List();
  for (int r : kRadii) {
    data item;
    item.set("value", std::to_string(r));
    item.set("selected", Bool(r == radius));
    radii.push_back(item);
  }
  v.set("radii", radii);
  data sorts = List();
  for (auto [value, label] :
       {std::pair{"", "Best match"}, {"distance", "Distance"}, {"name", "Name"}}) {
    data item;
    item.set("value", value);
    item.set("label", label);
    item.set("selected", Bool(Get(kept, "sort") == value));
    sorts.push_back(item);
  }
  v.set("sorts", sorts);
  const int mod = ModalityMap::Embedded().Find(care);
  const std::string care_label =
      mod >= 0 ? ModalityMap::Embedded().modalities()[static_cast<size_t>(mod)].label : "Care";
  v.set("heading", care_label + (where.empty() ? "" : " near " + where));
  v.set("dry_needling", Bool(care == "dry_needling"));

  std::string where_error;
  QueryParams query = ToQuery(kept, &where_error);
  Query q;
  QueryError qe;
  if (!where_error.empty() || !ParseQuery(query, ModalityMap::Embedded(), &q, &qe, d.snap.get())) {
    data err;
    if (!where_error.empty()) {
      err.set("message", where_error);
    } else {
      const std::string field = qe.param == "near" || qe.param == "city" ? "Where" : qe.param;
      err.set("message", field + ": " + qe.message);
    }
    data sugg = List();
    if (qe.param == "city")
      for (const std::string& s : qe.suggestions) {
        data item;
        item.set("label", s);
        item.set("href", Href("/search", With(kept, "where", s)));
        sugg.push_back(item);
      }
    err.set("has_suggestions", Bool(qe.param == "city" && !qe.suggestions.empty()));
    err.set("suggestions", sugg);
    v.set("error", err);
    return Html(&d, "Search", Render("results", v), 400);
  }
  const SearchResult r = Execute(*d.index, q);
  const size_t page = q.offset / kPageSize + 1;
  if (r.total == 0) {
    data empty;
    std::string reason = "We found no " + Lower(care_label) + " providers";
    if (!name.empty()) reason += " named \"" + name + "\"";
    reason += " within " + std::to_string(radius) + " miles of " + where + ".";
    empty.set("reason", reason);
    if (radius < 100) {
      const int wider = radius < 25 ? 25 : radius < 50 ? 50 : 100;
      empty.set("wider",
                Href("/search", With(With(kept, "radius", std::to_string(wider)), "page", "")));
      empty.set("wider_radius", std::to_string(wider));
    }
    if (!name.empty())
      empty.set("without_name", Href("/search", With(With(kept, "q", ""), "page", "")));
    if (!care.empty())
      empty.set("any_care", Href("/search", With(With(kept, "care", ""), "page", "")));
    // Nearby places with the most providers, within 60 miles.
    if (q.has_point) {
      std::vector<std::pair<const Place*, double>> near;
      for (const Place& p : d.snap->places()) {
        if (p.geocoded == 0) continue;
        const double miles = HaversineMiles(q.lat, q.lon, p.lat, p.lon);
        if (miles > 1 && miles <= 60) near.emplace_back(&p, miles);
      }
      std::sort(near.begin(), near.end(), [](const auto& a, const auto& b) {
        return a.first->rows != b.first->rows ? a.first->rows > b.first->rows
                                              : a.first->city < b.first->city;
      });
      data nearby = List();
      for (size_t i = 0; i < std::min<size_t>(3, near.size()); ++i) {
        const std::string state(d.snap->states().Code(near[i].first->state));
        const std::string label =
            CityDisplay(near[i].first->city) + (state.empty() ? "" : ", " + state);
        data item;
        item.set("label", label);
        item.set("href", Href("/search", With(With(kept, "where", label), "page", "")));
        item.set("miles", std::to_string(static_cast<int>(std::lround(near[i].second))));
        nearby.push_back(item);
      }
      empty.set("nearby", nearby);
    }
    v.set("empty", empty);
    return Html(&d, "Search", Render("results", v));
  }
  v.set("has_results", Bool(true));
  v.set("total_text", std::to_string(r.total) + (r.total == 1 ? " provider" : " providers") +
                          " found. Page " + std::to_string(page) + ".");
  v.set("first_number", std::to_string(q.offset + 1));
  // Results, and the map of the same rows.
  data results = List(), markers = List();
  size_t n = q.offset;
  for (const SearchHit& h : r.hits) {
    Record rec;
    if (!d.snap->GetRecord(h.row, &rec).ok()) continue;
    const Location& loc = h.location == 0 ? rec.practice : rec.secondary.at(h.location - 1);
    data item;
    item.set("npi", NpiToString(rec.npi));
    item.set("name", rec.DisplayName());
    SetIf(item, "credential", rec.credential);
    const uint16_t pt = d.snap->primary_taxonomy(h.row);
    item.set("type", pt != snapshot::kNoTaxonomy ? d.snap->taxonomy().entry(pt).info.display_name
                                                 : std::string("Type not given"));
    item.set("address", AddressLine(loc.address));
    SetIf(item, "phone", loc.address.phone);
    SetIf(item, "phone_display", Phone(loc.address.phone));
    if (q.has_point) {
      char dist[16];
      std::snprintf(dist, sizeof dist, "%.1f", std::round(h.distance_mi * 10) / 10);
      item.set("distance", dist);
    }
    results.push_back(item);
    ++n;
    if (q.has_point && loc.precision != GeoPrecision::kNone) {
      const double scale = 140.0 / q.radius_mi;
      const double dx = (loc.lon - q.lon) * std::cos(q.lat * M_PI / 180) * kMilesPerDegree;
      const double dy = (loc.lat - q.lat) * kMilesPerDegree;
      const int x = static_cast<int>(std::clamp(160 + dx * scale, 10.0, 310.0));
      const int y = static_cast<int>(std::clamp(160 - dy * scale, 10.0, 310.0));
      data m;
      m.set("x", std::to_string(x));
      m.set("y", std::to_string(y));
      m.set("ty", std::to_string(y + 4));
      m.set("n", std::to_string(n));
      markers.push_back(m);
    }
  }
  v.set("results", results);
  if (q.has_point) {
    data map;
    map.set("markers", markers);
    map.set("ring", "140");
    map.set("radius", std::to_string(radius));
    map.set("shown", std::to_string(r.hits.size()));
    v.set("map", map);
  }
  if (page > 1)
    v.set("prev", Href("/search", With(kept, "page", page == 2 ? "" : std::to_string(page - 1))));
  if (q.offset + kPageSize < r.total && q.offset + kPageSize <= kMaxOffset)
    v.set("next", Href("/search", With(kept, "page", std::to_string(page + 1))));
  // Facets: each a link that adds (or, when active, removes) its filter.
  data groups = List();
  auto group = [&](const std::string& title, data items) {
    data g;
    g.set("name", title);
    g.set("items", items);
    groups.push_back(g);
  };
  auto facet_item = [&](const std::string& label, uint64_t count, const std::string& field,
                        const std::string& value) {
    data item;
    const bool active = Get(kept, field) == value;
    item.set("label", label);
    item.set("count", std::to_string(count));
    item.set("active", Bool(active));
    item.set("href", Href("/search", With(With(kept, field, active ? "" : value), "page", "")));
    return item;
  };
  {
    data items = List();
    const auto& mods = ModalityMap::Embedded().modalities();
    for (size_t m = 0; m < mods.size(); ++m)
      if (r.facets.modality[m] > 0)
        items.push_back(facet_item(mods[m].label, r.facets.modality[m], "care", mods[m].id));
    group("Kind of care", items);
  }
  if (q.has_point) {
    data items = List();
    for (size_t b = 0; b < kDistanceBandsMiles.size(); ++b) {
      const int miles = static_cast<int>(kDistanceBandsMiles[b]);
      if (miles > radius) break;
      items.push_back(facet_item("Within " + std::to_string(miles) + " miles",
                                 r.facets.distance_bands[b], "radius", std::to_string(miles)));
    }
    group("Distance", items);
  }
  {
    data items = List();
    for (const auto& [key, count] : r.facets.classification) {
      // The classification's codes from the NUCC table, as taxonomy filters.
      const std::vector<std::string>& codes = CodesOf(key);
      if (codes.empty()) continue;
      std::vector<std::string> current;
      for (const auto& [k, val] : kept)
        if (k == "taxonomy") current.push_back(val);
      const bool active = current == codes;
      data item;
      item.set("label", key);
      item.set("count", std::to_string(count));
      item.set("active", Bool(active));
      QueryParams p = With(With(kept, "taxonomy", ""), "page", "");
      if (!active)
        for (const std::string& c : codes) p.emplace_back("taxonomy", c);
      item.set("href", Href("/search", p));
      items.push_back(item);
    }
    group("Practitioner type", items);
  }
  {
    data items = List();
    for (auto [key, label] : {std::pair{"F", "Women"}, {"M", "Men"}}) {
      auto it = r.facets.sex.find(key);
      if (it != r.facets.sex.end()) items.push_back(facet_item(label, it->second, "sex", key));
    }
    group("Sex (as reported)", items);
  }
  {
    data items = List();
    for (auto [key, label] :
         {std::pair{"individual", "A person"}, {"organization", "A clinic or group"}}) {
      auto it = r.facets.entity.find(key);
      if (it != r.facets.entity.end())
        items.push_back(facet_item(label, it->second, "entity", key));
    }
    group("Person or clinic", items);
  }
  v.set("facet_groups", groups);
  return Html(&d, care_label + " search", Render("results", v));
}

HttpResponse PageProvider(const Dataset& d, const std::string& npi_text, bool reports_on) {
  uint32_t npi = 0;
  if (!ParseNpi(npi_text, &npi))
    return PageMessage(&d, 404, "Not found", "That is not an NPI number.");
  const int64_t row = d.snap->Find(npi);
  if (row < 0) return PageMessage(&d, 404, "Not found", "We have no provider with that number.");
  Record rec;
  if (!d.snap->GetRecord(static_cast<size_t>(row), &rec).ok())
    return PageMessage(&d, 500, "Something went wrong", "We could not read this listing.");
  if (rec.entity == EntityType::kDeactivated)
    return PageMessage(&d, 410, "This listing was closed",
                       "This NPI was deactivated on " + FormatIsoDate(rec.deactivation_date) + ".");
  const Explanation e = Explain(d.knowledge, ModalityMap::Embedded(), rec);
  data v;
  v.set("npi", NpiToString(rec.npi));
  v.set("name", rec.DisplayName());
  SetIf(v, "credential", rec.credential);
  v.set("kind", rec.entity == EntityType::kOrganization ? "Organization" : "Individual");
  const int p = rec.PrimaryTaxonomyIndex();
  auto plain = [&](const std::string& code) {
    const TaxonomyInfo* t = TaxonomyTable::Embedded().Find(code);
    return t ? t->display_name : code;
  };
  if (p >= 0) v.set("primary", plain(rec.taxonomies[static_cast<size_t>(p)].code));
  data locations = List();
  auto add_location = [&](const Location& l) {
    data item;
    item.set("address", AddressLine(l.address));
    SetIf(item, "phone", l.address.phone);
    item.set("phone_display", Phone(l.address.phone));
    if (l.precision != GeoPrecision::kNone) {
      char url[128];
      std::snprintf(url, sizeof url, "https://www.openstreetmap.org/directions?to=%.5f%%2C%.5f",
                    static_cast<double>(l.lat), static_cast<double>(l.lon));
      item.set("directions", url);
    }
    locations.push_back(item);
  };
  add_location(rec.practice);
  for (const Location& l : rec.secondary) add_location(l);
  v.set("locations", locations);
  data tax = List();
  for (const TaxonomySlot& t : rec.taxonomies) {
    data item;
    item.set("name", plain(t.code));
    item.set("code", t.code);
    SetIf(item, "license",
          t.license_number.empty()
              ? ""
              : t.license_number + (t.license_state.empty() ? "" : " in " + t.license_state));
    tax.push_back(item);
  }
  v.set("taxonomies", tax);
  data cards = List();
  for (const Credential* c : e.cards) {
    data item;
    item.set("name", c->name);
    item.set("is_credential", Bool(c->is_credential));
    item.set("granted_by", c->granted_by);
    item.set("requirements", c->requirements);
    item.set("hours", TrainingHoursText(*c));
    item.set("kept_current", c->kept_current);
    item.set("tells_you", c->tells_you);
    item.set("does_not_tell_you", c->does_not_tell_you);
    data sources = List();
    for (const std::string& s : c->sources) sources.push_back(data(s));
    item.set("sources", sources);
    item.set("as_of", c->as_of);
    item.set("confidence", c->confidence);
    cards.push_back(item);
  }
  v.set("cards", cards);
  data notes = List();
  for (const StateNote& n : e.notes) {
    data item;
    item.set("text", n.text);
    data sources = List();
    for (const std::string& s : n.rule->sources) sources.push_back(data(s));
    item.set("sources", sources);
    item.set("as_of", n.rule->as_of);
    item.set("confidence", n.rule->confidence);
    notes.push_back(item);
  }
  v.set("notes", notes);
  data cautions = List();
  for (const std::string& c : e.cautions) cautions.push_back(data(c));
  v.set("cautions", cautions);
  v.set("updated", FormatIsoDate(rec.last_update_date));
  if (rec.entity == EntityType::kOrganization) {
    data org;
    org.set("npi", NpiToString(rec.npi));
    v.set("organization", org);
  }
  v.set("reports_on", Bool(reports_on));
  return Html(&d, rec.DisplayName(), Render("provider", v));
}

HttpResponse PageOrganization(const Dataset& d, const std::string& npi_text) {
  uint32_t npi = 0;
  if (!ParseNpi(npi_text, &npi))
    return PageMessage(&d, 404, "Not found", "That is not an NPI number.");
  const int64_t row = d.snap->Find(npi);
  Record org;
  if (row < 0 || !d.snap->GetRecord(static_cast<size_t>(row), &org).ok() ||
      org.entity != EntityType::kOrganization)
    return PageMessage(&d, 404, "Not found", "We have no organization with that number.");
  data v;
  v.set("npi", npi_text);
  v.set("name", org.org_name);
  data locations = List();
  for (const Location* l : {&org.practice}) {
    data item;
    item.set("address", AddressLine(l->address));
    SetIf(item, "phone", l->address.phone);
    item.set("phone_display", Phone(l->address.phone));
    locations.push_back(item);
  }
  for (const Location& l : org.secondary) {
    data item;
    item.set("address", AddressLine(l.address));
    SetIf(item, "phone", l.address.phone);
    item.set("phone_display", Phone(l.address.phone));
    locations.push_back(item);
  }
  v.set("locations", locations);
  v.set("rule",
        "We list only links that NPPES states: parts of this organization that name it as their "
        "parent, and providers whose contact record says they belong to it. Sharing an address or "
        "phone is not a link.");
  data providers = List();
  for (uint32_t r : OrganizationLinks(d, org.org_name)) {
    if (r == static_cast<uint32_t>(row) || providers.list_value().size() >= 200) continue;
    Record rec;
    if (!d.snap->GetRecord(r, &rec).ok()) continue;
    data item;
    item.set("npi", NpiToString(rec.npi));
    item.set("name", rec.DisplayName());
    SetIf(item, "credential", rec.credential);
    const uint16_t pt = d.snap->primary_taxonomy(r);
    item.set("type",
             pt != snapshot::kNoTaxonomy ? d.snap->taxonomy().entry(pt).info.display_name : "");
    providers.push_back(item);
  }
  v.set("providers", providers);
  return Html(&d, org.org_name, Render("organization", v));
}

HttpResponse PageGuide(const Dataset& d) {
  data v, questions = List();
  for (const GuideQuestion& q : d.guide->questions()) {
    data item, options = List();
    item.set("id", q.id);
    item.set("question", q.question);
    SetIf(item, "help", q.help);
    for (const auto& [value, label] : q.options) {
      data o;
      o.set("qid", q.id);
      o.set("value", value);
      o.set("label", label);
      o.set("input", q.many ? "checkbox" : "radio");
      options.push_back(o);
    }
    item.set("options", options);
    questions.push_back(item);
  }
  v.set("questions", questions);
  return Html(&d, "Help me choose", Render("guide", v));
}

HttpResponse PageGuideResult(const Dataset& d, const std::string& body) {
  QueryParams form;
  if (!ParseQueryString(body, &form).ok())
    return PageMessage(&d, 400, "We could not read your answers", "Please try the guide again.");
  GuideAnswers answers(form.begin(), form.end());
  auto r = d.guide->Evaluate(answers);
  if (!r.ok()) return PageMessage(&d, 400, "We could not read your answers", r.status().message());
  data v;
  v.set("urgent_any", Bool(!r->urgent.empty()));
  data urgent = List();
  for (const GuideRule* u : r->urgent) {
    data item;
    item.set("text", u->text);
    urgent.push_back(item);
  }
  v.set("urgent", urgent);
  data notices = List();
  for (const GuideRule* n : r->notices) notices.push_back(data(n->text));
  v.set("notices", notices);
  data options = List();
  const ModalityMap& mods = ModalityMap::Embedded();
  for (const GuideOption& o : r->options) {
    data item;
    const std::string label = mods.modalities()[static_cast<size_t>(mods.Find(o.info->id))].label;
    item.set("id", o.info->id);
    item.set("label", label);
    item.set("label_lower", Lower(label));
    item.set("what", o.info->what_it_is);
    item.set("visit", o.info->visit);
    item.set("tried", Bool(o.tried));
    data fits = List(), conflicts = List();
    for (const std::string& f : o.fits) fits.push_back(data(f));
    for (const std::string& c : o.conflicts) conflicts.push_back(data(c));
    item.set("fits", fits);
    item.set("conflicts", conflicts);
    item.set("has_marks", Bool(!o.fits.empty() || !o.conflicts.empty()));
    auto evidence = [](const std::vector<const Evidence*>& rows) {
      data list = List();
      for (const Evidence* e : rows) {
        data x;
        x.set("text", e->text);
        x.set("certainty", e->certainty);
        x.set("citation", e->citation);
        list.push_back(x);
      }
      return list;
    };
    item.set("benefits", evidence(o.benefits));
    item.set("harms", evidence(o.harms));
    if (!o.benefit_gap.empty()) item.set("benefit_gap", o.benefit_gap);
    if (!o.harm_gap.empty()) item.set("harm_gap", o.harm_gap);
    data cautions = List(), ask = List();
    for (const GuideRule* c : o.cautions) cautions.push_back(data(c->text));
    for (const GuideRule* a : o.ask) ask.push_back(data(a->text));
    item.set("cautions", cautions);
    item.set("has_cautions", Bool(!o.cautions.empty()));
    item.set("ask", ask);
    options.push_back(item);
  }
  v.set("options", options);
  HttpResponse resp = Html(&d, "Your options", Render("guide_result", v));
  resp.headers.emplace_back("Cache-Control", "no-store");
  return resp;
}

HttpResponse PageAbout(const Dataset& d) {
  data v;
  v.set("records", std::to_string(d.snap->size()));
  v.set("built", Iso(d.snap->created_unix()));
  v.set("synthetic", Bool(d.snap->synthetic()));
  return Html(&d, "About the data", Render("about", v));
}

HttpResponse PageReport(const Dataset& d, const std::string& body, ReportStore* store) {
  if (store == nullptr)
    return PageMessage(&d, 404, "Reports are off", "This server does not take reports.");
  QueryParams form;
  if (!ParseQueryString(body, &form).ok())
    return PageMessage(&d, 400, "We could not read the form", "Please go back and try again.");
  const std::string npi = Get(form, "npi"), kind = Get(form, "kind"),
                    details = Get(form, "details");
  uint32_t packed = 0;
  if (!ParseNpi(npi, &packed) || d.snap->Find(packed) < 0)
    return PageMessage(&d, 400, "We could not send the report", "The listing number is not valid.");
  if (kind != "address" && kind != "credential" && kind != "closed" && kind != "other")
    return PageMessage(&d, 400, "We could not send the report", "Please pick what is wrong.");
  if (details.size() > 2000)
    return PageMessage(&d, 400, "We could not send the report",
                       "Please keep it under 2,000 letters.");
  Status s = store->Add(packed, kind, details);
  if (!s.ok())
    return PageMessage(&d, 500, "We could not save the report", "Please try again later.");
  data v;
  v.set("heading", "Thank you");
  v.set("message", "We saved your report. The people who run this site will look at it.");
  v.set("back", "/provider/" + npi);
  v.set("back_label", "Back to the listing");
  return Html(&d, "Thank you", Render("message", v));
}

HttpResponse PageMessage(const Dataset* d, int status, const std::string& heading,
                         const std::string& message) {
  data v;
  v.set("heading", heading);
  v.set("message", message);
  v.set("back", "/");
  v.set("back_label", "Go to the start page");
  return Html(d, heading, Render("message", v), status);
}

HttpResponse StaticFile(const std::string& name) {
  const std::string_view bytes = WebAsset("static/" + name);
  HttpResponse r;
  if (bytes.empty()) {
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "not found";
    return r;
  }
  r.content_type = name.ends_with(".css")  ? "text/css; charset=utf-8"
                   : name.ends_with(".js") ? "text/javascript; charset=utf-8"
                                           : "application/octet-stream";
  r.body = std::string(bytes);
  r.headers.emplace_back("Cache-Control", "public, max-age=3600");
  return r;
}

}  // namespace meridian
