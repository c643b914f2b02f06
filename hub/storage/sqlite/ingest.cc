#include "hub/storage/sqlite/parts.h"

namespace outpost::hub::storage::sqlite {
namespace {

constexpr char kInsertEntity[] =
    "INSERT INTO entities (entity, entity_id, owner_site, fields, field_hlcs, last_hlc, base_hlc)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)";

void BindEntityRow(Statement& st, const EntityRow& row) {
  st.Bind(1, row.entity)
      .Bind(2, row.entity_id)
      .Bind(3, row.owner_site)
      .Bind(4, row.fields_json)
      .Bind(5, row.field_hlcs_json)
      .Bind(6, static_cast<int64_t>(row.last_hlc))
      .Bind(7, static_cast<int64_t>(row.base_hlc));
}

}  // namespace

Result<std::unique_ptr<IngestUnit>> SqliteIngestUnit::Begin(Db& db, const SecretKeys* signer) {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db));
  return std::unique_ptr<IngestUnit>(new SqliteIngestUnit(db, signer, std::move(tx)));
}

Result<std::optional<StoreCursor>> SqliteIngestUnit::ReadCursor(const std::string& site) {
  return sqlite::ReadCursor(db_, site);
}

Result<std::optional<Hash256>> ReadChangeHash(Db& db, const std::string& site, int64_t seq) {
  ASSIGN_OR_RETURN(Statement have,
                   db.Prepare("SELECT hash FROM changes WHERE site_id = ? AND seq = ?"));
  have.Bind(1, site).Bind(2, seq);
  ASSIGN_OR_RETURN(bool stored, have.Step());
  if (!stored) return std::optional<Hash256>();
  const Hash256 hash = ToHash(have.Blob(0));
  have.Reset();
  return std::optional<Hash256>(hash);
}

Result<std::optional<Hash256>> SqliteIngestUnit::ChangeHash(const std::string& site, int64_t seq) {
  return ReadChangeHash(db_, site, seq);
}

Status SqliteIngestUnit::StoreChange(const ChangeEntry& change) {
  return InsertChangeRow(db_, "changes", change);
}

Result<bool> SqliteIngestUnit::InsertEntity(const EntityRow& row) {
  ASSIGN_OR_RETURN(Statement fresh, db_.Prepare(std::string(kInsertEntity) +
                                                " ON CONFLICT (entity, entity_id) DO NOTHING"));
  BindEntityRow(fresh, row);
  RETURN_IF_ERROR(fresh.Run());
  return db_.RowsChanged() == 1;
}

Result<std::optional<EntityRow>> SqliteIngestUnit::ReadEntity(const std::string& entity,
                                                              const std::string& entity_id) {
  ASSIGN_OR_RETURN(Statement get,
                   db_.Prepare("SELECT owner_site, fields, field_hlcs, last_hlc, base_hlc"
                               " FROM entities WHERE entity = ? AND entity_id = ?"));
  get.Bind(1, entity).Bind(2, entity_id);
  ASSIGN_OR_RETURN(bool exists, get.Step());
  if (!exists) return std::optional<EntityRow>();
  EntityRow row{entity,
                entity_id,
                get.Text(0),
                get.Text(1),
                get.Text(2),
                static_cast<uint64_t>(get.Int(3)),
                static_cast<uint64_t>(get.Int(4))};
  get.Reset();
  return std::optional<EntityRow>(std::move(row));
}

Status SqliteIngestUnit::WriteMergedEntity(const EntityRow& row) {
  ASSIGN_OR_RETURN(Statement put,
                   db_.Prepare(std::string(kInsertEntity) +
                               " ON CONFLICT (entity, entity_id) DO UPDATE SET"
                               " fields = excluded.fields, field_hlcs = excluded.field_hlcs,"
                               " last_hlc = max(last_hlc, excluded.last_hlc)"));
  BindEntityRow(put, row);
  return put.Run();
}

Result<SignedHead> SqliteIngestUnit::ArchiveBatch(const BatchToArchive& batch) {
  ASSIGN_OR_RETURN(const SecretKeys* signer, Signer(signer_));
  // Archived with its place in the hub's log in one write: an UPDATE after the
  // INSERT would write the whole envelope a second time. Ids come from
  // AUTOINCREMENT's counter, so none is ever reused.
  ASSIGN_OR_RETURN(Statement next_id, db_.Prepare("SELECT coalesce((SELECT seq FROM"
                                                  " sqlite_sequence WHERE name = 'batch_archive'),"
                                                  " 0) + 1"));
  ASSIGN_OR_RETURN(bool has_id, next_id.Step());
  const int64_t id = has_id ? next_id.Int(0) : 1;
  next_id.Reset();
  ASSIGN_OR_RETURN(SignedHead head, HubLogHead(db_, *signer, id, batch.site, batch.first_seq,
                                               batch.last_seq, batch.envelope_hash));
  ASSIGN_OR_RETURN(Statement archive,
                   db_.Prepare("INSERT INTO batch_archive (id, site_id, first_seq, last_seq,"
                               " received_at, envelope, envelope_hash, head, head_signature)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  archive.Bind(1, id)
      .Bind(2, batch.site)
      .Bind(3, batch.first_seq)
      .Bind(4, batch.last_seq)
      .Bind(5, batch.received_at)
      .BindBlob(6, batch.envelope.data(), batch.envelope.size())
      .BindBlob(7, batch.envelope_hash)
      .BindBlob(8, head.head)
      .BindBlob(9, head.signature.data(), head.signature.size());
  RETURN_IF_ERROR(archive.Run());
  return head;
}

Status SqliteIngestUnit::MoveCursor(const std::string& site, int64_t seq, const Hash256& hash,
                                    const std::string& at) {
  ASSIGN_OR_RETURN(Statement move, db_.Prepare("UPDATE store_cursors SET last_seq = ?,"
                                               " last_hash = ?, last_batch_at = ?"
                                               " WHERE site_id = ?"));
  move.Bind(1, seq).BindBlob(2, hash).Bind(3, at).Bind(4, site);
  return move.Run();
}

Status SqliteIngestUnit::NoteBatchContact(const std::string& site, const std::string& at,
                                          int64_t resent) {
  ASSIGN_OR_RETURN(Statement contact, db_.Prepare("UPDATE store_cursors SET last_contact = ?,"
                                                  " resent_changes = resent_changes + ?"
                                                  " WHERE site_id = ?"));
  contact.Bind(1, at).Bind(2, resent).Bind(3, site);
  return contact.Run();
}

Status SqliteIngestUnit::Commit() { return tx_->Commit(); }

}  // namespace outpost::hub::storage::sqlite
