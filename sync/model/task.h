// A follow-up task (回访, entity "task"), and its one codec: a call someone
// owes a customer after a visit, a no-show, a purchase, for a care date or
// by hand, with every attempt made and the outcome (docs/FOLLOWUP.md).
//
// Logged whole when created (op "insert": TaskInsertFields, every key
// written, null where absent), then by the fields that changed (op "update":
// TaskUpdateFields). `attempts` is written whole by each update that adds one
// (the list as it is after the attempt), so the fold of the log by key
// (sync/merge.h) is the task.
//
// The id is derived from the idempotency key (TaskIdFor): the same event (a
// booking completed, a no-show) makes one task however often it is seen.
// Dates (`due_from`, `due_by`, `next_service_date`) are the store's local
// days. A complaint (kind "complaint") also carries `complaint`
// (TaskComplaint), a key written only when set, so a task without one logs,
// reads and hashes as before it existed. Parse errors are InvalidInput naming the field ("task:
// due_by: ..."). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sync/status.h"

namespace outpost::model {

// What the call is for. The manual's kinds: after a service (within 3 days
// of it), after a new purchase (3 days) and its run-in reminder (3 weeks),
// a no-show (3 days, then head office), care calls (birthday, annual
// inspection, insurance renewal), a complaint's follow-up, an invitation,
// or one staff added by hand.
inline constexpr const char* kTaskKinds[] = {
    "after_service",   "after_purchase", "run_in",    "no_show",    "care_birthday",
    "care_inspection", "care_insurance", "complaint", "invitation", "manual"};
// "open": to be called; "done": closed with an outcome; "returned": handed
// to head office's call centre (owner "head_office"); "cancelled": not to be
// called any more (reason says why).
inline constexpr const char* kTaskStatuses[] = {"open", "done", "returned", "cancelled"};
// One call's result as the manual records it.
inline constexpr const char* kCallResults[] = {"reached",      "no_answer",    "busy",
                                               "wrong_number", "empty_number", "refused"};
// Why a no-show did not come, as head office's call centre records it when
// it reaches the customer (the manual: "forgot, changed plans, went
// elsewhere, ..."): a no-show task's closing outcome (TaskAttempt::outcome).
inline constexpr const char* kNoShowReasons[] = {
    "rebooked", "forgot", "changed_plans", "went_elsewhere", "no_longer_needed", "other"};
// The site of an attempt head office made (TaskAttempt::site); empty: the store's.
inline constexpr const char* kHeadOfficeSite = "head_office";
// What a dissatisfied customer was dissatisfied with.
inline constexpr const char* kDissatisfiedItems[] = {"attitude", "repair_quality", "price",
                                                     "parts",    "waiting_time",   "other"};
// The zh-CN label staff read for a call result, a no-show reason, a
// dissatisfied item ("维修质量" for "repair_quality") or a yes/no answer;
// "" for another code.
std::string_view ZhLabel(std::string_view code);

// One call. Only a "reached" call carries answers (fault_fixed, satisfied,
// items, next service); `items` only with satisfied == false, and then at
// least one; at most one of next_service_date and next_service_km.
struct TaskAttempt {
  std::string at;      // UTC text
  std::string staff;   // who called
  std::string result;  // one of kCallResults
  std::optional<bool> fault_fixed;
  std::optional<bool> satisfied;
  std::vector<std::string> items;  // of kDissatisfiedItems, each once, in the order given
  std::optional<std::string> next_service_date;  // YYYY-MM-DD
  std::optional<int64_t> next_service_km;
  std::string note;
  // The closing outcome the caller recorded (a no-show's reason, one of
  // kNoShowReasons); only when reached. Written only when set.
  std::optional<std::string> outcome;
  // Where the call was made: empty at the store, kHeadOfficeSite for head
  // office's call centre. Written only when set, so a store's attempt logs,
  // reads and hashes as before.
  std::string site;

  bool operator==(const TaskAttempt&) const = default;
};

// What a complaint is about and how it ends (the dissatisfied-customer
// tracking sheet, docs/FOLLOWUP.md "Complaints"). Its deadline is the task's
// `due_by`. Closed (status "done", outcome "resolved") only with a
// resolution and either the customer's confirmation on the second follow-up
// call or a supervisor's override with a reason (CheckComplaintClose).
struct TaskComplaint {
  std::string source_task;         // the follow-up task whose call found the customer dissatisfied
  std::vector<std::string> items;  // of kDissatisfiedItems, at least one
  std::optional<std::string> resolution;
  bool confirmed_by_customer = false;
  std::optional<std::string> override_by;  // the supervisor who closed it without confirmation
  std::optional<std::string> override_reason;
  std::optional<std::string> escalated_at;  // UTC text: handed to head office past its deadline

