// The store's planned contacts (table messages) and its outreach settings
// (table outreach_settings): the component that owns their SQL.
//
// Every contact the store plans, each attempt and each outcome is a logged
// change of entity "message" (sync/model/message.h), written here with its row
// through the store's ChangeWriter in the caller's transaction, so the row and
// the log never disagree and head office learns of every contact. Replay puts
// rows as the log says (PutMessageFromLog), logging nothing. A message's id is
// its idempotency key's (model::MessageIdFor): planning the same step twice
// finds the message already there and plans nothing. Thread-compatible.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "edge/change_writer.h"
#include "sync/model/message.h"
#include "sync/outreach/holidays.h"
#include "sync/outreach/policy.h"
#include "sync/outreach/reminders.h"
#include "sync/sqlite.h"
#include "sync/status.h"

namespace outpost::edge {

Result<std::optional<model::Message>> FindMessage(Db& db, const std::string& id);
// A message by id or the last digits of its id, as staff type it.
Result<model::Message> ResolveMessage(Db& db, const std::string& id_or_suffix);

// Writes a new message and logs its insert. Refuses an id already there.
Status InsertMessage(Db& db, ChangeWriter& log, const model::Message& message,
                     const std::string& staff);
// Applies `update` to `message`, writes the row and logs the update.
Status UpdateMessage(Db& db, ChangeWriter& log, model::Message& message,
                     const model::MessageUpdate& update, const std::string& staff);
// The row as the log's folded fields say (replay, repair); nothing logged.
Status PutMessageFromLog(Db& db, const model::Message& message);

// Pending messages (sync/model/message.h IsPending) whose due time and next
// attempt are at or before `now` (UTC text), oldest due first.
Result<std::vector<model::Message>> DueMessages(Db& db, const std::string& now);
// Pending messages of one booking.
Result<std::vector<model::Message>> PendingMessagesOfBooking(Db& db, const std::string& booking_id);
// Every message due in [from, to) (UTC text), by due time.
Result<std::vector<model::Message>> MessagesDueBetween(Db& db, const std::string& from,
                                                       const std::string& to);
// Marketing contacts of a customer sent at or after `since` (UTC text): what
// the frequency cap counts, as far as this store knows.
Result<std::vector<std::string>> MarketingSentSince(Db& db, const std::string& customer_id,
                                                    const std::string& since);

// The outreach settings as logged (entity "outreach"), or nothing when the
// store runs on the defaults.
// Marketing messages that reached out (sent, or a call with its outcome),
// sent or updated in [from, to) (UTC text): the month report's proactive
// contacts (sync/kpi/month_report.h).
Result<std::vector<model::Message>> MarketingContactsBetween(Db& db, const std::string& from,
                                                             const std::string& to);
Result<std::optional<std::string>> ReadOutreachSettings(Db& db, const std::string& store_id);
Status WriteOutreachSettings(Db& db, const std::string& store_id, const std::string& fields_json);

// ---- The store's outreach operations' types (edge/store_outreach.cc) ----

// The store's contact policy and the steps before a visit (entity "outreach",
// id = store id): {"policy": ..., "steps": [...]}; the chain's defaults until
// a store sets its own.
struct OutreachSettings {
  outreach::ContactPolicy policy;
  std::vector<outreach::ReminderStep> steps;
  // The chain's holiday calendar as head office last sent it ("holidays"
  // request); the shipped one (DefaultHolidayCalendar) until then.
  std::optional<outreach::HolidayCalendar> holidays;
  const outreach::HolidayCalendar& Holidays() const {
    return holidays ? *holidays : outreach::DefaultHolidayCalendar();
  }
};
nlohmann::json OutreachSettingsJson(const OutreachSettings& settings);
// Names the bad value ("contact policy: quiet_hours[1].start: ...").
Result<OutreachSettings> ParseOutreachSettings(const nlohmann::json& fields);

// What one planning pass did.
struct PlanReport {
  int planned = 0;    // new messages and call tasks
  int skipped = 0;    // steps the booking was made too late for (recorded)
  int cancelled = 0;  // pending ones whose booking was cancelled or moved
};

// A message cleared to go now: the attempt is logged (status "sending") and
// committed before the gateway is asked, so a crash after this point retries
// with the same idempotency key and the gateway delivers it once.
struct SendTicket {
  model::Message message;
  std::string to;  // E.164: the customer's first phone now
};

// What the gateway made of an attempt.
struct SendResult {
  enum class Kind { kAccepted, kRetry, kPermanent };
  Kind kind = Kind::kRetry;
  std::string receipt_id;
  std::string detail;                      // in words: "HTTP 503", "timeout after 5000 ms"
  std::optional<int64_t> next_attempt_ms;  // kRetry: when; nullopt: attempts exhausted
};

}  // namespace outpost::edge
