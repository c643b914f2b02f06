// The hub's storage in a PostgreSQL database (hub/storage/hub_storage.h): one
// libpq connection (hub/storage/postgres/pg.h) shared by every part, each
// write one transaction under the hub's writer lock (PgTransaction::Begin, as
// SQLite's BEGIN IMMEDIATE), reads in REPEATABLE READ snapshots. The schema
// is schema/migrations/hub_pg/. With sqlite/, the only place on the hub's side
// where SQL is written (tests/check_layering.sh).
//
// Thread-compatible, like the SQLite backend: one thread at a time uses a
// storage; a second thread opens its own (or an OpenKeyReader, which has its
// own connection).
#pragma once

#include <memory>
#include <string>

#include "hub/storage/hub_storage.h"

namespace outpost::hub::storage::postgres {

// Opens the hub's storage in the database at `url` (postgresql:// or
// postgres://; the database itself is made by its administrator, see
// docs/POSTGRES.md). options.create: the database must not hold a hub yet
// (Conflict), and is given the schema. Otherwise it must hold one (NotFound),
// brought forward when options.migrate.
Result<std::unique_ptr<HubStorage>> OpenPgHubStorage(const std::string& url,
                                                     const OpenOptions& options);

}  // namespace outpost::hub::storage::postgres
