// The record log (hub/storage/record_log.h) kept in the hub's PostgreSQL database:
// the `record_log` table, and the rows of the head-office records it covers.
//
// A RecordLog appends within the caller's write transaction; Seal() before
// the commit signs the newest head. Thread-compatible: one per transaction.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "hub/storage/postgres/pg.h"
#include "hub/storage/record_log.h"
#include "sync/keys.h"
#include "sync/status.h"

namespace outpost::hub::storage::postgres {

// One kind of head-office record: its table, the SQL expression naming a row
// ("site_id || '/' || seq") and the WHERE clause finding it by the parts of
// that name (?1, ?2 bound in order).
struct RecordKind {
  const char* table;
  const char* key_sql;
  const char* lookup_sql;
};
std::span<const RecordKind> RecordKinds();

// The content hash of the row `row` is on: every column from `first_column` on.
Hash256 RowContentHash(const PgStatement& row, int first_column);

class RecordLog {
 public:
  static Result<RecordLog> Open(PgConnection& db);

  // Records the current content of `table`'s row named by `key_parts` (joined
  // with '/'); a row that is gone is recorded as removed (zero hash).
  Status Note(const std::string& table, const std::vector<std::string>& key_parts);
  // Signs the newest head if entries were noted since the last signature.
  Status Seal(const SecretKeys& hub);

 private:
  friend Status AdoptUnloggedRecords(PgConnection& db, const SecretKeys& hub);
  explicit RecordLog(PgConnection& db) : db_(&db) {}
  Status Append(const std::string& table, const std::string& key, const Hash256& content);

  PgConnection* db_;
  int64_t seq_ = 0;
  Hash256 head_{};
  bool unsigned_ = false;
};

// On a hub whose record log is empty: records every head-office row it holds
// (after the kAdoptedRecord entry) and signs. Does nothing otherwise.
Status AdoptUnloggedRecords(PgConnection& db, const SecretKeys& hub);

// Every head-office record as it is now: (record, key, content hash), each
// kind's rows in key order.
Status ForEachRecord(PgConnection& db,
                     const std::function<Status(const std::string& record, const std::string& key,
                                                const Hash256& content)>& visit);

}  // namespace outpost::hub::storage::postgres
