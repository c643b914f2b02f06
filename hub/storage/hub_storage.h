// HubStorage: where head office keeps what it knows, behind interfaces that
// hold no SQL. One object per open hub database owns the connection and hands
// out the parts: the allow-list (KeyStore), the stores' cursors and contact
// (StoreCursors), the unit of work of one batch's ingest (IngestUnit), the
// security log, the outbox of head office's requests, and the typed reads
// behind hub/queries/ (HubReads). Every backend keeps the same contract, which
// tests/hub_storage_conformance_test.cc states and runs against each; SQLite
// (hub/storage/sqlite/) is the one there is.
//
//   Hub (hub/hub.h) ----------- owns ----------> HubStorage
//   hub/queries/ -- HubReader --> HubReads          |  KeyStore, StoreCursors,
//   hub/verify.h -- VerifyReads ------------------> |  IngestUnit, SecurityLog,
//                                                   |  Outbox, HubReads, VerifyReads
//                                       hub/storage/sqlite/ (the only hub SQL)
//
// The parts live as long as the HubStorage and are used on the thread that
// owns it (thread-compatible); another thread opens its own KeyReader.
#pragma once

#include <memory>
#include <string>

#include "hub/storage/campaign_store.h"
#include "hub/storage/cursors.h"
#include "hub/storage/identity_store.h"
#include "hub/storage/ingest.h"
#include "hub/storage/key_store.h"
#include "hub/storage/outbox.h"
#include "hub/storage/reads.h"
#include "hub/storage/security_log.h"
#include "hub/storage/staff_store.h"
#include "hub/storage/verify_reads.h"
#include "sync/keys.h"
#include "sync/status.h"

namespace outpost {
class Db;
}

namespace outpost::hub::storage {

struct OpenOptions {
  // Make a new, empty hub database: Conflict when one is there already.
  // Otherwise open an existing one: NotFound when there is none (a mistyped
  // path never becomes a new, empty hub).
  bool create = false;
  // Bring the schema forward (a copy on which nothing may change: false).
  bool migrate = true;
  // The hub's keys: they sign what storage appends to the hub's log and the
  // record log, and with them opening first chains and records what an older
  // hub left unsigned. Without them (operator tools on the file or a copy)
  // the storage only reads. Must outlive the storage.
  const SecretKeys* signer = nullptr;
};

// One consistent view: the reads made while it lives describe one moment.
class ReadScope {
 public:
  virtual ~ReadScope() = default;
};

// How far a standby's copy of the hub trails its primary (HubStorage::Standby).
struct StandbyState {
  // The newest transaction replayed, committed on the primary at this UTC
  // instant (ISO 8601; "" when none has been replayed since it started).
  std::string replayed_at;
  // The standby streams from its primary and has replayed all it received:
  // its data is the primary's but for what is in flight.
  bool caught_up = false;
  // Milliseconds from replayed_at to now (the standby's clock); 0 when
  // caught up (an idle primary commits nothing newer to replay); -1 when
  // unknown (behind, with nothing replayed since it started).
  int64_t lag_ms = 0;
};

// A hold on one kind of background work for this process (HubStorage::
// TryClaimWork), given up when destroyed or when the process dies.
class WorkClaim {
 public:
  virtual ~WorkClaim() = default;
  // Whether the hold is still this process's (on PostgreSQL a connection the
  // server dropped lost it: claim again before working).
  virtual Result<bool> StillHeld() = 0;
};

class HubStorage {
 public:
  virtual ~HubStorage() = default;

  // Claims the background work named `kind` ("profiles": identity resolution
  // and the stores' profiles) for this process, among every process on the
  // same database, or nullptr when another holds it: work that several hub
  // processes would otherwise each do is done by one, never twice at once.
  // PostgreSQL: a session advisory lock (pg_try_advisory_lock, skipped, not
  // waited for); SQLite: an exclusive flock on a file beside the hub's.
  virtual Result<std::unique_ptr<WorkClaim>> TryClaimWork(const std::string& kind) = 0;

  // A read-only standby of a primary's database says how stale it is; a
  // database that takes writes (a primary, a SQLite file) says nullopt. On a
  // standby, every write through this storage is refused by the server, so
  // a query that would bring derived rows up to date first reads them as the
  // primary last wrote them instead (hub/queries/report.h).
  virtual Result<std::optional<StandbyState>> Standby() { return std::optional<StandbyState>(); }

  virtual KeyStore& keys() = 0;
  virtual StoreCursors& cursors() = 0;
  virtual SecurityLog& security_log() = 0;
  virtual Outbox& outbox() = 0;
  virtual HubReads& reads() = 0;
  virtual VerifyReads& verify_reads() = 0;
  // A batch's ingest; one at a time.
  virtual Result<std::unique_ptr<IngestUnit>> BeginIngest() = 0;
  virtual Result<std::unique_ptr<ReadScope>> BeginRead() = 0;
  // A read scope for reads over everything (verify): the backend readies
  // itself for large sorts first.
  virtual Result<std::unique_ptr<ReadScope>> BeginFullScan() = 0;
  // The allow-list for another thread, on a connection of its own.
  virtual Result<std::unique_ptr<KeyReader>> OpenKeyReader() = 0;
  // The schema version of the hub's data (outpost-hub init says it).
  virtual Result<int> SchemaVersion() = 0;

  // Identity links, rules, typed rows and profiles (hub/storage/identity_store.h),
  // on the same database as the rest.
  virtual IdentityStore& identity() = 0;
  // Head office's outreach: settings, invitations, replies (hub/storage/campaign_store.h).
  virtual CampaignStore& campaigns() = 0;
  // Staff accounts, sessions and their audit for the web console
  // (hub/storage/staff_store.h).
  virtual StaffStore& staff() = 0;
};

// Whether `location` names a database server (postgresql:// or postgres://)
// rather than a file.
bool IsDatabaseUrl(const std::string& location);
// `location` as messages and logs may show it: a URL's password as "***".
std::string ShownLocation(const std::string& location);

// Opens the hub's storage at `location`: a file path (SQLite) or a
// postgresql:// or postgres:// URL (PostgreSQL, hub/storage/postgres/).
Result<std::unique_ptr<HubStorage>> OpenHubStorage(const std::string& location,
                                                   const OpenOptions& options);

}  // namespace outpost::hub::storage
