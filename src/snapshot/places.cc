#include "snapshot/places.h"

#include <cmath>

#include "util/bytes.h"

namespace meridian {

std::string EncodePlaces(const std::vector<Place>& places) {
  std::string out;
  PutVarint(&out, places.size());
  for (const Place& p : places) {
    PutString(&out, p.city);
    PutFixed<uint8_t>(&out, p.state);
    PutFixed<float>(&out, p.lat);
    PutFixed<float>(&out, p.lon);
    PutVarint(&out, p.rows);
    PutVarint(&out, p.geocoded);
  }
  return out;
}

Result<std::vector<Place>> DecodePlaces(std::string_view bytes) {
  ByteReader r(bytes);
  uint64_t n = r.Varint();
  if (!r.ok() || n > bytes.size()) return Status::Corruption("places section is malformed");
  std::vector<Place> out(n);
  for (Place& p : out) {
    p.city = std::string(r.String());
    p.state = r.Fixed<uint8_t>();
    p.lat = r.Fixed<float>();
    p.lon = r.Fixed<float>();
    p.rows = static_cast<uint32_t>(r.Varint());
    p.geocoded = static_cast<uint32_t>(r.Varint());
    if (p.geocoded > p.rows) r.Invalidate();
  }
  if (!r.ok() || !r.AtEnd()) return Status::Corruption("places section is malformed");
  return out;
}

uint32_t PlaceBuilder::Add(std::string_view city, uint8_t state, bool has_point, double lat,
                           double lon) {
  std::string key(city);
  key.push_back('\0');
  key.push_back(static_cast<char>(state));
  auto [it, fresh] = ids_.try_emplace(std::move(key), static_cast<uint32_t>(acc_.size()));
  if (fresh) {
    acc_.emplace_back();
    acc_.back().place.city = std::string(city);
    acc_.back().place.state = state;
  }
  Acc& a = acc_[it->second];
  ++a.place.rows;
  if (has_point) {
    const double rad = M_PI / 180;
    a.x += std::cos(lat * rad) * std::cos(lon * rad);
    a.y += std::cos(lat * rad) * std::sin(lon * rad);
    a.z += std::sin(lat * rad);
    ++a.place.geocoded;
  }
  return it->second;
}

std::vector<Place> PlaceBuilder::Finish() const {
  std::vector<Place> out;
  out.reserve(acc_.size());
  for (const Acc& a : acc_) {
    Place p = a.place;
    if (p.geocoded > 0) {
      const double deg = 180 / M_PI;
      p.lat = static_cast<float>(std::atan2(a.z, std::hypot(a.x, a.y)) * deg);
      p.lon = static_cast<float>(std::atan2(a.y, a.x) * deg);
    }
    out.push_back(p);
  }
  return out;
}

std::string CityDisplay(std::string_view city) {
  std::string out(city);
  bool start = true;
  for (char& c : out) {
    if (start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    start = c == ' ';
  }
  return out;
}

}  // namespace meridian
