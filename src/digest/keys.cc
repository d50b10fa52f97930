#include "digest/keys.h"

#include <sodium.h>

#include <charconv>
#include <vector>

namespace meridian::digest {

namespace {

std::string Hex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

std::string FromHex(std::string_view hex) {
  std::string out(hex.size() / 2, '\0');
  size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0)
    return "";
  out.resize(len);
  return out;
}

std::string RandomHex32() {
  unsigned char k[32];
  randombytes_buf(k, sizeof k);
  return Hex(k, sizeof k);
}

const unsigned char* U(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

bool ParseInt(std::string_view s, int64_t* v) {
  if (s.empty() || s.size() > 19) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Result<DigestKeys> DigestKeys::Load(store::Store* store) {
  if (sodium_init() < 0) return Status::Internal("libsodium did not start");
  auto h = store->SettingOrInit("digest.hash_key", RandomHex32());
  if (!h.ok()) return h.status();
  auto s = store->SettingOrInit("digest.sign_key", RandomHex32());
  if (!s.ok()) return s.status();
  std::string hk = FromHex(*h), sk = FromHex(*s);
  if (hk.size() != 32 || sk.size() != 32)
    return Status::Corruption("store: the digest keys are not 32-byte hex");
  return DigestKeys(std::move(hk), std::move(sk));
}

DigestKeys::DigestKeys(std::string hash_key, std::string sign_key)
    : hash_key_(std::move(hash_key)), sign_key_(std::move(sign_key)) {
  hash_key_.resize(32, '\0');
  sign_key_.resize(32, '\0');
}

std::string DigestKeys::EmailHash(std::string_view normalized_email) const {
  unsigned char out[32];
  crypto_generichash(out, sizeof out,
                     reinterpret_cast<const unsigned char*>(normalized_email.data()),
                     normalized_email.size(), U(hash_key_), hash_key_.size());
  return Hex(out, sizeof out);
}

std::string DigestKeys::ClientHash(std::string_view client) const {
  unsigned char out[16];
  const std::string input = "client:" + std::string(client);
  crypto_generichash(out, sizeof out, U(input), input.size(), U(hash_key_), hash_key_.size());
  return Hex(out, sizeof out);
}

std::string DigestKeys::Sign(const TokenClaims& c) const {
  const std::string payload = c.purpose + "." + std::to_string(c.subscriber_id) + "." +
                              std::to_string(c.created) + "." + std::to_string(c.expires);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, U(sign_key_), sign_key_.size());
  crypto_auth_hmacsha256_update(&st, U(payload), payload.size());
  crypto_auth_hmacsha256_final(&st, mac);
  std::string b64(sodium_base64_encoded_len(sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(b64.data(), b64.size(), mac, sizeof mac,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  b64.resize(std::char_traits<char>::length(b64.c_str()));
  return payload + "." + b64;
}

Result<TokenClaims> DigestKeys::Verify(std::string_view token, std::string_view purpose,
                                       int64_t now) const {
  const Status bad = Status::InvalidArgument("this link is not valid or has expired");
  if (token.size() > 200) return bad;
  const size_t dot = token.rfind('.');
  if (dot == std::string_view::npos) return bad;
  const std::string payload(token.substr(0, dot));
  std::string_view sig = token.substr(dot + 1);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  size_t len = 0;
  if (sodium_base642bin(mac, sizeof mac, sig.data(), sig.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != sizeof mac)
    return bad;
  unsigned char want[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, U(sign_key_), sign_key_.size());
  crypto_auth_hmacsha256_update(&st, U(payload), payload.size());
  crypto_auth_hmacsha256_final(&st, want);
  if (sodium_memcmp(mac, want, sizeof mac) != 0) return bad;
  std::vector<std::string_view> parts;
  std::string_view rest = payload;
  for (size_t at; (at = rest.find('.')) != std::string_view::npos; rest.remove_prefix(at + 1))
    parts.push_back(rest.substr(0, at));
  parts.push_back(rest);
  TokenClaims c;
  if (parts.size() != 4 || parts[0] != purpose || !ParseInt(parts[1], &c.subscriber_id) ||
      !ParseInt(parts[2], &c.created) || !ParseInt(parts[3], &c.expires))
    return bad;
  c.purpose = std::string(parts[0]);
  if (c.expires != 0 && now > c.expires) return bad;
  return c;
}

std::string NormalizeEmail(std::string_view email) {
  while (!email.empty() && (email.front() == ' ' || email.front() == '\t')) email.remove_prefix(1);
  while (!email.empty() && (email.back() == ' ' || email.back() == '\t')) email.remove_suffix(1);
  if (email.empty() || email.size() > 254) return "";
  const size_t at = email.find('@');
  if (at == 0 || at == std::string_view::npos || at > 64 ||
      email.find('@', at + 1) != std::string_view::npos)
    return "";
  const std::string_view domain = email.substr(at + 1);
  const size_t dot = domain.find('.');
  if (domain.empty() || dot == 0 || dot == std::string_view::npos || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos)
    return "";
  std::string out;
  for (char ch : email) {
    const unsigned char u = static_cast<unsigned char>(ch);
    if (u <= ' ' || u == 0x7f || ch == '<' || ch == '>' || ch == '(' || ch == ')' || ch == ',' ||
        ch == ';' || ch == ':' || ch == '\\' || ch == '"' || ch == '[' || ch == ']')
      return "";
    out.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
  }
  return out;
}

std::string Sha256Hex(std::string_view text) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return Hex(out, sizeof out);
}

}  // namespace meridian::digest
