// The sending side of the relay protocol (docs/OUTREACH.md, "Delivery: the
// gateway protocol"): one outbound message POSTed as JSON to the relay's
// webhook, signed with HMAC-SHA256 over the exact body bytes under a shared
// secret, carrying an idempotency key so a retry is never delivered twice.
//
// WebhookClient owns one libcurl handle (connections are reused) and is not
// thread-safe: one client per sending thread. The signing functions are
// stateless and thread-safe. The secret is never printed, logged or put in a
// Status or a DeliveryResult.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "sync/clock.h"
#include "sync/delivery/result.h"
#include "sync/delivery/retry.h"
#include "sync/status.h"

namespace outpost::delivery {

struct GatewayConfig {
  std::string url;  // http:// or https://, the relay's webhook ("http://127.0.0.1:8080/messages")
  std::string secret;         // the shared secret's bytes, from LoadGatewaySecret
  int64_t timeout_ms = 5000;  // whole attempt: connect, send, answer
  RetryPolicy retry;          // attempts, backoff base and cap (sync/delivery/retry.h)
};

// Refuses, naming the field, a url that is not http(s)://host..., an empty
// secret, a timeout_ms outside 1..600000, and a bad retry policy.
Status ValidateGatewayConfig(const GatewayConfig& config);

// A sender's gateway settings as JSON (a store's or head office's config):
// {"url": "...", "secret_file": "/etc/outpost/gateway.secret", "timeout_ms": 5000,
//  "max_attempts": 8, "backoff_base_ms": 1000, "backoff_cap_ms": 300000}. url and
// secret_file are required, the rest default; the secret is loaded with
// LoadGatewaySecret. A bad or missing key is refused naming it; nothing is kept.
Result<GatewayConfig> GatewayConfigFromJson(const nlohmann::json& json);

// The secret in `path`: the file's bytes without one trailing newline (so
// `openssl rand -hex 32 > F` makes a good one). Refused, naming the path: a
// missing file (NotFound), one readable or writable by group or others
// (Refused, with the chmod that fixes it), one under 16 or over 4096 bytes
// (InvalidInput, with how to make one). The secret is never in the Status.
Result<std::string> LoadGatewaySecret(const std::string& path);

// "sha256=<64 lowercase hex>": HMAC-SHA256 of `body` exactly as sent, keyed by `secret`.
std::string SignBody(std::string_view secret, std::string_view body);

// Ok when `header` (X-Outpost-Signature) is SignBody(secret, body), its hex
// digits in either case; the MACs are compared in constant time. Otherwise InvalidInput saying why,
// naming the header: missing, not "sha256=" with 64 hex digits, or not matching the body.
Status VerifySignature(std::string_view secret, std::string_view body, std::string_view header);

struct OutboundMessage {
  std::string message_id;       // the sender's id of this message
  std::string idempotency_key;  // one per message and send slot; the same on every retry
  std::string store_id;
  std::string channel;  // "sms" or "wechat"
  std::string to;       // sms: E.164 ("+8613812345678"); wechat: the WeChat id
  std::string text;     // UTF-8, at most 2000 bytes
};

// Refuses, naming the field and the value: an empty or over-long id or key, a
// key with other than printable ASCII (it travels in a header), an unknown
// channel, a `to` that is not E.164 (sms) or a WeChat id (a letter, then
// letters, digits, _ and -; 1..64), text that is empty, over 2000 bytes or not UTF-8.
Status ValidateOutboundMessage(const OutboundMessage& message);

// The exact request body: {message_id, idempotency_key, store_id, channel, to,
// text, sent_at} in that order, sent_at as FormatUtcMs(sent_at_ms).
std::string MessageBody(const OutboundMessage& message, int64_t sent_at_ms);

class WebhookClient {
 public:
  // Validates the config (the Status names the bad field); `clock` gives sent_at
  // and must outlive the client.
  static Result<std::unique_ptr<WebhookClient>> Create(GatewayConfig config, const Clock& clock);
  ~WebhookClient();
  WebhookClient(const WebhookClient&) = delete;
  WebhookClient& operator=(const WebhookClient&) = delete;

  // One attempt: POSTs the message and classifies the answer. Never throws,
  // never blocks past timeout_ms (plus the OS's name lookup). A message that
  // fails ValidateOutboundMessage is kPermanent without being sent.
  DeliveryResult Send(const OutboundMessage& message);

 private:
  struct Impl;
  explicit WebhookClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace outpost::delivery
