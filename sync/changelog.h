// The change log: every mutation at a site, in order, hash-chained.
//
// Each entry is written in the same SQLite transaction as the data it
// describes, so the log and the tables never disagree. Per site the sequence
// numbers are gapless (1, 2, 3, ...), and each entry carries the BLAKE2b-256
// hash of the previous one: removing, reordering or editing an entry breaks
// the chain at that place. The log is append-only (triggers) and is also the
// audit trail. The byte format hashed is in docs/PROTOCOL.md.
//
// Functions act on the caller's Db inside the caller's transaction;
// thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sync/hlc.h"
#include "sync/sqlite.h"
#include "sync/status.h"

namespace outpost {

using Hash256 = std::array<uint8_t, 32>;

struct ChangeEntry {
  int64_t seq = 0;      // gapless per site, from 1
  std::string site_id;  // the store (or hub) that made the change
  Hlc hlc = 0;          // hybrid logical clock: orders changes across sites
  std::string entity;   // "customer", "vehicle", "booking"
  std::string entity_id;
  std::string op;           // "insert" or "update"
  std::string fields_json;  // the fields changed, with their new values (a JSON object)
  std::string staff;        // who made it
  std::optional<std::string> business_time;  // when it happened in the world (the customer asked)
  std::string recorded_at;                   // system time it was written here
  int schema_version = 0;                    // database schema version it was written under
  Hash256 prev_hash{};                       // hash of entry seq-1; zeros for seq 1
  Hash256 hash{};                            // BLAKE2b-256 over prev_hash and this entry
};

// BLAKE2b-256 over prev_hash followed by the entry's canonical bytes.
Hash256 ChainHash(const ChangeEntry& entry);

// Checks that `entries` are consecutive, each hash is right, and each links to
// the one before (the first to `prev`, when given). Corruption names the seq.
Status VerifyChain(std::span<const ChangeEntry> entries, const std::optional<Hash256>& prev);

// Appends to the change_log table: fills seq, hlc (after the log's last and
// `wall_ms`), prev_hash and hash. Call inside a write transaction.
Result<ChangeEntry> AppendChange(Db& db, ChangeEntry entry, int64_t wall_ms);

// Writes `entry` as it is (no chaining) into `table`, which has the change_log
// columns: how the hub stores the logs it receives.
Status InsertChangeRow(Db& db, const std::string& table, const ChangeEntry& entry);

// The columns of a change row (change_log at a store, changes at the hub), in
// the order ReadChangeRow reads them: "SELECT " + kChangeColumns + " FROM ...".
extern const char* const kChangeColumns;
ChangeEntry ReadChangeRow(const Statement& st);
// Every row a statement selecting kChangeColumns yields.
Result<std::vector<ChangeEntry>> ReadChangeRows(Statement& st);

// Which entries a reader wants (audit: tools/audit.cc); an unset part matches all.
struct ChangeFilter {
  std::vector<std::string> entities;           // one of these kinds
  std::optional<std::string> entity_id;        // this entity
  std::optional<std::string> op;               // "insert" or "update"
  std::optional<std::string> fields_contain;   // text the fields' JSON contains
  std::optional<std::string> recorded_from;    // recorded at or after (UTC text)
  std::optional<std::string> recorded_before;  // recorded before
};
// The rows of `table` (change_log, or changes at the hub) `filter` wants, in
// the order they happened across sites: by clock, then site.
Result<std::vector<ChangeEntry>> SelectChanges(Db& db, const std::string& table,
                                               const ChangeFilter& filter);

// Entries with seq >= from_seq, oldest first, at most `limit`.
Result<std::vector<ChangeEntry>> ReadChanges(Db& db, int64_t from_seq, int64_t limit);

std::string HashHex(const Hash256& hash);
// Lower-case hex of any bytes (short ids and keyed hashes).
std::string BytesHex(const uint8_t* bytes, size_t size);

}  // namespace outpost
