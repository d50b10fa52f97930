#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace meridian {

bool RateLimiter::Allow(const std::string& client, Clock::time_point now, double* retry_after_s) {
  Quota q;
  const bool ok = Allow(client, now, &q);
  if (!ok) *retry_after_s = q.retry_after_s;
  return ok;
}

bool RateLimiter::Allow(const std::string& client, Clock::time_point now, Quota* quota) {
  std::lock_guard<std::mutex> lock(mu_);
  if (buckets_.size() >= kMaxClients && !buckets_.count(client)) buckets_.clear();
  auto [it, fresh] = buckets_.try_emplace(client, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh && now > b.at) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
    b.at = now;
  }
  const bool ok = b.tokens >= 1;
  if (ok) b.tokens -= 1;
  quota->limit = static_cast<int>(std::min(burst_, 1e9));
  quota->remaining = static_cast<int>(std::max(0.0, std::min(b.tokens, 1e9)));
  quota->reset_s = static_cast<int>(std::min(std::ceil((burst_ - b.tokens) / per_second_), 1e9));
  quota->retry_after_s = ok ? 0 : (1 - b.tokens) / per_second_;
  return ok;
}

size_t RateLimiter::clients() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buckets_.size();
}

}  // namespace meridian
