#include "hub/queries/tasks.h"

#include <map>
#include <nlohmann/json.hpp>

#include "hub/identity.h"
#include "sync/i18n/messages.h"
#include "sync/model/request.h"
#include "sync/normalize.h"

namespace outpost::hub::queries {
namespace {

// `site`'s "task-attempt" requests not yet answered, by task id.
Result<std::map<std::string, std::vector<std::pair<int64_t, model::TaskAttempt>>>> PendingCalls(
    const HubReader& reader, const std::string& site) {
  std::map<std::string, std::vector<std::pair<int64_t, model::TaskAttempt>>> out;
  ASSIGN_OR_RETURN(std::vector<storage::RequestRow> rows, reader.reads().Requests(site));
  for (const storage::RequestRow& row : rows) {
    if (row.seq <= row.store_applied_seq || row.answer) continue;  // the store has it
    auto request = model::ParseHeadOfficeRequest(
        nlohmann::json::parse(row.request_json, nullptr, /*allow_exceptions=*/false));
    if (!request.ok() || request->kind != "task-attempt" || !request->attempt) continue;
    out[request->task_id].emplace_back(row.seq, *request->attempt);
  }
  return out;
}

}  // namespace

Result<CallCentreQueue> CallCentreQueueOn(const HubReader& reader, const LocalDate& date) {
  CallCentreQueue queue;
  queue.date = date.ToString();
  Identity identity = reader.MakeIdentity();
  ASSIGN_OR_RETURN(DueList due,
                   hub::ComputeServiceDue(reader.storage(), identity, reader.clock(), date));
  queue.invitations = HeadOfficeCalls(due);
  ASSIGN_OR_RETURN(std::vector<storage::EntityFields> rows, reader.reads().HeadOfficeTasks());
  std::map<std::string, std::map<std::string, std::vector<std::pair<int64_t, model::TaskAttempt>>>>
      pending;  // by site, read once per site
  for (const storage::EntityFields& row : rows) {
    const nlohmann::json fields = nlohmann::json::parse(row.fields_json, nullptr, false);
    if (fields.is_discarded()) {
      return Status::Corruption("task " + row.entity_id + " at " + row.owner_site +
                                ": fields are not JSON")
          .WithShown(i18n::Format("task {0} at {1}: fields are not JSON",
                                  {row.entity_id, row.owner_site}));
    }
    ASSIGN_OR_RETURN(model::Task task, model::ParseTask(row.entity_id, fields));
    QueuedTask item{std::move(task), row.owner_site, "", ""};
    auto view = identity.Show(item.task.customer_id);
    if (view.ok()) {
      for (const auto& r : view->records) {
        if (r.record_id != item.task.customer_id) continue;
        item.customer_name = r.name;
        if (!r.phones.empty()) item.phone_masked = MaskedPhone(r.phones.front());
      }
    }
    if (pending.count(row.owner_site) == 0) {
      ASSIGN_OR_RETURN(pending[row.owner_site], PendingCalls(reader, row.owner_site));
    }
    const auto& calls = pending[row.owner_site];
    if (auto it = calls.find(item.task.id); it != calls.end()) item.pending = it->second;
    queue.tasks.push_back(std::move(item));
  }
  return queue;
}

}  // namespace outpost::hub::queries
