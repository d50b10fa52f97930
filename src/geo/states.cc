#include "geo/states.h"

#include "data/embedded.h"

namespace meridian {

namespace {
int Slot(std::string_view code) {
  if (code.size() != 2) return -1;
  char a = code[0], b = code[1];
  if (a >= 'a' && a <= 'z') a = static_cast<char>(a - 32);
  if (b >= 'a' && b <= 'z') b = static_cast<char>(b - 32);
  if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') return -1;
  return (a - 'A') * 26 + (b - 'A');
}
}  // namespace

StateTable StateTable::FromCodes(const std::vector<std::string>& codes) {
  StateTable t;
  for (const std::string& c : codes) {
    int slot = Slot(c);
    if (slot < 0 || t.codes_.size() >= 250) continue;
    t.codes_.push_back(c);
    t.names_.emplace_back();
    t.lookup_[static_cast<size_t>(slot)] = static_cast<uint8_t>(t.codes_.size());
  }
  return t;
}

StateTable StateTable::Parse(std::string_view text) {
  std::vector<std::string> codes, names;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == text.npos ? text.npos : nl - pos);
    pos = nl == text.npos ? text.size() : nl + 1;
    size_t a = line.find('|'), b = line.find('|', a + 1), c = line.find('|', b + 1);
    if (a == line.npos || b == line.npos) continue;
    codes.emplace_back(line.substr(a + 1, b - a - 1));
    names.emplace_back(line.substr(b + 1, c == line.npos ? line.npos : c - b - 1));
  }
  StateTable t = FromCodes(codes);
  for (size_t i = 0; i < t.codes_.size() && i < names.size(); ++i) t.names_[i] = names[i];
  return t;
}

const StateTable& StateTable::Embedded() {
  static const StateTable table = Parse(EmbeddedStatesTxt());
  return table;
}

uint8_t StateTable::Id(std::string_view usps) const {
  int slot = Slot(usps);
  return slot < 0 ? 0 : lookup_[static_cast<size_t>(slot)];
}

std::string_view StateTable::Code(uint8_t id) const {
  return id == 0 || id > codes_.size() ? std::string_view() : codes_[id - 1];
}

std::string_view StateTable::Name(uint8_t id) const {
  return id == 0 || id > names_.size() ? std::string_view() : names_[id - 1];
}

bool StateTable::IsStateOrDc(std::string_view usps) {
  static constexpr std::string_view kCodes[] = {
      "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID",
      "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO",
      "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA",
      "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY"};
  for (std::string_view c : kCodes)
    if (c == usps) return true;
  return false;
}

}  // namespace meridian
