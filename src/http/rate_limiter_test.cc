#include "http/rate_limiter.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

using std::chrono::milliseconds;

TEST(RateLimiter, BurstThenRefillAtTheRate) {
  RateLimiter limiter(/*per_second=*/2, /*burst=*/3);
  const auto t0 = RateLimiter::Clock::now();
  double retry = -1;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("a", t0, &retry)) << i;
  ASSERT_FALSE(limiter.Allow("a", t0, &retry));
  EXPECT_DOUBLE_EQ(retry, 0.5);  // one token at 2 per second
  // Another client has its own bucket.
  EXPECT_TRUE(limiter.Allow("b", t0, &retry));
  // 400 ms: 0.8 of a token, still refused; 500 ms: one token, one request.
  EXPECT_FALSE(limiter.Allow("a", t0 + milliseconds(400), &retry));
  EXPECT_NEAR(retry, 0.1, 1e-9);
  EXPECT_TRUE(limiter.Allow("a", t0 + milliseconds(500), &retry));
  EXPECT_FALSE(limiter.Allow("a", t0 + milliseconds(500), &retry));
  // A long pause refills to the burst, not beyond it.
  const auto later = t0 + std::chrono::seconds(60);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("a", later, &retry)) << i;
  EXPECT_FALSE(limiter.Allow("a", later, &retry));
  // A clock that steps back gives nothing back and takes nothing away.
  EXPECT_FALSE(limiter.Allow("a", t0, &retry));
}

TEST(RateLimiter, TableStartsAfreshPastItsBound) {
  RateLimiter limiter(1, 1);
  const auto t0 = RateLimiter::Clock::now();
  double retry;
  ASSERT_TRUE(limiter.Allow("first", t0, &retry));
  ASSERT_FALSE(limiter.Allow("first", t0, &retry));
  for (size_t i = 1; i < RateLimiter::kMaxClients; ++i)
    ASSERT_TRUE(limiter.Allow("c" + std::to_string(i), t0, &retry));
  EXPECT_EQ(limiter.clients(), RateLimiter::kMaxClients);
  EXPECT_TRUE(limiter.Allow("one more", t0, &retry));  // the table was cleared
  EXPECT_EQ(limiter.clients(), 1u);
  EXPECT_TRUE(limiter.Allow("first", t0, &retry));  // so "first" starts afresh
}

}  // namespace
}  // namespace meridian
