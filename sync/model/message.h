// A contact the store or head office plans to make (entity "message"), and
// its one codec: a message through the gateway (SMS, WeChat) or a call task
// for staff (channel "call"), with every attempt and its outcome.
//
// Planned whole (op "insert": MessageInsertFields), then changed by the fields
// that changed (MessageUpdateFields): delayed by the contact policy, an
// attempt begun, sent with its receipt, failed, given up, cancelled because
// the booking moved or was cancelled, a call's outcome. Readers fold the two
// by key (sync/merge.h), as for a booking.
//
// The id is derived from the idempotency key (MessageIdFor), so two planners
// at one site that plan the same step of the same booking for the same slot
// plan one message, never two; a moved booking has a new slot time, hence a
// new key and a new message. No phone number is logged: the sender looks the
// customer's current number up when it sends. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sync/status.h"

namespace outpost::model {

enum class MessageStatus {
  kPlanned,    // waits for its due time
  kDelayed,    // the contact policy moved its due time; `reason` says why
  kSending,    // an attempt began; after a crash it is retried with the same key
  kRetrying,   // an attempt failed; the next is at next_attempt_at
  kSent,       // the gateway accepted it (receipt_id)
  kDone,       // a call task with its outcome
  kDead,       // given up after the last attempt; `reason` is the last failure
  kDropped,    // the contact policy forbids it; `reason` says which rule
  kCancelled,  // its booking was cancelled or moved; `reason` says which
  kSkipped,    // the booking was made too late for this step
};

const char* MessageStatusName(MessageStatus status);
std::optional<MessageStatus> ParseMessageStatus(const std::string& name);
// Still to be sent or called: planned, delayed, sending, retrying.
bool IsPending(MessageStatus status);

struct Message {
  std::string id;  // the entity id (MessageIdFor(idempotency_key)); not logged
  std::string store_id;
  std::string customer_id;
  std::optional<std::string> booking_id;
  std::string step;     // "confirmation", "reminder-24h", "call-2h", "invitation", ...
  std::string purpose;  // "transactional" or "marketing"
  std::string channel;  // "sms", "wechat" or "call"
  std::string idempotency_key;
  std::string due_at;                    // UTC text: the first moment it may go
  std::optional<std::string> not_after;  // UTC text: never at or after (the visit)
  std::string text;                      // the words sent, opt-out included; calls: a script
  std::string planned_at;                // UTC text
  MessageStatus status = MessageStatus::kPlanned;
  std::string reason;  // why delayed, dropped, cancelled, failed
  int64_t attempts = 0;
  std::optional<std::string> next_attempt_at;
  std::optional<std::string> receipt_id;
  std::optional<std::string> sent_at;
  std::optional<std::string> outcome;  // a call's outcome: "reached", "no-answer", ...
  std::optional<std::string> updated_at;
};

// The changed fields of one update; unset: unchanged.
struct MessageUpdate {
  std::optional<MessageStatus> status;
  std::optional<std::string> reason;
  std::optional<std::string> due_at;
  std::optional<int64_t> attempts;
  std::optional<std::string> next_attempt_at;
  std::optional<std::string> receipt_id;
  std::optional<std::string> sent_at;
  std::optional<std::string> outcome;
  std::optional<std::string> updated_at;
};

// "M-" and 20 hex digits of BLAKE2b(key).
std::string MessageIdFor(const std::string& idempotency_key);

nlohmann::json MessageInsertFields(const Message& message);
nlohmann::json MessageUpdateFields(const MessageUpdate& update);
// Every field with its id, null where absent: what `--json` prints.
nlohmann::json MessageJson(const Message& message);
// An insert's fields or an entity's folded fields. Checks every field and
// names the first that is wrong; the id must be the key's.
Result<Message> ParseMessage(const std::string& id, const nlohmann::json& fields);
Result<MessageUpdate> ParseMessageUpdate(const nlohmann::json& fields);
void ApplyMessageUpdate(const MessageUpdate& update, Message& message);

}  // namespace outpost::model
