// Which backend a hub's location names, for what opens it outside HubStorage:
// the table copy of migrate-db (hub/storage/table_copy.h).
#include "hub/storage/hub_storage.h"
#include "hub/storage/postgres/pg.h"
#include "hub/storage/postgres/table_copy.h"
#include "hub/storage/sqlite/table_copy.h"

namespace outpost::hub::storage {

bool IsDatabaseUrl(const std::string& location) { return postgres::IsPostgresUrl(location); }

std::string ShownLocation(const std::string& location) {
  return IsDatabaseUrl(location) ? postgres::RedactedUrl(location) : location;
}

Result<std::unique_ptr<TableCopy>> OpenTableCopy(const std::string& location) {
  if (IsDatabaseUrl(location)) return postgres::OpenPgTableCopy(location);
  return sqlite::OpenSqliteTableCopy(location);
}

}  // namespace outpost::hub::storage
