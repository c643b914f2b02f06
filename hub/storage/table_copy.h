// Every table of a hub's database, row by row, in a form each backend reads
// and writes: what `outpost-hub migrate-db --from hub.db --to postgresql://...`
// copies (hub/migrate_db.h), and the per-table digests that prove the copy.
//
// A value is one of four kinds, the ones SQLite stores (NULL, integer, text,
// bytes); PostgreSQL's columns map onto them by declared type (bigint and
// integer -> integer, boolean -> 0/1, bytea -> bytes, the rest -> text), so
// the same logical row gives the same value list on either backend. No SQL here.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sync/keys.h"
#include "sync/status.h"

namespace outpost::hub::storage {

struct CopyValue {
  enum class Kind { kNull, kInt, kText, kBytes };
  Kind kind = Kind::kNull;
  int64_t number = 0;
  std::string text;  // kText, kBytes
};

struct TableShape {
  std::string name;
  std::vector<std::string> columns;  // in the order rows carry their values
};

// Tables a trigger keeps (a counter of the writes to another table): an import
// writes them last, so the copied value stands and the import's own writes do
// not count on top of it.
inline constexpr const char* kCountedByTriggers[] = {"identity_input_clock"};
bool CountedByTriggers(const std::string& table);

using RowVisitor = std::function<Status(const std::vector<CopyValue>& row)>;

// One import: every row lands in one transaction, or none does. Triggers that
// keep derived counters do not fire (the counters are copied with the rest).
class TableWriter {
 public:
  virtual ~TableWriter() = default;
  virtual Status Put(const TableShape& table, const std::vector<CopyValue>& row) = 0;
  // Makes the import durable; identity sequences continue after the highest id copied.
  virtual Status Commit() = 0;
};

class TableCopy {
 public:
  virtual ~TableCopy() = default;
  // The hub's tables (not the backend's own bookkeeping, such as its schema
  // version), sorted by name except that kCountedByTriggers come last, each
  // with its columns in declared order.
  virtual Result<std::vector<TableShape>> Tables() = 0;
  // Reads from here on see one moment, whatever another process writes.
  virtual Status HoldSnapshot() = 0;
  // Every row of `table` (its columns as `table` names them, in that order),
  // in no particular order.
  virtual Status ForEachRow(const TableShape& table, const RowVisitor& visit) = 0;
  // Starts an import into an empty hub (Refused when any hub table has rows).
  virtual Result<std::unique_ptr<TableWriter>> BeginImport() = 0;
};

// Opens `location` (a file path: SQLite; postgresql://: PostgreSQL) for
// copying. The hub's schema must be there and current (OpenHubStorage first).
Result<std::unique_ptr<TableCopy>> OpenTableCopy(const std::string& location);

// An order-independent digest of a table's rows (the lane-wise sum of each
// row's BLAKE2b-256 over its values in column-name order, as
// sync/state_digest.h sums entities), with its row count: equal on two
// backends exactly when they hold the same rows.
struct TableDigest {
  std::string table;
  int64_t rows = 0;
  std::string digest_hex;
};
Result<std::vector<TableDigest>> DigestTables(TableCopy& copy);

}  // namespace outpost::hub::storage
