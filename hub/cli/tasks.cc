// outpost-hub tasks [--date D] [--json]: head office's call-centre queue
// (docs/FOLLOWUP.md, "Head office's queue"): what the stores handed over
// (no-shows not rebooked, complaints past their deadline) and head office's
// own invitation calls for offline stores. Labels zh-CN first.
#include "hub/queries/tasks.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "hub/hub.h"
#include "hub/task_attempts.h"
#include "sync/i18n/messages.h"

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
  json pending = json::array();
  for (const auto& [seq, call] : item.pending) {
    json one = model::TaskAttemptJson(call);
    one["request_seq"] = seq;
    pending.push_back(one);
  }
  out["pending_calls"] = pending;
  return out;
}

// A call in one line: when, who, the result and its answers.
std::string CallText(const model::TaskAttempt& a) {
  std::string out = a.at + " " + a.staff + " " + a.result;
  if (a.satisfied) out += *a.satisfied ? " 满意/satisfied" : " 不满意/dissatisfied";
  for (const auto& i : a.items) out += " " + i;
  if (a.outcome) out += " 结果/outcome " + *a.outcome;
  return out;
}

std::vector<std::string> SplitItems(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
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
  for (const auto& [seq, call] : item.pending) {
    out << "    总部待送达/head office call pending at the store (request " << seq
        << "): " << CallText(call) << "\n";
  }
}

}  // namespace

TaskQueueCommand::TaskQueueCommand(CLI::App& app, const HubFlags& flags) : flags_(flags) {
  tasks_ = app.add_subcommand(
      "tasks", "head office's call-centre queue: stores' hand-overs and its own calls");
  tasks_->add_option("--date", date_, "YYYY-MM-DD, today, tomorrow or +N (default today)");
  tasks_->add_option("--attempt", attempt_,
                     "record a call on a store's task (its id or last characters, as listed)");
  tasks_->add_option("--result", result_,
                     "reached, no_answer, busy, wrong_number, empty_number or refused");
  tasks_->add_option("--satisfied", satisfied_, "yes or no (when reached)");
  tasks_->add_option("--fault-fixed", fault_fixed_, "yes or no (when reached)");
  tasks_->add_option("--items", items_,
                     "when dissatisfied: attitude,repair_quality,price,parts,waiting_time,other");
  tasks_->add_option("--next-service-date", next_date_, "YYYY-MM-DD (when reached)");
  tasks_->add_option("--next-service-km", next_km_, "mileage of the next service (when reached)");
  tasks_->add_option("--note", note_, "what was said");
  tasks_->add_option("--outcome", outcome_,
                     "a no-show's reason: rebooked, forgot, changed_plans, went_elsewhere,"
                     " no_longer_needed, other (when reached)");
  tasks_->add_option("--staff", staff_, "who called");
}

bool TaskQueueCommand::parsed() const { return tasks_->parsed(); }

int TaskQueueCommand::RunAttempt(Hub& hub, std::ostream& out, std::ostream& err) {
  HeadOfficeCallInput in;
  in.task = attempt_;
  in.result = result_;
  if (!satisfied_.empty()) in.satisfied = satisfied_;
  if (!fault_fixed_.empty()) in.fault_fixed = fault_fixed_;
  in.items = SplitItems(items_);
  if (!next_date_.empty()) in.next_service_date = next_date_;
  if (!next_km_.empty()) in.next_service_km = next_km_;
  in.note = note_;
  in.outcome = outcome_;
  in.staff = staff_;
  auto queued = QueueTaskCall(hub, in);
  if (!queued.ok()) return Fail(queued.status(), err);
  if (flags_.json) {
    out << json{{"store_id", queued->site},
                {"task_id", queued->task.id},
                {"request_seq", queued->seq},
                {"attempt", model::TaskAttemptJson(queued->attempt)}}
               .dump(2)
        << "\n";
    return 0;
  }
  out << "已记录总部回访/head office call queued for store " << queued->site << " (request "
      << queued->seq << "): " << queued->task.id << " " << KindLabel(queued->task.kind) << "  "
      << CallText(queued->attempt) << "\n";
  return 0;
}

int TaskQueueCommand::Run(Hub& hub, std::ostream& out, std::ostream& err) {
  if (!attempt_.empty()) return RunAttempt(hub, out, err);
  for (const std::string* given : {&result_, &satisfied_, &fault_fixed_, &items_, &next_date_,
                                   &next_km_, &note_, &outcome_, &staff_}) {
    if (!given->empty()) {
      return Fail(Status::InvalidInput("attempt: a call's details given without --attempt TASK")
                      .WithField("attempt"),
                  err);
    }
  }
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
