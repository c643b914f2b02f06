// A thin, Status-returning layer over libpq for the hub's PostgreSQL backend
// (hub/storage/postgres/), shaped like sync/sqlite.h so that each part reads
// like its SQLite twin: a statement is written with `?` placeholders (turned
// into $1, $2, ... outside quoted text), bound by 1-based index, then stepped.
//
// PgConnection owns one libpq connection and is used by one thread at a time
// (thread-compatible). Every statement runs in text result format; a bytea
// column is read back with Blob() as its raw bytes. A statement's result is
// fetched whole when it is first stepped, so a statement may be stepped while
// others run on the same connection (as the SQLite parts do); a read over
// millions of rows uses PgConnection::ForEachRow, which fetches in pages
// through a server-side cursor.
//
// Durability: the server's synchronous_commit decides when COMMIT returns
// (on: flushed on the primary; remote_apply/on with synchronous_standby_names:
// also on the standby). Commit() returns only after the server said COMMIT.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "schema/migrations.h"
#include "sync/status.h"

struct pg_conn;
struct pg_result;

namespace outpost::hub::storage::postgres {

class PgConnection;

// A one-dimensional array in PostgreSQL's text form ('{"a","b",NULL}'), bound
// as one text parameter and cast in the SQL (`?::text[]`, `?::bigint[]`,
// `?::bytea[]`): a batch's rows travel as one array per column, unnested on
// the server, in one round trip however many rows. Elements are always
// quoted, so no value is misread as NULL or split at a comma.
class PgArray {
 public:
  PgArray& Add(std::string_view text);
  PgArray& Add(const std::string& text) { return Add(std::string_view(text)); }
  PgArray& Add(const std::optional<std::string>& text);
  PgArray& Add(int64_t value);
  PgArray& AddBytes(const void* data, size_t size);
  template <size_t N>
  PgArray& AddBytes(const std::array<uint8_t, N>& bytes) {
    return AddBytes(bytes.data(), bytes.size());
  }
  size_t size() const { return size_; }
  // The literal; an element holding a NUL byte (text cannot hold one) makes
  // the statement it is bound to fail, as PgStatement::Bind does.
  std::string literal() const { return text_ + '}'; }
  bool holds_nul() const { return holds_nul_; }

 private:
  void Separate();
  std::string text_ = "{";
  size_t size_ = 0;
  bool holds_nul_ = false;
};

// Rows in COPY's text format, for PgConnection::CopyIn: values separated by
// tabs, a row ended by a newline; backslash, tab, newline and carriage return
// escaped, NULL as \N, bytea in its hex form (\\x..., its backslash escaped).
// COPY is the server's cheapest way in: no statement per row, no parameter
// arrays to parse. A value holding a NUL byte (text cannot hold one) makes
// the copy fail, as PgStatement::Bind does.
class PgCopyRows {
 public:
  PgCopyRows& Add(std::string_view text);
  PgCopyRows& Add(const std::string& text) { return Add(std::string_view(text)); }
  PgCopyRows& Add(const char* text) { return Add(std::string_view(text)); }
  PgCopyRows& Add(const std::optional<std::string>& text);
  PgCopyRows& Add(int64_t value);
  PgCopyRows& AddNull();
  PgCopyRows& AddBytes(const void* data, size_t size);
  template <size_t N>
  PgCopyRows& AddBytes(const std::array<uint8_t, N>& bytes) {
    return AddBytes(bytes.data(), bytes.size());
  }
  // Ends the current row.
  PgCopyRows& EndRow();
  size_t rows() const { return rows_; }
  const std::string& text() const { return text_; }
  bool holds_nul() const { return holds_nul_; }
  void Clear();

