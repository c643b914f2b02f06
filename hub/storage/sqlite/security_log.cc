#include "hub/storage/sqlite/parts.h"

namespace outpost::hub::storage::sqlite {

Status SqliteSecurityLog::Append(const SecurityEvent& event) {
  ASSIGN_OR_RETURN(const SecretKeys* signer, Signer(signer_));
  // With its entry in the record log, so a deleted alarm is named by verify.
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("INSERT INTO security_log (at, site_id, kind,"
                                             " reason) VALUES (?, ?, ?, ?)"));
  st.Bind(1, event.at).Bind(2, event.site_id).Bind(3, event.kind).Bind(4, event.reason);
  RETURN_IF_ERROR(st.Run());
  RETURN_IF_ERROR(
      NoteRecord(db_, *signer, "security_log", {std::to_string(db_.LastInsertRowId())}));
  return tx->Commit();
}

Result<std::vector<SecurityEvent>> SqliteSecurityLog::List() {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT at, site_id, kind, reason FROM"
                                             " security_log ORDER BY id"));
  std::vector<SecurityEvent> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.OptionalText(1), st.Text(2), st.Text(3)});
  }
  return out;
}

}  // namespace outpost::hub::storage::sqlite
