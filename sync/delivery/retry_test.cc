// The attempt state machine: pure, so every case is a table of numbers.
#include "sync/delivery/retry.h"

#include <gtest/gtest.h>

#include <set>

namespace outpost::delivery {
namespace {

DeliveryResult Made(DeliveryKind kind, std::string detail) {
  DeliveryResult r;
  r.kind = kind;
  r.detail = std::move(detail);
  return r;
}

TEST(BackoffMs, DoublesWithinJitterBoundsAndStopsAtTheCap) {
  const RetryPolicy policy{8, 1000, 30000};
  for (int attempt = 1; attempt <= 12; ++attempt) {
    int64_t full = 1000;
    for (int i = 1; i < attempt; ++i) full = std::min<int64_t>(30000, full * 2);
    const int64_t wait = BackoffMs(policy, "key-1", attempt);
    EXPECT_GE(wait, full / 2) << attempt;
    EXPECT_LE(wait, full) << attempt;
    EXPECT_LE(wait, policy.backoff_cap_ms);
  }
  // Deterministic: the same key and attempt always wait the same.
  EXPECT_EQ(BackoffMs(policy, "key-1", 3), BackoffMs(policy, "key-1", 3));
  // Different keys spread out instead of retrying in lock step.
  std::set<int64_t> waits;
  for (int k = 0; k < 50; ++k) waits.insert(BackoffMs(policy, "key-" + std::to_string(k), 4));
  EXPECT_GT(waits.size(), 25u);
}

TEST(BackoffMs, NeverOverflowsOnHugeAttemptCounts) {
  const RetryPolicy policy{1000, 7LL * 24 * 3600 * 1000, 7LL * 24 * 3600 * 1000};
  const int64_t wait = BackoffMs(policy, "k", 1000);
  EXPECT_GE(wait, policy.backoff_cap_ms / 2);
  EXPECT_LE(wait, policy.backoff_cap_ms);
  EXPECT_EQ(BackoffMs(RetryPolicy{3, 0, 0}, "k", 5), 0);
}

TEST(NextAfter, AcceptedIsDone) {
  NextStep next = NextAfter(RetryPolicy{}, "k", 1, Made(DeliveryKind::kAccepted, "HTTP 200"), 0);
  EXPECT_EQ(next.kind, NextKind::kDone);
}

TEST(NextAfter, PermanentDeadLettersAtOnceWithTheReason) {
  NextStep next =
      NextAfter(RetryPolicy{}, "k", 1, Made(DeliveryKind::kPermanent, "HTTP 400: bad to"), 5000);
  EXPECT_EQ(next.kind, NextKind::kDeadLetter);
  EXPECT_EQ(next.reason, "permanent: HTTP 400: bad to");
}

TEST(NextAfter, RetriesUntilMaxAttemptsThenDeadLettersWithTheLastReason) {
  const RetryPolicy policy{3, 100, 1000};
  const DeliveryResult timeout = Made(DeliveryKind::kRetry, "timeout after 5000 ms");
  NextStep first = NextAfter(policy, "k", 1, timeout, 10000);
  EXPECT_EQ(first.kind, NextKind::kRetryAt);
  EXPECT_EQ(first.at_ms, 10000 + BackoffMs(policy, "k", 1));
  NextStep second = NextAfter(policy, "k", 2, timeout, 20000);
  EXPECT_EQ(second.kind, NextKind::kRetryAt);
  EXPECT_EQ(second.at_ms, 20000 + BackoffMs(policy, "k", 2));
  NextStep third = NextAfter(policy, "k", 3, Made(DeliveryKind::kRetry, "HTTP 503"), 30000);
  EXPECT_EQ(third.kind, NextKind::kDeadLetter);
  EXPECT_EQ(third.reason, "gave up after 3 attempts; last: HTTP 503");
  NextStep only = NextAfter(RetryPolicy{1, 0, 0}, "k", 1, timeout, 0);
  EXPECT_EQ(only.reason, "gave up after 1 attempt; last: timeout after 5000 ms");
}

TEST(RetryPolicy, CodecRoundTripsAndNamesBadFields) {
  const RetryPolicy policy{5, 250, 60000};
  Result<RetryPolicy> back = RetryPolicyFromJson(RetryPolicyToJson(policy));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->max_attempts, 5);
  EXPECT_EQ(back->backoff_base_ms, 250);
  EXPECT_EQ(back->backoff_cap_ms, 60000);

  Result<RetryPolicy> defaults = RetryPolicyFromJson(nlohmann::json::object());
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->max_attempts, 8);

  struct Case {
    const char* json;
    const char* field;
    const char* message;
  };
  const Case cases[] = {
      {R"({"max_attempts": 0})", "max_attempts", "max_attempts: 0 is not between 1 and 1000"},
      {R"({"max_attempts": "3"})", "max_attempts", "max_attempts: \"3\" is not a whole number"},
      {R"({"backoff_base_ms": -1})", "backoff_base_ms",
       "backoff_base_ms: -1 is not between 0 and 604800000"},
      {R"({"backoff_base_ms": 5000, "backoff_cap_ms": 100})", "backoff_cap_ms",
       "backoff_cap_ms: 100 is not between backoff_base_ms (5000) and 604800000"},
      {R"({"backoff_cap_ms": 1.5})", "backoff_cap_ms", "backoff_cap_ms: 1.5 is not a whole number"},
  };
  for (const Case& c : cases) {
    Result<RetryPolicy> bad = RetryPolicyFromJson(nlohmann::json::parse(c.json));
    ASSERT_FALSE(bad.ok()) << c.json;
    EXPECT_EQ(bad.status().field(), c.field);
    EXPECT_EQ(bad.status().message(), c.message);
  }
}

}  // namespace
}  // namespace outpost::delivery