 private:
  void Separate();
  std::string text_;
  size_t rows_ = 0;
  bool row_open_ = false;  // a value has been added since the last EndRow
  bool holds_nul_ = false;
};

// Whether `location` names a PostgreSQL database (postgresql:// or postgres://).
bool IsPostgresUrl(const std::string& location);
// `url` with any password replaced by "***": what messages and logs may show.
std::string RedactedUrl(const std::string& url);

// The refusal of a database whose schema (`current`) is newer than the newest
// migration this program knows: reading it could misread it.
Status SchemaNewerThanProgram(const std::string& shown_url, int current, int newest);

// One row of a result, as the parts read it.
class PgRow {
 public:
  PgRow(pg_result* result, int row) : result_(result), row_(row) {}
  int64_t Int(int column) const;
  std::string Text(int column) const;
  // A bytea column's bytes (decoded from the server's hex text).
  std::string Blob(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  bool IsNull(int column) const;

 private:
  pg_result* result_;
  int row_;
};

// A statement with its parameters. Step() runs it the first time and then
// walks its rows; Reset() forgets the result and keeps the bindings (as
// sqlite3_reset does), so the statement can be run again with some changed.
//
// Parameters are typed as bound, like SQLite's values: an integer is a bigint,
// a string text, a blob bytea (sent as raw bytes); BindNull leaves the type to
// the server. So `? + 1` is bigint arithmetic (no 32-bit overflow of a clock),
// and a function taking an int4 needs a cast: substr(x, CAST(? AS integer)).
// A bound string holding a NUL byte fails the statement (text cannot hold one).
class PgStatement {
 public:
  PgStatement(PgConnection* owner, std::string sql, int parameters);
  PgStatement(PgStatement&& other) noexcept;
  PgStatement& operator=(PgStatement&& other) noexcept;
  PgStatement(const PgStatement&) = delete;
  PgStatement& operator=(const PgStatement&) = delete;
  ~PgStatement();

  PgStatement& Bind(int index, int64_t value);
  PgStatement& Bind(int index, std::string_view value);
  PgStatement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  PgStatement& Bind(int index, const std::string& value) {
    return Bind(index, std::string_view(value));
  }
  PgStatement& Bind(int index, const std::optional<std::string>& value);
  PgStatement& BindNull(int index);
  PgStatement& Bind(int index, const PgArray& array);
  template <size_t N>
  PgStatement& BindBlob(int index, const std::array<uint8_t, N>& bytes) {
    return BindBlob(index, bytes.data(), bytes.size());
  }
  PgStatement& BindBlob(int index, const void* data, size_t size);

  // Runs the statement on the first call; true while a row is current.
  Result<bool> Step();
  // Runs a statement whose rows (if any) are not wanted.
  Status Run();
  // Run(), and if the statement fails inside a transaction, only its own
  // effects are undone and the transaction goes on, as SQLite does after a
  // failed statement (a savepoint around it: two more round trips). Run()
  // leaves the transaction aborted after a failure, as PostgreSQL does. For a
  // write whose refusal (a Conflict) the caller reports and then carries on in
  // the same transaction.
  Status RunAtomically();
  void Reset();

  // The current row's columns (after Step() returned true).
  int64_t Int(int column) const;
  std::string Text(int column) const;
  std::string Blob(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  bool IsNull(int column) const;
  // The first column of every row, stepping to the end.
  Result<std::vector<std::string>> TextColumn();
  // Rows the last run inserted, updated or deleted (PQcmdTuples).
  int64_t RowsChanged() const;

 private:
  PgRow Current() const { return PgRow(result_, row_); }
  PgStatement& Set(int index, std::optional<std::string> value, int format, unsigned type);

  PgConnection* owner_;
  std::string sql_;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;     // 0 text, 1 binary (bytea)
  std::vector<unsigned> types_;  // the parameter's type OID; 0: the server infers it
  pg_result* result_ = nullptr;
  int row_ = -1;
  bool bind_failed_ = false;
};

class PgConnection {
 public:
  // Connects to `url` (a libpq connection URI). Connection failures name the
  // redacted URL and libpq's reason.
  static Result<std::unique_ptr<PgConnection>> Connect(const std::string& url);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs SQL without parameters; several statements may be separated by ';'.
  Status Exec(std::string_view sql);
  // A statement from SQL with `?` placeholders.
  Result<PgStatement> Prepare(std::string_view sql);
  // Streams the rows of `sql` (with `?` placeholders, bound by `bind`) in pages
  // of `page_rows` through a server-side cursor: in the open transaction
  // (PgTransaction), else in one of its own for the walk. Stops at the first
  // error `visit` returns.
  Status ForEachRow(std::string_view sql, const std::function<void(PgStatement&)>& bind,
                    const std::function<Status(const PgRow&)>& visit, int page_rows = 2000);

