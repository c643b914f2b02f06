#include "hub/storage/postgres/hub_storage.h"

#include <algorithm>

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
  Result<std::optional<StandbyState>> Standby() override;
  Result<std::unique_ptr<WorkClaim>> TryClaimWork(const std::string& kind) override;
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

Result<std::optional<StandbyState>> PgHubStorage::Standby() {
  ASSIGN_OR_RETURN(
      PgStatement st,
      db_->Prepare("SELECT pg_is_in_recovery(),"
                   " coalesce(to_char(pg_last_xact_replay_timestamp() AT TIME ZONE 'UTC',"
                   " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), ''),"
                   " coalesce(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false)"
                   " AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'),"
                   " coalesce((extract(epoch FROM clock_timestamp()"
                   " - pg_last_xact_replay_timestamp()) * 1000)::bigint, 0)"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row || st.Text(0) != "t") return std::optional<StandbyState>();
  StandbyState state;
  state.replayed_at = st.Text(1);
  state.caught_up = st.Text(2) == "t";
  if (state.caught_up) {
    state.lag_ms = 0;
  } else {
    state.lag_ms = state.replayed_at.empty() ? -1 : std::max<int64_t>(st.Int(3), 0);
  }
  return std::optional<StandbyState>(std::move(state));
}

// The advisory lock key of background work `kind`: the writer lock's key
// with the kind's FNV-1a hash in its low 32 bits cleared of the writer's.
int64_t WorkLockKey(const std::string& kind) {
  uint32_t hash = 2166136261U;
  for (unsigned char c : kind) hash = (hash ^ c) * 16777619U;
  return (int64_t{0x6F757470} << 32) | hash;  // "outp", then the kind's
}

// A session advisory lock on the storage's own connection: the server frees
// it when the connection ends (the process died, or the connection was lost).
class PgWorkClaim : public WorkClaim {
 public:
  PgWorkClaim(PgConnection& db, int64_t key) : db_(db), key_(key) {}
  ~PgWorkClaim() override {
    auto unlock = db_.Prepare("SELECT pg_advisory_unlock(?)");
    if (unlock.ok()) (void)unlock->Bind(1, key_).Run();
  }
  PgWorkClaim(const PgWorkClaim&) = delete;
  PgWorkClaim& operator=(const PgWorkClaim&) = delete;
  Result<bool> StillHeld() override {
    ASSIGN_OR_RETURN(PgStatement held,
                     db_.Prepare("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                                 " AND pid = pg_backend_pid() AND granted AND objsubid = 1"
                                 " AND ((classid::bigint << 32) | objid::bigint) = ?"));
    held.Bind(1, key_);
    ASSIGN_OR_RETURN(bool row, held.Step());
    return row && held.Int(0) > 0;
  }

 private:
  PgConnection& db_;
  int64_t key_;
};

Result<std::unique_ptr<WorkClaim>> PgHubStorage::TryClaimWork(const std::string& kind) {
  const int64_t key = WorkLockKey(kind);
  ASSIGN_OR_RETURN(PgStatement claim, db_->Prepare("SELECT pg_try_advisory_lock(?)"));
  claim.Bind(1, key);
  ASSIGN_OR_RETURN(bool row, claim.Step());
  if (!row || claim.Text(0) != "t") return std::unique_ptr<WorkClaim>();
  return std::unique_ptr<WorkClaim>(new PgWorkClaim(*db_, key));
}

Result<bool> IsStandby(PgConnection& db) {
  ASSIGN_OR_RETURN(PgStatement st, db.Prepare("SELECT pg_is_in_recovery()"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row && st.Text(0) == "t";
}

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
  ASSIGN_OR_RETURN(bool standby, IsStandby(*db));
  if (standby && options.create) {
    return Status::Refused("'" + shown_url +
                           "' is a standby (read-only): create the hub on its primary")
        .WithShown(i18n::Format("'{0}' is a standby (read-only): create the hub on its primary",
                                {shown_url}));
  }
  if (options.create && version > 0) {
    return Status::Conflict("hub database '" + shown_url + "' exists; init only creates a new one")
        .WithShown(
            i18n::Format("hub database '{0}' exists; init only creates a new one", {shown_url}));
  }
  if (!options.create && version == 0) return NoSuchHub(shown_url);
  // A standby is read-only and follows its primary's schema: it is read as it
  // is, and only if this program can read it.
  if (standby) {
    const int expected = schema::HubPgMigrations().back().version;
    if (version < expected) {
      return Status::Refused("standby '" + shown_url + "' holds hub schema " +
                             std::to_string(version) + ", older than this program's " +
                             std::to_string(expected) + ": migrate its primary first")
          .WithShown(i18n::Format(
              "standby '{0}' holds hub schema {1}, older than this program's {2}: migrate its "
              "primary first",
              {shown_url, std::to_string(version), std::to_string(expected)}));
    }
    if (version > expected) return SchemaNewerThanProgram(shown_url, version, expected);
    return std::unique_ptr<HubStorage>(new PgHubStorage(std::move(db), options.signer));
  }
  if (options.create || options.migrate) RETURN_IF_ERROR(db->Migrate(schema::HubPgMigrations()));
  // Unlike SQLite's, a PostgreSQL hub starts at the current schema: it has no
  // batches archived before the hub log nor rows written before the record
  // log to adopt, so opening it writes nothing.
  return std::unique_ptr<HubStorage>(new PgHubStorage(std::move(db), options.signer));
}

}  // namespace outpost::hub::storage::postgres
