// Head office's calls on a store's follow-up task (docs/FOLLOWUP.md, "Head
// office and the store on one task"): the call centre records a call on a
// task a store handed over (or any task of a store head office knows), and
// the store is told by a "task-attempt" request (sync/model/request.h) riding
// on the next ack; the store keeps it with its own calls
// (edge/store_task_requests.cc) and answers applied or refused.
//
// Checked here with the store's own rules (model::CheckTaskAttempt,
// model::CheckTaskAttemptFits) before anything is queued, so a call the store
// would refuse is refused while the agent is still on the phone.
// Thread-compatible: on the thread that owns the Hub.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sync/model/task.h"
#include "sync/status.h"

namespace outpost::hub {

class Hub;

// One call as the agent reports it (`outpost-hub tasks --attempt`): raw values.
struct HeadOfficeCallInput {
  std::string task;                              // full id or its last characters (at least 4)
  std::string result;                            // reached, no_answer, busy, ...
  std::optional<std::string> satisfied;          // "yes" or "no"
  std::optional<std::string> fault_fixed;        // "yes" or "no"
  std::vector<std::string> items;                // dissatisfied items
  std::optional<std::string> next_service_date;  // YYYY-MM-DD
  std::optional<std::string> next_service_km;    // digits
  std::string note;
  std::string outcome;  // a no-show's reason (model::kNoShowReasons); empty: none
  std::string staff;
};

struct QueuedTaskCall {
  std::string site;  // the task's store
  model::Task task;  // as last synced
  int64_t seq = 0;   // the request's, in the store's outbox
  model::TaskAttempt attempt;
};

// Checks the call (fields "staff", "task", "result", "satisfied",
// "fault_fixed", "items", "next_service", "outcome", each refusal naming the
// value and why; a task closed as last synced: Conflict naming "task") and
// queues it for the task's store. Nothing is queued on a refusal.
Result<QueuedTaskCall> QueueTaskCall(Hub& hub, const HeadOfficeCallInput& input);

}  // namespace outpost::hub
