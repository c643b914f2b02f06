#include "tools/backup.h"

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <thread>

#include "sync/cli/progress.h"
#include "sync/i18n/messages.h"
#include "sync/sqlite.h"

namespace outpost::backup {
namespace {

using json = nlohmann::json;

// ---- File format (docs/BACKUP.md) ----
constexpr char kMagic[] = "OUTPOSTBK1";
constexpr size_t kMagicBytes = 10;
constexpr uint8_t kFormatVersion = 1;
constexpr uint8_t kKindKeyFile = 1;
constexpr uint8_t kKindPassphrase = 2;
constexpr size_t kKeyBytes = crypto_secretstream_xchacha20poly1305_KEYBYTES;
constexpr size_t kSaltBytes = crypto_pwhash_SALTBYTES;
constexpr size_t kStreamHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr size_t kABytes = crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr size_t kKeyIdBytes = 8;
constexpr size_t kCheckBytes = 16;
// Offsets in the 96-byte clear header.
constexpr size_t kOffVersion = 10;
constexpr size_t kOffKind = 11;
constexpr size_t kOffChunk = 12;
constexpr size_t kOffSalt = 16;
constexpr size_t kOffOps = 32;
constexpr size_t kOffMem = 40;
constexpr size_t kOffKeyId = 48;
constexpr size_t kOffStream = 56;
constexpr size_t kOffCheck = 80;
constexpr size_t kHeaderBytes = 96;
static_assert(kKeyBytes == 32 && kSaltBytes == 16 && kStreamHeaderBytes == 24);
static_assert(kOffStream + kStreamHeaderBytes == kOffCheck &&
              kOffCheck + kCheckBytes == kHeaderBytes);
constexpr uint32_t kMinChunk = 4096;
constexpr uint32_t kMaxChunk = 64u << 20;
// Argon2id costs a header may ask for: a forged header must not make restore
// allocate more than the sensitive preset or spin for minutes.
constexpr uint64_t kMaxOpslimit = 16;
constexpr char kKeyIdContext[] = "outpost backup key id v1";

using SteadyClock = std::chrono::steady_clock;
int64_t MsSince(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start).count();
}

std::string Hex(const uint8_t* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

void PutLe(uint8_t* p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint64_t GetLe(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

std::string Quote(const std::string& path) { return "'" + path + "'"; }

// A hub on PostgreSQL (its --db a postgresql:// or postgres:// URL) is no
// file to copy: refused by name, with what to do instead, and the URL not
// repeated (it may hold a password).
Status RefusePostgresUrl(const std::string& flag, const std::string& location) {
  if (location.rfind("postgresql://", 0) != 0 && location.rfind("postgres://", 0) != 0) {
    return Status::Ok();
  }
  return Status::InvalidInput(
             flag +
             ": a PostgreSQL hub's URL: outpost backup and restore copy SQLite files. Back a"
             " PostgreSQL hub up with PostgreSQL's own tools (pg_basebackup with WAL archiving,"
             " or pg_dump), or copy it to a file with outpost-hub migrate-db and back that file"
             " up (docs/POSTGRES.md)")
      .WithShown(i18n::Format(
          "{0}: a PostgreSQL hub's URL: outpost backup and restore copy SQLite files. Back a"
          " PostgreSQL hub up with PostgreSQL's own tools (pg_basebackup with WAL archiving,"
          " or pg_dump), or copy it to a file with outpost-hub migrate-db and back that file"
          " up (docs/POSTGRES.md)",
          {flag}))
      .WithField(flag);
}

std::string ErrnoText() { return std::strerror(errno); }

Status InitSodium() {
  if (sodium_init() < 0) return Status::IoError("libsodium: initialisation failed");
  return Status::Ok();
}

// ---- Small POSIX helpers ----

// Owns a file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      Close();
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Close() {
    int rc = fd_ >= 0 ? close(fd_) : 0;
    fd_ = -1;
    return rc;
  }

 private:
  int fd_ = -1;
};

// A path removed on destruction unless kept.
class TempPath {
 public:
  explicit TempPath(std::string path = {}) : path_(std::move(path)) {}
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;
  ~TempPath() {
    if (path_.empty()) return;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) unlink((path_ + suffix).c_str());
  }
  const std::string& path() const { return path_; }
  void Keep() { path_.clear(); }

 private:
  std::string path_;
};

Status WriteAll(int fd, const uint8_t* data, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0)
      return Status::IoError("writing " + Quote(path) + ": " + ErrnoText())
          .WithShown(i18n::Format("writing {0}: {1}", {Quote(path), ErrnoText()}));
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

// Reads up to n bytes; fewer only at the end of the file.
Result<size_t> ReadUpTo(int fd, uint8_t* data, size_t n, const std::string& path) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, data + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0)
      return Status::IoError("reading " + Quote(path) + ": " + ErrnoText())
          .WithShown(i18n::Format("reading {0}: {1}", {Quote(path), ErrnoText()}));
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return got;
}

std::string DirOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

Status FsyncDir(const std::string& dir) {
  Fd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid() || fsync(fd.get()) != 0) {
    return Status::IoError("fsync of directory " + Quote(dir) + ": " + ErrnoText())
        .WithShown(i18n::Format("fsync of directory {0}: {1}", {Quote(dir), ErrnoText()}));
  }
  return Status::Ok();
}

// A fresh file DIR/.NAME.TAG-XXXXXX (mode 0600) and its open descriptor.
Result<std::pair<std::string, Fd>> MakeTempFile(const std::string& dir, const std::string& name,
                                                const std::string& tag) {
  std::string pattern = dir + "/." + name + "." + tag + "-XXXXXX";
  int fd = mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) {
    return Status::IoError("cannot create a temporary file in " + Quote(dir) + ": " + ErrnoText())
        .WithShown(
            i18n::Format("cannot create a temporary file in {0}: {1}", {Quote(dir), ErrnoText()}));
  }
  return std::make_pair(pattern, Fd(fd));
}

// Moves `from` onto `to`; unless `overwrite`, never over an existing file.
Status Place(const std::string& from, const std::string& to, bool overwrite) {
  if (overwrite) {
    if (rename(from.c_str(), to.c_str()) != 0) {
      return Status::IoError("renaming onto " + Quote(to) + ": " + ErrnoText())
          .WithShown(i18n::Format("renaming onto {0}: {1}", {Quote(to), ErrnoText()}));
    }
  } else if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST) {
      return Status::Conflict(Quote(to) + " exists; give --force to replace it")
          .WithShown(i18n::Format("{0} exists; give --force to replace it", {Quote(to)}));
    }
    if (errno != EINVAL && errno != ENOSYS) {
      return Status::IoError("renaming onto " + Quote(to) + ": " + ErrnoText())
          .WithShown(i18n::Format("renaming onto {0}: {1}", {Quote(to), ErrnoText()}));
    }
    // A filesystem without RENAME_NOREPLACE: link() refuses an existing name too.
    if (link(from.c_str(), to.c_str()) != 0) {
      if (errno == EEXIST) {
        return Status::Conflict(Quote(to) + " exists; give --force to replace it")
            .WithShown(i18n::Format("{0} exists; give --force to replace it", {Quote(to)}));
      }
      return Status::IoError("linking onto " + Quote(to) + ": " + ErrnoText())
          .WithShown(i18n::Format("linking onto {0}: {1}", {Quote(to), ErrnoText()}));
    }
    unlink(from.c_str());
  }
  return FsyncDir(DirOf(to));
}

// ---- Keys ----

// A 32-byte symmetric key, wiped when dropped.
struct Key {
  Key() = default;
  Key(const Key&) = default;
  Key& operator=(const Key&) = default;
  ~Key() { sodium_memzero(bytes.data(), bytes.size()); }
  std::array<uint8_t, kKeyBytes> bytes{};

  // Names the key without revealing it: keyed BLAKE2b of a fixed context.
  std::array<uint8_t, kKeyIdBytes> Id() const {
    std::array<uint8_t, 32> full;
    crypto_generichash(full.data(), full.size(), reinterpret_cast<const uint8_t*>(kKeyIdContext),
                       sizeof kKeyIdContext - 1, bytes.data(), bytes.size());
    std::array<uint8_t, kKeyIdBytes> id;
    std::memcpy(id.data(), full.data(), id.size());
    return id;
  }
};

std::string KeyIdText(const std::array<uint8_t, kKeyIdBytes>& id) {
  return Hex(id.data(), id.size());
}

// `what` names the file in English ("backup key file"), `what_shown` in the
// process's language.
Status CheckPrivateFile(const std::string& path, const std::string& what,
                        const std::string& what_shown) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    return Status::NotFound("no " + what + " " + Quote(path))
        .WithShown(i18n::Format("no {0} {1}", {what_shown, Quote(path)}));
  }
  if (!S_ISREG(info.st_mode)) {
    return Status::InvalidInput(what + " " + Quote(path) + " is not a file")
        .WithShown(i18n::Format("{0} {1} is not a file", {what_shown, Quote(path)}));
  }
  if (info.st_mode & 077) {
    return Status::Refused(what + " " + Quote(path) + " is readable by others; chmod 600 it")
        .WithShown(
            i18n::Format("{0} {1} is readable by others; chmod 600 it", {what_shown, Quote(path)}));
  }
  return Status::Ok();
}

