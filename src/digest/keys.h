// The digest's secrets and the hashes and tokens made with them (libsodium).
//
// Two keys, made once per store and shared by every server on it
// (Store::SettingOrInit): one for keyed hashes of addresses (an address is
// found, logged and suppressed by its hash; the send log and suppression
// list hold no address in clear), one for signing the links in emails.
//
// A link token names its purpose ("confirm", "manage"), the subscriber's id
// and the second it was created (so a token outlives neither a deleted
// subscriber nor a reused id), and an expiry (0 = none); it is signed with
// HMAC-SHA-256 and written in URL-safe base64.
//
// Thread safety: immutable after Load(); every method is const.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/store.h"
#include "util/status.h"

namespace meridian::digest {

inline constexpr int64_t kConfirmSeconds = 48 * 3600;  // a confirmation link lives 48 hours

struct TokenClaims {
  std::string purpose;
  int64_t subscriber_id = 0, created = 0, expires = 0;
};

class DigestKeys {
 public:
  // The store's keys (made on first use).
  static Result<DigestKeys> Load(store::Store* store);
  // Fixed keys, for tests and previews without a store.
  DigestKeys(std::string hash_key, std::string sign_key);

  // Keyed BLAKE2b-256 of the normalized address, hex.
  std::string EmailHash(std::string_view normalized_email) const;
  // Keyed hash of a client's network address (consent records), hex, 16 bytes.
  std::string ClientHash(std::string_view client) const;

  std::string Sign(const TokenClaims& claims) const;
  // The claims of a well-signed token for `purpose` that has not expired at
  // `now`; otherwise InvalidArgument (the same for every kind of bad token).
  Result<TokenClaims> Verify(std::string_view token, std::string_view purpose, int64_t now) const;

 private:
  std::string hash_key_, sign_key_;  // 32 raw bytes each
};

// A lower-cased, trimmed address when it looks like one a mail server would
// take (one '@', a dotted domain, no spaces or control characters, at most
// 254 bytes); otherwise "".
std::string NormalizeEmail(std::string_view email);

// SHA-256 of `text`, hex.
std::string Sha256Hex(std::string_view text);

}  // namespace meridian::digest
