// The hub's storage in one SQLite file (hub/storage/hub_storage.h): WAL
// journal, synchronous=FULL, every write one BEGIN IMMEDIATE transaction
// (sync/sqlite.h); the schema is schema/migrations/hub/. The only place on
// the hub's side where SQL is written (tests/check_layering.sh).
#pragma once

#include <memory>
#include <string>

#include "hub/storage/hub_storage.h"

namespace outpost::hub::storage::sqlite {

Result<std::unique_ptr<HubStorage>> OpenSqliteHubStorage(const std::string& path,
                                                         const OpenOptions& options);

}  // namespace outpost::hub::storage::sqlite
