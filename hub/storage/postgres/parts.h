// The PostgreSQL backend's parts (hub/storage/postgres/hub_storage.h), each on
// the connection the PgHubStorage owns, mirroring hub/storage/sqlite/parts.h
// part for part. Internal to hub/storage/postgres/.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "hub/storage/hub_storage.h"
#include "hub/storage/postgres/pg.h"

namespace outpost::hub::storage::postgres {

Hash256 ToHash(const std::string& blob);
// Runs `st` (bound) and collects a row per step with `read`.
template <typename T, typename Read>
Result<std::vector<T>> Rows(PgStatement& st, Read read) {
  std::vector<T> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(read(st));
  }
  return out;
}

template <size_t N>
std::array<uint8_t, N> ToBytes(const std::string& blob) {
  std::array<uint8_t, N> a{};
  if (blob.size() == N) std::copy(blob.begin(), blob.end(), a.begin());
  return a;
}
// Refused: a write that must be signed, on a storage opened without the hub's keys.
Result<const SecretKeys*> Signer(const SecretKeys* signer);
// Appends the record log entries of `table`'s row `key` and signs (hub/storage/record_log.h).
Status NoteRecord(PgConnection& db, const SecretKeys& signer, const std::string& table,
                  const std::vector<std::string>& key);
// Batch `id`'s entry in the hub's log (sync/hub_log.h): the head after it, signed.
Result<SignedHead> HubLogHead(PgConnection& db, const SecretKeys& signer, int64_t id,
                              const std::string& site, int64_t first_seq, int64_t last_seq,
                              const Hash256& envelope_hash);
// Appends a request to `site`'s outbox inside the caller's transaction: its seq.
// NotFound for a store not on the allow-list.
Result<int64_t> AppendToOutbox(PgConnection& db, const SecretKeys& signer, const std::string& site,
                               const std::string& request_json, const std::string& created_at,
                               const std::string& created_by);
Result<std::optional<KeyDenial>> ReadLiveKeyDenial(PgConnection& db, const std::string& site);
Result<PublicKeys> ReadStoreKeys(PgConnection& db, const std::string& site);
Result<std::optional<StoreCursor>> ReadCursor(PgConnection& db, const std::string& site);
// The hash of the change held at (site, seq), if one is.
Result<std::optional<Hash256>> ReadChangeHash(PgConnection& db, const std::string& site,
                                              int64_t seq);
// A row of `changes` selected as outpost::kChangeColumns (sync/changelog.h),
// and every such row a statement yields.
ChangeEntry ReadChangeRowOf(const PgStatement& st);
Result<std::vector<ChangeEntry>> ReadChangeRowsOf(PgStatement& st);
// Writes `change` as it is (no chaining) into `changes`: how the hub stores
// the logs it receives.
Status InsertChange(PgConnection& db, const ChangeEntry& change);

class PgKeyReader : public KeyReader {
 public:
  explicit PgKeyReader(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}
  Result<PublicKeys> StoreKeys(const std::string& site) override;
  Result<std::optional<KeyDenial>> LiveKeyDenial(const std::string& site) override;

 private:
  std::unique_ptr<PgConnection> db_;
};

class PgKeyStore : public KeyStore {
 public:
  PgKeyStore(PgConnection& db, const SecretKeys* signer) : db_(db), signer_(signer) {}
  Result<PublicKeys> StoreKeys(const std::string& site) override;
  Result<std::optional<KeyDenial>> LiveKeyDenial(const std::string& site) override;
  Result<std::vector<std::string>> AllowedSites() override;
  Result<std::optional<KeyDenial>> AllowKey(const PublicKeys& keys, const std::string& at) override;
  Result<std::optional<KeyDenial>> DenyLiveKey(const std::string& site, const std::string& at,
                                               const std::string& staff,
                                               const std::string& reason) override;

 private:
  PgConnection& db_;
  const SecretKeys* signer_;
};

