// The home page and the search results page.
#include <algorithm>
#include <cmath>
#include <map>

#include "geo/distance.h"
#include "geo/zcta.h"
#include "http/api.h"
#include "http/digest_pages.h"
#include "http/map_outlines.h"
#include "http/page_kit.h"
#include "http/pages.h"
#include "query/care_words.h"
#include "query/executor.h"
#include "query/places.h"
#include "refdata/nucc.h"
#include "snapshot/places.h"
#include "text/display_case.h"
#include "text/sentences.h"
#include "util/ascii.h"

namespace meridian {

using namespace page;  // NOLINT: the page kit is this file's vocabulary

namespace {

constexpr size_t kPageSize = 10;
// The radius menu: up to the API's limit (kMaxRadiusMiles), for rural places.
constexpr int kRadii[] = {5, 10, 25, 50, 100, 250, 500};

data ModalityList(const Dataset& d, const std::string& selected) {
  data list = List();
  for (const Modality& m : ModalityMap::Embedded().modalities()) {
    data item;
    item.set("id", m.id);
    item.set("label", m.label);
    const ModalityInfo* info = d.knowledge.FindModality(m.id);
    std::string what = info ? std::string(FirstSentence(info->what_it_is)) : "";
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

std::string Trimmed(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  return s;
}

// Form fields -> the API's query parameters. "Any of these" kinds of care
// (no care chosen) means any of Meridian's modalities, never every provider.
// REQUIRES: `where` is not blank.
QueryParams ToQuery(const QueryParams& form) {
  QueryParams q;
  std::string where = Trimmed(Get(form, "where"));
  // A ZIP or a ZIP+4 goes to `near` as its five digits.
  const std::string zip5 = ZipOf(where);
  const bool zip = !zip5.empty();
  if (zip) where = zip5;
  const bool point = where.find(',') != std::string::npos &&
                     where.find_first_not_of("0123456789.,- ") == std::string::npos;
  if (point) where.erase(std::remove(where.begin(), where.end(), ' '), where.end());
  q.emplace_back(zip || point ? "near" : "city", where);
  const std::string radius = Get(form, "radius");
  if (!radius.empty()) q.emplace_back("radius", radius + "mi");
  const std::string care = Get(form, "care");
  q.emplace_back("modality", care.empty() ? "any" : care);
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

// Nothing within the radius: wider searches to try, and the nearest match
// anywhere within the API's limit, named with its distance and town (never a
// town inside the circle just searched).
// A record that does not decode is Corruption (the page answers 500).
Status EmptyHelp(const Dataset& d, const Query& q, const QueryParams& kept,
                 const std::string& care_label, const std::string& name, int radius,
                 const std::string& place, data* out) {
  data& empty = *out;
  empty = data();
  std::string reason = "We found no " + AsciiLower(care_label) + " providers";
  if (!name.empty()) reason += " named \"" + name + "\"";
  reason += " within " + std::to_string(radius) + " miles of " + place + ".";
  empty.set("reason", reason);
  // Another search is offered only when it finds someone, with its count.
  auto count = [&d](Query c) {
    c.limit = 1, c.offset = 0;
    c.cursor.reset();
    const SearchResult r = Execute(*d.index, c, d.search);
    return r.too_broad ? 0 : r.total;  // offered only when it is cheap to answer
  };
  auto found = [](uint64_t n, const std::string& where) {
    return std::to_string(n) + (n == 1 ? " provider" : " providers") + where;
  };
  const std::string here =
      q.has_point ? " within " + std::to_string(radius) + " miles" : std::string();
  if (!name.empty()) {
    Query c = q;
    c.text.clear();
    if (const uint64_t n = count(c); n > 0) {
      empty.set("without_name", Href("/search", With(With(kept, "q", ""), "page", "")));
      empty.set("without_name_count", found(n, here));
    }
  }
  if (!Get(kept, "care").empty()) {
    Query c = q;
    c.modality = kNoModalityFilter;
    if (const uint64_t n = count(c); n > 0) {
      empty.set("any_care", Href("/search", With(With(kept, "care", ""), "page", "")));
      empty.set("any_care_count", found(n, here));
    }
  }
  if (!q.has_point) return Status::OK();
  Query nearest = q;
  nearest.radius_mi = kMaxRadiusMiles;
  nearest.sort = Query::Sort::kDistance;
  nearest.limit = 1, nearest.offset = 0;
  nearest.cursor.reset();
  const SearchResult r = Execute(*d.index, nearest, d.search);
  if (r.too_broad) return Status::OK();  // we cannot say; offer nothing
  if (r.hits.empty()) {
    empty.set("none_within", "We list none within " +
                                 std::to_string(static_cast<int>(kMaxRadiusMiles)) +
                                 " miles, the farthest we search.");
    return Status::OK();
  }
  const SearchHit& h = r.hits[0];
  Record rec;
  MERIDIAN_RETURN_IF_ERROR(d.snap->GetRecord(h.row, &rec));
  const Location* at = rec.LocationAt(h.location);
  if (at == nullptr) return Status::Corruption("a hit names a location the record lacks");
  const Location& loc = *at;
  const int miles = static_cast<int>(std::ceil(h.distance_mi));
  data n;
  n.set("text", "The nearest " + AsciiLower(care_label) + " provider we list" +
                    (name.empty() ? "" : " with that name") + " is " + std::to_string(miles) +
                    (miles == 1 ? " mile" : " miles") + " away in " +
                    DisplayAddressCase(loc.address.city) + ", " + loc.address.state + ".");
  n.set("name", ReadableName(rec));
  n.set("href", "/provider/" + NpiToString(rec.npi));
  int wider = kRadii[std::size(kRadii) - 1];
  for (int rr : kRadii)
    if (rr >= miles && rr > radius) {
      wider = rr;
      break;
    }
  n.set("wider_radius", std::to_string(wider));
  Query w = q;
  w.radius_mi = wider;
  n.set("wider_count", found(count(w), ""));
  n.set("wider", Href("/search", With(With(kept, "radius", std::to_string(wider)), "page", "")));
  // A nearby place: the nearest match's town, searched at the same radius
  // (offered only when that finds someone, which it does unless the town's
  // centre is farther from the match than the radius).
  const uint32_t pid = d.snap->place(h.row);
  if (pid < d.snap->places().size()) {
    const Place& town = d.snap->places()[pid];
    Query there = q;
    there.lat = town.lat, there.lon = town.lon;
    const std::string label = PlaceLabel(*d.snap, town);
    if (const uint64_t c = count(there); c > 0 && town.geocoded > 0 && label != place) {
      const int away =
          static_cast<int>(std::lround(HaversineMiles(q.lat, q.lon, town.lat, town.lon)));
      n.set("town",
            label + " (" + std::to_string(away) + (away == 1 ? " mile" : " miles") + " away)");
      n.set("town_count", found(c, " within " + std::to_string(radius) + " miles"));
      n.set("town_href", Href("/search", With(With(kept, "where", label), "page", "")));
    }
  }
  empty.set("nearest", n);
  return Status::OK();
}

// The practitioner-type facet: each classification's NUCC codes as taxonomy
// filters (all of them at once), active when exactly those are set.
data TypeFacet(const SearchResult& r, const QueryParams& kept) {
  data items = List();
  std::vector<std::string> current;
  for (const auto& [k, val] : kept)
    if (k == "taxonomy") current.push_back(val);
  for (const auto& [name, count] : r.facets.classification) {
    const std::string key(name);
    const std::vector<std::string>& codes = CodesOf(key);
    if (codes.empty()) continue;
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
  return items;
}

// Only the form's own fields are kept (they go back into every link).
QueryParams FormFields(const QueryParams& form) {
  QueryParams kept;
  for (const auto& [k, val] : form)
    if (k == "where" || k == "care" || k == "q" || k == "radius" || k == "sort" || k == "page" ||
        k == "sex" || k == "entity" || k == "taxonomy" || k == "as")
      kept.emplace_back(k, val);
  return kept;
}

// The radius the form asks for, in miles (25 when not given or not a number).
int FormRadius(const QueryParams& kept) {
  const std::string text = Get(kept, "radius");
  const int r = text.empty() ? 25 : std::atoi(text.c_str());
  return r > 0 ? r : 25;
}

// One box: a kind of care typed where a name goes ("physical therapy",
// "acupuncturist smith") searches for that care, and says so.
void UnderstandCareWords(const ModalityMap& mods, QueryParams* kept, data* v) {
  if (Get(*kept, "as") == "name") return;
  const std::string typed = Get(*kept, "q");
  const CareWords cw = FindCareWords(typed, mods);
  const std::string care_now = Get(*kept, "care");
  if (cw.modality < 0 ||
      (!care_now.empty() && care_now != mods.modalities()[static_cast<size_t>(cw.modality)].id))
    return;
  const Modality& m = mods.modalities()[static_cast<size_t>(cw.modality)];
  data u;
  u.set("typed", typed);
  u.set("care", AsciiLower(m.label));
  SetIf(u, "rest", cw.rest);
  u.set("as_name", Href("/search", With(With(*kept, "as", "name"), "page", "")));
  v->set("understood", u);
  *kept = With(With(*kept, "care", m.id), "q", cw.rest);
}

data RadiusChoices(int radius) {
  data radii = List();
  for (int r : kRadii) {
    data item;
    item.set("value", std::to_string(r));
    item.set("selected", Bool(r == radius));
    radii.push_back(item);
  }
  return radii;
}

data SortChoices(const std::string& sort) {
  data sorts = List();
  for (auto [value, label] :
       {std::pair{"", "Best match"}, {"distance", "Distance"}, {"name", "Name"}}) {
    data item;
    item.set("value", value);
    item.set("label", label);
    item.set("selected", Bool(sort == value));
    sorts.push_back(item);
  }
  return sorts;
}

// A refused search as the page shows it: the field in words, the reason,
// and for an unclear city the places it may mean, as links.
data RefusedView(const Status& refused, const QueryParams& kept) {
  data err;
  const std::string& param = refused.param();
  const std::string field = param == "near" || param == "city" ? "Where" : param;
  err.set("message", field + ": " + refused.message());
  data sugg = List();
  if (param == "city")
    for (const std::string& s : refused.suggestions()) {
      data item;
      item.set("label", s);
      item.set("href", Href("/search", With(kept, "where", s)));
      sugg.push_back(item);
    }
  err.set("has_suggestions", Bool(param == "city" && !refused.suggestions().empty()));
  err.set("suggestions", sugg);
  return err;
}

// The page's results, and the map of the same rows (with a point).
// `fixes` (may be null): the editors' corrections, by NPI.
Status SetResultsAndMap(const Dataset& d, const Query& q, const SearchResult& r, int radius,
                        const CorrectionMap* fixes, data* v) {
  data results = List(), markers = List();
  size_t n = q.offset;
  for (const SearchHit& h : r.hits) {
    Record rec;
    MERIDIAN_RETURN_IF_ERROR(d.snap->GetRecord(h.row, &rec));
    const Location* at = rec.LocationAt(h.location);
    if (at == nullptr) return Status::Corruption("a hit names a location the record lacks");
    const Location& loc = *at;
    data item;
    item.set("npi", NpiToString(rec.npi));
    item.set("name", ReadableName(rec));
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
    if (fixes != nullptr && fixes->count(rec.npi)) item.set("corrected", Bool(true));
    results.push_back(item);
    ++n;
    if (q.has_point && loc.precision != GeoPrecision::kNone) {
      const double scale = 140.0 / q.radius_mi;
      const double dx = (loc.lon - q.lon) * std::cos(q.lat * M_PI / 180) * kMilesPerDegreeLat;
      const double dy = (loc.lat - q.lat) * kMilesPerDegreeLat;
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
  v->set("results", results);
  if (q.has_point) {
    data map;
    map.set("markers", markers);
    map.set("ring", "140");
    // State and county lines around the point, in the markers' projection.
    MapOutlines::View view;
    view.lat = q.lat, view.lon = q.lon, view.px_per_mile = 140.0 / q.radius_mi;
    view.counties = q.radius_mi <= 100;
    const MapOutlines::Paths paths = MapOutlines::Embedded().Draw(view);
    SetIf(map, "states_path", paths.states);
    SetIf(map, "counties_path", paths.counties);
    map.set("borders", view.counties ? "state and county borders" : "state borders and coasts");
    // A scale bar: the largest round distance no wider than 120 px.
    double miles = 1;
    for (double m : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0})
      if (m * view.px_per_mile <= 120) miles = m;
    map.set("scale_x2", std::to_string(static_cast<int>(10 + miles * view.px_per_mile)));
    map.set("scale_label",
            std::to_string(static_cast<int>(miles)) + (miles == 1 ? " mile" : " miles"));
    map.set("radius", std::to_string(radius));
    map.set("shown", std::to_string(r.hits.size()));
    v->set("map", map);
  }
  return Status::OK();
}

// Facets: each a link that adds (or, when active, removes) its filter.
data FacetGroups(const SearchResult& r, const Query& q, const QueryParams& kept, int radius) {
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
  group("Practitioner type", TypeFacet(r, kept));
  {
    data items = List();
    for (auto [key, label] : {std::pair{"F", "Women"}, {"M", "Men"}}) {
      if (const uint64_t n = r.facets.sex.Get(key))
        items.push_back(facet_item(label, n, "sex", key));
    }
    group("Sex (as reported)", items);
  }
  {
    data items = List();
    for (auto [key, label] :
         {std::pair{"individual", "A person"}, {"organization", "A clinic or group"}}) {
      if (const uint64_t n = r.facets.entity.Get(key))
        items.push_back(facet_item(label, n, "entity", key));
    }
    group("Person or clinic", items);
  }
  return groups;
}

}  // namespace

HttpResponse PageHome(const Dataset& d, const QueryParams& params, bool digest) {
  data v;
  v.set("modalities", ModalityList(d, ""));
  v.set("where", Get(params, "where"));
  v.set("q", Get(params, "q"));
  data recent = List();
  for (size_t i = 0; i < d.content->articles().size() && i < 3; ++i) {
    const content::Article& a = d.content->articles()[i];
    data item;
    item.set("slug", a.slug);
    item.set("title", a.title);
    item.set("summary", a.summary);
    recent.push_back(item);
  }
  v.set("has_recent", Bool(!d.content->articles().empty()));
  v.set("sample_articles", Bool(d.content->sample()));
  v.set("recent", recent);
  if (digest) v.set("digest_form", DigestPages::SignupForm());
  return Html(&d, "Find care", Render("home", v));
}

HttpResponse PageSearch(const Dataset& d, const QueryParams& form, const CorrectionMap* fixes) {
  const ModalityMap& mods = ModalityMap::Embedded();
  QueryParams kept = FormFields(form);
  data v;
  UnderstandCareWords(mods, &kept, &v);
  const std::string where = Get(kept, "where"), care = Get(kept, "care"), name = Get(kept, "q");
  const int radius = FormRadius(kept);
  v.set("where", where);
  v.set("q", name);
  SetIf(v, "as", Get(kept, "as"));
  v.set("modalities", ModalityList(d, care));
  v.set("radii", RadiusChoices(radius));
  v.set("sorts", SortChoices(Get(kept, "sort")));
  const int mod = mods.Find(care);
  const std::string care_label =
      mod >= 0 ? mods.modalities()[static_cast<size_t>(mod)].label : "Pain care";
  v.set("heading", care_label);
  v.set("dry_needling", Bool(care == "dry_needling"));

  // No place yet (a guide link, or an empty box): ask for one, kindly.
  if (Trimmed(where).empty()) {
    v.set("ask_place", Bool(true));
    v.set("form_open", Bool(true));
    return Html(&d, "Where should we look?", Render("results", v));
  }
  Query q;
  if (Status refused = ParseQuery(ToQuery(kept), mods, &q, d.snap.get()); !refused.ok()) {
    v.set("error", RefusedView(refused, kept));
    v.set("form_open", Bool(true));
    return Html(&d, "Search", Render("results", v), 400);
  }
  // The place as understood, always with its state ("Manhattan, KS").
  const std::string place = !q.place.empty() ? q.place
                            : Trimmed(where).find(',') == std::string::npos
                                ? "ZIP " + Trimmed(where)
                                : "the point you gave";
  v.set("heading", care_label + " near " + place);
  const SearchResult r = Execute(*d.index, q, d.search);
  if (r.too_broad) {
    data err;  // the engine's bound (ExecuteOptions::budget), in plain words
    err.set("message",
            "This search covers too many providers for us to sort. Try a smaller distance, "
            "or type more of the name.");
    err.set("has_suggestions", Bool(false));
    err.set("suggestions", List());
    v.set("error", err);
    v.set("form_open", Bool(true));
    return Html(&d, "Search", Render("results", v), 400);
  }
  const size_t page = q.offset / kPageSize + 1;
  if (r.total == 0) {
    data empty;
    if (!EmptyHelp(d, q, kept, care_label, name, radius, place, &empty).ok())
      return PageMessage(&d, 500, "Something went wrong", "We could not read these listings.");
    v.set("empty", empty);
    v.set("form_open", Bool(true));
    return Html(&d, "Search", Render("results", v));
  }
  v.set("has_results", Bool(true));
  v.set("total_text", std::to_string(r.total) + (r.total == 1 ? " provider" : " providers") +
                          " found. Page " + std::to_string(page) + ".");
  v.set("first_number", std::to_string(q.offset + 1));
  if (Status s = SetResultsAndMap(d, q, r, radius, fixes, &v); !s.ok())
    return PageMessage(&d, 500, "Something went wrong", "We could not read these listings.");
  if (page > 1)
    v.set("prev", Href("/search", With(kept, "page", page == 2 ? "" : std::to_string(page - 1))));
  if (q.offset + kPageSize < r.total && q.offset + kPageSize <= kMaxOffset)
    v.set("next", Href("/search", With(kept, "page", std::to_string(page + 1))));
  v.set("facet_groups", FacetGroups(r, q, kept, radius));
  return Html(&d, care_label + " search", Render("results", v), 200, /*skip_to_results=*/true);
}

}  // namespace meridian
