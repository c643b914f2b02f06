#include "sync/model/message.h"

#include <array>

#include "sync/clock.h"
#include "sync/model/fields.h"

namespace outpost::model {
namespace {

using nlohmann::json;

constexpr const char* kKind = "message";

constexpr std::array<const char*, 10> kStatusNames = {"planned",   "delayed", "sending", "retrying",
                                                      "sent",      "done",    "dead",    "dropped",
                                                      "cancelled", "skipped"};

Result<MessageStatus> StatusField(const FieldReader& in, const std::string& text) {
  auto status = ParseMessageStatus(text);
  if (!status) return in.Bad("status", "'" + text + "' is not a message status");
  return *status;
}

// A UTC timestamp field, checked so a damaged one is never read as 0.
Status CheckUtc(const FieldReader& in, const char* field, const std::optional<std::string>& text) {
  if (text && !ParseUtcMs(*text).ok()) {
    return in.Bad(field, "'" + *text + "' is not a UTC time");
  }
  return Status::Ok();
}

Status CheckChoice(const FieldReader& in, const char* field, const std::string& value,
                   std::initializer_list<const char*> allowed) {
  for (const char* a : allowed) {
    if (value == a) return Status::Ok();
  }
  return in.Bad(field, "'" + value + "' is not one of the allowed values");
}

}  // namespace

const char* MessageStatusName(MessageStatus status) {
  return kStatusNames[static_cast<size_t>(status)];
}

std::optional<MessageStatus> ParseMessageStatus(const std::string& name) {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (name == kStatusNames[i]) return static_cast<MessageStatus>(i);
  }
  return std::nullopt;
}

bool IsPending(MessageStatus status) {
  return status == MessageStatus::kPlanned || status == MessageStatus::kDelayed ||
         status == MessageStatus::kSending || status == MessageStatus::kRetrying;
}

std::string MessageIdFor(const std::string& idempotency_key) {
  return KeyedId("M-", idempotency_key);
}

json MessageInsertFields(const Message& m) {
  json fields = {{"store_id", m.store_id},
                 {"customer_id", m.customer_id},
                 {"booking_id", OrNull(m.booking_id)},
                 {"step", m.step},
                 {"purpose", m.purpose},
                 {"channel", m.channel},
                 {"idempotency_key", m.idempotency_key},
                 {"due_at", m.due_at},
                 {"not_after", OrNull(m.not_after)},
                 {"text", m.text},
                 {"planned_at", m.planned_at},
                 {"status", MessageStatusName(m.status)},
                 {"reason", m.reason},
                 {"attempts", m.attempts}};
  return fields;
}

json MessageUpdateFields(const MessageUpdate& u) {
  json fields = json::object();
  if (u.status) fields["status"] = MessageStatusName(*u.status);
  SetIfPresent(fields, "reason", u.reason);
  SetIfPresent(fields, "due_at", u.due_at);
  SetIfPresent(fields, "attempts", u.attempts);
  SetIfPresent(fields, "next_attempt_at", u.next_attempt_at);
  SetIfPresent(fields, "receipt_id", u.receipt_id);
  SetIfPresent(fields, "sent_at", u.sent_at);
  SetIfPresent(fields, "outcome", u.outcome);
  SetIfPresent(fields, "updated_at", u.updated_at);
  return fields;
}

json MessageJson(const Message& m) {
  json out = MessageInsertFields(m);
  out["id"] = m.id;
  out["next_attempt_at"] = OrNull(m.next_attempt_at);
  out["receipt_id"] = OrNull(m.receipt_id);
  out["sent_at"] = OrNull(m.sent_at);
  out["outcome"] = OrNull(m.outcome);
  out["updated_at"] = OrNull(m.updated_at);
  return out;
}

