// Customers and vehicles (tables customers, customer_phones, vehicles): what
// the store's customer operations (edge/store.h) and the operator tools read
// of them without a Store (audit of a store's database). Thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "sync/sqlite.h"
#include "sync/status.h"

namespace outpost::edge {

// The customer records a phone in E.164 ("+8613800000001") names.
Result<std::vector<std::string>> CustomerIdsWithPhone(Db& db, const std::string& e164);

// The customer records an id or id prefix names.
Result<std::vector<std::string>> CustomerIdsMatching(Db& db, const std::string& id_or_prefix);

}  // namespace outpost::edge
