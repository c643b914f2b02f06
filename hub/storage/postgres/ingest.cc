#include <algorithm>
#include <array>

#include "hub/storage/postgres/parts.h"

namespace outpost::hub::storage::postgres {
namespace {

// An entity row's columns, in EntityRow's order: for INSERT and for COPY.
constexpr char kEntityTable[] =
    "entities (entity, entity_id, owner_site, fields, field_hlcs, last_hlc, base_hlc)";
const std::string kInsertEntity =
    std::string("INSERT INTO ") + kEntityTable + " VALUES (?, ?, ?, ?, ?, ?, ?)";
// The merge of an entity row the hub holds already: the fields and their
// stamps replaced, the owner and base kept, the newer last_hlc.
constexpr char kMergeHeldEntity[] =
    " ON CONFLICT (entity, entity_id) DO UPDATE SET"
    " fields = excluded.fields, field_hlcs = excluded.field_hlcs,"
    " last_hlc = greatest(entities.last_hlc, excluded.last_hlc)";

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
  ASSIGN_OR_RETURN(std::optional<StoreCursor> cursor, postgres::ReadCursor(db_, site));
  if (cursor) cursor_seq_[site] = cursor->last_seq;
  return cursor;
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
  RETURN_IF_ERROR(Flush());
  return ReadChangeHash(db_, site, seq);
}

Status PgIngestUnit::StoreChange(const ChangeEntry& change) {
  const auto cursor = cursor_seq_.find(change.site_id);
  if (cursor != cursor_seq_.end() && change.seq > cursor->second) {
    pending_changes_.push_back(change);
    return Status::Ok();
  }
  return InsertChange(db_, change);
}

Status PgIngestUnit::Prefetch(std::span<const ChangeEntry> changes) {
  PgArray kinds;
  PgArray ids;
  std::vector<EntityKey> asked;
  for (const ChangeEntry& c : changes) {
    EntityKey key{c.entity, c.entity_id};
    if (entities_.emplace(key, std::nullopt).second) {
      kinds.Add(c.entity);
      ids.Add(c.entity_id);
      asked.push_back(std::move(key));
    }
  }
  if (kinds.size() == 0) return Status::Ok();
  ASSIGN_OR_RETURN(
      PgStatement held,
      db_.Prepare(
          "SELECT e.entity, e.entity_id, owner_site, fields, field_hlcs, last_hlc,"
          " base_hlc FROM entities e"
          " JOIN unnest(?::text[], ?::text[]) AS k(entity, entity_id)"
          " ON e.entity = k.entity COLLATE \"C\" AND e.entity_id = k.entity_id COLLATE \"C\""));
  held.Bind(1, kinds).Bind(2, ids);
  while (true) {
    ASSIGN_OR_RETURN(bool row, held.Step());
    if (!row) break;
    entities_[EntityKey{held.Text(0), held.Text(1)}] =
        EntityRow{held.Text(0),
                  held.Text(1),
                  held.Text(2),
                  held.Text(3),
                  held.Text(4),
                  static_cast<uint64_t>(held.Int(5)),
                  static_cast<uint64_t>(held.Int(6))};
  }
  for (const EntityKey& key : asked) {
    if (!entities_.at(key)) absent_.insert(key);  // the server holds none: new in this batch
  }
  return Status::Ok();
}

Result<bool> PgIngestUnit::InsertEntity(const EntityRow& row) {
  const auto known = entities_.find(EntityKey{row.entity, row.entity_id});
  if (known != entities_.end()) {
    if (known->second) return false;
    known->second = row;
    dirty_.insert(known->first);
    return true;
  }
  ASSIGN_OR_RETURN(PgStatement fresh,
                   db_.Prepare(kInsertEntity + " ON CONFLICT (entity, entity_id) DO NOTHING"));
  BindEntityRow(fresh, row);
  RETURN_IF_ERROR(fresh.Run());
  return fresh.RowsChanged() == 1;
}

Result<std::optional<EntityRow>> PgIngestUnit::ReadEntity(const std::string& entity,
                                                          const std::string& entity_id) {
  const auto known = entities_.find(EntityKey{entity, entity_id});
  if (known != entities_.end()) return known->second;
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
  const auto known = entities_.find(EntityKey{row.entity, row.entity_id});
  if (known != entities_.end()) {
    if (known->second) {
      // As kMergeHeldEntity does: the fields and stamps replaced, the owner and
      // base kept, the newer last_hlc.
      known->second->fields_json = row.fields_json;
      known->second->field_hlcs_json = row.field_hlcs_json;
      known->second->last_hlc = std::max(known->second->last_hlc, row.last_hlc);
    } else {
      known->second = row;
    }
    dirty_.insert(known->first);
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(PgStatement put, db_.Prepare(kInsertEntity + kMergeHeldEntity));
  BindEntityRow(put, row);
  return put.Run();
}

Result<SignedHead> PgIngestUnit::ArchiveBatch(const BatchToArchive& batch) {
  RETURN_IF_ERROR(Flush());
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

Status PgIngestUnit::Commit() {
  RETURN_IF_ERROR(Flush());
  return tx_->Commit();
}

Status PgIngestUnit::Flush() {
  RETURN_IF_ERROR(FlushChanges());
  return FlushEntities();
}

Status PgIngestUnit::FlushChanges() {
  if (pending_changes_.empty()) return Status::Ok();
  const std::vector<ChangeEntry> changes = std::move(pending_changes_);
  pending_changes_.clear();
  PgCopyRows rows;  // in kChangeColumns' order
  for (const ChangeEntry& e : changes) {
    rows.Add(e.seq)
        .Add(e.site_id)
        .Add(static_cast<int64_t>(e.hlc))
        .Add(e.entity)
        .Add(e.entity_id)
        .Add(e.op)
        .Add(e.fields_json)
        .Add(e.staff)
        .Add(e.business_time)
        .Add(e.recorded_at)
        .Add(int64_t{e.schema_version})
        .AddBytes(e.prev_hash)
        .AddBytes(e.hash)
        .EndRow();
  }
  Status copied = db_.CopyIn(std::string("changes (") + kChangeColumns + ")", rows);
  if (copied.code() == StatusCode::kConflict) {
    // A change held already breaks the primary key: the whole batch is refused.
    // English only: the database's refusal, as SQLite's constraint message is.
    return Status::Conflict("changes: " + changes.front().site_id + " seq " +
                            std::to_string(changes.front().seq) + ".." +
                            std::to_string(changes.back().seq) + ": " + copied.message());
  }
  return copied;
}

// New entities (absent when Prefetch looked, under the writer lock) are
// copied in; the others are updated by one upsert. Either way one row per
// entity the batch wrote, so the identity_input_clock trigger counts an
// entity inserted and then merged in one batch once, where SQLite's counts
// each write. The clock only marks that customers or vehicles changed since
// identity resolution last ran, so any count above the last one serves.
Status PgIngestUnit::FlushEntities() {
  if (dirty_.empty()) return Status::Ok();
  PgCopyRows fresh;                // kEntityTable's columns
  std::array<PgArray, 7> columns;  // the same, for the upsert
  for (const EntityKey& key : dirty_) {
    const EntityRow& row = *entities_.at(key);
    if (absent_.erase(key) == 1) {
      fresh.Add(row.entity)
          .Add(row.entity_id)
          .Add(row.owner_site)
          .Add(row.fields_json)
          .Add(row.field_hlcs_json)
          .Add(static_cast<int64_t>(row.last_hlc))
          .Add(static_cast<int64_t>(row.base_hlc))
          .EndRow();
      continue;
    }
    columns[0].Add(row.entity);
    columns[1].Add(row.entity_id);
    columns[2].Add(row.owner_site);
    columns[3].Add(row.fields_json);
    columns[4].Add(row.field_hlcs_json);
    columns[5].Add(static_cast<int64_t>(row.last_hlc));
    columns[6].Add(static_cast<int64_t>(row.base_hlc));
  }
  dirty_.clear();
  if (fresh.rows() > 0) {
    RETURN_IF_ERROR(db_.CopyIn(kEntityTable, fresh));
  }
  if (columns[0].size() == 0) return Status::Ok();
  ASSIGN_OR_RETURN(
      PgStatement put,
      db_.Prepare(std::string("INSERT INTO ") + kEntityTable +
                  " SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
                  " ?::bigint[], ?::bigint[])" +
                  kMergeHeldEntity));
  for (int i = 0; i < 7; ++i) put.Bind(i + 1, columns[static_cast<size_t>(i)]);
  return put.Run();
}

}  // namespace outpost::hub::storage::postgres
