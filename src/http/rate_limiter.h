// RateLimiter: a token bucket per client for the expensive routes. Each
// client starts with `burst` tokens; a request takes one; tokens come back at
// `per_second` up to `burst`. The table holds at most kMaxClients clients and
// starts afresh when a new one would pass that (a flood of addresses cannot
// grow it without bound).
//
// Thread safety: Allow() may be called from any number of threads.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace meridian {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kMaxClients = 100000;

  RateLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}

  // What a client has left, for the RateLimit-* response headers.
  struct Quota {
    int limit = 0;             // the burst: requests a client may make at once
    int remaining = 0;         // whole tokens left after this request
    int reset_s = 0;           // seconds until the bucket is full again (ceiling)
    double retry_after_s = 0;  // when refused: seconds until a token is back
  };

  // True if `client` may go ahead at `now` (and takes a token); otherwise
  // false with *retry_after_s the seconds until a token is back.
  bool Allow(const std::string& client, Clock::time_point now, double* retry_after_s);
  // The same, with the client's quota after this request in *quota.
  bool Allow(const std::string& client, Clock::time_point now, Quota* quota);
  size_t clients() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point at;
  };
  const double per_second_, burst_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace meridian