  // COPY `target` ("table (column, ...)") FROM STDIN with `rows`, in one
  // round trip; the rows land in the open transaction, if any. A row breaking
  // a unique index fails the whole copy with Conflict, as an INSERT would.
  Status CopyIn(std::string_view target, const PgCopyRows& rows);

  // The schema version: the highest migration applied (0 for an empty database).
  Result<int> SchemaVersion();
  // Applies the migrations above the current version, each in its own
  // transaction, under an advisory lock so two processes opening one new
  // database do not both migrate it. Refuses a database newer than `migrations`.
  Status Migrate(std::span<const schema::SqlMigration> migrations);

  // Outside a transaction, a connection the server dropped (a restart, a
  // promoted standby behind the same address) is made again: the statements
  // prepared on the old one are forgotten. IoError while the server is still
  // away; Ok at once on a live connection. A transaction the loss cut short is
  // never resumed: its work was rolled back by the server, and its caller was
  // told so by the failed statement.
  Status ReconnectIfLost();

  const std::string& url() const { return url_; }
  pg_conn* raw() { return conn_; }
  // The Status for a failed result (SQLSTATE mapped: unique violation ->
  // Conflict, serialization failure or deadlock -> RetryLater, connection
  // lost -> IoError), naming `what`.
  Status ResultStatus(pg_result* result, std::string_view what);

 private:
  PgConnection(pg_conn* conn, std::string url) : conn_(conn), url_(std::move(url)) {}
  friend class PgStatement;
  // The name of the server-side prepared statement of `sql` with parameters of
  // `types`, prepared on first use; "" to run it unprepared (not a plain
  // query, or kMaxPrepared are held already).
  Result<std::string> PreparedName(const std::string& sql, const std::vector<unsigned>& types);
  // After an error that may mean the server no longer has it (or its plan no
  // longer fits the table): prepare it afresh next time.
  void ForgetPrepared(const std::string& sql, const std::vector<unsigned>& types);
  Status MigrateLocked(std::span<const schema::SqlMigration> migrations);
  Status WalkCursor(std::string_view sql, const std::function<void(PgStatement&)>& bind,
                    const std::function<Status(const PgRow&)>& visit, int page_rows);
  pg_conn* conn_;
  std::string url_;
  int cursors_opened_ = 0;
  int64_t statements_prepared_ = 0;
  // A PgTransaction is open on this connection: a lost connection is then
  // never made again underneath it (its remaining statements would commit
  // one by one).
  bool in_transaction_ = false;
  friend class PgTransaction;
  // SQL text and parameter types -> prepared statement name. Bounded: SQL
  // built with values in it (never done by the parts) would not grow it.
  static constexpr size_t kMaxPrepared = 512;
  std::unordered_map<std::string, std::string> prepared_;
};

// A transaction. A write transaction takes the hub's writer lock (a
// transaction-scoped advisory lock) before anything else, so, as with SQLite's
// BEGIN IMMEDIATE, the checks made inside cannot be invalidated by another
// writer before Commit(). A read transaction is REPEATABLE READ, READ ONLY: one
// consistent snapshot. Rolls back on destruction unless committed.
class PgTransaction {
 public:
  static Result<std::unique_ptr<PgTransaction>> Begin(PgConnection& db);
  static Result<std::unique_ptr<PgTransaction>> BeginRead(PgConnection& db);
  ~PgTransaction();
  Status Commit();

 private:
  explicit PgTransaction(PgConnection& db) : db_(db) {}
  PgConnection& db_;
  bool done_ = false;
};

// The advisory lock key every write transaction takes (pg_advisory_xact_lock).
inline constexpr int64_t kHubWriterLock = 0x6F7574706F7374;  // "outpost"

}  // namespace outpost::hub::storage::postgres