class PgStoreCursors : public StoreCursors {
 public:
  explicit PgStoreCursors(PgConnection& db) : db_(db) {}
  Result<std::optional<StoreCursor>> Read(const std::string& site) override;
  Result<std::vector<StoreCursor>> List() override;
  Result<int64_t> NoteHello(const std::string& site, const std::string& at,
                            std::optional<int64_t> clock_skew_ms) override;
  Status NoteContact(const std::string& site, const std::string& at,
                     const std::string& extend_from) override;
  Status NoteReportedSeq(const std::string& site, int64_t seq) override;
  Result<std::vector<ContactStretch>> Stretches(const std::string& site) override;

 private:
  PgConnection& db_;
};

class PgSecurityLog : public SecurityLog {
 public:
  PgSecurityLog(PgConnection& db, const SecretKeys* signer) : db_(db), signer_(signer) {}
  Status Append(const SecurityEvent& event) override;
  Result<std::vector<SecurityEvent>> List() override;

 private:
  PgConnection& db_;
  const SecretKeys* signer_;
};

class PgOutbox : public Outbox {
 public:
  PgOutbox(PgConnection& db, const SecretKeys* signer) : db_(db), signer_(signer) {}
  Result<int64_t> Append(const std::string& site, const std::string& request_json,
                         const std::string& created_at, const std::string& created_by) override;
  Result<std::vector<OutboxEntry>> After(const std::string& site, int64_t after_seq,
                                         int limit) override;
  Status MarkApplied(const std::string& site, int64_t seq) override;

 private:
  PgConnection& db_;
  const SecretKeys* signer_;
};

class PgCampaignStore : public CampaignStore {
 public:
  PgCampaignStore(PgConnection& db, const SecretKeys* signer) : db_(db), signer_(signer) {}
  Result<std::optional<HubSetting>> Setting(const std::string& name) override;
  Result<std::vector<QueuedAt>> PutSetting(const std::string& name, const HubSetting& setting,
                                           const std::vector<RequestToQueue>& requests) override;
  Status ForEachCompletedVisit(const std::function<Status(const CompletedVisit&)>& visit) override;
  Status ForEachMileageReading(const std::function<Status(const MileageRow&)>& visit) override;
  Result<std::vector<MileageRow>> MileageReadingsOf(const std::string& vehicle_id) override;
  Result<std::vector<MarketingContactRow>> MarketingContactsSince(
      const std::string& since) override;
  Result<std::vector<InvitationRow>> Invitations() override;
  Result<std::optional<int64_t>> AssignInvitation(const InvitationRow& row,
                                                  const std::string& request_json) override;
  Result<bool> PlanHeadOfficeMessage(const InvitationRow& row,
                                     const HubMessageRow& message) override;
  Result<std::vector<HubMessageRow>> HeadOfficeMessagesDue(const std::string& now) override;
  Result<std::vector<HubMessageRow>> HeadOfficeMessages() override;
  Result<std::optional<HubMessageRow>> HeadOfficeMessage(const std::string& id) override;
  Result<bool> UpdateHeadOfficeMessage(const HubMessageRow& message,
                                       const std::optional<RequestToQueue>& tell_store,
                                       const std::string& outcome, const std::string& at,
                                       const std::optional<std::string>& only_if_fields) override;
  Result<std::optional<int64_t>> RecordHeadOfficeCall(const InvitationRow& row,
                                                      const std::string& request_json) override;
  Result<bool> RecordReply(ReplyRow& reply, const std::vector<RequestToQueue>& requests) override;
  Result<std::vector<ReplyRow>> Replies() override;
  Result<std::vector<PhoneHolder>> PhoneHolders(const std::string& e164) override;
  Result<std::optional<std::string>> MessageFields(const std::string& message_id) override;
  Result<std::optional<KnownBooking>> Booking(const std::string& booking_id) override;
  Result<std::vector<KnownBooking>> UpcomingBookings(const std::vector<std::string>& customer_ids,
                                                     const std::string& from_date) override;

 private:
  Result<bool> InvitationRecorded(const std::string& invitation_key);
  Status InsertInvitation(const InvitationRow& row, int64_t seq);
  Result<std::vector<QueuedAt>> Queue(const SecretKeys& signer,
                                      const std::vector<RequestToQueue>& requests,
                                      const std::string& at, const std::string& by);
  PgConnection& db_;
  const SecretKeys* signer_;
};

