#include "hub/storage/sqlite/parts.h"

namespace outpost::hub::storage::sqlite {

Result<int64_t> AppendToOutbox(Db& db, const SecretKeys& signer, const std::string& site,
                               const std::string& request_json, const std::string& created_at,
                               const std::string& created_by) {
  RETURN_IF_ERROR(ReadStoreKeys(db, site).status());  // only stores on the allow-list
  ASSIGN_OR_RETURN(Statement next, db.Prepare("SELECT coalesce(max(seq), 0) + 1 FROM hub_outbox"
                                              " WHERE site_id = ?"));
  next.Bind(1, site);
  ASSIGN_OR_RETURN(bool row, next.Step());
  const int64_t seq = row ? next.Int(0) : 1;
  next.Reset();
  ASSIGN_OR_RETURN(Statement ins, db.Prepare("INSERT INTO hub_outbox (site_id, seq, request,"
                                             " created_at, created_by) VALUES (?, ?, ?, ?, ?)"));
  ins.Bind(1, site).Bind(2, seq).Bind(3, request_json).Bind(4, created_at).Bind(5, created_by);
  RETURN_IF_ERROR(ins.Run());
  // It travels to the store on the hub's signed answer: recorded, so a forged one is named.
  RETURN_IF_ERROR(NoteRecord(db, signer, "hub_outbox", {site, std::to_string(seq)}));
  return seq;
}

Result<int64_t> SqliteOutbox::Append(const std::string& site, const std::string& request_json,
                                     const std::string& created_at, const std::string& created_by) {
  ASSIGN_OR_RETURN(const SecretKeys* signer, Signer(signer_));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(int64_t seq,
                   AppendToOutbox(db_, *signer, site, request_json, created_at, created_by));
  RETURN_IF_ERROR(tx->Commit());
  return seq;
}

Result<std::vector<OutboxEntry>> SqliteOutbox::After(const std::string& site, int64_t after_seq,
                                                     int limit) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT seq, request FROM hub_outbox WHERE"
                                             " site_id = ? AND seq > ? ORDER BY seq LIMIT ?"));
  st.Bind(1, site).Bind(2, after_seq).Bind(3, int64_t{limit});
  std::vector<OutboxEntry> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Int(0), st.Text(1)});
  }
  return out;
}

Status SqliteOutbox::MarkApplied(const std::string& site, int64_t seq) {
  ASSIGN_OR_RETURN(Statement mark,
                   db_.Prepare("UPDATE store_cursors SET applied_push_seq ="
                               " max(applied_push_seq, min(?, (SELECT coalesce(max(seq), 0)"
                               " FROM hub_outbox WHERE site_id = ?2))) WHERE site_id = ?2"));
  mark.Bind(1, seq).Bind(2, site);
  return mark.Run();
}

}  // namespace outpost::hub::storage::sqlite
