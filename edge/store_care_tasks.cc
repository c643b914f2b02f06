// Care calls from dates and the calls after a purchase: Store's operations
// (docs/FOLLOWUP.md "Care calls and purchases"), their rows through
// edge/tasks.h and edge/customers.h, each change logged in one transaction.
//
// Why the keys name the occasion: a care task's idempotency key is
// "<store>/<kind>/customer/<id>/<occasion>" (the birthday as celebrated that
// year) or "<store>/<kind>/vehicle/<id>/<due date>", so a sweep run again, a
// replayed log or two desks sweeping the same day make one task per
// occasion, and a changed date is a new occasion (a new key) while the old
// one's open task, no longer about a real date, is cancelled with the reason.
// A purchase's two tasks are keyed by the vehicle alone: one purchase each.
// Everything runs by the store's clock (Today()), never wall time.
#include <algorithm>
#include <functional>
#include <tuple>

#include "edge/invitations.h"
#include "edge/profiles.h"
#include "edge/store.h"
#include "edge/tasks.h"
#include "sync/i18n/messages.h"
#include "sync/normalize.h"

namespace outpost::edge {
namespace {

// The occasion a care task is for: its key's last part (YYYY-MM-DD).
std::string OccasionOf(const model::Task& t) {
  const auto slash = t.idempotency_key.rfind('/');
  return slash == std::string::npos ? std::string() : t.idempotency_key.substr(slash + 1);
}

// The window's first day moved earlier while every day of [from, by] is a
// public holiday or the day before or after one (the contact policy holds
// marketing then), so the window keeps one day a care call may go; at most
// kCareHolidayShiftDays.
LocalDate ShiftPastHolidays(LocalDate from, const LocalDate& by,
                            const outreach::HolidayCalendar& holidays) {
  auto callable_day = [&](LocalDate first) {
    for (LocalDate d = first; d <= by; d = d.AddDays(1)) {
      if (!holidays.NearHoliday(d)) return true;
    }
    return false;
  };
  for (int shift = 0; shift < kCareHolidayShiftDays && !callable_day(from); ++shift) {
    from = from.AddDays(-1);
  }
  return from;
}

}  // namespace

Result<bool> Store::CareCallAllowed(const Customer& c) {
  ASSIGN_OR_RETURN(auto held, ProfileOfCustomer(*db_, c.id));
  const outreach::ContactSubject subject = SubjectFor(c, held, {});
  return !subject.do_not_disturb &&
         subject.consent[static_cast<int>(ContactChannel::kCall)].choice == ContactChoice::kOptedIn;
}

Status Store::CancelStaleCareLocked(TaskSweep& sweep, const std::string& kind,
                                    const std::string& subject,
                                    const std::function<bool(const std::string&)>& still_valid,
                                    const std::string& why) {
  const std::string prefix = settings_.store_id + "/" + kind + "/" + subject + "/";
  ASSIGN_OR_RETURN(auto open, OpenTasksOfKind(*db_, kind));
  for (model::Task& t : open) {
    if (t.idempotency_key.rfind(prefix, 0) != 0 || still_valid(OccasionOf(t))) continue;
    model::TaskUpdate u;
    u.status = "cancelled";
    u.updated_at = Now();
    u.reason = why + " (was " + OccasionOf(t) + ")";
    RETURN_IF_ERROR(UpdateTask(*db_, log_, t, u, "tasks"));
    sweep.cancelled.push_back(t);
  }
  return Status::Ok();
}

Status Store::CareOccasionLocked(TaskSweep& sweep, const std::string& kind, const Customer& c,
                                 const std::optional<std::string>& vehicle_id,
                                 const std::string& occasion, LocalDate due_from, LocalDate due_by,
                                 const std::string& why) {
  const std::string subject = vehicle_id ? "vehicle/" + *vehicle_id : "customer/" + c.id;
  model::Task t;
  t.idempotency_key = settings_.store_id + "/" + kind + "/" + subject + "/" + occasion;
  t.id = model::TaskIdFor(t.idempotency_key);
  ASSIGN_OR_RETURN(auto existing, FindTask(*db_, t.id));
  if (existing) return Status::Ok();  // this occasion has its task (any status): once
  // The SA who last looked after the customer, else whoever works the list.
  ASSIGN_OR_RETURN(auto bookings, BookingsOfCustomer(*db_, c.id));
  std::optional<std::string> advisor;
  std::string latest;
  for (const Booking& b : bookings) {
    if (b.advisor && b.slot_date >= latest) {
      latest = b.slot_date;
      advisor = b.advisor;
    }
  }
  t.store_id = settings_.store_id;
  t.kind = kind;
  t.customer_id = c.id;
  t.vehicle_id = vehicle_id;
  t.owner = advisor.value_or("desk");
  t.due_from = due_from.ToString();
  t.due_by = due_by.ToString();
  t.reason = why;
  t.created_at = Now();
  t.created_by = "tasks";
  RETURN_IF_ERROR(InsertTask(*db_, log_, t, "tasks"));
  sweep.care.push_back(t);
  return Status::Ok();
}

Status Store::SweepBirthdaysLocked(TaskSweep& sweep, const outreach::HolidayCalendar& holidays) {
  const LocalDate today = Today();
  ASSIGN_OR_RETURN(auto ids, CustomerIdsWithBirthday(*db_));
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(Customer c, customers_.Load(id));
    if (!c.birthday) continue;
    // An open task whose day is not this birthday's any more (the date was
    // corrected) is cancelled; last year's own occasion, still open, stays.
    const std::string birthday = *c.birthday;
    RETURN_IF_ERROR(CancelStaleCareLocked(
        sweep, "care_birthday", "customer/" + c.id,
        [&](const std::string& occasion) {
          auto day = LocalDate::Parse(occasion);
          return day.ok() && model::BirthdayIn(birthday, day->year) == occasion;
        },
        "birthday changed to " + birthday));
    ASSIGN_OR_RETURN(bool allowed, CareCallAllowed(c));
    if (!allowed) continue;  // opted out, not opted in to calls, or do-not-disturb
    // This year's and next year's (a 1 January birthday is called in December).
    for (int year : {today.year, today.year + 1}) {
      const auto day = model::BirthdayIn(birthday, year);
      if (!day) break;
      const LocalDate by = LocalDate::Parse(*day).value();
      const LocalDate from = ShiftPastHolidays(by.AddDays(-kBirthdayLeadDays), by, holidays);
      if (today < from || today > by) continue;
      RETURN_IF_ERROR(CareOccasionLocked(sweep, "care_birthday", c, std::nullopt, *day, from, by,
                                         "birthday " + *day + " (" + birthday + ")"));
    }
  }
  return Status::Ok();
}

