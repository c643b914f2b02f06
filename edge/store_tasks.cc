// Follow-up tasks: Store's operations (the marked block of edge/store.h,
// docs/FOLLOWUP.md), their rows through edge/tasks.h, each change logged as
// entity "task" in the row's transaction.
//
// Why tasks are made inside the booking's own transaction: a completion or a
// no-show that is committed always has its task, and the task's id is derived
// from the event (model::TaskEventKey), so replaying or repeating the event
// makes nothing new. The no-show loop runs by the store's clock (SweepTasks),
// never by wall time, so a test pins it and two runs the same day agree.
#include <algorithm>

#include "edge/invitations.h"
#include "edge/profiles.h"
#include "edge/store.h"
#include "edge/tasks.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"
#include "sync/normalize.h"

namespace outpost::edge {
namespace {

constexpr const char* kHeadOffice = "head_office";

Result<std::string> CleanStaffField(const std::string& staff) {
  return WithField(CleanText("staff", staff, 60, /*required=*/true), "staff");
}

// "yes" or "no", as the desk types it; an error names `field`.
Result<std::optional<bool>> YesNo(const char* field, const std::optional<std::string>& text) {
  if (!text) return std::optional<bool>();
  if (*text == "yes") return std::optional<bool>(true);
  if (*text == "no") return std::optional<bool>(false);
  return Status::InvalidInput(std::string(field) + ": '" + *text + "' is not yes or no")
      .WithShown(i18n::Format("{0}: '{1}' is not yes or no", {field, *text}))
      .WithField(field);
}

// The task's last day as staff type it: not before today. Errors name `field`.
Result<LocalDate> DueDay(const std::string& text, const LocalDate& today,
                         const std::string& field = "due") {
  auto day = ParseDeskDate(text, today);
  if (!day.ok()) {
    return Status::InvalidInput(field + ": '" + text +
                                "' is not a date (YYYY-MM-DD, today, tomorrow or +N)")
        .WithShown(i18n::Format("{0}: '{1}' is not a date (YYYY-MM-DD, today, tomorrow or +N)",
                                {field, text}))
        .WithField(field);
  }
  if (*day < today) {
    return Status::InvalidInput(field + ": " + day->ToString() + " is before today (" +
                                today.ToString() + ")")
        .WithShown(i18n::Format("{0}: {1} is before today ({2})",
                                {field, day->ToString(), today.ToString()}))
        .WithField(field);
  }
  return day;
}

bool Wanted(BookingStatus s) {
  return s != BookingStatus::kCancelled && s != BookingStatus::kNoShow &&
         s != BookingStatus::kRescheduled;
}

}  // namespace

Status Store::OpenEventTaskLocked(const Booking& b, const std::string& kind,
                                  const std::string& staff) {
  model::Task t;
  t.idempotency_key = model::TaskEventKey(settings_.store_id, kind, b.id);
  t.id = model::TaskIdFor(t.idempotency_key);
  ASSIGN_OR_RETURN(auto existing, FindTask(*db_, t.id));
  if (existing) return Status::Ok();  // the same event seen again: one task
  const LocalDate today = Today();
  t.store_id = settings_.store_id;
  t.kind = kind;
  t.customer_id = b.customer_id;
  t.vehicle_id = b.vehicle_id;
  t.booking_id = b.id;
  t.owner = b.advisor.value_or(staff);
  if (kind == "after_service") {
    // The manual: called back within 3 days of leaving, from the next day.
    t.due_from = today.AddDays(1).ToString();
    t.due_by = today.AddDays(kAfterServiceDays).ToString();
    t.reason = "visit " + b.ref + " completed";
  } else {
    // A no-show is chased the day it happened and the 2 after.
    t.due_from = today.ToString();
    t.due_by = today.AddDays(kNoShowDays - 1).ToString();
    t.reason = "no-show " + b.ref + " (" + b.slot_date + " " + b.slot_time + ")";
  }
  t.created_at = Now();
  t.created_by = staff;
  return InsertTask(*db_, log_, t, staff);
}

Result<model::Task> Store::AddTask(const NewTask& r) {
  ASSIGN_OR_RETURN(std::string staff, CleanStaffField(r.staff));
  if (!model::IsTaskKind(r.kind)) {
    std::string kinds;
    for (const char* k : model::kTaskKinds) kinds += (kinds.empty() ? "" : ", ") + std::string(k);
    return Status::InvalidInput("kind: '" + r.kind + "' is not one of " + kinds)
        .WithShown(i18n::Format("kind: '{0}' is not one of {1}", {r.kind, kinds}))
        .WithField("kind");
  }
  ASSIGN_OR_RETURN(
      std::string owner,
      WithField(CleanText("owner", r.owner.empty() ? staff : r.owner, 60, true), "owner"));
  ASSIGN_OR_RETURN(std::string note, WithField(CleanText("note", r.note, 200, false), "note"));
  const LocalDate today = Today();
  ASSIGN_OR_RETURN(LocalDate due, DueDay(r.due.empty() ? "+3" : r.due, today));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(Customer c, WithField(ResolveCustomer(r.customer), "customer"));
  model::Task t;
  if (!r.booking.empty()) {
    ASSIGN_OR_RETURN(Booking b, WithField(LoadBooking(r.booking), "booking"));
    if (b.customer_id != c.id) {
      return Status::InvalidInput("booking: " + b.ref + " is " + b.customer_name + "'s, not " +
                                  c.name + "'s")
          .WithShown(
              i18n::Format("booking: {0} is {1}'s, not {2}'s", {b.ref, b.customer_name, c.name}))
          .WithField("booking");
    }
    t.booking_id = b.id;
    t.vehicle_id = b.vehicle_id;
    // Keyed like an event's task: one task of a kind per booking.
    t.idempotency_key = model::TaskEventKey(settings_.store_id, r.kind, b.id);
  } else {
    t.idempotency_key = settings_.store_id + "/" + r.kind + "/" + c.id + "/" +
                        NewIdAt(settings_.store_id, clock_.NowMs());
  }
  t.id = model::TaskIdFor(t.idempotency_key);
  ASSIGN_OR_RETURN(auto existing, FindTask(*db_, t.id));
  if (existing) {
    return Status::Conflict("booking: " + r.booking + " has a " + r.kind + " task already (" +
                            ShortId(existing->id) + ", " + existing->status + ")")
        .WithShown(i18n::Format("booking: {0} has a {1} task already ({2}, {3})",
                                {r.booking, r.kind, ShortId(existing->id), existing->status}))
        .WithField("booking");
  }
  t.store_id = settings_.store_id;
  t.kind = r.kind;
  t.customer_id = c.id;
  t.owner = owner;
  t.due_from = today.ToString();
  t.due_by = due.ToString();
  t.reason = note.empty() ? "added by hand" : note;
  t.created_at = Now();
  t.created_by = staff;
  RETURN_IF_ERROR(InsertTask(*db_, log_, t, staff));
  RETURN_IF_ERROR(tx->Commit());
  return t;
}

Result<model::Task> Store::RecordTaskAttempt(const std::string& task,
                                             const TaskAttemptInput& input) {
  ASSIGN_OR_RETURN(std::string staff, CleanStaffField(input.staff));
  model::TaskAttempt a;
  a.at = Now();
  a.staff = staff;
  a.result = input.result;
  ASSIGN_OR_RETURN(a.satisfied, YesNo("satisfied", input.satisfied));
  ASSIGN_OR_RETURN(a.fault_fixed, YesNo("fault_fixed", input.fault_fixed));
  a.items = input.items;
  if (input.next_service_date) {
    auto day = ParseDeskDate(*input.next_service_date, Today());
    if (!day.ok()) {
      return Status::InvalidInput("next_service: '" + *input.next_service_date +
                                  "' is not a date (YYYY-MM-DD, today, tomorrow or +N)")
          .WithShown(
              i18n::Format("next_service: '{0}' is not a date (YYYY-MM-DD, today, tomorrow or +N)",
                           {*input.next_service_date}))
          .WithField("next_service");
    }
    a.next_service_date = day->ToString();
  }
  a.next_service_km = input.next_service_km;
  ASSIGN_OR_RETURN(a.note, WithField(CleanText("note", input.note, 500, false), "note"));
  RETURN_IF_ERROR(model::CheckTaskAttempt(a));
  ASSIGN_OR_RETURN(
      std::string complaint_owner,
      WithField(CleanText("complaint_owner", input.complaint_owner, 60, false), "complaint_owner"));
  const bool dissatisfied = a.satisfied == std::optional<bool>(false);
  for (const auto& [field, given] :
       {std::pair<std::string, std::string>{"complaint_owner", complaint_owner},
        {"complaint_due", input.complaint_due}}) {
    if (!given.empty() && !dissatisfied) {
      return Status::InvalidInput(field + ": '" + given +
                                  "' given, but only a dissatisfied answer (satisfied no) opens"
                                  " a complaint")
          .WithShown(i18n::Format(
              "{0}: '{1}' given, but only a dissatisfied answer (satisfied no) opens a complaint",
              {field, given}))
          .WithField(field);
    }
  }
  ASSIGN_OR_RETURN(LocalDate deadline,
                   DueDay(input.complaint_due.empty() ? "+" + std::to_string(kComplaintDays)
                                                      : input.complaint_due,
                          Today(), "complaint_due"));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(model::Task t, ResolveTask(*db_, task));
  if (t.status != "open") {
    return Status::Conflict("task: " + ShortId(t.id) + " is " + t.status +
                            (t.outcome ? " (" + *t.outcome + ")" : std::string()) +
                            "; a closed task takes no more calls")
        .WithShown(i18n::Format(
            "task: {0} is {1}{2}; a closed task takes no more calls",
            {ShortId(t.id), t.status, (t.outcome ? " (" + *t.outcome + ")" : std::string())}))
        .WithField("task");
  }
  model::TaskUpdate u;
  // In time order with any call head office made (model::MergeTaskAttempt).
  u.attempts = model::MergeTaskAttempt(t.attempts, a).attempts;
  u.updated_at = a.at;
  if (a.result == "reached" || a.result == "refused") {
    // Reached: the questionnaire is answered. Refused: the customer does not
    // want the call; calling again would be harassment.
    u.status = "done";
    u.outcome = a.result;
    u.reason = "call " + std::to_string(u.attempts->size()) + ": " + a.result;
  } else {
    u.reason = "call " + std::to_string(u.attempts->size()) + ": " + a.result;
  }
  if (a.result == "wrong_number" || a.result == "empty_number") {
    // The number called (the first not doubtful already) asks for a correction.
    ASSIGN_OR_RETURN(Customer c, customers_.Load(t.customer_id));
    const auto called = std::find_if(c.phones.begin(), c.phones.end(), [&](const auto& p) {
      return std::find(c.doubtful_phones.begin(), c.doubtful_phones.end(), p) ==
             c.doubtful_phones.end();
    });
    if (called != c.phones.end()) {
      RETURN_IF_ERROR(customers_.MarkPhoneDoubtfulLocked(c, *called, staff));
    }
  }
  RETURN_IF_ERROR(UpdateTask(*db_, log_, t, u, staff));
  if (dissatisfied) {
    // The tracking sheet: a dissatisfied customer is a complaint until handled.
    RETURN_IF_ERROR(OpenComplaintLocked(t, complaint_owner, deadline, staff));
  }
  RETURN_IF_ERROR(tx->Commit());
  return t;
}

Status Store::OpenComplaintLocked(const model::Task& source, const std::string& owner,
                                  const LocalDate& deadline, const std::string& staff) {
  model::Task c;
  c.idempotency_key = model::TaskEventKey(settings_.store_id, "complaint", source.id);
  c.id = model::TaskIdFor(c.idempotency_key);
  ASSIGN_OR_RETURN(auto existing, FindTask(*db_, c.id));
  if (existing) return Status::Ok();  // one complaint per source task
  // The dissatisfied call: the latest in time order (calls are kept in time
  // order with head office's, so it need not be the last one added).
  const auto found =
      std::find_if(source.attempts.rbegin(), source.attempts.rend(),
                   [](const auto& a) { return a.satisfied == std::optional<bool>(false); });
  if (found == source.attempts.rend()) {
    return Status::InvalidInput("task: " + ShortId(source.id) + " has no dissatisfied call")
        .WithShown(i18n::Format("task: {0} has no dissatisfied call", {ShortId(source.id)}))
        .WithField("task");
  }
  const model::TaskAttempt& call = *found;
  const size_t call_number = static_cast<size_t>(source.attempts.rend() - found);
  std::optional<std::string> advisor;
  std::string about;
  if (source.booking_id) {
    ASSIGN_OR_RETURN(Booking b, LoadBooking(*source.booking_id));
    advisor = b.advisor;
    about = " " + b.ref;
  }
  const LocalDate today = Today();
  c.store_id = settings_.store_id;
  c.kind = "complaint";
  c.customer_id = source.customer_id;
  c.vehicle_id = source.vehicle_id;
  c.booking_id = source.booking_id;
  c.owner = !owner.empty() ? owner : advisor.value_or(staff);
  c.due_from = today.ToString();
  c.due_by = deadline.ToString();
  std::string items;
  for (const auto& i : call.items) items += (items.empty() ? "" : ", ") + i;
  c.reason = "dissatisfied on call " + std::to_string(call_number) + " of " + ShortId(source.id) +
             " (" + source.kind + about + "): " + items;
  c.created_at = Now();
  c.created_by = staff;
  c.complaint = model::TaskComplaint{.source_task = source.id, .items = call.items};
  return InsertTask(*db_, log_, c, staff);
}

Result<model::Task> Store::CloseComplaint(const std::string& task, const ComplaintClose& r) {
  ASSIGN_OR_RETURN(std::string staff, CleanStaffField(r.staff));
  ASSIGN_OR_RETURN(std::string resolution,
                   WithField(CleanText("resolution", r.resolution, 500, false), "resolution"));
  ASSIGN_OR_RETURN(std::string supervisor,
                   WithField(CleanText("override_by", r.override_by, 60, false), "override_by"));
  ASSIGN_OR_RETURN(std::string why, WithField(CleanText("reason", r.reason, 500, false), "reason"));
  model::TaskComplaint closing;
  if (!resolution.empty()) closing.resolution = resolution;
  closing.confirmed_by_customer = r.customer_confirmed;
  if (!supervisor.empty()) closing.override_by = supervisor;
  if (!why.empty()) closing.override_reason = why;
  RETURN_IF_ERROR(model::CheckComplaintClose(closing));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(model::Task t, ResolveTask(*db_, task));
  if (t.kind != "complaint" || !t.complaint) {
    return Status::InvalidInput("task: " + ShortId(t.id) + " is a " + t.kind +
                                " task, not a complaint; only a complaint is closed this way")
        .WithShown(i18n::Format(
            "task: {0} is a {1} task, not a complaint; only a complaint is closed this way",
            {ShortId(t.id), t.kind}))
        .WithField("task");
  }
  if (t.status != "open") {
    return Status::Conflict("task: " + ShortId(t.id) + " is " + t.status +
                            (t.outcome ? " (" + *t.outcome + ")" : std::string()) +
                            "; only an open complaint can be closed")
        .WithShown(i18n::Format(
            "task: {0} is {1}{2}; only an open complaint can be closed",
            {ShortId(t.id), t.status, (t.outcome ? " (" + *t.outcome + ")" : std::string())}))
        .WithField("task");
  }
  model::TaskUpdate u;
  u.complaint = *t.complaint;
  u.complaint->resolution = closing.resolution;
  u.complaint->confirmed_by_customer = closing.confirmed_by_customer;
  u.complaint->override_by = closing.override_by;
  u.complaint->override_reason = closing.override_reason;
  u.status = "done";
  u.outcome = "resolved";
  u.updated_at = Now();
  u.reason = "resolved: " + resolution +
             (closing.confirmed_by_customer ? std::string(" (confirmed by the customer)")
                                            : " (override by " + supervisor + ": " + why + ")");
  RETURN_IF_ERROR(UpdateTask(*db_, log_, t, u, staff));
  RETURN_IF_ERROR(tx->Commit());
  return t;
}

Result<std::vector<model::Task>> Store::OpenComplaints(const std::string& customer_id) {
  return OpenComplaintsOf(*db_, customer_id);
}

Status Store::EscalateComplaintsLocked(TaskSweep& sweep) {
  const std::string today = Today().ToString();
  ASSIGN_OR_RETURN(auto open, OpenTasksOfKind(*db_, "complaint"));
  for (model::Task& t : open) {
    // Escalated once: it stays open (it still closes by the same rules, and
    // the desk still warns), head office's to resolve from now on.
    if (!t.complaint || t.complaint->escalated_at || today <= t.due_by) continue;
    model::TaskUpdate u;
    u.updated_at = Now();
    u.owner = kHeadOffice;
    u.complaint = *t.complaint;
    u.complaint->escalated_at = *u.updated_at;
    u.reason = "not resolved by its deadline " + t.due_by + " (owner " + t.owner +
               "): escalated to head office";
    RETURN_IF_ERROR(UpdateTask(*db_, log_, t, u, "tasks"));
    sweep.escalated.push_back(t);
  }
  return Status::Ok();
}

Result<TaskSweep> Store::SweepTasks() {
  const std::string today = Today().ToString();
  const std::string now = Now();
  TaskSweep sweep;
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(auto open, OpenTasksOfKind(*db_, "no_show"));
  for (model::Task& t : open) {
    // Rebooked: a booking of the customer made since the task, still wanted.
    ASSIGN_OR_RETURN(auto bookings, BookingsOfCustomer(*db_, t.customer_id));
    const auto again = std::find_if(bookings.begin(), bookings.end(), [&](const Booking& b) {
      return b.id != t.booking_id && b.created_at >= t.created_at && Wanted(b.status);
    });
    model::TaskUpdate u;
    u.updated_at = now;
    if (again != bookings.end()) {
      u.status = "done";
      u.outcome = "rebooked";
      u.reason =
          "rebooked as " + again->ref + " (" + again->slot_date + " " + again->slot_time + ")";
      RETURN_IF_ERROR(UpdateTask(*db_, log_, t, u, "tasks"));
      sweep.rebooked.push_back(t);
    } else if (today > t.due_by) {
      u.status = "returned";
      u.owner = kHeadOffice;
      u.reason = "not rebooked by " + t.due_by + ": returned to head office with " +
                 std::to_string(t.attempts.size()) + " call(s)";
      RETURN_IF_ERROR(UpdateTask(*db_, log_, t, u, "tasks"));
      sweep.returned.push_back(t);
    }
  }
  RETURN_IF_ERROR(EscalateComplaintsLocked(sweep));
  RETURN_IF_ERROR(SweepCareTasksLocked(sweep));
  RETURN_IF_ERROR(tx->Commit());
  return sweep;
}

Result<std::vector<TaskLine>> Store::TaskList(const LocalDate& day, bool all) {
  ASSIGN_OR_RETURN(OutreachSettings config, Outreach());
  const int64_t now_ms = clock_.NowMs();
  const int64_t day_start = zone_.LocalToUtcMs(day, LocalTime{0, 0});
  const int64_t day_end = zone_.LocalToUtcMs(day.AddDays(1), LocalTime{0, 0});
  ASSIGN_OR_RETURN(auto tasks, all ? AllTasks(*db_) : OpenTasksFrom(*db_, day.ToString()));
  std::vector<TaskLine> out;
  out.reserve(tasks.size());
  for (model::Task& t : tasks) {
    TaskLine line;
    ASSIGN_OR_RETURN(Customer c, customers_.Load(t.customer_id));
    line.customer_name = c.name;
    line.phones = c.phones;
    line.doubtful_phones = c.doubtful_phones;
    if (t.booking_id) {
      auto b = LoadBooking(*t.booking_id);
      if (b.ok()) line.booking_ref = b->ref;
    }
    for (const auto& a : t.attempts) {
      ASSIGN_OR_RETURN(int64_t at, ParseUtcMs(a.at));
      line.called_today = line.called_today || (at >= day_start && at < day_end);
    }
    // The same policy as every call the store makes: quiet hours always;
    // care calls and invitations are marketing (opt-in, call windows).
    ASSIGN_OR_RETURN(auto held, ProfileOfCustomer(*db_, c.id));
    outreach::ContactAsk ask;
    ask.channel = ContactChannel::kCall;
    ask.purpose = t.kind.rfind("care_", 0) == 0 || t.kind == "invitation"
                      ? outreach::Purpose::kMarketing
                      : outreach::Purpose::kTransactional;
    ask.earliest_ms = std::max(now_ms, day_start);
    ask.not_after_ms = day_end;
    ask.not_after_what = "the day ends";
    const outreach::ContactDecision d =
        outreach::Decide(config.policy, zone_, config.Holidays(), SubjectFor(c, held, {}), ask);
    line.callable = d.send() && !c.phones.empty();
    line.call_at_ms = d.at_ms;
    line.why = d.send() ? (c.phones.empty() ? "no phone on file" : d.reason) : d.reason;
    line.task = std::move(t);
    out.push_back(std::move(line));
  }
  return out;
}

Result<model::Task> Store::GetTask(const std::string& task) { return ResolveTask(*db_, task); }

}  // namespace outpost::edge
