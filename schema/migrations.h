// The database schemas, as numbered SQL migrations compiled into the program.
//
// A migration is never edited once released: a change is a new, higher-numbered
// file. Db::Migrate (sync/sqlite.h) applies the missing ones on open. The SQL
// lives in schema/migrations/<database>/NNNN_name.sql; CMake embeds it.
#pragma once

#include <span>
#include <string_view>

namespace outpost::schema {

struct SqlMigration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// The store (edge) database, oldest first.
std::span<const SqlMigration> EdgeMigrations();
// The hub (head office) database, oldest first.
std::span<const SqlMigration> HubMigrations();
// The hub database on PostgreSQL (hub/storage/postgres/), oldest first: its
// own numbering, from migrations/hub_pg/; 0001 is the end state of the SQLite
// hub's migrations up to 0022, in PostgreSQL's DDL, with the same tables and
// columns. PgConnection::Migrate applies the missing ones.
std::span<const SqlMigration> HubPgMigrations();

}  // namespace outpost::schema
