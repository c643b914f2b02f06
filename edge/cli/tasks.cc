// outpost-edge tasks [list] | add | attempt | close | sweep: the store's
// follow-up calls and complaints (docs/FOLLOWUP.md). Labels staff read are bilingual, zh-CN first.
#include "edge/tasks.h"

#include <CLI/CLI.hpp>
#include <ostream>

#include "edge/cli/commands.h"
#include "edge/cli/output.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"

namespace outpost::edge::cli {
namespace {

using nlohmann::json;

std::string KindLabel(const std::string& kind) {
  static const std::pair<const char*, const char*> kLabels[] = {
      {"after_service", "售后回访"},  {"after_purchase", "新车回访"},
      {"run_in", "磨合提醒"},         {"no_show", "爽约跟进"},
      {"care_birthday", "生日关怀"},  {"care_inspection", "年检提醒"},
      {"care_insurance", "续保提醒"}, {"complaint", "投诉跟进"},
      {"invitation", "邀约"},         {"manual", "手动任务"}};
  for (const auto& [name, zh] : kLabels) {
    if (kind == name) return std::string(zh) + " " + kind;
  }
  return kind;
}

std::string TaskStatusLabel(const std::string& status) {
  if (status == "open") return "待办 open";
  if (status == "done") return "已完成 done";
  if (status == "returned") return "已转总部 returned";
  if (status == "cancelled") return "已取消 cancelled";
  return status;
}

// The SA's answer to --satisfied / --fault-fixed as logged.
std::string AttemptText(const model::TaskAttempt& a) {
  std::string out = a.result;
  if (a.fault_fixed) out += std::string(", fault fixed ") + (*a.fault_fixed ? "yes" : "no");
  if (a.satisfied) out += *a.satisfied ? ", satisfied" : ", dissatisfied";
  for (size_t i = 0; i < a.items.size(); ++i) out += (i == 0 ? ": " : ",") + a.items[i];
  if (a.next_service_date) out += ", next service " + *a.next_service_date;
  if (a.next_service_km) out += ", next service at " + std::to_string(*a.next_service_km) + " km";
  return out;
}

std::string ItemsText(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + ItemLabel(i);
  return out;
}

// A complaint's items, deadline and how it stands or was closed.
std::string ComplaintText(const Store& store, const model::Task& t) {
  const model::TaskComplaint& c = *t.complaint;
  std::string out = "\n    投诉 complaint: " + ItemsText(c.items) + "  期限 deadline " + t.due_by;
  if (t.status == "open" && store.Today().ToString() > t.due_by) out += " (逾期 overdue)";
  if (c.escalated_at) out += "  已升级总部 escalated " + store.LocalText(*c.escalated_at);
  if (c.resolution) out += "  处理 resolution: " + *c.resolution;
  if (c.confirmed_by_customer) out += "  客户已确认 confirmed by the customer";
  if (c.override_by) {
    out += "  主管结案 override by " + *c.override_by + ": " + c.override_reason.value_or("");
  }
  return out;
}

int PrintTask(const DeskRun& run, const Store& store, const TaskLine& line,
              const std::string& verb) {
  if (run.flags.json) {
    run.out << TaskLineJson(store, line).dump(2) << "\n";
  } else {
    run.out << verb << " " << TaskText(store, line) << "\n";
  }
  return kExitOk;
}

// The task with its customer as the list shows it, after a change.
int PrintChanged(const DeskRun& run, Store& store, const model::Task& t, const std::string& verb) {
  auto lines = store.TaskList(store.Today(), /*all=*/true);
  if (!lines.ok()) return Fail(run, lines.status());
  for (const auto& line : *lines) {
    if (line.task.id == t.id) return PrintTask(run, store, line, verb);
  }
  return Fail(run, Status::NotFound(std::string("task ") + t.id + " is not listed")
                       .WithShown(i18n::Format("task {0} is not listed", {t.id})));
}

}  // namespace

std::string TaskText(const Store& store, const TaskLine& line) {
  const model::Task& t = line.task;
  std::string out = ShortId(t.id) + "  " + KindLabel(t.kind) + "  " + line.customer_name;
  for (const auto& p : line.phones) {
    const bool doubtful = std::find(line.doubtful_phones.begin(), line.doubtful_phones.end(), p) !=
                          line.doubtful_phones.end();
    out += " " + Phones({p}) + (doubtful ? " (号码存疑 doubtful)" : "");
  }
  if (line.booking_ref) out += "  " + *line.booking_ref;
  out += "  " + TaskStatusLabel(t.status);
  if (t.status == "open") {
    out += "  应回访 due " + t.due_from + ".." + t.due_by;
    if (store.Today().ToString() > t.due_by) out += " (逾期 overdue)";
  }
  out += "  负责 owner " + t.owner;
  if (!t.attempts.empty()) {
    out += "  已拨 calls " + std::to_string(t.attempts.size()) + " (" +
           AttemptText(t.attempts.back()) + ")";
  }
  if (t.outcome) out += "  结果 outcome " + *t.outcome;
  if (t.status == "open") {
    if (line.called_today) {
      out += "  今日已拨 called today";
    } else if (!line.callable) {
      out += "  今日不可拨 not today: " + line.why;
    } else if (!line.why.empty()) {
      out += "  可拨自 call from " + store.LocalText(FormatUtcMs(line.call_at_ms)) + " (" +
             line.why + ")";
    }
  }
  if (t.complaint) out += ComplaintText(store, t);
  if (!t.reason.empty()) out += "\n    " + t.reason;
  return out;
}

std::string ItemLabel(const std::string& item) {
  const std::string_view zh = model::ZhLabel(item);
  return zh.empty() ? item : std::string(zh) + " " + item;
}

std::string ComplaintWarning(const Store& store, const model::Task& t) {
  const std::string items = t.complaint ? ItemsText(t.complaint->items) : std::string();
  return "注意 open complaint: " + items + " since " + store.LocalText(t.created_at).substr(0, 10) +
         " (" + ShortId(t.id) + ", owner " + t.owner + ", deadline " + t.due_by + ")";
}

json TaskLineJson(const Store& store, const TaskLine& line) {
  json out = model::TaskJson(line.task);
  out["short_id"] = ShortId(line.task.id);
  out["customer"] = {{"id", line.task.customer_id},
                     {"name", line.customer_name},
                     {"phones", line.phones},
                     {"doubtful_phones", line.doubtful_phones}};
  out["booking_ref"] = OptionalJson(line.booking_ref);
  out["overdue"] = line.task.status == "open" && store.Today().ToString() > line.task.due_by;
  out["called_today"] = line.called_today;
  out["callable"] = line.callable;
  out["call_at"] = line.callable ? json(FormatUtcMs(line.call_at_ms)) : json(nullptr);
  out["why"] = line.why;
  return out;
}

TaskCommands::TaskCommands(CLI::App& app) {
  tasks_ = app.add_subcommand(
      "tasks", "follow-up calls (回访): today's list, add, attempt, sweep the no-shows");
  tasks_->require_subcommand(0, 1);
  tasks_->add_flag("--all", all_, "every task: not yet due, done, returned, cancelled");
  list_ = tasks_->add_subcommand("list", "open tasks due today or overdue (the default)");
  list_->add_flag("--all", all_, "every task: not yet due, done, returned, cancelled");
  add_ = tasks_->add_subcommand("add", "add a follow-up task by hand");
  add_->add_option("--kind", kind_, "after_service, no_show, care_birthday, ..., manual")
      ->required();
  add_->add_option("--customer", customer_, "id, phone, plate or member id")->required();
  add_->add_option("--booking", booking_, "the booking it is about (ref or id)");
  add_->add_option("--due", due_, "the last day: YYYY-MM-DD, today, tomorrow or +N (default +3)");
  add_->add_option("--owner", owner_, "the SA who calls (default: --staff)");
  add_->add_option("--note", note_, "what the call is about");
  attempt_ = tasks_->add_subcommand("attempt", "record one call of a task (also: done)");
  attempt_->alias("done");
  attempt_->add_option("task", task_, "the task's id (its last digits)")->required();
  attempt_
      ->add_option("--result,--outcome", result_,
                   "reached, no_answer, busy, wrong_number, empty_number or refused")
      ->required();
  attempt_->add_option("--satisfied", satisfied_, "yes or no (reached)");
  attempt_
      ->add_option("--items", items_,
                   "dissatisfied with: attitude, repair_quality, price, parts,"
                   " waiting_time, other (with --satisfied no)")
      ->delimiter(',');
  attempt_->add_option("--fault-fixed", fault_fixed_, "yes or no (reached)");
  auto* next_date = attempt_->add_option("--next-service", next_service_,
                                         "next service date: YYYY-MM-DD, +N (reached)");
  attempt_->add_option("--next-km", next_km_, "next service at this mileage (reached)")
      ->excludes(next_date);
  attempt_->add_option("--note", note_, "what the customer said");
  attempt_->add_option("--complaint-owner", complaint_owner_,
                       "who handles the complaint a dissatisfied answer opens (default: the"
                       " booking's advisor, else --staff)");
  attempt_->add_option("--complaint-due", complaint_due_,
                       "that complaint's deadline: YYYY-MM-DD or +N (default +7)");
  close_ = tasks_->add_subcommand(
      "close", "close a complaint: its resolution and the customer's confirmation or an override");
  close_->add_option("task", task_, "the complaint's id (its last digits)")->required();
  close_->add_option("--resolution", resolution_, "how it was handled");
  close_->add_flag("--customer-confirmed", customer_confirmed_,
                   "the customer confirmed it on the second follow-up call");
  close_->add_option("--override-by", override_by_,
                     "the supervisor closing it without the customer's confirmation");
  close_->add_option("--reason", reason_, "why the supervisor overrides");
  sweep_ = tasks_->add_subcommand(
      "sweep",
      "close rebooked no-shows; return those past their 3 days and escalate overdue complaints"
      " to head office");
}

bool TaskCommands::parsed() const { return tasks_->parsed(); }

int TaskCommands::Run(const DeskRun& run) {
  if (add_->parsed()) return RunAdd(run);
  if (attempt_->parsed()) return RunAttempt(run);
  if (sweep_->parsed()) return RunSweep(run);
  if (close_->parsed()) return RunClose(run);
  return RunList(run);
}

int TaskCommands::RunList(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  Store& s = **store;
  // The no-show loop runs first, by the store's clock: a list never shows a
  // no-show that is the customer's rebooking or head office's by now.
  if (auto swept = s.SweepTasks(); !swept.ok()) return Fail(run, swept.status());
  auto lines = s.TaskList(s.Today(), all_);
  if (!lines.ok()) return Fail(run, lines.status());
  if (run.flags.json) {
    json arr = json::array();
    for (const auto& line : *lines) arr.push_back(TaskLineJson(s, line));
    run.out << arr.dump(2) << "\n";
    return kExitOk;
  }
  run.out << "回访任务 follow-up tasks " << s.Today().ToString() << " (" << lines->size() << ")\n";
  if (lines->empty()) run.out << "  今日无待办 nothing due today\n";
  for (const auto& line : *lines) run.out << "  " << TaskText(s, line) << "\n";
  return kExitOk;
}

int TaskCommands::RunAdd(const DeskRun& run) {
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto t = (*store)->AddTask({kind_, customer_, booking_, due_, owner_, note_, *staff});
  if (!t.ok()) return Fail(run, t.status());
  return PrintChanged(run, **store, *t, "新建 added");
}

int TaskCommands::RunAttempt(const DeskRun& run) {
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  TaskAttemptInput input;
  input.result = result_;
  input.satisfied = satisfied_;
  input.fault_fixed = fault_fixed_;
  input.items = items_;
  input.next_service_date = next_service_;
  input.next_service_km = next_km_;
  input.note = note_;
  input.staff = *staff;
  input.complaint_owner = complaint_owner_;
  input.complaint_due = complaint_due_;
  auto t = (*store)->RecordTaskAttempt(task_, input);
  if (!t.ok()) return Fail(run, t.status());
  const int code = PrintChanged(run, **store, *t, "已记录 recorded");
  if (code != kExitOk || run.flags.json) return code;
  // The complaint the answer opened, as the list shows it.
  auto open = (*store)->OpenComplaints(t->customer_id);
  if (!open.ok()) return Fail(run, open.status());
  for (const auto& c : *open) {
    if (c.complaint && c.complaint->source_task == t->id) {
      return PrintChanged(run, **store, c, "已立案 complaint opened");
    }
  }
  return kExitOk;
}

int TaskCommands::RunClose(const DeskRun& run) {
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto t = (*store)->CloseComplaint(
      task_, {resolution_, customer_confirmed_, override_by_, reason_, *staff});
  if (!t.ok()) return Fail(run, t.status());
  return PrintChanged(run, **store, *t, "已结案 closed");
}

int TaskCommands::RunSweep(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto swept = (*store)->SweepTasks();
  if (!swept.ok()) return Fail(run, swept.status());
  if (run.flags.json) {
    json out = {
        {"rebooked", json::array()}, {"returned", json::array()}, {"escalated", json::array()}};
    for (const auto& t : swept->rebooked) out["rebooked"].push_back(model::TaskJson(t));
    for (const auto& t : swept->returned) out["returned"].push_back(model::TaskJson(t));
    for (const auto& t : swept->escalated) out["escalated"].push_back(model::TaskJson(t));
    out["care"] = json::array();
    out["cancelled"] = json::array();
    for (const auto& t : swept->care) out["care"].push_back(model::TaskJson(t));
    for (const auto& t : swept->cancelled) out["cancelled"].push_back(model::TaskJson(t));
    run.out << out.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& t : swept->rebooked) {
    run.out << "已再约 rebooked  " << ShortId(t.id) << "  " << t.reason << "\n";
  }
  for (const auto& t : swept->returned) {
    run.out << "转总部 returned to head office  " << ShortId(t.id) << "  " << t.reason << "\n";
  }
  for (const auto& t : swept->escalated) {
    run.out << "投诉升级 complaint escalated to head office  " << ShortId(t.id) << "  " << t.reason
            << "\n";
  }
  for (const auto& t : swept->care) {
    run.out << "关怀 care call  " << ShortId(t.id) << "  " << KindLabel(t.kind) << "  "
            << t.due_from << " .. " << t.due_by << "  " << t.reason << "\n";
  }
  for (const auto& t : swept->cancelled) {
    run.out << "已取消 cancelled  " << ShortId(t.id) << "  " << KindLabel(t.kind) << "  "
            << t.reason << "\n";
  }
  run.out << "已再约 rebooked " << swept->rebooked.size() << ", 转总部 returned "
          << swept->returned.size() << ", 投诉升级 escalated " << swept->escalated.size()
          << ", 关怀 care " << swept->care.size() << ", 已取消 cancelled "
          << swept->cancelled.size() << "\n";
  return kExitOk;
}

}  // namespace outpost::edge::cli
