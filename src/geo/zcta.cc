#include "geo/zcta.h"

#include <charconv>
#include <string>

#include "data/embedded.h"

namespace meridian {

namespace {
constexpr int kZipSlots = 100000;
}

std::string ZipOf(std::string_view text) {
  auto digits = [](std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  const bool ok =
      (text.size() == 5 && digits(text)) || (text.size() == 9 && digits(text)) ||
      (text.size() == 10 && text[5] == '-' && digits(text.substr(0, 5)) && digits(text.substr(6)));
  return ok ? std::string(text.substr(0, 5)) : std::string();
}

int Zip5(std::string_view postal_code) {
  if (postal_code.size() < 5) return -1;
  int v = 0;
  for (int i = 0; i < 5; ++i) {
    char c = postal_code[i];
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

Result<ZctaTable> ZctaTable::Parse(std::string_view csv) {
  ZctaTable t;
  t.slots_ = std::make_unique<Slot[]>(kZipSlots);
  for (int i = 0; i < kZipSlots; ++i) t.slots_[i] = {0, 0, false};
  size_t pos = 0;
  uint64_t line = 0;
  while (pos < csv.size()) {
    size_t nl = csv.find('\n', pos);
    std::string_view row = csv.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? csv.size() : nl + 1;
    ++line;
    if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
    if (line == 1 || row.empty()) continue;  // header / blank
    size_t c1 = row.find(','), c2 = row.find(',', c1 + 1);
    if (c1 != 5 || c2 == std::string_view::npos)
      return Status::InvalidArgument("ZCTA CSV line " + std::to_string(line) +
                                     ": expected zcta5,latitude,longitude");
    int zip = Zip5(row.substr(0, 5));
    double lat = 0, lon = 0;
    auto r1 = std::from_chars(row.data() + c1 + 1, row.data() + c2, lat);
    auto r2 = std::from_chars(row.data() + c2 + 1, row.data() + row.size(), lon);
    if (zip < 0 || r1.ec != std::errc() || r2.ec != std::errc() || lat < -90 || lat > 90 ||
        lon < -180 || lon > 180)
      return Status::InvalidArgument("ZCTA CSV line " + std::to_string(line) +
                                     ": bad ZIP or coordinates");
    if (!t.slots_[zip].present) ++t.count_;
    t.slots_[zip] = {static_cast<float>(lat), static_cast<float>(lon), true};
  }
  return t;
}

const ZctaTable& ZctaTable::Embedded() {
  static const ZctaTable table = [] {
    auto r = Parse(EmbeddedZctaCsv());
    return r.ok() ? std::move(r).value() : ZctaTable();
  }();
  return table;
}

bool ZctaTable::Find(std::string_view postal_code, LatLon* out) const {
  int zip = Zip5(postal_code);
  if (zip < 0 || !slots_) return false;
  const Slot& s = slots_[zip];
  if (!s.present) return false;
  *out = {s.lat, s.lon};
  return true;
}

}  // namespace meridian
