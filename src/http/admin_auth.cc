#include "http/admin_auth.h"

#include <sodium.h>

namespace meridian::admin {

namespace {

void Init() {
  // Thread-safe and idempotent; fails only without a random source.
  if (sodium_init() < 0) std::abort();
}

}  // namespace

std::string NewToken() {
  Init();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

std::string TokenHash(std::string_view token) {
  Init();
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[sizeof h * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

std::string HashPassword(std::string_view password) {
  Init();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return "";
  return out;
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  Init();
  // An unknown account still pays for one hash, against a fixed dummy.
  static const std::string dummy = HashPassword("not a password anyone has");
  const std::string h(hash.empty() || !hash.starts_with("$argon2id$") ? dummy : hash);
  const bool ok = crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
  return ok && !hash.empty() && hash.starts_with("$argon2id$");
}

bool SameSecret(std::string_view a, std::string_view b) {
  Init();
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace meridian::admin
