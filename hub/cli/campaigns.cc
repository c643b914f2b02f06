// outpost-hub campaigns due | assign | calls [--done KEY] | messages |
// rules show|set | policy show|set, holidays show|set: head office's
// service-due invitations, its own contacts for offline stores, its settings
// and the chain's holiday calendar (docs/OUTREACH.md, "At head office").
// Labels zh-CN first, then English.
#include "hub/queries/campaigns.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <ostream>
#include <tuple>

#include "hub/campaigns.h"
#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "hub/head_office_contacts.h"
#include "hub/hub.h"

namespace outpost::hub::cli {
namespace {

using nlohmann::json;

json InvitationJson(const queries::Invitation& inv) {
  json out = {{"invitation_key", inv.invitation_key},
              {"unified_id", inv.unified_id},
              {"customer_id", inv.customer_id},
              {"name", inv.name},
              {"vehicle_key", inv.vehicle_key},
              {"vehicle_id", inv.vehicle_id ? json(*inv.vehicle_id) : json(nullptr)},
              {"plate", inv.plate ? json(*inv.plate) : json(nullptr)},
              {"service_kind", inv.service_kind},
              {"last_service", inv.last_service},
              {"last_service_site", inv.last_service_site},
              {"readings", inv.readings},
              {"due_date", inv.due.due_date.ToString()},
              {"due_by", inv.due.due_by},
              {"invite_date", inv.due.invite_date.ToString()},
              {"projected_km", inv.projected_km ? json(*inv.projected_km) : json(nullptr)},
              {"due_at_km", inv.due.due_at_km ? json(*inv.due.due_at_km) : json(nullptr)},
              {"store", inv.store},
              {"store_online", inv.store_online},
              {"channel", inv.channel},
              {"decision", inv.allowed ? (inv.delayed ? "delayed" : "send") : "drop"},
              {"decision_at", inv.allowed ? json(inv.decision_at) : json(nullptr)},
              {"reason", inv.reason},
              {"value_tier", inv.value_tier}};
  out["assigned"] = inv.assigned_site
                        ? json{{"site", *inv.assigned_site},
                               {"request_seq", *inv.assigned_seq},
                               {"handled_by", inv.handled_by},
                               {"outcome", inv.outcome ? json(*inv.outcome) : json(nullptr)}}
                        : json(nullptr);
  return out;
}

void PrintInvitation(const queries::Invitation& inv, std::ostream& out) {
  out << "  " << inv.due.due_date.ToString() << " 到期/due ("
      << (inv.due.due_by == "km" ? "里程/km" : "时间/time") << ")  "
      << (inv.name.empty() ? inv.customer_id : inv.name) << " [" << inv.value_tier << "]  "
      << inv.plate.value_or(inv.vehicle_key) << "  上次保养/last " << inv.last_service << " @"
      << inv.last_service_site;
  if (inv.projected_km) out << "  预计里程/projected " << *inv.projected_km << " km";
  out << "  门店/store " << inv.store << (inv.store_online ? " (在线/online)" : " (离线/offline)")
      << "  " << inv.channel << ": ";
  if (!inv.allowed) {
    out << "不联系/drop: " << inv.reason;
  } else if (inv.delayed) {
    out << "推迟/delayed to " << inv.decision_at << ": " << inv.reason;
  } else {
    out << "可联系/send at " << inv.decision_at;
  }
  if (inv.assigned_site && inv.handled_by == "head_office") {
    out << "  [总部已联系/head office: " << inv.outcome.value_or("待发/message planned") << "]";
  } else if (inv.assigned_site) {
    out << "  [已派发/assigned: " << *inv.assigned_site << " #" << *inv.assigned_seq << "]";
  }
  out << "\n";
}

}  // namespace

CampaignCommands::CampaignCommands(CLI::App& app, const HubFlags& flags) : flags_(flags) {
  campaigns_ = app.add_subcommand("campaigns", "head office's service-due invitations");
  campaigns_->require_subcommand(1);
  due_ = campaigns_->add_subcommand(
      "due", "who is due for an invitation on a day, and the policy's decision");
  assign_ = campaigns_->add_subcommand(
      "assign", "queue each allowed invitation to the store the customer visited last (once)");
  calls_ = campaigns_->add_subcommand(
      "calls", "head office's own call list: allowed invitations whose store is offline");
  for (CLI::App* sub : {due_, assign_, calls_}) {
    sub->add_option("--date", date_, "YYYY-MM-DD, today, tomorrow or +N (default today)");
  }
  assign_->add_option("--staff", staff_, "who assigns them")->required();
  calls_->add_option("--done", done_key_, "record the call on this invitation (its key)");
  calls_->add_option("--outcome", outcome_, "booked, declined or unreachable (with --done)");
  calls_->add_option("--note", note_, "what the customer said (with --done)");
  calls_->add_option("--staff", staff_, "who called (with --done)");
  messages_ = campaigns_->add_subcommand(
      "messages", "head office's own messages (store offline) and their state");
  SettingCommands policy =
      AddSettingCommands(*campaigns_, "policy", "head office's own contact policy",
                         "replace the policy with a file's", file_, staff_);
  std::tie(policy_, policy_show_, policy_set_) = std::tie(policy.group, policy.show, policy.set);
  SettingCommands rules =
      AddSettingCommands(*campaigns_, "rules", "the service rules head office computes with",
                         "replace the rules with a file's", file_, staff_);
  std::tie(rules_, rules_show_, rules_set_) = std::tie(rules.group, rules.show, rules.set);
  SettingCommands holidays = AddSettingCommands(
      app, "holidays", "the chain's holiday calendar (sent to every store)",
      "replace the calendar with a file's and send it to every store", file_, staff_);
  std::tie(holidays_, holidays_show_, holidays_set_) =
      std::tie(holidays.group, holidays.show, holidays.set);
}

bool CampaignCommands::parsed() const { return campaigns_->parsed() || holidays_->parsed(); }

int CampaignCommands::Run(Hub& hub, std::ostream& out, std::ostream& err) {
  if (rules_->parsed() || holidays_->parsed() || policy_->parsed()) {
    return RunSettings(hub, out, err);
  }
  if (messages_->parsed()) return RunMessages(hub, out, err);
  auto date = ParseDay(date_, hub.clock());
  if (!date.ok()) return Fail(date.status(), err);
  if (assign_->parsed()) return RunAssign(hub, date.value(), out, err);
  if (calls_->parsed() && !done_key_.empty()) return RunCallDone(hub, date.value(), out, err);
  auto list = queries::ServiceDueOn(queries::HubReader(hub), date.value());
  if (!list.ok()) return Fail(list.status(), err);
  const bool calls = calls_->parsed();
  const std::vector<queries::Invitation> shown =
      calls ? queries::HeadOfficeCalls(list.value()) : list->due;
  if (flags_.json) {
    json arr = json::array();
    for (const auto& inv : shown) arr.push_back(InvitationJson(inv));
    out << json{{"date", list->date},
                {"cars_considered", list->cars_considered},
                {"lapsed", list->lapsed},
                {calls ? "calls" : "due", arr}}
               .dump(2)
        << "\n";
    return 0;
  }
  out << (calls ? "总部外呼/head office calls " : "到期邀请/service due ") << list->date << ": "
      << shown.size() << " (车辆/cars considered " << list->cars_considered
      << "; 流失/lapsed, not listed " << list->lapsed << ")\n";
  for (const auto& inv : shown) PrintInvitation(inv, out);
  return 0;
}

int CampaignCommands::RunAssign(Hub& hub, const LocalDate& date, std::ostream& out,
                                std::ostream& err) {
  auto report = AssignInvitations(hub, date, staff_);
  if (!report.ok()) return Fail(report.status(), err);
  if (flags_.json) {
    json arr = json::array();
    for (const auto& inv : report->queued) arr.push_back(InvitationJson(inv));
    out << json{{"date", date.ToString()},
                {"queued", arr},
                {"already_assigned", report->already_assigned},
                {"kept_for_calls", report->kept_for_calls},
                {"not_allowed", report->not_allowed}}
               .dump(2)
        << "\n";
    return 0;
  }
  out << "已派发/queued " << report->queued.size() << " invitation(s); 已派发过/already assigned "
      << report->already_assigned << "; 总部外呼/kept for head office calls "
      << report->kept_for_calls << "; 不联系/not allowed " << report->not_allowed << "\n";
  for (const auto& inv : report->queued) PrintInvitation(inv, out);
  return 0;
}

int CampaignCommands::RunCallDone(Hub& hub, const LocalDate& date, std::ostream& out,
                                  std::ostream& err) {
  auto row = RecordHeadOfficeCall(hub, date, done_key_, outcome_, note_, staff_);
  if (!row.ok()) return Fail(row.status(), err);
  if (flags_.json) {
    out << json{{"invitation_key", row->invitation_key},
                {"outcome", row->outcome.value_or("")},
                {"store_id", row->site},
                {"request_seq", row->request_seq}}
               .dump(2)
        << "\n";
    return 0;
  }
  out << "总部外呼已记录/head office call recorded: " << row->invitation_key << " -> "
      << row->outcome.value_or("") << "; store " << row->site << " told as request "
      << row->request_seq << "\n";
  return 0;
}

int CampaignCommands::RunMessages(Hub& hub, std::ostream& out, std::ostream& err) {
  auto messages = HeadOfficeMessages(hub);
  if (!messages.ok()) return Fail(messages.status(), err);
  if (flags_.json) {
    json arr = json::array();
    for (const auto& m : messages.value()) {
      json one = model::MessageJson(m);
      one["id"] = m.id;
      arr.push_back(std::move(one));
    }
    out << json{{"messages", arr}}.dump(2) << "\n";
    return 0;
  }
  out << "总部消息/head office messages: " << messages->size() << "\n";
  for (const auto& m : messages.value()) {
    out << "  " << m.id.substr(0, 8) << "  " << model::MessageStatusName(m.status) << "  "
        << m.channel << "  " << m.store_id << "/" << m.customer_id << "  due " << m.due_at;
    if (m.sent_at) out << "  sent " << *m.sent_at;
    if (!m.reason.empty()) out << "  (" << m.reason << ")";
    out << "\n";
  }
  return 0;
}

namespace {

// The setting shown: its JSON, and where it came from.
json ShownSetting(json shown, bool is_default, const std::string& set_at,
                  const std::string& set_by) {
  shown["source"] = is_default ? json("default") : json{{"set_at", set_at}, {"set_by", set_by}};
  return shown;
}

}  // namespace

int CampaignCommands::RunSettings(Hub& hub, std::ostream& out, std::ostream& err) {
  if (rules_show_->parsed() || holidays_show_->parsed() || policy_show_->parsed()) {
    auto settings = queries::ReadCampaignSettings(queries::HubReader(hub));
    if (!settings.ok()) return Fail(settings.status(), err);
    const CampaignSettings& s = settings.value();
    json shown;
    if (rules_show_->parsed()) {
      shown = ShownSetting(outreach::ServiceRulesJson(s.rules), s.rules_are_default, s.rules_set_at,
                           s.rules_set_by);
    } else if (policy_show_->parsed()) {
      shown = ShownSetting(outreach::ContactPolicyJson(s.policy), s.policy_is_default,
                           s.policy_set_at, s.policy_set_by);
    } else {
      shown = ShownSetting(outreach::HolidayCalendarJson(s.holidays), s.holidays_are_default,
                           s.holidays_set_at, s.holidays_set_by);
    }
    out << shown.dump(2) << "\n";
    return 0;
  }
  auto text = ReadWholeFile(file_);
  if (!text.ok()) return Fail(text.status(), err);
  if (rules_set_->parsed() || policy_set_->parsed()) {
    const bool rules = rules_set_->parsed();
    Status set = rules ? SetServiceRules(hub, text.value(), staff_)
                       : SetContactPolicy(hub, text.value(), staff_);
    if (!set.ok()) {
      return Fail(
          Status(set.code(), file_ + ": " + set.message()).WithShown(file_ + ": " + set.shown()),
          err);
    }
    out << (rules ? "服务规则已更新/service rules" : "联系规则已更新/contact policy")
        << " set from " << file_ << "\n";
    return 0;
  }
  auto queued = SetHolidayCalendar(hub, text.value(), staff_);
  if (!queued.ok())
    return Fail(Status(queued.status().code(), file_ + ": " + queued.status().message())
                    .WithShown(file_ + ": " + queued.status().shown()),
                err);
  if (flags_.json) {
    json arr = json::array();
    for (const auto& q : queued.value())
      arr.push_back({{"store_id", q.site}, {"request_seq", q.seq}});
    out << json{{"queued", arr}}.dump(2) << "\n";
    return 0;
  }
  out << "节假日已更新/holiday calendar set from " << file_ << "; sent to " << queued->size()
      << " store(s) as a holidays request" << (queued->empty() ? " (unchanged: nothing sent)" : "")
      << "\n";
  return 0;
}

}  // namespace outpost::hub::cli
