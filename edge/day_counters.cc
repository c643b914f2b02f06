#include "edge/day_counters.h"

#include <cstdio>

#include "sync/i18n/messages.h"

namespace outpost::edge {

std::string DayKey(const LocalDate& day) {
  char key[16];
  std::snprintf(key, sizeof key, "%02d%02d%02d", day.year % 100, day.month, day.day);
  return key;
}

Result<int64_t> BumpDayCounter(Db& db, DayCounter counter, const LocalDate& day, int64_t by,
                               const char* what) {
  // One fixed text per table, so each stays one pooled prepared statement.
  const char* sql = counter == DayCounter::kBookingRefs
                        ? "INSERT INTO booking_ref_counters (day, last) VALUES (?1, ?2)"
                          " ON CONFLICT (day) DO UPDATE SET last = last + ?2 RETURNING last"
                    : counter == DayCounter::kCaseRefs
                        ? "INSERT INTO case_ref_counters (day, last) VALUES (?1, ?2)"
                          " ON CONFLICT (day) DO UPDATE SET last = last + ?2 RETURNING last"
                        : "INSERT INTO paper_form_counters (day, last) VALUES (?1, ?2)"
                          " ON CONFLICT (day) DO UPDATE SET last = last + ?2 RETURNING last";
  ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
  st.Bind(1, DayKey(day)).Bind(2, by);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return Status::IoError(std::string(what) + " returned nothing")
        .WithShown(i18n::Format("{0} returned nothing", {i18n::Tr(what)}));
  }
  const int64_t last = st.Int(0);
  RETURN_IF_ERROR(st.Run());
  return last;
}

Status CountersPastReplayedRows(Db& db) {
  return db.Exec(
      "INSERT INTO booking_ref_counters (day, last)"
      " SELECT substr(ref, 1, 6), max(CAST(substr(ref, 8) AS INTEGER)) FROM bookings"
      " GROUP BY 1 ON CONFLICT (day) DO UPDATE SET last = max(last, excluded.last);"
      "INSERT INTO case_ref_counters (day, last)"
      " SELECT substr(ref, 3, 6), max(CAST(substr(ref, 10) AS INTEGER)) FROM conflict_cases"
      " GROUP BY 1 ON CONFLICT (day) DO UPDATE SET last = max(last, excluded.last);"
      "INSERT INTO paper_form_counters (day, last)"
      " SELECT substr(form_id, 2, 6), max(CAST(substr(form_id, 9) AS INTEGER)) FROM bookings"
      " WHERE form_id IS NOT NULL GROUP BY 1"
      " ON CONFLICT (day) DO UPDATE SET last = max(last, excluded.last);");
}

}  // namespace outpost::edge
