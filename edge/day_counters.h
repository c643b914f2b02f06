// Per-day counters (tables booking_ref_counters, case_ref_counters,
// paper_form_counters): the N of a desk ref "YYMMDD-N", of a case ref
// "C-YYMMDD-N" and of a pre-printed form number, never handed out twice.
//
// The only SQL on those tables; the bookings, cases and paper bookkeeping
// components and replay call it, in the caller's write transaction (the
// counter moves with the row that uses its number, or not at all).
// Thread-compatible.
#pragma once

#include <cstdint>
#include <string>

#include "sync/civil_time.h"
#include "sync/sqlite.h"
#include "sync/status.h"

namespace outpost::edge {

enum class DayCounter { kBookingRefs, kCaseRefs, kFormNumbers };

// "YYMMDD": the day part of refs and form numbers.
std::string DayKey(const LocalDate& day);

// Adds `by` to `counter` for `day` (a new day starts from 0) and returns the
// new value. `what` names the number in the error: "allocating a booking ref".
Result<int64_t> BumpDayCounter(Db& db, DayCounter counter, const LocalDate& day, int64_t by,
                               const char* what);

// After a replay: every counter moved past the numbers the replayed rows use.
Status CountersPastReplayedRows(Db& db);

}  // namespace outpost::edge
