// The store's booking rules as pure functions of times and settings, so each
// can be tested alone and Store applies them inside its transaction.
#pragma once

#include <cstdint>
#include <string>

#include "sync/civil_time.h"
#include "sync/lifecycle.h"
#include "sync/status.h"

namespace outpost {

struct RuleSettings {
  int min_notice_minutes = 30;
  int priority_notice_minutes = 240;
  LocalTime discount_cutoff{10, 0};
};

// A slot as the rules see it: its local date and time and its UTC start.
struct SlotMoment {
  LocalDate date;
  LocalTime time;
  int64_t start_utc_ms = 0;
};

// When the request is made: UTC and the store's local date then.
struct RequestMoment {
  int64_t utc_ms = 0;
  LocalDate local_date;
};

// Refuses a slot that has started or that is closer than the minimum notice.
// Walk-ins are there in person, so minimum notice does not apply to them.
// A refusal names the field "slot" (Status::field()).
Status CheckNotice(const RuleSettings& rules, const RequestMoment& now, const SlotMoment& slot,
                   Channel channel);

struct Perks {
  bool priority_reception = false;  // booked >= priority notice ahead: priority bay, car wash
  bool discount_eligible = false;   // booked on an earlier day, slot before the cut-off
};
Perks EvaluatePerks(const RuleSettings& rules, const RequestMoment& booked, const SlotMoment& slot);

struct ArrivalOutcome {
  bool discount_applied = false;
  std::string perk;  // "breakfast", "snack", "fruit" or empty
};
// At check-in: the discount holds only if the customer arrived before the
// cut-off; arrival perks (before 09:20 breakfast, 09:20-10:00 snack, after
// 15:30 fruit) never apply to bookings made the same day.
ArrivalOutcome EvaluateArrival(const RuleSettings& rules, bool discount_eligible,
                               bool booked_same_day, const LocalTime& arrival);

}  // namespace outpost
