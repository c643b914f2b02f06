#include "sync/booking_rules.h"

#include "sync/i18n/messages.h"

namespace outpost {

Status CheckNotice(const RuleSettings& rules, const RequestMoment& now, const SlotMoment& slot,
                   Channel channel) {
  const std::string slot_name = slot.date.ToString() + " " + slot.time.ToString();
  if (slot.start_utc_ms <= now.utc_ms) {
    return Status::Refused("slot " + slot_name + " has already started")
        .WithShown(i18n::Format("slot {0} has already started", {slot_name}))
        .WithField("slot");
  }
  if (channel == Channel::kWalkIn) return Status::Ok();
  const int64_t notice_ms = int64_t{rules.min_notice_minutes} * 60'000;
  if (slot.start_utc_ms - now.utc_ms < notice_ms) {
    return Status::Refused("slot " + slot_name + " needs at least " +
                           std::to_string(rules.min_notice_minutes) + " minutes' notice")
        .WithShown(i18n::Format("slot {0} needs at least {1} minutes' notice",
                                {slot_name, std::to_string(rules.min_notice_minutes)}))
        .WithField("slot");
  }
  return Status::Ok();
}

Perks EvaluatePerks(const RuleSettings& rules, const RequestMoment& booked,
                    const SlotMoment& slot) {
  Perks perks;
  perks.priority_reception =
      slot.start_utc_ms - booked.utc_ms >= int64_t{rules.priority_notice_minutes} * 60'000;
  perks.discount_eligible = booked.local_date < slot.date && slot.time < rules.discount_cutoff;
  return perks;
}

ArrivalOutcome EvaluateArrival(const RuleSettings& rules, bool discount_eligible,
                               bool booked_same_day, const LocalTime& arrival) {
  ArrivalOutcome out;
  out.discount_applied = discount_eligible && arrival < rules.discount_cutoff;
  if (booked_same_day) return out;
  const int minutes = arrival.MinutesOfDay();
  if (minutes < 9 * 60 + 20) {
    out.perk = "breakfast";
  } else if (minutes < 10 * 60) {
    out.perk = "snack";
  } else if (minutes >= 15 * 60 + 30) {
    out.perk = "fruit";
  }
  return out;
}

}  // namespace outpost
