// outpost-hub tasks [--date D] [--json]: head office's call-centre queue
// (docs/FOLLOWUP.md, "Head office's queue"): what the stores handed over
// (no-shows not rebooked, complaints past their deadline) and head office's
// own invitation calls for offline stores. Labels zh-CN first.
#include "hub/queries/tasks.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <ostream>

#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "hub/hub.h"

namespace outpost::hub::cli {
namespace {

using nlohmann::json;

// The task kinds staff read, zh-CN first.
std::string KindLabel(const std::string& kind) {
  if (kind == "no_show") return "爽约 no-show";
  if (kind == "complaint") return "投诉 complaint";
  if (kind == "after_service") return "服务回访 after service";
  return kind;
}

json QueuedTaskJson(const queries::QueuedTask& item) {
  json out = model::TaskJson(item.task);
  out["store_id"] = item.site;
  out["customer_name"] = item.customer_name;
  out["phone"] = item.phone_masked;
  return out;
}

void PrintTask(const queries::QueuedTask& item, std::ostream& out) {
  const model::Task& t = item.task;
  out << "  " << t.id.substr(t.id.size() - 6) << "  " << KindLabel(t.kind) << "  门店/store "
      << item.site << "  " << (item.customer_name.empty() ? t.customer_id : item.customer_name);
  if (!item.phone_masked.empty()) out << " " << item.phone_masked;
  out << "  截止/due " << t.due_by << "  已拨/calls " << t.attempts.size();
  if (!t.attempts.empty()) out << " (" << t.attempts.back().result << ")";
  if (!t.reason.empty()) out << "  " << t.reason;
  out << "\n";
}

}  // namespace

TaskQueueCommand::TaskQueueCommand(CLI::App& app, const HubFlags& flags) : flags_(flags) {
  tasks_ = app.add_subcommand(
      "tasks", "head office's call-centre queue: stores' hand-overs and its own calls");
  tasks_->add_option("--date", date_, "YYYY-MM-DD, today, tomorrow or +N (default today)");
}

bool TaskQueueCommand::parsed() const { return tasks_->parsed(); }

int TaskQueueCommand::Run(Hub& hub, std::ostream& out, std::ostream& err) {
  auto date = ParseDay(date_, hub.clock());
  if (!date.ok()) return Fail(date.status(), err);
  auto queue = queries::CallCentreQueueOn(queries::HubReader(hub), date.value());
  if (!queue.ok()) return Fail(queue.status(), err);
  if (flags_.json) {
    json tasks = json::array();
    for (const auto& item : queue->tasks) tasks.push_back(QueuedTaskJson(item));
    json calls = json::array();
    for (const auto& inv : queue->invitations) {
      calls.push_back({{"invitation_key", inv.invitation_key},
                       {"customer_id", inv.customer_id},
                       {"name", inv.name},
                       {"store", inv.store},
                       {"due_date", inv.due.due_date.ToString()},
                       {"channel", inv.channel},
                       {"decision_at", inv.decision_at}});
    }
    out << json{{"date", queue->date}, {"tasks", tasks}, {"invitation_calls", calls}}.dump(2)
        << "\n";
    return 0;
  }
  out << "总部工作队列/head office queue " << queue->date << "\n";
  out << "门店转交/handed over by stores: " << queue->tasks.size() << "\n";
  for (const auto& item : queue->tasks) PrintTask(item, out);
  out << "总部邀约外呼/invitation calls (store offline): " << queue->invitations.size() << "\n";
  for (const auto& inv : queue->invitations) {
    out << "  " << inv.due.due_date.ToString() << " 到期/due  "
        << (inv.name.empty() ? inv.customer_id : inv.name) << "  门店/store " << inv.store << "  "
        << inv.channel << "  可联系/from " << inv.decision_at << "  key " << inv.invitation_key
        << "\n";
  }
  return 0;
}

}  // namespace outpost::hub::cli
