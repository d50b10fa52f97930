// The client a request comes from, for per-client limits and logs. The
// peer address, unless the peer is a proxy the operator trusts (`serve
// --trusted-proxy CIDR`): then the forwarding header the operator names
// (X-Forwarded-For by default, or Forwarded, RFC 7239) is read from the
// right, skipping trusted proxies, and the first address not trusted is
// the client. Whatever a client writes in the header itself sits to the
// left of what its proxy appended, so it can neither hide behind another
// address nor be counted as someone else. From a peer not trusted, the
// header is ignored.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace meridian {

struct Cidr {
  std::array<uint8_t, 16> bytes{};  // IPv4 as ::ffff:a.b.c.d
  int prefix = 0;                   // over the 128 bits
  bool Contains(std::string_view address) const;
};

// "10.0.0.0/8", "192.168.1.7" (a /32), "2001:db8::/32"; InvalidArgument otherwise.
Result<Cidr> ParseCidr(std::string_view text);

struct ClientAddressRules {
  std::vector<Cidr> trusted;
  std::string header = "x-forwarded-for";  // or "forwarded"; lower case
};

// `peer` is the connection's address; `header_value` the named header's
// value ("" when absent; repeated headers joined with ", ").
std::string ClientAddress(const ClientAddressRules& rules, const std::string& peer,
                          std::string_view header_value);

}  // namespace meridian
