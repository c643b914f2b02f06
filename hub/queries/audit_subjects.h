// Audit subjects query: which bookings and customer records an operator
// names at the hub (`outpost audit booking|customer ... --db HUB.db`), before
// their history is read from the hub's copy of every store's log.
//
// Thread-compatible (hub/queries/reader.h). Read-only: runs on a copy too.
#pragma once

#include <string>
#include <vector>

#include "hub/queries/reader.h"
#include "sync/status.h"

namespace outpost::hub::queries {

struct BookingMatch {
  std::string id;
  std::string store_id;
};

// The bookings whose desk ref is `query` (refs repeat across stores), or whose
// id starts or ends with it; only `store`'s when given. Empty when none.
Result<std::vector<BookingMatch>> FindBookings(const HubReader& hub, const std::string& query,
                                               const std::string& store);

// Every store record of the customer `query` names (a unified id "U...", a
// phone of 8 or more digits, read as +86 without a '+', or a record id or its
// start or end), with every record linked to those (hub/identity.h), sorted.
// Empty when none.
Result<std::vector<std::string>> CustomerRecords(const HubReader& hub, const std::string& query);

}  // namespace outpost::hub::queries
