// The store's follow-up tasks (table tasks, docs/FOLLOWUP.md): the component
// that owns their SQL.
//
// Every task created, each attempt and each outcome is a logged change of
// entity "task" (sync/model/task.h), written here with its row through the
// store's ChangeWriter in the caller's transaction, so the row and the log
// never disagree and head office learns of every call. Replay puts rows as
// the log says (PutTaskFromLog), logging nothing. A task's id is its
// idempotency key's (model::TaskIdFor): creating the task of an event twice
// finds it already there. Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "edge/change_writer.h"
#include "sync/model/task.h"
#include "sync/sqlite.h"
#include "sync/status.h"

namespace outpost::edge {

Result<std::optional<model::Task>> FindTask(Db& db, const std::string& id);
// A task by id or the last digits of its id (at least 4), as staff type it.
Result<model::Task> ResolveTask(Db& db, const std::string& id_or_suffix);

// Writes a new task and logs its insert. Refuses an id already there.
Status InsertTask(Db& db, ChangeWriter& log, const model::Task& task, const std::string& staff);
// Applies `update` to `task`, writes the row and logs the update.
Status UpdateTask(Db& db, ChangeWriter& log, model::Task& task, const model::TaskUpdate& update,
                  const std::string& staff);
// The row as the log's folded fields say (replay, repair); nothing logged.
Status PutTaskFromLog(Db& db, const model::Task& task);

// Open tasks whose first day is on or before `day` (YYYY-MM-DD), the last day
// soonest first (then the first day, then the id): the order the desk lists.
Result<std::vector<model::Task>> OpenTasksFrom(Db& db, const std::string& day);
// Every task, any status, the same order.
Result<std::vector<model::Task>> AllTasks(Db& db);
// Open tasks of one kind (the no-show sweep).
Result<std::vector<model::Task>> OpenTasksOfKind(Db& db, const std::string& kind);
// A customer's open complaints, oldest first (the warning at the desk).
Result<std::vector<model::Task>> OpenComplaintsOf(Db& db, const std::string& customer_id);

// ---- The store's task operations' types (edge/store_tasks.cc) ----

// A task added by hand at the desk (`outpost-edge tasks add`): raw values,
// checked by Store::AddTask.
struct NewTask {
  std::string kind;      // one of model::kTaskKinds
  std::string customer;  // id, phone, plate, VIN or member id
  std::string booking;   // ref or id; empty: none
  std::string due;       // the last day: YYYY-MM-DD, today, tomorrow, +N; empty: in 3 days
  std::string owner;     // empty: the staff adding it
  std::string note;
  std::string staff;
};

// One call as staff report it (`outpost-edge tasks attempt`): raw values,
// checked by Store::RecordTaskAttempt before anything is written.
struct TaskAttemptInput {
  std::string result;                            // reached, no_answer, busy, ...
  std::optional<std::string> satisfied;          // "yes" or "no"
  std::optional<std::string> fault_fixed;        // "yes" or "no"
  std::vector<std::string> items;                // dissatisfied items
  std::optional<std::string> next_service_date;  // YYYY-MM-DD, today, tomorrow, +N
  std::optional<int64_t> next_service_km;
  std::string note;
  std::string staff;
  // A dissatisfied answer's complaint: who owns it and its deadline
  // (YYYY-MM-DD, +N, ...); empty: the defaults.
  std::string complaint_owner;
  std::string complaint_due;
};

// What one no-show sweep did (Store::SweepTasks).
struct TaskSweep {
  std::vector<model::Task> rebooked;   // closed: the customer booked again
  std::vector<model::Task> returned;   // handed to head office
  std::vector<model::Task> escalated;  // complaints past their deadline, now head office's
  std::vector<model::Task> care;       // care calls made from dates (birthday, inspection, ...)
  std::vector<model::Task> cancelled;  // care calls whose date changed before they were made
};

// Care call windows (docs/FOLLOWUP.md "Care calls and purchases"), in days
// relative to the occasion: a birthday is called from 3 days before to the
// day; an inspection or insurance renewal from 30 days before to 7 days
// before the due date (time to book the inspection or compare offers). A
// window whose days are all near a public holiday (the policy holds
// marketing then) starts earlier, a day at a time, until it holds a day
// that is not (at most kCareHolidayShiftDays).
inline constexpr int kBirthdayLeadDays = 3;
inline constexpr int kDueDateLeadDays = 30;
inline constexpr int kDueDateLastDays = 7;
inline constexpr int kCareHolidayShiftDays = 14;
// After a purchase: the first call in the 3 days after it; the run-in
// service reminder from day 18 to day 21 (the manual: within 3 weeks).
inline constexpr int kAfterPurchaseDays = 3;
inline constexpr int kRunInFromDay = 18;
inline constexpr int kRunInByDay = 21;

// A purchase as the desk types it (`outpost-edge purchase`): raw values.
struct NewPurchase {
  std::string customer;  // id, phone, plate, VIN or member id
  std::string plate;     // the vehicle bought, by plate ...
  std::string vin;       // ... or VIN (a new car often has no plate yet)
  std::string on;        // YYYY-MM-DD, today, +N...; empty: today
  std::string staff;
};

// What a purchase recorded: the vehicle and its two tasks.
struct PurchaseRecord {
  std::string vehicle_id;
  std::string purchased_on;
  model::Task after_purchase;
  model::Task run_in;
};

// One task as the desk lists it and the call list folds it in
// (Store::TaskList): who to call and when the contact policy lets a call go
// that day.
struct TaskLine {
  model::Task task;
  std::string customer_name;
  std::vector<std::string> phones;  // E.164, the doubtful ones too
  std::vector<std::string> doubtful_phones;
  std::optional<std::string> booking_ref;
  bool called_today = false;  // an attempt was made on the day listed
  // The contact policy for a call that day (sync/outreach/policy.h Decide):
  // allowed from `call_at_ms` (later than now when quiet hours or call
  // windows hold it: `why` says so), or not at all today (`callable` false,
  // `why` the rule).
  bool callable = true;
  int64_t call_at_ms = 0;
  std::string why;
};

// Days a no-show is the store's to chase before head office takes it, and
// the days after a completed visit within which it is called back.
inline constexpr int kNoShowDays = 3;
inline constexpr int kAfterServiceDays = 3;
// Days a complaint is the store's to resolve by default (its deadline: the
// day of the call plus these; `tasks attempt --complaint-due` sets another);
// past it the sweep escalates it to head office.
inline constexpr int kComplaintDays = 7;

// A complaint closed at the desk (`outpost-edge tasks close`): raw values,
// checked by Store::CloseComplaint before anything is written.
struct ComplaintClose {
  std::string resolution;
  bool customer_confirmed = false;
  std::string override_by;  // a supervisor; empty: none
  std::string reason;       // the override's reason
  std::string staff;
};

}  // namespace outpost::edge