Status Store::SweepVehicleDatesLocked(TaskSweep& sweep, const outreach::HolidayCalendar& holidays) {
  const LocalDate today = Today();
  ASSIGN_OR_RETURN(auto vehicles, VehiclesWithCareDates(*db_));
  for (const Vehicle& v : vehicles) {
    ASSIGN_OR_RETURN(Customer c, customers_.Load(v.customer_id));
    ASSIGN_OR_RETURN(bool allowed, CareCallAllowed(c));
    const std::string plate =
        v.plate ? FormatPlateForDisplay(*v.plate) : "VIN " + v.vin.value_or("?");
    for (const auto& [kind, date, what] :
         {std::tuple<const char*, std::optional<std::string>, const char*>{
              "care_inspection", v.inspection_due, "annual inspection"},
          {"care_insurance", v.insurance_due, "insurance renewal"}}) {
      if (!date) continue;
      const std::string now_due = *date;
      RETURN_IF_ERROR(CancelStaleCareLocked(
          sweep, kind, "vehicle/" + v.id,
          [&](const std::string& occasion) { return occasion == now_due; },
          std::string(what) + " date of " + plate + " changed to " + now_due));
      if (!allowed) continue;
      auto due = LocalDate::Parse(*date);
      if (!due.ok()) continue;  // a row the log did not write: verify names it
      LocalDate by = due->AddDays(-kDueDateLastDays);
      // Set late (inside the last week): due from today to the date itself.
      if (today > by) by = *due;
      const LocalDate from = ShiftPastHolidays(due->AddDays(-kDueDateLeadDays), by, holidays);
      if (today < from || today > by) continue;
      RETURN_IF_ERROR(CareOccasionLocked(sweep, kind, c, v.id, *date, from, by,
                                         std::string(what) + " of " + plate + " due " + *date));
    }
  }
  return Status::Ok();
}

