// Customers query: the unified customers head office knows (hub/identity.h),
// as `outpost-hub customers find/show/why` print them: each one's store
// records, vehicles, bookings, merged consent, and why its records are one
// customer. The view itself is built by Identity::ViewOf; this is the read
// layer's door to it.
//
// Thread-compatible (hub/queries/reader.h). Each call first runs identity
// resolution when records changed since the last run (it writes its links,
// signed with the reader's keys when it has them), so what is shown is current.
#pragma once

#include <string>
#include <vector>

#include "hub/identity.h"
#include "hub/queries/reader.h"
#include "sync/status.h"

namespace outpost::hub::queries {

// The unified customers matching `query` (a unified or record id, a phone,
// plate, member id, VIN, or part of a name), each with its view (and the
// evidence of its links unless `with_evidence` is false: a results list).
Result<std::vector<UnifiedView>> FindCustomers(const HubReader& hub, const std::string& query,
                                               bool with_evidence = true);
// One unified customer, by unified id or any of its records' ids, with the
// evidence that links its records and the possible matches outside it.
Result<UnifiedView> ShowCustomer(const HubReader& hub, const std::string& query);

}  // namespace outpost::hub::queries
