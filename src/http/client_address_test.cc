// The client behind a trusted proxy: read from the right of the forwarding
// header, never from a peer that is not trusted, and never to the left of
// what the proxy appended (a client can neither dodge its limit nor frame
// another address).
#include "http/client_address.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

ClientAddressRules Rules(std::vector<std::string> cidrs, std::string header = "x-forwarded-for") {
  ClientAddressRules r;
  for (const std::string& c : cidrs) r.trusted.push_back(*ParseCidr(c));
  r.header = std::move(header);
  return r;
}

TEST(ClientAddress, CidrsParseAndMatch) {
  EXPECT_TRUE(ParseCidr("10.0.0.0/8")->Contains("10.200.1.2"));
  EXPECT_FALSE(ParseCidr("10.0.0.0/8")->Contains("11.0.0.1"));
  EXPECT_TRUE(ParseCidr("192.168.1.7")->Contains("192.168.1.7"));
  EXPECT_FALSE(ParseCidr("192.168.1.7")->Contains("192.168.1.8"));
  EXPECT_TRUE(ParseCidr("2001:db8::/32")->Contains("2001:db8:1::5"));
  EXPECT_FALSE(ParseCidr("2001:db8::/32")->Contains("2001:db9::5"));
  EXPECT_TRUE(ParseCidr("0.0.0.0/0")->Contains("8.8.8.8"));
  EXPECT_FALSE(ParseCidr("10.0.0.0/8")->Contains("not an address"));
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "banana", "10.0.0.0/8x", "::/129", ""})
    EXPECT_FALSE(ParseCidr(bad).ok()) << bad;
}

TEST(ClientAddress, OnlyATrustedPeersHeaderCounts) {
  const auto rules = Rules({"10.0.0.0/24"});
  // From the proxy: the address it appended.
  EXPECT_EQ(ClientAddress(rules, "10.0.0.5", "203.0.113.9"), "203.0.113.9");
  // A client's own header is ignored when it connects directly.
  EXPECT_EQ(ClientAddress(rules, "198.51.100.1", "203.0.113.9"), "198.51.100.1");
  // No rules: always the peer.
  EXPECT_EQ(ClientAddress(ClientAddressRules{}, "10.0.0.5", "203.0.113.9"), "10.0.0.5");
  // Through the proxy, whatever the client wrote is to the left: the
  // client is still the address the proxy saw (no dodging, no framing).
  EXPECT_EQ(ClientAddress(rules, "10.0.0.5", "192.0.2.77, 203.0.113.9"), "203.0.113.9");
  // Chains of trusted proxies are skipped from the right.
  EXPECT_EQ(ClientAddress(rules, "10.0.0.5", "192.0.2.77, 203.0.113.9, 10.0.0.8"), "203.0.113.9");
  // Everything trusted: the leftmost.
  EXPECT_EQ(ClientAddress(rules, "10.0.0.5", "10.0.0.9, 10.0.0.8"), "10.0.0.9");
  // Garbage where the proxy's entry should be: the proxy itself.
  EXPECT_EQ(ClientAddress(rules, "10.0.0.5", "203.0.113.9, unknown"), "10.0.0.5");
  // Ports and brackets.
  EXPECT_EQ(ClientAddress(rules, "10.0.0.5", "203.0.113.9:5555"), "203.0.113.9");
  EXPECT_EQ(ClientAddress(rules, "10.0.0.5", "[2001:db8::1]:4711"), "2001:db8::1");
}

TEST(ClientAddress, ForwardedHeader) {
  const auto rules = Rules({"10.0.0.0/24"}, "forwarded");
  EXPECT_EQ(ClientAddress(rules, "10.0.0.5", "for=192.0.2.60;proto=http;by=10.0.0.5"),
            "192.0.2.60");
  EXPECT_EQ(ClientAddress(rules, "10.0.0.5", "for=192.0.2.43, for=\"[2001:db8:cafe::17]:4711\""),
            "2001:db8:cafe::17");
  EXPECT_EQ(ClientAddress(rules, "10.0.0.5", "For=\"198.51.100.17\", for=10.0.0.7"),
            "198.51.100.17");
}

}  // namespace
}  // namespace meridian
