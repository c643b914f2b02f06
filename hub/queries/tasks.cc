#include "hub/queries/tasks.h"

#include <nlohmann/json.hpp>

#include "hub/identity.h"
#include "sync/normalize.h"

namespace outpost::hub::queries {

Result<CallCentreQueue> CallCentreQueueOn(const HubReader& reader, const LocalDate& date) {
  CallCentreQueue queue;
  queue.date = date.ToString();
  Identity identity = reader.MakeIdentity();
  ASSIGN_OR_RETURN(DueList due,
                   hub::ComputeServiceDue(reader.storage(), identity, reader.clock(), date));
  queue.invitations = HeadOfficeCalls(due);
  ASSIGN_OR_RETURN(std::vector<storage::EntityFields> rows, reader.reads().HeadOfficeTasks());
  for (const storage::EntityFields& row : rows) {
    const nlohmann::json fields = nlohmann::json::parse(row.fields_json, nullptr, false);
    if (fields.is_discarded()) {
      return Status::Corruption("task " + row.entity_id + " at " + row.owner_site +
                                ": fields are not JSON");
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
    queue.tasks.push_back(std::move(item));
  }
  return queue;
}

}  // namespace outpost::hub::queries
