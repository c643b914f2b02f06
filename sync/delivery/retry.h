// The attempt state machine of one outbound message: after each attempt, when
// to try again (exponential backoff with a cap and a jitter drawn from the
// idempotency key, so the same message always waits the same and a batch does
// not retry in lock step) or that it is done or dead. Pure functions of their
// arguments: no clock, no I/O; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "sync/delivery/result.h"
#include "sync/status.h"

namespace outpost::delivery {

struct RetryPolicy {
  int max_attempts = 8;             // attempts in all, the first included; >= 1
  int64_t backoff_base_ms = 1000;   // the wait after the first failure, before jitter; >= 0
  int64_t backoff_cap_ms = 300000;  // no wait is longer; >= backoff_base_ms
};

// Refuses, naming the field: max_attempts < 1 (or over 1000), a negative delay, a cap below the
// base.
Status ValidateRetryPolicy(const RetryPolicy& policy);
// {"max_attempts": 8, "backoff_base_ms": 1000, "backoff_cap_ms": 300000}; a
// missing key keeps its default; a wrong type or a bad value is refused naming the key.
Result<RetryPolicy> RetryPolicyFromJson(const nlohmann::json& json);
nlohmann::json RetryPolicyToJson(const RetryPolicy& policy);

// The wait before attempt `attempts_made` + 1, after `attempts_made` (>= 1)
// failed: min(cap, base * 2^(attempts_made-1)) = d, then d/2 + a share of d/2
// drawn from FNV-1a of (key, attempts_made): in [d/2, d], never above the cap.
int64_t BackoffMs(const RetryPolicy& policy, std::string_view idempotency_key, int attempts_made);

enum class NextKind {
  kDone,        // accepted: record the receipt
  kRetryAt,     // send again, same key, at `at_ms`
  kDeadLetter,  // give up; `reason` says why
};

struct NextStep {
  NextKind kind = NextKind::kDone;
  int64_t at_ms = 0;   // kRetryAt: when
  std::string reason;  // kDeadLetter: "permanent: HTTP 400: ..." or "gave up after 8 attempts;
                       // last: HTTP 503"
};

// What follows `last`, the result of attempt number `attempts_made` (counting
// it), made at or before `now_ms`. kPermanent dead-letters at once; kRetry
// dead-letters once attempts_made reaches the policy's max_attempts.
NextStep NextAfter(const RetryPolicy& policy, std::string_view idempotency_key, int attempts_made,
                   const DeliveryResult& last, int64_t now_ms);

}  // namespace outpost::delivery
