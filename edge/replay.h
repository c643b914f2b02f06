// Replay: the store's tables as a function of its change log.
//
// The change log is the source of truth; customers, vehicles, bookings and
// conflict cases are what folding it gives. This module writes that down once,
// for three users:
//   - rebuild and point-in-time restore: ReplayChange() appends an entry
//     verbatim (same seq, same hash) and applies it to the tables, so a store
//     rebuilt from the hub's copy of its log continues that log;
//   - tamper evidence: CheckStoreState() folds each entity's entries with the
//     merge rules (sync/merge.h) and compares every logged field with what the
//     tables hold, naming each row changed behind the system's back;
//   - comparison with the hub: the same pass yields the per-bucket state
//     digests (sync/state_digest.h) the hub computes over its copy.
// Columns the log does not carry (a customer's search key, a vehicle's
// timestamps) are derived on replay and not compared. Functions act on the
// caller's Db; thread-compatible.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "edge/settings.h"  // the calendar replay applies
#include "sync/changelog.h"
#include "sync/sqlite.h"
#include "sync/state_digest.h"
#include "sync/status.h"
#include "sync/store_calendar.h"

namespace outpost::edge {

// Appends `entry` to change_log as it is and applies it to the tables. Refuses
// an entry that does not continue the local log (seq and hash chain). Call
// inside a write transaction.
Status ReplayChange(Db& db, const ChangeEntry& entry);

// After a replay: counters (desk refs, case refs, paper form numbers) moved
// past every number the replayed rows use, so new numbers never repeat one.
Status ResetCountersAfterReplay(Db& db);

// One logged field whose table value differs from what the log says.
struct FieldDifference {
  std::string entity;  // "customer", "vehicle", "booking", "case"
  std::string entity_id;
  std::string table;  // where the value lives
  std::string field;
  nlohmann::json table_value;  // what the database holds (null: row missing)
  nlohmann::json log_value;    // what the change log says it must be
};

// verify --repair: sets the field `d` names back to what the change log says
// (a phone list whole; the calendar to the newest logged one). Refused for a
// row that is gone: values alone cannot bring it back (rebuild does). Not
// logged: the tables return to the log's fold. In the caller's transaction.
Status RepairFieldFromLog(Db& db, const FieldDifference& d, int64_t now_ms);

// A row in a table that no change-log entry created (inserted behind the system's back).
struct UnloggedRow {
  std::string table;
  std::string id;
};

struct StoreStateCheck {
  int64_t entities = 0;
  std::vector<FieldDifference> differences;
  std::vector<UnloggedRow> unlogged;
  std::vector<BucketDigest> digests;  // of the state as the tables hold it
};

// Folds the log per entity, compares with the tables, digests the state.
// `buckets`, when given, also receives every entity in those buckets
// (entity, id, canonical state as the tables hold it) for a row-by-row compare.
Result<StoreStateCheck> CheckStoreState(
    Db& db, const std::vector<int>& buckets = {},
    const std::function<void(const std::string&, const std::string&, const std::string&)>&
        on_bucket_row = nullptr);

}  // namespace outpost::edge
