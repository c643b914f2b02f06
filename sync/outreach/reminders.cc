#include "sync/outreach/reminders.h"

#include <algorithm>
#include <set>

#include "sync/clock.h"
#include "sync/i18n/messages.h"
#include "sync/outreach/json_in.h"

namespace outpost::outreach {

using internal::JsonIn;
using nlohmann::json;

namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kMaxMinutesBefore = int64_t{60} * 24 * 60;  // 60 days
constexpr char kWhat[] = "reminder steps";

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// `status` with the step's name added, so head office finds it in the file.
Status NamingStep(const Status& status, const std::string& name) {
  if (status.ok() || name.empty()) return status;
  return Status::InvalidInput(status.message() + " (step '" + name + "')")
      .WithShown(i18n::Format("{0} (step '{1}')", {status.shown(), name}))
      .WithField(status.field());
}

Result<ReminderStep> ReadStepFields(const JsonIn& in, ReminderStep step) {
  ASSIGN_OR_RETURN(step.channel, in.At("channel").Channel());
  const JsonIn purpose = in.At("purpose");
  ASSIGN_OR_RETURN(std::string purpose_name, purpose.Text());
  auto parsed = ParsePurpose(purpose_name);
  if (!parsed) return purpose.Bad("'" + purpose_name + "' is not transactional or marketing");
  step.purpose = *parsed;
  ASSIGN_OR_RETURN(step.at_booking, in.At("at_booking").Bool());
  const JsonIn earliest = in.At("earliest_minutes_before");
  const JsonIn latest = in.At("latest_minutes_before");
  if (step.at_booking) {
    if (earliest.Present()) return earliest.Bad("is set, but the step goes at booking");
    if (latest.Present()) return latest.Bad("is set, but the step goes at booking");
    return step;
  }
  ASSIGN_OR_RETURN(int64_t opens, earliest.Int(0, kMaxMinutesBefore));
  ASSIGN_OR_RETURN(int64_t closes, latest.Int(0, kMaxMinutesBefore));
  if (opens < closes) {
    return earliest.Bad(std::to_string(opens) + " is less than latest_minutes_before " +
                        std::to_string(closes) + ": the window must open before it closes");
  }
  step.earliest_minutes_before = static_cast<int>(opens);
  step.latest_minutes_before = static_cast<int>(closes);
  return step;
}

Result<ReminderStep> ReadStep(const JsonIn& in, std::set<std::string>& names) {
  RETURN_IF_ERROR(in.Object());
  const JsonIn name_in = in.At("name");
  ReminderStep step;
  ASSIGN_OR_RETURN(step.name, name_in.NonEmptyText());
  const std::string name = step.name;
  if (!std::all_of(step.name.begin(), step.name.end(), IsNameChar)) {
    return name_in.Bad("'" + step.name + "' may hold only a-z, 0-9, _ and -");
  }
  if (!names.insert(step.name).second) return name_in.Bad("'" + step.name + "' is used twice");
  auto read = ReadStepFields(in, std::move(step));
  if (!read.ok()) return NamingStep(read.status(), name);
  return read;
}

PlannedStep Skip(PlannedStep planned, const std::string& why) {
  planned.skipped = true;
  planned.skip_reason = "booked too late for " + planned.step + ": " + why;
  return planned;
}

}  // namespace

std::vector<ReminderStep> DefaultReminderSteps() {
  using C = ContactChannel;
  constexpr Purpose kT = Purpose::kTransactional;
  return {
      {"confirmation", C::kSms, kT, true, 0, 0},
      {"reminder_24_48h", C::kSms, kT, false, 48 * 60, 24 * 60},
      {"reminder_2_4h", C::kSms, kT, false, 4 * 60, 2 * 60},
      {"reminder_30min", C::kSms, kT, false, 30, 15},
      {"sa_call_2h", C::kCall, kT, false, 2 * 60, 60},
  };
}

Result<std::vector<ReminderStep>> ParseReminderSteps(const json& document) {
  const JsonIn root(kWhat, document);
  RETURN_IF_ERROR(root.Object());
  const JsonIn list = root.At("steps");
  RETURN_IF_ERROR(list.Array());
  std::vector<ReminderStep> steps;
  std::set<std::string> names;
  for (size_t i = 0; i < list.value().size(); ++i) {
    ASSIGN_OR_RETURN(ReminderStep step, ReadStep(list.At(i), names));
    steps.push_back(std::move(step));
  }
  return steps;
}

json ReminderStepsJson(const std::vector<ReminderStep>& steps) {
  json list = json::array();
  for (const ReminderStep& step : steps) {
    json entry = {{"name", step.name},
                  {"channel", ContactChannelName(step.channel)},
                  {"purpose", PurposeName(step.purpose)},
                  {"at_booking", step.at_booking}};
    if (!step.at_booking) {
      entry["earliest_minutes_before"] = step.earliest_minutes_before;
      entry["latest_minutes_before"] = step.latest_minutes_before;
    }
    list.push_back(std::move(entry));
  }
  return {{"steps", list}};
}

std::string StepKey(const std::string& store_id, const std::string& booking_id,
                    const std::string& step, int64_t slot_utc_ms) {
  return store_id + "/" + booking_id + "/" + step + "/" + FormatUtcMs(slot_utc_ms);
}

std::vector<PlannedStep> PlanBookingSteps(const std::string& store_id,
                                          const std::string& booking_id, const LocalDate& slot_date,
                                          const LocalTime& slot_time, int64_t booked_at_ms,
                                          const std::vector<ReminderStep>& steps,
                                          const TimeZone& zone) {
  const int64_t slot_ms = zone.LocalToUtcMs(slot_date, slot_time);
  const bool confirms_at_booking =
      booked_at_ms < slot_ms &&
      std::any_of(steps.begin(), steps.end(), [](const ReminderStep& s) { return s.at_booking; });
  std::vector<PlannedStep> plan;
  std::vector<size_t> open;  // steps whose window was already open at booking
  for (const ReminderStep& step : steps) {
    PlannedStep p{step.name,
                  step.channel,
                  step.purpose,
                  step.staff_task(),
                  0,
                  0,
                  StepKey(store_id, booking_id, step.name, slot_ms),
                  false,
                  ""};
    p.due_ms = step.at_booking ? booked_at_ms : slot_ms - step.earliest_minutes_before * kMinuteMs;
    p.latest_ms = step.at_booking ? slot_ms : slot_ms - step.latest_minutes_before * kMinuteMs;
    if (booked_at_ms >= p.latest_ms) {
      plan.push_back(Skip(std::move(p), "its window closed before the booking was made"));
      continue;
    }
    if (!step.at_booking && booked_at_ms > p.due_ms) {
      if (confirms_at_booking) {
        plan.push_back(Skip(std::move(p),
                            "its window was open at booking, and the "
                            "confirmation sent then says the same"));
        continue;
      }
      p.due_ms = booked_at_ms;
      open.push_back(plan.size());
    }
    plan.push_back(std::move(p));
  }
  // Without a confirmation, only the open step nearest the visit goes at
  // booking: the others would say the same thing at the same moment.
  if (open.size() > 1) {
    const size_t keep = *std::max_element(open.begin(), open.end(), [&](size_t a, size_t b) {
      return plan[a].latest_ms < plan[b].latest_ms;
    });
    for (size_t i : open) {
      if (i != keep) {
        plan[i] = Skip(std::move(plan[i]),
                       "its window was open at booking, and " + plan[keep].step + " goes then");
      }
    }
  }
  return plan;
}

}  // namespace outpost::outreach
