// `outpost-hub migrate-db --from hub.db --to postgresql://...`: copies a
// chain's hub into a new, empty hub on another backend (or another file) and
// proves the copy, table by table and by the state digest.
//
// The source is read in one snapshot, so a daemon still running there does
// not tear the copy (but what it writes afterwards is not copied: stop it
// first, as docs/POSTGRES.md says). The destination is created with the
// current schema, then filled in one transaction: a failed copy leaves it
// holding nothing of the source. Thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hub/storage/table_copy.h"
#include "sync/clock.h"
#include "sync/keys.h"
#include "sync/status.h"

namespace outpost::hub {

struct MigrationReport {
  // Every table with its rows and digest, as read back from the destination.
  std::vector<storage::TableDigest> tables;
  int64_t rows = 0;
  std::string state_digest;  // Hub::StateDigest, equal on both sides
};

// Called after each table is copied: its name and rows, and the tables done of all.
using MigrationProgress =
    std::function<void(const std::string& table, int64_t rows, size_t done, size_t total)>;

// Copies `from` (an existing hub, brought to the current schema first) into a
// new hub at `to` (a file that must not exist, or a PostgreSQL database
// without the hub's schema), then compares every table's digest and the state
// digest of both: Corruption naming the first table that differs.
Result<MigrationReport> MigrateHub(const std::string& from, const std::string& to,
                                   const SecretKeys& keys, const Clock& clock,
                                   const MigrationProgress& progress = {});

}  // namespace outpost::hub
