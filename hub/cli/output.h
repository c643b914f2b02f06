// What more than one of outpost-hub's command groups prints (hub/cli/commands.h).
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hub/identity.h"
#include "hub/storage/hub_storage.h"
#include "sync/civil_time.h"
#include "sync/clock.h"
#include "sync/status.h"

namespace CLI {
class App;
}

namespace outpost::hub::cli {

// Prints "outpost-hub: <status>" on one line and returns its exit code.
int Fail(const Status& st, std::ostream& err);

// "YYYY-MM-DD", "today", "tomorrow" or "+N" as head office's day
// (Asia/Shanghai) at `clock`'s now; InvalidInput naming --date otherwise.
Result<LocalDate> ParseDay(const std::string& text, const Clock& clock);

// A head-office setting's commands under `parent`: "NAME show" (the setting
// in force, JSON) and "NAME set --file F --staff S" (replaced by a file's).
struct SettingCommands {
  CLI::App* group = nullptr;
  CLI::App* show = nullptr;
  CLI::App* set = nullptr;
};
SettingCommands AddSettingCommands(CLI::App& parent, const std::string& name,
                                   const std::string& what, const std::string& set_help,
                                   std::string& file, std::string& staff);

// A settings file's whole text (campaigns rules set, holidays set, segments
// rules set); NotFound naming the path when it cannot be read.
Result<std::string> ReadWholeFile(const std::string& path);

// "HOST:PORT" of a --bind (port 0: any free port); InvalidInput naming --bind.
Result<std::pair<std::string, int>> ParseBind(const std::string& bind);

// Evidence between two store records, as --json prints it.
nlohmann::json EvidenceJson(const std::vector<Evidence>& list);

// A standby's staleness as --json prints it ("standby": {replayed_at,
// caught_up, lag_ms}), null when read from the hub's own database.
nlohmann::json StandbyJson(const std::optional<storage::StandbyState>& standby);

}  // namespace outpost::hub::cli
