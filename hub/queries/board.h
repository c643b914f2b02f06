// Board query: a store's day as head office knows it, from the bookings and
// calendar the store last synced, saying as of when, so the call centre sees
// the day before promising a slot (`outpost-hub board`).
//
// Thread-compatible (hub/queries/reader.h). Read-only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hub/queries/reader.h"
#include "sync/status.h"

namespace outpost::hub::queries {

struct HubBoardBooking {
  std::string ref;
  std::string customer;  // name only: no phone is shown
  std::string status;
  std::string channel;
  bool needs_reschedule = false;  // lost its place in an over-full slot
};
struct HubBoardSlot {
  std::string time;
  int capacity = 0;
  int taken = 0;  // places held: bookings that hold one and have not lost it
  std::vector<HubBoardBooking> bookings;  // those holding a place, in booking order
};
struct HubBoard {
  std::string site;
  std::string date;
  std::optional<std::string> as_of;   // the store's last batch here: what the board reflects
  std::optional<std::string> closed;  // why the store is closed that day
  std::vector<HubBoardSlot> slots;    // the store's slot grid, in its order
};

// `site`'s day `date` (YYYY-MM-DD, or today, tomorrow, +N in the store's
// zone by the reader's clock). NotFound for a store not on the allow-list, or
// when head office holds no calendar of it yet.
Result<HubBoard> ReadBoard(const HubReader& hub, const std::string& site, const std::string& date);

}  // namespace outpost::hub::queries
