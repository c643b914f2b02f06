// Conflict cases (table conflict_cases): what the store's rules cannot decide
// alone and staff must call someone about. Opening, settling and resolving
// cases are the store's operations (edge/store.h, written in edge/cases.cc);
// this header holds what other components need of the table.
// Thread-compatible.
#pragma once

#include <optional>
#include <string>

#include "sync/sqlite.h"
#include "sync/status.h"

namespace outpost::edge {

// The ref ("C-261124-1") of the case with id `case_id`, if it exists.
Result<std::optional<std::string>> CaseRefOf(Db& db, const std::string& case_id);

}  // namespace outpost::edge