Result<Message> ParseMessage(const std::string& id, const json& fields) {
  const FieldReader in(kKind, fields);
  RETURN_IF_ERROR(in.CheckObject());
  Message m;
  m.id = id;
  ASSIGN_OR_RETURN(m.store_id, in.Text("store_id"));
  ASSIGN_OR_RETURN(m.customer_id, in.Text("customer_id"));
  ASSIGN_OR_RETURN(m.booking_id, in.OptionalText("booking_id"));
  ASSIGN_OR_RETURN(m.step, in.Text("step"));
  ASSIGN_OR_RETURN(m.purpose, in.Text("purpose"));
  RETURN_IF_ERROR(CheckChoice(in, "purpose", m.purpose, {"transactional", "marketing"}));
  ASSIGN_OR_RETURN(m.channel, in.Text("channel"));
  RETURN_IF_ERROR(CheckChoice(in, "channel", m.channel, {"sms", "wechat", "call"}));
  ASSIGN_OR_RETURN(m.idempotency_key, in.Text("idempotency_key"));
  if (MessageIdFor(m.idempotency_key) != id) {
    return in.Bad("idempotency_key", "does not match the message id " + id);
  }
  ASSIGN_OR_RETURN(m.due_at, in.Text("due_at"));
  RETURN_IF_ERROR(CheckUtc(in, "due_at", m.due_at));
  ASSIGN_OR_RETURN(m.not_after, in.OptionalText("not_after"));
  RETURN_IF_ERROR(CheckUtc(in, "not_after", m.not_after));
  ASSIGN_OR_RETURN(m.text, in.TextOr("text", ""));
  ASSIGN_OR_RETURN(m.planned_at, in.Text("planned_at"));
  RETURN_IF_ERROR(CheckUtc(in, "planned_at", m.planned_at));
  ASSIGN_OR_RETURN(std::string status, in.Text("status"));
  ASSIGN_OR_RETURN(m.status, StatusField(in, status));
  ASSIGN_OR_RETURN(m.reason, in.TextOr("reason", ""));
  ASSIGN_OR_RETURN(auto attempts, in.OptionalInt("attempts"));
  m.attempts = attempts.value_or(0);
  if (m.attempts < 0) return in.Bad("attempts", "negative");
  ASSIGN_OR_RETURN(m.next_attempt_at, in.OptionalText("next_attempt_at"));
  RETURN_IF_ERROR(CheckUtc(in, "next_attempt_at", m.next_attempt_at));
  ASSIGN_OR_RETURN(m.receipt_id, in.OptionalText("receipt_id"));
  ASSIGN_OR_RETURN(m.sent_at, in.OptionalText("sent_at"));
  RETURN_IF_ERROR(CheckUtc(in, "sent_at", m.sent_at));
  ASSIGN_OR_RETURN(m.outcome, in.OptionalText("outcome"));
  ASSIGN_OR_RETURN(m.updated_at, in.OptionalText("updated_at"));
  return m;
}

Result<MessageUpdate> ParseMessageUpdate(const json& fields) {
  const FieldReader in(kKind, fields);
  RETURN_IF_ERROR(in.CheckObject());
  MessageUpdate u;
  ASSIGN_OR_RETURN(auto status, in.OptionalText("status"));
  if (status) {
    ASSIGN_OR_RETURN(u.status, StatusField(in, *status));
  }
  ASSIGN_OR_RETURN(u.reason, in.OptionalText("reason"));
  ASSIGN_OR_RETURN(u.due_at, in.OptionalText("due_at"));
  RETURN_IF_ERROR(CheckUtc(in, "due_at", u.due_at));
  ASSIGN_OR_RETURN(u.attempts, in.OptionalInt("attempts"));
  if (u.attempts && *u.attempts < 0) return in.Bad("attempts", "negative");
  ASSIGN_OR_RETURN(u.next_attempt_at, in.OptionalText("next_attempt_at"));
  RETURN_IF_ERROR(CheckUtc(in, "next_attempt_at", u.next_attempt_at));
  ASSIGN_OR_RETURN(u.receipt_id, in.OptionalText("receipt_id"));
  ASSIGN_OR_RETURN(u.sent_at, in.OptionalText("sent_at"));
  RETURN_IF_ERROR(CheckUtc(in, "sent_at", u.sent_at));
  ASSIGN_OR_RETURN(u.outcome, in.OptionalText("outcome"));
  ASSIGN_OR_RETURN(u.updated_at, in.OptionalText("updated_at"));
  return u;
}

void ApplyMessageUpdate(const MessageUpdate& u, Message& m) {
  if (u.status) m.status = *u.status;
  if (u.reason) m.reason = *u.reason;
  if (u.due_at) m.due_at = *u.due_at;
  if (u.attempts) m.attempts = *u.attempts;
  if (u.next_attempt_at) m.next_attempt_at = u.next_attempt_at;
  if (u.receipt_id) m.receipt_id = u.receipt_id;
  if (u.sent_at) m.sent_at = u.sent_at;
  if (u.outcome) m.outcome = u.outcome;
  if (u.updated_at) m.updated_at = u.updated_at;
}

}  // namespace outpost::model
