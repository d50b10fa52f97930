#include "http/client_address.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>

#include "util/ascii.h"

namespace meridian {

namespace {

// The address as 16 bytes (IPv4 mapped), or false.
bool Bytes(std::string_view text, std::array<uint8_t, 16>* out) {
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return false;
  if (a.is_v4()) {
    *out = boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, a.to_v4()).to_bytes();
  } else {
    *out = a.to_v6().to_bytes();
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One hop of a forwarding header as a bare address: X-Forwarded-For items
// are addresses (an IPv6 one maybe in brackets, a port maybe after IPv4);
// Forwarded items are "for=...;proto=..." pairs.
std::string HopAddress(std::string_view item, bool forwarded) {
  item = Trim(item);
  if (forwarded) {
    std::string_view found;
    while (!item.empty()) {
      const size_t semi = item.find(';');
      std::string_view pair = Trim(item.substr(0, semi));
      if (pair.size() > 4 && AsciiLower(std::string(pair.substr(0, 4))) == "for=")
        found = pair.substr(4);
      if (semi == std::string_view::npos) break;
      item.remove_prefix(semi + 1);
    }
    item = found;
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"')
      item = item.substr(1, item.size() - 2);
  }
  if (item.starts_with('[')) {  // [2001:db8::1] or [2001:db8::1]:4711
    const size_t close = item.find(']');
    return close == std::string_view::npos ? "" : std::string(item.substr(1, close - 1));
  }
  if (std::count(item.begin(), item.end(), ':') == 1) item = item.substr(0, item.find(':'));
  return std::string(item);
}

}  // namespace

bool Cidr::Contains(std::string_view address) const {
  std::array<uint8_t, 16> b;
  if (!Bytes(address, &b)) return false;
  for (int bit = 0; bit < prefix; ++bit) {
    const uint8_t mask = static_cast<uint8_t>(0x80 >> (bit % 8));
    if ((b[bit / 8] & mask) != (bytes[bit / 8] & mask)) return false;
  }
  return true;
}

Result<Cidr> ParseCidr(std::string_view text) {
  const size_t slash = text.find('/');
  Cidr c;
  const std::string_view addr = text.substr(0, slash);
  if (!Bytes(addr, &c.bytes))
    return Status::InvalidArgument("--trusted-proxy: \"" + std::string(text) +
                                   "\" is not an address or CIDR such as 10.0.0.0/8");
  const bool v4 = addr.find(':') == std::string_view::npos;
  int prefix = v4 ? 32 : 128;
  if (slash != std::string_view::npos) {
    const std::string_view p = text.substr(slash + 1);
    prefix = 0;
    if (p.empty() || p.size() > 3) prefix = -1;
    for (char ch : p)
      prefix = ch >= '0' && ch <= '9' && prefix >= 0 ? prefix * 10 + (ch - '0') : -1;
    if (prefix < 0 || prefix > (v4 ? 32 : 128))
      return Status::InvalidArgument("--trusted-proxy: bad prefix length in \"" +
                                     std::string(text) + "\"");
  }
  c.prefix = v4 ? prefix + 96 : prefix;
  return c;
}

std::string ClientAddress(const ClientAddressRules& rules, const std::string& peer,
                          std::string_view header_value) {
  auto trusted = [&](std::string_view a) {
    for (const Cidr& c : rules.trusted)
      if (c.Contains(a)) return true;
    return false;
  };
  if (rules.trusted.empty() || !trusted(peer) || Trim(header_value).empty()) return peer;
  const bool forwarded = rules.header == "forwarded";
  std::string client = peer;
  while (!header_value.empty()) {
    const size_t comma = header_value.rfind(',');
    const std::string_view item =
        comma == std::string_view::npos ? header_value : header_value.substr(comma + 1);
    const std::string hop = HopAddress(item, forwarded);
    std::array<uint8_t, 16> ignored;
    if (!Bytes(hop, &ignored))
      return client;  // garbage ("unknown", obfuscated): stop at the last good one
    client = hop;
    if (!trusted(hop)) return client;
    if (comma == std::string_view::npos) break;
    header_value = header_value.substr(0, comma);
  }
  return client;
}

}  // namespace meridian
