// Failed logins per client address over a 600 s sliding window; times are
// passed in, so nothing here waits.
#include "common/auth/failure_tracker.h"

#include <gtest/gtest.h>

namespace posthorn::auth {
namespace {

constexpr time_t kT0 = 1'700'000'000;

TEST(FailureTracker, LimitZeroNeverBlocks) {
  FailureTracker t;  // default: no limit
  for (int i = 0; i < 100; ++i) t.Failed("192.0.2.1", kT0 + i);
  EXPECT_FALSE(t.Blocked("192.0.2.1", kT0 + 100));
  FailureTracker z(0);
  for (int i = 0; i < 100; ++i) z.Failed("192.0.2.1", kT0);
  EXPECT_FALSE(z.Blocked("192.0.2.1", kT0));
}

TEST(FailureTracker, BlocksAtTheLimit) {
  FailureTracker t(3);
  EXPECT_FALSE(t.Blocked("192.0.2.1", kT0));
  t.Failed("192.0.2.1", kT0);
  EXPECT_FALSE(t.Blocked("192.0.2.1", kT0));
  t.Failed("192.0.2.1", kT0 + 10);
  EXPECT_FALSE(t.Blocked("192.0.2.1", kT0 + 10));
  t.Failed("192.0.2.1", kT0 + 20);
  EXPECT_TRUE(t.Blocked("192.0.2.1", kT0 + 20));
  EXPECT_TRUE(t.Blocked("192.0.2.1", kT0 + 21));
}

TEST(FailureTracker, LimitOfOne) {
  FailureTracker t(1);
  EXPECT_FALSE(t.Blocked("2001:db8::1", kT0));
  t.Failed("2001:db8::1", kT0);
  EXPECT_TRUE(t.Blocked("2001:db8::1", kT0));
  EXPECT_TRUE(t.Blocked("2001:db8::1", kT0 + 599));
  EXPECT_FALSE(t.Blocked("2001:db8::1", kT0 + 600));
}

TEST(FailureTracker, UnblocksAfterTheWindow) {
  FailureTracker t(3);
  t.Failed("192.0.2.1", kT0);
  t.Failed("192.0.2.1", kT0 + 100);
  t.Failed("192.0.2.1", kT0 + 200);
  EXPECT_TRUE(t.Blocked("192.0.2.1", kT0 + 599));
  // The first failure ages out at kT0 + 600: two left, below the limit.
  EXPECT_FALSE(t.Blocked("192.0.2.1", kT0 + 600));
  // A new failure blocks again while the other two are in the window.
  t.Failed("192.0.2.1", kT0 + 650);
  EXPECT_TRUE(t.Blocked("192.0.2.1", kT0 + 650));
  EXPECT_TRUE(t.Blocked("192.0.2.1", kT0 + 699));
  EXPECT_FALSE(t.Blocked("192.0.2.1", kT0 + 700));
  EXPECT_FALSE(t.Blocked("192.0.2.1", kT0 + 5000));
}

TEST(FailureTracker, OldFailuresDoNotCountTowardNewOnes) {
  FailureTracker t(2);
  t.Failed("192.0.2.1", kT0);
  t.Failed("192.0.2.1", kT0 + 600);  // the first is out of the window by now
  EXPECT_FALSE(t.Blocked("192.0.2.1", kT0 + 600));
  t.Failed("192.0.2.1", kT0 + 601);
  EXPECT_TRUE(t.Blocked("192.0.2.1", kT0 + 601));
}

TEST(FailureTracker, ManyFailuresStillAgeOutWithTheWindow) {
  // Only the last `limit` failures matter: hammering does not extend the
  // block beyond 600 s after the latest of them.
  FailureTracker t(2);
  for (int i = 0; i < 50; ++i) t.Failed("192.0.2.1", kT0 + i);
  EXPECT_TRUE(t.Blocked("192.0.2.1", kT0 + 48 + 599));
  EXPECT_FALSE(t.Blocked("192.0.2.1", kT0 + 48 + 600));
}

TEST(FailureTracker, PerAddress) {
  FailureTracker t(2);
  t.Failed("192.0.2.1", kT0);
  t.Failed("192.0.2.1", kT0);
  t.Failed("192.0.2.2", kT0);
  EXPECT_TRUE(t.Blocked("192.0.2.1", kT0 + 1));
  EXPECT_FALSE(t.Blocked("192.0.2.2", kT0 + 1));
  EXPECT_FALSE(t.Blocked("192.0.2.3", kT0 + 1));
  EXPECT_FALSE(t.Blocked("192.0.2.10", kT0 + 1));
  t.Failed("192.0.2.2", kT0 + 2);
  EXPECT_TRUE(t.Blocked("192.0.2.2", kT0 + 2));
}

TEST(FailureTracker, ManyAddressesAreTrackedIndependently) {
  // Enough calls to run the periodic sweep of quiet addresses (every 1024).
  FailureTracker t(2);
  for (int i = 0; i < 3000; ++i) t.Failed("198.51.100." + std::to_string(i % 1500), kT0 + i / 1500);
  EXPECT_TRUE(t.Blocked("198.51.100.7", kT0 + 2));
  EXPECT_FALSE(t.Blocked("198.51.100.7", kT0 + 601));
  // Sweeping old entries forgets only what aged out.
  for (int i = 0; i < 2048; ++i) t.Failed("203.0.113.1", kT0 + 1000);
  EXPECT_TRUE(t.Blocked("203.0.113.1", kT0 + 1000));
  EXPECT_FALSE(t.Blocked("198.51.100.8", kT0 + 1000));
}

TEST(FailureTracker, RaisingTheLimitUnblocks) {
  FailureTracker t(2);
  t.Failed("192.0.2.1", kT0);
  t.Failed("192.0.2.1", kT0);
  EXPECT_TRUE(t.Blocked("192.0.2.1", kT0));
  t.set_limit(3);
  EXPECT_FALSE(t.Blocked("192.0.2.1", kT0));
  t.set_limit(0);
  EXPECT_FALSE(t.Blocked("192.0.2.1", kT0));
}

}  // namespace
}  // namespace posthorn::auth
