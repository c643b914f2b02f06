// When a customer's next service is due, and when to invite them: per
// vehicle for a dealership (6 months or 5,000 km since the last service,
// whichever comes first, invited 15 days before), per customer and service
// for a salon (a message 21 days after the visit, a call around 28).
//
// Kilometres are projected from the vehicle's odometer readings: with two or
// more (on different days, increasing) the km per day over them; with fewer,
// time alone decides. Head office runs this over the unified view and a
// cut-off store over its own; whether an invitation then goes, and when, is
// the contact policy's business (policy.h, Purpose::kMarketing).
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
#include "sync/status.h"

namespace outpost::outreach {

// One contact of an invitation, placed relative to the due date.
struct ServiceContact {
  ContactChannel channel = ContactChannel::kCall;
  int days_before_due = 0;  // 15: fifteen days before; 0: on the day; negative: after
};

struct ServiceRule {
  std::string service_kind;  // "maintenance", "beauty_care"
  // Due this long after the last service: exactly one of the two is > 0.
  int due_after_months = 0;  // calendar months (31 Aug + 6 months = 28 Feb)
  int due_after_days = 0;
  // Or after this many km since it, if that comes first; nullopt: time only.
  std::optional<int64_t> due_after_km;
  // The invitation's contacts, at least one; the earliest is the invitation.
  std::vector<ServiceContact> contacts;
};

// maintenance: 6 months or 5,000 km, a call 15 days before due.
// beauty_care: due 28 days after the visit; WeChat on day 21, a call on day 28.
std::vector<ServiceRule> DefaultServiceRules();

// {"rules": [{"service_kind": "maintenance", "due_after_months": 6,
//   "due_after_days": 0, "due_after_km": 5000,
//   "contacts": [{"channel": "call", "days_before_due": 15}]}, ...]}.
// due_after_km may be null or absent. A bad value is refused naming it
// ("service rules: rules[0].due_after_km: -5 is negative").
Result<std::vector<ServiceRule>> ParseServiceRules(const nlohmann::json& json);
nlohmann::json ServiceRulesJson(const std::vector<ServiceRule>& rules);

struct MileageReading {
  LocalDate date;
  int64_t km = 0;
};

struct ScheduledContact {
  ContactChannel channel = ContactChannel::kCall;
  LocalDate date;
  bool due = false;  // date <= today
};

struct ServiceDue {
  LocalDate due_date;
  std::string due_by;                // "time" or "km": the limit reached first (time on a tie)
  std::optional<double> km_per_day;  // when readings allowed a projection
  std::optional<int64_t> due_at_km;  // the odometer reading at which km makes it due
  LocalDate invite_date;             // the earliest contact
  bool due_for_invitation = false;   // invite_date <= today
  std::vector<ScheduledContact> contacts;  // in the rule's order
};

// The next service after `last_service` under `rule`, as seen on `today`.
// `readings` in any order; a reading on `last_service` gives the km then,
// otherwise it is projected. A negative reading is refused naming it
// ("readings[1].km").
Result<ServiceDue> ProjectServiceDue(const ServiceRule& rule, const LocalDate& last_service,
                                     const std::vector<MileageReading>& readings,
                                     const LocalDate& today);

// `date` plus `months` calendar months, the day clamped to the month's last.
LocalDate AddMonths(const LocalDate& date, int months);

}  // namespace outpost::outreach
