#include "hub/storage/hub_storage.h"
#include "hub/storage/sqlite/hub_storage.h"
#include "sync/i18n/messages.h"

namespace outpost::hub::storage {

Result<std::unique_ptr<HubStorage>> OpenHubStorage(const std::string& location,
                                                   const OpenOptions& options) {
  if (location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0) {
    return Status::InvalidInput("'" + location +
                                "': this hub keeps its data in SQLite only (a file path)")
        .WithShown(i18n::Format("'{0}': this hub keeps its data in SQLite only (a file path)",
                                {location}));
  }
  return sqlite::OpenSqliteHubStorage(location, options);
}

}  // namespace outpost::hub::storage