Result<Key> LoadKeyFile(const std::string& path) {
  RETURN_IF_ERROR(CheckPrivateFile(path, "backup key file", i18n::Tr("backup key file")));
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    return Status::IoError("cannot read backup key file " + Quote(path))
        .WithShown(i18n::Format("cannot read backup key file {0}", {Quote(path)}));
  }
  Key key;
  std::array<uint8_t, kKeyBytes + 1> buf{};
  ASSIGN_OR_RETURN(size_t n, ReadUpTo(fd.get(), buf.data(), buf.size(), path));
  std::memcpy(key.bytes.data(), buf.data(), kKeyBytes);
  sodium_memzero(buf.data(), buf.size());
  if (n != kKeyBytes) {
    return Status::InvalidInput("backup key file " + Quote(path) + " is not a backup key (" +
                                std::to_string(n) + " bytes, a key is 32: outpost backup-keygen)")
        .WithShown(
            i18n::Format("backup key file {0} is not a backup key ({1} bytes, a key is 32: outpost "
                         "backup-keygen)",
                         {Quote(path), std::to_string(n)}));
  }
  return key;
}

struct CostLimits {
  uint64_t opslimit;
  uint64_t memlimit;
};

CostLimits LimitsOf(PassphraseCost cost) {
  switch (cost) {
    case PassphraseCost::kInteractive:
      return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
    case PassphraseCost::kModerate:
      return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
    case PassphraseCost::kSensitive:
      return {crypto_pwhash_OPSLIMIT_SENSITIVE, crypto_pwhash_MEMLIMIT_SENSITIVE};
  }
  return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

Result<Key> DeriveKey(const std::string& passphrase, const uint8_t* salt, uint64_t opslimit,
                      uint64_t memlimit) {
  Key key;
  if (crypto_pwhash(key.bytes.data(), key.bytes.size(), passphrase.data(), passphrase.size(), salt,
                    opslimit, static_cast<size_t>(memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::IoError("argon2id: cannot stretch the passphrase (out of memory for " +
                           std::to_string(memlimit >> 20) + " MiB?)")
        .WithShown(
            i18n::Format("argon2id: cannot stretch the passphrase (out of memory for {0} MiB?)",
                         {std::to_string(memlimit >> 20)}));
  }
  return key;
}

// ---- SQLite, raw (the snapshot must not get Db::Open's WAL/pragmas) ----

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

Result<SqliteHandle> OpenRaw(const std::string& path, int flags, const std::string& what) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteHandle db(raw);
  if (rc != SQLITE_OK) return SqliteStatus(raw, rc, "opening " + what + " " + Quote(path));
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

// Runs `sql`, calling `row` for each result row.
Status ForEachRow(sqlite3* db, const std::string& sql,
                  const std::function<void(sqlite3_stmt*)>& row) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  if (rc != SQLITE_OK) return SqliteStatus(db, rc, sql);
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) row(raw);
  if (rc != SQLITE_DONE) return SqliteStatus(db, rc, sql);
  return Status::Ok();
}

std::string ColumnText(sqlite3_stmt* st, int col) {
  const unsigned char* t = sqlite3_column_text(st, col);
  return t ? std::string(reinterpret_cast<const char*>(t),
                         static_cast<size_t>(sqlite3_column_bytes(st, col)))
           : std::string();
}

// Pages through a memory map rather than read() copies: on a snapshot or a
// restored copy only, files no other process writes or truncates.
void MapPages(sqlite3* db) {
  sqlite3_exec(db, "PRAGMA mmap_size=1099511627776", nullptr, nullptr, nullptr);
}

// `what` names the database in English, `what_shown` in the process's language.
Status IntegrityCheck(sqlite3* db, const std::string& what, const std::string& what_shown) {
  std::vector<std::string> problems;
  RETURN_IF_ERROR(ForEachRow(db, "PRAGMA integrity_check",
                             [&](sqlite3_stmt* st) { problems.push_back(ColumnText(st, 0)); }));
  if (problems.size() == 1 && problems[0] == "ok") return Status::Ok();
  const std::string more = std::to_string(problems.size() - 1);
  return Status::Corruption(
             what + " fails integrity_check: " + (problems.empty() ? "no answer" : problems[0]) +
             (problems.size() > 1 ? " (and " + more + " more)" : ""))
      .WithShown(i18n::Format(
          "{0} fails integrity_check: {1}{2}",
          {what_shown, problems.empty() ? i18n::Tr("no answer") : problems[0],
           problems.size() > 1 ? i18n::Format(" (and {0} more)", {more}) : std::string()}));
}

std::string QuoteIdent(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

// Fills the manifest's kind, schema, tables and sites from the snapshot.
Status Describe(sqlite3* db, Manifest& m) {
  RETURN_IF_ERROR(ForEachRow(db, "PRAGMA user_version", [&](sqlite3_stmt* st) {
    m.schema_version = sqlite3_column_int(st, 0);
  }));
  std::vector<std::string> names;
  RETURN_IF_ERROR(ForEachRow(db,
                             "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT "
                             "LIKE 'sqlite_%' ORDER BY name",
                             [&](sqlite3_stmt* st) { names.push_back(ColumnText(st, 0)); }));
  m.tables.clear();
  for (const auto& name : names) {
    int64_t rows = 0;
    RETURN_IF_ERROR(ForEachRow(db, "SELECT count(*) FROM " + QuoteIdent(name),
                               [&](sqlite3_stmt* st) { rows = sqlite3_column_int64(st, 0); }));
    m.tables.emplace_back(name, rows);
  }
  auto has = [&](const char* t) { return std::find(names.begin(), names.end(), t) != names.end(); };
  const bool edge = has("change_log"), hub = has("batch_archive");
  if (edge && hub) {
    return Status::InvalidInput(
        "database has both change_log and batch_archive: neither a store nor a hub");
  }
  if (!edge && !hub) {
    return Status::InvalidInput(
        "database is neither an Outpost store (no change_log) nor a hub (no batch_archive)");
  }
  m.kind = edge ? "edge" : "hub";
  std::map<std::string, SiteRange> sites;
  auto add_ranges = [&](sqlite3_stmt* st) {
    SiteRange r{ColumnText(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
                sqlite3_column_int64(st, 3)};
    sites[r.site_id] = r;
  };
  auto add_site = [&](sqlite3_stmt* st) {
    std::string id = ColumnText(st, 0);
    if (!sites.count(id)) sites[id] = SiteRange{id, 0, 0, 0};
  };
  if (edge) {
    if (has("store_config")) {
      RETURN_IF_ERROR(ForEachRow(db, "SELECT store_id FROM store_config", add_site));
    }
    RETURN_IF_ERROR(ForEachRow(
        db, "SELECT site_id, min(seq), max(seq), count(*) FROM change_log GROUP BY site_id",
        add_ranges));
  } else {
    if (has("changes")) {
      RETURN_IF_ERROR(ForEachRow(
          db, "SELECT site_id, min(seq), max(seq), count(*) FROM changes GROUP BY site_id",
          add_ranges));
    }
    if (has("stores")) RETURN_IF_ERROR(ForEachRow(db, "SELECT site_id FROM stores", add_site));
  }
  m.sites.clear();
  for (auto& [id, r] : sites) m.sites.push_back(r);
  return Status::Ok();
}

// Copies the live database into `snapshot_path` under one read transaction (a
// consistent point in time; WAL writers carry on), makes the copy a
// self-contained rollback-journal file and describes it. CheckSnapshot() is
// its integrity_check.
Status TakeSnapshot(const std::string& db_path, const std::string& snapshot_path, Manifest& m) {
  {
    // Read-write like any desk connection (SQLite falls back to read-only on a
    // write-protected file): the last connection to close tidies -wal and -shm.
    // Nothing is written through it.
    ASSIGN_OR_RETURN(SqliteHandle src, OpenRaw(db_path, SQLITE_OPEN_READWRITE, "database"));
    sqlite3_busy_timeout(src.get(), 10'000);
    ASSIGN_OR_RETURN(SqliteHandle dst, OpenRaw(snapshot_path, SQLITE_OPEN_READWRITE, "snapshot"));
    sqlite3_exec(dst.get(), "PRAGMA synchronous=OFF", nullptr, nullptr, nullptr);
    MapPages(dst.get());
    sqlite3_backup* b = sqlite3_backup_init(dst.get(), "main", src.get(), "main");
    if (!b) return SqliteStatus(dst.get(), sqlite3_errcode(dst.get()), "starting the snapshot");
    // All pages in one step: one read transaction, so one point in time.
    const auto deadline = SteadyClock::now() + std::chrono::seconds(30);
    int rc;
    while ((rc = sqlite3_backup_step(b, -1)) != SQLITE_DONE) {
      int primary = rc & 0xff;
      if ((primary == SQLITE_BUSY || primary == SQLITE_LOCKED) && SteadyClock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      sqlite3_backup_finish(b);
      return SqliteStatus(src.get(), rc, "snapshot of database " + Quote(db_path));
    }
    rc = sqlite3_backup_finish(b);
    if (rc != SQLITE_OK) return SqliteStatus(dst.get(), rc, "finishing the snapshot");
    src.reset();  // the live database's read lock goes as early as possible

    std::string mode;
    RETURN_IF_ERROR(ForEachRow(dst.get(), "PRAGMA journal_mode=DELETE",
                               [&](sqlite3_stmt* st) { mode = ColumnText(st, 0); }));
    if (mode != "delete") {
      return Status::IoError("snapshot: cannot leave WAL mode (journal_mode " + mode + ")")
          .WithShown(i18n::Format("snapshot: cannot leave WAL mode (journal_mode {0})", {mode}));
    }
    RETURN_IF_ERROR(Describe(dst.get(), m));
  }
  for (const char* suffix : {"-journal", "-wal", "-shm"}) unlink((snapshot_path + suffix).c_str());
  return Status::Ok();
}

// PRAGMA integrity_check of a snapshot file, on a connection of its own (so it
// can run on another thread while the snapshot is compressed).
Status CheckSnapshot(const std::string& snapshot_path, const std::string& what,
                     const std::string& what_shown) {
  ASSIGN_OR_RETURN(SqliteHandle db, OpenRaw(snapshot_path, SQLITE_OPEN_READONLY, "snapshot"));
  MapPages(db.get());
  return IntegrityCheck(db.get(), what, what_shown);
}

// Joins a thread on every way out of a scope.
class JoinOnExit {
 public:
  explicit JoinOnExit(std::thread& t) : t_(t) {}
  JoinOnExit(const JoinOnExit&) = delete;
  JoinOnExit& operator=(const JoinOnExit&) = delete;
  ~JoinOnExit() {
    if (t_.joinable()) t_.join();
  }

 private:
  std::thread& t_;
};

// ---- Manifest JSON ----

json ManifestJson(const Manifest& m) {
  json sites = json::array();
  for (const auto& s : m.sites) {
    sites.push_back({{"site_id", s.site_id},
                     {"min_seq", s.min_seq},
                     {"max_seq", s.max_seq},
                     {"changes", s.changes}});
  }
  json tables = json::object();
  for (const auto& [name, rows] : m.tables) tables[name] = rows;
  return {{"format", m.format},
          {"kind", m.kind},
          {"source", m.source},
          {"schema_version", m.schema_version},
          {"sites", sites},
          {"tables", tables},
          {"snapshot_bytes", m.snapshot_bytes},
          {"snapshot_blake2b", m.snapshot_blake2b},
          {"compression", m.compression},
          {"created_at", m.created_at}};
}

Result<Manifest> ParseManifest(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto bad = [](const std::string& what) {
    return Status::Corruption("manifest: " + what + " missing or malformed")
        .WithShown(i18n::Format("manifest: {0} missing or malformed", {what}));
  };
  if (!j.is_object()) return bad("JSON object");
  Manifest m;
  auto str = [&](const char* k, std::string& out) {
    if (!j.contains(k) || !j[k].is_string()) return false;
    out = j[k].get<std::string>();
    return true;
  };
  if (!j.contains("format") || !j["format"].is_number_integer()) return bad("format");
  m.format = j["format"].get<int>();
  if (!str("kind", m.kind) || (m.kind != "edge" && m.kind != "hub")) return bad("kind");
  if (!str("source", m.source)) return bad("source");
  if (!str("snapshot_blake2b", m.snapshot_blake2b) || m.snapshot_blake2b.size() != 64) {
    return bad("snapshot_blake2b");
  }
  if (!str("compression", m.compression)) return bad("compression");
  if (!str("created_at", m.created_at)) return bad("created_at");
  if (!j.contains("schema_version") || !j["schema_version"].is_number_integer()) {
    return bad("schema_version");
  }
  m.schema_version = j["schema_version"].get<int>();
  if (!j.contains("snapshot_bytes") || !j["snapshot_bytes"].is_number_unsigned()) {
    return bad("snapshot_bytes");
  }
  m.snapshot_bytes = j["snapshot_bytes"].get<uint64_t>();
  if (!j.contains("sites") || !j["sites"].is_array()) return bad("sites");
  for (const auto& s : j["sites"]) {
    if (!s.is_object() || !s.contains("site_id") || !s["site_id"].is_string()) return bad("sites");
    SiteRange r;
    r.site_id = s["site_id"].get<std::string>();
    for (auto [key, field] : {std::pair{"min_seq", &r.min_seq}, std::pair{"max_seq", &r.max_seq},
                              std::pair{"changes", &r.changes}}) {
      if (!s.contains(key) || !s[key].is_number_integer()) return bad("sites");
      *field = s[key].get<int64_t>();
    }
    m.sites.push_back(r);
  }
  if (!j.contains("tables") || !j["tables"].is_object()) return bad("tables");
  for (const auto& [name, rows] : j["tables"].items()) {
    if (!rows.is_number_integer()) return bad("tables");
    m.tables.emplace_back(name, rows.get<int64_t>());
  }
  return m;
}

// ---- Header ----

struct HeaderBytes {
  std::array<uint8_t, kHeaderBytes> bytes{};

  void Seal() {
    crypto_generichash(bytes.data() + kOffCheck, kCheckBytes, bytes.data(), kOffCheck, nullptr, 0);
  }
  bool CheckOk() const {
    std::array<uint8_t, kCheckBytes> check;
    crypto_generichash(check.data(), check.size(), bytes.data(), kOffCheck, nullptr, 0);
    return sodium_memcmp(check.data(), bytes.data() + kOffCheck, kCheckBytes) == 0;
  }
};

// ---- Writing: compress, seal in chunks, append ----

class SealedWriter {
 public:
  SealedWriter(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Status Header(const HeaderBytes& h) { return Append(h.bytes.data(), h.bytes.size()); }
  Status Init(const Key& key, uint8_t* stream_header) {
    crypto_secretstream_xchacha20poly1305_init_push(&state_, stream_header, key.bytes.data());
    return Status::Ok();
  }
  Status Record(const uint8_t* m, size_t n, const uint8_t* ad, size_t ad_n, uint8_t tag) {
    buf_.resize(4 + n + kABytes);
    unsigned long long clen = 0;
    crypto_secretstream_xchacha20poly1305_push(&state_, buf_.data() + 4, &clen, m, n, ad, ad_n,
                                               tag);
    PutLe(buf_.data(), clen, 4);
    return Append(buf_.data(), 4 + static_cast<size_t>(clen));
  }
  uint64_t written() const { return written_; }
  ~SealedWriter() { sodium_memzero(&state_, sizeof state_); }

 private:
  Status Append(const uint8_t* p, size_t n) {
    RETURN_IF_ERROR(WriteAll(fd_, p, n, path_));
    written_ += n;
    return Status::Ok();
  }
  int fd_;
  std::string path_;
  crypto_secretstream_xchacha20poly1305_state state_;
  std::vector<uint8_t> buf_;
  uint64_t written_ = 0;
};

// A read-only mapping of a whole file.
class Mapping {
 public:
  static Result<std::unique_ptr<Mapping>> Open(const std::string& path) {
    Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat info;
    if (!fd.valid() || fstat(fd.get(), &info) != 0) {
      return Status::IoError("cannot read " + Quote(path) + ": " + ErrnoText())
          .WithShown(i18n::Format("cannot read {0}: {1}", {Quote(path), ErrnoText()}));
    }
    auto m = std::unique_ptr<Mapping>(new Mapping());
    m->size_ = static_cast<size_t>(info.st_size);
    if (m->size_ == 0) {
      return Status::IoError("snapshot " + Quote(path) + " is empty")
          .WithShown(i18n::Format("snapshot {0} is empty", {Quote(path)}));
    }
    // Populated up front: one bulk fault-in instead of one fault per page.
    void* p = mmap(nullptr, m->size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd.get(), 0);
    if (p == MAP_FAILED) {
      return Status::IoError("cannot map " + Quote(path) + ": " + ErrnoText())
          .WithShown(i18n::Format("cannot map {0}: {1}", {Quote(path), ErrnoText()}));
    }
    m->data_ = static_cast<const uint8_t*>(p);
    madvise(p, m->size_, MADV_SEQUENTIAL);
    return m;
  }
  ~Mapping() {
    if (data_) munmap(const_cast<uint8_t*>(data_), size_);
  }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  Mapping() = default;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

struct ZstdCCtxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct ZstdDCtxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

// Compresses `data` and seals it as chunks of `chunk` bytes, the last one FINAL.
Status CompressAndSeal(const Mapping& data, uint32_t chunk, int level, SealedWriter& writer,
                       const std::function<void(int64_t, int64_t)>& progress) {
  std::unique_ptr<ZSTD_CCtx, ZstdCCtxFree> cctx(ZSTD_createCCtx());
  if (!cctx) return Status::IoError("zstd: cannot create a compression context");
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1);
  ZSTD_CCtx_setPledgedSrcSize(cctx.get(), data.size());
  std::vector<uint8_t> pending;
  pending.reserve(2 * static_cast<size_t>(chunk) + ZSTD_CStreamOutSize());
  std::vector<uint8_t> out_buf(std::max<size_t>(ZSTD_CStreamOutSize(), chunk));
  auto emit_full = [&]() -> Status {
    size_t head = 0;
    // Strictly more than a chunk: the last chunk, FINAL, is never empty unless the data is.
    while (pending.size() - head > chunk) {
      RETURN_IF_ERROR(writer.Record(pending.data() + head, chunk, nullptr, 0,
                                    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE));
      head += chunk;
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(head));
    return Status::Ok();
  };
  const size_t kSlice = 1 << 20;
  for (size_t off = 0; off < data.size(); off += kSlice) {
    const size_t n = std::min(kSlice, data.size() - off);
    const bool last = off + n == data.size();
    ZSTD_inBuffer in{data.data() + off, n, 0};
    const ZSTD_EndDirective mode = last ? ZSTD_e_end : ZSTD_e_continue;
    size_t remaining;
    do {
      ZSTD_outBuffer out{out_buf.data(), out_buf.size(), 0};
      remaining = ZSTD_compressStream2(cctx.get(), &out, &in, mode);
      if (ZSTD_isError(remaining)) {
        return Status::IoError(std::string("zstd: ") + ZSTD_getErrorName(remaining))
            .WithShown(i18n::Format("zstd: {0}", {ZSTD_getErrorName(remaining)}));
      }
      pending.insert(pending.end(), out_buf.data(), out_buf.data() + out.pos);
      RETURN_IF_ERROR(emit_full());
    } while (last ? remaining != 0 : in.pos < in.size);
    if (progress)
      progress(static_cast<int64_t>((off + n) >> 20), static_cast<int64_t>(data.size() >> 20));
  }
  return writer.Record(pending.data(), pending.size(), nullptr, 0,
                       crypto_secretstream_xchacha20poly1305_TAG_FINAL);
}

// ---- Reading: header, key, manifest, data ----

class Reader {
 public:
  static Result<std::unique_ptr<Reader>> Open(const std::string& path) {
    RETURN_IF_ERROR(InitSodium());
    auto r = std::unique_ptr<Reader>(new Reader(path));
    r->fd_ = Fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!r->fd_.valid()) {
      if (errno == ENOENT) {
        return Status::NotFound("no backup file " + Quote(path))
            .WithShown(i18n::Format("no backup file {0}", {Quote(path)}));
      }
      return Status::IoError("cannot read backup " + Quote(path) + ": " + ErrnoText())
          .WithShown(i18n::Format("cannot read backup {0}: {1}", {Quote(path), ErrnoText()}));
    }
    ASSIGN_OR_RETURN(size_t n, ReadUpTo(r->fd_.get(), r->raw_.bytes.data(), kHeaderBytes, path));
    r->offset_ = n;
    const uint8_t* h = r->raw_.bytes.data();
    if (n < kMagicBytes || std::memcmp(h, kMagic, kMagicBytes) != 0) {
      return Status::InvalidInput("backup " + Quote(path) +
                                  " is not an Outpost backup (no OUTPOSTBK1 magic)")
          .WithShown(i18n::Format("backup {0} is not an Outpost backup (no OUTPOSTBK1 magic)",
                                  {Quote(path)}));
    }
    if (n < kHeaderBytes) {
      return Status::Corruption("backup " + Quote(path) + " is truncated inside its header (" +
                                std::to_string(n) + " of " + std::to_string(kHeaderBytes) +
                                " bytes)")
          .WithShown(i18n::Format("backup {0} is truncated inside its header ({1} of {2} bytes)",
                                  {Quote(path), std::to_string(n), std::to_string(kHeaderBytes)}));
    }
    if (h[kOffVersion] != kFormatVersion) {
      return Status::Refused("backup " + Quote(path) + " has format version " +
                             std::to_string(h[kOffVersion]) + "; this program reads version " +
                             std::to_string(kFormatVersion) +
                             " (a newer program's backup, or a damaged file)")
          .WithShown(i18n::Format(
              "backup {0} has format version {1}; this program reads version "
              "{2} (a newer program's backup, or a damaged file)",
              {Quote(path), std::to_string(h[kOffVersion]), std::to_string(kFormatVersion)}));
    }
    if (!r->raw_.CheckOk()) {
      return Status::Corruption("backup " + Quote(path) + ": header is damaged (checksum mismatch)")
          .WithShown(
              i18n::Format("backup {0}: header is damaged (checksum mismatch)", {Quote(path)}));
    }
    Header& hd = r->header_;
    hd.version = h[kOffVersion];
    if (h[kOffKind] != kKindKeyFile && h[kOffKind] != kKindPassphrase) {
      return Status::Corruption("backup " + Quote(path) + ": unknown key kind " +
                                std::to_string(h[kOffKind]))
          .WithShown(i18n::Format("backup {0}: unknown key kind {1}",
                                  {Quote(path), std::to_string(h[kOffKind])}));
    }
    hd.passphrase = h[kOffKind] == kKindPassphrase;
    hd.chunk_bytes = static_cast<uint32_t>(GetLe(h + kOffChunk, 4));
    hd.opslimit = GetLe(h + kOffOps, 8);
    hd.memlimit = GetLe(h + kOffMem, 8);
    std::array<uint8_t, kKeyIdBytes> id;
    std::memcpy(id.data(), h + kOffKeyId, id.size());
    hd.key_id = KeyIdText(id);
    if (hd.chunk_bytes < kMinChunk || hd.chunk_bytes > kMaxChunk) {
      return Status::Corruption("backup " + Quote(path) + ": chunk size " +
                                std::to_string(hd.chunk_bytes) + " out of range")
          .WithShown(i18n::Format("backup {0}: chunk size {1} out of range",
                                  {Quote(path), std::to_string(hd.chunk_bytes)}));
    }
    if (hd.passphrase && (hd.opslimit < crypto_pwhash_OPSLIMIT_MIN || hd.opslimit > kMaxOpslimit ||
                          hd.memlimit < crypto_pwhash_MEMLIMIT_MIN ||
                          hd.memlimit > crypto_pwhash_MEMLIMIT_SENSITIVE)) {
      return Status::Corruption("backup " + Quote(path) + ": Argon2id limits out of range")
          .WithShown(i18n::Format("backup {0}: Argon2id limits out of range", {Quote(path)}));
    }
    return r;
  }

  const Header& header() const { return header_; }
  const Manifest& manifest() const { return manifest_; }

  // Derives or loads the key, checks it is the backup's, and opens the manifest.
  Status Unlock(const KeySource& source) {
    Key key;
    const bool has_pass = source.passphrase.has_value();
    if (header_.passphrase && !has_pass) {
      return Status::InvalidInput("backup " + Quote(path_) +
                                  " was made with a passphrase: give OUTPOST_BACKUP_PASSPHRASE or "
                                  "--passphrase-file, not a key file")
          .WithShown(i18n::Format("backup {0} was made with a passphrase: give "
                                  "OUTPOST_BACKUP_PASSPHRASE or --passphrase-file, not a key file",
                                  {Quote(path_)}));
    }
    if (!header_.passphrase && has_pass) {
      return Status::InvalidInput("backup " + Quote(path_) +
                                  " was made with a key file: give --key FILE, not a passphrase")
          .WithShown(
              i18n::Format("backup {0} was made with a key file: give --key FILE, not a passphrase",
                           {Quote(path_)}));
    }
    if (header_.passphrase) {
      ASSIGN_OR_RETURN(key, DeriveKey(*source.passphrase, raw_.bytes.data() + kOffSalt,
                                      header_.opslimit, header_.memlimit));
    } else {
      ASSIGN_OR_RETURN(key, LoadKeyFile(source.key_file));
    }
    const std::string id = KeyIdText(key.Id());
    if (id != header_.key_id) {
      return Status::Refused("backup " + Quote(path_) + ": wrong " +
                             (header_.passphrase ? std::string("passphrase") : "key") +
                             " (the backup's key id is " + header_.key_id + ", this " +
                             (header_.passphrase ? "passphrase gives " : "key is ") + id + ")")
          .WithShown(header_.passphrase
                         ? i18n::Format("backup {0}: wrong passphrase (the backup's key id is {1}, "
                                        "this passphrase gives {2})",
                                        {Quote(path_), header_.key_id, id})
                         : i18n::Format("backup {0}: wrong key (the backup's key id is {1}, this "
                                        "key is {2})",
                                        {Quote(path_), header_.key_id, id}));
    }
    if (crypto_secretstream_xchacha20poly1305_init_pull(&state_, raw_.bytes.data() + kOffStream,
                                                        key.bytes.data()) != 0) {
      return Status::Corruption("backup " + Quote(path_) + ": stream header is invalid")
          .WithShown(i18n::Format("backup {0}: stream header is invalid", {Quote(path_)}));
    }
    std::vector<uint8_t> plain;
    uint8_t tag = 0;
    ASSIGN_OR_RETURN(bool got, NextRecord(plain, tag, raw_.bytes.data(), kHeaderBytes, "manifest",
                                          i18n::Tr("manifest")));
    if (!got) {
      return Status::Corruption("backup " + Quote(path_) + " is truncated: no manifest")
          .WithShown(i18n::Format("backup {0} is truncated: no manifest", {Quote(path_)}));
    }
    if (tag != crypto_secretstream_xchacha20poly1305_TAG_PUSH) {
      return Status::Corruption("backup " + Quote(path_) + ": the manifest chunk has the wrong tag")
          .WithShown(
              i18n::Format("backup {0}: the manifest chunk has the wrong tag", {Quote(path_)}));
    }
    Result<Manifest> m = ParseManifest(std::string(plain.begin(), plain.end()));
    if (!m.ok()) {
      return Status::Corruption("backup " + Quote(path_) + ": " + m.status().message())
          .WithShown(i18n::Format("backup {0}: {1}", {Quote(path_), m.status().shown()}));
    }
    manifest_ = std::move(m).value();
    return Status::Ok();
  }

  // Authenticates and decompresses every data chunk, handing the snapshot's
  // bytes to `sink`; then checks the final tag, the end of the file, the size
  // and the digest against the manifest.
  Status ReadData(const std::function<Status(const uint8_t*, size_t)>& sink) {
    std::unique_ptr<ZSTD_DCtx, ZstdDCtxFree> dctx(ZSTD_createDCtx());
    if (!dctx) return Status::IoError("zstd: cannot create a decompression context");
    crypto_generichash_state hash;
    crypto_generichash_init(&hash, nullptr, 0, 32);
    std::vector<uint8_t> plain, out_buf(std::max<size_t>(ZSTD_DStreamOutSize(), 1 << 20));
    uint64_t total = 0;
    size_t frame_left = 1;  // ZSTD_decompressStream's hint: 0 once the frame is complete
    // Sticky: a call after the frame's end (the output buffer filled exactly
    // by its last bytes) starts on a next frame and hints non-zero again.
    // Seen in CI as "ends mid-frame" with every byte restored.
    bool frame_complete = false;
    bool final = false;
    while (!final) {
      uint8_t tag = 0;
      ASSIGN_OR_RETURN(bool got, NextRecord(plain, tag, nullptr, 0, "chunk", i18n::Tr("chunk")));
      if (!got) {
        return Status::Corruption("backup " + Quote(path_) + " is truncated: it ends after " +
                                  std::to_string(records_ - 1) +
                                  " data chunks without the final chunk (" +
                                  std::to_string(offset_) + " bytes)")
            .WithShown(i18n::Format(
                "backup {0} is truncated: it ends after {1} data chunks "
                "without the final chunk ({2} bytes)",
                {Quote(path_), std::to_string(records_ - 1), std::to_string(offset_)}));
      }
      if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
        final = true;
      } else if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
        return Status::Corruption("backup " + Quote(path_) + ": chunk " +
                                  std::to_string(records_ - 1) + " has an unexpected tag")
            .WithShown(i18n::Format("backup {0}: chunk {1} has an unexpected tag",
                                    {Quote(path_), std::to_string(records_ - 1)}));
      }
      ZSTD_inBuffer in{plain.data(), plain.size(), 0};
      // After the final chunk the decoder can hold the frame's last bytes (its
      // checksum) with every byte of output given and all input taken: one more
      // call without input finishes the frame. Seen in CI: all bytes restored,
      // the frame not yet complete.
      bool finished_frame = false;
      while (true) {
        ZSTD_outBuffer out{out_buf.data(), out_buf.size(), 0};
        frame_left = ZSTD_decompressStream(dctx.get(), &out, &in);
        if (ZSTD_isError(frame_left)) {
          return Status::Corruption("backup " + Quote(path_) +
                                    ": decompression failed: " + ZSTD_getErrorName(frame_left))
              .WithShown(i18n::Format("backup {0}: decompression failed: {1}",
                                      {Quote(path_), ZSTD_getErrorName(frame_left)}));
        }
        if (total + out.pos > manifest_.snapshot_bytes) {
          return Status::Corruption("backup " + Quote(path_) + ": more data than the manifest's " +
                                    std::to_string(manifest_.snapshot_bytes) + " bytes")
              .WithShown(i18n::Format("backup {0}: more data than the manifest's {1} bytes",
                                      {Quote(path_), std::to_string(manifest_.snapshot_bytes)}));
        }
        if (out.pos > 0) {
          crypto_generichash_update(&hash, out_buf.data(), out.pos);
          RETURN_IF_ERROR(sink(out_buf.data(), out.pos));
          total += out.pos;
        }
        if (frame_left == 0) frame_complete = true;  // decoded and flushed whole
        if (frame_complete && in.pos == in.size) break;
        if (in.pos == in.size && out.pos < out.size) {
          if (!final || finished_frame) break;
          finished_frame = true;
        }
      }
    }
    uint8_t extra = 0;
    ASSIGN_OR_RETURN(size_t trailing, ReadUpTo(fd_.get(), &extra, 1, path_));
    if (trailing != 0) {
      return Status::Corruption("backup " + Quote(path_) +
                                ": bytes follow the final chunk at byte " + std::to_string(offset_))
          .WithShown(i18n::Format("backup {0}: bytes follow the final chunk at byte {1}",
                                  {Quote(path_), std::to_string(offset_)}));
    }
    if (!frame_complete) {
      return Status::Corruption("backup " + Quote(path_) + ": compressed data ends mid-frame (" +
                                std::to_string(total) + " of the manifest's " +
                                std::to_string(manifest_.snapshot_bytes) + " bytes after " +
                                std::to_string(records_) + " chunks)")
          .WithShown(
              i18n::Format("backup {0}: compressed data ends mid-frame ({1} of the "
                           "manifest's {2} bytes after {3} chunks)",
                           {Quote(path_), std::to_string(total),
                            std::to_string(manifest_.snapshot_bytes), std::to_string(records_)}));
    }
    if (total != manifest_.snapshot_bytes) {
      return Status::Corruption("backup " + Quote(path_) + ": " + std::to_string(total) +
                                " bytes restored, the manifest says " +
                                std::to_string(manifest_.snapshot_bytes))
          .WithShown(i18n::Format(
              "backup {0}: {1} bytes restored, the manifest says {2}",
              {Quote(path_), std::to_string(total), std::to_string(manifest_.snapshot_bytes)}));
    }
    std::array<uint8_t, 32> digest;
    crypto_generichash_final(&hash, digest.data(), digest.size());
    if (Hex(digest.data(), digest.size()) != manifest_.snapshot_blake2b) {
      return Status::Corruption("backup " + Quote(path_) +
                                ": BLAKE2b of the restored data does not match the manifest")
          .WithShown(
              i18n::Format("backup {0}: BLAKE2b of the restored data does not match the manifest",
                           {Quote(path_)}));
    }
    return Status::Ok();
  }

  ~Reader() { sodium_memzero(&state_, sizeof state_); }

 private:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  // The next sealed record, opened. False at a clean end of file. `what`
  // names the record in English ("manifest", "chunk"), `what_shown` in the
  // process's language.
  Result<bool> NextRecord(std::vector<uint8_t>& plain, uint8_t& tag, const uint8_t* ad, size_t ad_n,
                          const char* what, const std::string& what_shown) {
    const uint64_t at = offset_;
    const std::string where = "backup " + Quote(path_) + ": " + what + " " +
                              std::to_string(records_) + " at byte " + std::to_string(at);
    const std::string where_shown =
        i18n::Format("backup {0}: {1} {2} at byte {3}",
                     {Quote(path_), what_shown, std::to_string(records_), std::to_string(at)});
    std::array<uint8_t, 4> len_bytes;
    ASSIGN_OR_RETURN(size_t n, ReadUpTo(fd_.get(), len_bytes.data(), 4, path_));
    if (n == 0) return false;
    if (n < 4) {
      return Status::Corruption(where + " is truncated")
          .WithShown(i18n::Format("{0} is truncated", {where_shown}));
    }
    const uint64_t len = GetLe(len_bytes.data(), 4);
    if (len < kABytes || len > header_.chunk_bytes + kABytes) {
      return Status::Corruption(where + ": length " + std::to_string(len) +
                                " out of range (damaged)")
          .WithShown(i18n::Format("{0}: length {1} out of range (damaged)",
                                  {where_shown, std::to_string(len)}));
    }
    cipher_.resize(static_cast<size_t>(len));
    ASSIGN_OR_RETURN(size_t got, ReadUpTo(fd_.get(), cipher_.data(), cipher_.size(), path_));
    if (got < cipher_.size()) {
      return Status::Corruption(where + " is truncated")
          .WithShown(i18n::Format("{0} is truncated", {where_shown}));
    }
    offset_ += 4 + len;
    plain.resize(cipher_.size() - kABytes);
    unsigned long long plain_n = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&state_, plain.data(), &plain_n, &tag,
                                                   cipher_.data(), cipher_.size(), ad, ad_n) != 0) {
      return Status::Corruption(where + " fails authentication (damaged or forged)")
          .WithShown(i18n::Format("{0} fails authentication (damaged or forged)", {where_shown}));
    }
    plain.resize(static_cast<size_t>(plain_n));
    ++records_;
    return true;
  }

  std::string path_;
  Fd fd_;
  HeaderBytes raw_;
  Header header_;
  Manifest manifest_;
  crypto_secretstream_xchacha20poly1305_state state_;
  std::vector<uint8_t> cipher_;
  uint64_t offset_ = 0;
  uint64_t records_ = 0;
};

Result<std::unique_ptr<Reader>> OpenAndUnlock(const std::string& path, const KeySource& key) {
  ASSIGN_OR_RETURN(auto reader, Reader::Open(path));
  RETURN_IF_ERROR(reader->Unlock(key));
  return reader;
}

// ---- Restore's guards on the target ----

Status RefuseInUse(const std::string& path, std::optional<int> pid) {
  const bool known = pid && *pid > 0;
  const std::string pid_text = known ? std::to_string(*pid) : std::string();
  return Status::Refused("database " + Quote(path) + " is in use by another process" +
                         (known ? " (pid " + pid_text + ")" : "") +
                         ": stop its outpost-edge / outpost-hub first")
      .WithShown(i18n::Format(
          "database {0} is in use by another process{1}: stop its outpost-edge / outpost-hub "
          "first",
          {Quote(path), known ? i18n::Format(" (pid {0})", {pid_text}) : std::string()}));
}

// Takes SQLite's own exclusive lock on the target with no waiting: refused
// while another connection reads or writes it. Errors other than "busy" (a
// damaged or foreign file) do not stop a forced restore.
Status ProbeExclusive(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteHandle db(raw);
  if (rc != SQLITE_OK) return Status::Ok();
  sqlite3_busy_timeout(raw, 0);
  rc = sqlite3_exec(raw, "BEGIN EXCLUSIVE; SELECT count(*) FROM sqlite_schema;", nullptr, nullptr,
                    nullptr);
  const int primary = rc & 0xff;
  sqlite3_exec(raw, "ROLLBACK", nullptr, nullptr, nullptr);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return RefuseInUse(path, std::nullopt);
  return Status::Ok();
}

Result<std::optional<int>> LockHolder(const std::string& path, off_t start, off_t len) {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::optional<int>();
    return Status::IoError("cannot open " + Quote(path) + " to check its locks: " + ErrnoText())
        .WithShown(
            i18n::Format("cannot open {0} to check its locks: {1}", {Quote(path), ErrnoText()}));
  }
  struct flock probe {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  probe.l_start = start;
  probe.l_len = len;
  if (fcntl(fd.get(), F_GETLK, &probe) != 0) {
    return Status::IoError("cannot check the locks of " + Quote(path) + ": " + ErrnoText())
        .WithShown(i18n::Format("cannot check the locks of {0}: {1}", {Quote(path), ErrnoText()}));
  }
  if (probe.l_type == F_UNLCK) return std::optional<int>();
  return std::optional<int>(static_cast<int>(probe.l_pid));
}

std::string HumanBytes(uint64_t n) {
  std::ostringstream s;
  if (n < 1024) {
    s << n << " B";
  } else if (n < (1u << 20)) {
    s << std::fixed << std::setprecision(1) << static_cast<double>(n) / 1024 << " KiB";
  } else {
    s << std::fixed << std::setprecision(1) << static_cast<double>(n) / (1 << 20) << " MiB";
  }
  return s.str();
}

std::string SitesText(const Manifest& m) {
  std::string out;
  for (const auto& s : m.sites) {
    if (!out.empty()) out += ", ";
    out += s.site_id;
  }
  return out.empty() ? "(none)" : out;
}

json HeaderJson(const Header& h) {
  json j = {{"version", h.version},
            {"key_kind", h.passphrase ? "passphrase" : "keyfile"},
            {"key_id", h.key_id},
            {"chunk_bytes", h.chunk_bytes}};
  if (h.passphrase) {
    j["argon2id"] = {{"opslimit", h.opslimit}, {"memlimit", h.memlimit}};
  }
  return j;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

int Fail(std::ostream& err, const Status& st) {
  err << "outpost: " << st.ShownString() << "\n";
  return ExitCodeFor(st);
}

}  // namespace

// ---- Public API ----

KeySource::~KeySource() {
  if (passphrase) sodium_memzero(passphrase->data(), passphrase->size());
}

Result<PassphraseCost> ParsePassphraseCost(std::string_view name) {
  if (name == "interactive") return PassphraseCost::kInteractive;
  if (name == "moderate") return PassphraseCost::kModerate;
  if (name == "sensitive") return PassphraseCost::kSensitive;
  return Status::InvalidInput("pwhash: '" + std::string(name) +
                              "' is not one of interactive, moderate, sensitive")
      .WithShown(
          i18n::Format("pwhash: '{0}' is not one of interactive, moderate, sensitive", {name}));
}

Result<std::string> MakeKeyFile(const std::string& path, bool overwrite) {
  RETURN_IF_ERROR(InitSodium());
  Key key;
  randombytes_buf(key.bytes.data(), key.bytes.size());
  const std::string dir = DirOf(path);
  ASSIGN_OR_RETURN(auto tmp,
                   MakeTempFile(dir, std::filesystem::path(path).filename().string(), "key"));
  TempPath guard(tmp.first);
  RETURN_IF_ERROR(WriteAll(tmp.second.get(), key.bytes.data(), key.bytes.size(), tmp.first));
  if (fchmod(tmp.second.get(), 0600) != 0 || fsync(tmp.second.get()) != 0 ||
      tmp.second.Close() != 0) {
    return Status::IoError("writing " + Quote(tmp.first) + ": " + ErrnoText())
        .WithShown(i18n::Format("writing {0}: {1}", {Quote(tmp.first), ErrnoText()}));
  }
  Status placed = Place(tmp.first, path, overwrite);
  if (placed.code() == StatusCode::kConflict) {
    return Status::Conflict(Quote(path) +
                            " exists; a backup key is never overwritten unless --force "
                            "(backups made with it would be lost)")
        .WithShown(i18n::Format("{0} exists; a backup key is never overwritten unless --force "
                                "(backups made with it would be lost)",
                                {Quote(path)}));
  }
  RETURN_IF_ERROR(placed);
  guard.Keep();
  return KeyIdText(key.Id());
}

Result<BackupReport> MakeBackup(const BackupOptions& o, const Clock& clock) {
  const auto start = SteadyClock::now();
  RETURN_IF_ERROR(InitSodium());
  if (o.db_path.empty()) return Status::InvalidInput("db: name the database to back up with --db");
  RETURN_IF_ERROR(RefusePostgresUrl("db", o.db_path));
  if (o.out_path.empty()) return Status::InvalidInput("out: name the backup file with --out");
  if (o.chunk_bytes < kMinChunk || o.chunk_bytes > kMaxChunk) {
    return Status::InvalidInput("chunk size " + std::to_string(o.chunk_bytes) + " out of range")
        .WithShown(i18n::Format("chunk size {0} out of range", {std::to_string(o.chunk_bytes)}));
  }
  struct stat info;
  if (stat(o.db_path.c_str(), &info) != 0) {
    return Status::NotFound("no database " + Quote(o.db_path))
        .WithShown(i18n::Format("no database {0}", {Quote(o.db_path)}));
  }
  if (!S_ISREG(info.st_mode)) {
    return Status::InvalidInput(Quote(o.db_path) + " is not a file")
        .WithShown(i18n::Format("{0} is not a file", {Quote(o.db_path)}));
  }
  if (!o.overwrite && access(o.out_path.c_str(), F_OK) == 0) {
    return Status::Conflict(Quote(o.out_path) + " exists; give --force to replace it")
        .WithShown(i18n::Format("{0} exists; give --force to replace it", {Quote(o.out_path)}));
  }

  // The key first: a bad key file stops the backup before any work.
  HeaderBytes header;
  uint8_t* h = header.bytes.data();
  std::memcpy(h, kMagic, kMagicBytes);
  h[kOffVersion] = kFormatVersion;
  PutLe(h + kOffChunk, o.chunk_bytes, 4);
  Key key;
  if (o.key.passphrase) {
    if (o.key.passphrase->size() < 8) {
      return Status::InvalidInput("passphrase: at least 8 characters");
    }
    h[kOffKind] = kKindPassphrase;
    randombytes_buf(h + kOffSalt, kSaltBytes);
    const CostLimits limits = LimitsOf(o.key.cost);
    PutLe(h + kOffOps, limits.opslimit, 8);
    PutLe(h + kOffMem, limits.memlimit, 8);
    ASSIGN_OR_RETURN(key,
                     DeriveKey(*o.key.passphrase, h + kOffSalt, limits.opslimit, limits.memlimit));
  } else if (!o.key.key_file.empty()) {
    h[kOffKind] = kKindKeyFile;
    ASSIGN_OR_RETURN(key, LoadKeyFile(o.key.key_file));
  } else {
    return Status::InvalidInput("key: give a key file or a passphrase");
  }
  const auto key_id = key.Id();
  std::memcpy(h + kOffKeyId, key_id.data(), key_id.size());

  // The plaintext snapshot, checked and described.
  const std::string out_name = std::filesystem::path(o.out_path).filename().string();
  // Beside the database by default: the plaintext never lands where backups go
  // (often a mount off the machine), even if this process is killed.
  const std::string tmp_dir = o.tmp_dir.empty() ? DirOf(o.db_path) : o.tmp_dir;
  ASSIGN_OR_RETURN(auto snap_file, MakeTempFile(tmp_dir, out_name, "snapshot"));
  TempPath snapshot(snap_file.first);
  snap_file.second.Close();
  Manifest m;
  std::error_code ec;
  m.source = std::filesystem::absolute(o.db_path, ec).string();
  m.compression = "zstd-" + std::to_string(o.zstd_level);
  m.created_at = FormatUtcMs(clock.NowMs());
  auto phase = SteadyClock::now();
  RETURN_IF_ERROR(TakeSnapshot(o.db_path, snapshot.path(), m));
  BackupReport report;
  report.snapshot_ms = MsSince(phase);

  // integrity_check of the snapshot runs beside the digest, compression and
  // sealing (the checks take as long as the rest on a store-sized file). The
  // backup is renamed into place only once it has passed.
  Status integrity;
  int64_t check_ms = 0;
  std::thread checker([&] {
    const auto started = SteadyClock::now();
    integrity = CheckSnapshot(snapshot.path(), "snapshot of " + Quote(o.db_path),
                              i18n::Format("snapshot of {0}", {Quote(o.db_path)}));
    check_ms = MsSince(started);
  });
  JoinOnExit join_checker(checker);
  phase = SteadyClock::now();
  ASSIGN_OR_RETURN(auto data, Mapping::Open(snapshot.path()));
  std::array<uint8_t, 32> digest;
  crypto_generichash(digest.data(), digest.size(), data->data(), data->size(), nullptr, 0);
  m.snapshot_bytes = data->size();
  m.snapshot_blake2b = Hex(digest.data(), digest.size());

  // Sealed into a temporary file beside the output, then renamed into place.
  ASSIGN_OR_RETURN(auto out_file, MakeTempFile(DirOf(o.out_path), out_name, "tmp"));
  TempPath out_tmp(out_file.first);
  SealedWriter writer(out_file.second.get(), out_file.first);
  RETURN_IF_ERROR(writer.Init(key, h + kOffStream));
  header.Seal();
  RETURN_IF_ERROR(writer.Header(header));
  const std::string manifest = ManifestJson(m).dump();
  if (manifest.size() > o.chunk_bytes) {
    return Status::InvalidInput("manifest (" + std::to_string(manifest.size()) +
                                " bytes) is larger than a chunk")
        .WithShown(i18n::Format("manifest ({0} bytes) is larger than a chunk",
                                {std::to_string(manifest.size())}));
  }
  RETURN_IF_ERROR(writer.Record(reinterpret_cast<const uint8_t*>(manifest.data()), manifest.size(),
                                header.bytes.data(), header.bytes.size(),
                                crypto_secretstream_xchacha20poly1305_TAG_PUSH));
  RETURN_IF_ERROR(CompressAndSeal(*data, o.chunk_bytes, o.zstd_level, writer, o.on_progress));
  if (fsync(out_file.second.get()) != 0 || out_file.second.Close() != 0) {
    return Status::IoError("writing " + Quote(out_file.first) + ": " + ErrnoText())
        .WithShown(i18n::Format("writing {0}: {1}", {Quote(out_file.first), ErrnoText()}));
  }
  report.seal_ms = MsSince(phase);
  checker.join();
  report.check_ms = check_ms;
  RETURN_IF_ERROR(integrity);
  RETURN_IF_ERROR(Place(out_file.first, o.out_path, o.overwrite));
  out_tmp.Keep();

  report.manifest = std::move(m);
  report.key_id = KeyIdText(key_id);
  report.bytes_out = writer.written();
  report.elapsed_ms = MsSince(start);
  return report;
}

Result<Contents> InspectBackup(const std::string& path, const KeySource& key, bool verify_data) {
  ASSIGN_OR_RETURN(auto reader, OpenAndUnlock(path, key));
  Contents contents{reader->header(), reader->manifest(), false};
  if (verify_data) {
    RETURN_IF_ERROR(reader->ReadData([](const uint8_t*, size_t) { return Status::Ok(); }));
    contents.data_verified = true;
  }
  return contents;
}

Result<std::optional<int>> ProcessHoldingDatabase(const std::string& path) {
  // os_unix.c: PENDING_BYTE (0x40000000), RESERVED_BYTE, then 510 SHARED bytes.
  // A WAL connection keeps a SHARED lock there for as long as it is open.
  ASSIGN_OR_RETURN(std::optional<int> holder, LockHolder(path, 0x40000000, 512));
  if (holder) return holder;
  // wal.c: the -shm's read-mark locks (120..127) and the DMS byte (128) every
  // WAL connection holds shared while open.
  return LockHolder(path + "-shm", 120, 9);
}

Result<RestoreReport> RestoreBackup(const RestoreOptions& o) {
  const auto start = SteadyClock::now();
  if (o.from.empty()) return Status::InvalidInput("from: name the backup file with --from");
  if (o.to.empty()) return Status::InvalidInput("to: name the database to restore with --to");
  RETURN_IF_ERROR(RefusePostgresUrl("to", o.to));
  // Cheap refusals first, before the backup is read.
  auto target_state = [&](bool& exists, struct stat& info) -> Status {
    exists = lstat(o.to.c_str(), &info) == 0;
    if (exists && !S_ISREG(info.st_mode)) {
      return Status::InvalidInput("restore: " + Quote(o.to) + " is not a regular file")
          .WithShown(i18n::Format("restore: {0} is not a regular file", {Quote(o.to)}));
    }
    if (exists && !o.force) {
      return Status::Conflict("restore: " + Quote(o.to) +
                              " exists; restore replaces a database only with --force")
          .WithShown(i18n::Format(
              "restore: {0} exists; restore replaces a database only with --force", {Quote(o.to)}));
    }
    if (exists) {
      ASSIGN_OR_RETURN(std::optional<int> holder, ProcessHoldingDatabase(o.to));
      if (holder) return RefuseInUse(o.to, holder);
    }
    return Status::Ok();
  };
  bool exists = false;
  struct stat target {};
  RETURN_IF_ERROR(target_state(exists, target));
  const std::string dir = DirOf(o.to);
  if (!std::filesystem::is_directory(dir)) {
    return Status::NotFound("restore: directory " + Quote(dir) + " does not exist")
        .WithShown(i18n::Format("restore: directory {0} does not exist", {Quote(dir)}));
  }

  // Everything is verified into TO.restore-tmp; the target is not touched.
  ASSIGN_OR_RETURN(auto reader, OpenAndUnlock(o.from, o.key));
  const std::string tmp = o.to + ".restore-tmp";
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) unlink((tmp + suffix).c_str());
  Fd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    return Status::IoError("cannot create " + Quote(tmp) + ": " + ErrnoText())
        .WithShown(i18n::Format("cannot create {0}: {1}", {Quote(tmp), ErrnoText()}));
  }
  TempPath guard(tmp);
  RETURN_IF_ERROR(reader->ReadData([&, restored = uint64_t{0}](const uint8_t* p, size_t n) mutable {
    restored += n;
    if (o.on_progress) {
      o.on_progress(static_cast<int64_t>(restored >> 20),
                    static_cast<int64_t>(reader->manifest().snapshot_bytes >> 20));
    }
    return WriteAll(fd.get(), p, n, tmp);
  }));
  if (exists) {
    // The restored file keeps the replaced one's mode (and owner, when run as root).
    if (fchmod(fd.get(), target.st_mode & 0777) != 0 ||
        (geteuid() == 0 && fchown(fd.get(), target.st_uid, target.st_gid) != 0)) {
      return Status::IoError("cannot set the mode of " + Quote(tmp) + ": " + ErrnoText())
          .WithShown(i18n::Format("cannot set the mode of {0}: {1}", {Quote(tmp), ErrnoText()}));
    }
  }
  if (fsync(fd.get()) != 0 || fd.Close() != 0) {
    return Status::IoError("writing " + Quote(tmp) + ": " + ErrnoText())
        .WithShown(i18n::Format("writing {0}: {1}", {Quote(tmp), ErrnoText()}));
  }
  {
    ASSIGN_OR_RETURN(SqliteHandle db, OpenRaw(tmp, SQLITE_OPEN_READWRITE, "restored copy"));
    MapPages(db.get());
    RETURN_IF_ERROR(IntegrityCheck(db.get(), "restored copy " + Quote(tmp),
                                   i18n::Format("restored copy {0}", {Quote(tmp)})));
    int version = -1;
    RETURN_IF_ERROR(ForEachRow(db.get(), "PRAGMA user_version",
                               [&](sqlite3_stmt* st) { version = sqlite3_column_int(st, 0); }));
    if (version != reader->manifest().schema_version) {
      return Status::Corruption("restored copy has schema version " + std::to_string(version) +
                                ", the manifest says " +
                                std::to_string(reader->manifest().schema_version))
          .WithShown(i18n::Format(
              "restored copy has schema version {0}, the manifest says {1}",
              {std::to_string(version), std::to_string(reader->manifest().schema_version)}));
    }
  }
  for (const char* suffix : {"-journal", "-wal", "-shm"}) unlink((tmp + suffix).c_str());

  // Place it: the target is checked again (it may have changed meanwhile),
  // SQLite's own exclusive lock is tried, and the old file's -wal, -shm and
  // -journal go first so none is ever applied to the restored file.
  RETURN_IF_ERROR(target_state(exists, target));
  if (exists) RETURN_IF_ERROR(ProbeExclusive(o.to));
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    if (unlink((o.to + suffix).c_str()) != 0 && errno != ENOENT) {
      return Status::IoError("cannot remove " + Quote(o.to + suffix) + ": " + ErrnoText())
          .WithShown(i18n::Format("cannot remove {0}: {1}", {Quote(o.to + suffix), ErrnoText()}));
    }
  }
  if (rename(tmp.c_str(), o.to.c_str()) != 0) {
    return Status::IoError("renaming " + Quote(tmp) + " onto " + Quote(o.to) + ": " + ErrnoText())
        .WithShown(
            i18n::Format("renaming {0} onto {1}: {2}", {Quote(tmp), Quote(o.to), ErrnoText()}));
  }
  guard.Keep();
  RETURN_IF_ERROR(FsyncDir(dir));
  RestoreReport report;
  report.contents = Contents{reader->header(), reader->manifest(), true};
  report.elapsed_ms = MsSince(start);
  return report;
}

