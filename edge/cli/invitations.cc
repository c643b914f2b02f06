// outpost-edge invitations [plan]: the store's own service-due invitations
// (docs/OUTREACH.md "When the store is cut off: its own invitations"): the
// list of who is due on a day, and planning them as messages and call tasks
// (which then appear in `outpost-edge calls` and `messages`). Labels zh-CN
// first, then English.
#include "edge/invitations.h"

#include <CLI/CLI.hpp>
#include <ostream>

#include "edge/cli/commands.h"
#include "edge/cli/output.h"
#include "sync/normalize.h"

namespace outpost::edge::cli {
namespace {

using nlohmann::json;

const char* StateLabel(const std::string& state) {
  if (state == "plan") return "待邀约 to plan";
  if (state == "planned") return "已安排 planned";
  if (state == "booked") return "已预约 booked";
  return "不可联系 dropped";
}

json InvitationJson(const DueInvitation& d, const Store& store) {
  json contacts = json::array();
  for (const auto& c : d.due.contacts) {
    contacts.push_back({{"channel", ContactChannelName(c.channel)}, {"date", c.date.ToString()}});
  }
  return {{"customer_id", d.customer_id},
          {"customer_name", d.customer_name},
          {"vehicle_id", OptionalJson(d.vehicle_id)},
          {"plate", OptionalJson(d.plate)},
          {"service", d.service},
          {"service_kind", d.service_kind},
          {"last_service", d.last_service},
          {"readings", d.readings},
          {"due_date", d.due.due_date.ToString()},
          {"due_by", d.due.due_by},
          {"km_per_day", d.due.km_per_day ? json(*d.due.km_per_day) : json(nullptr)},
          {"due_at_km", d.due.due_at_km ? json(*d.due.due_at_km) : json(nullptr)},
          {"projected_km", d.projected_km ? json(*d.projected_km) : json(nullptr)},
          {"invite_date", d.due.invite_date.ToString()},
          {"channel", ContactChannelName(d.channel)},
          {"contacts", contacts},
          {"key", d.key},
          {"message_id", d.message_id},
          {"state", d.state},
          {"reason", d.reason},
          {"send_at",
           d.send_at_ms ? json(store.LocalText(FormatUtcMs(*d.send_at_ms))) : json(nullptr)}};
}

std::string Line(const DueInvitation& d, const Store& store) {
  std::string line = d.customer_name;
  if (d.plate) line += "  " + FormatPlateForDisplay(*d.plate);
  line += "  " + d.service + "  上次 last " + d.last_service;
  line += "  到期 due " + d.due.due_date.ToString() + " (" + d.due.due_by + ")";
  if (d.projected_km) line += "  预计 projected " + std::to_string(*d.projected_km) + " km";
  line += "  邀约 invite " + d.due.invite_date.ToString() + " " + ContactChannelLabel(d.channel) +
          "  " + StateLabel(d.state);
  if (d.send_at_ms) line += " @ " + store.LocalText(FormatUtcMs(*d.send_at_ms));
  if (!d.reason.empty()) line += "  原因 reason: " + d.reason;
  return line;
}

}  // namespace

InvitationCommands::InvitationCommands(CLI::App& app) {
  invitations_ = app.add_subcommand(
      "invitations", "who is due for a service invitation, from this store's own data (邀约)");
  invitations_->add_option("--date", date_, "YYYY-MM-DD, today, tomorrow or +N")
      ->capture_default_str();
  plan_ = invitations_->add_subcommand("plan", "plan the due invitations as messages and calls");
  plan_->add_option("--date", date_, "YYYY-MM-DD, today, tomorrow or +N")->capture_default_str();
}

bool InvitationCommands::parsed() const { return invitations_->parsed(); }

int InvitationCommands::Run(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto day = ParseDeskDate(date_, (*store)->Today());
  if (!day.ok()) return Fail(run, day.status().WithField("date"));
  if (plan_->parsed()) return RunPlan(run, **store, *day);
  auto list = (*store)->DueInvitations(*day);
  if (!list.ok()) return Fail(run, list.status());
  if (run.flags.json) {
    json out = json::array();
    for (const auto& d : *list) out.push_back(InvitationJson(d, **store));
    run.out << out.dump(2) << "\n";
    return kExitOk;
  }
  run.out << "服务到期邀约 service-due invitations " << day->ToString() << " (" << list->size()
          << ")\n";
  for (const auto& d : *list) run.out << "  " << Line(d, **store) << "\n";
  return kExitOk;
}

int InvitationCommands::RunPlan(const DeskRun& run, Store& store, const LocalDate& day) {
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  auto done = store.PlanDueInvitations(day, *staff);
  if (!done.ok()) return Fail(run, done.status());
  if (run.flags.json) {
    json planned = json::array(), skipped = json::array();
    for (const auto& d : done->planned) planned.push_back(InvitationJson(d, store));
    for (const auto& d : done->skipped) skipped.push_back(InvitationJson(d, store));
    run.out << json{{"date", day.ToString()}, {"planned", planned}, {"skipped", skipped}}.dump(2)
            << "\n";
    return kExitOk;
  }
  run.out << "已安排 planned " << done->planned.size() << ", 跳过 skipped " << done->skipped.size()
          << " (" << day.ToString() << ")\n";
  for (const auto& d : done->planned) run.out << "  + " << Line(d, store) << "\n";
  for (const auto& d : done->skipped) run.out << "  - " << Line(d, store) << "\n";
  return kExitOk;
}

}  // namespace outpost::edge::cli
