#include "hub/storage/postgres/hub_storage.h"

#include "hub/storage/postgres/identity_store.h"
#include "hub/storage/postgres/parts.h"
#include "schema/migrations.h"
#include "sync/i18n/messages.h"

namespace outpost::hub::storage::postgres {

namespace {

class PgReadScope : public ReadScope {
 public:
  explicit PgReadScope(std::unique_ptr<PgTransaction> tx) : tx_(std::move(tx)) {}

 private:
  std::unique_ptr<PgTransaction> tx_;  // rolled back at the end: it only read
};

class PgHubStorage : public HubStorage {
 public:
  PgHubStorage(std::unique_ptr<PgConnection> db, const SecretKeys* signer)
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
    return PgIngestUnit::Begin(*db_, signer_);
  }
  Result<std::unique_ptr<ReadScope>> BeginRead() override {
    ASSIGN_OR_RETURN(auto tx, PgTransaction::BeginRead(*db_));
    return std::unique_ptr<ReadScope>(new PgReadScope(std::move(tx)));
  }
  Result<std::unique_ptr<ReadScope>> BeginFullScan() override {
    ASSIGN_OR_RETURN(auto tx, PgTransaction::BeginRead(*db_));
    // Verify's merge check sorts every change: in memory where it fits, as
    // SQLite's temp_store = MEMORY; for this transaction only.
    RETURN_IF_ERROR(db_->Exec("SET LOCAL work_mem = '256MB'"));
    return std::unique_ptr<ReadScope>(new PgReadScope(std::move(tx)));
  }
  Result<std::unique_ptr<KeyReader>> OpenKeyReader() override {
    ASSIGN_OR_RETURN(auto db, PgConnection::Connect(db_->url()));
    return std::unique_ptr<KeyReader>(new PgKeyReader(std::move(db)));
  }
  Result<int> SchemaVersion() override { return db_->SchemaVersion(); }
  IdentityStore& identity() override { return identity_; }
  CampaignStore& campaigns() override { return campaigns_; }
  StaffStore& staff() override { return staff_; }

 private:
  std::unique_ptr<PgConnection> db_;
  const SecretKeys* signer_;
  PgKeyStore keys_;
  PgStoreCursors cursors_;
  PgSecurityLog security_log_;
  PgOutbox outbox_;
  PgHubReads reads_;
  PgVerifyReads verify_reads_;
  PgIdentityStore identity_;
  PgCampaignStore campaigns_;
  PgStaffStore staff_;
};

Status NoSuchHub(const std::string& shown_url) {
  return Status::NotFound("'" + shown_url + "': no such hub database")
      .WithShown(i18n::Format("'{0}': no such hub database", {shown_url}));
}

// libpq says so when the URL names a database the server does not have
// (SQLSTATE 3D000, which a failed connection does not carry).
bool NamesNoDatabase(const Status& connect_failure) {
  const std::string& message = connect_failure.message();
  return message.find("database \"") != std::string::npos &&
         message.find("does not exist") != std::string::npos;
}

}  // namespace

Result<std::unique_ptr<HubStorage>> OpenPgHubStorage(const std::string& url,
                                                     const OpenOptions& options) {
  const std::string shown_url = RedactedUrl(url);
  Result<std::unique_ptr<PgConnection>> connected = PgConnection::Connect(url);
  if (!connected.ok()) {
    // A mistyped database name reads as a missing hub, as a mistyped path does.
    if (!options.create && NamesNoDatabase(connected.status())) return NoSuchHub(shown_url);
    return connected.status();
  }
  std::unique_ptr<PgConnection> db = std::move(connected).value();
  // A database holds a hub once its first migration committed (schema_version
  // is written in the same transaction as the tables).
  ASSIGN_OR_RETURN(int version, db->SchemaVersion());
  if (options.create && version > 0) {
    return Status::Conflict("hub database '" + shown_url + "' exists; init only creates a new one")
        .WithShown(
            i18n::Format("hub database '{0}' exists; init only creates a new one", {shown_url}));
  }
  if (!options.create && version == 0) return NoSuchHub(shown_url);
  if (options.create || options.migrate) RETURN_IF_ERROR(db->Migrate(schema::HubPgMigrations()));
  // Unlike SQLite's, a PostgreSQL hub starts at the current schema: it has no
  // batches archived before the hub log nor rows written before the record
  // log to adopt, so opening it writes nothing.
  return std::unique_ptr<HubStorage>(new PgHubStorage(std::move(db), options.signer));
}

}  // namespace outpost::hub::storage::postgres
