#include "sync/sqlite.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "sync/i18n/messages.h"
#include "sync/private_file.h"

namespace outpost {

namespace {

// ":memory:", "" (a private temporary database) and URIs are no file path of ours.
bool IsPlainFilePath(const std::string& path) {
  return !path.empty() && path != ":memory:" && path.rfind("file:", 0) != 0;
}

// An existing file this process may not write: its mode, its owner or a
// read-only mount (EROFS, which binds root too) says so.
bool IsReadOnlyFile(const std::string& path) {
  if (!IsPlainFilePath(path) || access(path.c_str(), F_OK) != 0) return false;
  return access(path.c_str(), W_OK) != 0 && (errno == EACCES || errno == EROFS || errno == EPERM);
}

// The URI SQLite opens a read-only file by. A WAL file holding commits not yet
// checkpointed must be read, through the -shm index (mode=ro: it exists or can
// be made). Without one, as after the last writer closed cleanly, the main
// file is the whole database: immutable=1 reads it with no -shm and no locks,
// the only way SQLite reads a WAL database where no -shm can be made (a
// read-only mount), and one that leaves no -shm or -wal behind owned by this
// user, which would stop the file's owner writing. The price: immutable takes
// no lock, so a read while another user who may write the file commits can
// see a torn state. In Outpost's layout one service user owns its files and
// root writes anything, so a read-only open means nobody is writing.
std::string ReadOnlyUri(const std::string& path) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static constexpr char kHex[] = "0123456789ABCDEF";
      uri += '%';
      uri += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
      uri += kHex[static_cast<unsigned char>(c) & 0xF];
    } else {
      uri += c;
    }
  }
  std::error_code ec;
  const auto wal_size = std::filesystem::file_size(path + "-wal", ec);
  return uri + (!ec && wal_size > 0 ? "?mode=ro" : "?immutable=1");
}

Status ReadOnlyStatus(sqlite3* db) {
  const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
  const std::string name = file && *file ? file : "";
  return Status::Refused("the database " + name +
                         " is read-only (its file mode or a read-only mount): this command would "
                         "change it; run it where the file is writable")
      .WithShown(
          i18n::Format("the database {0} is read-only (its file mode or a read-only mount): this "
                       "command would change it; run it where the file is writable",
                       {name}));
}

bool IsReadOnly(sqlite3* db) { return sqlite3_db_readonly(db, "main") == 1; }

}  // namespace

Status SqliteStatus(sqlite3* db, int rc, std::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::Ok();
  std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_READONLY:
      return ReadOnlyStatus(db);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::RetryLater(message);
    case SQLITE_CONSTRAINT:
      return Status::Conflict(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(message);
    case SQLITE_CANTOPEN:
      return Status::NotFound(message);
    default:
      return Status::IoError(message);
  }
}

Statement::Statement(Statement&& other) noexcept
    : owner_(other.owner_), db_(other.db_), stmt_(other.stmt_), bind_failed_(other.bind_failed_) {
  other.stmt_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) owner_->Release(stmt_);
    owner_ = other.owner_;
    db_ = other.db_;
    stmt_ = other.stmt_;
    bind_failed_ = other.bind_failed_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) owner_->Release(stmt_);
}

Statement& Statement::Bind(int index, int64_t value) {
  bind_failed_ |= sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK;
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  bind_failed_ |= sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                                    SQLITE_TRANSIENT) != SQLITE_OK;
  return *this;
}

Statement& Statement::Bind(int index, const std::optional<std::string>& value) {
  return value ? Bind(index, std::string_view(*value)) : BindNull(index);
}

Statement& Statement::BindBlob(int index, const void* data, size_t size) {
  bind_failed_ |=
      sqlite3_bind_blob(stmt_, index, data, static_cast<int>(size), SQLITE_TRANSIENT) != SQLITE_OK;
  return *this;
}

Statement& Statement::BindNull(int index) {
  bind_failed_ |= sqlite3_bind_null(stmt_, index) != SQLITE_OK;
  return *this;
}

Result<bool> Statement::Step() {
  if (bind_failed_) return Status::IoError("binding a statement parameter failed");
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(db_, rc, sqlite3_sql(stmt_));
}

Status Statement::Run() {
  while (true) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_failed_ = false;
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Statement::Blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  if (!data) return {};
  return std::string(static_cast<const char*>(data),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> Statement::OptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Result<std::vector<std::string>> Statement::TextColumn() {
  std::vector<std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) break;
    out.push_back(Text(0));
  }
  return out;
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }
std::string Statement::ColumnName(int column) const {
  const char* name = sqlite3_column_name(stmt_, column);
  return name ? name : "";
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, const Options& options) {
  // A file we may not write opens read-only: reads work, and the first write
  // fails with ReadOnlyStatus. Nothing is set that would write: the journal
  // mode stays the file's own (WAL for our files).
  const bool read_only = IsReadOnlyFile(path);
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (read_only) {
    flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
  } else if (options.create_if_missing) {
    flags |= SQLITE_OPEN_CREATE;
    // SQLite would create the file 0644 under the usual umask; an empty file
    // is a valid empty database, and SQLite gives -wal and -shm the mode of
    // the main file, so every file of the database is owner-only.
    if (IsPlainFilePath(path)) RETURN_IF_ERROR(CreatePrivateFileIfMissing(path));
  }
  const std::string name = read_only ? ReadOnlyUri(path) : path;
  int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status st = SqliteStatus(raw, rc, "opening database '" + path + "'");
    sqlite3_close(raw);
    return st;
  }
  std::unique_ptr<Db> db(new Db(raw, path));
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  // The first read of the file: one that is not an SQLite database fails here.
  // wal_autocheckpoint: a checkpoint fsyncs the main file inside whichever commit
  // triggers it; every 4,000 pages (16 MiB of WAL) keeps that off all but a few
  // in a thousand commits instead of about one in a hundred.
  RETURN_IF_ERROR(db->Exec(read_only ? "PRAGMA foreign_keys=ON; SELECT count(*) FROM sqlite_master;"
                                     : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                       " PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=4000;"));
  return db;
}