Status Store::SweepCareTasksLocked(TaskSweep& sweep) {
  ASSIGN_OR_RETURN(OutreachSettings config, Outreach());
  RETURN_IF_ERROR(SweepBirthdaysLocked(sweep, config.Holidays()));
  return SweepVehicleDatesLocked(sweep, config.Holidays());
}

Result<PurchaseRecord> Store::RecordPurchase(const NewPurchase& p) {
  ASSIGN_OR_RETURN(std::string staff,
                   WithField(CleanText("staff", p.staff, 60, /*required=*/true), "staff"));
  if (p.plate.empty() && p.vin.empty()) {
    return Status::InvalidInput("vehicle: give the plate or VIN of the vehicle bought")
        .WithField("vehicle");
  }
  const LocalDate today = Today();
  const std::string on_text = p.on.empty() ? "today" : p.on;
  auto on = ParseDeskDate(on_text, today);
  if (!on.ok()) {
    return Status::InvalidInput("on: '" + on_text +
                                "' is not a date (YYYY-MM-DD, today, tomorrow or +N)")
        .WithShown(
            i18n::Format("on: '{0}' is not a date (YYYY-MM-DD, today, tomorrow or +N)", {on_text}))
        .WithField("on");
  }
  if (*on > today) {
    return Status::InvalidInput("on: " + on->ToString() + " is after today (" + today.ToString() +
                                "): a purchase is recorded once made")
        .WithShown(i18n::Format("on: {0} is after today ({1}): a purchase is recorded once made",
                                {on->ToString(), today.ToString()}))
        .WithField("on");
  }
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(Customer c, WithField(ResolveCustomer(p.customer), "customer"));
  ASSIGN_OR_RETURN(std::optional<Vehicle> found,
                   customers_.AttachVehicleLocked(c, NewVehicle{p.plate, p.vin, {}}, staff));
  Vehicle v = *found;  // a plate or VIN was given: there is one
  if (v.purchased_on) {
    return Status::Conflict(
               "vehicle: " + (v.plate ? FormatPlateForDisplay(*v.plate) : "VIN " + *v.vin) +
               " was bought on " + *v.purchased_on + " already (recorded once; its calls are made)")
        .WithShown(i18n::Format(
            "vehicle: {0} was bought on {1} already (recorded once; its calls are made)",
            {(v.plate ? FormatPlateForDisplay(*v.plate) : "VIN " + *v.vin), *v.purchased_on}))
        .WithField("vehicle");
  }
  RETURN_IF_ERROR(customers_.SetPurchasedLocked(v, on->ToString(), staff));
  PurchaseRecord out;
  out.vehicle_id = v.id;
  out.purchased_on = on->ToString();
  const std::string what = "bought " +
                           (v.plate ? FormatPlateForDisplay(*v.plate) : "VIN " + *v.vin) + " on " +
                           on->ToString();
  for (const auto& [kind, from, by, task] :
       {std::tuple<const char*, int, int, model::Task*>{"after_purchase", 1, kAfterPurchaseDays,
                                                        &out.after_purchase},
        {"run_in", kRunInFromDay, kRunInByDay, &out.run_in}}) {
    model::Task& t = *task;
    t.idempotency_key = settings_.store_id + "/" + kind + "/vehicle/" + v.id;
    t.id = model::TaskIdFor(t.idempotency_key);
    t.store_id = settings_.store_id;
    t.kind = kind;
    t.customer_id = c.id;
    t.vehicle_id = v.id;
    t.owner = staff;
    t.due_from = on->AddDays(from).ToString();
    t.due_by = on->AddDays(by).ToString();
    t.reason = std::string(kind == std::string("run_in") ? "run-in service reminder: " : "") + what;
    t.created_at = Now();
    t.created_by = staff;
    RETURN_IF_ERROR(InsertTask(*db_, log_, t, staff));
  }
  RETURN_IF_ERROR(tx->Commit());
  return out;
}

}  // namespace outpost::edge