  bool operator==(const TaskComplaint&) const = default;
};

struct Task {
  std::string id;  // TaskIdFor(idempotency_key); not logged
  std::string store_id;
  std::string kind;  // one of kTaskKinds
  std::string customer_id;
  std::optional<std::string> vehicle_id;
  std::optional<std::string> booking_id;
  std::string idempotency_key;  // "store/kind/booking" for an event; see TaskIdFor
  std::string owner;            // the SA's name at the store, or "head_office"
  std::string due_from;         // YYYY-MM-DD, store local: the first day to call
  std::string due_by;           // YYYY-MM-DD: the last day (on or after due_from)
  std::string status = "open";
  std::vector<TaskAttempt> attempts;   // oldest first
  std::optional<std::string> outcome;  // when closed: a call result, or "rebooked"
  std::string reason;                  // why the last change happened, in words
  std::string created_at;              // UTC text
  std::string created_by;
  std::optional<std::string> updated_at;
  std::optional<TaskComplaint> complaint;  // a complaint's; never for other kinds
};

// The changed fields of one update; unset: unchanged. `attempts`, when set,
// is the whole list.
struct TaskUpdate {
  std::optional<std::string> status;
  std::optional<std::string> owner;
  std::optional<std::vector<TaskAttempt>> attempts;
  std::optional<std::string> outcome;
  std::optional<std::string> reason;
  std::optional<std::string> updated_at;
  std::optional<TaskComplaint> complaint;  // when set, the whole of it
};

// "T-" and 20 hex digits of BLAKE2b(key).
std::string TaskIdFor(const std::string& idempotency_key);
// The key of the task an event makes: "store/kind/booking".
std::string TaskEventKey(const std::string& store_id, const std::string& kind,
                         const std::string& booking_id);

bool IsTaskKind(const std::string& kind);

// The attempt's answers fit its result; names the first field that does not
// ("satisfied", "items", "fault_fixed", "next_service", "result"), with the
// value and why. Used by whoever records a call, before anything is written.
Status CheckTaskAttempt(const TaskAttempt& attempt);

// "yes" or "no" as staff type an answer; anything else is InvalidInput
// naming `field`. Absent: absent.
Result<std::optional<bool>> ParseYesNo(const char* field, const std::optional<std::string>& text);

// The attempt's closing outcome fits the task's kind: only a no-show takes
// one (names "outcome").
Status CheckTaskAttemptFits(const std::string& task_kind, const TaskAttempt& attempt);

// ---- One task worked at two sites (docs/FOLLOWUP.md, "Head office and the
// store on one task") ----
//
// Attempts are kept ordered by AttemptBefore: their time `at` (UTC text of a
// fixed width, so text order is time order), then the site (the store's
// before head office's); calls of one site at the same instant keep the order
// that site made them in (each site's calls reach the task in one fixed
// order: the store's own as made, head office's by request seq). So the list
// is the same whatever order the two sites' calls arrive in.
bool AttemptBefore(const TaskAttempt& a, const TaskAttempt& b);
// A completing attempt settles the task: the customer was reached (with the
// answers) or refused the call, or the caller recorded a closing outcome.
bool IsCompletingAttempt(const TaskAttempt& attempt);
// What a completing attempt says the task's outcome is: its closing outcome,
// else its result.
std::string AttemptOutcome(const TaskAttempt& attempt);
// `attempts` with `add` in its place; `added` false when an equal attempt is
// there already (the same call applied twice adds nothing).
struct MergedAttempts {
  std::vector<TaskAttempt> attempts;
  bool added = false;
};
MergedAttempts MergeTaskAttempt(const std::vector<TaskAttempt>& attempts, const TaskAttempt& add);
// The earliest completing attempt's index in `attempts` (ordered), if any:
// the one whose outcome is the task's, whatever arrived first.
std::optional<size_t> FirstCompleting(const std::vector<TaskAttempt>& attempts);
// Two completing attempts contradict when made at different sites and their
// outcomes differ, or both answered "satisfied" and the answers differ.
bool AttemptsContradict(const TaskAttempt& a, const TaskAttempt& b);
// The first completing attempt after the earliest one that contradicts it
// (both indexes), if any.
std::optional<std::pair<size_t, size_t>> FirstContradiction(
    const std::vector<TaskAttempt>& attempts);
// Parses one attempt as TaskAttemptJson writes it (a request carries one);
// errors name "attempt: FIELD".
Result<TaskAttempt> ParseTaskAttempt(const nlohmann::json& fields);

// The closing fits the rules: a resolution, and the customer's confirmation
// or an override by a supervisor with its reason (not both). Names the first
// field that does not fit ("resolution", "confirmation", "override_by",
// "reason"), with the value and why.
Status CheckComplaintClose(const TaskComplaint& complaint);

nlohmann::json TaskAttemptJson(const TaskAttempt& attempt);
nlohmann::json TaskComplaintJson(const TaskComplaint& complaint);
nlohmann::json TaskInsertFields(const Task& task);
nlohmann::json TaskUpdateFields(const TaskUpdate& update);
// Every field with its id, null where absent: what `--json` prints.
nlohmann::json TaskJson(const Task& task);
// An insert's fields or an entity's folded fields. Checks every field and
// names the first that is wrong; the id must be the key's.
Result<Task> ParseTask(const std::string& id, const nlohmann::json& fields);
Result<TaskUpdate> ParseTaskUpdate(const nlohmann::json& fields);
void ApplyTaskUpdate(const TaskUpdate& update, Task& task);

}  // namespace outpost::model
