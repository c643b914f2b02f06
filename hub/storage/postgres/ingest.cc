#include "hub/storage/postgres/parts.h"

namespace outpost::hub::storage::postgres {
namespace {

constexpr char kInsertEntity[] =
    "INSERT INTO entities (entity, entity_id, owner_site, fields, field_hlcs, last_hlc, base_hlc)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)";

void BindEntityRow(PgStatement& st, const EntityRow& row) {
  st.Bind(1, row.entity)
      .Bind(2, row.entity_id)
      .Bind(3, row.owner_site)
      .Bind(4, row.fields_json)
      .Bind(5, row.field_hlcs_json)
      .Bind(6, static_cast<int64_t>(row.last_hlc))
      .Bind(7, static_cast<int64_t>(row.base_hlc));
}

}  // namespace

Result<std::unique_ptr<IngestUnit>> PgIngestUnit::Begin(PgConnection& db,
                                                        const SecretKeys* signer) {
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db));
  return std::unique_ptr<IngestUnit>(new PgIngestUnit(db, signer, std::move(tx)));
}

Result<std::optional<StoreCursor>> PgIngestUnit::ReadCursor(const std::string& site) {
  return postgres::ReadCursor(db_, site);
}

Result<std::optional<Hash256>> ReadChangeHash(PgConnection& db, const std::string& site,
                                              int64_t seq) {
  ASSIGN_OR_RETURN(PgStatement have,
                   db.Prepare("SELECT hash FROM changes WHERE site_id = ? AND seq = ?"));
  have.Bind(1, site).Bind(2, seq);
  ASSIGN_OR_RETURN(bool stored, have.Step());
  if (!stored) return std::optional<Hash256>();
  return std::optional<Hash256>(ToHash(have.Blob(0)));
}

Result<std::optional<Hash256>> PgIngestUnit::ChangeHash(const std::string& site, int64_t seq) {
  return ReadChangeHash(db_, site, seq);
}

Status PgIngestUnit::StoreChange(const ChangeEntry& change) { return InsertChange(db_, change); }

Result<bool> PgIngestUnit::InsertEntity(const EntityRow& row) {
  ASSIGN_OR_RETURN(PgStatement fresh, db_.Prepare(std::string(kInsertEntity) +
                                                  " ON CONFLICT (entity, entity_id) DO NOTHING"));
  BindEntityRow(fresh, row);
  RETURN_IF_ERROR(fresh.Run());
  return fresh.RowsChanged() == 1;
}

Result<std::optional<EntityRow>> PgIngestUnit::ReadEntity(const std::string& entity,
                                                          const std::string& entity_id) {
  ASSIGN_OR_RETURN(PgStatement get,
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
  return std::optional<EntityRow>(std::move(row));
}

Status PgIngestUnit::WriteMergedEntity(const EntityRow& row) {
  ASSIGN_OR_RETURN(PgStatement put,
                   db_.Prepare(std::string(kInsertEntity) +
                               " ON CONFLICT (entity, entity_id) DO UPDATE SET"
                               " fields = excluded.fields, field_hlcs = excluded.field_hlcs,"
                               " last_hlc = greatest(entities.last_hlc, excluded.last_hlc)"));
  BindEntityRow(put, row);
  return put.Run();
}

Result<SignedHead> PgIngestUnit::ArchiveBatch(const BatchToArchive& batch) {
  ASSIGN_OR_RETURN(const SecretKeys* signer, Signer(signer_));
  // Archived with its place in the hub's log in one write. The id is the
  // highest archived + 1, taken under the hub's writer lock (held since
  // Begin): like SQLite's AUTOINCREMENT counter it leaves no gap when an
  // ingest rolls back (a sequence's nextval would), so the hub log numbers
  // its batches 1, 2, 3, ... on both backends. Rows are never deleted, so
  // no id is reused.
  ASSIGN_OR_RETURN(PgStatement next_id,
                   db_.Prepare("SELECT coalesce(max(id), 0) + 1 FROM batch_archive"));
  ASSIGN_OR_RETURN(bool has_id, next_id.Step());
  const int64_t id = has_id ? next_id.Int(0) : 1;
  ASSIGN_OR_RETURN(SignedHead head, HubLogHead(db_, *signer, id, batch.site, batch.first_seq,
                                               batch.last_seq, batch.envelope_hash));
  ASSIGN_OR_RETURN(PgStatement archive,
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

Status PgIngestUnit::MoveCursor(const std::string& site, int64_t seq, const Hash256& hash,
                                const std::string& at) {
  ASSIGN_OR_RETURN(PgStatement move, db_.Prepare("UPDATE store_cursors SET last_seq = ?,"
                                                 " last_hash = ?, last_batch_at = ?"
                                                 " WHERE site_id = ?"));
  move.Bind(1, seq).BindBlob(2, hash).Bind(3, at).Bind(4, site);
  return move.Run();
}

Status PgIngestUnit::NoteBatchContact(const std::string& site, const std::string& at,
                                      int64_t resent) {
  ASSIGN_OR_RETURN(PgStatement contact, db_.Prepare("UPDATE store_cursors SET last_contact = ?,"
                                                    " resent_changes = resent_changes + ?"
                                                    " WHERE site_id = ?"));
  contact.Bind(1, at).Bind(2, resent).Bind(3, site);
  return contact.Run();
}

Status PgIngestUnit::Commit() { return tx_->Commit(); }

}  // namespace outpost::hub::storage::postgres