class PgStaffStore : public StaffStore {
 public:
  explicit PgStaffStore(PgConnection& db) : db_(db) {}
  Result<std::optional<StaffUserRow>> User(const std::string& name) override;
  Result<std::vector<StaffUserRow>> Users() override;
  Status AddUser(const StaffUserRow& user, const StaffAuditRow& audit) override;
  Status UpdateUser(const StaffUserRow& user, const std::optional<std::string>& end_sessions,
                    const StaffAuditRow& audit) override;
  Status StartSession(const StaffSessionRow& session, const StaffAuditRow& audit) override;
  Result<std::optional<StaffSessionRow>> Session(
      const std::array<uint8_t, 32>& token_hash) override;
  Status TouchSession(const std::array<uint8_t, 32>& token_hash, const std::string& at) override;
  Result<bool> EndSession(const std::array<uint8_t, 32>& token_hash, const std::string& why,
                          const StaffAuditRow& audit) override;
  Status RecordLoginFailure(const std::string& name, const std::string& forget_before,
                            const StaffAuditRow& audit) override;
  Result<std::vector<std::string>> LoginFailuresSince(const std::string& name,
                                                      const std::string& since) override;
  Status AppendAudit(const StaffAuditRow& audit) override;
  Result<std::vector<StaffAuditRow>> Audit(int64_t limit) override;

 private:
  Status InsertAudit(const StaffAuditRow& audit);
  PgConnection& db_;
};

class PgIngestUnit : public IngestUnit {
 public:
  static Result<std::unique_ptr<IngestUnit>> Begin(PgConnection& db, const SecretKeys* signer);
  Result<std::optional<StoreCursor>> ReadCursor(const std::string& site) override;
  Result<std::optional<Hash256>> ChangeHash(const std::string& site, int64_t seq) override;
  Status StoreChange(const ChangeEntry& change) override;
  Result<bool> InsertEntity(const EntityRow& row) override;
  Result<std::optional<EntityRow>> ReadEntity(const std::string& entity,
                                              const std::string& entity_id) override;
  Status WriteMergedEntity(const EntityRow& row) override;
  Result<SignedHead> ArchiveBatch(const BatchToArchive& batch) override;
  Status MoveCursor(const std::string& site, int64_t seq, const Hash256& hash,
                    const std::string& at) override;
  Status NoteBatchContact(const std::string& site, const std::string& at, int64_t resent) override;
  Status Commit() override;
  Status Prefetch(std::span<const ChangeEntry> changes) override;

 private:
  using EntityKey = std::pair<std::string, std::string>;  // (entity, entity_id)
  PgIngestUnit(PgConnection& db, const SecretKeys* signer, std::unique_ptr<PgTransaction> tx)
      : db_(db), signer_(signer), tx_(std::move(tx)) {}
  // Writes the held-back changes (COPY) and entities (COPY for the new ones,
  // one upsert for the rest).
  Status Flush();
  Status FlushChanges();
  Status FlushEntities();

  PgConnection& db_;
  const SecretKeys* signer_;
  std::unique_ptr<PgTransaction> tx_;
  // A batch's writes wait here and go to the server together (Flush): each
  // change and entity on its own would cost a round trip.
  //
  // Invariant: a change is held back only above the cursor this unit read
  // for its store under the writer lock, where the hub holds none (a store's
  // changes and cursor move in one transaction); should one be held already
  // all the same, it breaks the primary key and FlushChanges refuses the
  // whole batch (Conflict), only later than a row-by-row insert would.
  std::map<std::string, int64_t> cursor_seq_;
  std::vector<ChangeEntry> pending_changes_;
  // Entities as this unit sees them: read by Prefetch (nullopt: absent) and
  // then as written through the unit; `dirty_` are those to write. Keys not
  // here are read and written on the server directly.
  std::map<EntityKey, std::optional<EntityRow>> entities_;
  std::set<EntityKey> dirty_;
  // Keys Prefetch found absent and not yet flushed: their rows are new, so
  // FlushEntities copies them in (no other writer can add them meanwhile:
  // the unit holds the writer lock).
  std::set<EntityKey> absent_;
};

