#include "hub/storage/sqlite/hub_storage.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "hub/storage/sqlite/identity_store.h"
#include "hub/storage/sqlite/parts.h"
#include "hub/storage/sqlite/record_log.h"
#include "schema/migrations.h"
#include "sync/hub_log.h"
#include "sync/i18n/messages.h"

namespace outpost::hub::storage::sqlite {

Hash256 ToHash(const std::string& blob) { return ToBytes<32>(blob); }

Result<const SecretKeys*> Signer(const SecretKeys* signer) {
  if (!signer) {
    return Status::Refused("hub storage opened without the hub's keys: it cannot sign this write");
  }
  return signer;
}

Status NoteRecord(Db& db, const SecretKeys& signer, const std::string& table,
                  const std::vector<std::string>& key) {
  ASSIGN_OR_RETURN(RecordLog log, RecordLog::Open(db));
  RETURN_IF_ERROR(log.Note(table, key));
  return log.Seal(signer);
}

Result<SignedHead> HubLogHead(Db& db, const SecretKeys& signer, int64_t id, const std::string& site,
                              int64_t first_seq, int64_t last_seq, const Hash256& envelope_hash) {
  ASSIGN_OR_RETURN(Statement prev, db.Prepare("SELECT head FROM batch_archive WHERE id < ?"
                                              " ORDER BY id DESC LIMIT 1"));
  prev.Bind(1, id);
  ASSIGN_OR_RETURN(bool has_prev, prev.Step());
  const Hash256 prev_head = has_prev ? ToHash(prev.Blob(0)) : Hash256{};
  prev.Reset();
  const HubLogEntry entry{id, site, first_seq, last_seq, envelope_hash};
  return SignHubHead(signer, id, NextHubHead(prev_head, entry));
}

namespace {

class SqliteReadScope : public ReadScope {
 public:
  explicit SqliteReadScope(std::unique_ptr<Transaction> tx) : tx_(std::move(tx)) {}

 private:
  std::unique_ptr<Transaction> tx_;  // rolled back at the end: it only read
};

// An exclusive flock on "<hub file>.<kind>.claim": held by one open file
// description at a time, so by one process (and one storage within it), and
// released by the kernel when the process dies.
class SqliteWorkClaim : public WorkClaim {
 public:
  SqliteWorkClaim(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~SqliteWorkClaim() override { ::close(fd_); }
  SqliteWorkClaim(const SqliteWorkClaim&) = delete;
  SqliteWorkClaim& operator=(const SqliteWorkClaim&) = delete;
  // Still the file at the path: one deleted or replaced behind the holder's
  // back could be locked by another process (claim again then).
  Result<bool> StillHeld() override {
    struct stat held {};
    struct stat named {};
    if (::fstat(fd_, &held) != 0 || ::stat(path_.c_str(), &named) != 0) return false;
    return held.st_dev == named.st_dev && held.st_ino == named.st_ino;
  }

 private:
  int fd_;
  std::string path_;
};

class SqliteHubStorage : public HubStorage {
 public:
  SqliteHubStorage(std::unique_ptr<Db> db, const SecretKeys* signer)
      : db_(std::move(db)),
        signer_(signer),
        keys_(*db_, signer),
        cursors_(*db_),
        security_log_(*db_, signer),
        outbox_(*db_, signer),
        reads_(*db_),
        verify_reads_(*db_),
        identity_(*db_),
        campaigns_(*db_, signer),
        staff_(*db_) {}

  KeyStore& keys() override { return keys_; }
  StoreCursors& cursors() override { return cursors_; }
  SecurityLog& security_log() override { return security_log_; }
  Outbox& outbox() override { return outbox_; }
  HubReads& reads() override { return reads_; }
  VerifyReads& verify_reads() override { return verify_reads_; }
  Result<std::unique_ptr<IngestUnit>> BeginIngest() override {
    return SqliteIngestUnit::Begin(*db_, signer_);
  }
  Result<std::unique_ptr<ReadScope>> BeginRead() override {
    ASSIGN_OR_RETURN(auto tx, Transaction::BeginRead(*db_));
    return std::unique_ptr<ReadScope>(new SqliteReadScope(std::move(tx)));
  }
  Result<std::unique_ptr<ReadScope>> BeginFullScan() override {
    // Verify's merge check sorts every change: in memory, not in temp files.
    RETURN_IF_ERROR(db_->Exec("PRAGMA temp_store = MEMORY"));
    return BeginRead();
  }
  Result<std::unique_ptr<KeyReader>> OpenKeyReader() override {
    ASSIGN_OR_RETURN(auto db, Db::Open(db_->path(), {.create_if_missing = false}));
    return std::unique_ptr<KeyReader>(new SqliteKeyReader(std::move(db)));
  }
  Result<int> SchemaVersion() override { return db_->SchemaVersion(); }
  Result<std::unique_ptr<WorkClaim>> TryClaimWork(const std::string& kind) override;
  IdentityStore& identity() override { return identity_; }
  CampaignStore& campaigns() override { return campaigns_; }
  StaffStore& staff() override { return staff_; }

