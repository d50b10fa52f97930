// Secrets for the operator console, on libsodium: random tokens (session
// cookies, CSRF tokens, set-password links, API bearer tokens), their
// stored hashes, and Argon2id password hashes. Only hashes reach the store;
// a token is shown once, to the person it is for.
//
// Thread safety: every function may be called from any thread.
#pragma once

#include <string>
#include <string_view>

namespace meridian::admin {

inline constexpr int kSetPasswordSeconds = 48 * 3600;  // a set-password link lives 2 days
inline constexpr int kSessionSeconds = 8 * 3600;       // a sign-in lasts a working day
inline constexpr int kThrottleWindowSeconds = 15 * 60;
inline constexpr int kMaxFailuresPerAccount = 5;  // in the window
inline constexpr int kMaxFailuresPerClient = 20;
inline constexpr size_t kMinPasswordLength = 12;

// 32 random bytes, URL-safe base64 without padding (43 characters).
std::string NewToken();
// The stored form of a token: BLAKE2b-256, hex.
std::string TokenHash(std::string_view token);
// An Argon2id hash string (libsodium's crypto_pwhash_str_alg, interactive
// limits: 2 passes, 64 MiB); "" if the machine is out of memory.
std::string HashPassword(std::string_view password);
// Whether `password` matches `hash`. Takes the same time for an empty or
// malformed hash (an unknown account), so timing does not tell accounts apart.
bool VerifyPassword(std::string_view hash, std::string_view password);
// Constant-time equality (CSRF tokens).
bool SameSecret(std::string_view a, std::string_view b);

}  // namespace meridian::admin