Db::~Db() {
  for (auto& [sql, stmts] : idle_) {
    for (sqlite3_stmt* stmt : stmts) sqlite3_finalize(stmt);
  }
  sqlite3_close_v2(db_);
}

void Db::Release(sqlite3_stmt* stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  auto& pool = idle_[sqlite3_sql(stmt)];
  if (pool.size() < 4) {
    pool.push_back(stmt);
  } else {
    sqlite3_finalize(stmt);
  }
}

int64_t Db::RowsChanged() const { return sqlite3_changes64(db_); }
int64_t Db::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

Result<std::vector<std::string>> Db::IntegrityProblems() {
  ASSIGN_OR_RETURN(Statement st, Prepare("PRAGMA integrity_check(100)"));
  ASSIGN_OR_RETURN(std::vector<std::string> lines, st.TextColumn());
  if (lines.size() == 1 && lines.front() == "ok") lines.clear();
  return lines;
}

Status Db::RebuildIndexes() { return Exec("REINDEX"); }

Result<bool> Db::HasTable(const std::string& name) {
  ASSIGN_OR_RETURN(Statement st,
                   Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"));
  st.Bind(1, name);
  ASSIGN_OR_RETURN(bool found, st.Step());
  st.Reset();
  return found;
}

Status Db::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string detail = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    Status st = SqliteStatus(db_, rc, "executing SQL");
    return Status(st.code(), "database '" + path_ + "': " + detail);
  }
  return Status::Ok();
}

Result<Statement> Db::Prepare(std::string_view sql) {
  if (auto it = idle_.find(std::string(sql)); it != idle_.end() && !it->second.empty()) {
    sqlite3_stmt* stmt = it->second.back();
    it->second.pop_back();
    return Statement(this, db_, stmt);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(db_, rc, "preparing '" + std::string(sql) + "'");
  return Statement(this, db_, stmt);
}

Result<int> Db::SchemaVersion() {
  ASSIGN_OR_RETURN(Statement st, Prepare("PRAGMA user_version"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return Status::Corruption("database '" + path_ + "' has no user_version")
        .WithShown(i18n::Format("database '{0}' has no user_version", {path_}));
  }
  return static_cast<int>(st.Int(0));
}

Status Db::Migrate(std::span<const schema::SqlMigration> migrations) {
  ASSIGN_OR_RETURN(int current, SchemaVersion());
  int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current > newest) {
    return Status::Refused("database '" + path_ + "' has schema version " +
                           std::to_string(current) + ", newer than this program knows (" +
                           std::to_string(newest) + "): upgrade the program")
        .WithShown(i18n::Format("database '{0}' has schema version {1}, newer than this program "
                                "knows ({2}): upgrade the program",
                                {path_, std::to_string(current), std::to_string(newest)}));
  }
  if (current < newest && IsReadOnly(db_)) {
    return Status::Refused("the database " + path_ + " is read-only and has schema version " +
                           std::to_string(current) + ", older than this program's (" +
                           std::to_string(newest) +
                           "): open it once where it is writable, which upgrades it")
        .WithShown(i18n::Format("the database {0} is read-only and has schema version {1}, older "
                                "than this program's ({2}): open it once where it is writable, "
                                "which upgrades it",
                                {path_, std::to_string(current), std::to_string(newest)}));
  }
  for (const auto& m : migrations) {
    if (m.version <= current) continue;
    ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*this));
    Status st = Exec(m.sql);
    if (!st.ok()) {
      return Status(st.code(), "migration " + std::to_string(m.version) + " (" +
                                   std::string(m.name) + "): " + st.message());
    }
    RETURN_IF_ERROR(Exec("PRAGMA user_version = " + std::to_string(m.version)));
    RETURN_IF_ERROR(tx->Commit());
  }
  return Status::Ok();
}

// Through Prepare, not Exec: the pooled statements skip re-parsing on every transaction.
static Status RunSql(Db& db, const char* sql) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
  return st.Run();
}

Result<std::unique_ptr<Transaction>> Transaction::Begin(Db& db) {
  // Refused before any work: a command that writes names the read-only file.
  if (IsReadOnly(db.raw())) return ReadOnlyStatus(db.raw());
  RETURN_IF_ERROR(RunSql(db, "BEGIN IMMEDIATE"));
  return std::unique_ptr<Transaction>(new Transaction(db));
}

Result<std::unique_ptr<Transaction>> Transaction::BeginRead(Db& db) {
  RETURN_IF_ERROR(RunSql(db, "BEGIN"));
  return std::unique_ptr<Transaction>(new Transaction(db));
}

Transaction::~Transaction() {
  if (!done_) (void)RunSql(db_, "ROLLBACK");
}

Status Transaction::Commit() {
  Status st = RunSql(db_, "COMMIT");
  if (st.ok()) done_ = true;
  return st;
}

}  // namespace outpost
