// Bookings and slots (tables bookings, booking_ref_counters, booking_history):
// what the store's booking rules (edge/store.h) and the operator tools read
// and write of them. The rules themselves (capacity, one place per vehicle,
// perks, lifecycle) run in Store, which calls these functions inside its
// transaction; tools read through them without a Store (audit of a store's
// database). Thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "sync/sqlite.h"
#include "sync/status.h"

namespace outpost::edge {

// A booking a reader named: its id and the store that holds it.
struct BookingKey {
  std::string id;
  std::string store_id;
};

// The bookings a desk ref ("261124-3") or an id (or unique prefix) names:
// none, one, or several when a prefix is ambiguous.
Result<std::vector<BookingKey>> FindBookingKeys(Db& db, const std::string& query);

}  // namespace outpost::edge
