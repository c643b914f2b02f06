#include "hub/storage/postgres/parts.h"

namespace outpost::hub::storage::postgres {

Status PgSecurityLog::Append(const SecurityEvent& event) {
  ASSIGN_OR_RETURN(const SecretKeys* signer, Signer(signer_));
  // With its entry in the record log, so a deleted alarm is named by verify.
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("INSERT INTO security_log (at, site_id, kind,"
                                               " reason) VALUES (?, ?, ?, ?) RETURNING id"));
  st.Bind(1, event.at).Bind(2, event.site_id).Bind(3, event.kind).Bind(4, event.reason);
  ASSIGN_OR_RETURN(bool inserted, st.Step());
  if (!inserted) {
    // English only: RETURNING always yields the inserted row; this is our bug, never a person's.
    return Status::Corruption("security_log: the insert returned no id");
  }
  RETURN_IF_ERROR(NoteRecord(db_, *signer, "security_log", {std::to_string(st.Int(0))}));
  return tx->Commit();
}

Result<std::vector<SecurityEvent>> PgSecurityLog::List() {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT at, site_id, kind, reason FROM"
                                               " security_log ORDER BY id"));
  return Rows<SecurityEvent>(st, [](const PgStatement& row) {
    return SecurityEvent{row.Text(0), row.OptionalText(1), row.Text(2), row.Text(3)};
  });
}

}  // namespace outpost::hub::storage::postgres
