// What verify checks at a store beyond the fold of the log (edge/replay.h):
//   - booking history: `booking_history` (what `booking show` prints) is
//     implied by the log, one row per change-log entry of a booking, in the
//     same transaction (edge/store.cc AppendHistoryLocked beside RecordLocked).
//     Each row's staff, statuses before and after, and time (within 5 s: the
//     desk reads the clock twice in that transaction) are compared with its
//     entry; a row missing, added, edited, or the whole table dropped is named.
//     The desk's words (action, reason) and the old -> new values are not in
//     the log and are not compared.
//   - the append-only guards: the triggers that refuse UPDATE and DELETE on
//     change_log and booking_history exist with the schema's text.
// Repair rewrites a booking's history from the log (rows marked "rebuilt from
// change-log seq N", as rebuild writes them) and recreates what was dropped.
// Functions act on the caller's Db; thread-compatible.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sync/sqlite.h"
#include "sync/status.h"

namespace outpost::edge {

// Appends one row to booking_history.
Status InsertHistoryRow(Db& db, const std::string& booking_id, const std::string& at,
                        const std::string& staff, const std::string& action,
                        const std::optional<std::string>& from_status, const std::string& to_status,
                        const nlohmann::json& changes, const std::string& reason);

struct BookingHistoryCheck {
  bool table_missing = false;
  int64_t rows = 0;                   // history rows compared
  std::vector<std::string> findings;  // each names the booking, the row and the entry
  std::set<std::string> differing;    // bookings whose history differs
};
Result<BookingHistoryCheck> CheckBookingHistory(Db& db);

// Rewrites the history of `booking_ids` from the log; recreates the table
// first (and then writes every booking's) when it is missing. Call inside a
// write transaction.
Status RepairBookingHistory(Db& db, const std::set<std::string>& booking_ids, bool table_missing);

// Names of the append-only triggers that are missing or altered.
Result<std::vector<std::string>> MissingAppendOnlyGuards(Db& db);
// Recreates them with the schema's text (dropping an altered one first).
Status RestoreAppendOnlyGuards(Db& db);

}  // namespace outpost::edge
