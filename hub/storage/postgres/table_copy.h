// The PostgreSQL backend's table copy (hub/storage/table_copy.h), on a
// connection of its own.
#pragma once

#include <memory>
#include <string>

#include "hub/storage/table_copy.h"

namespace outpost::hub::storage::postgres {

Result<std::unique_ptr<TableCopy>> OpenPgTableCopy(const std::string& url);

}  // namespace outpost::hub::storage::postgres
