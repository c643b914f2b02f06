// A thin, Status-returning layer over SQLite for every Outpost database.
//
// Db owns one sqlite3 connection and is used by one thread at a time
// (thread-compatible). Open() sets the durability contract every Outpost file
// relies on: WAL journal, synchronous=FULL (a commit that returned survives a
// power cut), foreign keys on, and a busy timeout so two desk processes queue
// for the write lock instead of failing. A database Open() creates is
// owner-only (0600, sync/private_file.h), and so are its -wal and -shm files.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "schema/migrations.h"
#include "sync/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace outpost {

class Db;

// A prepared statement. When it goes out of scope its compiled form returns to
// the Db's pool, so preparing the same SQL again costs no parsing. A Statement
// must not outlive the Db that prepared it.
class Statement {
 public:
  Statement() = default;
  Statement(Db* owner, sqlite3* db, sqlite3_stmt* stmt) : owner_(owner), db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are numbered from 1, as in SQLite.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, const std::string& value) {
    return Bind(index, std::string_view(value));
  }
  Statement& Bind(int index, const std::optional<std::string>& value);
  Statement& BindNull(int index);
  template <size_t N>
  Statement& BindBlob(int index, const std::array<uint8_t, N>& bytes) {
    return BindBlob(index, bytes.data(), N);
  }
  Statement& BindBlob(int index, const void* data, size_t size);

  // True while a row is available; false when done.
  Result<bool> Step();
  // Steps to completion; for statements that return no rows.
  Status Run();
  void Reset();

  // Columns are numbered from 0.
  int64_t Int(int column) const;
  std::string Text(int column) const;
  std::string Blob(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  bool IsNull(int column) const;
  // Column 0 of every row still to come, as text.
  Result<std::vector<std::string>> TextColumn();
  int ColumnCount() const;
  std::string ColumnName(int column) const;

 private:
  Db* owner_ = nullptr;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  bool bind_failed_ = false;
};

class Db {
 public:
  struct Options {
    bool create_if_missing = true;
    int busy_timeout_ms = 10'000;
  };

  static Result<std::unique_ptr<Db>> Open(const std::string& path, const Options& options);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Status Exec(std::string_view sql);
  // Reuses an idle compiled statement for the same SQL text when there is one.
  Result<Statement> Prepare(std::string_view sql);
  const std::string& path() const { return path_; }
  // Rows changed by the last INSERT, UPDATE or DELETE on this connection.
  int64_t RowsChanged() const;
  // The rowid of the last row inserted on this connection.
  int64_t LastInsertRowId() const;
  sqlite3* raw() { return db_; }

  // PRAGMA integrity_check: what SQLite says is damaged (an index missing a
  // row, a page used twice), one line each; empty when the file is sound.
  Result<std::vector<std::string>> IntegrityProblems();
  // REINDEX: every index rebuilt from its table (the tables are the truth).
  Status RebuildIndexes();
  // Whether the file has a table of that name (which kind of file this is).
  Result<bool> HasTable(const std::string& name);
  // PRAGMA user_version: the schema version this file was migrated to.
  Result<int> SchemaVersion();
  // Applies, each in its own transaction, every migration newer than the
  // file's version. A file newer than the program is refused, not touched.
  Status Migrate(std::span<const schema::SqlMigration> migrations);

 private:
  friend class Statement;
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  void Release(sqlite3_stmt* stmt);

  sqlite3* db_;
  std::string path_;
  // Idle compiled statements by SQL text; a statement in use is never here.
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> idle_;
};

// Translates an SQLite result code into a Status naming `what` failed.
Status SqliteStatus(sqlite3* db, int rc, std::string_view what);

// A write transaction. BEGIN IMMEDIATE takes the write lock up front, so the
// checks made inside (slot capacity) cannot be invalidated by another writer
// before Commit(). Rolls back on destruction unless committed.
class Transaction {
 public:
  static Result<std::unique_ptr<Transaction>> Begin(Db& db);
  // A read transaction (deferred BEGIN): one consistent snapshot for long
  // reads (verify, audit) that never holds the write lock.
  static Result<std::unique_ptr<Transaction>> BeginRead(Db& db);
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Db& db) : db_(db) {}
  Db& db_;
  bool done_ = false;
};

}  // namespace outpost
