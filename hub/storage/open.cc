#include "hub/storage/hub_storage.h"
#include "hub/storage/postgres/hub_storage.h"
#include "hub/storage/postgres/pg.h"
#include "hub/storage/sqlite/hub_storage.h"

namespace outpost::hub::storage {

Result<std::unique_ptr<HubStorage>> OpenHubStorage(const std::string& location,
                                                   const OpenOptions& options) {
  // A postgresql:// or postgres:// URL names a PostgreSQL database; anything
  // else is a file path (SQLite).
  if (postgres::IsPostgresUrl(location)) return postgres::OpenPgHubStorage(location, options);
  return sqlite::OpenSqliteHubStorage(location, options);
}

}  // namespace outpost::hub::storage