// ---- The outpost subcommands ----

Commands::Commands(CLI::App& app) {
  auto add_key_flags = [](CLI::App* cmd, KeyFlags& flags) {
    cmd->add_option("--key", flags.key_file, "backup key file (outpost backup-keygen)");
    cmd->add_option("--passphrase-file", flags.passphrase_file,
                    "file holding the passphrase (else env OUTPOST_BACKUP_PASSPHRASE)");
  };
  backup_ = app.add_subcommand(
      "backup", "encrypted, verified backup of a store or hub database, safe while it is in use");
  backup_->add_option("--db", db_, "the store or hub database to back up");
  backup_->add_option("--out", out_, "the backup file to write");
  add_key_flags(backup_, backup_key_);
  backup_->add_option("--pwhash", cost_,
                      "Argon2id cost of a passphrase: interactive, moderate (default), sensitive "
                      "(env OUTPOST_PWHASH)");
  backup_->add_option("--tmp-dir", tmp_dir_,
                      "where the plaintext snapshot lives while it is compressed (default: the "
                      "database's directory)");
  backup_->add_flag("--force", backup_force_, "replace an existing backup file");
  backup_->add_flag("--json", backup_json_, "machine-readable output");
  backup_->require_subcommand(0, 1);

  inspect_ = backup_->add_subcommand("inspect", "check the key and print a backup's manifest");
  inspect_->add_option("file", inspect_file_, "the backup file")->required();
  add_key_flags(inspect_, inspect_key_);
  inspect_->add_flag("--verify", verify_,
                     "also authenticate and decompress every chunk and check the digest");
  inspect_->add_flag("--json", inspect_json_, "machine-readable output");

  keygen_ =
      app.add_subcommand("backup-keygen", "make a backup key file (32 random bytes, mode 0600)");
  keygen_->add_option("--out", keygen_out_, "the key file to write")->required();
  keygen_->add_flag("--force", keygen_force_,
                    "replace an existing key file (backups made with it need the old key)");

  restore_ = app.add_subcommand(
      "restore", "verify a backup completely, then put it in place of a store or hub database");
  restore_->add_option("--from", from_, "the backup file")->required();
  restore_->add_option("--to", to_, "the database file to create or replace")->required();
  add_key_flags(restore_, restore_key_);
  restore_->add_flag("--force", restore_force_,
                     "replace an existing database (never one in use by another process)");
  restore_->add_flag("--json", restore_json_, "machine-readable output");
}