class PgHubReads : public HubReads {
 public:
  explicit PgHubReads(PgConnection& db) : db_(db) {}
  Result<std::vector<ChangeEntry>> Changes(const std::string& site, int64_t from_seq,
                                           int64_t to_seq) override;
  Result<std::vector<ChangeEntry>> ChangesMatching(const ChangeFilter& filter) override;
  Status ForEachEntity(const EntityVisitor& visit) override;
  Status ForEachEntityOf(const std::string& site, const EntityVisitor& visit) override;
  Result<std::optional<std::string>> CalendarFields(const std::string& site) override;
  Result<std::optional<SignedHead>> NewestHead() override;
  Result<std::vector<HubLogEntry>> HubLog(int64_t after, int64_t limit) override;
  Result<std::vector<FoundEntity>> BookingsNamed(const std::string& site, const std::string& query,
                                                 int limit) override;
  Result<std::vector<FoundEntity>> CasesNamed(const std::string& query,
                                              const std::string& site) override;
  Result<std::vector<FoundEntity>> BookingsWithRef(const std::string& ref,
                                                   const std::string& site) override;
  Result<std::vector<FoundEntity>> BookingsWithId(const std::string& query,
                                                  const std::string& site) override;
  Result<std::vector<std::string>> CustomersWithId(const std::string& query) override;
  Result<std::vector<std::string>> CustomersWithPhone(const std::string& e164) override;
  Result<std::vector<std::string>> RecordsOfUnified(const std::string& unified_id) override;
  Result<std::vector<std::string>> RecordsLinkedWith(const std::string& record) override;
  Result<std::vector<StoreOverview>> StoreOverviews() override;
  Result<std::vector<RequestRow>> Requests(const std::string& site) override;
  Result<std::vector<BoardBooking>> BookingsOn(const std::string& site,
                                               const std::string& date) override;
  Result<std::vector<EntityFields>> Cases(const std::string& site) override;
  Result<std::vector<EntityFields>> HeadOfficeTasks() override;
  Result<std::vector<EntityFields>> TasksNamed(const std::string& query, int limit) override;
  Result<int64_t> CountChangesRecorded(const std::string& site, const std::string& from,
                                       const std::string& before) override;
  Result<std::vector<PaperImportRow>> PaperImports(const std::string& site,
                                                   const std::string& since) override;
  Result<CaseActivity> CaseActivitySince(const std::string& site,
                                         const std::string& since) override;
  Status ForEachMonthBooking(const std::string& site, const std::string& from_date,
                             const std::string& to_date, const MonthBookingVisitor& visit) override;
  Result<std::vector<ContactRow>> StoreContactsMade(const std::string& from,
                                                    const std::string& to) override;
  Result<std::vector<ContactRow>> HeadOfficeContactsMade(const std::string& from,
                                                         const std::string& to) override;
  Result<std::vector<std::string>> EntitiesPresent(const std::string& entity,
                                                   const std::vector<std::string>& ids) override;
  Status ForEachEntityOfKind(const std::string& entity, const EntityVisitor& visit) override;

 private:
  PgConnection& db_;
};

class PgVerifyReads : public VerifyReads {
 public:
  explicit PgVerifyReads(PgConnection& db) : db_(db) {}
  Result<std::vector<std::string>> IntegrityProblems() override;
  Result<std::vector<ChangeEntry>> ChangesFrom(const std::string& site, int64_t from_seq,
                                               int64_t limit) override;
  Result<std::optional<Hash256>> ChangeHash(const std::string& site, int64_t seq) override;
  Status ForEachArchivedBatch(const std::function<Status(const ArchivedBatch&)>& visit) override;
  Result<std::vector<KeyHistoryEntry>> KeyHistory() override;
  Result<std::vector<LiveKey>> LiveKeys() override;
  Status ForEachRecordLogEntry(const std::function<Status(const RecordLogEntry&)>& visit) override;
  Status ForEachRecord(const std::function<Status(const std::string& record, const std::string& key,
                                                  const Hash256& content)>& visit) override;
  Result<std::unique_ptr<RowCursor<EntityChange>>> ChangesByEntity() override;
  Result<std::unique_ptr<RowCursor<EntityFields>>> EntitiesInOrder() override;

 private:
  PgConnection& db_;
};

}  // namespace outpost::hub::storage::postgres
