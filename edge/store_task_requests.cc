// Head office and the store on one follow-up task (docs/FOLLOWUP.md, "Head
// office and the store on one task"): head office's call centre records a
// call on a store's task as a "task-attempt" request; the store applies it
// here, in one transaction with its answer.
//
// Why the result does not depend on arrival order: the attempts are kept
// ordered by model::AttemptBefore (time, then site, staff, result), an equal
// attempt is never added twice, and the task's outcome is always recomputed
// from the list as that of its earliest completing attempt
// (model::FirstCompleting). So the store's own call made while cut off and
// head office's call give the same task whichever reaches the store first.
// Two completing answers of the two sites that contradict are never settled
// silently: one "task-conflict" case is opened for a person.
#include <algorithm>

#include "edge/cases.h"
#include "edge/hub_requests.h"
#include "edge/store.h"
#include "edge/tasks.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"
#include "sync/model/request.h"

namespace outpost::edge {
namespace {

// The case of a task's contradiction is found by its source: one per task.
std::string ConflictSource(const std::string& task_id) { return "task " + task_id; }

// One answer in words, as a person deciding the case reads it.
std::string AnswerText(const model::TaskAttempt& a) {
  std::string out = (a.site.empty() ? std::string("store") : a.site) + " " + a.staff + " at " +
                    a.at + ": " + model::AttemptOutcome(a);
  if (a.satisfied) out += *a.satisfied ? ", satisfied" : ", dissatisfied";
  if (!a.items.empty()) {
    std::string items;
    for (const auto& i : a.items) items += (items.empty() ? "" : ",") + i;
    out += " (" + items + ")";
  }
  return out;
}

}  // namespace

Status Store::ApplyHeadOfficeTaskAttempt(int64_t seq, const model::HeadOfficeRequest& request) {
  if (request.kind != "task-attempt" || !request.attempt) {
    return Status::InvalidInput("kind: '" + request.kind + "' is not a task-attempt request")
        .WithShown(i18n::Format("kind: '{0}' is not a task-attempt request", {request.kind}))
        .WithField("kind");
  }
  model::TaskAttempt attempt = *request.attempt;
  attempt.site = model::kHeadOfficeSite;  // whatever it says: it came from head office
  // The same checks as the desk's, again here: a request from an older or
  // faulty head office is refused naming the field, nothing written.
  RETURN_IF_ERROR(model::CheckTaskAttempt(attempt));
  const std::string staff = "head office: " + attempt.staff;
  const std::string now = FormatUtcMs(clock_.NowMs());
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(std::optional<RequestAnswerRow> seen, FindRequestAnswer(*db_, seq));
  if (seen) return Status::Ok();  // answered once, however often it arrives
  ASSIGN_OR_RETURN(std::optional<model::Task> found, FindTask(*db_, request.task_id));
  if (!found) {
    return Status::NotFound("task: head office's task " + request.task_id + " is not at this store")
        .WithShown(
            i18n::Format("task: head office's task {0} is not at this store", {request.task_id}))
        .WithField("task");
  }
  RETURN_IF_ERROR(model::CheckTaskAttemptFits(found->kind, attempt));
  ASSIGN_OR_RETURN(
      std::string done,
      AddTaskAttemptLocked(*found, attempt, staff, "head office request " + std::to_string(seq)));
  RETURN_IF_ERROR(WriteRequestAnswer(
      *db_, {seq, now, request.kind, "applied", std::nullopt, done, std::nullopt},
      OnExisting::kFail));
  RETURN_IF_ERROR(LogRequestAnswerLocked(seq, request.kind, "applied", done, std::nullopt, now));
  return tx->Commit();
}

Result<std::string> Store::AddTaskAttemptLocked(model::Task& t, const model::TaskAttempt& a,
                                                const std::string& staff,
                                                const std::string& source) {
  const model::MergedAttempts merged = model::MergeTaskAttempt(t.attempts, a);
  const std::string who = ShortId(t.id);
  if (!merged.added) return "call on " + who + " recorded already";
  const std::optional<size_t> first = model::FirstCompleting(merged.attempts);
  model::TaskUpdate u;
  u.attempts = merged.attempts;
  u.updated_at = Now();
  const auto at = std::find(merged.attempts.begin(), merged.attempts.end(), a);
  const size_t number = static_cast<size_t>(at - merged.attempts.begin()) + 1;
  std::string done = "call " + std::to_string(number) + " on " + who + " (" +
                     (a.site.empty() ? std::string("store") : a.site) + "): " + a.result;
  u.reason = done;
  // Closed here without any call (a no-show the sweep found rebooked): that
  // closing stands; a call that says otherwise is a case, below.
  const bool closed_without_call =
      t.status == "done" && t.outcome && !model::FirstCompleting(t.attempts);
  std::optional<model::TaskAttempt> closing;
  if (closed_without_call && model::IsCompletingAttempt(a) &&
      model::AttemptOutcome(a) != *t.outcome) {
    closing = model::TaskAttempt{};
    closing->at = t.updated_at.value_or(t.created_at);
    closing->staff = "(closed without a call: " + t.reason + ")";
    closing->result = "closed";
    closing->outcome = t.outcome;
  }
  // A complaint closes only by its own rules (CloseComplaint), and a
  // cancelled task stays cancelled: their calls are kept, nothing else moves.
  if (first && t.kind != "complaint" && t.status != "cancelled" && !closed_without_call) {
    const std::string outcome = model::AttemptOutcome(merged.attempts[*first]);
    if (t.status != "done" || t.outcome != outcome) {
      u.status = "done";
      u.outcome = outcome;
      done += "; outcome " + outcome + " (the earliest completing call, " +
              merged.attempts[*first].at + ")";
      u.reason = done;
    }
  }
  RETURN_IF_ERROR(UpdateTask(*db_, log_, t, u, staff));
  if (a.satisfied == std::optional<bool>(false)) {
    // The tracking sheet, as for the store's own dissatisfied answer: the
    // complaint names this call (the list up to it).
    model::Task upto = t;
    upto.attempts.assign(t.attempts.begin(),
                         t.attempts.begin() + static_cast<std::ptrdiff_t>(number));
    RETURN_IF_ERROR(OpenComplaintLocked(upto, "", Today().AddDays(kComplaintDays), staff));
  }
  if (closing) {
    ASSIGN_OR_RETURN(std::string ref, OpenTaskConflictCaseLocked(t, *closing, a, source));
    if (!ref.empty())
      done += "; the store closed it " + *t.outcome + " without a call: case " + ref;
  } else if (const auto clash = model::FirstContradiction(t.attempts)) {
    ASSIGN_OR_RETURN(
        std::string ref,
        OpenTaskConflictCaseLocked(t, t.attempts[clash->first], t.attempts[clash->second], source));
    if (!ref.empty()) done += "; the two sites' answers contradict: case " + ref;
  }
  return done;
}

Result<std::string> Store::OpenTaskConflictCaseLocked(const model::Task& t,
                                                      const model::TaskAttempt& first,
                                                      const model::TaskAttempt& second,
                                                      const std::string& source) {
  const std::string key = ConflictSource(t.id);
  ASSIGN_OR_RETURN(std::optional<std::string> existing, CaseRefFrom(*db_, "task-conflict", key));
  if (existing) return std::string();  // one per task, whatever arrives later
  ConflictCase c;
  c.kind = "task-conflict";
  c.source = key;
  if (t.booking_id) c.booking_ids = {*t.booking_id};
  auto customer = customers_.Load(t.customer_id);
  model::CaseContact contact;
  contact.customer_id = t.customer_id;
  if (customer.ok()) {
    contact.name = customer->name;
    if (!customer->phones.empty()) contact.phone = customer->phones.front();
  }
  contact.why = "the store and head office heard different answers: call to settle";
  c.contacts = {contact};
  c.summary = "follow-up " + ShortId(t.id) + " (" + t.kind +
              "): the two sites' answers contradict; the earliest stands until a person" +
              " decides: " + AnswerText(first) + " | " + AnswerText(second) + " (" + source + ")";
  c.opened_by = "system: task conflict";
  return OpenCaseLocked(std::move(c));
}

}  // namespace outpost::edge
