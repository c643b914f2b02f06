// DeliveryResult: what one attempt to hand a message to the SMS/WeChat relay
// came to, classified by what the sender does next (retry or give up), as
// kj::Exception's types are. A plain value; thread-compatible.
#pragma once

#include <string>

namespace outpost::delivery {

enum class DeliveryKind {
  kAccepted,   // the relay took it and gave a receipt: record the receipt, done
  kRetry,      // timeout, no connection, HTTP 5xx or 429: send again later, same key
  kPermanent,  // any other 4xx, or a message that cannot be sent: dead-letter now
};

const char* DeliveryKindName(DeliveryKind kind);  // "accepted", "retry", "permanent"

struct DeliveryResult {
  DeliveryKind kind = DeliveryKind::kRetry;
  int http_status = 0;     // 0 when no HTTP answer came (timeout, connection failure)
  std::string receipt_id;  // the relay's receipt; set only when kAccepted
  bool duplicate = false;  // the relay had already delivered this idempotency key
  // In words, never holding the secret: "timeout after 5000 ms", "HTTP 503",
  // "HTTP 400: <excerpt of the answer>", "cannot connect to 127.0.0.1:9: ...".
  std::string detail;
};

}  // namespace outpost::delivery
