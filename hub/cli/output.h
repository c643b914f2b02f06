// What more than one of outpost-hub's command groups prints (hub/cli/commands.h).
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <vector>

#include "hub/identity.h"
#include "sync/status.h"

namespace outpost::hub::cli {

// Prints "outpost-hub: <status>" on one line and returns its exit code.
int Fail(const Status& st, std::ostream& err);

// Evidence between two store records, as --json prints it.
nlohmann::json EvidenceJson(const std::vector<Evidence>& list);

}  // namespace outpost::hub::cli
