// What more than one of outpost-hub's command groups prints (hub/cli/commands.h).
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hub/identity.h"
#include "sync/civil_time.h"
#include "sync/clock.h"
#include "sync/status.h"

namespace outpost::hub::cli {

// Prints "outpost-hub: <status>" on one line and returns its exit code.
int Fail(const Status& st, std::ostream& err);

// "YYYY-MM-DD", "today", "tomorrow" or "+N" as head office's day
// (Asia/Shanghai) at `clock`'s now; InvalidInput naming --date otherwise.
Result<LocalDate> ParseDay(const std::string& text, const Clock& clock);

// A settings file's whole text (campaigns rules set, holidays set, segments
// rules set); NotFound naming the path when it cannot be read.
Result<std::string> ReadWholeFile(const std::string& path);

// Evidence between two store records, as --json prints it.
nlohmann::json EvidenceJson(const std::vector<Evidence>& list);

}  // namespace outpost::hub::cli
