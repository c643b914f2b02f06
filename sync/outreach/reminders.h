// The steps before a visit: the confirmation at booking, the reminders and
// the SA's confirmation call, each in a window before the slot, and the plan
// of one booking's steps (when each is due, until when it may still go, and
// the idempotency key that makes it go once).
//
// Windows are measured from the slot's UTC instant, so "24 h before" is 24
// real hours across a DST change; quiet hours and consent are the contact
// policy's business (policy.h), asked just before sending with
// not_after_ms = the step's latest_ms. Values and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sync/civil_time.h"
#include "sync/merge.h"
#include "sync/outreach/policy.h"
#include "sync/status.h"

namespace outpost::outreach {

struct ReminderStep {
  std::string name;  // unique in a store's steps; [a-z0-9_-]; part of the idempotency key
  ContactChannel channel = ContactChannel::kSms;
  Purpose purpose = Purpose::kTransactional;
  // The confirmation: due when the booking is made, until the slot starts.
  bool at_booking = false;
  // Otherwise the window before the slot's start: it opens
  // `earliest_minutes_before` and closes `latest_minutes_before` the start
  // (earliest >= latest >= 0; 2880 and 1440 for "24-48 h before").
  int earliest_minutes_before = 0;
  int latest_minutes_before = 0;

  // A call is a task for staff (the SA's call list), not a message.
  bool staff_task() const { return channel == ContactChannel::kCall; }
};

// Confirmation at once (SMS); reminders 24-48 h (SMS) and 2-4 h (SMS) before;
// about 30 min before (SMS: a store knows phones, not WeChat ids); the SA's confirmation call 2 h
// before.
std::vector<ReminderStep> DefaultReminderSteps();

// {"steps": [{"name": "confirmation", "channel": "sms", "purpose": "transactional",
//   "at_booking": true}, {"name": "reminder_24_48h", "channel": "sms", "purpose":
//   "transactional", "at_booking": false, "earliest_minutes_before": 2880,
//   "latest_minutes_before": 1440}, ...]}.
// A bad step is refused naming its position, field and name ("reminder steps:
// steps[1].earliest_minutes_before: -5 is negative (step 'reminder_2_4h')").
Result<std::vector<ReminderStep>> ParseReminderSteps(const nlohmann::json& json);
nlohmann::json ReminderStepsJson(const std::vector<ReminderStep>& steps);

struct PlannedStep {
  std::string step;  // the step's name
  ContactChannel channel = ContactChannel::kSms;
  Purpose purpose = Purpose::kTransactional;
  bool staff_task = false;
  int64_t due_ms = 0;     // not before
  int64_t latest_ms = 0;  // never at or after (the sender's not_after_ms)
  // store/booking/step/slot-UTC: one per booking, step and slot time, so a
  // moved booking's steps get new keys and the old ones are void.
  std::string idempotency_key;
  bool skipped = false;
  std::string skip_reason;  // "booked too late for <step>: ..."
};

// The key of one step of one booking at one slot time ("S1/B7/reminder_2_4h/
// 2026-11-25T00:30:00.000Z"). A sender rebuilds it from the booking as it is
// just before sending: a different key means the booking moved.
std::string StepKey(const std::string& store_id, const std::string& booking_id,
                    const std::string& step, int64_t slot_utc_ms);

// Every step of `steps` for the booking of `slot_date` `slot_time` (store
// local time in `zone`) made at `booked_at_ms`, in the order of `steps`.
// A step whose window had closed when the booking was made is skipped
// ("booked too late for <step>"); so is one whose window was already open,
// when an at-booking step is sent then, since it says the same at the same
// moment; without one, only the open step nearest the visit goes at once.
// Never are all steps fired at booking.
std::vector<PlannedStep> PlanBookingSteps(const std::string& store_id,
                                          const std::string& booking_id, const LocalDate& slot_date,
                                          const LocalTime& slot_time, int64_t booked_at_ms,
                                          const std::vector<ReminderStep>& steps,
                                          const TimeZone& zone);

}  // namespace outpost::outreach
