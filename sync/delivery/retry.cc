#include "sync/delivery/retry.h"

#include <algorithm>

#include "sync/i18n/messages.h"

namespace outpost::delivery {
namespace {

// Limits that keep every product below below 2^63 and a dead message dead in
// reasonable time: 1000 attempts, a week's wait at most.
constexpr int kMaxAttemptsLimit = 1000;
constexpr int64_t kMaxDelayMs = int64_t{7} * 24 * 3600 * 1000;

// FNV-1a, 64 bits: the same jitter on every platform and every run.
uint64_t Fnv1a(std::string_view key, int attempt) {
  uint64_t h = 14695981039346656037ull;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 1099511628211ull;
  };
  for (char c : key) mix(static_cast<unsigned char>(c));
  mix(0);  // separates the key from the attempt number
  for (int i = 0; i < 4; ++i) mix(static_cast<unsigned char>((attempt >> (8 * i)) & 0xff));
  return h;
}

Result<int64_t> IntField(const nlohmann::json& json, const char* key, int64_t fallback) {
  if (!json.contains(key)) return fallback;
  const auto& value = json.at(key);
  if (!value.is_number_integer()) {
    return Status::InvalidInput(std::string(key) + ": " + value.dump() + " is not a whole number")
        .WithShown(i18n::Format("{0}: {1} is not a whole number", {key, value.dump()}))
        .WithField(key);
  }
  return value.get<int64_t>();
}

}  // namespace

const char* DeliveryKindName(DeliveryKind kind) {
  switch (kind) {
    case DeliveryKind::kAccepted:
      return "accepted";
    case DeliveryKind::kRetry:
      return "retry";
    case DeliveryKind::kPermanent:
      return "permanent";
  }
  return "unknown";
}

Status ValidateRetryPolicy(const RetryPolicy& policy) {
  if (policy.max_attempts < 1 || policy.max_attempts > kMaxAttemptsLimit) {
    return Status::InvalidInput("max_attempts: " + std::to_string(policy.max_attempts) +
                                " is not between 1 and " + std::to_string(kMaxAttemptsLimit))
        .WithShown(
            i18n::Format("max_attempts: {0} is not between 1 and {1}",
                         {std::to_string(policy.max_attempts), std::to_string(kMaxAttemptsLimit)}))
        .WithField("max_attempts");
  }
  if (policy.backoff_base_ms < 0 || policy.backoff_base_ms > kMaxDelayMs) {
    return Status::InvalidInput("backoff_base_ms: " + std::to_string(policy.backoff_base_ms) +
                                " is not between 0 and " + std::to_string(kMaxDelayMs))
        .WithShown(
            i18n::Format("backoff_base_ms: {0} is not between 0 and {1}",
                         {std::to_string(policy.backoff_base_ms), std::to_string(kMaxDelayMs)}))
        .WithField("backoff_base_ms");
  }
  if (policy.backoff_cap_ms < policy.backoff_base_ms || policy.backoff_cap_ms > kMaxDelayMs) {
    return Status::InvalidInput("backoff_cap_ms: " + std::to_string(policy.backoff_cap_ms) +
                                " is not between backoff_base_ms (" +
                                std::to_string(policy.backoff_base_ms) + ") and " +
                                std::to_string(kMaxDelayMs))
        .WithShown(
            i18n::Format("backoff_cap_ms: {0} is not between backoff_base_ms ({1}) and {2}",
                         {std::to_string(policy.backoff_cap_ms),
                          std::to_string(policy.backoff_base_ms), std::to_string(kMaxDelayMs)}))
        .WithField("backoff_cap_ms");
  }
  return Status::Ok();
}

Result<RetryPolicy> RetryPolicyFromJson(const nlohmann::json& json) {
  if (!json.is_object()) {
    return Status::InvalidInput("retry policy: " + json.dump() + " is not a JSON object")
        .WithShown(i18n::Format("retry policy: {0} is not a JSON object", {json.dump()}));
  }
  RetryPolicy policy;
  ASSIGN_OR_RETURN(int64_t attempts, IntField(json, "max_attempts", policy.max_attempts));
  if (attempts < 1 || attempts > kMaxAttemptsLimit) {
    return Status::InvalidInput("max_attempts: " + std::to_string(attempts) +
                                " is not between 1 and " + std::to_string(kMaxAttemptsLimit))
        .WithShown(i18n::Format("max_attempts: {0} is not between 1 and {1}",
                                {std::to_string(attempts), std::to_string(kMaxAttemptsLimit)}))
        .WithField("max_attempts");
  }
  policy.max_attempts = static_cast<int>(attempts);
  ASSIGN_OR_RETURN(policy.backoff_base_ms,
                   IntField(json, "backoff_base_ms", policy.backoff_base_ms));
  ASSIGN_OR_RETURN(policy.backoff_cap_ms, IntField(json, "backoff_cap_ms", policy.backoff_cap_ms));
  RETURN_IF_ERROR(ValidateRetryPolicy(policy));
  return policy;
}

nlohmann::json RetryPolicyToJson(const RetryPolicy& policy) {
  return {{"max_attempts", policy.max_attempts},
          {"backoff_base_ms", policy.backoff_base_ms},
          {"backoff_cap_ms", policy.backoff_cap_ms}};
}

int64_t BackoffMs(const RetryPolicy& policy, std::string_view idempotency_key, int attempts_made) {
  // Doubling stops at the cap, so the product never overflows.
  int64_t delay = std::max<int64_t>(policy.backoff_base_ms, 0);
  const int64_t cap = std::max(policy.backoff_cap_ms, delay);
  for (int i = 1; i < attempts_made && delay < cap; ++i) delay = std::min(cap, delay * 2);
  delay = std::min(delay, cap);
  const int64_t half = delay / 2;
  const uint64_t spread = static_cast<uint64_t>(delay - half) + 1;
  return half + static_cast<int64_t>(Fnv1a(idempotency_key, attempts_made) % spread);
}

NextStep NextAfter(const RetryPolicy& policy, std::string_view idempotency_key, int attempts_made,
                   const DeliveryResult& last, int64_t now_ms) {
  NextStep next;
  switch (last.kind) {
    case DeliveryKind::kAccepted:
      next.kind = NextKind::kDone;
      return next;
    case DeliveryKind::kPermanent:
      next.kind = NextKind::kDeadLetter;
      next.reason = "permanent: " + last.detail;
      return next;
    case DeliveryKind::kRetry:
      break;
  }
  if (attempts_made >= policy.max_attempts) {
    next.kind = NextKind::kDeadLetter;
    next.reason = "gave up after " + std::to_string(attempts_made) +
                  (attempts_made == 1 ? " attempt" : " attempts") + "; last: " + last.detail;
    return next;
  }
  next.kind = NextKind::kRetryAt;
  next.at_ms = now_ms + BackoffMs(policy, idempotency_key, std::max(attempts_made, 1));
  return next;
}

}  // namespace outpost::delivery
