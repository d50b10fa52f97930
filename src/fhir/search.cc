#include "fhir/search.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>
#include <unordered_map>

#include "fhir/plan.h"
#include "geo/distance.h"
#include "query/executor.h"
#include "util/escape.h"
#include "util/json.h"

namespace meridian::fhir {

namespace {

using RT = ResourceType;

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
    if (res.too_broad) return TooBroad(q);
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
    if (res.too_broad) return TooBroad(q);
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
  const SearchResult counted = Execute(index, q);
  if (counted.too_broad) return TooBroad(q);
  const uint64_t matches = counted.total;
  if (matches > kMaxCountedRows)
    return Bad("_total", "too many matches to count exactly (" + std::to_string(matches) +
                             " providers); narrow the search");
  q.limit = std::max<uint64_t>(matches, 1);
  uint64_t n = 0;
  const SearchResult all = Execute(index, q);
  if (all.too_broad) return TooBroad(q);
  for (const SearchHit& hit : all.hits) {
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