bool Commands::parsed() const {
  return backup_->parsed() || keygen_->parsed() || restore_->parsed();
}

int Commands::Run(const Clock& clock, std::ostream& out, std::ostream& err) {
  clock_ = &clock;
  if (keygen_->parsed()) return RunKeygen(out, err);
  if (restore_->parsed()) return RunRestore(out, err);
  if (inspect_->parsed()) return RunInspect(out, err);
  if (backup_->parsed()) return RunBackup(out, err);
  return 0;
}

Result<KeySource> Commands::ResolveKey(const KeyFlags& flags, bool making) const {
  KeySource key;
  if (!flags.key_file.empty() && !flags.passphrase_file.empty()) {
    return Status::InvalidInput("key: give --key or --passphrase-file, not both");
  }
  if (!flags.key_file.empty()) {
    key.key_file = flags.key_file;
  } else if (!flags.passphrase_file.empty()) {
    RETURN_IF_ERROR(
        CheckPrivateFile(flags.passphrase_file, "passphrase file", i18n::Tr("passphrase file")));
    std::ifstream in(flags.passphrase_file, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) {
      return Status::IoError("cannot read passphrase file " + Quote(flags.passphrase_file))
          .WithShown(
              i18n::Format("cannot read passphrase file {0}", {Quote(flags.passphrase_file)}));
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    key.passphrase = text;
    sodium_memzero(text.data(), text.size());
  } else if (std::string env = Env("OUTPOST_BACKUP_PASSPHRASE"); !env.empty()) {
    key.passphrase = env;
    sodium_memzero(env.data(), env.size());
  } else {
    return Status::InvalidInput(
        "key: give --key FILE (outpost backup-keygen), --passphrase-file FILE or "
        "OUTPOST_BACKUP_PASSPHRASE");
  }
  if (key.passphrase && key.passphrase->empty()) {
    return Status::InvalidInput("passphrase: empty");
  }
  if (making && key.passphrase) {
    const std::string cost = !cost_.empty() ? cost_ : Env("OUTPOST_PWHASH");
    if (!cost.empty()) {
      ASSIGN_OR_RETURN(key.cost, ParsePassphraseCost(cost));
    }
  }
  return key;
}

int Commands::RunKeygen(std::ostream& out, std::ostream& err) {
  auto id = MakeKeyFile(keygen_out_, keygen_force_);
  if (!id.ok()) return Fail(err, id.status());
  // Never the key itself: where it is and its id.
  out << i18n::Format("wrote {0} (backup key, mode 0600; keep a copy away from this machine)",
                      {keygen_out_})
      << "\n"
      << i18n::Format("key id {0}", {*id}) << "\n";
  return 0;
}

int Commands::RunBackup(std::ostream& out, std::ostream& err) {
  if (db_.empty() || out_.empty()) {
    return Fail(err, Status::InvalidInput(
                         "backup: give --db DATABASE and --out FILE (or: backup inspect FILE)")
                         .WithShown(i18n::Tr("backup: give --db DATABASE and --out FILE (or: "
                                             "backup inspect FILE)")));
  }
  auto key = ResolveKey(backup_key_, /*making=*/true);
  if (!key.ok()) return Fail(err, key.status());
  BackupOptions options;
  options.db_path = db_;
  options.out_path = out_;
  options.key = *key;
  options.tmp_dir = tmp_dir_;
  options.overwrite = backup_force_;
  cli::Progress progress(err, cli::ProgressWanted(backup_json_), "MiB");
  options.on_progress = progress.Callback();
  auto report = MakeBackup(options, *clock_);
  progress.Finish();
  if (!report.ok()) return Fail(err, report.status());
  const Manifest& m = report->manifest;
  const double ratio = report->bytes_out ? static_cast<double>(m.snapshot_bytes) /
                                               static_cast<double>(report->bytes_out)
                                         : 0.0;
  if (backup_json_) {
    json j = {{"out", out_},
              {"kind", m.kind},
              {"bytes_in", m.snapshot_bytes},
              {"bytes_out", report->bytes_out},
              {"ratio", std::round(ratio * 100) / 100},
              {"ms", report->elapsed_ms},
              {"key_id", report->key_id},
              {"phases_ms",
               {{"snapshot", report->snapshot_ms},
                {"integrity_check", report->check_ms},
                {"digest_compress_seal_fsync", report->seal_ms}}},
              {"manifest", ManifestJson(m)}};
    out << j.dump(2) << "\n";
    return 0;
  }
  std::ostringstream ratio_text;
  ratio_text << std::fixed << std::setprecision(1) << ratio;
  out << i18n::Format(
             "backed up {0} database {1} (site {2}, schema {3}) to {4}: {5} -> {6} ({7}x) in {8} "
             "ms, key id {9}",
             {m.kind, Quote(db_), SitesText(m), std::to_string(m.schema_version), Quote(out_),
              HumanBytes(m.snapshot_bytes), HumanBytes(report->bytes_out), ratio_text.str(),
              std::to_string(report->elapsed_ms), report->key_id})
      << "\n";
  return 0;
}

int Commands::RunInspect(std::ostream& out, std::ostream& err) {
  // `backup --key K inspect F` works as well as `backup inspect F --key K`.
  KeyFlags flags = inspect_key_;
  if (flags.key_file.empty() && flags.passphrase_file.empty()) flags = backup_key_;
  auto key = ResolveKey(flags, /*making=*/false);
  if (!key.ok()) return Fail(err, key.status());
  auto contents = InspectBackup(inspect_file_, *key, verify_);
  if (!contents.ok()) return Fail(err, contents.status());
  const Header& h = contents->header;
  const Manifest& m = contents->manifest;
  if (inspect_json_) {
    json j = {{"file", inspect_file_}, {"header", HeaderJson(h)}, {"manifest", ManifestJson(m)}};
    if (verify_) j["data_verified"] = contents->data_verified;
    out << j.dump(2) << "\n";
    return 0;
  }
  // Labels in the reader's language; kinds, ids, paths, names and numbers as they are.
  const std::string key_kind =
      h.passphrase ? i18n::Format("passphrase (Argon2id, {0} MiB, {1} passes)",
                                  {std::to_string(h.memlimit >> 20), std::to_string(h.opslimit)})
                   : i18n::Tr("key file");
  out << i18n::Format("backup {0}: format {1}, {2}, key id {3}, chunks of {4}",
                      {Quote(inspect_file_), std::to_string(h.version), key_kind, h.key_id,
                       HumanBytes(h.chunk_bytes)})
      << "\n";
  out << i18n::Format("{0} database, schema {1}, taken {2} from {3}",
                      {m.kind, std::to_string(m.schema_version), m.created_at, m.source})
      << "\n";
  for (const auto& s : m.sites) {
    out << i18n::Format("site {0}: {1}",
                        {s.site_id, s.changes == 0 ? i18n::Tr("no changes")
                                                   : i18n::Format("changes {0}..{1} ({2})",
                                                                  {std::to_string(s.min_seq),
                                                                   std::to_string(s.max_seq),
                                                                   std::to_string(s.changes)})})
        << "\n";
  }
  out << i18n::Tr("tables:");
  for (const auto& [name, rows] : m.tables) out << " " << name << " " << rows << ";";
  out << "\n"
      << i18n::Format("snapshot {0} ({1} bytes), {2}, blake2b-256 {3}",
                      {HumanBytes(m.snapshot_bytes), std::to_string(m.snapshot_bytes),
                       m.compression, m.snapshot_blake2b})
      << "\n";
  out << (contents->data_verified
              ? i18n::Tr("data verified: every chunk authentic, final chunk present, digest "
                         "matches")
              : i18n::Tr("data not read (--verify checks every chunk and the digest)"))
      << "\n";
  return 0;
}

int Commands::RunRestore(std::ostream& out, std::ostream& err) {
  auto key = ResolveKey(restore_key_, /*making=*/false);
  if (!key.ok()) return Fail(err, key.status());
  RestoreOptions options;
  options.from = from_;
  options.to = to_;
  options.key = *key;
  options.force = restore_force_;
  cli::Progress progress(err, cli::ProgressWanted(restore_json_), "MiB");
  options.on_progress = progress.Callback();
  auto report = RestoreBackup(options);
  progress.Finish();
  if (!report.ok()) return Fail(err, report.status());
  const Manifest& m = report->contents.manifest;
  if (restore_json_) {
    json j = {{"from", from_},
              {"to", to_},
              {"bytes", m.snapshot_bytes},
              {"ms", report->elapsed_ms},
              {"key_id", report->contents.header.key_id},
              {"manifest", ManifestJson(m)}};
    out << j.dump(2) << "\n";
    return 0;
  }
  out << i18n::Format(
             "restored {0} ({1} database, site {2}, schema {3}, taken {4}) to {5}: {6}, digest "
             "and integrity_check ok, in {7} ms",
             {Quote(from_), m.kind, SitesText(m), std::to_string(m.schema_version), m.created_at,
              Quote(to_), HumanBytes(m.snapshot_bytes), std::to_string(report->elapsed_ms)})
      << "\n";
  return 0;
}

}  // namespace outpost::backup
