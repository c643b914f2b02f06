#include "hub/task_attempts.h"

#include <nlohmann/json.hpp>

#include "hub/hub.h"
#include "sync/clock.h"
#include "sync/i18n/messages.h"
#include "sync/model/request.h"

namespace outpost::hub {
namespace {

// The one task `query` names among every store's, as head office last synced it.
Result<std::pair<std::string, model::Task>> FindTask(Hub& hub, const std::string& query) {
  if (query.size() < 4) {
    return Status::InvalidInput("task: '" + query +
                                "' is too short (the id or at least its last 4 characters)")
        .WithShown(i18n::Format("task: '{0}' is too short (the id or at least its last 4"
                                " characters)",
                                {query}))
        .WithField("task");
  }
  ASSIGN_OR_RETURN(auto rows, hub.storage().reads().TasksNamed(query, 2));
  if (rows.empty()) {
    return Status::NotFound("task: '" + query +
                            "' is not a task head office knows (a store's task reaches head office "
                            "when the store syncs)")
        .WithShown(i18n::Format("task: '{0}' is not a task head office knows (a store's"
                                " task reaches head office when the store syncs)",
                                {query}))
        .WithField("task");
  }
  if (rows.size() > 1) {
    return Status::InvalidInput("task: '" + query + "' matches several tasks (" +
                                rows[0].entity_id + " at " + rows[0].owner_site + ", " +
                                rows[1].entity_id + " at " + rows[1].owner_site +
                                "); give more of the id")
        .WithShown(i18n::Format(
            "task: '{0}' matches several tasks ({1} at {2}, {3}"
            " at {4}); give more of the id",
            {query, rows[0].entity_id, rows[0].owner_site, rows[1].entity_id, rows[1].owner_site}))
        .WithField("task");
  }
  const nlohmann::json fields = nlohmann::json::parse(rows[0].fields_json, nullptr, false);
  if (fields.is_discarded()) {
    return Status::Corruption("task " + rows[0].entity_id + ": fields are not JSON")
        .WithShown(i18n::Format("task {0}: fields are not JSON", {rows[0].entity_id}));
  }
  ASSIGN_OR_RETURN(model::Task task, model::ParseTask(rows[0].entity_id, fields));
  return std::make_pair(rows[0].owner_site, std::move(task));
}

}  // namespace

Result<QueuedTaskCall> QueueTaskCall(Hub& hub, const HeadOfficeCallInput& in) {
  if (in.staff.empty()) {
    return Status::InvalidInput("staff: say who called (--staff)").WithField("staff");
  }
  const std::string now = FormatUtcMs(hub.clock().NowMs());
  model::TaskAttempt a;
  a.at = now;  // head office's clock: the call's time orders it among the store's
  a.staff = in.staff;
  a.site = model::kHeadOfficeSite;
  a.result = in.result;
  ASSIGN_OR_RETURN(a.satisfied, model::ParseYesNo("satisfied", in.satisfied));
  ASSIGN_OR_RETURN(a.fault_fixed, model::ParseYesNo("fault_fixed", in.fault_fixed));
  a.items = in.items;
  a.next_service_date = in.next_service_date;
  if (const auto& km = in.next_service_km) {
    if (km->empty() || km->find_first_not_of("0123456789") != std::string::npos || km->size() > 9) {
      return Status::InvalidInput("next_service: '" + *km + "' is not a mileage in km")
          .WithShown(i18n::Format("next_service: '{0}' is not a mileage in km", {*km}))
          .WithField("next_service");
    }
    a.next_service_km = std::stoll(*km);
  }
  a.note = in.note;
  if (!in.outcome.empty()) a.outcome = in.outcome;
  // The store's own checks, before anything is queued.
  RETURN_IF_ERROR(model::CheckTaskAttempt(a));
  ASSIGN_OR_RETURN(auto found, FindTask(hub, in.task));
  auto& [site, task] = found;
  RETURN_IF_ERROR(model::CheckTaskAttemptFits(task.kind, a));
  if (task.status == "done" || task.status == "cancelled") {
    const std::string status =
        task.status + (task.outcome ? " (" + *task.outcome + ")" : std::string());
    return Status::Conflict("task: " + task.id + " at " + site + " is " + status +
                            " as last synced; a closed task takes no more calls")
        .WithShown(i18n::Format("task: {0} at {1} is {2} as last synced; a closed task"
                                " takes no more calls",
                                {task.id, site, status}))
        .WithField("task");
  }
  model::HeadOfficeRequest request;
  request.kind = "task-attempt";
  request.task_id = task.id;
  request.attempt = a;
  request.staff = in.staff;
  request.requested_at = now;
  ASSIGN_OR_RETURN(int64_t seq,
                   hub.storage().outbox().Append(site, model::HeadOfficeRequestJson(request).dump(),
                                                 now, in.staff));
  return QueuedTaskCall{site, std::move(task), seq, std::move(a)};
}

}  // namespace outpost::hub
