// outpost-edge conflicts list | show | resolve: this store's conflict cases.
#include <CLI/CLI.hpp>
#include <ostream>

#include "edge/cli/commands.h"
#include "edge/cli/output.h"
#include "sync/i18n/messages.h"
#include "sync/normalize.h"

namespace outpost::edge::cli {
namespace {

using nlohmann::json;

json CaseJson(const ConflictCase& c) {
  json contacts = json::array();
  for (const auto& x : c.contacts) {
    contacts.push_back({{"customer_id", x.customer_id},
                        {"name", x.name},
                        {"phone", x.phone},
                        {"booking", x.booking_ref},
                        {"why", x.why}});
  }
  return {{"id", c.id},
          {"ref", c.ref},
          {"store_id", c.store_id},
          {"kind", c.kind},
          {"slot_date", OptionalJson(c.slot_date)},
          {"slot_time", OptionalJson(c.slot_time)},
          {"booking_ids", c.booking_ids},
          {"contacts", contacts},
          {"summary", c.summary},
          {"source", c.source},
          {"opened_at", c.opened_at},
          {"opened_by", c.opened_by},
          {"status", c.status},
          {"resolved_at", OptionalJson(c.resolved_at)},
          {"resolved_by", OptionalJson(c.resolved_by)},
          {"resolution", OptionalJson(c.resolution)}};
}

}  // namespace

CaseCommands::CaseCommands(CLI::App& app) {
  conflicts_ = app.add_subcommand("conflicts", "conflict cases at this store: list, show, resolve");
  conflicts_->require_subcommand(1);
  list_ = conflicts_->add_subcommand("list", "open cases (--all: resolved ones too)");
  list_->add_flag("--all", all_, "include resolved cases");
  show_ = conflicts_->add_subcommand("show", "a case: bookings, whom to call and why");
  show_->add_option("case", ref_, "case ref (C-261124-1) or id")->required();
  resolve_ = conflicts_->add_subcommand("resolve", "close a case with what was done");
  resolve_->add_option("case", ref_, "case ref (C-261124-1) or id")->required();
  resolve_->add_option("--note", resolution_, "what was done (called, moved to 15:00, ...)")
      ->required();
  resolve_->add_flag("--keep", keep_,
                     "keep bookings still needing a reschedule in their slot, over capacity");
}

bool CaseCommands::parsed() const { return conflicts_->parsed(); }

int CaseCommands::Run(const DeskRun& run) {
  if (list_->parsed()) return RunList(run);
  if (show_->parsed()) return RunShow(run);
  return RunResolve(run);
}

int CaseCommands::RunList(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto cases = store.value()->Cases(!all_);
  if (!cases.ok()) return Fail(run, cases.status());
  if (run.flags.json) {
    json arr = json::array();
    for (const auto& c : cases.value()) arr.push_back(CaseJson(c));
    run.out << arr.dump(2) << "\n";
    return kExitOk;
  }
  if (cases.value().empty())
    run.out << (all_ ? i18n::Tr("no cases") : i18n::Tr("no open cases")) << "\n";
  for (const auto& c : cases.value()) {
    run.out << c.ref << "  " << c.status << "  " << c.kind << "  " << c.summary << "  "
            << i18n::Format("({0} to call)", {std::to_string(c.contacts.size())}) << "\n";
  }
  return kExitOk;
}

int CaseCommands::RunShow(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto c = store.value()->GetCase(ref_);
  if (!c.ok()) return Fail(run, c.status());
  if (run.flags.json) {
    run.out << CaseJson(c.value()).dump(2) << "\n";
    return kExitOk;
  }
  const ConflictCase& k = c.value();
  run.out << k.ref << "  " << k.kind << "  " << k.status << "\n  " << k.summary << "\n  "
          << i18n::Format("opened {0} by {1} ({2})",
                          {store.value()->LocalText(k.opened_at), k.opened_by, k.source})
          << "\n";
  for (const auto& id : k.booking_ids) {
    auto b = store.value()->GetBooking(id);
    if (b.ok()) {
      run.out << "  " << b.value().slot_date << " " << b.value().slot_time << "  "
              << BookingLine(b.value())
              << (b.value().needs_reschedule ? "  " + i18n::Tr("NEEDS RESCHEDULE") : "") << "\n";
    }
  }
  for (const auto& x : k.contacts) {
    run.out << "  " << i18n::Format("call {0}", {x.name}) << "  "
            << (x.phone.empty() ? i18n::Tr("(no phone)") : FormatPhoneForDisplay(x.phone)) << "  "
            << x.booking_ref << ": " << x.why << "\n";
  }
  if (k.resolution) {
    run.out << "  "
            << i18n::Format("resolved {0} by {1}: {2}", {store.value()->LocalText(*k.resolved_at),
                                                         *k.resolved_by, *k.resolution})
            << "\n";
  }
  return kExitOk;
}

int CaseCommands::RunResolve(const DeskRun& run) {
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto c = store.value()->ResolveCase(ref_, resolution_, keep_, staff.value());
  if (!c.ok()) return Fail(run, c.status());
  if (run.flags.json) {
    run.out << CaseJson(c.value()).dump(2) << "\n";
  } else {
    run.out << i18n::Format("resolved {0}: {1}", {c.value().ref, resolution_}) << "\n";
  }
  return kExitOk;
}

}  // namespace outpost::edge::cli
