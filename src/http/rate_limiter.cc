#include "http/rate_limiter.h"

#include <algorithm>

namespace meridian {

bool RateLimiter::Allow(const std::string& client, Clock::time_point now, double* retry_after_s) {
  std::lock_guard<std::mutex> lock(mu_);
  if (buckets_.size() >= kMaxClients && !buckets_.count(client)) buckets_.clear();
  auto [it, fresh] = buckets_.try_emplace(client, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh && now > b.at) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
    b.at = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return true;
  }
  *retry_after_s = (1 - b.tokens) / per_second_;
  return false;
}

size_t RateLimiter::clients() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buckets_.size();
}

}  // namespace meridian
