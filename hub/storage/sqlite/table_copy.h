// The SQLite backend's table copy (hub/storage/table_copy.h), on a connection
// of its own to the hub's file.
#pragma once

#include <memory>
#include <string>

#include "hub/storage/table_copy.h"

namespace outpost::hub::storage::sqlite {

Result<std::unique_ptr<TableCopy>> OpenSqliteTableCopy(const std::string& path);

}  // namespace outpost::hub::storage::sqlite
