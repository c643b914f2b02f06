// Inbound replies: what the relay POSTs when a customer answers a message
// ("1" to cancel, "TD" to opt out), signed like an outbound message (the
// X-Outpost-Signature header over the exact body; VerifySignature in
// sync/delivery/webhook.h). Parsing is bounded and pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "sync/status.h"

namespace outpost::delivery {

// The most bytes an inbound body may have; a longer one is refused unread.
inline constexpr size_t kMaxInboundBodyBytes = size_t{16} * 1024;

struct InboundReply {
  std::string from;                // E.164 phone or WeChat id, as the relay saw the sender
  std::string text;                // UTF-8, at most 1000 bytes
  int64_t received_at_ms = 0;      // when the relay received it (from "received_at")
  std::string gateway_message_id;  // the relay's own id of this reply
  std::string in_reply_to;         // idempotency key or message id it answers; may be empty
};

// {"from", "text", "received_at" (UTC timestamp text), "gateway_message_id",
// "in_reply_to" (optional)} as JSON. A body that is not a JSON object, a
// missing or mistyped field, a `from` that is neither E.164 nor a WeChat id, a
// timestamp that does not parse: InvalidInput naming the field and the value.
Result<InboundReply> ParseInboundReply(std::string_view body);

enum class ReplyKind {
  kCancel,  // "1": cancel the booking the message was about
  kOptOut,  // "TD" (any case) or "退订": no more messages on that channel
  kOther,   // anything else: kept for staff to read
};

const char* ReplyKindName(ReplyKind kind);  // "cancel", "opt_out", "other"

// Classifies the text after trimming spaces (ASCII and the ideographic space
// U+3000); a full-width "１" and "ＴＤ" count as their ASCII forms.
ReplyKind ClassifyReply(std::string_view text);

}  // namespace outpost::delivery
