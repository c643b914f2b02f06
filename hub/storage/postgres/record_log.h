// The record log (hub/storage/record_log.h) kept in the hub's PostgreSQL database:
// the `record_log` table, and the rows of the head-office records it covers.
//
// A row's content hash must equal the SQLite backend's for the same logical
// row (a hub moved from SQLite to PostgreSQL is proven by its digests). SQLite
// hashes each column as sqlite3_column_blob gives it: a BLOB's bytes, a TEXT's
// bytes, an INTEGER's decimal text. PostgreSQL's text results give the same
// for text and integers, but a bytea comes as hex, so each kind lists its
// columns, in the SQLite schema's order, marking the bytea ones.
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

struct RecordColumn {
  const char* name;
  bool bytes;  // bytea: hashed as its raw bytes, not as PostgreSQL's hex text
};

// One kind of head-office record: its table, the SQL expression naming a row
// ("site_id || '/' || seq"), the WHERE clause finding it by the parts of that
// name (`?`s bound in order) and its columns. Names sort as on SQLite (text
// in byte order: the schema's text columns are COLLATE "C").
struct RecordKind {
  const char* table;
  const char* key_sql;
  const char* lookup_sql;
  std::span<const RecordColumn> columns;
};
std::span<const RecordKind> RecordKinds();

// `kind`'s columns as a select list ("site_id, seq, ...").
std::string RecordColumnList(const RecordKind& kind);
// The content hash of the row `row` is on, whose columns from `first_column`
// on are `kind`'s columns (selected with RecordColumnList).
Hash256 RowContentHash(const PgStatement& row, int first_column, const RecordKind& kind);

class RecordLog {
 public:
  static Result<RecordLog> Open(PgConnection& db);

  // Records the current content of `table`'s row named by `key_parts` (joined
  // with '/'); a row that is gone is recorded as removed (zero hash).
  Status Note(const std::string& table, const std::vector<std::string>& key_parts);
  // Signs the newest head if entries were noted since the last signature.
  Status Seal(const SecretKeys& hub);

 private:
  explicit RecordLog(PgConnection& db) : db_(&db) {}
  Status Append(const std::string& table, const std::string& key, const Hash256& content);

  PgConnection* db_;
  int64_t seq_ = 0;
  Hash256 head_{};
  bool unsigned_ = false;
};

// Every head-office record as it is now: (record, key, content hash), each
// kind's rows in key order.
Status ForEachRecord(PgConnection& db,
                     const std::function<Status(const std::string& record, const std::string& key,
                                                const Hash256& content)>& visit);

}  // namespace outpost::hub::storage::postgres
