// A store's calendar: its settings (slot grid and capacities, open weekdays,
// time zone, notice rules) and closed dates, the one codec by which they travel
// in the change log (entity "store"), and the one check of whether a booking
// may take a slot on a date.
//
// The desk checks every booking with CheckBookable; head office checks a
// call-centre request with the same function, against the settings the store
// last synced, before it queues the request, so a promise the store would
// refuse is refused while the customer is still on the phone. Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sync/booking_rules.h"
#include "sync/civil_time.h"
#include "sync/lifecycle.h"
#include "sync/status.h"

namespace outpost {

struct SlotSpec {
  std::string start_time;  // "HH:MM", store local time
  int capacity = 2;
};

struct StoreSettings {
  std::string store_id;  // unique in the chain, e.g. "SH-PUDONG"
  std::string name;
  std::string time_zone = "Asia/Shanghai";
  std::string phone_region = "CN";
  std::string open_days = "1234567";  // ISO weekdays, 1 = Monday
  std::vector<SlotSpec> slots = {{"08:30", 2}, {"10:00", 2}, {"11:00", 2},
                                 {"14:00", 2}, {"15:00", 2}, {"16:00", 2}};
  int min_notice_minutes = 30;
  int priority_notice_minutes = 240;  // booked >= 4 h ahead: priority bay and car wash
  std::string discount_cutoff = "10:00";
  int discount_percent = 10;
};

// Closed dates ("2026-12-01") and why ("stocktaking").
using ClosedDates = std::map<std::string, std::string>;

// What the change log carries for a store (entity "store", id = store id).
struct StoreCalendar {
  StoreSettings settings;
  ClosedDates closed;
};

// The fields of a logged "store" change, and back. Decoding checks every field
// (a hub reads these from the wire) and names the first one that is wrong.
nlohmann::json StoreCalendarFields(const StoreCalendar& calendar);
Result<StoreCalendar> ParseStoreCalendar(const nlohmann::json& fields);

// Dates as staff say them: "2026-11-24", "today", "tomorrow", "+3" (days from
// `today`, the store's local date). An error names the field "date".
Result<LocalDate> ParseDeskDate(const std::string& text, const LocalDate& today);

// Whether a booking made through `channel` at `now_ms` may take `time` on
// `date`: the slot is in the grid, the date is not past, the store is open that
// weekday and not closed that date, and minimum notice holds. Returns the
// slot's capacity. `closed_reason` is the reason `date` is closed, if it is.
// An error names the field it is about: "slot" (not in the grid, started, too
// little notice) or "date" (past, or the store closed that day).
Result<int> CheckBookable(const StoreSettings& settings, const TimeZone& zone,
                          const std::optional<std::string>& closed_reason, const LocalDate& date,
                          const LocalTime& time, Channel channel, int64_t now_ms);

// The notice rules of `settings` as the rule functions take them.
Result<RuleSettings> RulesOf(const StoreSettings& settings);

}  // namespace outpost
