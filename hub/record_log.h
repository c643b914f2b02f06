// The hub's record log: head office's own records made tamper-evident.
//
// Rows that travel to stores (hub_outbox) or decide identity and trust
// (identity_rules, identity_dismissals, identity_links, security_log,
// store_key_history) are written by head office itself, so no store signed
// them. Every write of such a row appends an entry to `record_log`: the table,
// the row's key and a hash of the row's content, chained
//
//   head(i) = BLAKE2b-256("outpost-hub-record-v1" || head(i-1) || u64 seq ||
//                         lp(table) || lp(key) || content_hash)
//
// and the newest head of each write signed with the hub's Ed25519 key over
// "outpost-hub-record-head-v1" || u64 seq || head (a domain of its own, so a
// record head can never pass as a head of the batch log, sync/hub_log.h).
// Verify (hub/verify.h) recomputes the chain and compares each row with its
// newest entry: a row edited, deleted or inserted with sqlite3 is named, and a
// forged entry cannot be signed without the hub's secret key.
//
// Limit: someone who deletes the newest rows together with their entries
// leaves a shorter chain that still verifies (there is no later signed head to
// contradict it); the batch log has the stores' kept heads for that, this log
// has none yet (docs/RECOVERY.md).
//
// A RecordLog appends within the caller's write transaction; Seal() before
// the commit signs the newest head. Thread-compatible: one per transaction.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "sync/keys.h"
#include "sync/sqlite.h"
#include "sync/status.h"
#include "sync/wire.h"

namespace outpost::hub {

// One kind of head-office record: its table, the SQL expression naming a row
// ("site_id || '/' || seq") and the WHERE clause finding it by the parts of
// that name (?1, ?2 bound in order).
struct RecordKind {
  const char* table;
  const char* key_sql;
  const char* lookup_sql;
};
std::span<const RecordKind> RecordKinds();

// The hash of a row's content: every column from `first_column` on, each as
// (null or value) and its length-prefixed bytes.
Hash256 RecordContentHash(const Statement& row, int first_column);
Hash256 NextRecordHead(const Hash256& prev, int64_t seq, const std::string& table,
                       const std::string& key, const Hash256& content_hash);
bool RecordHeadSignatureOk(const PublicKeys& hub, const SignedHead& head);

// The entry written first when the log starts on a database that already held
// records (a hub upgraded to it): every row then present was recorded after it.
inline constexpr char kAdoptedRecord[] = "record_log";

class RecordLog {
 public:
  static Result<RecordLog> Open(Db& db);

  // Records the current content of `table`'s row named by `key_parts` (joined
  // with '/'); a row that is gone is recorded as removed (zero hash).
  Status Note(const std::string& table, const std::vector<std::string>& key_parts);
  // Signs the newest head if entries were noted since the last signature.
  Status Seal(const SecretKeys& hub);

 private:
  friend Status AdoptUnloggedRecords(Db& db, const SecretKeys& hub);
  explicit RecordLog(Db& db) : db_(&db) {}
  Status Append(const std::string& table, const std::string& key, const Hash256& content);

  Db* db_;
  int64_t seq_ = 0;
  Hash256 head_{};
  bool unsigned_ = false;
};

// On a hub whose record log is empty: records every head-office row it holds
// (after the kAdoptedRecord entry) and signs. Does nothing otherwise.
Status AdoptUnloggedRecords(Db& db, const SecretKeys& hub);

}  // namespace outpost::hub
