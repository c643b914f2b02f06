// Fuzz target: bytes a relay (or anyone who reaches head office's inbound
// webhook) posts, as the receiver treats them: the signature header checked
// against the body, the body parsed as an inbound reply, its text classified
// (sync/delivery/). Built with libFuzzer (ops/fuzz.sh) to search and with
// replay_main.cc as an ordinary test. The input is split at its first newline:
// the signature header before it, the body after. Any crash, sanitizer report
// or broken invariant below is a bug.
#include <cstdint>
#include <string>
#include <string_view>

#include "sync/clock.h"
#include "sync/delivery/inbound.h"
#include "sync/delivery/webhook.h"

namespace {

namespace delivery = outpost::delivery;

void Check(bool invariant) {
  if (!invariant) __builtin_trap();
}

const std::string kSecret = "fuzzing secret, sixteen bytes or more";

bool IsAddress(const std::string& s) {
  if (s.size() >= 9 && s[0] == '+') {
    for (size_t i = 1; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
    }
    return s.size() <= 16;
  }
  return !s.empty() && s.size() <= 64 &&
         ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const size_t newline = bytes.find('\n');
  const std::string_view header =
      newline == std::string_view::npos ? std::string_view() : bytes.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? bytes : bytes.substr(newline + 1);

  // A signature is accepted only when it is the body's (hex digits in either
  // case); the body's own always is.
  const outpost::Status verified = delivery::VerifySignature(kSecret, body, header);
  std::string lowered(header);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  Check(verified.ok() == (lowered == delivery::SignBody(kSecret, body)));
  Check(delivery::VerifySignature(kSecret, body, delivery::SignBody(kSecret, body)).ok());
  if (!verified.ok()) Check(verified.field() == "X-Outpost-Signature");

  const outpost::Result<delivery::InboundReply> reply = delivery::ParseInboundReply(body);
  if (!reply.ok()) {
    Check(reply.status().code() == outpost::StatusCode::kInvalidInput);
    return 0;
  }
  Check(body.size() <= delivery::kMaxInboundBodyBytes);
  Check(IsAddress(reply->from));
  Check(reply->text.size() <= 1000);
  Check(!reply->gateway_message_id.empty() && reply->gateway_message_id.size() <= 200);
  Check(reply->in_reply_to.size() <= 200);
  // The timestamp read back from its one text form is the same instant.
  const auto again = outpost::ParseUtcMs(outpost::FormatUtcMs(reply->received_at_ms));
  Check(again.ok() && *again == reply->received_at_ms);
  const delivery::ReplyKind kind = delivery::ClassifyReply(reply->text);
  Check(kind != delivery::ReplyKind::kCancel || reply->text.find('1') != std::string::npos ||
        reply->text.find("\xEF\xBC\x91") != std::string::npos);
  return 0;
}
