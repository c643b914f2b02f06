// The one contact policy: whether, and when, the store or head office may
// contact a customer on a channel. Every sender (the store's reminders and
// call list, head office's invitations) asks Decide() just before it sends,
// with what it knows then, so consent, quiet hours, holidays and caps are
// written once and applied the same at every site.
//
// A contact the policy forbids now is delayed to the next allowed instant
// (with the reason in words), never placed at or after the booking starts,
// and dropped only with a reason. All times of day are the store's local time
// (TimeZone), so quiet hours hold across DST changes.
//
// Values and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sync/civil_time.h"
#include "sync/merge.h"
#include "sync/model/customer.h"
#include "sync/outreach/holidays.h"
#include "sync/status.h"

namespace outpost::outreach {

// Transactional: about a booking the customer made (confirmation, reminders,
// the SA's 2 h call). Marketing: anything else we start (invitations when a
// service is due, care calls).
enum class Purpose { kTransactional, kMarketing };
const char* PurposeName(Purpose purpose);  // "transactional", "marketing"
std::optional<Purpose> ParsePurpose(const std::string& name);

// Which channels a window of quiet hours silences.
enum class QuietScope { kCalls, kMessages, kAll };  // messages: SMS and WeChat

// [start, end) in local time. start > end wraps past midnight (21:00-09:00);
// start == end is refused by the codec (empty or whole day: ambiguous).
struct TimeWindow {
  LocalTime start;
  LocalTime end;
  bool Contains(const LocalTime& time) const;
  std::string ToString() const;  // "12:00-14:00"
};

struct QuietHours {
  QuietScope applies_to = QuietScope::kCalls;
  TimeWindow window;
};

// One store's policy (head office's own for chain-wide invitations). The
// defaults are the chain's rules.
struct ContactPolicy {
  // No calls 12:00-14:00, 18:00-20:00, before 09:00 or after 21:00; no
  // messages 21:00-09:00.
  std::vector<QuietHours> quiet_hours = {
      {QuietScope::kCalls, {{12, 0}, {14, 0}}},
      {QuietScope::kCalls, {{18, 0}, {20, 0}}},
      {QuietScope::kCalls, {{21, 0}, {9, 0}}},
      {QuietScope::kMessages, {{21, 0}, {9, 0}}},
  };
  // Marketing calls go inside one of these (transactional calls only avoid
  // quiet hours: the 2 h call cannot wait for a better window). Never wrap.
  std::vector<TimeWindow> preferred_call_windows = {{{10, 0}, {11, 30}}, {{14, 30}, {17, 0}}};
  // At most `marketing_cap` marketing contacts per customer in any
  // `marketing_cap_days` days, counted over every channel.
  int marketing_cap = 2;
  int marketing_cap_days = 30;
  // Appended to every message (WithOptOut).
  std::string opt_out_text = "回复TD退订";
};

// {"quiet_hours": [{"applies_to": "calls", "start": "12:00", "end": "14:00"}, ...],
//  "preferred_call_windows": [{"start": "10:00", "end": "11:30"}, ...],
//  "marketing_cap": {"count": 2, "days": 30}, "opt_out_text": "回复TD退订"}.
// Every member is required. A bad value is refused naming it
// ("contact policy: quiet_hours[1].start: '25:00' is not a time of day (HH:MM)").
Result<ContactPolicy> ParseContactPolicy(const nlohmann::json& json);
nlohmann::json ContactPolicyJson(const ContactPolicy& policy);

// What the deciding site knows about the person, when it decides.
struct ContactSubject {
  model::ChannelConsent consent;  // per channel (index: ContactChannel)
  bool do_not_disturb = false;
  // When each marketing contact (any channel, sent or planned) happened, as
  // far as this site knows: the hub knows the chain, a cut-off store its own.
  // Not the contact being decided: re-deciding a planned contact just before
  // sending must not count it against itself.
  std::vector<int64_t> marketing_contacts_ms;
};
// The subject of one customer record: its per-channel statements and
// do-not-disturb as logged (the old all-channel field is not read here: the
// hub merges it, see the overload below).
ContactSubject SubjectOf(const model::Customer& customer,
                         std::vector<int64_t> marketing_contacts_ms = {});
// The subject as the hub's merged consent of a person (MergeConsent) says.
ContactSubject SubjectOf(const Consent& consent, std::vector<int64_t> marketing_contacts_ms = {});

struct ContactAsk {
  ContactChannel channel = ContactChannel::kSms;
  Purpose purpose = Purpose::kTransactional;
  int64_t earliest_ms = 0;  // not before (usually now, or the step's due time)
  // Never at or after this (the booking's start, or a step's latest time).
  std::optional<int64_t> not_after_ms;
  // What not_after_ms is, for the reason of a drop: "the booking starts",
  // "the window of reminder_2_4h closes".
  std::string not_after_what = "the booking starts";
};

struct ContactDecision {
  enum class Kind { kSend, kDrop };
  Kind kind = Kind::kDrop;
  // kSend: when. Equals the ask's earliest_ms when allowed then; later when
  // delayed to the next allowed instant.
  int64_t at_ms = 0;
  bool delayed = false;
  // kSend and delayed: why, in words ("quiet hours 12:00-14:00"; several
  // joined by "; "). kDrop: why ("no opt-in for WeChat", "do not disturb").
  std::string reason;

  bool send() const { return kind == Kind::kSend; }
};

// The decision for `ask` about `subject`:
// - dropped under do-not-disturb, when opted out of the channel, and for
//   marketing without an explicit opt-in on that channel;
// - marketing is delayed past a public holiday and the days before and after
//   it, and (calls) into a preferred call window;
// - every contact is delayed out of its channel's quiet hours;
// - marketing is dropped when the cap is reached around the send time (any
//   `marketing_cap_days` days holding it would exceed the cap);
// - dropped when the instant found is at or after not_after_ms, or no
//   allowed instant exists within 60 days.
ContactDecision Decide(const ContactPolicy& policy, const TimeZone& zone,
                       const HolidayCalendar& holidays, const ContactSubject& subject,
                       const ContactAsk& ask);

// `text` carrying the policy's opt-out instruction exactly once, at the end
// (copies elsewhere in the text are removed). Idempotent.
std::string WithOptOut(const ContactPolicy& policy, const std::string& text);

}  // namespace outpost::outreach
