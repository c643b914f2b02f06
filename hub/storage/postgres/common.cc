// The free helpers the PostgreSQL parts share (postgres/parts.h): the twins of
// those in sqlite/hub_storage.cc, and the change rows the hub stores.
#include "hub/storage/postgres/parts.h"
#include "hub/storage/postgres/record_log.h"
#include "sync/hub_log.h"

namespace outpost::hub::storage::postgres {

Hash256 ToHash(const std::string& blob) { return ToBytes<32>(blob); }

Result<const SecretKeys*> Signer(const SecretKeys* signer) {
  if (!signer) {
    return Status::Refused("hub storage opened without the hub's keys: it cannot sign this write");
  }
  return signer;
}

Status NoteRecord(PgConnection& db, const SecretKeys& signer, const std::string& table,
                  const std::vector<std::string>& key) {
  ASSIGN_OR_RETURN(RecordLog log, RecordLog::Open(db));
  RETURN_IF_ERROR(log.Note(table, key));
  return log.Seal(signer);
}

Result<SignedHead> HubLogHead(PgConnection& db, const SecretKeys& signer, int64_t id,
                              const std::string& site, int64_t first_seq, int64_t last_seq,
                              const Hash256& envelope_hash) {
  ASSIGN_OR_RETURN(PgStatement prev, db.Prepare("SELECT head FROM batch_archive WHERE id < ?"
                                                " ORDER BY id DESC LIMIT 1"));
  prev.Bind(1, id);
  ASSIGN_OR_RETURN(bool has_prev, prev.Step());
  const Hash256 prev_head = has_prev ? ToHash(prev.Blob(0)) : Hash256{};
  const HubLogEntry entry{id, site, first_seq, last_seq, envelope_hash};
  return SignHubHead(signer, id, NextHubHead(prev_head, entry));
}

ChangeEntry ReadChangeRowOf(const PgStatement& st) {
  ChangeEntry e;
  e.seq = st.Int(0);
  e.site_id = st.Text(1);
  e.hlc = static_cast<Hlc>(st.Int(2));
  e.entity = st.Text(3);
  e.entity_id = st.Text(4);
  e.op = st.Text(5);
  e.fields_json = st.Text(6);
  e.staff = st.Text(7);
  e.business_time = st.OptionalText(8);
  e.recorded_at = st.Text(9);
  e.schema_version = static_cast<int>(st.Int(10));
  e.prev_hash = ToHash(st.Blob(11));
  e.hash = ToHash(st.Blob(12));
  return e;
}

Result<std::vector<ChangeEntry>> ReadChangeRowsOf(PgStatement& st) {
  return Rows<ChangeEntry>(st, [](const PgStatement& row) { return ReadChangeRowOf(row); });
}

Status InsertChange(PgConnection& db, const ChangeEntry& e) {
  ASSIGN_OR_RETURN(PgStatement ins,
                   db.Prepare(std::string("INSERT INTO changes (") + kChangeColumns +
                              ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                              " ON CONFLICT (site_id, seq) DO NOTHING"));
  ins.Bind(1, e.seq)
      .Bind(2, e.site_id)
      .Bind(3, static_cast<int64_t>(e.hlc))
      .Bind(4, e.entity)
      .Bind(5, e.entity_id)
      .Bind(6, e.op)
      .Bind(7, e.fields_json)
      .Bind(8, e.staff)
      .Bind(9, e.business_time)
      .Bind(10, e.recorded_at)
      .Bind(11, int64_t{e.schema_version})
      .BindBlob(12, e.prev_hash)
      .BindBlob(13, e.hash);
  // A seq held already is refused without an error from the server: an error
  // would abort the caller's transaction, where SQLite's constraint failure
  // leaves it usable (the ingest goes on to compare and report).
  RETURN_IF_ERROR(ins.Run());
  if (ins.RowsChanged() == 0) {
    // English only: the database's refusal, as SQLite's constraint message is.
    return Status::Conflict("changes: " + e.site_id + " seq " + std::to_string(e.seq) +
                            " is held already");
  }
  return Status::Ok();
}

}  // namespace outpost::hub::storage::postgres
