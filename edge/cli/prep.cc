// outpost-edge assign | prep: who prepares each visit, and the day-before
// preparation list handed to the workshop supervisor before closing
// (docs/OUTREACH.md, "Assignment and the preparation list"). The list is
// printed on paper and read round the workshop: every text line fits 80 columns (wide characters
// count two), headings are zh-CN first, then English, and no full phone number is shown.
#include "edge/prep.h"

#include <CLI/CLI.hpp>
#include <ostream>

#include "edge/cli/commands.h"
#include "edge/cli/output.h"
#include "sync/normalize.h"

namespace outpost::edge::cli {
namespace {

using nlohmann::json;

constexpr int kPageColumns = 80;

// `prefix` then `text`, wrapped to the page; further lines indented under
// the text.
void PrintWrapped(std::ostream& out, const std::string& prefix, const std::string& text) {
  const int indent = DisplayColumns(prefix);
  const std::vector<std::string> lines = WrapToColumns(text, kPageColumns - indent);
  for (size_t i = 0; i < lines.size(); ++i) {
    out << (i == 0 ? prefix : std::string(static_cast<size_t>(indent), ' ')) << lines[i] << "\n";
  }
}

const char* WeekdayText(int iso_weekday) {
  static const char* const kDays[] = {"周一 Mon", "周二 Tue", "周三 Wed", "周四 Thu",
                                      "周五 Fri", "周六 Sat", "周日 Sun"};
  return iso_weekday >= 1 && iso_weekday <= 7 ? kDays[iso_weekday - 1] : "";
}

std::string VehicleText(const PrepEntry& e) {
  std::string out;
  if (e.plate) out += FormatPlateForDisplay(*e.plate);
  if (e.vin) out += (out.empty() ? "" : "  ") + std::string("VIN ") + *e.vin;
  if (e.mileage_km) out += (out.empty() ? "" : "  ") + std::to_string(*e.mileage_km) + " km";
  return out.empty() ? "-" : out;
}

// The assignment line; the advisor flagged when missing, so nobody misses it.
std::string AssignmentText(const PrepEntry& e) {
  std::string out = "顾问 SA: " + (e.advisor ? *e.advisor : std::string("未分配 SA unassigned"));
  out += "   工位 Bay: " + e.bay.value_or("-");
  out += "   班组 Team: " + e.team.value_or("-");
  return out;
}

std::string FlagsText(const PrepEntry& e, const StoreSettings& s) {
  std::string out = "渠道 Channel: " + std::string(ChannelName(e.channel));
  if (e.priority_reception) out += "   优先接待 priority";
  if (e.discount_eligible) {
    out += "   工时优惠 labour -" + std::to_string(s.discount_percent) + "% (<" +
           s.discount_cutoff + ")";
  }
  return out;
}

void PrintEntry(std::ostream& out, const PrepEntry& e, const StoreSettings& s) {
  std::string head = e.slot_time + "  " + e.ref + "  " + e.customer_name;
  if (!e.phone_last4.empty()) head += "  电话 Phone ****" + e.phone_last4;
  if (e.status != BookingStatus::kRequested)
    head += "  (" + std::string(BookingStatusName(e.status)) + ")";
  PrintWrapped(out, "", head);
  PrintWrapped(out, "  服务 Service: ", e.service);
  PrintWrapped(out, "  车辆 Vehicle: ", VehicleText(e));
  PrintWrapped(out, "  ", AssignmentText(e));
  PrintWrapped(out, "  ", FlagsText(e, s));
  PrintWrapped(out, "  备件/备注 Parts/notes: ", e.notes.empty() ? "-" : e.notes);
}

void PrintPrepList(std::ostream& out, const PrepList& list, const StoreSettings& s,
                   int iso_weekday) {
  const std::string rule(kPageColumns, '=');
  PrintWrapped(out, "",
               "到店准备清单 Preparation list  " + list.date + " " + WeekdayText(iso_weekday));
  PrintWrapped(out, "门店 Store: ", list.store_id + " " + list.store_name);
  if (!list.open) PrintWrapped(out, "不营业 CLOSED: ", list.closed_reason);
  out << list.entries.size() << " 个预约 bookings   未分配 SA unassigned: " << list.unassigned
      << "\n";
  out << rule << "\n";
  if (list.entries.empty()) out << "无预约 No bookings\n";
  for (size_t i = 0; i < list.entries.size(); ++i) {
    if (i > 0) out << std::string(kPageColumns, '-') << "\n";
    PrintEntry(out, list.entries[i], s);
  }
  out << rule << "\n";
  if (list.to_move > 0) {
    PrintWrapped(out, "",
                 "另有 " + std::to_string(list.to_move) + " 个预约待改期，不在清单上 " +
                     std::to_string(list.to_move) + " more to reschedule, not listed: see board");
  }
  out << "各顾问 Per advisor:\n";
  if (list.per_advisor.empty()) out << "  -\n";
  for (const AdvisorLoad& load : list.per_advisor) {
    const std::string who = load.advisor ? *load.advisor : "未分配 SA unassigned";
    const int pad = std::max(1, 40 - DisplayColumns(who));
    PrintWrapped(out, "  ",
                 who + std::string(static_cast<size_t>(pad), ' ') + std::to_string(load.bookings));
  }
}

json PrepJson(const PrepList& list) {
  json bookings = json::array();
  for (const PrepEntry& e : list.entries) {
    bookings.push_back(
        {{"slot_time", e.slot_time},
         {"ref", e.ref},
         {"booking_id", e.booking_id},
         {"status", BookingStatusName(e.status)},
         {"customer",
          {{"name", e.customer_name},
           {"phone_last4", e.phone_last4.empty() ? json(nullptr) : json(e.phone_last4)}}},
         {"service", e.service},
         {"vehicle",
          {{"plate", OptionalJson(e.plate)},
           {"vin", OptionalJson(e.vin)},
           {"mileage_km", e.mileage_km ? json(*e.mileage_km) : json(nullptr)}}},
         {"notes", e.notes},
         {"advisor", OptionalJson(e.advisor)},
         {"bay", OptionalJson(e.bay)},
         {"team", OptionalJson(e.team)},
         {"unassigned", !e.advisor.has_value()},
         {"channel", ChannelName(e.channel)},
         {"priority_reception", e.priority_reception},
         {"discount_eligible", e.discount_eligible}});
  }
  json per_advisor = json::array();
  for (const AdvisorLoad& load : list.per_advisor) {
    per_advisor.push_back({{"advisor", OptionalJson(load.advisor)}, {"bookings", load.bookings}});
  }
  return {{"store_id", list.store_id},
          {"store_name", list.store_name},
          {"date", list.date},
          {"open", list.open},
          {"closed_reason", list.open ? json(nullptr) : json(list.closed_reason)},
          {"bookings", bookings},
          {"per_advisor", per_advisor},
          {"unassigned", list.unassigned},
          {"to_move", list.to_move}};
}

}  // namespace

PrepCommands::PrepCommands(CLI::App& app) {
  assign_ = app.add_subcommand("assign", "set a booking's service advisor, bay and/or team");
  assign_->add_option("booking", booking_, "ref (261124-3) or id")->required();
  assign_->add_option("--advisor", advisor_, "service advisor (SA)");
  assign_->add_option("--bay", bay_, "bay (工位)");
  assign_->add_option("--team", team_, "technician team (班组)");

  prep_ = app.add_subcommand("prep", "the day's preparation list for the workshop (准备清单)");
  prep_->add_option("--date", date_, "YYYY-MM-DD, today, tomorrow or +N")->capture_default_str();
}

bool PrepCommands::parsed() const { return assign_->parsed() || prep_->parsed(); }

int PrepCommands::Run(const DeskRun& run) {
  if (assign_->parsed()) return RunAssign(run);
  if (prep_->parsed()) return RunPrep(run);
  return kExitUsage;
}

int PrepCommands::RunAssign(const DeskRun& run) {
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  // A flag given (even empty) is an assignment asked for; one not given is kept.
  Assignment wanted;
  if (assign_->count("--advisor") > 0) wanted.advisor = advisor_;
  if (assign_->count("--bay") > 0) wanted.bay = bay_;
  if (assign_->count("--team") > 0) wanted.team = team_;
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto b = store.value()->Assign(booking_, wanted, staff.value());
  if (!b.ok()) return Fail(run, b.status());
  return PrintBooking(run, *store.value(), b.value(), "assigned");
}

int PrepCommands::RunPrep(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto list = store.value()->Preparation(date_);
  if (!list.ok()) return Fail(run, list.status());
  if (run.flags.json) {
    run.out << PrepJson(list.value()).dump(2) << "\n";
    return kExitOk;
  }
  const LocalDate day = LocalDate::Parse(list.value().date).value();
  PrintPrepList(run.out, list.value(), store.value()->settings(), day.IsoWeekday());
  return kExitOk;
}

}  // namespace outpost::edge::cli
