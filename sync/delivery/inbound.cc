#include "sync/delivery/inbound.h"

#include <nlohmann/json.hpp>

#include "sync/clock.h"
#include "sync/delivery/address.h"
#include "sync/i18n/messages.h"

namespace outpost::delivery {
namespace {

using nlohmann::json;

constexpr size_t kMaxReplyTextBytes = 1000;
constexpr size_t kMaxIdBytes = 200;

Status Bad(const char* field, std::string why) {
  const std::string shown = i18n::Format("inbound reply: {0}: {1}", {field, i18n::Tr(why)});
  return Status::InvalidInput(std::string("inbound reply: ") + field + ": " + std::move(why))
      .WithShown(shown)
      .WithField(field);
}

// The string at `field`; `required` refuses it missing; any present value must be a string.
Result<std::string> StringField(const json& body, const char* field, bool required) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) {
    if (required) return Bad(field, "missing");
    return std::string();
  }
  if (!it->is_string()) return Bad(field, it->dump() + " is not a string");
  return it->get<std::string>();
}

// The text with ASCII spaces and U+3000 trimmed, and full-width ASCII
// (U+FF01..U+FF5E, what a phone's Chinese keyboard types) folded to ASCII.
std::string Normalised(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0xEF && i + 2 < text.size()) {
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      const auto b2 = static_cast<unsigned char>(text[i + 2]);
      const unsigned code = ((c & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
      if (code >= 0xFF01 && code <= 0xFF5E) {
        out += static_cast<char>(code - 0xFF01 + 0x21);
        i += 3;
        continue;
      }
    }
    out += text[i++];
  }
  const std::string_view ideographic_space = "\u3000";
  bool trimmed = true;
  while (trimmed) {
    trimmed = false;
    while (!out.empty() &&
           (out.back() == ' ' || out.back() == '\t' || out.back() == '\n' || out.back() == '\r')) {
      out.pop_back();
      trimmed = true;
    }
    while (!out.empty() && (out[0] == ' ' || out[0] == '\t' || out[0] == '\n' || out[0] == '\r')) {
      out.erase(0, 1);
      trimmed = true;
    }
    if (out.size() >= 3 && out.compare(out.size() - 3, 3, ideographic_space) == 0) {
      out.erase(out.size() - 3);
      trimmed = true;
    }
    if (out.size() >= 3 && out.compare(0, 3, ideographic_space) == 0) {
      out.erase(0, 3);
      trimmed = true;
    }
  }
  return out;
}

}  // namespace

Result<InboundReply> ParseInboundReply(std::string_view body) {
  if (body.size() > kMaxInboundBodyBytes) {
    return Status::InvalidInput("inbound reply: body of " + std::to_string(body.size()) +
                                " bytes is over the limit of " +
                                std::to_string(kMaxInboundBodyBytes))
        .WithShown(
            i18n::Format("inbound reply: body of {0} bytes is over the limit of {1}",
                         {std::to_string(body.size()), std::to_string(kMaxInboundBodyBytes)}));
  }
  // Bytes from a peer: a parse error is a refusal, never an exception past here.
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Status::InvalidInput("inbound reply: body " + Quoted(body) + " is not a JSON object")
        .WithShown(i18n::Format("inbound reply: body {0} is not a JSON object", {Quoted(body)}));
  }
  InboundReply reply;
  ASSIGN_OR_RETURN(reply.from, StringField(parsed, "from", true));
  if (!IsE164(reply.from) && !IsWeChatId(reply.from)) {
    return Bad("from", Quoted(reply.from) + " is neither an E.164 phone nor a WeChat id");
  }
  ASSIGN_OR_RETURN(reply.text, StringField(parsed, "text", true));
  if (reply.text.size() > kMaxReplyTextBytes) {
    return Bad("text", std::to_string(reply.text.size()) + " bytes is over the limit of " +
                           std::to_string(kMaxReplyTextBytes));
  }
  ASSIGN_OR_RETURN(std::string received_at, StringField(parsed, "received_at", true));
  Result<int64_t> at = ParseUtcMs(received_at);
  if (!at.ok()) return Bad("received_at", Quoted(received_at) + " is not a UTC timestamp");
  reply.received_at_ms = *at;
  ASSIGN_OR_RETURN(reply.gateway_message_id, StringField(parsed, "gateway_message_id", true));
  if (reply.gateway_message_id.empty() || reply.gateway_message_id.size() > kMaxIdBytes) {
    return Bad("gateway_message_id", Quoted(reply.gateway_message_id) + " is empty or over " +
                                         std::to_string(kMaxIdBytes) + " bytes");
  }
  ASSIGN_OR_RETURN(reply.in_reply_to, StringField(parsed, "in_reply_to", false));
  if (reply.in_reply_to.size() > kMaxIdBytes) {
    return Bad("in_reply_to", "over " + std::to_string(kMaxIdBytes) + " bytes");
  }
  return reply;
}

const char* ReplyKindName(ReplyKind kind) {
  switch (kind) {
    case ReplyKind::kCancel:
      return "cancel";
    case ReplyKind::kOptOut:
      return "opt_out";
    case ReplyKind::kOther:
      return "other";
  }
  return "other";
}

ReplyKind ClassifyReply(std::string_view text) {
  const std::string t = Normalised(text);
  if (t == "1") return ReplyKind::kCancel;
  if (t == "TD" || t == "td" || t == "Td" || t == "tD" || t == "退订") return ReplyKind::kOptOut;
  return ReplyKind::kOther;
}

}  // namespace outpost::delivery
