// Encrypted, verified backups of a store (edge) or hub database, and restore.
//
// A backup is a consistent snapshot taken with SQLite's online backup API while
// the desk or hub may be writing (WAL), checked with PRAGMA integrity_check,
// then compressed (zstd) and sealed with libsodium's secretstream
// (XChaCha20-Poly1305) in 1 MiB chunks, the last one tagged final so a
// truncated file is detected. The first sealed chunk is a JSON manifest (kind,
// schema version, sites and change-log ranges, row counts, BLAKE2b-256 of the
// snapshot). The key is a 32-byte key file or a passphrase stretched with
// Argon2id. Byte layout and the operator's guide: docs/BACKUP.md.
//
// Restore verifies everything (header, key id, every chunk, the final tag,
// decompression, the digest, integrity_check of the restored file) before the
// target is touched, and refuses a target that exists (unless forced) or that
// another process has open.
//
// Free functions are thread-compatible: concurrent calls on different files are
// safe; nothing here keeps global state beyond libsodium's initialisation.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sync/clock.h"
#include "sync/status.h"

namespace CLI {
class App;
}

namespace outpost::backup {

// Argon2id cost for a passphrase. Interactive (64 MiB) is for drills and tests;
// moderate (256 MiB, the default) for real backups; sensitive (1 GiB).
enum class PassphraseCost { kInteractive, kModerate, kSensitive };
Result<PassphraseCost> ParsePassphraseCost(std::string_view name);

// Where the key comes from: a key file or a passphrase, never both. The
// passphrase is wiped from memory when this is destroyed.
struct KeySource {
  KeySource() = default;
  KeySource(const KeySource&) = default;
  KeySource& operator=(const KeySource&) = default;
  ~KeySource();

