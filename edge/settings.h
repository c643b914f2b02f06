// The store's settings and calendar (tables store_config, slots,
// closed_dates): its id, name, time zone, opening days, slot grid and
// capacities, notice and perks, and the dates it is closed.
//
// This file is the only place that reads or writes those tables: the store
// (creation, closing a date, loading its settings), replay (a logged calendar,
// entity "store"), verify --repair and the operator tools call it. The
// calendar's codec and the booking check it feeds are shared with head office
// (sync/store_calendar.h). Functions act on the caller's Db, inside the
// caller's transaction when they write; thread-compatible.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sync/sqlite.h"
#include "sync/status.h"
#include "sync/store_calendar.h"

namespace outpost::edge {

// The store's settings, slot grid and closed dates as the tables hold them.
Result<StoreCalendar> ReadStoreCalendar(Db& db);

// Sets the store's settings, slot grid and closed dates to a logged calendar
// (the fields of a "store" change). Used by replay and by verify --repair.
Status ApplyStoreCalendar(Db& db, const nlohmann::json& fields);

// The store's id, or nothing when the database holds no store configuration.
Result<std::optional<std::string>> StoreIdOf(Db& db);

// A new store's settings and slot grid (`name` cleaned, `created_at` UTC text).
Status WriteNewStoreSettings(Db& db, const StoreSettings& settings, const std::string& name,
                             const std::string& created_at);

// Closes `day` ("YYYY-MM-DD") for `reason`, or restates the reason.
Status PutClosedDate(Db& db, const std::string& day, const std::string& reason);

// The closed dates and their reasons, by day.
Result<std::vector<std::pair<std::string, std::string>>> ClosedDatesOf(Db& db);

// Why `day` is closed, or nothing when it is not.
Result<std::optional<std::string>> ClosedReason(Db& db, const std::string& day);

}  // namespace outpost::edge
