// outpost-edge init | config | close: the store database and its calendar.
#include <CLI/CLI.hpp>
#include <charconv>
#include <ostream>
#include <sstream>

#include "edge/cli/commands.h"
#include "edge/cli/output.h"
#include "sync/i18n/messages.h"

namespace outpost::edge::cli {
namespace {

using nlohmann::json;

// All of `text` as a whole number (no sign, spaces or trailing letters); nullopt if not.
std::optional<int> WholeNumber(const std::string& text) {
  int value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) return std::nullopt;
  return value;
}

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// --slots "08:30,10:00=3" and --capacity as the grid: each slot's capacity
// its own after '=', else --capacity (default 2); no --slots: the default grid.
Status ApplySlotFlags(const std::string& slots_text, const std::string& capacity_text,
                      StoreSettings& settings) {
  int default_capacity = 2;
  if (!capacity_text.empty()) {
    auto capacity = WholeNumber(capacity_text);
    if (!capacity) {
      return Status::InvalidInput(std::string("capacity: '") + capacity_text + "' is not a number")
          .WithShown(i18n::Format("capacity: '{0}' is not a number", {capacity_text}));
    }
    default_capacity = *capacity;
  }
  if (slots_text.empty()) {
    for (auto& s : settings.slots) s.capacity = default_capacity;
    return Status::Ok();
  }
  settings.slots.clear();
  for (const auto& item : SplitComma(slots_text)) {
    SlotSpec spec{item, default_capacity};
    if (auto eq = item.find('='); eq != std::string::npos) {
      spec.start_time = item.substr(0, eq);
      auto capacity = WholeNumber(item.substr(eq + 1));
      if (!capacity) {
        return Status::InvalidInput(std::string("slots: '") + item + "' has no capacity")
            .WithShown(i18n::Format("slots: '{0}' has no capacity", {item}));
      }
      spec.capacity = *capacity;
    }
    settings.slots.push_back(spec);
  }
  return Status::Ok();
}

}  // namespace

SetupCommands::SetupCommands(CLI::App& app) {
  init_ = app.add_subcommand("init", "create the store database");
  init_->add_option("--store-id", settings_.store_id, "store id, unique in the chain")->required();
  init_->add_option("--name", settings_.name, "store name")->required();
  init_->add_option("--tz", settings_.time_zone, "IANA time zone")->capture_default_str();
  init_->add_option("--slots", slots_text_,
                    "slot grid: comma-separated HH:MM, optionally HH:MM=capacity");
  init_->add_option("--capacity", capacity_text_, "places per slot (default 2)");
  init_->add_option("--open-days", settings_.open_days, "ISO weekdays open, e.g. 123456")
      ->capture_default_str();
  init_->add_option("--min-notice", settings_.min_notice_minutes, "minimum notice in minutes")
      ->capture_default_str();
  init_
      ->add_option("--priority-notice", settings_.priority_notice_minutes,
                   "minutes ahead for priority reception")
      ->capture_default_str();
  init_->add_option("--discount-cutoff", settings_.discount_cutoff, "HH:MM")->capture_default_str();
  init_->add_option("--discount-percent", settings_.discount_percent)->capture_default_str();
  init_->add_option("--phone-region", settings_.phone_region)->capture_default_str();

  config_ = app.add_subcommand("config", "show the store's settings and closed dates");

  close_ = app.add_subcommand("close", "close the store on a date (holiday, works)");
  close_->add_option("date", close_date_, "YYYY-MM-DD")->required();
  close_->add_option("--reason", close_reason_, "why")->required();
}

bool SetupCommands::parsed() const {
  return init_->parsed() || config_->parsed() || close_->parsed();
}

int SetupCommands::Run(const DeskRun& run) {
  if (init_->parsed()) return RunInit(run);
  if (config_->parsed()) return RunConfig(run);
  return RunClose(run);
}

int SetupCommands::RunInit(const DeskRun& run) {
  Status grid = ApplySlotFlags(slots_text_, capacity_text_, settings_);
  if (!grid.ok()) return Fail(run, grid);
  auto store = Store::Create(run.flags.db_path, settings_, run.clock);
  if (!store.ok()) return Fail(run, store.status());
  const auto& s = store.value()->settings();
  if (run.flags.json) {
    run.out << json{{"store_id", s.store_id}, {"db", run.flags.db_path}}.dump(2) << "\n";
  } else {
    run.out << i18n::Format("created store {0} ({1}) in {2}, {3} slots, time zone {4}",
                            {s.store_id, s.name, run.flags.db_path, std::to_string(s.slots.size()),
                             s.time_zone})
            << "\n";
  }
  return kExitOk;
}

int SetupCommands::RunConfig(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto calendar = store.value()->Calendar();
  if (!calendar.ok()) return Fail(run, calendar.status());
  const StoreSettings& s = calendar->settings;
  // The calendar as it is logged (one codec), closed dates listed for people.
  json j = StoreCalendarFields(calendar.value());
  j.erase("closed");
  j["closed_dates"] = json::array();
  for (const auto& [day, reason] : calendar->closed) {
    j["closed_dates"].push_back({{"date", day}, {"reason", reason}});
  }
  if (run.flags.json) {
    run.out << j.dump(2) << "\n";
    return kExitOk;
  }
  run.out << s.store_id << "  " << s.name << "  (" << s.time_zone << ")\n  " << i18n::Tr("slots:");
  for (const auto& slot : s.slots) run.out << " " << slot.start_time << "x" << slot.capacity;
  run.out << "\n  "
          << i18n::Format(
                 "open days {0}; minimum notice {1} min; priority if booked {2} min ahead; "
                 "{3}% labour discount before {4}",
                 {s.open_days, std::to_string(s.min_notice_minutes),
                  std::to_string(s.priority_notice_minutes), std::to_string(s.discount_percent),
                  s.discount_cutoff})
          << "\n";
  for (const auto& [day, reason] : calendar->closed)
    run.out << "  " << i18n::Format("closed {0}: {1}", {day, reason}) << "\n";
  return kExitOk;
}

int SetupCommands::RunClose(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  Status st = store.value()->AddClosedDate(close_date_, close_reason_, staff.value());
  if (!st.ok()) return Fail(run, st);
  if (!run.flags.json)
    run.out << i18n::Format("closed {0}: {1}", {close_date_, close_reason_}) << "\n";
  return kExitOk;
}

}  // namespace outpost::edge::cli
