#include "hub/storage/postgres/parts.h"

namespace outpost::hub::storage::postgres {

Result<int64_t> AppendToOutbox(PgConnection& db, const SecretKeys& signer, const std::string& site,
                               const std::string& request_json, const std::string& created_at,
                               const std::string& created_by) {
  RETURN_IF_ERROR(ReadStoreKeys(db, site).status());  // only stores on the allow-list
  // Gapless per store, as on SQLite: the caller's transaction holds the
  // hub's writer lock, so no other writer takes the same seq meanwhile.
  ASSIGN_OR_RETURN(PgStatement next, db.Prepare("SELECT coalesce(max(seq), 0) + 1 FROM hub_outbox"
                                                " WHERE site_id = ?"));
  next.Bind(1, site);
  ASSIGN_OR_RETURN(bool row, next.Step());
  const int64_t seq = row ? next.Int(0) : 1;
  ASSIGN_OR_RETURN(PgStatement ins, db.Prepare("INSERT INTO hub_outbox (site_id, seq, request,"
                                               " created_at, created_by) VALUES (?, ?, ?, ?, ?)"));
  ins.Bind(1, site).Bind(2, seq).Bind(3, request_json).Bind(4, created_at).Bind(5, created_by);
  RETURN_IF_ERROR(ins.Run());
  // It travels to the store on the hub's signed answer: recorded, so a forged one is named.
  RETURN_IF_ERROR(NoteRecord(db, signer, "hub_outbox", {site, std::to_string(seq)}));
  return seq;
}

Result<int64_t> PgOutbox::Append(const std::string& site, const std::string& request_json,
                                 const std::string& created_at, const std::string& created_by) {
  ASSIGN_OR_RETURN(const SecretKeys* signer, Signer(signer_));
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(int64_t seq,
                   AppendToOutbox(db_, *signer, site, request_json, created_at, created_by));
  RETURN_IF_ERROR(tx->Commit());
  return seq;
}

Result<std::vector<OutboxEntry>> PgOutbox::After(const std::string& site, int64_t after_seq,
                                                 int limit) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT seq, request FROM hub_outbox WHERE"
                                               " site_id = ? AND seq > ? ORDER BY seq LIMIT ?"));
  st.Bind(1, site).Bind(2, after_seq).Bind(3, int64_t{limit});
  return Rows<OutboxEntry>(st, [](const PgStatement& row) {
    return OutboxEntry{row.Int(0), row.Text(1)};
  });
}

Status PgOutbox::MarkApplied(const std::string& site, int64_t seq) {
  ASSIGN_OR_RETURN(PgStatement mark,
                   db_.Prepare("UPDATE store_cursors SET applied_push_seq ="
                               " greatest(applied_push_seq, least(?, (SELECT coalesce(max(seq), 0)"
                               " FROM hub_outbox WHERE site_id = ?))) WHERE site_id = ?"));
  mark.Bind(1, seq).Bind(2, site).Bind(3, site);
  return mark.Run();
}

}  // namespace outpost::hub::storage::postgres
