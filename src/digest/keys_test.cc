#include "digest/keys.h"

#include <gtest/gtest.h>

namespace meridian::digest {
namespace {

DigestKeys Keys(char seed = 'a') {
  return DigestKeys(std::string(32, seed), std::string(32, static_cast<char>(seed + 1)));
}

TEST(DigestKeys, TokensVerifyOnlyUnchangedForTheirPurposeAndUntilExpiry) {
  const DigestKeys k = Keys();
  const std::string t = k.Sign({"confirm", 42, 1000, 5000});
  auto c = k.Verify(t, "confirm", 4999);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->subscriber_id, 42);
  EXPECT_EQ(c->created, 1000);
  EXPECT_FALSE(k.Verify(t, "confirm", 5001).ok());        // expired
  EXPECT_FALSE(k.Verify(t, "manage", 10).ok());           // another purpose
  EXPECT_FALSE(Keys('x').Verify(t, "confirm", 10).ok());  // another server's key
  // Every single-character change is refused, with the same message.
  const std::string message = k.Verify("x", "confirm", 10).status().message();
  for (size_t i = 0; i < t.size(); ++i) {
    std::string bad = t;
    bad[i] = bad[i] == '1' ? '2' : '1';
    auto r = k.Verify(bad, "confirm", 10);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().message(), message);
  }
  // Changing the id and keeping the signature: refused.
  std::string other = t;
  other.replace(other.find(".42."), 4, ".43.");
  EXPECT_FALSE(k.Verify(other, "confirm", 10).ok());
  // A manage token never expires.
  EXPECT_TRUE(k.Verify(k.Sign({"manage", 7, 1, 0}), "manage", INT64_MAX / 2).ok());
  for (const char* junk : {"", ".", "....", "confirm.1.2.3.", "confirm.1.2.3.!!!!"})
    EXPECT_FALSE(k.Verify(junk, "confirm", 0).ok()) << junk;
  EXPECT_FALSE(k.Verify(std::string(5000, 'a'), "confirm", 0).ok());
}

TEST(DigestKeys, AddressHashesAreKeyedAndStable) {
  const DigestKeys k = Keys();
  EXPECT_EQ(k.EmailHash("ann@example.org"), k.EmailHash("ann@example.org"));
  EXPECT_NE(k.EmailHash("ann@example.org"), k.EmailHash("bob@example.org"));
  EXPECT_NE(k.EmailHash("ann@example.org"), Keys('q').EmailHash("ann@example.org"));
  EXPECT_EQ(k.EmailHash("ann@example.org").size(), 64u);
  EXPECT_EQ(k.ClientHash("127.0.0.1").size(), 32u);
  EXPECT_NE(k.ClientHash("127.0.0.1"), k.ClientHash("127.0.0.2"));
}

TEST(NormalizeEmail, AcceptsAddressesAndRefusesTheRest) {
  EXPECT_EQ(NormalizeEmail("  Ann.Lee+pain@Example.ORG "), "ann.lee+pain@example.org");
  EXPECT_EQ(NormalizeEmail("a@b.co"), "a@b.co");
  for (const char* bad :
       {"", "ann", "@example.org", "ann@", "ann@example", "ann@@example.org", "a b@example.org",
        "ann@example..org", "ann@.example.org", "ann@example.org.", "<ann@example.org>",
        "ann@example.org\r\nBcc: x@y.z", "\"ann\"@example.org", "ann@exa;mple.org"})
    EXPECT_EQ(NormalizeEmail(bad), "") << bad;
  EXPECT_EQ(NormalizeEmail(std::string(65, 'a') + "@example.org"), "");
  EXPECT_EQ(NormalizeEmail("a@" + std::string(250, 'b') + ".org"), "");
}

TEST(Sha256Hex, KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace meridian::digest