  // Chains batches archived before the hub log existed (migration 6).
  Status ChainUnchainedBatches() {
    ASSIGN_OR_RETURN(Statement st,
                     db_->Prepare("SELECT id, site_id, first_seq, last_seq, envelope"
                                  " FROM batch_archive WHERE head IS NULL ORDER BY id"));
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
    ASSIGN_OR_RETURN(Statement put, db_->Prepare("UPDATE batch_archive SET envelope_hash = ?,"
                                                 " head = ?, head_signature = ? WHERE id = ?"));
    do {
      const int64_t id = st.Int(0);
      const Hash256 envelope_hash = EnvelopeHash(st.Blob(4));
      ASSIGN_OR_RETURN(SignedHead head, HubLogHead(*db_, *signer_, id, st.Text(1), st.Int(2),
                                                   st.Int(3), envelope_hash));
      put.BindBlob(1, envelope_hash)
          .BindBlob(2, head.head)
          .BindBlob(3, head.signature.data(), head.signature.size())
          .Bind(4, id);
      RETURN_IF_ERROR(put.Run());
      put.Reset();
      ASSIGN_OR_RETURN(row, st.Step());
    } while (row);
    st.Reset();
    return tx->Commit();
  }

  Db& db() { return *db_; }

 private:
  std::unique_ptr<Db> db_;
  const SecretKeys* signer_;
  SqliteKeyStore keys_;
  SqliteStoreCursors cursors_;
  SqliteSecurityLog security_log_;
  SqliteOutbox outbox_;
  SqliteHubReads reads_;
  SqliteVerifyReads verify_reads_;
  SqliteIdentityStore identity_;
  SqliteCampaignStore campaigns_;
  SqliteStaffStore staff_;
};

}  // namespace

Result<std::unique_ptr<WorkClaim>> SqliteHubStorage::TryClaimWork(const std::string& kind) {
  const std::string path = db_->path() + "." + kind + ".claim";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    const std::string reason = std::strerror(errno);
    return Status::IoError("cannot open " + path + " to claim background work: " + reason)
        .WithShown(i18n::Format("cannot open {0} to claim background work: {1}", {path, reason}));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return std::unique_ptr<WorkClaim>();  // another process does this work
  }
  return std::unique_ptr<WorkClaim>(new SqliteWorkClaim(fd, path));
}

Result<std::unique_ptr<HubStorage>> OpenSqliteHubStorage(const std::string& path,
                                                         const OpenOptions& options) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (options.create && exists) {
    return Status::Conflict("hub database '" + path + "' exists; init only creates a new one")
        .WithShown(i18n::Format("hub database '{0}' exists; init only creates a new one", {path}));
  }
  if (!options.create && !exists) {
    return Status::NotFound("'" + path + "': no such hub database")
        .WithShown(i18n::Format("'{0}': no such hub database", {path}));
  }
  ASSIGN_OR_RETURN(auto db, Db::Open(path, {.create_if_missing = options.create}));
  if (options.create || options.migrate) RETURN_IF_ERROR(db->Migrate(schema::HubMigrations()));
  auto storage = std::make_unique<SqliteHubStorage>(std::move(db), options.signer);
  if (options.signer) {
    RETURN_IF_ERROR(storage->ChainUnchainedBatches());
    RETURN_IF_ERROR(AdoptUnloggedRecords(storage->db(), *options.signer));
  }
  return std::unique_ptr<HubStorage>(std::move(storage));
}

}  // namespace outpost::hub::storage::sqlite