  std::string key_file;                   // 32 raw bytes, mode 0600 (MakeKeyFile)
  std::optional<std::string> passphrase;  // stretched with Argon2id and a random salt
  // Making a backup only: restore reads the salt and cost from the backup's header.
  PassphraseCost cost = PassphraseCost::kModerate;
};

// Writes 32 random bytes to `path`, mode 0600, never over an existing file
// unless `overwrite`. Returns the key id (16 hex digits); never the key.
Result<std::string> MakeKeyFile(const std::string& path, bool overwrite);

// One site's change-log entries in the snapshot.
struct SiteRange {
  std::string site_id;
  int64_t min_seq = 0;  // 0 when the site has no entries yet
  int64_t max_seq = 0;
  int64_t changes = 0;
};

// What a backup holds, stored sealed as its first chunk.
struct Manifest {
  int format = 1;
  std::string kind;    // "edge" (has change_log) or "hub" (has batch_archive)
  std::string source;  // absolute path of the database that was backed up
  int schema_version = 0;
  // edge: the store (change_log); hub: every store it has changes from
  // (table changes) or on its allow-list.
  std::vector<SiteRange> sites;
  std::vector<std::pair<std::string, int64_t>> tables;  // rows per table, by name
  uint64_t snapshot_bytes = 0;
  std::string snapshot_blake2b;  // 64 hex digits: BLAKE2b-256 of the uncompressed snapshot
  std::string compression;       // "zstd-3"
  std::string created_at;        // UTC, "2026-11-23T15:22:25.123Z"
};

// The clear-text header of a backup file (authenticated as part of the first chunk).
struct Header {
  int version = 0;
  bool passphrase = false;  // else a key file
  uint32_t chunk_bytes = 0;
  uint64_t opslimit = 0;  // Argon2id, passphrase only
  uint64_t memlimit = 0;
  std::string key_id;  // 16 hex digits naming the key; not secret
};

struct BackupOptions {
  std::string db_path;
  std::string out_path;
  KeySource key;
  // Where the plaintext snapshot (mode 0600) lives while it is compressed,
  // removed on every way out; empty: the database's directory, so plaintext
  // never lands where the backups go.
  std::string tmp_dir;
  bool overwrite = false;  // replace an existing out_path
  uint32_t chunk_bytes = 1 << 20;
  int zstd_level = 3;
  // (MiB compressed, MiB in the snapshot) as compression goes; may be empty.
  std::function<void(int64_t, int64_t)> on_progress;
};

struct BackupReport {
  Manifest manifest;
  std::string key_id;
  uint64_t bytes_out = 0;  // size of the backup file
  int64_t elapsed_ms = 0;
  // Where the time went: the online copy; integrity_check (on a second thread,
  // beside the rest); digest, compression, sealing and fsync.
  int64_t snapshot_ms = 0;
  int64_t check_ms = 0;
  int64_t seal_ms = 0;
};

// Snapshots db_path (which may be in use), checks it (integrity_check) and
// writes out_path atomically (temporary file, fsync, rename, fsync of the
// directory); nothing is placed unless every check passed. Uses one extra
// thread for the check while it compresses.
Result<BackupReport> MakeBackup(const BackupOptions& options, const Clock& clock);

struct Contents {
  Header header;
  Manifest manifest;
  bool data_verified = false;  // every chunk, the final tag, the digest
};

// Reads the header, checks the key and opens the manifest. With `verify_data`
// also authenticates and decompresses every chunk and checks the digest,
// writing nothing.
Result<Contents> InspectBackup(const std::string& path, const KeySource& key, bool verify_data);

struct RestoreOptions {
  std::string from;
  std::string to;
  KeySource key;
  bool force = false;  // replace an existing (unused) database
  // (MiB restored, MiB in the snapshot) as chunks are verified; may be empty.
  std::function<void(int64_t, int64_t)> on_progress;
};

struct RestoreReport {
  Contents contents;
  int64_t elapsed_ms = 0;
};

// Verifies the whole backup into TO.restore-tmp (fsynced, integrity_check),
// and only then moves it over TO, removing the old file's -wal and -shm.
// Refused: a wrong key, TO exists without `force`, TO open in another process.
Result<RestoreReport> RestoreBackup(const RestoreOptions& options);

// The pid of another process that has the SQLite database at `path` open (a
// WAL connection holds a shared lock on the file while it is open; a
// rollback-journal connection while it is in a transaction), or nullopt.
// Reads lock state only; never takes a lock or opens the database.
Result<std::optional<int>> ProcessHoldingDatabase(const std::string& path);

// The `backup`, `backup inspect`, `backup-keygen` and `restore` subcommands of
// the outpost program. Registers them on construction; Run() performs the one
// that was parsed and returns the exit code (ExitCodeFor). Keys come from
// --key FILE, --passphrase-file FILE or OUTPOST_BACKUP_PASSPHRASE (never argv);
// OUTPOST_PWHASH=interactive|moderate|sensitive picks the Argon2id cost.
class Commands {
 public:
  explicit Commands(CLI::App& app);
  bool parsed() const;
  // `clock`: the program's one clock (sync/clock.h ClockFromEnvironment); outlives the call.
  int Run(const Clock& clock, std::ostream& out, std::ostream& err);

 private:
  struct KeyFlags {
    std::string key_file;
    std::string passphrase_file;
  };
  Result<KeySource> ResolveKey(const KeyFlags& flags, bool making) const;
  int RunBackup(std::ostream& out, std::ostream& err);
  int RunInspect(std::ostream& out, std::ostream& err);
  int RunKeygen(std::ostream& out, std::ostream& err);
  int RunRestore(std::ostream& out, std::ostream& err);

  const Clock* clock_ = nullptr;  // set by Run
  CLI::App* backup_ = nullptr;
  CLI::App* inspect_ = nullptr;
  CLI::App* keygen_ = nullptr;
  CLI::App* restore_ = nullptr;

  KeyFlags backup_key_, inspect_key_, restore_key_;
  std::string db_, out_, tmp_dir_, cost_, inspect_file_, keygen_out_, from_, to_;
  bool backup_force_ = false, keygen_force_ = false, restore_force_ = false;
  bool backup_json_ = false, inspect_json_ = false, restore_json_ = false;
  bool verify_ = false;
};

}  // namespace outpost::backup
