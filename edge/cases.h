// Conflict cases (tables conflict_cases, case_ref_counters): what the store's
// rules cannot decide alone and staff must call someone about. Opening,
// settling and resolving cases are the store's operations (edge/store.h,
// written in edge/cases.cc, logged through its ChangeWriter); the functions
// here are the only SQL on these tables, used by the store and by replay.
// Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sync/civil_time.h"
#include "sync/model/case.h"
#include "sync/sqlite.h"
#include "sync/status.h"

namespace outpost::edge {

// Conflict cases as logged (sync/model/case.h).
using CaseContact = outpost::model::CaseContact;
using ConflictCase = outpost::model::Case;

// The next case ref of `today` (the store's date): "C-YYMMDD-N".
Result<std::string> NextCaseRef(Db& db, const LocalDate& today);
// Writes a new case's row (the caller logs it).
Status InsertCaseRow(Db& db, const ConflictCase& c);
// Every column of an existing case but opened_by (not logged) set to `c`'s
// (replay and verify --repair put a row as its change log says). NotFound
// when none has the id.
Status UpdateCaseRow(Db& db, const ConflictCase& c);
// Sets an open case's bookings, call list and summary to `c`'s.
Status UpdateCaseCallList(Db& db, const std::string& id, const ConflictCase& c);
Status MarkCaseResolved(Db& db, const std::string& id, const std::string& at,
                        const std::string& staff, const std::string& resolution);
// The open over-capacity case of a slot (its id), if there is one.
Result<std::optional<std::string>> OpenOverCapacityCase(Db& db, const std::string& date,
                                                        const std::string& time);
// By ref ("C-261124-1") or id.
Result<ConflictCase> FindCase(Db& db, const std::string& ref);
// Newest first; `open_only` hides resolved ones.
Result<std::vector<ConflictCase>> CasesNewestFirst(Db& db, bool open_only);

// The ref ("C-261124-1") of the case with id `case_id`, if it exists.
Result<std::optional<std::string>> CaseRefOf(Db& db, const std::string& case_id);

// The ref of the first case of `kind` raised by `source` (a follow-up task's
// "task-conflict" case: source "task <id>", one per task), if any.
Result<std::optional<std::string>> CaseRefFrom(Db& db, const std::string& kind,
                                               const std::string& source);

}  // namespace outpost::edge
