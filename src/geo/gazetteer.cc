#include "geo/gazetteer.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>

#include "data/embedded.h"

namespace meridian {

namespace {

// Splits one simple CSV line (no quotes: the file is generated without them).
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

bool ParseFloat(std::string_view s, float* out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

std::string Gazetteer::Key(std::string_view name) {
  std::string words;
  bool space = true;
  for (char ch : name) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
      words.push_back(ch);
      space = false;
    } else if (c >= 'A' && c <= 'Z') {
      words.push_back(static_cast<char>(c - 'A' + 'a'));
      space = false;
    } else if (c == '\'') {
      // "O'Fallon" -> "ofallon"
    } else if (!space) {
      words.push_back(' ');
      space = true;
    }
  }
  while (!words.empty() && words.back() == ' ') words.pop_back();
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kShort = {
      {{"saint", "st"}, {"fort", "ft"}, {"mount", "mt"}}};
  std::string out;
  size_t i = 0;
  while (i <= words.size()) {
    size_t j = words.find(' ', i);
    if (j == std::string::npos) j = words.size();
    std::string_view w = std::string_view(words).substr(i, j - i);
    for (const auto& [long_form, short_form] : kShort)
      if (w == long_form) w = short_form;
    if (!w.empty()) {
      if (!out.empty()) out.push_back(' ');
      out.append(w);
    }
    i = j + 1;
  }
  return out;
}

Result<Gazetteer> Gazetteer::Parse(std::string_view csv) {
  Gazetteer g;
  struct Acc {
    double lat = 0, lon = 0;
    uint32_t zips = 0;
    std::string name, state;
    std::vector<uint32_t> zip_codes;
  };
  std::map<std::pair<std::string, std::string>, Acc> acc;  // (key, state); ordered for stable ids
  size_t pos = 0, line_no = 0;
  while (pos < csv.size()) {
    size_t nl = csv.find('\n', pos);
    std::string_view line = csv.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? csv.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_no == 1 || line.empty()) continue;
    auto f = Fields(line);
    float lat, lon;
    uint32_t zip = 0;
    auto zr = f.size() == 5 ? std::from_chars(f[0].data(), f[0].data() + f[0].size(), zip)
                            : std::from_chars_result{};
    if (f.size() != 5 || f[0].size() != 5 || zr.ec != std::errc() || f[1].empty() ||
        f[2].size() != 2 || !ParseFloat(f[3], &lat) || !ParseFloat(f[4], &lon) || lat < -90 ||
        lat > 90 || lon < -180 || lon > 180)
      return Status::InvalidArgument("gazetteer line " + std::to_string(line_no) +
                                     ": expected zip,city,state,latitude,longitude");
    Acc& a = acc[{Key(f[1]), std::string(f[2])}];
    if (a.zips == 0) a.name = std::string(f[1]), a.state = std::string(f[2]);
    a.lat += lat, a.lon += lon;
    ++a.zips;
    a.zip_codes.push_back(zip);
  }
  for (auto& [k, a] : acc) {
    const uint32_t id = static_cast<uint32_t>(g.places_.size());
    GazetteerPlace p;
    p.name = a.name, p.state = a.state, p.key = k.first;
    p.lat = static_cast<float>(a.lat / a.zips), p.lon = static_cast<float>(a.lon / a.zips);
    p.zips = a.zips;
    g.places_.push_back(std::move(p));
    g.by_key_.emplace(k.first, id);
    for (uint32_t z : a.zip_codes) g.by_zip_.emplace(z, id);
  }
  return g;
}

const Gazetteer& Gazetteer::Embedded() {
  static const Gazetteer table = [] {
    auto r = Parse(EmbeddedPlacesCsv());
    return r.ok() ? std::move(r).value() : Gazetteer();
  }();
  return table;
}

std::vector<const GazetteerPlace*> Gazetteer::Find(std::string_view key,
                                                   std::string_view state) const {
  std::vector<const GazetteerPlace*> out;
  auto [b, e] = by_key_.equal_range(std::string(key));
  for (auto it = b; it != e; ++it) {
    const GazetteerPlace& p = places_[it->second];
    if (state.empty() || p.state == state) out.push_back(&p);
  }
  std::sort(out.begin(), out.end(), [](const GazetteerPlace* a, const GazetteerPlace* b) {
    return a->zips != b->zips ? a->zips > b->zips : a->state < b->state;
  });
  return out;
}

const GazetteerPlace* Gazetteer::FindZip(std::string_view zip5) const {
  uint32_t zip = 0;
  if (zip5.size() < 5) return nullptr;
  auto r = std::from_chars(zip5.data(), zip5.data() + 5, zip);
  if (r.ec != std::errc() || r.ptr != zip5.data() + 5) return nullptr;
  auto it = by_zip_.find(zip);
  return it == by_zip_.end() ? nullptr : &places_[it->second];
}

}  // namespace meridian
